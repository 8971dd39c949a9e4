"""Bad input, catalogued: one row per mistake a planner can make, on three surfaces.

The Python API (records and the festival), plan files (``ngayhoi.io.loads`` and
``load``) and the command line (the real ``ngayhoi`` in a subprocess). Every row
says which typed error it expects and three fragments of its message: the item
(an id or a key path), the bad value, and what is expected or how to fix it.
Command-line rows also check exit code 2, no traceback, and that the folder the
command ran in is exactly as it was (nothing half-written).
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import attrs
import pendulum
import pytest

import ngayhoi
from ngayhoi import data, io
from ngayhoi.errors import (
    DependencyCycleError,
    NaiveDatetimeError,
    NgayhoiError,
    PlanError,
    UnitNotValidError,
    UnknownReferenceError,
)
from ngayhoi.graph import check_consistency
from ngayhoi.io import PlanFileError
from ngayhoi.model import (
    Activity,
    Award,
    Dependency,
    Festival,
    Issuer,
    Requirement,
    Resource,
    Site,
    SyncGroup,
    TravelTimes,
    Unit,
)

from conftest import DAY, TZ


def nfd(text: str) -> str:
    """``text`` decomposed: base letters followed by combining accents."""
    return unicodedata.normalize("NFD", text)


def at(hour: int, minute: int = 0, day: int = 6) -> pendulum.DateTime:
    return pendulum.datetime(2023, 8, day, hour, minute, tz=TZ)


@attrs.frozen
class Expect:
    """What a bad input must raise, and three fragments its message must hold."""

    error: type[NgayhoiError]
    item: str  # the id or the key path of the item at fault
    value: str  # the bad value, as the message quotes it
    fix: str  # what was expected, or how to fix it


def check(err: BaseException, expect: Expect) -> None:
    assert type(err) is expect.error, f"{type(err).__name__}: {err}"
    assert isinstance(err, NgayhoiError)
    message = str(err)
    for part in (expect.item, expect.value, expect.fix):
        assert part in message, f"{part!r} not in {message!r}"


# -- the Python API -------------------------------------------------------------------

LONG_HOA = Unit(id="long-hoa", name="Long Hòa", official_name="Xã Long Hòa", kind="xã")
LONG_KHE = Unit(id="long-khe", name="Long Khê", official_name="Xã Long Khê", kind="xã")
SITES = (
    Site(id="long-hoa", name="Hội trường UBND xã Long Hòa", unit="long-hoa"),
    Site(id="long-khe", name="Hội trường UBND xã Long Khê", unit="long-khe"),
)
DOAN = Resource(id="doan-1", name="Đoàn 1", kind="delegation", group="doan")
LOA = Resource(id="loa", name="Bộ loa", kind="pool", capacity=2)
ISSUER = Issuer(id="ct-ubnd-xa", title="Chủ tịch UBND xã")


def activity(ident: str = "long-hoa.chao-co", **changes: object) -> Activity:
    """An activity at Long Hòa; ``changes`` replace its fields."""
    fields: dict[str, object] = {
        "id": ident,
        "kind": "flag-salute",
        "title": "Chào cờ",
        "site": "long-hoa",
        "duration": 5,
    }
    fields.update(changes)
    return Activity(**fields)  # type: ignore[arg-type]


def festival(**changes: object) -> Festival:
    """Two communes, one activity each; ``changes`` replace the festival's fields."""
    fields: dict[str, object] = {
        "id": "thu",
        "name": "Ngày hội thử",
        "days": [DAY],
        "units": [LONG_HOA, LONG_KHE],
        "sites": SITES,
        "activities": [activity(), activity("long-khe.chao-co", site="long-khe")],
        "resources": [LOA],
    }
    fields.update(changes)
    return Festival(**fields)  # type: ignore[arg-type]


def _cycle() -> None:
    check_consistency(
        festival(
            activities=[activity("long-hoa.a"), activity("long-hoa.b", title="Báo cáo")],
            dependencies=[
                Dependency("long-hoa.a", "long-hoa.b"),
                Dependency("long-hoa.b", "long-hoa.a"),
            ],
        )
    )


def _travel_gap() -> None:
    needing = [
        activity("long-hoa.trao-thuong", site="long-hoa", needs=["doan"]),
        activity("long-khe.trao-thuong", site="long-khe", needs=["doan"]),
    ]
    festival(activities=needing, resources=[DOAN])


def _empty_schedule() -> None:
    ngayhoi.schedule(festival(activities=[]))


