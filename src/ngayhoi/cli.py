"""The ``ngayhoi`` command line: a thin layer over the library.

Exit codes: 0 success, 1 the plan cannot be carried out (infeasible), 2 bad
input (a plan file, an argument, a folder). Errors are one message, never a
stack trace. A progress bar appears on long runs when stderr is a terminal.

>>> main(["units", "long hoa", "--date", "2023-08-06"])
long-hoa  28123  Xã Long Hòa  (xã, valid until 2025-06-30)
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import attrs

from ngayhoi import data, io
from ngayhoi._version import __version__
from ngayhoi.errors import InfeasibleError, NgayhoiError, PlanError
from ngayhoi.export import export_calendars, load_state
from ngayhoi.export.diff import diff as plan_diff
from ngayhoi.export.diff import diff_events
from ngayhoi.export.ics import calendar_events, standard_feeds
from ngayhoi.export.text import day_table, idle_table, itineraries
from ngayhoi.graph import check_consistency
from ngayhoi.model import Festival, TravelTimes, Unit, due_note
from ngayhoi.scheduling import DEFAULT_BUDGET, TIME_CAP, Schedule, schedule
from ngayhoi.scheduling.checker import check_protocol
from ngayhoi.templates.units_plan import (
    SPEED_KMH,
    pilot_plan_text,
    plan_header,
    programme_lines,
    toml_string,
    units_plan_text,
)
from ngayhoi.text import check_id, fold, nfc

if TYPE_CHECKING:
    from ngayhoi.publish.caldav import PublishReport

__all__ = ["main"]

_EXAMPLES = """\
exit codes: 0 done, 1 the plan cannot be carried out (the reasons are printed),
            2 bad input (a plan file, an argument, a folder)

examples:
  ngayhoi init --communes 17 --date 2023-08-06 --out plan.toml
  ngayhoi validate plan.toml
  ngayhoi schedule plan.toml
  ngayhoi export plan.toml --out lich/
  ngayhoi runsheet plan.toml --out kich-ban/
  ngayhoi gantt plan.toml --out ngay-hoi.png
  ngayhoi diff plan.toml --against lich/
  ngayhoi publish lich/            (NGAYHOI_CALDAV_URL, _USERNAME, _PASSWORD)
  ngayhoi units "rach kien" --date 2025-08-10
