"""The ``ngayhoi`` command line: a thin layer over the library.

Exit codes: 0 success, 1 the plan cannot be carried out (infeasible), 2 bad
input (a plan file, an argument, a folder). Errors are one message, never a
stack trace. A progress bar appears on long runs when stderr is a terminal.

>>> main(["units", "long hoa", "--date", "2023-08-06"])
long-hoa  28123  Xã Long Hòa  (xã, valid until 2025-06-30; Tỉnh Long An)
    Xã Long Hòa → Xã Rạch Kiến từ 1/7/2025
0
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import math
import os
import re
import string
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import attrs

from ngayhoi import data, io
from ngayhoi._version import __version__
from ngayhoi.errors import (
    InfeasibleError,
    NgayhoiError,
    PlanError,
    Said,
    UnknownReferenceError,
)
from ngayhoi.export.calendars import read_version
from ngayhoi.export.diff import diff as plan_diff
from ngayhoi.export.diff import diff_events
from ngayhoi.export.events import calendar_events
from ngayhoi.export.feeds import standard_feeds
from ngayhoi.export.text import day_table, idle_table, itineraries
from ngayhoi.graph import check_consistency
from ngayhoi.i18n import LANGUAGES, N_, language, translator
from ngayhoi.model import Festival, TravelTimes, Unit, UnitKind, due_note
from ngayhoi.model._fields import YEARS
from ngayhoi.scheduling import DEFAULT_BUDGET, TIME_CAP, Schedule, schedule
from ngayhoi.scheduling.checker import FixedWait, check_protocol, fixed_time_waits
from ngayhoi.templates.terms import count_units, terms_for
from ngayhoi.templates.units_plan import (
    SPEED_KMH,
    comment,
    pilot_plan_text,
    plan_header,
    programme_lines,
    toml_string,
    units_plan_text,
)
from ngayhoi.text import check_id, fold, nfc

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ngayhoi.diagnostics import Wait
    from ngayhoi.export.events import CalendarEvent
    from ngayhoi.export.feeds import Feed
    from ngayhoi.export.state import ExportState
    from ngayhoi.publish.caldav import PublishReport

__all__ = ["main"]

_ = translator.gettext
ngettext = translator.ngettext


def _examples() -> str:
    """The main help's examples, their notes in the language in use."""
    serve = _("(phones and ICSx⁵ on the office network)")
    return (
        "  ngayhoi init --communes 17 --date 2023-08-06 --out plan.toml\n"
        "  ngayhoi validate plan.toml\n"
        "  ngayhoi schedule plan.toml\n"
        "  ngayhoi export plan.toml --out lich/\n"
        "  ngayhoi runsheet plan.toml --out kich-ban/\n"
        "  ngayhoi gantt plan.toml --out ngay-hoi.png\n"
        "  ngayhoi diff plan.toml --against lich/\n"
        "  ngayhoi publish lich/            (NGAYHOI_CALDAV_URL, _USERNAME, _PASSWORD)\n"
        f"  ngayhoi serve lich/ --port 8000  {serve}\n"
        '  ngayhoi units "rach kien" --date 2025-08-10\n'
    )


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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help laid out as written, with the "usage:" prefix in the language in use."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        """Say "usage:" in the language in use."""
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose headings and error line follow the language in use.

    (argparse's own messages, such as "invalid choice", follow it while :func:`main`
    runs: see :func:`_argparse_speaks`.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        """Build the parser; name its options heading in the language in use."""
        super().__init__(*args, **kwargs)
        self._optionals.title = _("options")
        self._positionals.title = _("arguments")

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error, then exit 2."""
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")