API = [
    pytest.param(
        lambda: festival(activities=[activity(), activity()]),
        Expect(PlanError, "festival 'thu'", "duplicate activity id 'long-hoa.chao-co'", "own id"),
        id="api-duplicate-activity-id",
    ),
    pytest.param(
        lambda: festival(activities=[activity(site="long-hooa")]),
        Expect(
            UnknownReferenceError,
            "activity 'long-hoa.chao-co'",
            "unknown site 'long-hooa'",
            "did you mean 'long-hoa'?",
        ),
        id="api-unknown-site",
    ),
    pytest.param(
        lambda: festival(dependencies=[Dependency("long-hoa.chao-co", "long-hoa.bao-cao")]),
        Expect(
            UnknownReferenceError,
            "dependency 'long-hoa.chao-co->long-hoa.bao-cao'",
            "unknown activity 'long-hoa.bao-cao'",
            "valid: long-hoa.chao-co, long-khe.chao-co",
        ),
        id="api-unknown-dependency-end",
    ),
    pytest.param(
        lambda: festival(units=[LONG_HOA, LONG_KHE, LONG_HOA]),
        Expect(PlanError, "festival 'thu'", "duplicate unit id 'long-hoa'", "own id"),
        id="api-duplicate-unit-id",
    ),
    pytest.param(
        _cycle,
        Expect(
            DependencyCycleError,
            "Chào cờ at Long Hòa [long-hoa.a] → Báo cáo at Long Hòa [long-hoa.b]",
            "the lags add up to 10 min",
            "remove one of these dependencies or lower its lag",
        ),
        id="api-dependency-cycle",
    ),
    pytest.param(
        lambda: Dependency("a", "b", min_lag=10, max_lag=5),
        Expect(
            PlanError, "dependency a -FS-> b", "max_lag 5 min", "raise max_lag or lower min_lag"
        ),
        id="api-min-lag-above-max-lag",
    ),
    pytest.param(
        lambda: Dependency("a", "a"),
        Expect(PlanError, "dependency a -> a", "cannot depend on itself", "remove the dependency"),
        id="api-self-dependency",
    ),
    pytest.param(
        lambda: activity(earliest_start=at(9), latest_end=at(8)),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co'",
            "window 2023-08-06T09:00:00+07:00 to 2023-08-06T08:00:00+07:00",
            "widen the window",
        ),
        id="api-window-ends-before-it-starts",
    ),
    pytest.param(
        lambda: activity(fixed_start=pendulum.naive(2023, 8, 6, 7)),
        Expect(
            NaiveDatetimeError,
            "activity 'long-hoa.chao-co': fixed_start",
            "2023-08-06T07:00:00 has no time zone",
            "tz='Asia/Ho_Chi_Minh'",
        ),
        id="api-naive-datetime",
    ),
    pytest.param(
        lambda: festival(campaign=("2023-07-01", "2023-07-31")),
        Expect(
            PlanError,
            "festival 'thu'",
            "day 2023-08-06 is outside the campaign window 2023-07-01 to 2023-07-31",
            "move the day or widen the campaign",
        ),
        id="api-day-outside-the-campaign",
    ),
    pytest.param(
        lambda: festival(activities=[activity(fixed_start=at(7, day=8))]),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co'",
            "fixed_start 2023-08-08T07:00:00+07:00 is outside the festival's days",
            "move it onto a festival day or add that day",
        ),
        id="api-time-outside-the-festival-days",
    ),
    pytest.param(
        lambda: festival(
            days=[pendulum.date(2025, 8, 10)],
            units=[data.unit_on("long-khe", DAY)],
            sites=[SITES[1]],
            activities=[activity(site="long-khe")],
        ),
        Expect(
            UnitNotValidError,
            "unit 'long-khe' (Xã Long Khê)",
            "valid until 2025-06-30, but festival 'thu' is on 2025-08-10",
            "it became part of 'rach-kien'; use the units valid on that date",
        ),
        id="api-unit-not-valid-on-the-date",
    ),
    pytest.param(
        lambda: activity(duration=0),
        Expect(PlanError, "activity 'long-hoa.chao-co'", "duration is 0 min", "at least 1 minute"),
        id="api-zero-duration",
    ),
    pytest.param(
        lambda: activity(duration=-15),
        Expect(
            PlanError, "activity 'long-hoa.chao-co'", "duration is -15 min", "at least 1 minute"
        ),
        id="api-negative-duration",
    ),
    pytest.param(
        lambda: activity(duration=10**9),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co'",
            "duration 1000000000 min is out of range",
            "at most 144000 minutes",
        ),
        id="api-duration-out-of-range",
    ),
    pytest.param(
        lambda: Resource(id="loa", name="Bộ loa", kind="pool", capacity=0),
        Expect(PlanError, "resource 'loa'", "capacity 0", "whole number >= 1"),
        id="api-pool-capacity-zero",
    ),
    pytest.param(
        lambda: festival(activities=[activity(needs=[Requirement("loa", 3)])]),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co'",
            "needs 3 of 'loa' which has capacity 2",
            "lower the quantity or raise the capacity",
        ),
        id="api-need-above-capacity",
    ),
    pytest.param(
        lambda: TravelTimes(minutes={("long-hoa", "long-khe"): -3}),
        Expect(
            PlanError,
            "travel time from 'long-hoa' to 'long-khe'",
            "-3 is not a whole number of minutes",
            "from 0 to 1440",
        ),
        id="api-negative-travel-time",
    ),
    pytest.param(
        lambda: TravelTimes(minutes=[("long-hoa", "long-khe")]),  # type: ignore[list-item]
        Expect(
            PlanError,
            "travel times: minutes",
            "[('long-hoa', 'long-khe')]",
            "a list of (from_site, to_site, minutes)",
        ),
        id="api-travel-row-without-minutes",
    ),
    pytest.param(
        _travel_gap,
        Expect(
            PlanError,
            "resource 'doan-1' (a delegation)",
            "from site 'long-hoa' to 'long-khe' but the plan gives no travel time",
            "add it to the travel matrix",
        ),
        id="api-travel-matrix-gap-for-a-delegation",
    ),
    pytest.param(
        lambda: activity(nfd("long-hòa.chao-co")),
        Expect(PlanError, "activity id", repr(nfd("long-hòa.chao-co")), "(try 'long-hoa-chao-co')"),
        id="api-nfd-id",
    ),
    pytest.param(
        lambda: activity("hòa." + nfd("hòa")),
        Expect(PlanError, "activity id", repr("hòa." + nfd("hòa")), "lowercase ASCII letters"),
        id="api-mixed-normalisation-id",
    ),
    pytest.param(
        lambda: activity(site=nfd("long-hòa")),
        Expect(
            PlanError, "activity 'long-hoa.chao-co': site", repr(nfd("long-hòa")), "try 'long-hoa'"
        ),
        id="api-nfd-site-reference",
    ),
    pytest.param(
        lambda: festival(
            units=[
                LONG_HOA,
                Unit(id="long-hoa-2", name="Long Hòa", official_name=nfd("Xã Long Hòa"), kind="xã"),
            ],
            sites=SITES[:1],
            activities=[activity()],
        ),
        Expect(
            PlanError,
            "unit 'long-hoa-2' has the same official name as unit 'long-hoa'",
            "'Xã Long Hòa'",
            "give each its own official name",
        ),
        id="api-unit-names-differ-only-by-normalisation",
    ),
    pytest.param(
        _empty_schedule,
        Expect(PlanError, "festival 'thu'", "has no activities", "stamp_programme"),
        id="api-empty-festival-cannot-be-scheduled",
    ),
    pytest.param(
        lambda: Resource(id="doan-1", name="Đoàn 1", kind="delegation", members=["Ông A", 3]),  # type: ignore[list-item]
        Expect(PlanError, "resource 'doan-1': members[1]", "3 is not text (int)", "in quotes"),
        id="api-member-not-text",
    ),
    pytest.param(
        lambda: Resource(id="doan-1", name="Đoàn 1", kind="delegation", members=["Ông A\x1b"]),
        Expect(
            PlanError,
            "resource 'doan-1': members",
            "control character U+001B",
            "remove it",
        ),
        id="api-member-with-a-control-character",
    ),
    pytest.param(
        lambda: Resource(id="doan-1", name="Đoàn 1", kind="delegation", members="  "),
        Expect(PlanError, "resource 'doan-1': members[0]", "is empty", "remove it"),
        id="api-member-blank",
    ),
    pytest.param(
        lambda: activity(title="Chào\x07cờ"),
        Expect(PlanError, "activity 'long-hoa.chao-co': title", "U+0007", "remove it"),
        id="api-control-character-in-a-title",
    ),
    pytest.param(
        lambda: activity(title="Chào \ud83c cờ"),
        Expect(PlanError, "activity 'long-hoa.chao-co': title", "lone surrogate", "retype it"),
        id="api-lone-surrogate-in-a-title",
    ),
    pytest.param(
        lambda: activity(title="Chào cờ " * 300),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co': title",
            "2399 characters long",
            "keep it under 2000",
        ),
        id="api-overlong-title",
    ),
    pytest.param(
        lambda: activity("long-hoa." + "x" * 120),
        Expect(PlanError, "activity id 'long-hoa.xxx", "(it has 129)", "at most 120 characters"),
        id="api-id-over-the-length-limit",
    ),
    pytest.param(
        lambda: activity(kind="dance"),
        Expect(
            PlanError, "activity 'long-hoa.chao-co': kind", "'dance'", "is not one of 'assembly'"
        ),
        id="api-bad-enum-value",
    ),
    pytest.param(
        lambda: activity(outdoor="yes"),
        Expect(PlanError, "activity 'long-hoa.chao-co': outdoor", "'yes'", "is not True or False"),
        id="api-flag-that-is-not-a-bool",
    ),
    pytest.param(
        lambda: activity(needs=5),
        Expect(PlanError, "activity 'long-hoa.chao-co': needs", "5 is not a list", 'needs=["doan"'),
        id="api-needs-not-a-list",
    ),
    pytest.param(
        lambda: festival(activities=[activity(needs=["loa-lon"])]),
        Expect(
            UnknownReferenceError,
            "activity 'long-hoa.chao-co'",
            "unknown resource or group 'loa-lon'",
            "(valid: loa)",
        ),
        id="api-requirement-naming-an-unknown-resource",
    ),
    pytest.param(
        lambda: festival(
            awards=[
                Award(
                    id="gk-1",
                    recipient="Tổ bảo vệ ANTT ấp 1",
                    collective=True,
                    form="giấy khen",
                    issuer=ISSUER,
                    ceremony="long-hoa.trao-thuong",
                )
            ]
        ),
        Expect(
            UnknownReferenceError,
            "award 'gk-1'",
            "unknown activity 'long-hoa.trao-thuong'",
            "valid: long-hoa.chao-co",
        ),
        id="api-award-naming-an-unknown-ceremony",
    ),
    pytest.param(
        lambda: Award(
            id="gk-1",
            recipient="Tổ 1",
            collective=True,
            form="giấy khen",
            issuer="ct-ubnd-xa",  # type: ignore[arg-type]
            ceremony="long-hoa.chao-co",
        ),
        Expect(PlanError, "award 'gk-1': issuer", "'ct-ubnd-xa' is not an Issuer", "Issuer(id="),
        id="api-award-issuer-that-is-not-an-issuer",
    ),
    pytest.param(
        lambda: SyncGroup(id="dieu-hanh", title="Diễu hành", activities=["long-hoa.dieu-hanh"]),
        Expect(PlanError, "sync group 'dieu-hanh'", "activities has 1", "needs at least two"),
        id="api-sync-group-with-one-member",
    ),
    pytest.param(
        lambda: activity(earliest_start=at(8), fixed_start=at(7, 30)),
        Expect(
            PlanError,
            "activity 'long-hoa.chao-co'",
            "fixed_start 2023-08-06T07:30:00+07:00 is before its earliest_start",
            "drop one of them",
        ),
        id="api-fixed-start-outside-its-window",
    ),
    pytest.param(
        lambda: festival(days=None),
        Expect(PlanError, "festival 'thu'", "days None is not a list of dates", "days=["),
        id="api-days-not-a-list",
    ),
    pytest.param(
        lambda: festival(campaign=("2023-07-01",)),
        Expect(
            PlanError,
            "festival 'thu'",
            "campaign ('2023-07-01',) is not a pair of dates",
            "give the first and last day",
        ),
        id="api-campaign-not-a-pair",
    ),
    pytest.param(
        lambda: festival(timezone="Hanoi"),
        Expect(PlanError, "festival 'thu'", "time zone 'Hanoi'", "use 'Asia/Ho_Chi_Minh'"),
        id="api-unknown-time-zone",
    ),
    pytest.param(
        lambda: festival(domain="ubnd long an/vn"),
        Expect(PlanError, "festival 'thu'", "domain 'ubnd long an/vn'", "lowercase letters"),
        id="api-domain-with-spaces",
    ),
    pytest.param(
        lambda: festival(opens="20:00", closes="08:00"),
        Expect(
            PlanError,
            "festival 'thu'",
            "opens at 20:00 but closes at 08:00",
            "opens must be earlier than closes",
        ),
        id="api-opens-after-it-closes",
    ),
    pytest.param(
        lambda: festival(travel={("long-hoa", "long-khe"): 20}),
        Expect(PlanError, "festival 'thu'", "is not a TravelTimes", "TravelTimes(minutes="),
        id="api-travel-that-is-a-plain-dict",
    ),
    pytest.param(
        lambda: ngayhoi.schedule(festival(), backend="magic"),  # type: ignore[arg-type]
        Expect(PlanError, "backend", "'magic'", "use 'auto', 'temporal', 'heuristic' or 'cpsat'"),
        id="api-unknown-backend",
    ),
    pytest.param(
        lambda: festival().activity("long-hoa.chao-coo"),
        Expect(
            UnknownReferenceError,
            "lookup 'long-hoa.chao-coo'",
            "unknown activity 'long-hoa.chao-coo'",
            "did you mean 'long-hoa.chao-co'",
        ),
        id="api-lookup-of-an-unknown-activity",
    ),
]