"""


#: The most communes ``init`` writes: the plan file of 11000 stays well under 5 MB.
_MAX_COMMUNES = 11_000
_MAX_NAME = 2000


class _Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.live or total <= 0:
            return
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}")
        self.stream.flush()
        if done >= total:
            self.stream.write("\r" + " " * (width + 52) + "\r")
            self.stream.flush()


def _parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one option after another
    parser = argparse.ArgumentParser(
        prog="ngayhoi",
        description=(
            "Plan the Ngày hội toàn dân bảo vệ an ninh Tổ quốc across many communes: "
            "check a plan file, schedule it, export synchronised calendars, print run sheets."
        ),
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ngayhoi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_: str, example: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command(
        "init",
        "write a new plan file for N communes from the standard programme",
        "ngayhoi init --communes 17 --date 2023-08-06 --out plan.toml",
    )
    p.add_argument("--communes", type=int, default=17, help="how many communes (default 17)")
    p.add_argument("--date", required=True, help="the festival day, YYYY-MM-DD")
    p.add_argument("--name", help="the festival's Vietnamese name")
    p.add_argument("--id", help="the festival's id (ASCII slug)")
    p.add_argument("--parade", default="06:45", help="when the parades start, HH:MM")
    p.add_argument(
        "--delegations",
        type=int,
        default=0,
        help="delegations (the district's, or the province's from 1/7/2025) attending the "
        "ceremonies, two neighbouring communes each",
    )
    p.add_argument("--out", required=True, type=Path, help="the plan file to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument(
        "--province",
        help="every commune of this province on --date (with --district or --units: "
        "only to tell names apart)",
    )
    p.add_argument("--district", help="every commune of this district (dates before 1/7/2025)")
    p.add_argument("--units", help="these communes: names, codes or ids, comma-separated")
    p.add_argument(
        "--pilot",
        metavar="UNIT",
        help="a pilot day (ngày hội điểm) at this one commune, its province or district attending",
    )

    for name, help_, example in (
        ("validate", "check a plan file and its times", "ngayhoi validate plan.toml"),
        ("schedule", "schedule a plan and print each commune's day", "ngayhoi schedule plan.toml"),
    ):
        p = command(name, help_, example)
        p.add_argument("plan", type=Path, help="the plan file (TOML)")
        _scheduling_options(p)

    p = command(
        "export",
        "export every calendar feed into a folder (re-exports update in place)",
        "ngayhoi export plan.toml --out lich/",
    )
    p.add_argument("plan", type=Path, help="the plan file (TOML)")
    p.add_argument(
        "--out", required=True, type=Path, help="the calendar folder (kept between exports)"
    )
    p.add_argument(
        "--tasks",
        choices=["event", "todo"],
        default="event",
        help="preparation tasks as all-day events (default) or as to-dos",
    )
    p.add_argument("--no-roles", action="store_true", help="no feed per role or team")
    p.add_argument("--json", action="store_true", help="also write schedule.json (c3voc)")
    _scheduling_options(p, partial=True)

    p = command(
        "diff",
        "what changed between two plans, or since the last export into a folder",
        "ngayhoi diff new.toml --against lich/    or    ngayhoi diff old.toml new.toml",
    )
    p.add_argument("plans", type=Path, nargs="+", metavar="PLAN", help="one or two plan files")
    p.add_argument("--against", type=Path, help="a folder written by ngayhoi export")
    p.add_argument("--json", action="store_true", help="print the diff as JSON data")
    _scheduling_options(p)

    p = command(
        "publish",
        "publish an exported folder to a CalDAV server (extra: ngayhoi[caldav])",
        "NGAYHOI_CALDAV_URL=https://dav.example.vn/btc/ ngayhoi publish lich/",
    )
    p.add_argument("folder", type=Path, help="a folder written by ngayhoi export")
    p.add_argument("--feeds", nargs="*", help="only these feed ids")
    p.add_argument("--config", type=Path, help="a caldav.toml (mode 600) instead of env vars")
    p.add_argument(
        "--prune", action="store_true", help="delete server objects ngayhoi does not know"
    )

    p = command(
        "runsheet",
        "write printable run sheets per commune and delegation (Markdown, HTML)",
        "ngayhoi runsheet plan.toml --out kich-ban/",
    )
    p.add_argument("plan", type=Path, help="the plan file (TOML)")
    p.add_argument("--out", required=True, type=Path, help="the folder to write the sheets into")
    p.add_argument("--format", default="md,html", help="a comma list of md, html, pdf, docx")
    _scheduling_options(p)

    _documents_parser(command)

    p = command(
        "gantt",
        "draw every commune's day on one time axis, with the delegations' routes",
        "ngayhoi gantt plan.toml --out ngay-hoi.png",
    )
    p.add_argument("plan", type=Path, help="the plan file (TOML)")
    p.add_argument("--out", required=True, type=Path, help="a .png or .svg file")
    _scheduling_options(p)

    p = command(
        "units",
        "look up administrative units by name (diacritics optional) on a date",
        'ngayhoi units "rach kien" --date 2025-08-10',
    )
    p.add_argument("name", nargs="?", default="", help="part of the name; empty lists all")
    p.add_argument("--date", help="only units valid on this day, YYYY-MM-DD")
    p.add_argument("--province", help="only units of this province (name or code)")
    return parser


def _scheduling_options(p: argparse.ArgumentParser, *, partial: bool = False) -> None:
    if partial:
        p.add_argument(
            "--accept-partial",
            action="store_true",
            help="export a schedule even if the time limit cut its search short",
        )
    p.add_argument(
        "--backend",
        choices=["auto", "temporal", "heuristic", "cpsat"],
        default="auto",
        help="auto (default), temporal (no shared resources), heuristic, or cpsat "
        "(exact; needs ngayhoi[cpsat])",
    )
    p.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_BUDGET,
        help=f"passes the heuristic may spend (default {DEFAULT_BUDGET}); "
        "the same budget gives the same schedule on any machine",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"safety cap in seconds (default {TIME_CAP:g}; 0: one quick pass; "
        "CP-SAT: its search time, default 2)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the heuristic's random passes")
    p.add_argument(
        "--explain",
        action="store_true",
        help="when no schedule meets every rule, give the full chain of reasons",
    )
    p.add_argument(
        "--weather",
        choices=["nang", "mua"],
        default=None,
        help="mua: the rain plan (outdoor items move to each site's fallback); "
        "default: the plan's [festival] weather",
    )


def _date(text: str, what: str = "--date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"{what} {text!r} is not a date; write YYYY-MM-DD, e.g. 2023-08-06"
        raise PlanError(msg) from None


def _check_time_limit(args: argparse.Namespace) -> None:
    """Refuse a time limit before any plan is read."""
    if args.time_limit is not None and not 0 <= args.time_limit < math.inf:
        msg = f"--time-limit {args.time_limit} must be zero or more seconds, a finite number"
        raise PlanError(msg)
    if args.budget < 1:
        msg = f"--budget {args.budget} must be one pass or more, e.g. --budget {DEFAULT_BUDGET}"
        raise PlanError(msg)


def _schedule(plan: Festival, args: argparse.Namespace) -> Schedule:
    if args.weather is not None and args.weather != plan.weather:
        plan = attrs.evolve(plan, weather=args.weather)
    return schedule(
        plan,
        backend=args.backend,
        seed=args.seed,
        budget=args.budget,
        time_limit=args.time_limit,
        raise_on_infeasible=False,
    )


def _stamp() -> dt.datetime | None:
    """The change time of exported events: ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        msg = f"SOURCE_DATE_EPOCH {epoch!r} is not a count of seconds since 1970; unset it"
        raise PlanError(msg) from None


