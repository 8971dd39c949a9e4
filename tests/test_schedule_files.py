"""Schedules saved as JSON and read back (ngayhoi.io.save_schedule / load_schedule)."""

from __future__ import annotations

from pathlib import Path

import attrs
import orjson
import pytest

import ngayhoi
from ngayhoi import io
from ngayhoi.errors import PlanError, ScheduleFileError
from ngayhoi.model import PrepTask
from ngayhoi.samples import tiny_festival, two_communes_one_delegation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def can_duoc() -> ngayhoi.Schedule:
    return ngayhoi.schedule(io.load(ROOT / "examples" / "can_duoc_2023.toml"))


@pytest.mark.parametrize("make", [tiny_festival, two_communes_one_delegation])
def test_a_saved_schedule_reads_back_equal(tmp_path: Path, make: object) -> None:
    fest = make()  # type: ignore[operator]
    sched = ngayhoi.schedule(fest)
    path = io.save_schedule(sched, tmp_path / "s.json")
    back = io.load_schedule(path, fest)
    assert back == sched
    assert back.waits == sched.waits
    assert [s.start.timezone_name for s in back.values()] == [fest.timezone] * len(back)


def test_the_seventeen_commune_day_reads_back_equal_with_its_slack_and_pools(
    tmp_path: Path, can_duoc: ngayhoi.Schedule
) -> None:
    path = io.save_schedule(can_duoc, tmp_path / "s.json")
    back = io.load_schedule(path, can_duoc.festival)
    assert back == can_duoc
    assert back.critical_path == can_duoc.critical_path
    assert back.to_records() == can_duoc.to_records()


def test_the_same_schedule_saves_the_same_bytes(tmp_path: Path) -> None:
    fest = two_communes_one_delegation()
    a = io.save_schedule(ngayhoi.schedule(fest), tmp_path / "a.json").read_bytes()
    b = io.save_schedule(ngayhoi.schedule(fest), tmp_path / "b.json").read_bytes()
    assert a == b
    data = orjson.loads(a)
    assert (data["format"], data["version"]) == ("ngayhoi-schedule", 1)
    assert "seconds" not in data  # the solver's running time would change the bytes