@pytest.mark.parametrize(("make", "expect"), API)
def test_bad_python_input_raises_a_typed_error_naming_item_value_and_fix(
    make: Callable[[], object], expect: Expect
) -> None:
    with pytest.raises(NgayhoiError) as info:
        make()
    check(info.value, expect)


# -- plan files -----------------------------------------------------------------------

BASE = """\
format = "ngayhoi-plan"
version = 1

[festival]
id = "thu"
name = "Ngày hội thử"
days = [2023-08-06]

[units]
dataset = ["long-hoa", "long-khe"]

[[sites]]
id = "long-hoa"
name = "Hội trường UBND xã Long Hòa"
unit = "long-hoa"

[[sites]]
id = "long-khe"
name = "Hội trường UBND xã Long Khê"
unit = "long-khe"

[[resources]]
id = "loa"
name = "Bộ loa"
kind = "pool"
capacity = 2

[[activities]]
id = "long-hoa.chao-co"
kind = "flag-salute"
title = "Chào cờ"
site = "long-hoa"
duration = 5

[[activities]]
id = "long-hoa.bao-cao"
kind = "report"
title = "Báo cáo"
site = "long-hoa"
duration = 15

[[dependencies]]
predecessor = "long-hoa.chao-co"
successor = "long-hoa.bao-cao"
"""