def _need_times(result: Schedule, args: argparse.Namespace) -> Schedule:
    """The schedule, or an error with one short Vietnamese reason and fix per broken rule."""
    if result.violations or not result.status.has_times:
        from ngayhoi.scheduling.advice import advise  # noqa: PLC0415 - only on failure

        explain = bool(getattr(args, "explain", False))
        lines = [NO_SCHEDULE.format(count=len(result.violations))]
        for advice in advise(result):
            lines.append(f"  - {advice.reason}")
            if explain:
                lines.append(f"    {EXPLAIN_PREFIX}{advice.detail}")
        if not explain:
            lines.append(EXPLAIN_HINT)
        raise InfeasibleError("\n".join(lines))
    return result


#: The CLI's words when a plan cannot be carried out (kept together for the catalogue).
NO_SCHEDULE = "không lập được lịch đáp ứng mọi ràng buộc; {count} điều không đáp ứng được:"
EXPLAIN_PREFIX = "chi tiết: "
EXPLAIN_HINT = "  (thêm --explain để xem đầy đủ chuỗi lý do)"


def _init(args: argparse.Namespace, out: TextIO) -> int:
    if args.pilot:
        return _init_pilot(args, out)
    if args.province or args.district or args.units:
        return _init_real(args, out)
    day = _date(args.date)
    if not 1 <= args.communes <= _MAX_COMMUNES:
        msg = f"--communes {args.communes}: give a number from 1 to {_MAX_COMMUNES}"
        raise PlanError(msg)
    parade = _init_options(args)
    if not 0 <= args.delegations <= args.communes:
        msg = f"--delegations {args.delegations}: give a number from 0 to --communes"
        raise PlanError(msg)
    text = init_text(
        communes=args.communes,
        day=day,
        name=args.name,
        ident=args.id,
        parade=parade,
    )
    if args.delegations:
        text = with_delegations(text, count=args.delegations)
    plan = io.loads(text, source=str(args.out))  # what we write must load
    from ngayhoi.files import write_atomic  # noqa: PLC0415 - only init writes text

    write_atomic(args.out, text.encode("utf-8"))
    print(
        f"wrote {args.out}: {args.communes} communes on {day}; next: ngayhoi validate {args.out}",
        file=out,
    )
    placeholders = [u.id for u in plan.units if u.code is None]
    if placeholders:
        real = args.communes - len(placeholders)
        print(
            f"note: ngayhoi knows {real} real communes on {day}; {len(placeholders)} are "
            f"placeholders ({placeholders[0]} ...): rename them in the file",
            file=out,
        )
    return 0


def _check_name(name: str) -> None:
    """Refuse a --name the plan file could not hold, naming the option rather than the file."""
    text = nfc(name).strip()
    bad = next((c for c in text if unicodedata.category(c) in {"Cc", "Cs"}), None)
    why = ""
    if not text:
        why = "is empty"
    elif bad is not None:
        why = f"contains the control character U+{ord(bad):04X}"
    elif len(text) > _MAX_NAME:
        why = f"is {len(text)} characters long, more than {_MAX_NAME}"
    if why:
        msg = f"--name {name[:40]!r} {why}; give the festival's Vietnamese name on one line"
        raise PlanError(msg)


def _folder_out(path: Path, option: str) -> None:
    """Refuse an output folder that is a file, before any work is done."""
    if path.exists() and not path.is_dir():
        msg = (
            f"{option} {path} is a file, not a folder; give a folder "
            "(it is made if it does not exist)"
        )
        raise PlanError(msg)


def _file_out(path: Path, option: str) -> None:
    """Refuse an output file that is a folder, before any work is done."""
    if path.is_dir():
        msg = f"{option} {path} is a folder; give the path of a file in it, e.g. {path / 'x'}"
        raise PlanError(msg)


