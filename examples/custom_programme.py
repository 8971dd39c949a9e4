"""A small custom programme: an evening festival in a city ward, with items of its own.

Urban wards held the festival in the evening, in a park (Đà Nẵng 2025:
"Tối 14/8", "Tối 16/8"; DOMAIN.md §12.1), and festivals added items such as a
law quiz, the launch of a "Camera an ninh" model and gifts to poor households
(DOMAIN.md §2.1). This builds such a programme from the standard items plus
new ones, for one ward, and schedules and exports it. The ward and its park
are invented for the example.

Run::

    python examples/custom_programme.py --out out/phuong-demo
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pendulum

import ngayhoi
from ngayhoi import templates
from ngayhoi.export.text import text_table
from ngayhoi.model import ActivityKind, Festival, Site, Unit
from ngayhoi.templates import Programme, ProgrammeItem

DAY = pendulum.date(2025, 8, 15)  # a Friday evening

QUIZ = ProgrammeItem(
    key="thi-tim-hieu",
    kind=ActivityKind.OTHER,
    title="Thi tìm hiểu pháp luật về an ninh, trật tự",
    minutes=25,
    low=15,
    high=40,
    optional=True,
    lead="Đoàn Thanh niên phường",
    roles=("doan-thanh-nien",),
)
CAMERA = ProgrammeItem(
    key="ra-mat-camera",
    kind=ActivityKind.MODEL_LAUNCH,
    title='Ra mắt mô hình "Camera an ninh"',
    minutes=10,
    low=5,
    high=15,
    optional=True,
    lead="Công an phường",
    roles=("cong-an-xa",),
)
GIFTS = ProgrammeItem(
    key="tang-qua",
    kind=ActivityKind.GIFT_GIVING,
    title="Trao 20 suất quà cho hộ nghèo, gia đình chính sách",
    minutes=15,
    low=10,
    high=20,
    optional=True,
    lead="Ủy ban MTTQ phường",
    roles=("mttq-xa",),
)


def programme() -> Programme:
    """The evening programme: no parade, no outdoor games; a quiz, a model launch, gifts."""
    base = templates.standard_programme(parade=False, folk_games=False, model_launch=False)
    return (
        base.switch(van_nghe=True)
        .durations(van_nghe=20)
        .insert(QUIZ, after="dien-dan")
        .insert(CAMERA, after="giao-uoc")
        .insert(GIFTS, after="phat-bieu-chi-dao")
    )


def build() -> Festival:
    """One ward, one park, the evening programme from 19:00."""
    ward = Unit(id="phuong-demo", name="Hòa Bình", official_name="Phường Hòa Bình", kind="phường")
    park = Site(id="cong-vien", name="Công viên trung tâm phường", unit=ward.id, outdoor=True)
    return templates.plan_day(
        id="phuong-hoa-binh-2025",
        name="Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025 – phường Hòa Bình",
        day=DAY,
        communes=[ward],
        sites=[park],
        programme=programme(),
        anchor="tap-trung",
        at=dt.time(19, 0),
        organiser="Ban Chỉ đạo 138 phường",
    )


def main(argv: list[str] | None = None) -> int:
    """Schedule the evening, export its calendars, print the programme."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("out/phuong-demo"))
    args = parser.parse_args(argv)
    try:
        fest = build()
        # The park is outdoors but the evening is after the noon-heat limit: lift it.
        import attrs  # noqa: PLC0415 - only here

        fest = attrs.evolve(fest, outdoor_until=None, closes="23:00")
        sched = ngayhoi.schedule(fest).unwrap()
        report = ngayhoi.export.export_calendars(sched, args.out)
    except ngayhoi.NgayhoiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1 if isinstance(err, ngayhoi.InfeasibleError) else 2
    rows = [
        [f"{s.start.format('HH:mm')}–{s.end.format('HH:mm')}", fest.activity(s.activity).title]
        for s in sched.at_site("cong-vien")
    ]
    print(fest.name)
    print(text_table(["Thời gian", "Nội dung"], rows))
    print(f"\n{len(report.feeds)} calendars in {args.out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