def edit(old: str, new: str) -> str:
    """The base plan with its first ``old`` replaced by ``new``."""
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def add(text: str) -> str:
    """The base plan with ``text`` appended."""
    return BASE + "\n" + text


ACTIVITY = 'id = "long-hoa.chao-co"\nkind = "flag-salute"\ntitle = "Chào cờ"\n'
DELEGATION = '[[resources]]\nid = "doan-1"\nname = "Đoàn 1"\nkind = "delegation"\ngroup = "doan"\n'

PLANS = [
    pytest.param(
        edit("[[activities]]\nid", "[[activities]\nid"),
        Expect(PlanFileError, "plan.toml: not valid TOML", "Expected ']]'", "(line 28)"),
        id="toml-malformed",
    ),
    pytest.param(
        "format = 'ngayhoi-plan'\nversion = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n",
        Expect(PlanFileError, "plan.toml", "nested too deeply", "not valid TOML for a plan"),
        id="toml-nested-too-deeply",
    ),
    pytest.param(
        edit("[units]", "[unit]"),
        Expect(
            PlanFileError, "plan.toml: unit:", "unknown section 'unit'", "did you mean 'units'?"
        ),
        id="toml-unknown-section",
    ),
    pytest.param(
        edit('title = "Báo cáo"', 'title = "Báo cáo"\ncolour = "đỏ"'),
        Expect(
            PlanFileError,
            "activities[1].colour",
            "unknown key 'colour'",
            "(known: description, duration",
        ),
        id="toml-unknown-key-in-an-activity",
    ),
    pytest.param(
        edit('id = "long-hoa.bao-cao"', 'id = "long-hoa.chao-co"'),
        Expect(
            PlanFileError,
            "activities[1].id",
            "duplicate activity id 'long-hoa.chao-co'",
            "every activity needs its own id (line 36)",
        ),
        id="toml-duplicate-activity-id",
    ),
    pytest.param(
        edit('site = "long-hoa"\nduration = 15', 'site = "long-hooa"\nduration = 15'),
        Expect(
            PlanFileError,
            "activities[1].site",
            "unknown site 'long-hooa'",
            "did you mean 'long-hoa'?",
        ),
        id="toml-unknown-site",
    ),
    pytest.param(
        edit('successor = "long-hoa.bao-cao"', 'successor = "long-hoa.bao-cao"\nmax_lag = -5'),
        Expect(
            PlanFileError,
            "dependencies[0].max_lag",
            "max_lag -5 min is below min_lag 0 min",
            "raise max_lag or lower min_lag",
        ),
        id="toml-min-lag-above-max-lag",
    ),
    pytest.param(
        edit(
            "duration = 5",
            "duration = 5\nearliest_start = 2023-08-06T09:00:00+07:00\n"
            "latest_end = 2023-08-06T08:00:00+07:00",
        ),
        Expect(
            PlanFileError,
            "activities[0]",
            "window 2023-08-06T09:00:00+07:00 to 2023-08-06T08:00:00+07:00",
            "widen the window or shorten it",
        ),
        id="toml-window-ends-before-it-starts",
    ),
    pytest.param(
        edit("duration = 5", "duration = 5\nfixed_start = 2023-08-06T07:00:00"),
        Expect(
            PlanFileError,
            "activities[0].fixed_start",
            "2023-08-06T07:00:00 has no time zone",
            "write the offset, e.g. 2023-08-06T06:45:00+07:00",
        ),
        id="toml-naive-datetime",
    ),
    pytest.param(
        edit("days = [2023-08-06]", "days = [2023-08-06]\ncampaign = [2023-07-01, 2023-07-31]"),
        Expect(
            PlanFileError,
            "festival.campaign",
            "day 2023-08-06 is outside the campaign window",
            "move the day or widen the campaign",
        ),
        id="toml-day-outside-the-campaign",
    ),
    pytest.param(
        edit("days = [2023-08-06]", "days = [2023-08-06]\ncampaign = [2023-07-01]"),
        Expect(
            PlanFileError, "festival.campaign", "1 dates", "campaign = [2023-07-01, 2023-08-19]"
        ),
        id="toml-campaign-with-one-date",
    ),
    pytest.param(
        edit("days = [2023-08-06]", "days = [2025-08-10]"),
        Expect(
            PlanFileError,
            "units.dataset[0]",
            "unit 'long-hoa' (Xã Long Hòa) is valid until 2025-06-30, not on 2025-08-10",
            "valid on 2025-08-10: tinh-tay-ninh, can-duoc, rach-kien",
        ),
        id="toml-unit-not-valid-on-the-date",
    ),
    pytest.param(
        edit("duration = 15", "duration = -15"),
        Expect(PlanFileError, "activities[1].duration", "duration is -15 min", "at least 1 minute"),
        id="toml-negative-duration",
    ),
    pytest.param(
        edit("duration = 15", "duration = 0"),
        Expect(PlanFileError, "activities[1].duration", "duration is 0 min", "at least 1 minute"),
        id="toml-zero-duration",
    ),
    pytest.param(
        edit("duration = 15", "duration = 9999999999999999999"),
        Expect(
            PlanFileError,
            "activities[1].duration",
            "9999999999999999999 min is out of range",
            "at most 144000 minutes",
        ),
        id="toml-duration-out-of-range",
    ),
    pytest.param(
        edit("capacity = 2", "capacity = 0"),
        Expect(PlanFileError, "resources[0].capacity", "capacity 0", "whole number >= 1"),
        id="toml-capacity-zero",
    ),
    pytest.param(
        edit("capacity = 2", 'capacity = "2"'),
        Expect(
            PlanFileError, "resources[0].capacity", "'2' is not a whole number", "without quotes"
        ),
        id="toml-capacity-in-quotes",
    ),
    pytest.param(
        edit('title = "Báo cáo"', "title = 2023"),
        Expect(PlanFileError, "activities[1].title", "2023 is not text", "write it in quotes"),
        id="toml-title-that-is-a-number",
    ),
    pytest.param(
        edit('title = "Báo cáo"', 'title = "Báo cáo"\noutdoor = "có"'),
        Expect(
            PlanFileError, "activities[1].outdoor", "'có' is not true or false", "without quotes"
        ),
        id="toml-flag-in-quotes",
    ),
    pytest.param(
        edit('title = "Báo cáo"', 'title = "Báo cáo"\nneeds = "loa"'),
        Expect(PlanFileError, "activities[1].needs", "'loa' is not a list", 'e.g. ["a", "b"]'),
        id="toml-needs-that-is-not-a-list",
    ),
    pytest.param(
        edit('title = "Báo cáo"', 'title = "Báo cáo"\nneeds = [{resource = "loa", quantity = 0}]'),
        Expect(
            PlanFileError,
            "activities[1].needs: entry 0",
            "requirement of 'loa': quantity 0",
            "whole number >= 1",
        ),
        id="toml-need-of-zero-units",
    ),
    pytest.param(
        edit('title = "Báo cáo"', 'title = "Báo cáo"\nneeds = ["loa-lon"]'),
        Expect(
            PlanFileError,
            "activities[1].needs",
            "unknown resource or group 'loa-lon'",
            "(valid: loa)",
        ),
        id="toml-requirement-naming-an-unknown-resource",
    ),
    pytest.param(
        add('[travel]\nminutes = [{from = "long-hoa", to = "long-khe", minutes = -10}]\n'),
        Expect(
            PlanFileError,
            "travel.minutes[0]",
            "-10 is not a whole number of minutes",
            "from 0 to 1440",
        ),
        id="toml-negative-travel-time",
    ),
    pytest.param(
        add('[travel]\nminutes = [{from = "long-hoa", to = "long-kha", minutes = 10}]\n'),
        Expect(
            PlanFileError,
            "travel.minutes[0].to",
            "unknown site 'long-kha'",
            "did you mean 'long-khe'",
        ),
        id="toml-travel-time-to-an-unknown-site",
    ),
    pytest.param(
        add(
            DELEGATION
            + '\n[[activities]]\nid = "long-khe.trao-thuong"\nkind = "award-ceremony"\n'
            + 'title = "Trao thưởng"\nsite = "long-khe"\nduration = 15\nneeds = ["doan"]\n'
            + '\n[[needs]]\nactivity = "long-hoa.bao-cao"\nresources = ["doan"]\n'
            + '\n[travel]\nminutes = [{from = "long-hoa", to = "long-hoa", minutes = 0}]\n'
        ),
        Expect(
            PlanFileError,
            "travel: resource 'doan-1' (a delegation)",
            "from site 'long-hoa' to 'long-khe' but the plan gives no travel time",
            '{from = "long-hoa", to = "long-khe", minutes = 20} under [travel]',
        ),
        id="toml-travel-matrix-gap-for-a-delegation",
    ),
    pytest.param(
        edit('id = "long-hoa.bao-cao"', f'id = "{nfd("long-hòa.bao-cao")}"'),
        Expect(
            PlanFileError,
            "activities[1].id",
            repr(nfd("long-hòa.bao-cao")),
            "(try 'long-hoa-bao-cao')",
        ),
        id="toml-nfd-id",
    ),
    pytest.param(
        edit('site = "long-hoa"\nduration = 15', f'site = "{nfd("long-hòa")}"\nduration = 15'),
        Expect(PlanFileError, "activities[1].site", repr(nfd("long-hòa")), "(try 'long-hoa')"),
        id="toml-nfd-site-reference",
    ),
    pytest.param(
        edit(
            'dataset = ["long-hoa", "long-khe"]',
            '[[units.define]]\nid = "hoa-an"\nname = "Hòa An"\nofficial_name = "Xã Hòa An"\n'
            'kind = "xã"\n\n[[units.define]]\nid = "hoa-an-2"\nname = "Hòa An"\n'
            f'official_name = "{nfd("Xã Hòa An")}"\nkind = "xã"\n',
        )
        .replace('unit = "long-hoa"', 'unit = "hoa-an"')
        .replace('unit = "long-khe"', 'unit = "hoa-an-2"'),
        Expect(
            PlanFileError,
            "units.define[1]",
            "unit 'hoa-an-2' has the same official name as unit 'hoa-an': 'Xã Hòa An'",
            "give each its own official name",
        ),
        id="toml-unit-names-differ-only-by-normalisation",
    ),
    pytest.param(
        BASE.split("[[activities]]", maxsplit=1)[0],
        Expect(PlanFileError, "plan.toml", "festival 'thu' has no activities", "[programme]"),
        id="toml-empty-festival",
    ),
    pytest.param(
        edit('kind = "report"', 'kind = "bao-cao"'),
        Expect(PlanFileError, "activities[1].kind", "'bao-cao' is not one of", "'report'"),
        id="toml-bad-enum-value",
    ),
    pytest.param(
        edit("days = [2023-08-06]", 'days = [2023-08-06]\nopens = "6 giờ"'),
        Expect(PlanFileError, "festival.opens", "'6 giờ' is not a time of day", '"HH:MM"'),
        id="toml-bad-time-string",
    ),
    pytest.param(
        edit("days = [2023-08-06]", "days = [2023-08-06]\ntimezone = 7"),
        Expect(
            PlanFileError,
            "festival.timezone",
            "7 is not an IANA time zone name",
            'timezone = "Asia/Ho_Chi_Minh"',
        ),
        id="toml-time-zone-that-is-a-number",
    ),
    pytest.param(
        edit("version = 1", "version = true"),
        Expect(PlanFileError, "version", "version True is not supported", "reads version 1"),
        id="toml-version-that-is-a-boolean",
    ),
    pytest.param(
        add(
            '[[awards]]\nid = "gk-1"\nrecipient = "Tổ 1"\ncollective = true\n'
            'form = "giấy khen"\nceremony = "long-hoa.trao-thuong"\n'
            'issuer = {id = "ct-ubnd-xa", title = "Chủ tịch UBND xã"}\n'
        ),
        Expect(
            PlanFileError,
            "awards[0].ceremony",
            "unknown activity 'long-hoa.trao-thuong'",
            "valid: long-hoa.bao-cao, long-hoa.chao-co",
        ),
        id="toml-award-naming-an-unknown-ceremony",
    ),
    pytest.param(
        add(
            '[[awards]]\nid = "gk-1"\nrecipient = "Tổ 1"\ncollective = true\n'
            'form = "giấy khen"\nceremony = "long-hoa.bao-cao"\nissuer = "ct-ubnd-xa"\n'
        ),
        Expect(PlanFileError, "awards[0].issuer", "'ct-ubnd-xa' is not a table", "issuer = {id ="),
        id="toml-issuer-that-is-not-a-table",
    ),
    pytest.param(
        add(
            '[[sync_groups]]\nid = "dong-loat"\ntitle = "Đồng loạt"\n'
            'activities = ["long-hoa.chao-co"]\n'
        ),
        Expect(
            PlanFileError,
            "sync_groups[0].activities",
            "sync group 'dong-loat': activities has 1",
            "add the activities that start with it, or remove the group",
        ),
        id="toml-sync-group-with-one-member",
    ),
    pytest.param(
        edit(
            "duration = 5",
            "duration = 5\nlatest_end = 2023-08-06T08:00:00+07:00\n"
            "fixed_start = 2023-08-06T07:58:00+07:00",
        ),
        Expect(
            PlanFileError,
            "activities[0].fixed_start",
            "fixed_start 2023-08-06T07:58:00+07:00 ends after its latest_end",
            "drop one of them",
        ),
        id="toml-fixed-start-outside-its-window",
    ),
    pytest.param(
        edit('title = "Chào cờ"', 'title = "Chào\\u0007cờ"'),
        Expect(PlanFileError, "activities[0].title", "control character U+0007", "remove it"),
        id="toml-control-character-in-a-title",
    ),
    pytest.param(
        edit('title = "Chào cờ"', f'title = "{"Chào cờ " * 300}"'),
        Expect(PlanFileError, "activities[0].title", "2399 characters long", "keep it under 2000"),
        id="toml-overlong-title",
    ),
    pytest.param(
        edit('id = "thu"', f'id = "{"thu-" * 40}"'),
        Expect(PlanFileError, "festival.id", "(it has 160)", "at most 120 characters"),
        id="toml-id-over-the-length-limit",
    ),
    pytest.param(
        edit('id = "loa"', 'id = "@sink"'),
        Expect(PlanFileError, "resources[0].id", "resource id '@sink'", "(try 'sink')"),
        id="toml-reserved-node-name-as-an-id",
    ),
    pytest.param(
        add("[programme]\nminutes = 20\n"),
        Expect(
            PlanFileError,
            "programme.minutes",
            "20 is not a table",
            "a [programme.minutes] section",
        ),
        id="toml-programme-minutes-not-a-table",
    ),
    pytest.param(
        add('[preparation]\ncommunes = ["long-hoa", "long-kh"]\n'),
        Expect(
            PlanFileError,
            "preparation.communes[1]",
            "unknown commune-level unit 'long-kh'",
            "did you mean 'long-khe'",
        ),
        id="toml-preparation-for-an-unknown-commune",
    ),
    pytest.param(
        edit('dataset = ["long-hoa", "long-khe"]', 'dataset = ["long-hoa", "long-kha"]'),
        Expect(
            PlanFileError,
            "units.dataset[1]",
            "unknown unit 'long-kha' in ngayhoi's dataset",
            "did you mean 'long-khe'?",
        ),
        id="toml-dataset-unit-unknown",
    ),
]