def _time(text: str, what: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        msg = f"{what} {text!r} is not a time; write HH:MM, e.g. 06:45"
        raise PlanError(msg) from None


def init_text(
    *,
    communes: int,
    day: dt.date,
    name: str | None = None,
    ident: str | None = None,
    parade: dt.time = dt.time(6, 45),
) -> str:
    """A new, commented plan file for ``communes`` communes on ``day``.

    The former Cần Đước units valid on the day are used first (17 before
    1/7/2025, 6 after); more communes are defined in the file as examples to
    rename.

    >>> text = init_text(communes=2, day=dt.date(2023, 8, 6))
    >>> from ngayhoi import io
    >>> len(io.loads(text).hosts())
    2
    """
    known = list(data.can_duoc_communes(day))[:communes]
    extra = communes - len(known)
    lines = plan_header(day=day, name=name, ident=ident)
    lines += [
        f"dataset = [{', '.join(_q(u.id) for u in known)}]",
    ]
    synthetic = [f"xa-{k:02d}" for k in range(1, extra + 1)]
    for sid in synthetic:
        lines += [
            "",
            "[[units.define]]  # rename: id, name and official name of a real commune",
            f"id = {_q(sid)}",
            f'name = "Xã {sid[3:]}"',
            f'official_name = "Xã {sid[3:]}"',
            'kind = "xã"',
        ]
    for unit in known:
        lines += [
            "",
            "[[sites]]",
            f"id = {_q(unit.id)}",
            f"name = {_q(f'Hội trường UBND {unit.kind.value} {unit.name}')}",
            f"unit = {_q(unit.id)}",
        ]
    for sid in synthetic:
        lines += [
            "",
            "[[sites]]",
            f"id = {_q(sid)}",
            f'name = "Hội trường UBND xã {sid[3:]}"',
            f"unit = {_q(sid)}",
        ]
    lines += programme_lines(parade)
    return "\n".join(lines)


#: Minutes from the parade's start to the end of the folk games after the
#: ceremony, with the games at their default 75 minutes (DOMAIN.md §2.2).
_DAY_AFTER_PARADE = 30 + 15 + 122 + 10 + 75


def with_delegations(  # noqa: C901 - one plan section after another
    text: str,
    *,
    count: int,
    pairs: Sequence[tuple[str, str, int]] | None = None,
    level: str = "huyện",
) -> str:
    """The plan text of :func:`init_text` with ``count`` delegations, two communes each.

    A delegation attends the formal part of two neighbouring communes: the first
    holds its ceremony after the parade, the second plays the folk games first.
    The games after a ceremony are shortened (to 45 minutes at the least) so
    that they end by ``outdoor_until``; a later parade moves ``outdoor_until``
    on, with a comment.

    >>> text = with_delegations(init_text(communes=4, day=dt.date(2023, 8, 6)), count=1)
    >>> from ngayhoi import io
    >>> [r.id for r in io.loads(text).resources if r.group == "doan-huyen"]
    ['doan-1']

    ``pairs`` gives the visited communes instead, as (first, second, minutes of
    driving between them); the second commune's games before its ceremony then
    last long enough to cover the drive (75 to 120 minutes). ``level`` names the
    delegations' level ("huyện", or "tỉnh" after the 2025 reform).
    """
    drive: dict[str, int] = {}
    if pairs is None:
        ids = [u.id for u in io.loads(text).hosts()]
        visited = ids[: 2 * count]
    else:
        visited = [site for first, second, _m in pairs for site in (first, second)]
        drive = {second: minutes for _f, second, minutes in pairs}
    early, late = visited[0::2], visited[1::2]
    group = "doan-tinh" if level == "tỉnh" else "doan-huyen"
    head = text.index("[programme]")
    tail = text.index("[preparation]")
    at = next(line for line in text[head:tail].splitlines() if line.startswith("at = "))
    parade = dt.time.fromisoformat(at.split('"')[1])
    start = parade.hour * 60 + parade.minute
    limit = 11 * 60
    games = max(45, min(75, limit - (start + _DAY_AFTER_PARADE - 75)))
    ends = start + _DAY_AFTER_PARADE - 75 + games
    lines: list[str] = []
    if ends > limit:
        text = text.replace(
            'outdoor_until = "11:00"  # outdoor items end before the noon heat',
            f'outdoor_until = "{ends // 60:02d}:{ends % 60:02d}"  # a late parade: the games '
            "end later",
        )
    gaps = "gaps = { don-dai-bieu = [10, 15], tro-choi = [10, 15] }  # waits of 10-15 min"
    minutes = f"minutes = {{ tro-choi = {games} }}"
    for sites, first in ((early, False), (late, True)):
        if not sites:
            continue
        lines += [
            "[[programme]]",
            "# Communes a delegation visits "
            + ("second: the folk games first." if first else "first: the ceremony first."),
            f"sites = [{', '.join(_q(s) for s in sites)}]",
            at,
            gaps,
            # The games before the ceremony keep their length: they fill the delegation's drive.
            "minutes = { tro-choi = 75 }" if first else minutes,
        ]
        if first:
            lines.append('move = [{ item = "tro-choi", after = "dieu-hanh", gap = 10 }]')
        lines.append("")
    lines += [
        "[[programme]]",
        "# Every other commune: the standard programme.",
        at,
        gaps,
        minutes,
        "",
    ]
    if "\n[travel]" not in text:
        lines += [
            "[travel]",
            "default = 10  # minutes between two communes: give the real ones (or coordinates)",
            "",
        ]
    for k in range(1, count + 1):
        lines += [
            "[[resources]]",
            f'id = "doan-{k}"',
            f'name = "Đoàn {k} BCĐ 138 {level}"',
            'kind = "delegation"',
            f"group = {_q(group)}",
            "",
        ]
    for sid in visited:
        lines += ["[[needs]]", f'activity = "{sid}.trao-thuong"', f"resources = [{_q(group)}]", ""]
    for sid, driving in drive.items():
        longer = max(75, min(120, 60 + driving))
        if longer != 75:  # noqa: PLR2004 - the default length
            lines += [
                f"[[override]]  # the games fill the delegation's {driving}-minute drive",
                f"unit = {_q(sid)}",
                'item = "tro-choi"',
                f"minutes = {longer}",
                "",
            ]
    if start - 15 < 6 * 60:
        opens = start - 15
        text = text.replace('opens = "06:00"', f'opens = "{opens // 60:02d}:{opens % 60:02d}"')
    head, tail = text.index("[programme]"), text.index("[preparation]")
    return text[:head] + "\n".join(lines) + text[tail:]


_q = toml_string


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    plan = io.load(args.plan)
    check_consistency(plan)
    print(
        f"{args.plan}: ok — festival '{plan.id}' on {', '.join(str(d) for d in plan.days)}: "
        f"{len(plan.hosts())} communes, {len(plan.sites)} sites, "
        f"{len(plan.activities)} activities, "
        f"{len(plan.dependencies)} dependencies, {len(plan.resources)} resources, "
        f"{len(plan.prep_tasks)} preparation tasks",
        file=out,
    )
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    _check_time_limit(args)
    plan = io.load(args.plan)
    result = _need_times(_schedule(plan, args), args)
    print(day_table(result), file=out)
    text = itineraries(result)
    if text:
        print(f"\n{text}", file=out)
    for wait in result.waits:
        print(f"  · {wait.message}", file=out)
    print(f"\n{idle_table(result)}", file=out)
    for broken in check_protocol(result):
        print(f"  ! {broken.message}", file=out)
    _moved_deadlines(plan, out)
    print(f"\n{result.status.value} ({result.solver}, {result.seconds:.1f} s)", file=out)
    if result.note:
        print(f"note: {result.note}", file=out)
    return 0


def _moved_deadlines(plan: Festival, out: TextIO) -> None:
    """The preparation deadlines moved to a working day, one line per task and reason."""
    moved: dict[tuple[str, str], int] = {}
    for task in plan.prep_tasks:
        note = due_note(plan, task)
        if note:
            moved[task.title, note] = moved.get((task.title, note), 0) + 1
    if not moved:
        return
    print("\nHạn chuẩn bị dời vào ngày làm việc:", file=out)
    for (title, note), count in moved.items():
        times = f" ({count} đơn vị)" if count > 1 else ""
        print(f"  · {title}{times}: {note}", file=out)


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _check_time_limit(args)
    _folder_out(args.out, "--out")
    plan = io.load(args.plan)
    result = _need_times(_schedule(plan, args), args)
    if result.cut_short and not args.accept_partial:
        msg = (
            f"{args.plan}: {result.note}; nothing was exported "
            "(give --accept-partial to export it anyway)"
        )
        raise InfeasibleError(msg)
    report = export_calendars(
        result,
        args.out,
        now=_stamp(),
        roles=not args.no_roles,
        tasks=args.tasks,
        progress=_Progress(err),
    )
    if args.json:
        from ngayhoi.export.schedule_json import write_schedule_json  # noqa: PLC0415

        write_schedule_json(result, args.out / "schedule.json")
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items())) or "no changes"
    first = report.counts.get("added") and not any(c.before for c in report.diff.changes)
    since = "first export" if first else f"since the last export: {counts}"
    print(
        f"{len(report.feeds)} calendars in {args.out} ({len(report.written)} written; {since})",
        file=out,
    )
    return 0


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    import json  # noqa: PLC0415

    _check_time_limit(args)
    if args.against is not None:
        if len(args.plans) != 1:
            msg = "with --against, give one plan: ngayhoi diff plan.toml --against lich/"
            raise PlanError(msg)
        state = load_state(args.against)
        if not state.entries:
            msg = f"{args.against} holds no export; run ngayhoi export first"
            raise PlanError(msg)
        new = _need_times(_schedule(io.load(args.plans[0]), args), args)
        changes = diff_events(
            state.events(),
            state.feeds,
            calendar_events(new),
            {f.id: f for f in standard_feeds(new)},
        )
    else:
        if len(args.plans) != 2:  # noqa: PLR2004
            msg = "give two plans (old new), or one plan and --against FOLDER"
            raise PlanError(msg)
        old = _need_times(_schedule(io.load(args.plans[0]), args), args)
        new = _need_times(_schedule(io.load(args.plans[1]), args), args)
        changes = plan_diff(old, new)
    if args.json:
        print(json.dumps(changes.to_json(), ensure_ascii=False, indent=1), file=out)
    else:
        print(changes.text(), file=out)
    return 0


