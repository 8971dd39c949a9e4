"""Preparation deadlines fall on working days: off weekends, public holidays, local days off."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import attrs
import pendulum
import pytest

from ngayhoi import data, io, templates
from ngayhoi.io import PlanFileError
from ngayhoi.model import Festival, PrepTask, due_date, due_note
from ngayhoi.model.workdays import day_off, working_day_before

from conftest import ROOT

#: Friday 12/9/2025 is the festival day of these tests; Quốc khánh is 1-2/9/2025.
FEST = Festival(id="f", name="F", days=["2025-09-12"])


def _task(offset: int) -> PrepTask:
    return PrepTask(id=f"t{offset + 100}", title="Việc", offset_days=offset, owner="ubnd-xa")


def test_a_deadline_on_a_saturday_moves_to_the_friday_before_and_says_why() -> None:
    task = _task(-13)  # Saturday 30/8/2025
    assert due_date(FEST, task) == pendulum.date(2025, 8, 29)
    assert due_note(FEST, task) == "dời về thứ Sáu 29/08/2025 vì 30/08/2025 là thứ Bảy"


def test_a_deadline_on_a_public_holiday_moves_past_the_weekend_before_it() -> None:
    task = _task(-11)  # Monday 1/9/2025, Quốc khánh
    assert due_date(FEST, task) == pendulum.date(2025, 8, 29)
    assert due_note(FEST, task) == (
        "dời về thứ Sáu 29/08/2025 vì 01/09/2025 là ngày nghỉ Quốc khánh"
    )


def test_tet_moves_a_deadline_a_whole_week_earlier() -> None:
    assert working_day_before(dt.date(2025, 1, 30))[0] == dt.date(2025, 1, 24)
    assert day_off(dt.date(2025, 1, 29)) == "ngày nghỉ Tết Nguyên Đán"


def test_a_deadline_on_a_working_day_stays_with_no_reason() -> None:
    task = _task(-8)  # Thursday 4/9/2025
    assert due_date(FEST, task) == pendulum.date(2025, 9, 4)
    assert due_note(FEST, task) is None


def test_working_days_false_keeps_the_calendar_day() -> None:
    plain = attrs.evolve(FEST, working_days=False)
    assert due_date(plain, _task(-13)) == pendulum.date(2025, 8, 30)
    assert due_note(plain, _task(-13)) is None


def test_a_local_day_off_moves_a_deadline_too() -> None:
    local = attrs.evolve(FEST, days_off=["2025-09-04"])
    assert due_date(local, _task(-8)) == pendulum.date(2025, 9, 3)
    assert "là ngày nghỉ của địa phương" in (due_note(local, _task(-8)) or "")


def test_a_fixed_due_date_is_kept_even_on_a_day_off() -> None:
    task = attrs.evolve(_task(-13), due=pendulum.date(2025, 8, 30))
    assert due_date(FEST, task) == pendulum.date(2025, 8, 30)


def test_a_report_due_after_the_day_never_moves_before_it() -> None:
    friday = Festival(id="w", name="W", days=["2025-08-29"])
    # T+1 is Saturday 30/8; Sunday, then Quốc khánh on Monday and Tuesday: Wednesday 3/9.
    assert due_date(friday, _task(1)) == pendulum.date(2025, 9, 3)
    assert due_note(friday, _task(1)) == "dời sang thứ Tư 03/09/2025 vì 30/08/2025 là thứ Bảy"


def test_the_cascade_keeps_its_order_after_moving() -> None:
    day = pendulum.date(2023, 8, 6)
    fest = templates.plan_day(id="x", name="X", day=day, communes=data.can_duoc_communes(day)[:1])
    assert fest.prep_tasks
    for task in fest.prep_tasks:
        if task.offset_days:
            assert day_off(due_date(fest, task)) is None
        for before in task.after:
            assert due_date(fest, fest.prep_task(before)) <= due_date(fest, task)


PLAN = """
format = "ngayhoi-plan"
version = 1
[festival]
id = "x"
name = "X"
days = [2023-08-06]
{extra}
[units]
dataset = ["long-hoa"]
[[sites]]
id = "long-hoa"
name = "Hội trường UBND xã Long Hòa"
unit = "long-hoa"
[programme]
at = "06:45"
"""


def test_the_plan_keys_turn_it_off_and_add_local_days_off() -> None:
    plan = io.loads(PLAN.format(extra="working_days = false\ndays_off = [2025-09-04]"))
    assert plan.working_days is False
    assert plan.days_off == (pendulum.date(2025, 9, 4),)
    assert io.loads(io.dumps(plan)) == plan


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ('working_days = "no"', r"festival\.working_days: 'no' is not true or false"),
        ('days_off = ["4/9"]', r"festival\.days_off\[0\]: '4/9' is not a date"),
    ],
)
def test_bad_working_day_keys_name_the_key(extra: str, where: str) -> None:
    with pytest.raises(PlanFileError, match=where):
        io.loads(PLAN.format(extra=extra))


def test_schedule_prints_the_moved_deadlines_with_their_reason() -> None:
    run = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [
            sys.executable,
            "-m",
            "ngayhoi",
            "schedule",
            str(ROOT / "examples" / "can_duoc_2023.toml"),
            "--lang",
            "vi",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Hạn chuẩn bị dời vào ngày làm việc:" in run.stdout
    assert (
        "Tổng duyệt chương trình (17 đơn vị): dời về thứ Sáu 04/08/2023 vì 05/08/2023 là thứ Bảy"
        in run.stdout
    )


def test_the_shipped_holiday_table_is_what_the_holidays_package_says_for_each_year() -> None:
    from ngayhoi.model import workdays  # noqa: PLC0415 - its private table and fallback

    for year in workdays._SHIPPED:  # noqa: SLF001 - the table itself is what is checked
        shipped = workdays._shipped()[year]  # noqa: SLF001
        assert shipped == workdays._package_holidays(year), (  # noqa: SLF001
            f"{year}: holidays_vn.csv differs from the holidays package; run scripts/holidays_vn.py"
        )