@pytest.mark.parametrize(("text", "expect"), PLANS)
def test_a_bad_plan_file_raises_a_typed_error_naming_key_value_and_fix(
    text: str, expect: Expect
) -> None:
    with pytest.raises(NgayhoiError) as info:
        io.loads(text, source="plan.toml")
    check(info.value, expect)


#: Rows whose one edit makes two mistakes, both reported.
TWO_MISTAKES = {
    # The second activity takes the first one's id: the dependency on it now names nothing.
    edit('id = "long-hoa.bao-cao"', 'id = "long-hoa.chao-co"'),
    # Neither commune of the base plan exists on 2025-08-10.
    edit("days = [2023-08-06]", "days = [2025-08-10]"),
    # The activity's id is refused, and the dependency names the id it had.
    edit('id = "long-hoa.bao-cao"', f'id = "{nfd("long-hòa.bao-cao")}"'),
    # The unit is refused, and the site of the unit it replaced names nothing now.
    edit('dataset = ["long-hoa", "long-khe"]', 'dataset = ["long-hoa", "long-kha"]'),
}


@pytest.mark.parametrize(("text", "expect"), PLANS)
def test_a_plan_file_with_one_mistake_reports_exactly_one_error_placed_by_its_fields(
    text: str, expect: Expect
) -> None:
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    if text not in TWO_MISTAKES:
        assert len(info.value.errors) == 1, [str(e) for e in info.value.errors]
    err = info.value.errors[0]
    if err.inner is not None:
        # The model's error says where it is (kind, id, field): no message is parsed for it.
        assert err.inner.kind is not None, str(err.inner)
        assert err.path, str(err)
    assert expect.item in str(err)