def _publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from ngayhoi.publish.caldav import PublishError, config_from_env, publish  # noqa: PLC0415
    except ImportError:
        msg = "publishing needs the caldav extra: pip install 'ngayhoi[caldav]'"
        raise PlanError(msg) from None
    config = config_from_env(None, path=args.config)
    try:
        report = publish(
            args.folder, config, feeds=args.feeds, prune=args.prune, progress=_Progress(err)
        )
    except PublishError as failed:
        # Say what reached the server before it failed; the error line follows.
        if failed.report is not None:
            _print_publish(failed.report, out)
        raise
    _print_publish(report, out)
    return 0


def _print_publish(report: PublishReport, out: TextIO) -> None:
    for cal in sorted(report.uploaded):
        line = f"{cal}: {report.uploaded[cal]} uploaded, {report.unchanged[cal]} unchanged"
        if cal in report.moved_out:
            line += f", {len(report.moved_out[cal])} moved to other calendars"
        if cal in report.unknown:
            line += f", {len(report.unknown[cal])} unknown kept (see --prune)"
        if cal in report.deleted:
            line += f", {len(report.deleted[cal])} unknown deleted"
        print(line, file=out)


def _runsheet(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.runsheet import write_runsheets  # noqa: PLC0415

    _check_time_limit(args)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in {"md", "html", "pdf", "docx"}]
    if bad or not formats:
        msg = f"--format {args.format!r}: use a comma list of md, html, pdf, docx"
        raise PlanError(msg)
    _folder_out(args.out, "--out")
    result = _need_times(_schedule(io.load(args.plan), args), args)
    paths = write_runsheets(result, args.out, formats=formats)
    sheets = len({p.stem for p in paths})
    print(f"{sheets} run sheets in {args.out} ({len(paths)} files: {', '.join(formats)})", file=out)
    return 0