def _saved(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    fest = two_communes_one_delegation()
    path = io.save_schedule(ngayhoi.schedule(fest), tmp_path / "s.json")
    return path, orjson.loads(path.read_bytes())


def _refused(path: Path, data: object, fest: ngayhoi.Festival | None = None) -> str:
    path.write_bytes(data if isinstance(data, bytes) else orjson.dumps(data))
    with pytest.raises(ScheduleFileError) as caught:
        io.load_schedule(path, fest or two_communes_one_delegation())
    assert isinstance(caught.value, PlanError)
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_another_format_is_refused_naming_it(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    assert "format 'ngayhoi-plan'" in _refused(path, {"format": "ngayhoi-plan", "version": 1})


def test_a_newer_version_is_refused_saying_to_upgrade(tmp_path: Path) -> None:
    path, data = _saved(tmp_path)
    assert "upgrade ngayhoi" in _refused(path, {**data, "version": 2})


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    text = _refused(path, path.read_bytes()[:100])
    assert "cut short" in text


def test_a_schedule_of_another_festival_is_refused(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    with pytest.raises(ScheduleFileError, match="not of 'tiny'"):
        io.load_schedule(path, tiny_festival())


def test_an_activity_the_plan_no_longer_has_is_refused_by_id(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    fest = two_communes_one_delegation()
    smaller = attrs.evolve(fest, activities=fest.activities[:1], dependencies=())
    with pytest.raises(ScheduleFileError, match=r"names 'a\.trao-thuong'|names 'b\."):
        io.load_schedule(path, smaller)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: {**d, "slots": {}}, "slots: expected a list, found a table"),
        (lambda d: {**d, "slots": [None]}, r"slots\[0\]: expected a table, found null"),
        (lambda d: {**d, "status": "great"}, "status: expected optimal"),
        (
            lambda d: {**d, "slots": [{**d["slots"][0], "start": 7}]},
            r"slots\[0\]\.start: expected a string, found a number",
        ),
        (
            lambda d: {**d, "slots": [{**d["slots"][0], "end": "2023-08-06T08:00"}]},
            "with its UTC offset",
        ),
        (
            lambda d: {**d, "waits": [{"activity": "a"}]},
            r"waits\[0\]: the key 'resource' is missing",
        ),
        (lambda d: [d], "expected a table, found a list"),
    ],
)
def test_damage_inside_is_refused_naming_the_place(
    tmp_path: Path, change: object, expected: str
) -> None:
    import re  # noqa: PLC0415

    path, data = _saved(tmp_path)
    assert re.search(expected, _refused(path, change(data)))  # type: ignore[operator]


def test_save_refuses_what_is_not_a_schedule(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="is not a Schedule"):
        io.save_schedule({"x": 1}, tmp_path / "s.json")  # type: ignore[arg-type]


def test_a_prep_task_with_an_activitys_id_is_refused_when_the_plan_is_built() -> None:
    fest = two_communes_one_delegation()
    clash = PrepTask(id="a.trao-thuong", title="Họp", offset_days=-3, owner="doan-1")
    with pytest.raises(PlanError, match="has the id of an activity"):
        attrs.evolve(fest, prep_tasks=(clash,))
    other = PrepTask(id="a.trao-thuong.chuan-bi", title="Họp", offset_days=-3, owner="doan-1")
    assert attrs.evolve(fest, prep_tasks=(other,)).prep_tasks == (other,)


def test_the_plan_digest_is_that_of_the_canonical_plan_the_search_runs_on() -> None:
    from ngayhoi.scheduling import canonical  # noqa: PLC0415
    from ngayhoi.scheduling.stored import plan_digest, plan_fingerprint  # noqa: PLC0415

    fest = io.load(ROOT / "examples" / "can_duoc_2023.toml")
    assert plan_digest(canonical(fest)) == plan_digest(fest)
    reordered = attrs.evolve(
        fest,
        units=fest.units[::-1],
        sites=fest.sites[::-1],
        dependencies=fest.dependencies[::-1],
        resources=fest.resources[::-1],
        sync_groups=fest.sync_groups[::-1],
        prep_tasks=fest.prep_tasks[::-1],
        awards=fest.awards[::-1],
    )
    assert plan_digest(reordered) == plan_digest(fest)
    # The activities' order is the programme sequence the search's ties follow: it counts.
    swapped = attrs.evolve(fest, activities=fest.activities[::-1])
    assert plan_digest(swapped) != plan_digest(fest)
    key = {"backend": "auto", "budget": 200, "seed": 0}
    assert plan_fingerprint(fest, **key) != plan_fingerprint(fest, **{**key, "budget": 100})  # type: ignore[arg-type]


def _key_as_before(row: dict[str, object]) -> str:
    return repr((row.get("id", ""), sorted(row.items(), key=repr)))


def _digest_through_cattrs(fest: ngayhoi.Festival) -> str:
    """The plan digest as ngayhoi computed it through cattrs (every stored digest is this)."""
    import hashlib  # noqa: PLC0415

    from ngayhoi.scheduling import stored  # noqa: PLC0415

    data = stored._converter().unstructure(fest)  # noqa: SLF001 - the reference path
    for name in stored._UNORDERED:  # noqa: SLF001
        data[name] = sorted(data[name], key=_key_as_before)
    blob = orjson.dumps(data, default=stored._plain, option=orjson.OPT_SORT_KEYS)  # noqa: SLF001
    return hashlib.sha256(blob).hexdigest()


def _plans() -> list[ngayhoi.Festival]:
    from ngayhoi.model import TravelTimes  # noqa: PLC0415

    can_duoc = io.load(ROOT / "examples" / "can_duoc_2023.toml")
    tay_ninh = io.load(ROOT / "examples" / "tay_ninh_2025.toml")
    matrix = TravelTimes(minutes={("a", "b"): 12, ("b", "a"): 9}, default=20)
    return [
        tiny_festival(),
        two_communes_one_delegation(),
        attrs.evolve(two_communes_one_delegation(), travel=matrix),
        can_duoc,
        attrs.evolve(can_duoc, units=can_duoc.units[::-1], awards=can_duoc.awards[::-1]),
        tay_ninh,
    ]


@pytest.mark.parametrize("index", range(6))
def test_the_plan_digest_written_out_is_the_one_cattrs_gives(index: int) -> None:
    from ngayhoi.scheduling import stored  # noqa: PLC0415

    fest = _plans()[index]
    reference = stored._converter().unstructure(fest)  # noqa: SLF001 - the reference path
    mine = stored._plain_data(fest)  # noqa: SLF001
    assert mine == reference
    assert repr(mine) == repr(reference)  # the same types too: the sort keys are reprs
    assert stored.plan_digest(fest) == _digest_through_cattrs(fest)


def test_a_field_type_not_written_out_is_left_to_cattrs(monkeypatch: pytest.MonkeyPatch) -> None:
    from ngayhoi.scheduling import stored  # noqa: PLC0415

    fest = two_communes_one_delegation()
    expected = stored.plan_digest(fest)

    def unknown(_fields: object, value: object) -> object:
        raise stored._UnknownShapeError(value)  # noqa: SLF001

    monkeypatch.setattr(stored, "_record", unknown)
    assert stored._plain_data(fest) == stored._converter().unstructure(fest)  # noqa: SLF001
    assert stored.plan_digest(fest) == expected