def _latin1(folder: Path, name: str = "plan.toml") -> Path:
    path = folder / name
    path.write_bytes(BASE.replace("Ngày hội thử", "Ng\xe0y h\xf4i").encode("latin-1", "replace"))
    return path


def _ten_megabytes(folder: Path, name: str = "plan.toml") -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8") as file:
        file.write(BASE)
        file.truncate(10 * 1024 * 1024)  # sparse: ten megabytes on paper
    return path


def _folder(folder: Path) -> Path:
    path = folder / "plan.toml"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "plan.toml"
    os.mkfifo(path)  # reading it would block until a writer comes: it must not be read
    return path


FILES = [
    pytest.param(
        _ten_megabytes,
        Expect(PlanFileError, "plan.toml", "10485760 bytes is too big", "at most 5 MB"),
        id="file-of-ten-megabytes",
    ),
    pytest.param(
        _latin1,
        Expect(PlanFileError, "plan.toml", "not UTF-8 text (byte", "save the file as UTF-8"),
        id="file-not-utf8",
    ),
    pytest.param(
        _folder,
        Expect(PlanFileError, "plan.toml", "is not a plan file (a folder", "path of a .toml file"),
        id="file-that-is-a-folder",
    ),
    pytest.param(
        lambda folder: folder / "missing.toml",
        Expect(
            PlanFileError,
            "missing.toml",
            "No such file or directory",
            "check the path",
        ),
        id="file-missing",
    ),
    pytest.param(
        _fifo,
        Expect(PlanFileError, "plan.toml", "is not a plan file", "path of a .toml file"),
        id="file-that-is-a-named-pipe",
        marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here"),
    ),
]


