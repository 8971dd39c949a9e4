"""``schedule.json``: the festival day in the C3VOC schedule format that conference viewers read.

The format is the JSON sibling of the frab ``schedule.xml``: pretalx and frab
export it, the C3VOC describes it with a JSON Schema (repository
``voc/schedule``, ``validator/json/schema.json``), and schedule viewers such as
EventFahrplan, Giggity or info-beamer read it. One document holds one
conference: its days, and per day one list of events per room.

How the festival maps onto it:

* conference: the festival (``acronym`` from its id, ``title`` its name, the
  days, the IANA ``time_zone_name``);
* room: one per site, named venue and commune (``"Nhà văn hóa ấp 3 – Xã Long
  Cang"``); a day lists the rooms that have events that day;
* event: one per scheduled activity, under the local day it starts on.
  ``date`` is the local start with its offset (``2023-08-06T07:30:00+07:00``),
  ``start`` the local ``HH:MM`` and ``duration`` ``HH:MM``; ``track`` is the
  half of the day (Phần lễ, Phần hội), ``type`` the kind of item in
  Vietnamese, ``subtitle`` the commune; ``description`` says who leads it, the
  delegations attending and how many awards are presented; ``abstract`` is the
  activity's own description; ``persons`` are the lead and the delegations.

Identities stay put across re-plans and re-exports:

* ``guid`` is :func:`event_guid`: the name-based UUID (version 5) of the
  activity's calendar UID (:func:`~ngayhoi.export.events.activity_uid`) in
  :data:`GUID_NAMESPACE`, so the schedule.json event and the calendar event of
  an activity can be matched;
* ``id`` (an integer frab-era consumers still key on) is ``1 + (guid mod
  (2**31 - 1))``: positive and within a signed 32-bit integer. Different
  guids can map to the same id; an export where two activities would share one
  is refused with :class:`~ngayhoi.errors.ExportError` naming both (the chance
  grows with the square of the number of activities: about 1 in 75,000 for the
  238 activities of a district, about even near 55,000 activities, so export a
  very large plan per province);
* ``slug`` is ``<festival id>-<id>-<activity id with '.' as '-'>``, unique
  because the id is.

All text is Unicode NFC. :func:`write_schedule_json` writes UTF-8 and leaves
Vietnamese letters as they are, but escapes ``<``, ``>``, ``&``, U+2028 and
U+2029 so the file can be inlined into an HTML ``<script>``; the parsed data
are the same either way.

>>> import ngayhoi
>>> data = schedule_json(ngayhoi.schedule(ngayhoi.samples.tiny_festival()))
>>> conference = data["schedule"]["conference"]
>>> conference["acronym"], conference["time_zone_name"], conference["daysCount"]
('tiny', 'Asia/Ho_Chi_Minh', 1)
>>> [room["name"] for room in conference["rooms"]]
['Hội trường UBND xã Long Hòa – Xã Long Hòa']
>>> salute, report = conference["days"][0]["rooms"]["Hội trường UBND xã Long Hòa – Xã Long Hòa"]
>>> salute["date"], salute["start"], salute["duration"], salute["track"]
('2023-08-06T07:30:00+07:00', '07:30', '00:05', 'Phần lễ')
>>> report["title"], report["start"], report["slug"] == f"tiny-{report['id']}-x-bao-cao"
('Báo cáo đánh giá phong trào', '07:37', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
import uuid
from pathlib import Path
from typing import Any, cast

import pendulum

from ngayhoi._version import __version__
from ngayhoi.errors import ExportError, Said
from ngayhoi.export._guard import require_feasible
from ngayhoi.export.events import activity_uid
from ngayhoi.files import write_atomic
from ngayhoi.i18n import N_
from ngayhoi.model import Festival, Part, ResourceKind, Site, SyncKind
from ngayhoi.scheduling.result import Schedule, Slot
from ngayhoi.text import slugify

__all__ = [
    "GUID_NAMESPACE",
    "SCHEMA_URL",
    "event_guid",
    "schedule_json",
    "schedule_json_bytes",
    "write_schedule_json",
]

#: The ``$schema`` value the format's producers (frab, pretalx) write and its readers check.
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"

#: The namespace of every guid this module makes: ``uuid5(NAMESPACE_DNS,
#: "schedule-json.ngayhoi.vn")``. Never change it: every published guid depends on it.
GUID_NAMESPACE = uuid.UUID("4fa23fc5-8d50-51ce-afc0-bf60660d93fc")

_ID_MODULUS = 2**31 - 1  # a prime; ids stay within a signed 32-bit integer
_LANGUAGE = "vi"
_MAX_TIMESLOT = 15
_ACRONYM_MIN = 4
# Characters that are harmless in JSON but end a <script> element or a pre-2019
# JavaScript string literal; JSON has them only inside strings, so escaping is safe.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def event_guid(festival: Festival, activity_id: str) -> uuid.UUID:
    """The guid of an activity: UUID version 5 of its calendar UID in :data:`GUID_NAMESPACE`.

    >>> from ngayhoi.samples import tiny_festival
    >>> guid = event_guid(tiny_festival(), "x.chao-co")
    >>> guid == uuid.uuid5(GUID_NAMESPACE, "tiny.x.chao-co@ngayhoi.vn"), guid.version
    (True, 5)
    """
    return uuid.uuid5(GUID_NAMESPACE, activity_uid(festival, activity_id))


def schedule_json(
    schedule: Schedule, *, base_url: str = "", version: str | None = None
) -> dict[str, Any]:
    """The schedule as a C3VOC ``schedule.json`` document (plain JSON data, text in NFC).

    Args:
        schedule: a schedule with times (optimal or feasible).
        base_url: where the schedule is published; events link to ``<base_url>#<slug>``.
            Without it an event's ``url`` is its guid as a URN (``urn:uuid:...``).
        version: the schedule's version label; by default a digest of the
            content, which changes exactly when the exported data change.

    Raises:
        NotScheduledError: if the schedule has no feasible times.
        ExportError: if two sites would get the same room name, an activity starts
            outside the festival's days, or two activities would share an id.

    >>> import ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> doc = schedule_json(sched, base_url="https://ngayhoi.vn/tiny/", version="1.0")
    >>> doc["$schema"], doc["schedule"]["version"]
    ('https://c3voc.de/schedule/schema.json', '1.0')
    >>> day = doc["schedule"]["conference"]["days"][0]
    >>> day["date"], day["day_start"], day["day_end"]
    ('2023-08-06', '2023-08-06T06:00:00+07:00', '2023-08-06T22:00:00+07:00')
    >>> event = next(iter(day["rooms"].values()))[0]
    >>> event["url"] == f"https://ngayhoi.vn/tiny/#{event['slug']}", event["language"]
    (True, 'vi')
    >>> schedule_json(sched) == schedule_json(sched)
    True
    """
    fest = schedule.festival
    require_feasible(schedule, "export")
    rooms = _rooms(fest, schedule)
    page = base_url.split("#", 1)[0]
    by_day: dict[dt.date, dict[str, list[dict[str, Any]]]] = {day: {} for day in fest.days}
    spans: dict[dt.date, list[pendulum.DateTime]] = {day: [] for day in fest.days}
    owners: dict[int, str] = {}
    parts: set[Part] = set()
    for slot in sorted(schedule.values(), key=_order):
        event = _event(schedule, slot, rooms, page)
        other = owners.setdefault(event["id"], slot.activity)
        if other != slot.activity:
            msg = Said(
                N_(
                    "festival '{id}': activities '{other}' and '{activity}' would share the "
                    "schedule.json id {value} (it is derived from the calendar UID); rename one "
                    "of the two activities"
                ),
                id=fest.id,
                other=other,
                activity=slot.activity,
                value=event["id"],
            )
            raise ExportError(msg)
        start = slot.start.in_timezone(fest.timezone)
        day = dt.date(start.year, start.month, start.day)
        if day not in by_day:
            msg = Said(
                N_(
                    "activity '{activity}' starts on {day}, which is not a day of festival "
                    "'{id}' ({names}); schedule it again"
                ),
                activity=slot.activity,
                day=day,
                id=fest.id,
                names=", ".join(str(d) for d in fest.days),
            )
            raise ExportError(msg)
        by_day[day].setdefault(fest.activity(slot.activity).site, []).append(event)
        spans[day] += [start, slot.end.in_timezone(fest.timezone)]
        parts.add(fest.activity(slot.activity).kind.part)
    days = []
    for index, day in enumerate(fest.days, start=1):
        opens, closes = fest.local(day, fest.opens), fest.local(day, fest.closes)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": min([opens, *spans[day]]).isoformat(),
                "day_end": max([closes, *spans[day]]).isoformat(),
                "rooms": {
                    rooms[site.id]["name"]: by_day[day][site.id]
                    for site in fest.sites
                    if site.id in by_day[day]
                },
            }
        )
    conference: dict[str, Any] = {
        "acronym": _acronym(fest),
        "title": fest.name,
        "start": fest.days[0].isoformat(),
        "end": fest.days[-1].isoformat(),
        "daysCount": len(fest.days),
        "timeslot_duration": _hh_mm(_timeslot(fest, schedule)),
        "time_zone_name": fest.timezone,
    }
    if fest.organiser:
        conference["description"] = f"Ban tổ chức: {fest.organiser}"
    if page:
        conference["url"] = page
    conference["tracks"] = [
        {"name": _track(part), "slug": slugify(part.value, strip_kind=False)}
        for part in Part
        if part in parts
    ]
    conference["rooms"] = list(rooms.values())
    conference["days"] = days
    conference = cast("dict[str, Any]", _nfc(conference))
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "ngayhoi", "version": __version__},
        "schedule": {
            "version": _nfc(version) if version is not None else _digest(conference),
            "base_url": _nfc(base_url),
            "conference": conference,
        },
    }


def write_schedule_json(
    schedule: Schedule,
    path: Path | str,
    *,
    base_url: str = "",
    version: str | None = None,
) -> Path:
    """Write :func:`schedule_json` to ``path`` atomically, as UTF-8 JSON; return the path.

    Raises:
        ExportError: as :func:`schedule_json`, or if the file cannot be written.

    >>> import json, pathlib, tempfile, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> path = write_schedule_json(sched, pathlib.Path(tempfile.mkdtemp()) / "schedule.json")
    >>> json.loads(path.read_text(encoding="utf-8")) == schedule_json(sched)
    True
    >>> "Lễ chào cờ" in path.read_text(encoding="utf-8")
    True
    """
    data = schedule_json_bytes(schedule, base_url=base_url, version=version)
    return write_atomic(Path(path), data)


def schedule_json_bytes(
    schedule: Schedule, *, base_url: str = "", version: str | None = None
) -> bytes:
    """The bytes :func:`write_schedule_json` writes (UTF-8 JSON, safe inside a ``<script>``).

    >>> import json, ngayhoi
    >>> sched = ngayhoi.schedule(ngayhoi.samples.tiny_festival())
    >>> json.loads(schedule_json_bytes(sched)) == schedule_json(sched)
    True
    """
    data = schedule_json(schedule, base_url=base_url, version=version)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return text.translate(_SCRIPT_SAFE).encode("utf-8")


def _event(
    schedule: Schedule, slot: Slot, rooms: dict[str, dict[str, Any]], page: str
) -> dict[str, Any]:
    fest = schedule.festival
    act = fest.activity(slot.activity)
    unit = fest.unit(fest.site(act.site).unit)
    guid = event_guid(fest, act.id)
    number = 1 + guid.int % _ID_MODULUS
    slug = f"{fest.id}-{number}-{act.id.replace('.', '-')}"
    start = slot.start.in_timezone(fest.timezone)
    lines: list[str] = []
    persons: list[dict[str, Any]] = []
    if act.lead:
        lines.append(f"Phụ trách: {act.lead}")
        persons.append({"name": act.lead})
    for group in fest.sync_groups_of(act.id):
        what = "Điểm cầu trực tuyến" if group.kind is SyncKind.BRIDGE else "Đồng loạt"
        lines.append(f"{what}: {group.title}, {len(group.activities)} điểm")
    for resource_id in slot.resources:
        resource = fest.resource(resource_id)
        if resource.kind is ResourceKind.DELEGATION:
            lines.append(f"Đoàn dự: {resource.name}")
            person: dict[str, Any] = {"name": resource.name}
            if resource.members:
                person["biography"] = ", ".join(resource.members)
            persons.append(person)
    awards = fest.awards_at(act.id)
    if awards:
        collective = sum(1 for a in awards if a.collective)
        lines.append(
            f"Khen thưởng: {len(awards)} ({collective} tập thể, {len(awards) - collective} cá nhân)"
        )
    return {
        "id": number,
        "guid": str(guid),
        "date": start.isoformat(),
        "start": start.format("HH:mm"),
        "duration": _hh_mm(slot.minutes),
        "room": rooms[act.site]["name"],
        "slug": slug,
        "url": f"{page}#{slug}" if page else guid.urn,
        "title": act.title,
        "subtitle": unit.official_name,
        "track": _track(act.kind.part),
        "type": act.kind.label,
        "language": _LANGUAGE,
        "abstract": act.description,
        "description": "\n".join(lines) or None,
        "recording_license": "",
        "do_not_record": None,
        "persons": persons,
        "links": [],
        "attachments": [],
    }


def _rooms(fest: Festival, schedule: Schedule) -> dict[str, dict[str, Any]]:
    """One room per site, keyed by site id; room names must be unique (they are keys).

    A room's ``features`` give the minutes its people wait between items
    (``idle_minutes`` in all, ``longest_idle_minutes``).
    """
    from ngayhoi.scheduling.checker import idle_minutes  # noqa: PLC0415 - export sits above

    waits = idle_minutes(schedule)
    rooms: dict[str, dict[str, Any]] = {}
    named: dict[str, Site] = {}
    for site in fest.sites:
        name = unicodedata.normalize("NFC", f"{site.name} – {fest.unit(site.unit).official_name}")
        other = named.setdefault(name, site)
        if other is not site:
            msg = Said(
                N_(
                    "sites '{id}' and '{id2}' would both be the room '{name}' in schedule.json; "
                    "give one of the venues a distinct name"
                ),
                id=other.id,
                id2=site.id,
                name=name,
            )
            raise ExportError(msg)
        guid = uuid.uuid5(GUID_NAMESPACE, f"room:{fest.id}.{site.id}@{fest.domain}")
        mins = [m for _, m in waits.get(site.id, ())]
        rooms[site.id] = {
            "name": name,
            "guid": str(guid),
            "description": site.location,
            "features": {"idle_minutes": sum(mins), "longest_idle_minutes": max(mins, default=0)},
        }
    return rooms


def _acronym(fest: Festival) -> str:
    """The festival id as a C3VOC acronym: ``-`` and ``.`` become ``_``, at least 4 characters."""
    acronym = fest.id.replace("-", "_").replace(".", "_")
    if len(acronym) < _ACRONYM_MIN:
        acronym = f"{acronym}_{fest.days[0].year}"
    return acronym


def _timeslot(fest: Festival, schedule: Schedule) -> int:
    """The coarsest grid (at most 15 minutes) every start and length of the day falls on."""
    step = 60
    for slot in schedule.values():
        start = slot.start.in_timezone(fest.timezone)
        step = math.gcd(step, start.hour * 60 + start.minute, slot.minutes)
    return min(step, _MAX_TIMESLOT)


def _track(part: Part) -> str:
    return part.value.capitalize()


def _hh_mm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _order(slot: Slot) -> tuple[pendulum.DateTime, pendulum.DateTime, str]:
    return (slot.start, slot.end, slot.activity)


def _digest(data: dict[str, Any]) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def _nfc(value: object) -> object:
    """Every string in a JSON value (keys too) in Unicode NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    return value
