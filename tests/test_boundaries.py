# ruff: noqa: DTZ001 - naive datetimes are the misuses under test
"""The validation layer at the boundary: API misuse, ranges of every number and date, a fuzz.

Each wrong call or value gets a typed :class:`PlanError` naming the argument or
key, never a raw ``TypeError``/``AttributeError``/``OverflowError``, and never
silence; every plan file the fuzz makes exits 0, 1 or 2 without a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import attrs
import pendulum
import pytest
import tomli_w

import ngayhoi
from ngayhoi import data, io, samples
from ngayhoi.errors import PlanError
from ngayhoi.export import export_calendars
from ngayhoi.model import Dependency, PrepTask, Resource, TravelTimes
from ngayhoi.templates import plan_day

sys.path.insert(0, str(Path(__file__).parent / "helpers"))
from plan_fuzz import fuzz_text

EXAMPLES = Path(__file__).parent.parent / "examples"
DAY = pendulum.date(2023, 8, 6)


def _schedule() -> ngayhoi.Schedule:
    return ngayhoi.schedule(samples.tiny_festival())


def _plan_day(**changes: object) -> object:
    options: dict[str, object] = {
        "id": "x",
        "name": "Ngày hội",
        "day": DAY,
        "communes": data.can_duoc_communes(DAY)[:2],
    }
    options.update(changes)
    return plan_day(**options)  # type: ignore[arg-type]


def _export(tmp: Path, **changes: object) -> object:
    return export_calendars(_schedule(), tmp, **changes)  # type: ignore[arg-type]


def _run(**changes: object) -> object:
    return ngayhoi.schedule(samples.tiny_festival(), **changes)  # type: ignore[arg-type]


Call = Callable[[Path], object]
MISUSES: list[tuple[str, Call, str]] = [
    ("load-int", lambda _t: io.load(42), "argument 'path'"),  # type: ignore[arg-type]
    ("load-none", lambda _t: io.load(None), "argument 'path'"),  # type: ignore[arg-type]
    ("load-list", lambda _t: io.load(["plan.toml"]), "argument 'path'"),  # type: ignore[arg-type]
    ("load-empty", lambda _t: io.load(""), "argument 'path'"),
    ("loads-bytes", lambda _t: io.loads(b"format = 1"), "argument 'text'"),  # type: ignore[arg-type]
    ("loads-none", lambda _t: io.loads(None), "argument 'text'"),  # type: ignore[arg-type]
    ("loads-dict", lambda _t: io.loads({"format": "x"}), "argument 'text'"),  # type: ignore[arg-type]
    ("loads-source-int", lambda _t: io.loads("", source=3), "argument 'source'"),  # type: ignore[arg-type]
    ("plan-day-list", lambda _t: _plan_day(day=["2023-08-06"]), "argument 'day'"),
    ("plan-day-bad-iso", lambda _t: _plan_day(day="2023-13-06"), "argument 'day'"),
    ("plan-day-int", lambda _t: _plan_day(day=20230806), "argument 'day'"),
    ("plan-day-datetime", lambda _t: _plan_day(day=dt.datetime(2023, 8, 6)), "argument 'day'"),
    ("plan-day-year-1", lambda _t: _plan_day(day="0001-01-01"), "argument 'day'"),
    ("plan-day-at-bad", lambda _t: _plan_day(at="sáu giờ"), "argument 'at'"),
    ("plan-day-at-int", lambda _t: _plan_day(at=645), "argument 'at'"),
    ("plan-day-communes-str", lambda _t: _plan_day(communes="long-hoa"), "argument 'communes'"),
    ("unit-on-datetime", lambda _t: data.unit_on("long-hoa", dt.datetime(2023, 8, 6)), "'day'"),
    ("unit-on-int-day", lambda _t: data.unit_on("long-hoa", 2023), "argument 'day'"),  # type: ignore[arg-type]
    ("unit-on-int-id", lambda _t: data.unit_on(5, DAY), "argument 'unit_id'"),  # type: ignore[arg-type]
    ("unit-on-9999", lambda _t: data.unit_on("long-hoa", "9999-12-31"), "argument 'day'"),  # type: ignore[arg-type]
    ("search-int", lambda _t: data.search_units(5), "argument 'name'"),  # type: ignore[arg-type]
    ("search-none", lambda _t: data.search_units(None), "argument 'name'"),  # type: ignore[arg-type]
    ("search-bad-day", lambda _t: data.search_units("long", day="hôm nay"), "argument 'day'"),  # type: ignore[arg-type]
    ("export-now-naive", lambda t: _export(t, now=dt.datetime(2023, 8, 1)), "argument 'now'"),
    ("export-now-str", lambda t: _export(t, now="2023-08-01"), "argument 'now'"),
    ("export-tasks", lambda t: _export(t, tasks="vtodo"), "argument 'tasks'"),
    ("export-tasks-int", lambda t: _export(t, tasks=1), "argument 'tasks'"),
    ("export-uid-scope", lambda t: _export(t, uid_scope="feed"), "argument 'uid_scope'"),
    ("export-roles-str", lambda t: _export(t, roles="yes"), "argument 'roles'"),
    ("export-folder-int", lambda _t: export_calendars(_schedule(), 7), "argument 'folder'"),  # type: ignore[arg-type]
    ("export-festival", lambda t: export_calendars(samples.tiny_festival(), t), "'schedule'"),  # type: ignore[arg-type]
    ("schedule-seed-str", lambda _t: _run(seed="x"), "argument 'seed'"),
    ("schedule-seed-float", lambda _t: _run(seed=1.5), "argument 'seed'"),
    ("schedule-time-nan", lambda _t: _run(time_limit=math.nan), "argument 'time_limit'"),
    ("schedule-time-negative", lambda _t: _run(time_limit=-1), "argument 'time_limit'"),
    ("schedule-time-inf", lambda _t: _run(time_limit=math.inf), "argument 'time_limit'"),
    ("schedule-time-str", lambda _t: _run(time_limit="1"), "argument 'time_limit'"),
    ("schedule-budget-zero", lambda _t: _run(budget=0), "argument 'budget'"),
    ("schedule-budget-huge", lambda _t: _run(budget=10**12), "argument 'budget'"),
    ("schedule-budget-bool", lambda _t: _run(budget=True), "argument 'budget'"),
    ("schedule-previous", lambda _t: _run(previous="old"), "argument 'previous'"),
    ("schedule-not-a-festival", lambda _t: ngayhoi.schedule("plan.toml"), "'festival'"),  # type: ignore[arg-type]
    ("travel-key-single", lambda _t: TravelTimes(minutes={("a",): 5}), "not a travel matrix"),  # type: ignore[arg-type]
    ("travel-key-str", lambda _t: TravelTimes(minutes={"ab": 5}), "not a travel matrix"),  # type: ignore[arg-type]
    ("travel-key-triple", lambda _t: TravelTimes(minutes={("a", "b", "c"): 5}), "travel matrix"),  # type: ignore[arg-type]
    ("travel-key-ints", lambda _t: TravelTimes(minutes={(1, 2): 5}), "is not a site id"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "fragment"), [pytest.param(c, f, id=i) for i, c, f in MISUSES])
def test_a_misused_public_function_raises_a_plan_error_naming_the_argument(
    call: Call, fragment: str, tmp_path: Path
) -> None:
    with pytest.raises(PlanError) as info:
        call(tmp_path)
    assert fragment in str(info.value)


def test_the_misuse_table_holds_at_least_30_cases() -> None:
    assert len({i for i, _c, _f in MISUSES}) == len(MISUSES) >= 30


def test_plan_day_accepts_an_iso_day_and_a_clock_time() -> None:
    fest = _plan_day(day="2023-08-06", at="06:45")
    assert isinstance(fest, ngayhoi.Festival)
    assert fest.days == (DAY,)


# -- ranges: below, at and above each bound -------------------------------------------

_OK = None


def _resource(capacity: int) -> object:
    return Resource(id="loa", name="Loa", kind="pool", capacity=capacity)


def _travel(key: str, value: float) -> object:
    if key == "speed_kmh":
        return TravelTimes(speed_kmh=value)
    return TravelTimes(road_factor=value)


def _lag(minutes: int) -> object:
    return Dependency("a", "b", min_lag=minutes, max_lag=minutes)


def _due(day: str) -> object:
    return PrepTask(id="t", title="Việc", offset_days=0, owner="btc", due=day)


def _offset(days: int) -> object:
    return PrepTask(id="t", title="Việc", offset_days=days, owner="btc")


def _days(day: str) -> object:
    return ngayhoi.Festival(id="f", name="F", days=[day])


def _idle(value: int) -> object:
    return attrs.evolve(samples.tiny_festival(), max_idle=value)


def _default(value: int) -> object:
    return TravelTimes(default=value)


def _row(value: int) -> object:
    return TravelTimes(minutes={("a", "b"): value})


RANGES: list[tuple[str, Callable[[], object], str | None]] = [
    ("speed-below", lambda: _travel("speed_kmh", 1e-9), "from 1 to 150 km/h"),
    ("speed-at-low", lambda: _travel("speed_kmh", 1), _OK),
    ("speed-at-high", lambda: _travel("speed_kmh", 150), _OK),
    ("speed-above", lambda: _travel("speed_kmh", 151), "from 1 to 150 km/h"),
    ("speed-nan", lambda: _travel("speed_kmh", math.nan), "positive finite"),
    ("road-below", lambda: _travel("road_factor", 0.99), "from 1 to 5"),
    ("road-at-low", lambda: _travel("road_factor", 1.0), _OK),
    ("road-at-high", lambda: _travel("road_factor", 5.0), _OK),
    ("road-above", lambda: _travel("road_factor", 1e9), "from 1 to 5"),
    ("road-1e308", lambda: _travel("road_factor", 1e308), "from 1 to 5"),
    ("capacity-below", lambda: _resource(0), ">= 1"),
    ("capacity-at-low", lambda: _resource(1), _OK),
    ("capacity-at-high", lambda: _resource(10_000), _OK),
    ("capacity-above", lambda: _resource(10_001), "from 1 to 10000"),
    ("capacity-1e9", lambda: _resource(10**9), "from 1 to 10000"),
    ("lag-below", lambda: _lag(-144_001), "out of range"),
    ("lag-at-low", lambda: _lag(-144_000), _OK),
    ("lag-at-high", lambda: _lag(144_000), _OK),
    ("lag-above", lambda: _lag(144_001), "out of range"),
    ("travel-row-below", lambda: _row(-1), "from 0 to 1440"),
    ("travel-row-at-high", lambda: _row(1440), _OK),
    ("travel-row-above", lambda: _row(1441), "from 0 to 1440"),
    ("travel-default-below", lambda: _default(-1), "from 0 to 1440"),
    ("travel-default-at", lambda: _default(0), _OK),
    ("travel-default-above", lambda: _default(1441), "from 0 to 1440"),
    ("offset-below", lambda: _offset(-367), "between -366 and 366"),
    ("offset-at", lambda: _offset(-366), _OK),
    ("offset-above", lambda: _offset(367), "between -366 and 366"),
    ("due-below", lambda: _due("1944-12-31"), "years 1945 to 2100"),
    ("due-at-low", lambda: _due("1945-01-01"), _OK),
    ("due-at-high", lambda: _due("2100-12-31"), _OK),
    ("due-above", lambda: _due("2101-01-01"), "years 1945 to 2100"),
    ("day-0001", lambda: _days("0001-01-01"), "years 1945 to 2100"),
    ("day-below", lambda: _days("1944-12-31"), "years 1945 to 2100"),
    ("day-at-low", lambda: _days("1945-08-19"), _OK),
    ("day-at-high", lambda: _days("2100-08-06"), _OK),
    ("day-above", lambda: _days("2101-08-06"), "years 1945 to 2100"),
    ("day-9999", lambda: _days("9999-12-31"), "years 1945 to 2100"),
    ("idle-below", lambda: _idle(-1), "from 0 to 1440"),
    ("idle-at", lambda: _idle(1440), _OK),
    ("idle-above", lambda: _idle(1441), "from 0 to 1440"),
]


@pytest.mark.parametrize(("make", "fragment"), [pytest.param(m, f, id=i) for i, m, f in RANGES])
def test_each_number_and_date_is_checked_against_its_range(
    make: Callable[[], object], fragment: str | None
) -> None:
    if fragment is None:
        assert make() is not None
        return
    with pytest.raises(PlanError) as info:
        make()
    assert fragment in str(info.value)


def test_a_derived_travel_time_is_at_most_a_day() -> None:
    far = {"a": (8.6, 104.7), "b": (23.4, 105.3)}  # Cà Mau to Hà Giang, about 1,650 km
    assert TravelTimes(speed_kmh=1, road_factor=5).lookup("a", "b", far) == 24 * 60


def test_a_prep_task_after_itself_is_refused() -> None:
    task = PrepTask(id="t", title="Việc", offset_days=-1, owner="btc", after=["t"])
    role = Resource(id="btc", name="Ban tổ chức", kind="role")
    with pytest.raises(PlanError, match="cannot come after itself") as info:
        ngayhoi.Festival(id="f", name="F", days=[DAY], resources=[role], prep_tasks=[task])
    assert (info.value.kind, info.value.item, info.value.field) == ("prep task", "t", "after")


def test_an_id_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(PlanError, match="lowercase ASCII"):
        Resource(id="loa\n", name="Loa", kind="pool", capacity=1)


def test_an_error_carries_its_kind_item_field_and_value() -> None:
    with pytest.raises(PlanError) as info:
        _resource(10**9)
    err = info.value
    assert (err.kind, err.item, err.field, err.value) == ("resource", "loa", "capacity", 10**9)
    assert err.expected == "a whole number from 1 to 10000"


# -- the CLI ---------------------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "ngayhoi", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("date", "fragment"),
    [
        pytest.param("2023-12-20", "--date 2023-12-20 is outside the campaign", id="december"),
        pytest.param("0999-08-06", "--date 0999-08-06: the year", id="year-0999"),
        pytest.param("2101-08-06", "--date 2101-08-06: the year", id="year-2101"),
    ],
)
def test_init_with_a_date_it_cannot_plan_names_date(
    date: str, fragment: str, tmp_path: Path
) -> None:
    done = _cli("init", "--communes", "3", "--date", date, "--out", "p.toml", cwd=tmp_path)
    assert (done.returncode, fragment in done.stderr) == (2, True), done.stderr
    assert not (tmp_path / "p.toml").exists()


def test_init_with_118_communes_writes_a_plan_with_unique_names(tmp_path: Path) -> None:
    done = _cli(
        "init", "--communes", "118", "--date", "2023-08-06", "--out", "p.toml", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    plan = io.load(tmp_path / "p.toml")
    names = [u.official_name for u in plan.units]
    assert len(plan.hosts()) == 118
    assert len(names) == len(set(names))


def test_a_travel_speed_of_a_billionth_exits_2_at_once(tmp_path: Path) -> None:
    text = (EXAMPLES / "can_duoc_2023.toml").read_text(encoding="utf-8")
    plan = tomllib.loads(text)
    plan.setdefault("travel", {})["speed_kmh"] = 1e-9
    (tmp_path / "p.toml").write_text(tomli_w.dumps(plan), encoding="utf-8")
    done = _cli("export", "p.toml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "travel.speed_kmh" in done.stderr
    assert "from 1 to 150 km/h" in done.stderr


# -- the fuzz --------------------------------------------------------------------------

KNOWN = [
    '[[needs]]\nactivity = {id = "x"}\nresources = ["doan"]\n',
    '[[needs]]\nactivity = ["a", "b"]\nresources = ["doan"]\n',
]


@pytest.mark.parametrize("extra", KNOWN, ids=["needs-activity-table", "needs-activity-list"])
def test_needs_naming_a_table_or_a_list_is_a_plan_file_error(extra: str) -> None:
    text = (EXAMPLES / "can_duoc_2023.toml").read_text(encoding="utf-8") + "\n" + extra
    with pytest.raises(PlanError, match=r"needs\[\d+\]\.activity: .* is not an activity id"):
        io.loads(text)


FUZZ_CASES = 150


def test_fuzzed_plan_files_are_refused_or_accepted_never_with_a_traceback() -> None:
    tracebacks, unplaced = [], []
    for seed in range(FUZZ_CASES):
        text = fuzz_text(seed)
        try:
            io.loads(text, source="fuzz.toml")
        except ngayhoi.NgayhoiError as err:
            if not str(err).startswith("fuzz.toml"):
                unplaced.append((seed, str(err)))
        except Exception as err:  # noqa: BLE001 - what the fuzz is looking for
            tracebacks.append((seed, repr(err)))
    assert (tracebacks, unplaced) == ([], [])


LOCATED = [
    pytest.param(
        '\n[programme]\nat = "06:30"\n\n[programme.switch]\nparade = "có"\n',
        r"programme\.switch\.parade: .*\(line {}\)",
        "parade =",
        id="programme-switch",
    ),
    pytest.param(
        '\n[travel]\nminutes = [\n  {from = "a", to = "b", minutes = 5},\n'
        '  {from = "long-hoa", to = "long-kha", minutes = "x"},\n]\n',
        r"travel\.minutes\[1\]\.minutes: .*\(line {}\)",
        '"long-kha"',
        id="inline-array-entry",
    ),
]


@pytest.mark.parametrize(("extra", "pattern", "marker"), LOCATED)
def test_an_error_inside_a_sub_table_or_inline_array_names_its_own_line(
    extra: str, pattern: str, marker: str
) -> None:
    text = (EXAMPLES / "tay_ninh_2025.toml").read_text(encoding="utf-8")
    head, rest = text.split("\n[travel]", 1)
    tail = "\n[programme]" + rest.split("\n[programme]", 1)[1]
    if "[programme]" in extra:  # the example's own programme, replaced
        tail = "\n[travel]" + rest.split("\n[programme]", 1)[0]
    doc = head + tail + extra
    line = next(n for n, t in enumerate(doc.splitlines(), start=1) if marker in t)
    with pytest.raises(PlanError, match=pattern.format(line)):
        io.loads(doc)
