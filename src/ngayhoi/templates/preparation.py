"""The preparation cascade before and after the day (DOMAIN.md §4.2).

Lead times are planning defaults inferred from dated provincial and district
plans (DOMAIN.md §4.1); T is the festival's first day.

>>> [(t.offset_days, t.title) for t in preparation_cascade(["long-hoa"])][:1]
[(-30, 'Xây dựng kế hoạch tổ chức Ngày hội, thành lập Ban tổ chức')]
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.model import PrepTask

__all__ = ["COMMUNE_STEPS", "ORGANISER_STEPS", "PrepStep", "preparation_cascade"]


@plain_repr
@attrs.frozen(repr=False)
class PrepStep:
    """One step of the cascade, before it is stamped onto a commune."""

    key: str
    title: str
    offset_days: int
    owner: str
    deliverable: str
    after: tuple[str, ...] = ()


#: Steps every commune takes (Công an xã drafts, UBND xã signs; DOMAIN.md §4.2).
COMMUNE_STEPS: tuple[PrepStep, ...] = (
    PrepStep("ke-hoach", "Xây dựng kế hoạch tổ chức Ngày hội, thành lập Ban tổ chức", -30,
             "cong-an-xa", "Kế hoạch tổ chức Ngày hội"),
    PrepStep("de-xuat-khen-thuong",
             "Đề xuất khen thưởng: báo cáo thành tích, họp Hội đồng Thi đua – Khen thưởng", -30,
             "ubnd-xa", "Tờ trình khen thưởng", ("ke-hoach",)),
    PrepStep("kich-ban", "Xây dựng kịch bản chi tiết, lời dẫn MC; phân công các đoàn thể", -14,
             "cong-an-xa", "Kịch bản chương trình", ("ke-hoach",)),
    PrepStep("giay-moi", "Gửi giấy mời đại biểu, xác nhận đại biểu cấp trên dự", -10,
             "van-phong-ubnd", "Giấy mời", ("kich-ban",)),
    PrepStep("quyet-dinh-khen-thuong", "Ký quyết định khen thưởng; in, đóng khung giấy khen", -7,
             "ubnd-xa", "Quyết định khen thưởng", ("de-xuat-khen-thuong",)),
    PrepStep("an-ninh-hau-can",
             "Phương án an ninh, giao thông tuyến diễu hành; phương án dự phòng khi mưa, "
             "nắng; âm thanh, nhà bạt",
             -3, "cong-an-xa", "Phương án bảo đảm", ("kich-ban",)),
    PrepStep("tong-duyet", "Tổng duyệt chương trình", -1, "ban-to-chuc",
             "Kịch bản hoàn chỉnh sau tổng duyệt",
             ("an-ninh-hau-can", "quyet-dinh-khen-thuong", "giay-moi")),
    PrepStep("bao-cao-ket-qua", "Báo cáo kết quả tổ chức Ngày hội lên cấp trên", 7, "cong-an-xa",
             "Báo cáo kết quả", ("tong-duyet",)),
    PrepStep("tra-loi-y-kien", "Trả lời bằng văn bản các ý kiến của Nhân dân tại diễn đàn", 15,
             "cong-an-xa", "Văn bản trả lời", ("tong-duyet",)),
)  # fmt: skip

#: Steps of the organiser (the district before 1/7/2025, the province after).
ORGANISER_STEPS: tuple[PrepStep, ...] = (
    PrepStep("ke-hoach-cap-tren",
             "Ban hành kế hoạch, hội nghị triển khai; phân công thành viên BCĐ dự các điểm", -40,
             "bcd-138", "Kế hoạch và phân công"),
    PrepStep("tong-hop-ket-qua", "Tổng hợp kết quả Ngày hội các xã, báo cáo cấp trên", 20,
             "bcd-138", "Báo cáo tổng hợp", ("ke-hoach-cap-tren",)),
)  # fmt: skip


def preparation_cascade(
    communes: Iterable[str],
    *,
    organiser: bool = True,
    commune_steps: Iterable[PrepStep] = COMMUNE_STEPS,
    organiser_steps: Iterable[PrepStep] = ORGANISER_STEPS,
) -> tuple[PrepTask, ...]:
    """Stamp the cascade onto every commune (ids ``"<unit>.<step>"``) plus the organiser's steps.

    >>> tasks = preparation_cascade(["long-hoa", "phuoc-van"])
    >>> len(tasks), tasks[0].id, tasks[0].offset_days
    (20, 'long-hoa.ke-hoach', -30)
    """
    tasks: list[PrepTask] = []
    steps = tuple(commune_steps)
    for unit in communes:
        tasks.extend(
            PrepTask(
                id=f"{unit}.{step.key}",
                title=step.title,
                offset_days=step.offset_days,
                owner=step.owner,
                deliverable=step.deliverable,
                unit=unit,
                after=tuple(f"{unit}.{a}" for a in step.after),
            )
            for step in steps
        )
    if organiser:
        tasks.extend(
            PrepTask(
                id=f"to-chuc.{step.key}",
                title=step.title,
                offset_days=step.offset_days,
                owner=step.owner,
                deliverable=step.deliverable,
                after=tuple(f"to-chuc.{a}" for a in step.after),
            )
            for step in organiser_steps
        )
    return tuple(tasks)