#: argparse's own messages, as Python 3.11 to 3.13 word them, in the catalogue: while
#: :func:`main` runs they are said in the language in use (see :func:`_argparse_speaks`).
#: (Its one counted message, "expected %s argument", needs a fixed ``nargs``: none here.)
_ARGPARSE = (
    *(N_("usage: "), N_("positional arguments"), N_("options"), N_("subcommands")),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("unexpected option string: %s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _argparse_text(message: str | None) -> str | None:
    """One of argparse's messages in the language in use (argparse also passes ``None``)."""
    return _(message) if isinstance(message, str) and message else message


@contextlib.contextmanager
def _argparse_speaks() -> Iterator[None]:
    """Have argparse say its own messages in the language in use, only while this runs.

    argparse looks its messages up with the ``gettext`` and ``ngettext`` it imported
    into its module; those two names are swapped for the catalogue's and put back
    after, so a program that imports ngayhoi keeps argparse as it was.
    """
    module = vars(argparse)
    saved = {name: module[name] for name in ("_", "ngettext")}
    module.update({"_": _argparse_text, "ngettext": ngettext})
    try:
        yield
    finally:
        module.update(saved)


def _parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one block per command
    parser = _Parser(
        prog="ngayhoi",
        description=_(
            "Plan the Ngày hội toàn dân bảo vệ an ninh Tổ quốc across many communes: "
            "check a plan file, schedule it, export synchronised calendars, print run sheets."
        ),
        epilog=_(
            "exit codes: 0 done, 1 the plan cannot be carried out (the reasons are printed),\n"
            "            2 bad input (a plan file, an argument, a folder)\n\nexamples:\n"
        )
        + _examples(),
        formatter_class=_Formatter,
        add_help=False,
    )
    _common_options(parser)
    parser.add_argument(
        "--version",
        action="version",
        version=f"ngayhoi {__version__}",
        help=_("show the version and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), title=_("commands"))

    def command(name: str, help_: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=_("example:") + f"\n  {example}",
            formatter_class=_Formatter,
            add_help=False,
        )
        _common_options(p)
        return p

    p = command(
        "init",
        _("write a new plan file for N communes from the standard programme"),
        "ngayhoi init --communes 17 --date 2023-08-06 --out plan.toml",
    )
    p.add_argument("--communes", type=int, default=17, help=_("how many communes (default 17)"))
    p.add_argument("--date", required=True, help=_("the festival day, YYYY-MM-DD"))
    p.add_argument("--name", help=_("the festival's Vietnamese name"))
    p.add_argument("--id", help=_("the festival's id (ASCII slug)"))
    p.add_argument("--parade", default="06:45", help=_("when the parades start, HH:MM"))
    p.add_argument(
        "--delegations",
        type=int,
        default=0,
        help=_(
            "delegations (the district's, or the province's from 1/7/2025) attending the "
            "ceremonies: about three communes each with --communes, two neighbouring ones "
            "with --province, --district or --units"
        ),
    )
    p.add_argument("--out", required=True, type=_out_path, help=_("the plan file to write"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    p.add_argument(
        "--province",
        help=_(
            "every commune of this province on --date (with --district or --units: "
            "only to tell names apart)"
        ),
    )
    p.add_argument("--district", help=_("every commune of this district (dates before 1/7/2025)"))
    p.add_argument("--units", help=_("these communes: names, codes or ids, comma-separated"))
    p.add_argument(
        "--pilot",
        metavar="UNIT",
        help=_(
            "a pilot day (ngày hội điểm) at this one commune, its province or district attending"
        ),
    )

    for name, help_, example in (
        ("validate", _("check a plan file and its times"), "ngayhoi validate plan.toml"),
        (
            "schedule",
            _("schedule a plan and print each commune's day"),
            "ngayhoi schedule plan.toml",
        ),
    ):
        p = command(name, help_, example)
        p.add_argument("plan", type=Path, metavar=_("PLAN"), help=_("the plan file (TOML)"))
        _scheduling_options(p)

    p = command(
        "export",
        _("export every calendar feed into a folder (re-exports update in place)"),
        "ngayhoi export plan.toml --out lich/",
    )
    p.add_argument("plan", type=Path, metavar=_("PLAN"), help=_("the plan file (TOML)"))
    p.add_argument(
        "--out", required=True, type=_out_path, help=_("the calendar folder (kept between exports)")
    )
    _export_options(p)
    p.add_argument(
        "--fresh",
        action="store_true",
        help=_(
            "plan from scratch instead of re-planning against the last export "
            "(also the way out of a damaged export state: the feeds are written again)"
        ),
    )
    _scheduling_options(p, partial=True)

    _diff_parser(command)

    p = command(
        "publish",
        _("publish an exported folder to a CalDAV server (extra: ngayhoi[caldav])"),
        "NGAYHOI_CALDAV_URL=https://dav.example.vn/btc/ ngayhoi publish lich/",
    )
    p.add_argument(
        "folder",
        type=Path,
        nargs="?",
        metavar=_("FOLDER"),
        help=_("a folder written by ngayhoi export"),
    )
    p.add_argument(
        "--feeds",
        nargs="+",
        metavar="FEED",
        help=_("only these feed ids (publish lich/ --feeds A B, or publish --feeds A B -- lich/)"),
    )
    p.add_argument("--config", type=Path, help=_("a caldav.toml (mode 600) instead of env vars"))
    p.add_argument(
        "--prune", action="store_true", help=_("delete server objects ngayhoi does not know")
    )

    _serve_parser(command)

    p = command(
        "runsheet",
        _("write printable run sheets per commune and delegation (Markdown, HTML)"),
        "ngayhoi runsheet plan.toml --out kich-ban/",
    )
    p.add_argument("plan", type=Path, metavar=_("PLAN"), help=_("the plan file (TOML)"))
    p.add_argument(
        "--out", required=True, type=_out_path, help=_("the folder to write the sheets into")
    )
    p.add_argument("--format", default="md,html", help=_("a comma list of md, html, pdf, docx"))
    _scheduling_options(p)

    _documents_parser(command)

    p = command(
        "gantt",
        _("draw every commune's day on one time axis, with the delegations' routes"),
        "ngayhoi gantt plan.toml --out ngay-hoi.png",
    )
    p.add_argument("plan", type=Path, metavar=_("PLAN"), help=_("the plan file (TOML)"))
    p.add_argument(
        "--out",
        required=True,
        type=_out_path,
        help=_("a .png, .svg or .pdf file; a festival of several days gets one file per day"),
    )
    p.add_argument(
        "--format",
        help=_(
            "a comma list of png, svg, pdf: one file of each beside --out (default: its suffix)"
        ),
    )
    _scheduling_options(p)

    p = command(
        "units",
        _("look up administrative units by name (diacritics optional) on a date"),
        'ngayhoi units "rach kien" --date 2025-08-10',
    )
    p.add_argument(
        "name",
        nargs="?",
        default="",
        metavar=_("NAME"),
        help=_("part of the name; empty lists all"),
    )
    p.add_argument("--date", help=_("only units valid on this day, YYYY-MM-DD"))
    p.add_argument("--province", help=_("only units of this province (name or code)"))
    return parser


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tasks",
        choices=["event", "todo"],
        default="event",
        help=_("preparation tasks as all-day events (default) or as to-dos"),
    )
    p.add_argument("--no-roles", action="store_true", help=_("no feed per role or team"))
    p.add_argument(
        "--commune-roles",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_(
            "also a feed per role in each commune (role-mc.long-hoa.ics); default: as the "
            "folder's last export (none in a new folder); turned off, they stay, cancelled"
        ),
    )
    p.add_argument(
        "--json",
        action="store_true",
        help=_("also write schedule.json (c3voc), committed with the calendars"),
    )
    p.add_argument(
        "--uid-scope",
        choices=["event", "view"],
        default="event",
        help=_(
            "event: one UID per event in every feed (default); view: each feed its own "
            "UIDs, linked by RELATED-TO (for servers that refuse one UID in two calendars)"
        ),
    )


def _day(day: dt.date) -> str:
    """A date as the reader writes it: 2023-08-06 in English, 06/8/2023 in Vietnamese.

    The Vietnamese form pads days below 10 and the months 1 and 2 (Nghị định 30/2020/NĐ-CP).

    >>> translator.use("vi")
    >>> _day(dt.date(2023, 8, 6)), _day(dt.date(2025, 2, 10))
    ('06/8/2023', '10/02/2025')
    """
    if translator.language == "en":
        return day.isoformat()
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)  # noqa: PLR2004 - Jan, Feb
    return f"{day.day:02d}/{month}/{day.year}"


def _validity(unit: Unit) -> str:
    """When the unit exists, in the language in use.

    >>> translator.use("vi")
    >>> _validity(Unit(id="x", name="X", official_name="Xã X", kind="xã",
    ...                valid_to=dt.date(2025, 6, 30)))
    'hiệu lực đến 30/6/2025'
    """
    if unit.valid_from and unit.valid_to:
        return _("valid from {start} to {end}").format(
            start=_day(unit.valid_from), end=_day(unit.valid_to)
        )
    if unit.valid_from:
        return _("valid from {start}").format(start=_day(unit.valid_from))
    if unit.valid_to:
        return _("valid until {end}").format(end=_day(unit.valid_to))
    return _("valid on every date")


def error_text(error: NgayhoiError) -> str:  # noqa: PLR0911 - one return per kind of error
    """An error's message in the language in use.

    The library's messages are English. Errors that carry their parts
    (:class:`~ngayhoi.errors.UnknownReferenceError`, and every
    :class:`~ngayhoi.errors.PlanError` with ``kind``, ``item``, ``field``,
    ``value``, ``expected`` and ``hint``) are said again from those parts;
    the others keep their English text.

    >>> from ngayhoi.errors import UnknownReferenceError
    >>> err = UnknownReferenceError(item_kind="site", item_id="s", ref_kind="unit",
    ...                             ref="long-kha", valid=["long-khe"])
    >>> translator.use("vi")
    >>> error_text(err)
    "địa điểm 's': không có đơn vị hành chính 'long-kha'; có phải 'long-khe'? (có: long-khe)"
    >>> translator.use("en")
    >>> error_text(err) == str(err)
    True
    """
    if translator.language == "en":
        return str(error)
    if isinstance(error, io.PlanFileError):
        return _file_error_text(error)
    cause = error.__cause__
    if isinstance(cause, NgayhoiError) and str(cause) and str(cause) in str(error):
        # A plan file's error wraps the model's: say the inner one again, keep the place.
        return str(error).replace(str(cause), error_text(cause))
    if isinstance(error, UnknownReferenceError):
        return _reference_text(error)
    if error.args and isinstance(error.args[0], Said):
        return _say(error.args[0])
    parts = {name: getattr(error, name, None) for name in _ERROR_PARTS}
    if parts["kind"] and parts["expected"]:
        text = _("{kind} '{id}'").format(kind=_(str(parts["kind"])), id=parts["item"] or "")
        if parts["field"]:
            text += f", {parts['field']}"
        if parts["value"] is not None:
            text += f" = {parts['value']!r}"
        text += ": " + _("expected {expected}").format(expected=_(str(parts["expected"])))
        if parts["hint"]:
            text += "; " + _(str(parts["hint"]))
        return text
    return str(error)


def _say(said: Said) -> str:
    """``said`` from the catalogue; its values are said in the language too.

    A value that is an error or a :class:`Said` is said again; a day (not a time of
    day) is written as Vietnamese write it (1/7/2025) unless the template formats it.
    """
    template = _(said.template)
    formatted = {
        name for _text, name, spec, conv in string.Formatter().parse(template) if spec or conv
    }
    values = {name: _said_value(value, name in formatted) for name, value in said.values.items()}
    return template.format(**values)


def _said(text: str) -> str:
    """A library message in the language in use: a :class:`Said` said again, plain text kept."""
    return _say(text) if isinstance(text, Said) else text


def _said_value(value: object, formatted: bool) -> object:
    if isinstance(value, NgayhoiError):
        return error_text(value)
    if isinstance(value, Said):
        return _say(value)
    if not formatted and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _said_day(value)
    return value


def _file_error_text(error: io.PlanFileError) -> str:
    """A plan file's error in the language in use: the file, the key, what is wrong, the line."""
    where = f"{error.source}: {error.path}: " if error.path else f"{error.source}: "
    if error.inner is not None:
        said = error_text(error.inner)
    elif isinstance(error.message, Said):
        said = _say(error.message)
    else:
        said = error.message
    tail = " " + _("(line {line})").format(line=error.line) if error.line else ""
    return where + said + tail


_ERROR_PARTS = ("kind", "item", "field", "value", "expected", "hint")
_LISTED = 12

#: Words the library hands over as data, said with ``_(word)``: a schedule's status,
#: the kinds of change an export counts, the kinds of item an error names.
_WORDS = (
    *(N_("optimal"), N_("feasible"), N_("infeasible"), N_("unknown")),
    *(N_("added"), N_("cancelled"), N_("moved"), N_("relocated")),
    *(N_("resources"), N_("renamed"), N_("edited")),
    *(N_("activity"), N_("award"), N_("delegation"), N_("dependency"), N_("enabled item")),
    *(N_("hosting unit"), N_("item"), N_("lookup"), N_("needs"), N_("owner role")),
    *(N_("prep task"), N_("preparation"), N_("programme"), N_("resource or group")),
    *(N_("resource"), N_("role"), N_("run sheet"), N_("schedule"), N_("site")),
    *(N_("stamp"), N_("sync group"), N_("travel time"), N_("unit")),
    *(N_("festival"), N_("issuer"), N_("requirement"), N_("travel")),
    *(N_("person"), N_("plan_day"), N_("override"), N_("pilot"), N_("conference")),
    *(N_("commune-level unit"), N_("programme item"), N_("province or district")),
    *(N_("bridge point"), N_("conference kind")),
)


def _word(word: str) -> str:
    """A kind of item the library names (a :class:`Said` when it has values), in the language."""
    return _say(word) if isinstance(word, Said) else _(word)


def _reference_text(error: UnknownReferenceError) -> str:
    text = _("{kind} '{id}': unknown {ref_kind} '{ref}'").format(
        kind=_word(error.item_kind), id=error.item_id, ref_kind=_word(error.ref_kind), ref=error.ref
    )
    if error.suggestions:
        text += "; " + _("did you mean {ids}?").format(
            ids=_(" or ").join(f"'{s}'" for s in error.suggestions)
        )
    valid = sorted(error.valid)
    if not valid:
        text += "; " + _("no {ref_kind} is defined yet: add it first").format(
            ref_kind=_word(error.ref_kind)
        )
    else:
        shown = ", ".join(valid[:_LISTED])
        if len(valid) > _LISTED:
            shown += ", " + _("... ({count} more)").format(count=len(valid) - _LISTED)
        text += " " + _("(valid: {ids})").format(ids=shown)
    return text


def _common_options(p: argparse.ArgumentParser) -> None:
    """``-h`` and ``--lang``, on the main parser and on every command."""
    p.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("the language of the messages: vi (default) or en; LANG=en_US.UTF-8 also gives en"),
    )


def _lang_option(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` anywhere before ``--``, read before the parser is built.

    >>> _lang_option(["validate", "p.toml", "--lang", "en"]), _lang_option(["--lang=vi"])
    ('en', 'vi')
    >>> _lang_option(["--", "--lang", "en"]) is None
    True
    """
    found = None
    for n, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(argv):
            found = argv[n + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found if found in LANGUAGES else None


def _scheduling_options(p: argparse.ArgumentParser, *, partial: bool = False) -> None:
    if partial:
        p.add_argument(
            "--accept-partial",
            action="store_true",
            help=_("export a schedule even if the time limit cut its search short"),
        )
    p.add_argument(
        "--backend",
        choices=["auto", "temporal", "heuristic", "cpsat"],
        default="auto",
        help=_(
            "auto (default), temporal (no shared resources), heuristic, or cpsat "
            "(exact; needs ngayhoi[cpsat])"
        ),
    )
    p.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_BUDGET,
        help=_(
            "passes the heuristic may spend (default {budget}); "
            "the same budget gives the same schedule on any machine"
        ).format(budget=DEFAULT_BUDGET),
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=_(
            "safety cap in seconds (default {cap}; 0: one quick pass; "
            "CP-SAT: its search time, default 2)"
        ).format(cap=f"{TIME_CAP:g}"),
    )
    p.add_argument("--seed", type=int, default=0, help=_("seed of the heuristic's random passes"))
    p.add_argument(
        "--explain",
        action="store_true",
        help=_("when no schedule meets every rule, give the full chain of reasons"),
    )
    p.add_argument(
        "--weather",
        choices=["nang", "mua"],
        default=None,
        help=_(
            "mua: the rain plan (outdoor items move to each site's fallback); "
            "default: the plan's [festival] weather"
        ),
    )


def _out_path(text: str) -> Path:
    """An ``--out`` value: a path, never the empty string (which would mean this folder)."""
    if not text.strip():
        msg = _("is empty; give a path, e.g. --out lich/")
        raise argparse.ArgumentTypeError(msg)
    return Path(text)


def _not_the_plan(plan: Path, out: Path) -> None:
    """Refuse an output that is the plan file itself (it would be overwritten)."""
    try:
        same = out.exists() and plan.exists() and out.samefile(plan)
    except OSError:
        same = False
    if same:
        msg = _(
            "--out {out} is the plan file {plan}; give another --out, e.g. ngay-hoi.png"
        ).format(out=out, plan=plan)
        raise PlanError(msg)


def _date(text: str, what: str = "--date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = _("{option} {value} is not a date; write YYYY-MM-DD, e.g. 2023-08-06").format(
            option=what, value=repr(text)
        )
        raise PlanError(msg) from None


def _init_day(text: str) -> dt.date:
    """The day ``init`` writes: a date in the sane years, inside the campaign window it writes."""
    day = _date(text)
    low, high = YEARS
    if not low <= day.year <= high:
        msg = _("--date {value}: the year must be from {low} to {high}; write YYYY-MM-DD").format(
            value=text, low=low, high=high
        )
        raise PlanError(msg, kind="option", item="--date", value=text)
    first, last = dt.date(day.year, 7, 1), dt.date(day.year, 8, 19)
    if not first <= day <= last:
        msg = _(
            "--date {value} is outside the campaign window {first} to {last} that init writes "
            "(the festival is held by 19 August); choose a day in it, or edit campaign in "
            "the written file"
        ).format(value=text, first=_day(first), last=_day(last))
        raise PlanError(msg, kind="option", item="--date", value=text)
    return day


def _check_time_limit(args: argparse.Namespace) -> None:
    """Refuse a time limit before any plan is read."""
    if args.time_limit is not None and not 0 <= args.time_limit < math.inf:
        msg = _("--time-limit {value} must be zero or more seconds, a finite number").format(
            value=args.time_limit
        )
        raise PlanError(msg)
    if args.budget < 1:
        msg = _("--budget {value} must be one pass or more, e.g. --budget {default}").format(
            value=args.budget, default=DEFAULT_BUDGET
        )
        raise PlanError(msg)


def _load(path: Path) -> Festival:
    """The plan file at ``path``; a file that cannot be read is said in the language in use."""
    if translator.language == "en":  # the library's own words
        return io.load(path)
    try:
        path.stat()
    except OSError as error:
        msg = _("{path}: cannot read it: {reason}; check the path and that you may read it").format(
            path=path, reason=_os_reason(error)
        )
        raise PlanError(msg) from None
    return io.load(path)


def _os_reason(error: OSError) -> str:
    """What the system said, in the language in use (the common reasons; else its own words).

    >>> translator.use("vi")
    >>> _os_reason(FileNotFoundError(2, "No such file or directory"))
    'không có tệp hay thư mục này'
    """
    said = {
        errno.ENOENT: N_("No such file or directory"),
        errno.EACCES: N_("Permission denied"),
        errno.EPERM: N_("Operation not permitted"),
        errno.EISDIR: N_("Is a directory"),
        errno.ENOTDIR: N_("Not a directory"),
        errno.ENOSPC: N_("No space left on device"),
        errno.EROFS: N_("Read-only file system"),
        errno.EEXIST: N_("File exists"),
    }
    if error.errno in said:
        return _(said[error.errno])
    return error.strerror or str(error)


def _weathered(plan: Festival, args: argparse.Namespace) -> Festival:
    """The plan under ``--weather`` when given (the rain plan is part of what is planned)."""
    if getattr(args, "weather", None) is not None and args.weather != plan.weather:
        return attrs.evolve(plan, weather=args.weather)
    return plan


def _schedule(plan: Festival, args: argparse.Namespace) -> Schedule:
    plan = _weathered(plan, args)
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
        msg = _("SOURCE_DATE_EPOCH {value} is not a count of seconds since 1970; unset it").format(
            value=repr(epoch)
        )
        raise PlanError(msg) from None


def _need_times(result: Schedule, args: argparse.Namespace) -> Schedule:
    """The schedule, or an error with one short Vietnamese reason and fix per broken rule."""
    if result.violations or not result.status.has_times:
        from ngayhoi.scheduling.advice import advise  # noqa: PLC0415 - only on failure

        explain = bool(getattr(args, "explain", False))
        lines = [_(NO_SCHEDULE).format(count=len(result.violations))]
        for advice in advise(result):
            lines.append(f"  - {_said(advice.reason)}")
            if explain:
                lines.append(f"    {_(EXPLAIN_PREFIX)}{_said(advice.detail)}")
        if not explain:
            lines.append(_(EXPLAIN_HINT))
        raise InfeasibleError("\n".join(lines))
    return result


#: The CLI's words when a plan cannot be carried out (said through the catalogue).
NO_SCHEDULE = N_("no schedule meets every constraint; {count} cannot be met:")
EXPLAIN_PREFIX = N_("details: ")
EXPLAIN_HINT = N_("  (add --explain for the full chain of reasons)")


def _init(args: argparse.Namespace, out: TextIO) -> int:
    if args.pilot:
        return _init_pilot(args, out)
    if args.province or args.district or args.units:
        return _init_real(args, out)
    day = _init_day(args.date)
    if not 1 <= args.communes <= _MAX_COMMUNES:
        msg = _("--communes {value}: give a number from 1 to {most}").format(
            value=args.communes, most=_MAX_COMMUNES
        )
        raise PlanError(msg)
    parade = _init_options(args)
    if not 0 <= args.delegations <= args.communes:
        msg = _("--delegations {value}: give a number from 0 to --communes").format(
            value=args.delegations
        )
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
        _("wrote {path}: {count} on {day}; next: ngayhoi validate {path}").format(
            path=args.out, count=_count(u.kind for u in plan.hosts()), day=_day(day)
        ),
        file=out,
    )
    placeholders = [u.id for u in plan.units if u.code is None]
    if placeholders:
        real = args.communes - len(placeholders)
        print(
            _(
                "note: ngayhoi knows {real} real communes on {day}; {count} are "
                "placeholders ({first} ...): rename them in the file"
            ).format(real=real, day=_day(day), count=len(placeholders), first=placeholders[0]),
            file=out,
        )
    return 0


def _check_name(name: str) -> None:
    """Refuse a --name the plan file could not hold, naming the option rather than the file."""
    text = nfc(name).strip()
    bad = next((c for c in text if unicodedata.category(c) in {"Cc", "Cs"}), None)
    why = ""
    if not text:
        why = _("is empty")
    elif bad is not None:
        why = _("contains the control character {char}").format(char=f"U+{ord(bad):04X}")
    elif len(text) > _MAX_NAME:
        why = _("is {length} characters long, more than {most}").format(
            length=len(text), most=_MAX_NAME
        )
    if why:
        msg = _("--name {value} {why}; give the festival's Vietnamese name on one line").format(
            value=repr(name[:40]), why=why
        )
        raise PlanError(msg)


def _folder_out(path: Path, option: str) -> None:
    """Refuse an output folder that is a file or a link to nothing, before any work is done."""
    if path.is_symlink() and not path.exists():
        msg = _(
            "{option} {path} is a symbolic link to {target}, which does not exist; "
            "create the folder it points to, or give another folder"
        ).format(option=option, path=path, target=path.readlink())
        raise PlanError(msg)
    if path.exists() and not path.is_dir():
        msg = _(
            "{option} {path} is a file, not a folder; give a folder "
            "(it is made if it does not exist)"
        ).format(option=option, path=path)
        raise PlanError(msg)


def _file_out(path: Path, option: str) -> None:
    """Refuse an output file that is a folder or not a regular file, before any work is done."""
    if path.is_dir():
        msg = _(
            "{option} {path} is a folder; give the path of a file in it, e.g. {example}"
        ).format(option=option, path=path, example=path / "x")
        raise PlanError(msg)
    from ngayhoi.files import check_replaceable  # noqa: PLC0415 - only writers need it

    check_replaceable(path)


def _time(text: str, what: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        msg = _("{option} {value} is not a time; write HH:MM, e.g. 06:45").format(
            option=what, value=repr(text)
        )
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
    lines = plan_header(day=day, name=name, ident=ident, organiser=_organiser(known, day))
    lines += [
        f"dataset = [{', '.join(_q(u.id) for u in known)}]",
    ]
    synthetic = [f"xa-{k:02d}" for k in range(1, extra + 1)]
    for sid in synthetic:
        lines += [
            "",
            "[[units.define]]  "
            + comment(_("rename: id, name and official name of a real commune")),
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

#: The ceremonies a delegation of ``init --communes N --delegations K`` attends:
#: a district delegation attends the formal part of about three communes on the day.
VISITS = 3

#: The programme of a delegation's n-th visit (from the second on): the folk games
#: before the ceremony, as long as the delegation's earlier visits take; for the
#: third, the forum and the report come before the guest reception too, so the
#: part it attends is the opening, the awards and its speech (32 minutes).
_LATER_VISITS = (
    (
        N_("Communes a delegation visits second: the folk games first."),
        "minutes = { tro-choi = 75 }",
        'move = [{ item = "tro-choi", after = "dieu-hanh", gap = 10 }]',
    ),
    (
        N_(
            "Communes a delegation visits third: the folk games (120 min), the forum and the\n"
            "report first; the delegation attends the opening, the awards and its speech."
        ),
        "minutes = { tro-choi = 120 }",
        (
            'move = [{ item = "tro-choi", after = "dieu-hanh", gap = 10 }, '
            '{ item = "dien-dan", after = "tro-choi", gap = 0 }, '
            '{ item = "bao-cao", after = "dien-dan", gap = 0 }]'
        ),
    ),
)

#: Minutes from the parade's start to the end of the third visit's games at the
#: longest waits (parade 30, a wait of up to 15, games 120).
_THIRD_GAMES_END = 30 + 15 + 120


def with_delegations(  # noqa: C901, PLR0912, PLR0915 - one plan section after another
    text: str,
    *,
    count: int,
    pairs: Sequence[tuple[str, str, int]] | None = None,
    level: str = "huyện",
    visits: int = VISITS,
    province: bool | None = None,
) -> str:
    """The plan text of :func:`init_text` with ``count`` delegations, ``visits`` communes each.

    A delegation attends the formal part of about three communes (``visits``,
    1 to 3): the communes of its first visit hold their ceremony after the
    parade, those of its second play the folk games first, and those of its
    third play the games (120 minutes), then hold the forum and the report,
    before the guests arrive. The scheduler picks which delegation goes where.
    With fewer communes than ``visits * count`` every commune is visited, in
    as many rounds as they fill, and the file says so. The games after a
    ceremony are shortened (to 45 minutes at the least) so that they end by
    ``outdoor_until``; a later parade moves ``outdoor_until`` on, with a comment.

    >>> text = with_delegations(init_text(communes=4, day=dt.date(2023, 8, 6)), count=1)
    >>> from ngayhoi import io
    >>> [r.id for r in io.loads(text).resources if r.group == "doan-huyen"]
    ['doan-1']
    >>> sum(1 for a in io.loads(text).activities if a.item == "trao-thuong" and a.needs)
    3

    ``pairs`` gives the visited communes instead, as (first, second, minutes of
    driving between them): two visits each; the second commune's games before
    its ceremony then last long enough to cover the drive (75 to 120 minutes).
    ``level`` is the word of the delegations' unit in their names ("huyện",
    "thị xã", "tỉnh", "thành phố"); ``province`` whether that unit is a
    province (their group is ``doan-tinh``, else ``doan-huyen``; by default
    only for "tỉnh").
    """
    drive: dict[str, int] = {}
    if pairs is None:
        if not 1 <= visits <= len(_LATER_VISITS) + 1:
            msg = f"visits {visits}: give 1 to {len(_LATER_VISITS) + 1} ceremonies a delegation"
            raise PlanError(msg)
        ids = [u.id for u in io.loads(text).hosts()]
        visited = ids[: visits * count]
        rounds = [visited[k * count : (k + 1) * count] for k in range(visits)]
    else:
        visited = [site for first, second, _m in pairs for site in (first, second)]
        drive = {second: minutes for _f, second, minutes in pairs}
        rounds = [visited[0::2], visited[1::2]]
    rounds = [r for r in rounds if r]
    province = level == "tỉnh" if province is None else province
    group = "doan-tinh" if province else "doan-huyen"
    head = text.index("[programme]")
    tail = text.index("[preparation]")
    at = next(line for line in text[head:tail].splitlines() if line.startswith("at = "))
    parade = dt.time.fromisoformat(at.split('"')[1])
    start = parade.hour * 60 + parade.minute
    limit = 11 * 60
    games = max(45, min(75, limit - (start + _DAY_AFTER_PARADE - 75)))
    ends = start + _DAY_AFTER_PARADE - 75 + games
    if len(rounds) > len(_LATER_VISITS):
        ends = max(ends, start + _THIRD_GAMES_END)
    lines: list[str] = []
    if ends > limit:
        later = f'outdoor_until = "{ends // 60:02d}:{ends % 60:02d}"  ' + comment(
            _("a late parade: the games end later")
        )
        text = re.sub(r'(?m)^outdoor_until = "11:00".*$', lambda _m: later, text, count=1)
    if pairs is None:
        each = f"{len(visited) / count:.3g}"
        lines.append(
            comment(
                _(
                    "{count} delegation(s) attend the formal part of {visited} communes, {each} "
                    "each ({visits} is the aim: a delegation attends about three)."
                ).format(count=count, visited=len(visited), each=each, visits=visits)
            )
        )
        if len(visited) < visits * count:
            lines.append(
                comment(
                    _(
                        "Not {visits} each: the plan has {communes} communes for {count} "
                        "delegation(s), and every commune is visited."
                    ).format(visits=visits, communes=len(ids), count=count)
                )
            )
        lines.append(comment(_("The scheduler picks which delegation goes where.")))
    gaps = "gaps = { don-dai-bieu = [10, 15], tro-choi = [10, 15] }  " + comment(
        _("waits of 10-15 min")
    )
    minutes = f"minutes = {{ tro-choi = {games} }}"
    for n, sites in enumerate(rounds):
        lines += [
            "[[programme]]",
            comment(
                _("Communes a delegation visits first: the ceremony first.")
                if n == 0
                else _(_LATER_VISITS[n - 1][0])
            ),
            f"sites = [{', '.join(_q(s) for s in sites)}]",
            at,
        ]
        if n == 0:
            lines += [gaps, minutes]
        else:
            # The items before the ceremony keep their length: they fill the delegation's drive.
            _why, length, move = _LATER_VISITS[n - 1]
            if n == 1:
                lines.append(gaps)
            else:
                lines.append(gaps[: gaps.index(" }")] + ", dien-dan = [0, 15], bao-cao = [0, 15] }")
            lines += [length, move]
        lines.append("")
    lines += [
        "[[programme]]",
        comment(_("Every other commune: the standard programme.")),
        at,
        gaps,
        minutes,
        "",
    ]
    if "\n[travel]" not in text:
        lines += [
            "[travel]",
            "default = 10  "
            + comment(_("minutes between two communes: give the real ones (or coordinates)")),
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
    for sid in (s for r in rounds for s in r):
        lines += ["[[needs]]", f'activity = "{sid}.trao-thuong"', f"resources = [{_q(group)}]", ""]
    for sid, driving in drive.items():
        longer = max(75, min(120, 60 + driving))
        if longer != 75:  # noqa: PLR2004 - the default length
            lines += [
                "[[override]]  "
                + comment(
                    _("the games fill the delegation's {minutes}-minute drive").format(
                        minutes=driving
                    )
                ),
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


def _count(kinds: Iterable[UnitKind]) -> str:
    """How many communes, in the words of their kinds ("17 xã, thị trấn"; "17 communes")."""
    return count_units(kinds, lang=translator.language)


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    plan = _load(args.plan)
    try:
        check_consistency(plan)
    except InfeasibleError as err:
        if not err.violations:
            raise
        # Times that cannot all hold: the short reasons with fixes, as schedule says them.
        from ngayhoi.scheduling import Status  # noqa: PLC0415 - only on failure

        _need_times(
            Schedule(festival=plan, status=Status.INFEASIBLE, violations=tuple(err.violations)),
            args,
        )
    print(
        _(
            "{path}: ok — festival '{id}' on {days}: {communes}, {sites} sites, "
            "{activities} activities, {dependencies} dependencies, {resources} resources, "
            "{tasks} preparation tasks"
        ).format(
            path=args.plan,
            id=plan.id,
            days=", ".join(_day(d) for d in plan.days),
            communes=_count(u.kind for u in plan.hosts()),
            sites=len(plan.sites),
            activities=len(plan.activities),
            dependencies=len(plan.dependencies),
            resources=len(plan.resources),
            tasks=len(plan.prep_tasks),
        ),
        file=out,
    )
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    _check_time_limit(args)
    plan = _load(args.plan)
    result = _need_times(_schedule(plan, args), args)
    lang = translator.language
    print(day_table(result, lang=lang), file=out)
    text = itineraries(result, lang=lang)
    if text:
        print(f"\n{text}", file=out)
    for wait in result.waits:
        print(f"  · {_wait_text(result, wait)}", file=out)
    print(f"\n{idle_table(result, lang=lang)}", file=out)
    for forced in fixed_time_waits(result):
        print(f"  · {_fixed_wait_text(result, forced)}", file=out)
    for broken in check_protocol(result):
        print(f"  ! {_said(broken.message)}", file=out)
    _moved_deadlines(plan, out)
    print(f"\n{_(result.status.value)} ({result.solver}, {result.seconds:.1f} s)", file=out)
    if result.note:
        print(_("note: {text}").format(text=result.note), file=out)
    return 0


def _label(plan: Festival, activity_id: str) -> str:
    """An activity and its host, as :meth:`Festival.label` gives it, in the language in use."""
    act = plan.activity(activity_id)
    site = plan.site(act.site)
    unit = plan.unit(site.unit)
    if sum(1 for s in plan.sites if s.unit == unit.id) > 1:
        return _("{title} at {site}, {unit}").format(
            title=act.title, site=site.name, unit=unit.name
        )
    return _("{title} at {unit}").format(title=act.title, unit=unit.name)


def _wait_text(result: Schedule, wait: Wait) -> str:
    """Why an activity waited, in the language in use (the library says it in English)."""
    if translator.language == "en":
        return wait.message
    plan = result.festival
    name = plan.resource(wait.resource).name
    text = _("{activity} waits {minutes} min for {resource}").format(
        activity=_label(plan, wait.activity), minutes=wait.minutes, resource=name
    )
    if wait.blocker is None:
        return text + ": " + _("{resource} is fully in use then").format(resource=name)
    why = _("{resource} is at {activity} until {time}").format(
        resource=name, activity=_label(plan, wait.blocker), time=wait.free_at
    )
    if wait.travel:
        why += _(" and needs {minutes} min to get here").format(minutes=wait.travel)
    return f"{text}: {why}"


def _fixed_wait_text(result: Schedule, wait: FixedWait) -> str:
    """A wait a fixed time forces, in the language in use: reported, not broken."""
    plan = result.festival
    return _(
        "{site}: the people wait {minutes} min before {activity} because {fixed} is fixed at "
        "{time} ({override}); the fixed time is kept"
    ).format(
        site=plan.site(wait.site).name,
        minutes=wait.minutes,
        activity=_label(plan, wait.activity),
        fixed=_label(plan, wait.fixed),
        time=wait.at,
        override=wait.override(plan),
    )


def _moved_deadlines(plan: Festival, out: TextIO) -> None:
    """The preparation deadlines moved to a working day, one line per task and reason."""
    moved: dict[tuple[str, str], int] = {}
    for task in plan.prep_tasks:
        note = due_note(plan, task)
        if note:
            moved[task.title, note] = moved.get((task.title, note), 0) + 1
    if not moved:
        return
    print("\n" + _("Preparation deadlines moved to a working day:"), file=out)
    for (title, note), count in moved.items():
        times = ngettext(" ({count} unit)", " ({count} units)", count).format(count=count)
        times = times if count > 1 else ""
        print(f"  · {title}{times}: {note}", file=out)


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ngayhoi.folder import export_plan  # noqa: PLC0415 - only export needs it

    _check_time_limit(args)
    _folder_out(args.out, "--out")
    plan = _weathered(_load(args.plan), args)

    def accept(result: Schedule) -> None:
        _need_times(result, args)
        if result.cut_short and not args.accept_partial:
            msg = _(
                "{path}: {note}; nothing was exported (give --accept-partial to export it anyway)"
            ).format(path=args.plan, note=result.note)
            raise InfeasibleError(msg)

    def extra(result: Schedule) -> dict[str, bytes]:
        if not args.json:
            return {}
        from ngayhoi.export.schedule_json import schedule_json_bytes  # noqa: PLC0415

        # Rendered first and committed with the calendars: all of them change, or none.
        return {"schedule.json": schedule_json_bytes(result)}

    done = export_plan(
        plan,
        args.out,
        backend=args.backend,
        seed=args.seed,
        budget=args.budget,
        time_limit=args.time_limit,
        fresh=args.fresh,
        now=_stamp(),
        roles=not args.no_roles,
        commune_roles=args.commune_roles,
        tasks=args.tasks,
        uid_scope=args.uid_scope,
        progress=_Progress(err),
        accept=accept,
        extra_files=extra,
    )
    report = done.report
    counts = ", ".join(f"{n} {_(k)}" for k, n in sorted(report.counts.items())) or _("no changes")
    first = report.counts.get("added") and not any(c.before for c in report.diff.changes)
    since = (
        _("first export") if first else _("since the last export: {counts}").format(counts=counts)
    )
    how = {
        "reused": _("plan unchanged: the exported schedule reused, no search"),
        "replanned": ngettext(
            "re-planned against the last export: the edit moved {count} event",
            "re-planned against the last export: the edit moved {count} events",
            done.moved,
        ).format(count=done.moved),
        "fresh": _("planned from scratch (--fresh)"),
        "first": "",
    }[done.how]
    tail = f"; {how}" if how and not first else ""
    print(
        _("{feeds} calendars in {path} ({written} written; {since})").format(
            feeds=len(report.feeds), path=args.out, written=len(report.written), since=since + tail
        ),
        file=out,
    )
    return 0


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    import json  # noqa: PLC0415

    _check_time_limit(args)
    if args.against is not None:
        if len(args.plans) != 1:
            msg = _("with --against, give one plan: ngayhoi diff plan.toml --against lich/")
            raise PlanError(msg)
        from ngayhoi.folder import plan_for_folder  # noqa: PLC0415 - only diff --against needs it

        # Read as export and publish do: an interrupted export is finished first, and a
        # damaged state or journal is refused by name.
        state, _files = read_version(args.against)
        if not state.entries:
            msg = _("{path} holds no export; run ngayhoi export first").format(path=args.against)
            raise PlanError(msg)
        # What `export` would write: the same plan reuses the exported schedule,
        # an edited one is re-planned against it.
        new = plan_for_folder(
            _weathered(_load(args.plans[0]), args),
            args.against,
            backend=args.backend,
            seed=args.seed,
            budget=args.budget,
            time_limit=args.time_limit,
            state=state,
        ).schedule
        new = _need_times(new, args)
        if args.tasks is None:
            todos = any(e.kind == "todo" for e in state.events().values())
        else:
            todos = args.tasks == "todo"
        events = calendar_events(new, todos=todos)
        changes = diff_events(
            state.events(),
            state.feeds,
            events,
            {f.id: f for f in _feeds_as_exported(new, events, state)},
        )
    else:
        if len(args.plans) != 2:  # noqa: PLR2004
            msg = _("give two plans (old new), or one plan and --against FOLDER")
            raise PlanError(msg)
        if args.tasks is not None:
            msg = _("--tasks compares with an export folder: give it with --against FOLDER")
            raise PlanError(msg)
        old = _need_times(_schedule(_load(args.plans[0]), args), args)
        new = _need_times(_schedule(_load(args.plans[1]), args), args)
        changes = plan_diff(old, new)
    if args.json:
        print(json.dumps(changes.to_json(), ensure_ascii=False, indent=1), file=out)
    else:
        print(changes.text(lang=translator.language), file=out)
    return 0


def _feeds_as_exported(
    schedule: Schedule, events: Mapping[str, CalendarEvent], state: ExportState
) -> list[Feed]:
    """The feeds ``export`` would write into the folder of ``state`` (its own options)."""
    roles = state.options.roles if state.options is not None else True
    return standard_feeds(schedule, events=events, roles=roles, commune_roles=state.commune_roles)


def _publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from ngayhoi.publish.caldav import PublishError, config_from_env, publish  # noqa: PLC0415
    except ImportError:
        msg = _("publishing needs the caldav extra: pip install 'ngayhoi[caldav]'")
        raise PlanError(msg) from None
    if args.folder is None:
        msg = _(
            "give the folder to publish: ngayhoi publish lich/ --feeds A B, "
            "or ngayhoi publish --feeds A B -- lich/"
        )
        raise PlanError(msg)
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
        line = _("{calendar}: {uploaded} uploaded, {unchanged} unchanged").format(
            calendar=cal, uploaded=report.uploaded[cal], unchanged=report.unchanged[cal]
        )
        if cal in report.moved_out:
            line += _(", {count} moved to other calendars").format(count=len(report.moved_out[cal]))
        if cal in report.unknown:
            line += _(", {count} unknown kept (see --prune)").format(count=len(report.unknown[cal]))
        if cal in report.deleted:
            line += _(", {count} unknown deleted").format(count=len(report.deleted[cal]))
        print(line, file=out)


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ngayhoi.export.serve import make_server, served_files  # noqa: PLC0415

    if not 0 <= args.port <= 65535:  # noqa: PLR2004 - the TCP port range
        msg = _(
            "--port {value} is not a TCP port; give one from 1 to 65535 (0: any free one)"
        ).format(value=args.port)
        raise PlanError(msg)
    server = make_server(args.folder, host=args.host, port=args.port, log=err)
    with server:
        count = len(served_files(args.folder))
        print(
            _("Serving {count} calendars of {folder} at {url}").format(
                count=count, folder=args.folder, url=server.url
            ),
            file=out,
        )
        print(
            _("For example: {url}  (Ctrl+C to stop)").format(url=server.url + "master.ics"),
            file=out,
        )
        out.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print(_("Stopped."), file=out)
    return 0


def _runsheet(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.runsheet import write_runsheets  # noqa: PLC0415

    _check_time_limit(args)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in {"md", "html", "pdf", "docx"}]
    if bad or not formats:
        msg = _("--format {value}: use a comma list of md, html, pdf, docx").format(
            value=repr(args.format)
        )
        raise PlanError(msg)
    _folder_out(args.out, "--out")
    result = _need_times(_schedule(_load(args.plan), args), args)
    paths = write_runsheets(result, args.out, formats=formats)
    sheets = len({p.stem for p in paths})
    print(
        _("{sheets} run sheets in {path} ({files} files: {formats})").format(
            sheets=sheets, path=args.out, files=len(paths), formats=", ".join(formats)
        ),
        file=out,
    )
    return 0


def _diff_parser(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "diff",
        _("what changed between two plans, or since the last export into a folder"),
        "ngayhoi diff new.toml --against lich/    "
        + _("or")
        + "    ngayhoi diff old.toml new.toml",
    )
    p.add_argument(
        "plans", type=Path, nargs="+", metavar=_("PLAN"), help=_("one or two plan files")
    )
    p.add_argument(
        "--against", type=Path, metavar=_("FOLDER"), help=_("a folder written by ngayhoi export")
    )
    p.add_argument(
        "--json",
        action="store_true",
        help=_("print the diff as JSON data for tools (keys: docs/howto/replan-and-republish.md)"),
    )
    p.add_argument(
        "--tasks",
        choices=["event", "todo"],
        help=_("the tasks' form to compare with (default: the form the folder was exported in)"),
    )
    _scheduling_options(p)


def _serve_parser(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "serve",
        _(
            "serve an export folder's feeds over HTTP "
            "(only the feeds: never the state or other files)"
        ),
        "ngayhoi serve lich/ --port 8000    " + _("(add --host 0.0.0.0 for the office network)"),
    )
    p.add_argument(
        "folder", type=Path, metavar=_("FOLDER"), help=_("a folder written by ngayhoi export")
    )
    p.add_argument("--port", type=int, default=8000, help=_("the TCP port (default 8000)"))
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help=_(
            "the address to listen on (default 127.0.0.1: this computer only; "
            "0.0.0.0: every network it is on)"
        ),
    )


def _documents_parser(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "documents",
        _("write the official documents: award decisions, assignment, invitations, MC scripts"),
        "ngayhoi documents plan.toml --out van-ban/ --format pdf,docx",
    )
    p.add_argument("plan", type=Path, metavar=_("PLAN"), help=_("the plan file (TOML)"))
    p.add_argument("--out", required=True, type=_out_path, help=_("the folder to write them into"))
    p.add_argument("--format", default="html,pdf,docx", help=_("a comma list of html, pdf, docx"))
    _scheduling_options(p)


def _documents(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.documents import DOC_FORMATS, write_documents  # noqa: PLC0415

    _check_time_limit(args)
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in DOC_FORMATS]
    if bad or not formats:
        msg = _("--format {value}: use a comma list of html, pdf, docx").format(
            value=repr(args.format)
        )
        raise PlanError(msg)
    _folder_out(args.out, "--out")
    result = _need_times(_schedule(_load(args.plan), args), args)
    paths = write_documents(result, args.out, formats=formats)
    docs = len({p.stem for p in paths})
    print(
        _("{documents} documents in {path} ({files} files: {formats})").format(
            documents=docs, path=args.out, files=len(paths), formats=", ".join(formats)
        ),
        file=out,
    )
    return 0


def _gantt(args: argparse.Namespace, out: TextIO) -> int:
    from ngayhoi.export.gantt import gantt_days  # noqa: PLC0415

    _check_time_limit(args)
    _file_out(args.out, "--out")
    targets = [args.out]
    if args.format is not None:
        formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
        if not formats or any(f not in {"png", "svg", "pdf"} for f in formats):
            msg = _("--format {value}: use a comma list of png, svg, pdf").format(
                value=repr(args.format)
            )
            raise PlanError(msg)
        targets = [args.out.with_suffix(f".{f}") for f in dict.fromkeys(formats)]
    for target in targets:
        _not_the_plan(args.plan, target)
    result = _need_times(_schedule(_load(args.plan), args), args)
    for target in targets:
        for path in gantt_days(result, target):
            print(_("wrote {path}").format(path=path), file=out)
    return 0


def _init_options(args: argparse.Namespace) -> dt.time:
    """Check the options every ``init`` shares (id, name, the output file); the parade time."""
    if args.id is not None and check_id(args.id) is not None:
        msg = f"--id {args.id!r} {_id_problem(args.id)}"
        raise PlanError(msg)
    if args.name is not None:
        _check_name(args.name)
    _file_out(args.out, "--out")
    if args.out.exists() and not args.force:
        msg = _("{path} exists; choose another --out or add --force").format(path=args.out)
        raise PlanError(msg)
    return _time(args.parade, "--parade")


def _id_problem(value: str) -> str | None:
    """Why ``value`` is not an id (:func:`ngayhoi.text.check_id`), in the language in use."""
    why = check_id(value)
    return None if why is None else _say(why)


def _init_pilot(args: argparse.Namespace, out: TextIO) -> int:
    """``init --pilot UNIT``: the pilot day at one commune, its parent unit attending."""
    day = _init_day(args.date)
    parade = _init_options(args)
    if args.units or args.district or args.delegations:
        msg = _("--pilot UNIT plans one commune: leave out --units, --district and --delegations")
        raise PlanError(msg)
    args.units = args.pilot
    units, _where = _real_communes(args, day)
    unit = units[0]
    if unit.parent is None:
        msg = _("--pilot {value}: {name} has no province or district in the data").format(
            value=repr(args.pilot), name=unit.official_name
        )
        raise PlanError(msg)
    organiser = data.unit_on(unit.parent, day)
    text = pilot_plan_text(unit, organiser, day=day, name=args.name, ident=args.id, parade=parade)
    io.loads(text, source=str(args.out))  # what we write must load
    from ngayhoi.files import write_atomic  # noqa: PLC0415 - only init writes text

    write_atomic(args.out, text.encode("utf-8"))
    print(
        _(
            "wrote {path}: the pilot day of {organiser} at {unit} on {day}; "
            "next: ngayhoi validate {path}"
        ).format(
            path=args.out,
            organiser=organiser.official_name,
            unit=unit.official_name,
            day=_day(day),
        ),
        file=out,
    )
    return 0


def _organiser(units: Sequence[Unit], day: dt.date) -> Unit | None:
    """The district or province all ``units`` belong to on ``day``, which holds their day.

    >>> _organiser(data.can_duoc_communes(dt.date(2023, 8, 6)), dt.date(2023, 8, 6)).name
    'Cần Đước'
    """
    parents = {u.parent for u in units}
    if len(parents) != 1 or None in parents:
        return None
    (parent,) = parents
    assert parent is not None  # noqa: S101 - checked above, for mypy
    try:
        return data.unit_on(parent, day)
    except PlanError:
        return None


def _init_real(args: argparse.Namespace, out: TextIO) -> int:
    """``init --province/--district/--units``: a plan of real communes from the dataset."""
    day = _init_day(args.date)
    parade = _init_options(args)
    units, where = _real_communes(args, day)
    text = units_plan_text(
        units,
        day=day,
        name=args.name,
        ident=args.id,
        parade=parade,
        where=where,
        organiser=_organiser(units, day),
    )
    if args.delegations:
        pairs = _neighbours(units, args.delegations)
        # The delegations are the organiser's: "Đoàn 1 BCĐ 138 thành phố" for Huế.
        organiser = _organiser(units, day)
        province = day >= data.REFORM_DAY if organiser is None else organiser.kind.is_province_level
        level = "tỉnh" if province else "huyện"
        if organiser is not None:
            level = terms_for(organiser.kind, day).word
        text = with_delegations(
            text, count=args.delegations, pairs=pairs, level=level, province=province
        )
        if "\nspeed_kmh" not in text:
            text = text.replace(
                "\n[travel]\n",
                "\n[travel]\ndefault = 10  "
                + comment(_("minutes between two communes: give the real ones"))
                + "\n",
                1,
            )
    io.loads(text, source=str(args.out))  # what we write must load
    from ngayhoi.files import write_atomic  # noqa: PLC0415 - only init writes text

    write_atomic(args.out, text.encode("utf-8"))
    print(
        _("wrote {path}: {count} of {where} on {day}; next: ngayhoi validate {path}").format(
            path=args.out, count=_count(u.kind for u in units), where=where, day=_day(day)
        ),
        file=out,
    )
    missing = [u.id for u in units if u.lat is None]
    if missing:
        print(
            _(
                "note: {count} sites have no coordinates ({first} ...): "
                "[travel] in the file lists them; give their lat/lon or travel minutes"
            ).format(count=len(missing), first=missing[0]),
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
        msg = _(
            "--delegations {value}: each delegation visits two communes with coordinates, "
            "and {count} have them; give a number from 0 to {most}"
        ).format(value=count, count=len(placed), most=len(placed) // 2)
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
        msg = _(
            "--delegations {value}: only {count} pairs of communes lie within "
            "{minutes} minutes' drive of each other; give at most {count}"
        ).format(value=count, count=len(pairs), minutes=_MAX_DRIVE)
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
            msg = _(
                "--district {value}: districts ended on 1/7/2025 and {day} is later; "
                "give --province, or --units with the communes"
            ).format(value=repr(args.district), day=_day(day))
            raise PlanError(msg)
        district = gaz.one(args.district, day, province=province, level="district")
        return list(gaz.communes_in(district)), district.official_name
    if args.units:
        items = [item.strip() for item in args.units.split(",") if item.strip()]
        units = [gaz.one(item, day, province=province) for item in items]
        return _distinct(units), _("the chosen communes")
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
                msg = _("--units: no commune {value} known on {day} (known: {names})").format(
                    value=repr(item), day=_day(day), names=names
                )
                raise PlanError(msg)
            units.append(hits[0])
        return _distinct(units), _("the chosen communes")
    if gaz is not None:
        gaz.check_communes_day(day)
    msg = _(
        "the nationwide units need the vietnamadminunits package: "
        "pip install 'ngayhoi[vn-units]'; without it ngayhoi knows only the Cần Đước "
        "units (--district 'Cần Đước', or --units)"
    )
    raise data.vietnam.NoDatasetError(msg)


def _distinct(units: list[Unit]) -> list[Unit]:
    return list({u.id: u for u in units}.values())


def _units(args: argparse.Namespace, out: TextIO) -> int:
    """``units``: the units named like ``args.name``, listed in Vietnamese."""
    day = _date(args.date) if args.date else None
    nationwide = data.vietnam.available() and (
        args.province or day is None or day >= data.vietnam.PROVINCES_FROM
    )
    if nationwide:
        return _units_nationwide(args, day, out)
    found = data.search_units(args.name, day)
    if not found:
        other = data.search_units(args.name)
        if day is not None and other:
            names = "; ".join(
                _("{id} ({name}) is {validity}").format(
                    id=u.id, name=u.official_name, validity=_validity(u)
                )
                + (_(", became {ids}").format(ids=u.successor) if u.successor else "")
                for u in other
            )
            msg = _("no unit named like {value} exists on {day}: {names}").format(
                value=repr(args.name), day=_day(day), names=names
            )
        elif day is not None and data.vietnam.available():
            data.vietnam.gazetteer().check_day(day)  # says what range the data covers
            msg = _("no unit named like {value}").format(value=repr(args.name))
        else:
            msg = _("no unit named like {value}; try fewer words, e.g. 'long hoa'").format(
                value=repr(args.name)
            )
        raise PlanError(msg)
    for unit in found:
        about = f"({unit.kind.value}, {_validity(unit)})"
        print(f"{unit.id}  {unit.code or '-'}  {unit.official_name}  {about}", file=out)
    return 0


def _day_vi(day: dt.date) -> str:
    """A day as Vietnamese write it: 1/7/2025."""
    return f"{day.day}/{day.month}/{day.year}"


def _said_day(day: dt.date) -> str:
    """A day in a sentence: 1/7/2025 in Vietnamese, 2025-07-01 in English."""
    return day.isoformat() if translator.language == "en" else _day_vi(day)


def _validity_vi(unit: Unit) -> str:
    """When the unit exists, in the language in use ("từ 1/7/2025", "đến hết 30/6/2025").

    A district or commune of the nationwide list of 1/1/2025 says that its data
    starts then, not that the unit was formed then.
    """
    start, end = unit.valid_from, unit.valid_to
    listed = (
        start == data.vietnam.COVERS_FROM
        and not unit.kind.is_province_level
        and unit.scheme == "gso-2025-01"
    )
    if listed and start is not None and end is not None:
        return _("in the data from {start}, until {end}").format(
            start=_said_day(start), end=_said_day(end)
        )
    if start is not None and end is not None:
        return _("from {start} until {end}").format(start=_said_day(start), end=_said_day(end))
    if start is not None:
        return _("from {start}").format(start=_said_day(start))
    if end is not None:
        return _("until {end}").format(end=_said_day(end))
    return _("every day")


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
        raise PlanError(_units_not_found(gaz, args.name, day))
    for unit in found:
        home = gaz.province_of(unit)
        place = "" if home is unit else f"; {home.official_name}"
        about = f"({unit.kind.value}, {_validity(unit)}{place})"
        print(f"{unit.id}  {unit.code or '-'}  {unit.official_name}  {about}", file=out)
        if unit.kind.is_commune_level or unit.kind.is_province_level:
            print(f"    {gaz.history(unit)}", file=out)
    return 0


def _units_not_found(gaz: data.vietnam.Gazetteer, name: str, day: dt.date | None) -> str:
    """Say in Vietnamese why no unit named ``name`` exists on ``day``, and what does."""
    other = gaz.find(name) if day is not None else ()
    head = (
        _("no unit named like {value} on {day}").format(value=repr(name), day=_said_day(day))
        if day is not None
        else _("no unit named like {value}").format(value=repr(name))
    )
    listed = [u for u in other if u.valid_from == data.vietnam.COVERS_FROM]
    if day is not None and day < data.vietnam.COVERS_FROM and listed:
        names = "; ".join(f"{u.official_name} ({u.id})" for u in listed[:5])
        return (
            head
            + ": "
            + _(
                "before 1/1/2025 the nationwide data has only the 63 provinces (from "
                "1/8/2008), no districts or communes, because the list before the reform is "
                "the list of 1/1/2025, after the 2023–2025 mergers, and records no unit that "
                "changed earlier; listed from 1/1/2025: {names}. Only the Cần Đước units go "
                "further back; declare other units with [[units.define]]"
            ).format(names=names)
        )
    if other:
        names = "; ".join(
            f"{u.id} ({u.official_name}) {_validity_vi(u)}"
            + (_(", became {ids}").format(ids=", ".join(u.successors)) if u.successors else "")
            + f": {gaz.history(u)}"
            for u in other[:10]
        )
        return f"{head}: {names}"
    pool = gaz.units_on(day) if day is not None else gaz.units
    near = gaz.closest(name, pool)
    tip = (
        _("; the closest names: {names}").format(names=", ".join(near))
        if near
        else _("; try fewer words")
    )
    return head + tip


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; return the exit code.

    Run as the command (``argv`` not given, the ``ngayhoi`` program), it also
    readies the process to end quickly: see :func:`_ready_to_exit`.

    >>> main(["units", "tan chanh", "--date", "2023-08-06"])
    tan-chanh  28156  Xã Tân Chánh  (xã, valid until 2025-06-30; Tỉnh Long An)
        Xã Tân Chánh → Xã Cần Đước từ 1/7/2025
    0
    """
    try:
        return _main(argv, out=out, err=err)
    finally:
        if argv is None:
            _ready_to_exit()


def _ready_to_exit() -> None:
    """Spare the interpreter's teardown its garbage collections over what is still alive.

    When the process ends, Python runs full cyclic collections over every
    object left (modules, the plan, the schedule, the calendars): about a
    tenth of an everyday export. :func:`gc.freeze` moves those objects where
    the collector does not look. Reference counting still frees them, so
    files still open are still closed; ``sys.stdout`` and ``sys.stderr`` are
    flushed as always. Only a reference cycle still alive at exit is neither
    collected nor finalized (no ``__del__``; its memory goes back with the
    process); ngayhoi closes every file it writes itself. Called only when :func:`main`
    runs as the command: a program calling ``main([...])`` keeps its collector
    as it was.
    """
    import gc  # noqa: PLC0415 - only the command's last step

    gc.freeze()


def _main(argv: Sequence[str] | None, *, out: TextIO | None, err: TextIO | None) -> int:
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    arguments = sys.argv[1:] if argv is None else list(argv)
    translator.use(language(_lang_option(arguments)))
    with _argparse_speaks():
        parser = _parser()
        try:
            args = parser.parse_args(arguments)
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
        "serve": lambda: _serve(args, stdout, stderr),
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
        print(f"ngayhoi {command}: {error_text(error)}", file=stderr)
        code = 1
    except NgayhoiError as error:
        # A plan file's independent errors, one a line, each with its key path and line.
        for one in getattr(error, "errors", (error,)):
            print(f"ngayhoi {command}: {error_text(one)}", file=stderr)
        code = 2
    except BrokenPipeError:
        # The reader went away (`ngayhoi schedule plan.toml | head`): nothing to report.
        # (BrokenPipeError is an OSError, so it is caught first.)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"ngayhoi {command}: {_os_reason(error)}{where}", file=stderr)
        code = 2
    except KeyboardInterrupt:
        said = _("interrupted")
        print(f"ngayhoi {command}: {said}", file=stderr)
        code = 130
    return code