def test_ten_megabytes_of_plan_text_are_refused_before_parsing() -> None:
    text = BASE + "# " + "x" * (10 * 1024 * 1024) + "\n"
    with pytest.raises(PlanFileError) as info:
        io.loads(text, source="plan.toml")
    check(info.value, Expect(PlanFileError, "plan.toml", "bytes is too big", "at most 5 MB"))


@pytest.mark.parametrize(("make", "expect"), FILES)
def test_a_bad_plan_path_raises_a_typed_error_naming_file_value_and_fix(
    make: Callable[[Path], Path], expect: Expect, tmp_path: Path
) -> None:
    path = make(tmp_path)
    with pytest.raises(NgayhoiError) as info:
        io.load(path)
    check(info.value, expect)


# -- the command line -----------------------------------------------------------------

CYCLE = add('[[dependencies]]\npredecessor = "long-hoa.bao-cao"\nsuccessor = "long-hoa.chao-co"\n')
WITH_DELEGATION = add(
    DELEGATION + '\n[[needs]]\nactivity = "long-hoa.bao-cao"\nresources = ["doan"]\n'
)
TRAVEL_GAP = add(
    DELEGATION
    + '\n[[activities]]\nid = "long-khe.trao-thuong"\nkind = "award-ceremony"\n'
    + 'title = "Trao thưởng"\nsite = "long-khe"\nduration = 15\nneeds = ["doan"]\n'
    + '\n[[needs]]\nactivity = "long-hoa.bao-cao"\nresources = ["doan"]\n'
)


def _workspace(folder: Path) -> None:
    """The files the command-line rows refer to."""
    (folder / "plan.toml").write_text(BASE, encoding="utf-8")
    (folder / "cycle.toml").write_text(CYCLE, encoding="utf-8")
    (folder / "gap.toml").write_text(TRAVEL_GAP, encoding="utf-8")
    (folder / "delegation.toml").write_text(WITH_DELEGATION, encoding="utf-8")
    (folder / "broken.toml").write_text(BASE.replace("[[sites]]", "[[sites]", 1), encoding="utf-8")
    (folder / "empty.toml").write_text(
        BASE.split("[[activities]]", maxsplit=1)[0], encoding="utf-8"
    )
    (folder / "bad-unit.toml").write_text(
        BASE.replace('unit = "long-khe"', 'unit = "long-kha"'), encoding="utf-8"
    )
    _latin1(folder, "latin.toml")
    _ten_megabytes(folder, "big.toml")
    (folder / "lich").write_text("a file where a folder should be\n", encoding="utf-8")
    (folder / "chart.png").mkdir()
    (folder / "sheets").mkdir()