def _documents_parser(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "documents",
        "write the official documents: award decisions, assignment, invitations, MC scripts",
        "ngayhoi documents plan.toml --out van-ban/ --format pdf,docx",
    )
    p.add_argument("plan", type=Path, help="the plan file (TOML)")
    p.add_argument("--out", required=True, type=Path, help="the folder to write them into")
    p.add_argument("--format", default="html,pdf,docx", help="a comma list of html, pdf, docx")
    _scheduling_options(p)


def _documents(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.documents import DOC_FORMATS, write_documents  # noqa: PLC0415

    _check_time_limit(args)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in DOC_FORMATS]
    if bad or not formats:
        msg = f"--format {args.format!r}: dùng danh sách html, pdf, docx cách nhau bởi dấu phẩy"
        raise PlanError(msg)
    _folder_out(args.out, "--out")
    result = _need_times(_schedule(io.load(args.plan), args), args)
    paths = write_documents(result, args.out, formats=formats)
    docs = len({p.stem for p in paths})
    print(f"{docs} văn bản trong {args.out} ({len(paths)} tệp: {', '.join(formats)})", file=out)
    return 0


def _gantt(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.gantt import gantt  # noqa: PLC0415

    _check_time_limit(args)
    _file_out(args.out, "--out")
    result = _need_times(_schedule(io.load(args.plan), args), args)
    path = gantt(result, args.out)
    print(f"wrote {path}", file=out)
    return 0


def _init_options(args: argparse.Namespace) -> dt.time:
    """Check the options every ``init`` shares (id, name, the output file); the parade time."""
    if args.id is not None and check_id(args.id) is not None:
        msg = f"--id {args.id!r} {check_id(args.id)}"
        raise PlanError(msg)
    if args.name is not None:
        _check_name(args.name)
    _file_out(args.out, "--out")
    if args.out.exists() and not args.force:
        msg = f"{args.out} exists; choose another --out or add --force"
        raise PlanError(msg)
    return _time(args.parade, "--parade")


def _init_pilot(args: argparse.Namespace, out: TextIO) -> int:
    """``init --pilot UNIT``: the pilot day at one commune, its parent unit attending."""
    day = _date(args.date)
    parade = _init_options(args)
    if args.units or args.district or args.delegations:
        msg = "--pilot UNIT plans one commune: leave out --units, --district and --delegations"
        raise PlanError(msg)
    args.units = args.pilot
    units, _where = _real_communes(args, day)
    unit = units[0]
    if unit.parent is None:
        msg = (
            f"--pilot {args.pilot!r}: {unit.official_name} has no province or district in the data"
        )
        raise PlanError(msg)
    organiser = data.unit_on(unit.parent, day)
    text = pilot_plan_text(unit, organiser, day=day, name=args.name, ident=args.id, parade=parade)
    io.loads(text, source=str(args.out))  # what we write must load
    from ngayhoi.files import write_atomic  # noqa: PLC0415 - only init writes text

    write_atomic(args.out, text.encode("utf-8"))
    print(
        f"wrote {args.out}: the pilot day of {organiser.official_name} at "
        f"{unit.official_name} on {day}; next: ngayhoi validate {args.out}",
        file=out,
    )
    return 0


def _init_real(args: argparse.Namespace, out: TextIO) -> int:
    """``init --province/--district/--units``: a plan of real communes from the dataset."""
    day = _date(args.date)
    parade = _init_options(args)
    units, where = _real_communes(args, day)
    text = units_plan_text(
        units, day=day, name=args.name, ident=args.id, parade=parade, where=where
    )
    if args.delegations:
        pairs = _neighbours(units, args.delegations)
        level = "tỉnh" if day >= data.REFORM_DAY else "huyện"
        text = with_delegations(text, count=args.delegations, pairs=pairs, level=level)
        if "\nspeed_kmh" not in text:
            text = text.replace(
                "\n[travel]\n",
                "\n[travel]\ndefault = 10  # minutes between two communes: give the real ones\n",
                1,
            )
    io.loads(text, source=str(args.out))  # what we write must load
    from ngayhoi.files import write_atomic  # noqa: PLC0415 - only init writes text

    write_atomic(args.out, text.encode("utf-8"))
    print(
        f"wrote {args.out}: {len(units)} communes of {where} on {day}; "
        f"next: ngayhoi validate {args.out}",
        file=out,
    )
    missing = [u.id for u in units if u.lat is None]
    if missing:
        print(
            f"note: {len(missing)} sites have no coordinates ({missing[0]} ...): "
            "[travel] in the file lists them; give their lat/lon or travel minutes",
            file=out,
        )
    return 0


#: The longest drive between two communes one delegation visits (the games before
#: the second ceremony cover it, at most 120 minutes long).
_MAX_DRIVE = 60


def _neighbours(units: Sequence[Unit], count: int) -> list[tuple[str, str, int]]:
    """``count`` disjoint pairs of neighbouring communes, nearest first, with the drive."""
    placed = [u for u in units if u.lat is not None and u.lon is not None]
    if not placed and count <= len(units) // 2:
        # No coordinates at all (the shipped pre-2025 units): neighbours in the
        # dataset's order, 10 minutes apart, as ``init --communes`` does.
        return [(a.id, b.id, 10) for a, b in zip(units[0::2], units[1::2], strict=False)][:count]
    if not 0 <= count <= len(placed) // 2:
        msg = (
            f"--delegations {count}: each delegation visits two communes with coordinates, "
            f"and {len(placed)} have them; give a number from 0 to {len(placed) // 2}"
        )
        raise PlanError(msg)
    travel = TravelTimes(speed_kmh=SPEED_KMH)
    where = {u.id: (float(u.lat or 0), float(u.lon or 0)) for u in placed}
    order = {u.id: k for k, u in enumerate(placed)}
    candidates = sorted(
        (travel.lookup(a.id, b.id, where) or 0, order[a.id], order[b.id], a.id, b.id)
        for k, a in enumerate(placed)
        for b in placed[k + 1 :]
    )
    taken: set[str] = set()
    pairs: list[tuple[str, str, int]] = []
    for minutes, _i, _j, a, b in candidates:
        if len(pairs) == count or minutes > _MAX_DRIVE:
            break
        if a in taken or b in taken:
            continue
        taken |= {a, b}
        pairs.append((a, b, minutes))
    if len(pairs) < count:
        msg = (
            f"--delegations {count}: only {len(pairs)} pairs of communes lie within "
            f"{_MAX_DRIVE} minutes' drive of each other; give at most {len(pairs)}"
        )
        raise PlanError(msg)
    return sorted(pairs, key=lambda p: order[p[0]])


def _real_communes(args: argparse.Namespace, day: dt.date) -> tuple[list[Unit], str]:
    """The communes ``init`` was asked for, and the words naming them."""
    gaz = data.vietnam.gazetteer() if data.vietnam.available() else None
    if day < data.vietnam.COVERS_FROM or gaz is None:
        return _curated_communes(args, day, gaz)
    province = None
    if args.province:
        province = gaz.one(args.province, day, level="province")
    if args.district:
        if day >= data.REFORM_DAY:
            msg = (
                f"--district {args.district!r}: districts ended on 1/7/2025 and {day} is later; "
                "give --province, or --units with the communes"
            )
            raise PlanError(msg)
        district = gaz.one(args.district, day, province=province, level="district")
        return list(gaz.communes_in(district)), district.official_name
    if args.units:
        items = [item.strip() for item in args.units.split(",") if item.strip()]
        units = [gaz.one(item, day, province=province) for item in items]
        return _distinct(units), "the chosen communes"
    assert province is not None  # noqa: S101 - _init_real is called with one of the three
    return list(gaz.communes_in(province)), province.official_name


def _curated_communes(
    args: argparse.Namespace, day: dt.date, gaz: data.vietnam.Gazetteer | None
) -> tuple[list[Unit], str]:
    """Before the nationwide data begins (or without it): only the shipped Cần Đước units."""
    known = list(data.can_duoc_communes(day))
    if args.district and fold(args.district).removeprefix("huyen ") == "can duoc":
        return known, "Huyện Cần Đước"
    if args.units:
        items = [item.strip() for item in args.units.split(",") if item.strip()]
        units = []
        for item in items:
            hits = [u for u in known if fold(item) in {u.id, u.code, fold(u.name)}]
            if not hits:
                names = ", ".join(u.name for u in known)
                msg = f"--units: no commune {item!r} known on {day} (known: {names})"
                raise PlanError(msg)
            units.append(hits[0])
        return _distinct(units), "the chosen communes"
    if gaz is not None:
        gaz.check_day(day)
    msg = (
        "the nationwide units need the vietnamadminunits package: "
        "pip install 'ngayhoi[vn-units]'; without it ngayhoi knows only the Cần Đước "
        "units (--district 'Cần Đước', or --units)"
    )
    raise data.vietnam.NoDatasetError(msg)


def _distinct(units: list[Unit]) -> list[Unit]:
    return list({u.id: u for u in units}.values())


def _units(args: argparse.Namespace, out: TextIO) -> int:
    day = _date(args.date) if args.date else None
    nationwide = data.vietnam.available() and (
        args.province or day is None or day >= data.vietnam.COVERS_FROM
    )
    if nationwide:
        return _units_nationwide(args, day, out)
    found = data.search_units(args.name, day)
    if not found:
        other = data.search_units(args.name)
        if day is not None and other:
            names = "; ".join(
                f"{u.id} ({u.official_name}) is {u.validity()}"
                + (f", became {u.successor}" if u.successor else "")
                for u in other
            )
            msg = f"no unit named like {args.name!r} exists on {day}: {names}"
        elif day is not None and data.vietnam.available():
            data.vietnam.gazetteer().check_day(day)  # says what range the data covers
            msg = f"no unit named like {args.name!r}"
        else:
            msg = f"no unit named like {args.name!r}; try fewer words, e.g. 'long hoa'"
        raise PlanError(msg)
    for unit in found:
        about = f"({unit.kind.value}, {unit.validity()})"
        print(f"{unit.id}  {unit.code or '-'}  {unit.official_name}  {about}", file=out)
    return 0


def _units_nationwide(args: argparse.Namespace, day: dt.date | None, out: TextIO) -> int:
    gaz = data.vietnam.gazetteer()
    if day is not None:
        gaz.check_day(day)
    province = None
    if args.province:
        province = gaz.one(args.province, day or data.REFORM_DAY, level="province")
        if day is None:
            province = None
            found = tuple(
                u
                for u in gaz.find(args.name)
                if fold(gaz.province_of(u).name) == fold(args.province)
                or gaz.province_of(u).code == args.province
            )
        else:
            found = gaz.find(args.name, day, province=province)
    else:
        found = gaz.find(args.name, day, province=province)
    if not found:
        other = gaz.find(args.name) if day is not None else ()
        if other:
            names = "; ".join(
                f"{u.id} ({u.official_name}) is {u.validity()}"
                + (f", became {', '.join(u.successors)}" if u.successors else "")
                + f": {gaz.history(u)}"
                for u in other[:10]
            )
            msg = f"no unit named like {args.name!r} exists on {day}: {names}"
        else:
            pool = gaz.units_on(day) if day is not None else gaz.units
            near = gaz.closest(args.name, pool)
            tip = f"; closest names: {', '.join(near)}" if near else "; try fewer words"
            msg = f"no unit named like {args.name!r}{tip}"
        raise PlanError(msg)
    for unit in found:
        home = gaz.province_of(unit)
        place = "" if home is unit else f"; {home.official_name}"
        about = f"({unit.kind.value}, {unit.validity()}{place})"
        print(f"{unit.id}  {unit.code or '-'}  {unit.official_name}  {about}", file=out)
        if unit.kind.is_commune_level or unit.kind.is_province_level:
            print(f"    {gaz.history(unit)}", file=out)
    return 0


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit code.

    >>> main(["units", "tan chanh", "--date", "2023-08-06"])
    tan-chanh  28156  Xã Tân Chánh  (xã, valid until 2025-06-30)
    0
    """
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.command is None:
        parser.print_help(stdout)
        return 2
    handlers: dict[str, Callable[[], int]] = {
        "init": lambda: _init(args, stdout),
        "validate": lambda: _validate(args, stdout),
        "schedule": lambda: _show(args, stdout),
        "export": lambda: _export(args, stdout, stderr),
        "diff": lambda: _diff(args, stdout),
        "publish": lambda: _publish(args, stdout, stderr),
        "runsheet": lambda: _runsheet(args, stdout),
        "documents": lambda: _documents(args, stdout),
        "gantt": lambda: _gantt(args, stdout),
        "units": lambda: _units(args, stdout),
    }
    return _run(args.command, handlers[args.command], stderr)


def _run(command: str, handler: Callable[[], int], stderr: TextIO) -> int:
    """Run one command; turn every expected failure into a message and an exit code."""
    code = 0
    try:
        code = handler()
    except InfeasibleError as error:
        print(f"ngayhoi {command}: {error}", file=stderr)
        code = 1
    except NgayhoiError as error:
        print(f"ngayhoi {command}: {error}", file=stderr)
        code = 2
    except BrokenPipeError:
        # The reader went away (`ngayhoi schedule plan.toml | head`): nothing to report.
        # (BrokenPipeError is an OSError, so it is caught first.)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"ngayhoi {command}: {error.strerror or error}{where}", file=stderr)
        code = 2
    except KeyboardInterrupt:
        print(f"ngayhoi {command}: interrupted", file=stderr)
        code = 130
    return code
