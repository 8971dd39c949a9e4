"""A new plan file for real communes: every commune of a province or district, or a chosen list.

Each commune gets one site, its people's committee hall (hội trường UBND),
placed at the commune's centre where the dataset knows it; travel times are
then derived from the coordinates. Where a commune has no coordinates, the
file lists the sites whose travel times the organiser must fill in.

>>> import datetime as dt
>>> from ngayhoi import data, io
>>> units = data.can_duoc_communes(dt.date(2023, 8, 6))[:2]
>>> plan = io.loads(units_plan_text(units, day=dt.date(2023, 8, 6)))
>>> [s.name for s in plan.sites]
['Hội trường UBND thị trấn Cần Đước', 'Hội trường UBND xã Long Trạch']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ngayhoi.i18n import _, translator
from ngayhoi.model import Unit
from ngayhoi.templates.events import pilot_name
from ngayhoi.templates.terms import count_units, terms_for
from ngayhoi.text import nfc

__all__ = [
    "comment",
    "pilot_plan_text",
    "plan_header",
    "programme_lines",
    "steering_committee",
    "toml_string",
    "units_plan_text",
]

#: Driving speed for travel times derived from coordinates (km/h, along straight
#: lines stretched by the road factor).
SPEED_KMH = 30


def toml_string(text: str) -> str:
    r"""``text`` as a TOML basic string.

    >>> print(toml_string('Xã "A"'))
    "Xã \"A\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_q = toml_string


def _written(day: dt.date) -> str:
    """A day as the plan file's reader writes it: 19/8/2025, or 2025-08-19 in English.

    >>> translator.use("vi")
    >>> _written(dt.date(2025, 8, 19))
    '19/8/2025'
    """
    if translator.language == "en":
        return day.isoformat()
    return f"{day.day}/{day.month}/{day.year}"


def comment(text: str) -> str:
    r"""``text`` as comment lines of the plan file, one ``#`` per line.

    >>> print(comment("two\nlines"))
    # two
    # lines
    """
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def steering_committee(unit: Unit | None, day: dt.date) -> str:
    """The Ban Chỉ đạo 138 of ``unit`` in running text, the festival's ``organiser``.

    >>> import datetime as dt
    >>> from ngayhoi import data
    >>> day = dt.date(2023, 8, 6)
    >>> steering_committee(data.unit_on("huyen-can-duoc", day), day)
    'Ban Chỉ đạo 138 huyện Cần Đước'
    >>> steering_committee(None, day)
    'Ban Chỉ đạo 138'
    """
    if unit is None:
        return "Ban Chỉ đạo 138"
    local = terms_for(unit.kind, day).local_name(unit.official_name)[0]
    return nfc(f"Ban Chỉ đạo 138 {local}")


def plan_header(
    *,
    day: dt.date,
    name: str | None,
    ident: str | None,
    heading: str | None = None,
    organiser: Unit | None = None,
) -> list[str]:
    """The opening lines of a plan file written by ``ngayhoi init``, up to ``[units]``.

    ``organiser`` is the district or province whose steering committee holds
    the day (its BCĐ 138 names the documents' issuer and place).
    The comments speak the command line's language (:data:`ngayhoi.i18n.translator`),
    Vietnamese unless English was asked for.

    >>> import datetime as dt
    >>> translator.use("vi")
    >>> plan_header(day=dt.date(2025, 8, 19), name=None, ident=None)[0]
    '# Kế hoạch Ngày hội toàn dân bảo vệ an ninh Tổ quốc, đọc bằng `ngayhoi`.'
    >>> translator.use("en")
    >>> plan_header(day=dt.date(2025, 8, 19), name=None, ident=None)[0]
    '# Plan of a Ngày hội toàn dân bảo vệ an ninh Tổ quốc, read by `ngayhoi`.'
    """
    year = day.year
    title = nfc(name or f"Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm {year}").strip()
    fid = ident or f"ngay-hoi-{year}"
    return [
        comment(_("Plan of a Ngày hội toàn dân bảo vệ an ninh Tổ quốc, read by `ngayhoi`.")),
        *([heading] if heading else []),
        comment(_("Durations and lags are minutes; times are HH:MM in Asia/Ho_Chi_Minh.")),
        comment(_("Check it with: ngayhoi validate THIS_FILE")),
        'format = "ngayhoi-plan"',
        "version = 1",
        "",
        "[festival]",
        f"id = {_q(fid)}",
        f"name = {_q(title)}",
        f"days = [{day.isoformat()}]",
        f"campaign = [{year}-07-01, {year}-08-19]  "
        + comment(_("the campaign window the day must fall in")),
        f"organiser = {_q(steering_committee(organiser, day))}",
        'opens = "06:00"',
        'closes = "22:00"',
        'outdoor_until = "11:00"  ' + comment(_("outdoor items end before the noon heat")),
        "",
        "[units]",
        comment(
            _("Units from ngayhoi's dated dataset (`ngayhoi units NAME --date DAY` finds them).")
        ),
    ]