def _snapshot(folder: Path) -> dict[str, tuple[bool, int, int]]:
    return {
        str(p.relative_to(folder)): (p.is_dir(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


CLI = [
    pytest.param(
        ["validate", "missing.toml"],
        ("missing.toml", "cannot read it: No such file or directory", "check the path"),
        id="cli-missing-plan-file",
    ),
    pytest.param(
        ["validate", "sheets"],
        ("sheets", "is not a plan file (a folder", "path of a .toml file"),
        id="cli-plan-that-is-a-folder",
    ),
    pytest.param(
        ["validate", "big.toml"],
        ("big.toml", "10485760 bytes is too big", "at most 5 MB"),
        id="cli-plan-of-ten-megabytes",
    ),
    pytest.param(
        ["validate", "latin.toml"],
        ("latin.toml", "not UTF-8 text", "save the file as UTF-8"),
        id="cli-plan-not-utf8",
    ),
    pytest.param(
        ["validate", "broken.toml"],
        ("broken.toml", "not valid TOML: Expected ']]'", "(line 12)"),
        id="cli-malformed-toml",
    ),
    pytest.param(
        ["validate", "empty.toml"],
        ("empty.toml", "festival 'thu' has no activities", "add [[activities]] tables"),
        id="cli-empty-festival",
    ),
    pytest.param(
        ["validate", "cycle.toml"],
        (
            "Chào cờ at Long Hòa [long-hoa.chao-co] → Báo cáo at Long Hòa [long-hoa.bao-cao]",
            "dependency cycle",
            "remove one of these dependencies",
        ),
        id="cli-dependency-cycle",
    ),
    pytest.param(
        ["schedule", "cycle.toml"],
        ("ngayhoi schedule: dependency cycle", "[long-hoa.chao-co]", "remove one of these"),
        id="cli-dependency-cycle-schedule",
    ),
    pytest.param(
        ["export", "cycle.toml", "--out", "lich-moi"],
        ("ngayhoi export: dependency cycle", "[long-hoa.chao-co]", "remove one of these"),
        id="cli-dependency-cycle-export",
    ),
    pytest.param(
        ["schedule", "delegation.toml", "--backend", "temporal"],
        ("backend 'temporal' ignores resource capacities", "'doan'", "use backend 'heuristic'"),
        id="cli-temporal-backend-with-delegations",
    ),
    pytest.param(
        ["validate", "gap.toml"],
        (
            "gap.toml: resources[1]: resource 'doan-1'",
            "from site 'long-hoa' to 'long-khe'",
            "add it to the travel matrix",
        ),
        id="cli-travel-matrix-gap",
    ),
    pytest.param(
        ["export", "bad-unit.toml", "--out", "out"],
        ("sites[1].unit", "unknown unit 'long-kha'", "did you mean 'long-khe'"),
        id="cli-export-of-a-bad-plan-writes-nothing",
    ),
    pytest.param(
        ["export", "plan.toml", "--out", "lich"],
        ("--out lich", "is a file, not a folder", "give a folder"),
        id="cli-export-folder-that-is-a-file",
    ),
    pytest.param(
        ["runsheet", "plan.toml", "--out", "lich"],
        ("--out lich", "is a file, not a folder", "give a folder"),
        id="cli-runsheet-folder-that-is-a-file",
    ),
    pytest.param(
        ["runsheet", "plan.toml", "--out", "sheets", "--format", "rtf"],
        ("--format", "'rtf'", "use a comma list of md, html, pdf, docx"),
        id="cli-runsheet-unknown-format",
    ),
    pytest.param(
        ["gantt", "plan.toml", "--out", "chart.png"],
        ("--out chart.png", "is a folder", "give the path of a file in it"),
        id="cli-gantt-file-that-is-a-folder",
    ),
    pytest.param(
        ["init", "--date", "2023-08-06", "--out", "sheets", "--force"],
        ("--out sheets", "is a folder", "give the path of a file in it"),
        id="cli-init-file-that-is-a-folder",
    ),
    pytest.param(
        ["init", "--date", "2023-08-06", "--communes", "100000", "--out", "new.toml"],
        ("--communes", "100000", "give a number from 1 to 11000"),
        id="cli-init-too-many-communes",
    ),
    pytest.param(
        ["init", "--date", "2023-08-06", "--id", "Ngày hội 2023", "--out", "new.toml"],
        ("--id", "'Ngày hội 2023'", "(try 'ngay-hoi-2023')"),
        id="cli-init-id-that-is-not-a-slug",
    ),
    pytest.param(
        ["init", "--date", "2023-08-06", "--name", "Ngày hội\x1b[31m", "--out", "new.toml"],
        ("--name", "control character U+001B", "on one line"),
        id="cli-init-name-with-a-control-character",
    ),
    pytest.param(
        ["init", "--date", "06/08/2023", "--out", "new.toml"],
        ("--date", "'06/08/2023' is not a date", "write YYYY-MM-DD"),
        id="cli-init-date-in-the-wrong-format",
    ),
    pytest.param(
        ["schedule", "plan.toml", "--time-limit", "nan"],
        ("--time-limit", "nan", "zero or more seconds, a finite number"),
        id="cli-time-limit-not-a-number",
    ),
    pytest.param(
        ["schedule", "plan.toml", "--time-limit", "-1"],
        ("--time-limit", "-1.0", "zero or more seconds"),
        id="cli-negative-time-limit",
    ),
    pytest.param(
        ["schedule", "plan.toml", "--time-limit", "hai"],
        ("argument --time-limit", "'hai'", "invalid float value"),
        id="cli-time-limit-that-is-a-word",
    ),
    pytest.param(
        ["schedule", "plan.toml", "--backend", "magic"],
        ("argument --backend", "'magic'", "choose from 'auto', 'temporal', 'heuristic', 'cpsat'"),
        id="cli-unknown-backend",
    ),
    pytest.param(
        ["lich-trinh", "plan.toml"],
        ("argument COMMAND", "invalid choice: 'lich-trinh'", "choose from 'init', 'validate'"),
        id="cli-unknown-command",
    ),
    pytest.param(
        ["units", "long hoa", "--date", "2023-02-30"],
        ("--date", "'2023-02-30' is not a date", "write YYYY-MM-DD"),
        id="cli-units-impossible-date",
    ),
]


@pytest.mark.parametrize(("args", "fragments"), CLI)
def test_bad_command_line_input_exits_2_with_a_message_and_writes_nothing(
    args: list[str], fragments: tuple[str, str, str], tmp_path: Path
) -> None:
    _workspace(tmp_path)
    before = _snapshot(tmp_path)
    done = subprocess.run(  # noqa: S603 - the command line as a user runs it
        [sys.executable, "-m", "ngayhoi", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    for part in fragments:
        assert part in done.stderr, f"{part!r} not in {done.stderr!r}"
    assert _snapshot(tmp_path) == before


# -- the table itself, and what good input it must not refuse --------------------------


def test_the_table_holds_at_least_45_distinct_cases() -> None:
    ids = [str(p.id) for p in [*API, *PLANS, *FILES, *CLI]]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 45
    assert {i.split("-")[0] for i in ids} == {"api", "toml", "file", "cli"}


def test_the_base_plan_of_the_table_is_valid() -> None:
    plan = io.loads(BASE, source="plan.toml")
    check_consistency(plan)
    assert len(plan.activities) == 2
    check_consistency(festival())


def test_nfd_titles_and_names_are_accepted_and_stored_in_nfc() -> None:
    act = activity(title=nfd("Chào cờ"), lead=nfd("Công an xã"), description=nfd("Lễ chào cờ"))
    assert (act.title, act.lead, act.description) == ("Chào cờ", "Công an xã", "Lễ chào cờ")
    doan = Resource(
        id="doan-1", name=nfd("Đoàn 1"), kind="delegation", members=[nfd(" Ông Hòa "), "Bà Hoà"]
    )
    assert doan.name == "Đoàn 1"
    assert doan.members == ("Ông Hòa", "Bà Hoà")
    fest = festival(name=nfd("Ngày hội toàn dân bảo vệ an ninh Tổ quốc"))
    assert fest.name == "Ngày hội toàn dân bảo vệ an ninh Tổ quốc"


def test_a_plan_file_with_nfd_titles_loads_them_in_nfc() -> None:
    text = BASE.replace('title = "Báo cáo"', f'title = "{nfd("Báo cáo kết quả")}"').replace(
        'name = "Bộ loa"', f'name = "{nfd("Bộ loa")}"\nmembers = ["{nfd("Ông Hòa")}"]'
    )
    plan = io.loads(text)
    assert plan.activity("long-hoa.bao-cao").title == "Báo cáo kết quả"
    assert plan.resource("loa").name == "Bộ loa"
    assert plan.resource("loa").members == ("Ông Hòa",)
    assert all(unicodedata.is_normalized("NFC", line) for line in io.dumps(plan).splitlines())


def test_a_plan_file_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "notepad.toml"
    path.write_bytes(BASE.encode("utf-8-sig"))
    assert io.load(path).id == "thu"


def test_init_with_an_nfd_name_writes_the_name_in_nfc(tmp_path: Path) -> None:
    out = tmp_path / "plan.toml"
    done = subprocess.run(  # noqa: S603 - the command line as a user runs it
        [
            sys.executable,
            "-m",
            "ngayhoi",
            "init",
            "--communes",
            "1",
            "--date",
            "2023-08-06",
            "--name",
            nfd("Ngày hội xã Long Hòa"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert 'name = "Ngày hội xã Long Hòa"' in out.read_text(encoding="utf-8")
    assert io.load(out).name == "Ngày hội xã Long Hòa"
