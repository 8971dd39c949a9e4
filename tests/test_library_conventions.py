"""The library behaves like the Python around it: failures raise, a schedule is a Mapping.

Issue 17: ``schedule()`` raises unless asked not to, exporters refuse failed
schedules, ``Schedule`` is a hashable read-only ``Mapping`` equal by plan and
times, records are immutable and stdlib values are accepted.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import networkx as nx
import pytest

import ngayhoi
import ngayhoi.export.documents
import ngayhoi.export.gantt
import ngayhoi.export.runsheet
import ngayhoi.export.schedule_json
from ngayhoi.errors import NaiveDatetimeError, NotScheduledError
from ngayhoi.export import export_calendars

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _impossible() -> ngayhoi.Festival:
    fest = ngayhoi.samples.tiny_festival()
    act = fest.activities[0]
    late = dt.datetime(2023, 8, 6, 21, 50, tzinfo=ZONE)
    return attrs.evolve(
        fest, activities=(attrs.evolve(act, fixed_start=late), *fest.activities[1:])
    )


def test_schedule_raises_infeasible_with_the_partial_schedule_and_violations() -> None:
    with pytest.raises(ngayhoi.InfeasibleError) as info:
        ngayhoi.schedule(_impossible())
    assert info.value.violations
    assert info.value.schedule is not None
    assert not info.value.schedule.feasible
    assert info.value.schedule.violations == info.value.violations


def test_raise_on_infeasible_false_returns_the_failed_schedule_and_unwrap_still_raises() -> None:
    sched = ngayhoi.schedule(_impossible(), raise_on_infeasible=False)
    assert not sched.feasible
    with pytest.raises(ngayhoi.InfeasibleError):
        sched.unwrap()


def test_export_refuses_a_schedule_without_feasible_times(tmp_path: Path) -> None:
    sched = ngayhoi.schedule(_impossible(), raise_on_infeasible=False)
    with pytest.raises(NotScheduledError):
        export_calendars(sched, tmp_path / "lich")
    assert not (tmp_path / "lich").exists()


def test_export_refuses_a_naive_now(tmp_path: Path) -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    with pytest.raises(NaiveDatetimeError):
        export_calendars(sched, tmp_path, now=dt.datetime(2023, 7, 1))  # noqa: DTZ001


def test_schedule_is_a_mapping_of_activity_ids_to_slots() -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    assert list(sched) == ["x.chao-co", "x.bao-cao"]
    assert "x.chao-co" in sched
    assert "nope" not in sched
    assert sched.get("nope") is None
    assert dict(sched) == dict(sched.items())
    assert sched["x.chao-co"].activity == "x.chao-co"
    with pytest.raises(KeyError):
        sched["nope"]
    with pytest.raises(ngayhoi.UnknownReferenceError):
        sched["nope"]


def test_identical_schedules_are_equal_and_hash_alike_whatever_the_seconds() -> None:
    one = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    two = attrs.evolve(ngayhoi.schedule(ngayhoi.samples.tiny_festival()), seconds=99.0)
    assert one == two
    assert hash(one) == hash(two)
    assert {one: 1}[two] == 1


def test_a_schedule_cannot_be_changed_after_it_is_made() -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    before = sched.for_unit("a")
    with pytest.raises(TypeError):
        del sched.slots["a.trao-thuong"]  # type: ignore[attr-defined]
    assert sched.for_unit("a") == before


def test_the_travel_matrix_cannot_be_changed_after_validation() -> None:
    fest = ngayhoi.samples.two_communes_one_delegation()
    with pytest.raises(TypeError):
        fest.travel.minutes[("a", "b")] = -500  # type: ignore[index]
    assert isinstance(hash(fest), int)


def test_to_records_gives_plain_python_values() -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.two_communes_one_delegation())
    records = sched.to_records()
    assert len(records) == len(sched)
    first = records[0]
    assert type(first["start"]) is dt.datetime
    assert isinstance(first["start"].tzinfo, ZoneInfo)
    assert first["start"] == sched[first["activity"]].start
    assert all(isinstance(r, str) for rec in records for r in rec["resources"])


def test_stdlib_zone_iso_string_and_nfd_text_are_accepted() -> None:
    fest = attrs.evolve(ngayhoi.samples.tiny_festival(), timezone=ZONE)
    assert fest.timezone == "Asia/Ho_Chi_Minh"
    act = attrs.evolve(fest.activities[0], fixed_start="2023-08-06T07:30:00+07:00")
    assert act.fixed_start is not None
    assert act.fixed_start.isoformat() == "2023-08-06T07:30:00+07:00"
    unit = fest.units[0]
    nfd = unicodedata.normalize("NFD", unit.kind.value)
    assert attrs.evolve(unit, kind=nfd).kind is unit.kind


def test_reprs_are_short() -> None:
    fest = ngayhoi.samples.two_communes_one_delegation()
    sched = ngayhoi.schedule(fest)
    assert len(repr(fest)) < 600
    assert len(repr(sched)) < 200


def test_graphs_round_trip_through_graphml(tmp_path: Path) -> None:
    fest = ngayhoi.samples.two_communes_one_delegation()
    fest = attrs.evolve(
        fest,
        dependencies=(
            ngayhoi.Dependency("a.trao-thuong", "b.trao-thuong", "SS", min_lag=5, max_lag=60),
        ),
    )
    deps = ngayhoi.graph.dependency_graph(fest)
    nx.write_graphml(deps, tmp_path / "deps.graphml")
    back = nx.read_graphml(tmp_path / "deps.graphml", force_multigraph=True)
    assert {n: back.nodes[n] for n in back} == {n: deps.nodes[n] for n in deps}
    assert [d for _, _, d in back.edges(data=True)] == [{"type": "SS", "min_lag": 5, "max_lag": 60}]
    assert back.graph["festival"] == "hai-xa"
    network = ngayhoi.graph.plain_graph(ngayhoi.graph.temporal_network(fest))
    nx.write_graphml(network, tmp_path / "network.graphml")
    again = nx.read_graphml(tmp_path / "network.graphml")
    assert set(again.edges) == set(network.edges)
    edge = again.edges["a.trao-thuong", "b.trao-thuong"]
    assert (edge["weight"], edge["kind"]) == (5, "dependency")
    assert "Trao thưởng" in edge["why"]


@pytest.mark.parametrize(
    "export",
    [
        ngayhoi.export.runsheet.write_runsheets,
        lambda s, _out: ngayhoi.export.runsheet.commune_runsheet(s, "x"),
        lambda s, out: ngayhoi.export.gantt.gantt(s, out / "ngay-hoi.svg"),
        lambda s, _out: ngayhoi.export.gantt.gantt_rows(s),
        lambda s, _out: ngayhoi.export.schedule_json.schedule_json(s),
        lambda s, out: ngayhoi.export.schedule_json.write_schedule_json(s, out / "s.json"),
        lambda s, _out: ngayhoi.export.documents.festival_documents(s),
    ],
    ids=["runsheets", "commune-runsheet", "gantt", "gantt-rows", "json", "json-file", "docs"],
)
def test_every_exporter_refuses_a_schedule_without_feasible_times(
    export: Callable[[ngayhoi.Schedule, Path], object], tmp_path: Path
) -> None:
    failed = ngayhoi.schedule(_impossible(), raise_on_infeasible=False)
    with pytest.raises(NotScheduledError, match="infeasible"):
        export(failed, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_schedule_with_times_but_violations_is_refused_too(tmp_path: Path) -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    slot = next(iter(sched.values()))
    broken = attrs.evolve(
        sched,
        status=ngayhoi.Status.FEASIBLE,
        violations=(ngayhoi.Violation(rule="window", activities=(slot.activity,), message="late"),),
    )
    with pytest.raises(NotScheduledError, match="1 violation"):
        ngayhoi.export.runsheet.write_runsheets(broken, tmp_path)


#: The convention of enum values: what a plan file writes, in NFC. Vietnamese terms
#: that documents print are the Vietnamese words; ngayhoi's own vocabulary is English
#: kebab-case; dependency types keep scheduling's FS, SS, FF, SF.
VIETNAMESE_ENUMS = {"UnitKind", "AwardForm", "Part", "Level", "SyncKind"}
ENGLISH_ENUMS = {"ActivityKind", "ResourceKind", "Rule", "Status"}
ABBREVIATED_ENUMS = {"DependencyType"}


def _public_enums() -> dict[str, type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.walk_packages(ngayhoi.__path__, "ngayhoi."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            public = not name.startswith("_") and getattr(value, "__module__", "") == info.name
            if public and isinstance(value, type) and issubclass(value, enum.Enum):
                found[name] = value
    return found


def test_enum_values_follow_one_convention() -> None:
    enums = _public_enums()
    assert set(enums) == VIETNAMESE_ENUMS | ENGLISH_ENUMS | ABBREVIATED_ENUMS
    for name, kind in enums.items():
        values = [str(m.value) for m in kind]
        assert all(unicodedata.normalize("NFC", v) == v for v in values), name
        if name in ENGLISH_ENUMS:
            assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", v) for v in values), name
        if name in VIETNAMESE_ENUMS:
            assert all(v == v.lower() and "-" not in v for v in values), name
            assert any(not v.isascii() for v in values), name
    assert ngayhoi.SyncKind("dong-loat") is ngayhoi.SyncKind.SIMULTANEOUS  # older plan files


def test_every_subpackage_has_a_public_all_of_names_it_holds() -> None:
    for info in pkgutil.walk_packages(ngayhoi.__path__, "ngayhoi."):
        if not info.ispkg:
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        assert names is not None, f"{info.name} has no __all__"
        assert all(hasattr(module, n) for n in names), info.name
    assert "Backend" in ngayhoi.__all__
