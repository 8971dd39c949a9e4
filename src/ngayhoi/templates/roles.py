"""The roles and teams that run a commune festival (DOMAIN.md §5).

>>> [r.id for r in standard_roles()][:3]
['ban-to-chuc', 'mc', 'cong-an-xa']
"""

from __future__ import annotations

from ngayhoi.model import Resource, ResourceKind

__all__ = ["ROLE_NAMES", "standard_roles"]

#: Role id to its Vietnamese name. The ids are used by the programme and the
#: preparation cascade; a plan may add its own.
ROLE_NAMES: dict[str, str] = {
    "ban-to-chuc": "Ban tổ chức",
    "mc": "Người dẫn chương trình (MC)",
    "cong-an-xa": "Công an xã",
    "ubnd-xa": "UBND xã",
    "van-phong-ubnd": "Văn phòng UBND xã",
    "mttq-xa": "Ủy ban MTTQ Việt Nam xã",
    "doan-thanh-nien": "Đoàn Thanh niên",
    "hoi-lhpn": "Hội Liên hiệp Phụ nữ",
    "to-bao-ve-antt": "Tổ bảo vệ an ninh, trật tự",
    "van-nghe": "Đội văn nghệ",
    "dai-bieu-cap-tren": "Đại biểu cấp trên",
    "bcd-138": "Ban Chỉ đạo 138 cấp trên",
}


def standard_roles() -> tuple[Resource, ...]:
    """One role resource per entry of :data:`ROLE_NAMES`, without capacity limits.

    >>> len(standard_roles()), standard_roles()[2].name
    (12, 'Công an xã')
    """
    return tuple(
        Resource(id=key, name=name, kind=ResourceKind.ROLE) for key, name in ROLE_NAMES.items()
    )
