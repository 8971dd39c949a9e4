"""schedule.json export: the C3VOC format (our schema), rooms, times, identities, hostile text."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import attrs
import jsonschema  # type: ignore[import-untyped, unused-ignore]  # ships no py.typed marker
import pendulum
import pytest

import ngayhoi
from ngayhoi.errors import ExportError, PlanError
from ngayhoi.export.events import activity_uid
from ngayhoi.export.schedule_json import (
    GUID_NAMESPACE,
    SCHEMA_URL,
    event_guid,
    schedule_json,
    write_schedule_json,
)
from ngayhoi.model import Activity, Festival, Site, Unit
from ngayhoi.scheduling import Schedule, Status

from conftest import DAY, ROOT, TZ, act, at, load_example, one_site_festival

SCHEMA_PATH = ROOT / "tests" / "data" / "c3voc_schedule.schema.json"
example = load_example("can_duoc_2023")

# Model titles may hold every character except C0/C1 controls other than tab and
# newline (ngayhoi.model._fields); these are the nastiest ones that remain.
HOSTILE = (
    "Lễ \"chào cờ\" 'trang trọng'\n</script><script>alert(1)</script>"
    " \\ back\\slash\ttab & <b> \u2028 \u2029 \u202e ngược \U0001f1fb\U0001f1f3 {}[],:"
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def example_schedule() -> Schedule:
    return ngayhoi.schedule(example.build()).unwrap()


@pytest.fixture(scope="module")
def example_data(example_schedule: Schedule) -> dict[str, Any]:
    return schedule_json(example_schedule)


def _errors(schema: dict[str, Any], data: object) -> list[str]:
    """Every schema violation, validated with the draft the schema declares, formats asserted."""
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def _events(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        event
        for day in data["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def _hostile_schedule() -> Schedule:
    """One commune whose venue, unit, title, lead and description are all hostile text."""
    fest = Festival(
        id="hostile",
        name=f"Ngày hội {HOSTILE}",
        days=[DAY],
        units=[Unit(id="x", name=f"Xã {HOSTILE}", official_name=f"Xã {HOSTILE}", kind="xã")],
        sites=[Site(id="s", name=f"Hội trường {HOSTILE}", unit="x")],
        activities=[
            Activity(
                id="x.a",
                kind="flag-salute",
                title=HOSTILE,
                site="s",
                duration=5,
                fixed_start=at(7, 30),
                lead=HOSTILE,
                description=HOSTILE,
            )
        ],
        organiser=HOSTILE,
    )
    return ngayhoi.schedule(fest).unwrap()


# -- the schema -------------------------------------------------------------


def test_our_schema_is_a_valid_draft_2020_12_schema_that_cites_its_source(
    schema: dict[str, Any],
) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "voc/schedule" in schema["$comment"]
    assert "validator/json/schema.json" in schema["$comment"]
    assert "08187a26db49e5c4700ad902e5132d7f949d8bed" in schema["$comment"]


def test_the_schema_rejects_what_the_format_forbids(
    schema: dict[str, Any], example_data: dict[str, Any]
) -> None:
    broken = json.loads(json.dumps(example_data))
    event = _events(broken)[0]
    event["start"] = "7:30"  # HH:MM has two hour digits
    event["duration"] = "00:75"
    event["surprise"] = True  # events are closed objects
    del event["guid"]
    _events(broken)[1]["guid"] = "not-a-uuid"  # formats are asserted
    broken["schedule"]["conference"]["acronym"] = "Cần Đước"
    broken["schedule"]["conference"]["days"][0]["index"] = "1"
    errors = "\n".join(_errors(schema, broken))
    for needle in (
        "'7:30'",
        "'00:75'",
        "surprise",
        "'guid' is a required",
        "'not-a-uuid' is not a 'uuid'",
        "Cần Đước",
        "'1' is not of type 'integer'",
    ):
        assert needle in errors


# -- the example ------------------------------------------------------------


def test_the_example_export_validates_against_the_schema(
    schema: dict[str, Any], example_data: dict[str, Any]
) -> None:
    assert _errors(schema, example_data) == []
    assert example_data["$schema"] == SCHEMA_URL
    conference = example_data["schedule"]["conference"]
    assert conference["acronym"] == "can_duoc_2023"
    assert conference["start"] == conference["end"] == "2023-08-06"
    assert conference["daysCount"] == 1
    assert conference["time_zone_name"] == TZ


def test_one_room_per_site_named_venue_and_commune(
    example_schedule: Schedule, example_data: dict[str, Any]
) -> None:
    fest = example_schedule.festival
    conference = example_data["schedule"]["conference"]
    names = [room["name"] for room in conference["rooms"]]
    assert len(names) == len(fest.sites) == 18
    assert len(set(names)) == len(names)
    assert len({room["guid"] for room in conference["rooms"]}) == len(names)
    assert names == [f"{s.name} – {fest.unit(s.unit).official_name}" for s in fest.sites]
    assert "Nhà văn hóa ấp 3 – Xã Long Cang" in names
    day_rooms = conference["days"][0]["rooms"]
    assert len(day_rooms) == 17  # the district office hosts no activity
    for name, events in day_rooms.items():
        assert name in names
        assert all(event["room"] == name for event in events)
        starts = [event["date"] for event in events]
        assert starts == sorted(starts)


def test_every_activity_appears_once_at_its_local_start_and_length(
    example_schedule: Schedule, example_data: dict[str, Any]
) -> None:
    fest = example_schedule.festival
    events = _events(example_data)
    assert len(events) == len(fest.activities) == len(example_schedule) == 238
    by_guid = {event["guid"]: event for event in events}
    assert len(by_guid) == len(events)
    for slot in example_schedule.values():
        event = by_guid[str(uuid.uuid5(GUID_NAMESPACE, activity_uid(fest, slot.activity)))]
        local = slot.start.in_timezone(TZ)
        parsed = dt.datetime.fromisoformat(event["date"])
        assert parsed == slot.start
        assert parsed.utcoffset() == dt.timedelta(hours=7)
        assert event["date"] == local.isoformat()
        assert event["date"].endswith("+07:00")
        assert event["start"] == f"{local.hour:02d}:{local.minute:02d}"
        hours, minutes = (int(x) for x in event["duration"].split(":"))
        assert hours * 60 + minutes == slot.minutes
        activity = fest.activity(slot.activity)
        assert event["title"] == activity.title
        assert event["track"] == activity.kind.part.value.capitalize()
        assert event["type"] == activity.kind.label
        site = fest.site(activity.site)
        assert event["room"] == f"{site.name} – {fest.unit(site.unit).official_name}"
    parades = [e for e in events if e["slug"].endswith("-dieu-hanh")]
    assert len(parades) == 17
    assert {e["start"] for e in parades} == {"06:45"}
    assert {e["track"] for e in events} == {"Phần lễ", "Phần hội"}


def test_descriptions_name_the_lead_the_delegation_and_the_awards(
    example_schedule: Schedule, example_data: dict[str, Any]
) -> None:
    fest = example_schedule.festival
    by_guid = {event["guid"]: event for event in _events(example_data)}
    for unit in example.VISITED:
        slot = example_schedule[f"{unit}.trao-thuong"]
        event = by_guid[str(event_guid(fest, slot.activity))]
        delegation = fest.resource(slot.resources[0])
        lines = event["description"].split("\n")
        assert f"Phụ trách: {fest.activity(slot.activity).lead}" in lines
        assert f"Đoàn dự: {delegation.name}" in lines
        assert "Khen thưởng: 5 (2 tập thể, 3 cá nhân)" in lines
        assert {"name": delegation.name, "biography": ", ".join(delegation.members)} in event[
            "persons"
        ]


def test_guids_ids_and_slugs_are_stable_across_exports_and_unique(
    example_data: dict[str, Any],
) -> None:
    again = schedule_json(ngayhoi.schedule(example.build()).unwrap())
    first = {e["guid"]: (e["id"], e["slug"]) for e in _events(example_data)}
    second = {e["guid"]: (e["id"], e["slug"]) for e in _events(again)}
    assert first == second
    ids = [number for number, _ in first.values()]
    slugs = [slug for _, slug in first.values()]
    assert len(set(ids)) == len(ids) == 238
    assert len(set(slugs)) == len(slugs)
    assert all(1 <= number < 2**31 for number in ids)
    for guid, (number, slug) in first.items():
        assert uuid.UUID(guid).version == 5
        assert number == 1 + uuid.UUID(guid).int % (2**31 - 1)
        assert slug.startswith(f"can-duoc-2023-{number}-")
    rooms = [r["guid"] for r in example_data["schedule"]["conference"]["rooms"]]
    assert rooms == [r["guid"] for r in again["schedule"]["conference"]["rooms"]]


def test_the_file_is_utf8_nfc_and_loads_back_equal(
    example_schedule: Schedule, example_data: dict[str, Any], tmp_path: Path
) -> None:
    path = write_schedule_json(example_schedule, tmp_path / "schedule.json")
    assert path == tmp_path / "schedule.json"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "Xã Long Hựu Tây" in text  # letters as they are, not \u escapes
    assert json.loads(text) == example_data
    again = write_schedule_json(example_schedule, tmp_path / "again.json")
    assert again.read_bytes() == raw
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_default_version_follows_the_content() -> None:
    tiny = ngayhoi.samples.tiny_festival()
    first = schedule_json(ngayhoi.schedule(tiny))["schedule"]["version"]
    assert schedule_json(ngayhoi.schedule(tiny))["schedule"]["version"] == first
    moved = attrs.evolve(
        tiny,
        activities=[
            attrs.evolve(tiny.activities[0], fixed_start=at(7, 45)),
            tiny.activities[1],
        ],
    )
    assert schedule_json(ngayhoi.schedule(moved))["schedule"]["version"] != first
    named = schedule_json(ngayhoi.schedule(tiny), version="v2")
    assert named["schedule"]["version"] == "v2"


def test_base_url_gives_event_pages_and_without_it_urns(schema: dict[str, Any]) -> None:
    sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    published = schedule_json(sched, base_url="https://ngayhoi.vn/tiny/schedule.html")
    assert _errors(schema, published) == []
    for event in _events(published):
        assert event["url"] == f"https://ngayhoi.vn/tiny/schedule.html#{event['slug']}"
    assert published["schedule"]["conference"]["url"] == "https://ngayhoi.vn/tiny/schedule.html"
    for event in _events(schedule_json(sched)):
        assert event["url"] == f"urn:uuid:{event['guid']}"


# -- hostile text -----------------------------------------------------------


def test_hostile_text_survives_as_data(schema: dict[str, Any], tmp_path: Path) -> None:
    sched = _hostile_schedule()
    data = schedule_json(sched)
    assert _errors(schema, data) == []
    path = write_schedule_json(sched, tmp_path / "schedule.json")
    raw = path.read_bytes()
    assert json.loads(raw.decode("utf-8")) == data
    (event,) = _events(json.loads(raw))
    assert event["title"] == HOSTILE
    assert event["abstract"] == HOSTILE
    assert event["persons"] == [{"name": HOSTILE}]
    assert f"Phụ trách: {HOSTILE}" in event["description"]
    assert event["room"] == f"Hội trường {HOSTILE} – Xã {HOSTILE}"
    assert event["subtitle"] == f"Xã {HOSTILE}"
    assert list(json.loads(raw)["schedule"]["conference"]["days"][0]["rooms"]) == [event["room"]]
    # The file can be inlined into an HTML <script> element as it is.
    for unsafe in (b"</script>", b"<", b">", b"&", "\u2028".encode(), "\u2029".encode()):
        assert unsafe not in raw
    assert "\u202e".encode() in raw  # everything else stays as it is


def test_decomposed_text_is_exported_composed() -> None:
    # Delegation members are stored as given (no NFC on the way in): the export composes them.
    composed = "Phó Trưởng Ban Chỉ đạo 138 huyện Cần Đước"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    fest = ngayhoi.samples.two_communes_one_delegation()
    delegation = attrs.evolve(fest.resources[0], members=(decomposed,))
    fest = attrs.evolve(fest, resources=[delegation])
    data = schedule_json(ngayhoi.schedule(fest).unwrap())
    biographies = {p.get("biography") for e in _events(data) for p in e["persons"]}
    assert biographies == {composed}
    assert unicodedata.is_normalized("NFC", json.dumps(data, ensure_ascii=False))


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\r", "\x7f", "\x85"])
def test_titles_refuse_control_characters_before_any_export(control: str) -> None:
    with pytest.raises(PlanError, match="control character"):
        Activity(id="a", kind="other", title=f"Chào{control}cờ", site="s", duration=5)


def test_control_characters_that_do_reach_the_export_survive_as_data(tmp_path: Path) -> None:
    # The model refuses control characters in members; should one slip past it (a
    # record built with validators off), the export must still keep it as data.
    controls = "".join(chr(c) for c in [*range(0x20), 0x7F, 0x85, 0x9F])
    fest = ngayhoi.samples.two_communes_one_delegation()
    with attrs.validators.disabled():
        delegation = attrs.evolve(fest.resources[0], members=(f"Ông A{controls}</script>",))
    sched = ngayhoi.schedule(attrs.evolve(fest, resources=[delegation])).unwrap()
    path = write_schedule_json(sched, tmp_path / "schedule.json")
    raw = path.read_bytes()
    assert not [byte for byte in raw if byte < 0x20 and byte != 0x0A]  # newlines: indentation
    assert b"\\u0000" in raw  # escaped, as JSON requires
    loaded = json.loads(raw)
    assert loaded == schedule_json(sched)
    biographies = {p.get("biography") for e in _events(loaded) for p in e["persons"]}
    assert biographies == {f"Ông A{controls}</script>"}


# -- refusals ---------------------------------------------------------------


def test_two_activities_with_the_same_id_are_refused() -> None:
    # These two ids of festival 't' give the same integer id (found by a birthday
    # search over 'muc-<n>'); the guids differ.
    fest = one_site_festival(
        act("muc-32951", 5, fixed_start=at(7)), act("muc-92134", 5, fixed_start=at(8))
    )
    assert event_guid(fest, "muc-32951") != event_guid(fest, "muc-92134")
    sched = ngayhoi.schedule(fest)
    with pytest.raises(ExportError, match=r"'muc-32951' and 'muc-92134' would share"):
        schedule_json(sched)


def test_a_schedule_without_times_is_refused() -> None:
    fest = ngayhoi.samples.tiny_festival()
    with pytest.raises(ExportError, match="infeasible and has no times"):
        schedule_json(Schedule(festival=fest, status=Status.INFEASIBLE))


def test_two_sites_that_would_be_one_room_are_refused() -> None:
    unit = Unit(id="x", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")
    fest = Festival(
        id="t",
        name="Ngày hội thử",
        days=[DAY],
        units=[unit],
        sites=[Site(id="s1", name="Sân UBND", unit="x"), Site(id="s2", name="Sân UBND", unit="x")],
        activities=[
            Activity(id="a", kind="other", title="A", site="s1", duration=5, fixed_start=at(7))
        ],
    )
    with pytest.raises(ExportError, match="sites 's1' and 's2' would both be the room"):
        schedule_json(ngayhoi.schedule(fest))


def test_the_local_day_decides_where_an_event_goes() -> None:
    two_days = attrs.evolve(
        one_site_festival(act("a", 5, fixed_start=at(7))),
        days=[DAY, DAY.add(days=1)],
        activities=[
            act("a", 5, fixed_start=at(7)),
            act("b", 5, fixed_start=pendulum.datetime(2023, 8, 7, 6, 30, tz=TZ)),
        ],
    )
    days = schedule_json(ngayhoi.schedule(two_days))["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == ["2023-08-06", "2023-08-07"]
    assert [d["index"] for d in days] == [1, 2]
    assert [
        [e["start"] for e in d["rooms"]["Hội trường UBND xã Long Hòa – Xã Long Hòa"]] for d in days
    ] == [
        ["07:00"],
        ["06:30"],
    ]
    assert days[1]["day_start"] == "2023-08-07T06:00:00+07:00"