def programme_lines(parade: dt.time) -> list[str]:
    """The ``[programme]`` and ``[preparation]`` sections of a plan file, parades at ``parade``.

    >>> import datetime as dt
    >>> programme_lines(dt.time(6, 45))[3]
    'at = "06:45"'
    """
    return [
        "",
        "[programme]",
        comment(
            _("The standard programme (DOMAIN.md §2.2) on every site; the parades start together.")
        ),
        f'at = "{parade.strftime("%H:%M")}"',
        'anchor = "dieu-hanh"',
        "simultaneous = true",
        "",
        "[programme.switch]  " + comment(_("optional items, on or off")),
        "forum = true",
        "performance = true",
        "pledge = true",
        "model_launch = false",
        "discussion = false",
        "folk_games = true",
        "",
        "[programme.minutes]  " + comment(_("change a default length, e.g. bao-cao = 20")),
        "",
        "[preparation]  " + comment(_("the preparation cascade (plan T-30 ... answers T+15)")),
        "organiser = true",
        "",
    ]


def units_plan_text(
    units: Sequence[Unit],
    *,
    day: dt.date,
    name: str | None = None,
    ident: str | None = None,
    parade: dt.time = dt.time(6, 45),
    where: str | None = None,
    organiser: Unit | None = None,
) -> str:
    """A commented plan file holding ``units`` (dataset units valid on ``day``), one site each.

    ``where`` names the area in the file's heading ("Tỉnh Tây Ninh"); ``organiser``
    the district or province holding the day (see :func:`plan_header`).

    >>> import datetime as dt
    >>> from ngayhoi import data
    >>> text = units_plan_text(data.can_duoc_communes(dt.date(2025, 8, 19)),
    ...                        day=dt.date(2025, 8, 19))
    >>> "rach-kien" in text
    True
    """
    lines = plan_header(
        day=day,
        name=name,
        ident=ident,
        heading=comment(
            (_("{count} of {where} on {day}.") if where else _("{count} on {day}.")).format(
                count=count_units((u.kind for u in units), lang=translator.language),
                where=where,
                day=_written(day),
            )
        ),
        organiser=organiser,
    )
    lines += [
        comment(
            _(
                "Hamlets (ấp, khu phố, thôn, bản, tổ dân phố) are in no dataset: add them with\n"
                '[[units.define]] (id, name, official_name, kind = "ấp", parent = the commune id).'
            )
        ),
        "dataset = [",
        *(f"  {_q(u.id)},  # {u.official_name}" for u in units),
        "]",
    ]
    missing = [u for u in units if u.lat is None or u.lon is None]
    for unit in units:
        lines += [
            "",
            "[[sites]]",
            f"id = {_q(unit.id)}",
            f"name = {_q(f'Hội trường UBND {unit.kind.value} {unit.name}')}",
            f"unit = {_q(unit.id)}",
        ]
        if unit.lat is not None and unit.lon is not None:
            lines += [
                f"lat = {unit.lat:.5f}  " + comment(_("the commune's centre: move it to the hall")),
                f"lon = {unit.lon:.5f}",
            ]
    lines += ["", "[travel]"]
    if len(missing) < len(units):
        lines.append(
            f"speed_kmh = {SPEED_KMH}  "
            + comment(_("times between sites with coordinates are derived from them"))
        )
    if missing:
        lines += [
            comment(
                _(
                    "These sites have no coordinates: give each its lat and lon, or the minutes\n"
                    "to and from the sites a delegation drives between (validate names any it "
                    "needs):"
                )
            ),
            *(f"#   {u.id} ({u.official_name})" for u in missing),
            '# minutes = [{from = "a", to = "b", minutes = 20}]',
        ]
    lines += programme_lines(parade)
    return "\n".join(lines)


def pilot_plan_text(
    unit: Unit,
    organiser: Unit,
    *,
    day: dt.date,
    name: str | None = None,
    ident: str | None = None,
    parade: dt.time = dt.time(6, 45),
) -> str:
    """A plan file for a pilot day (ngày hội điểm): ``unit``'s festival, ``organiser`` attending.

    >>> import datetime as dt
    >>> from ngayhoi import data, io
    >>> day = dt.date(2023, 8, 6)
    >>> commune = data.can_duoc_communes(day)[1]
    >>> plan = io.loads(pilot_plan_text(commune, data.unit_on(commune.parent, day), day=day))
    >>> plan.name
    'Ngày hội toàn dân bảo vệ an ninh Tổ quốc điểm cấp huyện năm 2023 tại xã Long Trạch'
    >>> [r.name for r in plan.resources if r.kind.value == "delegation"]
    ['Đoàn công tác Ban Chỉ đạo 138 huyện Cần Đước']
    """
    lines = plan_header(
        day=day,
        name=name or pilot_name(unit, organiser, day),
        ident=ident or f"ngay-hoi-diem-{day.year}",
        organiser=organiser,
        heading=comment(
            _("The pilot day (ngày hội điểm) of {organiser} at {unit} on {day}.").format(
                organiser=organiser.official_name, unit=unit.official_name, day=_written(day)
            )
        ),
    )
    lines += [
        f"dataset = [{_q(organiser.id)}, {_q(unit.id)}]",
        "",
        "[[sites]]",
        f"id = {_q(unit.id)}",
        f"name = {_q(f'Hội trường UBND {unit.kind.value} {unit.name}')}",
        f"unit = {_q(unit.id)}",
        "",
        "[pilot]",
        comment(
            _(
                "The full programme at this commune; the organiser's delegation attends from the\n"
                "introduction of guests to its guidance speech (docs/plan-format.md)."
            )
        ),
        f"unit = {_q(unit.id)}",
        f"organiser = {_q(organiser.id)}",
        f'at = "{parade.strftime("%H:%M")}"  ' + comment(_("the parade")),
        "",
        "[preparation]  " + comment(_("the preparation cascade (plan T-30 ... answers T+15)")),
        "organiser = true",
        "",
    ]
    return "\n".join(lines)
