"""Every administrative unit of Vietnam, before and after 1/7/2025.

The nationwide units come from the ``vietnamadminunits`` package (MIT licence,
data from the GSO unit lists: 63 provinces, their districts and communes until
30/6/2025; 34 provinces and their 3,321 communes from 1/7/2025; which old
commune became which new one, and where each commune's centre is). Install it
with ``pip install 'ngayhoi[vn-units]'`` (or ``pip install --no-deps
vietnamadminunits``: only its data files are read, with ``sqlite3`` and
``json``, never its code). The units of the former Huyện Cần Đước keep the
ids, dates and citations of ngayhoi's own dataset (``units.csv``).

Dates: the 63 provinces hold from 1/8/2008 (``PROVINCES_FROM``; Tỉnh Thừa
Thiên Huế until 31/12/2024, Thành phố Huế from 1/1/2025); the districts and
communes of the list before the reform from 1/1/2025 only (``COVERS_FROM``):
it is the list of that day, and it does not date the 2023–2025 mergers before it.

>>> import pendulum
>>> gaz = gazetteer()
>>> len(gaz.communes_on(pendulum.date(2025, 8, 19)))
3321
>>> [u.official_name for u in gaz.find("long trach", pendulum.date(2025, 3, 1))]
['Xã Long Trạch']
>>> gaz.history(gaz.find("long trach", pendulum.date(2025, 3, 1))[0])
'Xã Long Trạch → Xã Rạch Kiến từ 1/7/2025'
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import importlib.util
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from ngayhoi._records import plain_repr
from ngayhoi.errors import PlanError, Said
from ngayhoi.i18n import N_
from ngayhoi.model import Unit, UnitKind
from ngayhoi.text import fold, slugify

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "COVERS_FROM",
    "HUE_CITY_FROM",
    "PACKAGE",
    "PROVINCES_FROM",
    "REFORM_DAY",
    "AmbiguousUnitError",
    "DateOutOfRangeError",
    "Gazetteer",
    "NoDatasetError",
    "available",
    "gazetteer",
]

#: The package whose data files hold the nationwide units.
PACKAGE = "vietnamadminunits"
#: The day the 2025 reform took effect: 34 provinces, no districts, merged communes.
REFORM_DAY = dt.date(2025, 7, 1)
#: The first day the pre-reform list holds for districts and communes: it is the
#: list of 1/1/2025, after the 2023–2025 arrangement of districts and communes
#: (UBTVQH resolutions, most in force from 1/1/2025), and it does not date the
#: units that arrangement changed; so no district or commune of it is taken as
#: valid before this day (the Cần Đước units, cited in ``units.csv``, are).
COVERS_FROM = dt.date(2025, 1, 1)
#: The first day the 63 provinces hold: Hà Tây merged into Hà Nội on 1/8/2008
#: (Nghị quyết 15/2008/QH12); no province's name, kind or code changed after
#: that until 1/7/2025 except Huế (see ``HUE_CITY_FROM``).
PROVINCES_FROM = dt.date(2008, 8, 1)
#: Tỉnh Thừa Thiên Huế became Thành phố Huế, run by the centre, on 1/1/2025
#: (Nghị quyết 175/2024/QH15; same code, 46).
HUE_CITY_FROM = dt.date(2025, 1, 1)
_LAST_OLD_DAY = REFORM_DAY - dt.timedelta(days=1)
_OLD, _NEW = "gso-2025-01", "gso-2025-07"
_HUE_CODE = "46"
_KINDS = {
    "huyện": UnitKind.HUYEN,
    "quận": UnitKind.QUAN,
    "thị xã": UnitKind.THI_XA,
    "thành phố": UnitKind.THANH_PHO,
    "xã": UnitKind.XA,
    "phường": UnitKind.PHUONG,
    "thị trấn": UnitKind.THI_TRAN,
    "đặc khu": UnitKind.DAC_KHU,
}


class NoDatasetError(PlanError):
    """The nationwide units need the ``vietnamadminunits`` package, which is not installed."""


class DateOutOfRangeError(PlanError):
    """A date before the nationwide data begins."""


class AmbiguousUnitError(PlanError):
    """A name that several units carry: the province or the code tells them apart."""


def available() -> bool:
    """Whether the nationwide data can be read (the package is installed).

    >>> available()
    True
    """
    return importlib.util.find_spec(PACKAGE) is not None


def _data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        msg = Said(
            N_(
                "the nationwide units need the vietnamadminunits package: pip install "
                "'ngayhoi[vn-units]' (or pip install --no-deps vietnamadminunits); without it "
                "ngayhoi knows only the Cần Đước units"
            )
        )
        raise NoDatasetError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _name(official: str) -> str:
    """The short name: the official name without its kind ("Xã Long Hòa" → "Long Hòa")."""
    lowered = official.lower()
    for prefix in ("thành phố", "thị trấn", "thị xã", "đặc khu", "tỉnh", "huyện", "quận"):
        if lowered.startswith(prefix + " "):
            return official[len(prefix) + 1 :]
    for prefix in ("xã", "phường"):
        rest = official[len(prefix) + 1 :]
        if lowered.startswith(prefix + " ") and not rest.isdigit():
            return rest
    return official


def _province_kind(official: str) -> UnitKind:
    return UnitKind.THANH_PHO_TW if official.startswith("Thành phố") else UnitKind.TINH


@plain_repr
@attrs.frozen(kw_only=True, repr=False)
class Gazetteer:
    """The dated units of the whole country, with lookups by name, code and date.

    Attributes:
        units: every unit, all versions: provinces, districts, communes.
        source: where the data comes from (package and version).
    """

    units: tuple[Unit, ...]
    source: str
    _by_id: Mapping[str, tuple[Unit, ...]] = attrs.field(init=False, repr=False)
    _children: Mapping[tuple[str, str | None], tuple[Unit, ...]] = attrs.field(
        init=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        """Index the units by id and by parent."""
        by_id: dict[str, list[Unit]] = defaultdict(list)
        children: dict[tuple[str, str | None], list[Unit]] = defaultdict(list)
        for unit in self.units:
            by_id[unit.id].append(unit)
            if unit.parent is not None:
                children[unit.parent, unit.scheme].append(unit)
        object.__setattr__(
            self, "_by_id", MappingProxyType({k: tuple(v) for k, v in by_id.items()})
        )
        object.__setattr__(
            self, "_children", MappingProxyType({k: tuple(v) for k, v in children.items()})
        )

    @property
    def range_text(self) -> str:
        """The dates the data covers, in words.

        >>> gazetteer().range_text
        'provinces from 2008-08-01, districts and communes from 2025-01-01 (63 provinces ...)'
        """
        return (
            f"provinces from {PROVINCES_FROM}, districts and communes from {COVERS_FROM} "
            f"(63 provinces until {_LAST_OLD_DAY}, 34 from {REFORM_DAY}; {self.source})"
        )

    def check_day(self, day: dt.date) -> None:
        """Refuse a day before the data begins, saying what range it covers.

        >>> gazetteer().check_day(dt.date(2005, 8, 19))
        Traceback (most recent call last):
        ...
        ngayhoi.data.vietnam.DateOutOfRangeError: 2005-08-19 is before the nationwide data: ...
        """
        if day < PROVINCES_FROM:
            msg = Said(
                N_(
                    "{day} is before the nationwide data: it covers {range_text}. For an earlier "
                    "date define the units with [[units.define]]"
                ),
                day=day,
                range_text=self.range_text,
            )
            raise DateOutOfRangeError(msg)

    def check_communes_day(self, day: dt.date) -> None:
        """Refuse a day before the data has districts and communes, saying why.

        The list before the reform is that of 1/1/2025; the 2023–2025 arrangement
        merged and renamed districts and communes before then (most on 1/1/2025),
        and the data does not say which, so it cannot give the communes of an
        earlier day. Only the Cần Đước units (``units.csv``) are known earlier.

        >>> gazetteer().check_communes_day(dt.date(2024, 8, 13))
        Traceback (most recent call last):
        ...
        ngayhoi.data.vietnam.DateOutOfRangeError: on 2024-08-13 the nationwide data has ...
        """
        self.check_day(day)
        if day < COVERS_FROM:
            msg = Said(
                N_(
                    "on {day} the nationwide data has the 63 provinces but not their districts "
                    "and communes: its list before the reform is that of {COVERS_FROM}, after "
                    "the 2023–2025 arrangement merged and renamed some districts and communes, "
                    "and it does not say which. Only the Cần Đước units are known earlier; "
                    "define the others with [[units.define]], or use a date from 2025-01-01"
                ),
                day=day,
                COVERS_FROM=COVERS_FROM,
            )
            raise DateOutOfRangeError(msg)

    def versions(self, unit_id: str) -> tuple[Unit, ...]:
        """Every version of the unit with this id (one before and one after 1/7/2025 at most).

        >>> [u.code for u in gazetteer().versions("tinh-tay-ninh")]
        ['72', '80']
        """
        return self._by_id.get(unit_id, ())

    def on(self, unit_id: str, day: dt.date) -> Unit | None:
        """The version of the unit with this id valid on ``day``, if any.

        >>> gazetteer().on("tinh-tay-ninh", dt.date(2025, 3, 1)).code
        '72'
        """
        return next((u for u in self.versions(unit_id) if u.valid_on(day)), None)

    def units_on(self, day: dt.date) -> tuple[Unit, ...]:
        """Every unit valid on ``day``: provinces, districts (before 1/7/2025) and communes.

        >>> len(gazetteer().units_on(dt.date(2025, 8, 19)))
        3355
        """
        self.check_day(day)
        return tuple(u for u in self.units if u.valid_on(day))

    def communes_on(self, day: dt.date) -> tuple[Unit, ...]:
        """The commune-level units (xã, phường, thị trấn, đặc khu) valid on ``day``.

        >>> len(gazetteer().communes_on(dt.date(2025, 3, 1)))
        10035
        """
        return tuple(u for u in self.units_on(day) if u.kind.is_commune_level)

    def children(self, unit: Unit) -> tuple[Unit, ...]:
        """The units directly below ``unit`` (in its own scheme).

        >>> len(gazetteer().children(gazetteer().on("tinh-tay-ninh", REFORM_DAY)))
        96
        """
        return self._children.get((unit.id, unit.scheme), ())

    def communes_in(self, unit: Unit) -> tuple[Unit, ...]:
        """The communes of a province or district (or the commune itself).

        >>> len(gazetteer().communes_in(gazetteer().on("huyen-can-duoc", dt.date(2025, 3, 1))))
        17
        """
        if unit.kind.is_commune_level:
            return (unit,)
        return tuple(c for child in self.children(unit) for c in self.communes_in(child))

    def province_of(self, unit: Unit) -> Unit:
        """The province a unit belongs to (itself for a province).

        >>> gazetteer().province_of(gazetteer().find("long hoa", REFORM_DAY)[0]).name
        'Tây Ninh'
        """
        while unit.parent is not None:
            parent = next((u for u in self.versions(unit.parent) if u.scheme == unit.scheme), None)
            if parent is None:
                break
            unit = parent
        return unit

    def successors(self, unit: Unit) -> tuple[Unit, ...]:
        """The units of 1/7/2025 that ``unit`` became part of.

        >>> [u.official_name for u in gazetteer().successors(
        ...     gazetteer().on("long-trach", dt.date(2025, 3, 1)))]
        ['Xã Rạch Kiến']
        """
        return tuple(u for sid in unit.successors if (u := self.on(sid, REFORM_DAY)) is not None)

    def predecessors(self, unit: Unit) -> tuple[Unit, ...]:
        """The units before 1/7/2025 that merged (wholly or in part) into ``unit``.

        >>> [u.name for u in gazetteer().predecessors(gazetteer().on("rach-kien", REFORM_DAY))]
        ['Long Trạch', 'Long Khê', 'Long Hòa']
        """
        if unit.valid_from is None:
            return ()
        return tuple(
            u
            for u in self.units
            if unit.id in u.successors
            and u.valid_on(_LAST_OLD_DAY)
            and u.kind.is_province_level == unit.kind.is_province_level
        )

    def history(self, unit: Unit) -> str:
        """Say in Vietnamese what the unit was or became on 1/7/2025 (or 1/1/2025 for Huế).

        >>> gazetteer().history(gazetteer().on("rach-kien", REFORM_DAY))
        'Xã Rạch Kiến từ 1/7/2025 ← Xã Long Trạch, Xã Long Khê, Xã Long Hòa'
        >>> gazetteer().history(gazetteer().on("tinh-thua-thien-hue", dt.date(2024, 8, 13)))
        'Tỉnh Thừa Thiên Huế → Thành phố Huế từ 1/1/2025'
        """
        if unit.valid_from is not None and unit.valid_from >= REFORM_DAY:
            before = ", ".join(u.official_name for u in self.predecessors(unit))
            return f"{unit.official_name} từ 1/7/2025" + (f" ← {before}" if before else "")
        if unit.valid_to is not None and unit.valid_to < _LAST_OLD_DAY:
            nxt = unit.valid_to + dt.timedelta(days=1)
            after = ", ".join(
                u.official_name for sid in unit.successors if (u := self.on(sid, nxt)) is not None
            )
            return f"{unit.official_name} → {after} từ {nxt.day}/{nxt.month}/{nxt.year}"
        after = ", ".join(u.official_name for u in self.successors(unit))
        if after:
            return f"{unit.official_name} → {after} từ 1/7/2025"
        return f"{unit.official_name}: không còn từ 1/7/2025"

    def find(
        self, query: str, day: dt.date | None = None, *, province: Unit | None = None
    ) -> tuple[Unit, ...]:
        """Units named like ``query`` (diacritics, case and kind optional), or with that code or id.

        Exact names come first. ``province`` narrows to the units of one province.

        >>> [u.official_name for u in gazetteer().find("can duoc", REFORM_DAY)]
        ['Xã Cần Đước']
        >>> [u.id for u in gazetteer().find("28114", dt.date(2025, 3, 1))]
        ['long-khe']
        """
        pool = self.units if day is None else self.units_on(day)
        if province is not None:
            pool = tuple(u for u in pool if self.province_of(u).id == province.id)
        wanted = fold(query)
        if not wanted:
            return pool
        exact, partial = [], []
        for unit in pool:
            folded_name, folded_official = _folded(unit.name), _folded(unit.official_name)
            if wanted in {unit.code, unit.id, folded_name, folded_official}:
                exact.append(unit)
            elif wanted in folded_official:
                partial.append(unit)
        return tuple(exact or partial)

    def closest(self, query: str, pool: Iterable[Unit], n: int = 5) -> list[str]:
        """The official names in ``pool`` closest to ``query``, for a "did you mean".

        >>> gazetteer().closest("tay ninhh", gazetteer().units_on(REFORM_DAY), n=1)
        ['Tỉnh Tây Ninh']
        """
        names: dict[str, str] = {}
        for unit in pool:
            names.setdefault(_folded(unit.name), unit.official_name)
            names.setdefault(_folded(unit.official_name), unit.official_name)
        hits = difflib.get_close_matches(fold(query), list(names), n=n * 2, cutoff=0.6)
        return list(dict.fromkeys(names[h] for h in hits))[:n]

    def one(
        self,
        query: str,
        day: dt.date,
        *,
        province: Unit | None = None,
        level: str = "commune",
    ) -> Unit:
        """The single unit of ``level`` (province, district, commune) named or coded ``query``.

        Raises:
            PlanError: no such unit (the message lists the closest names).
            AmbiguousUnitError: several units carry the name (asks for province or code).

        >>> gazetteer().one("Tây Ninh", REFORM_DAY, level="province").code
        '80'
        >>> gazetteer().one("tan phu", REFORM_DAY)
        Traceback (most recent call last):
        ...
        ngayhoi.data.vietnam.AmbiguousUnitError: 'tan phu' names 6 communes on 2025-07-01: ...
        """
        fits = _LEVELS[level]
        pool = tuple(
            u
            for u in self.units_on(day)
            if fits(u.kind) and (province is None or self.province_of(u).id == province.id)
        )
        wanted = fold(query)
        found = [
            u for u in pool if wanted in {u.code, u.id, _folded(u.name), _folded(u.official_name)}
        ]
        if not found:
            msg = (
                Said(N_("no {level} named {query!r} on {day}"), level=Said(level), query=query,
                     day=day)
                if province is None
                else Said(N_("no {level} named {query!r} in {province} on {day}"),
                          level=Said(level), query=query, province=province.official_name, day=day)
            )  # fmt: skip
            near = self.closest(query, pool)
            if near:
                msg = Said(N_("{message}; closest: {names}"), message=msg, names=", ".join(near))
            raise PlanError(msg)
        if len(found) > 1:
            listed = Said.joined(
                Said(
                    N_("{name} ({province}, code {code})"),
                    name=u.official_name,
                    province=self.province_of(u).official_name,
                    code=u.code,
                )
                for u in found[:8]
            )
            msg = Said(
                N_(
                    "{query!r} names {count} {levels} on {day}: {listed}; add --province or "
                    "give the code"
                ),
                query=query,
                count=len(found),
                levels=Said(_PLURALS[level]),
                day=day,
                listed=listed,
            )
            raise AmbiguousUnitError(msg)
        return found[0]


def _province_level(kind: UnitKind) -> bool:
    return kind.is_province_level


def _district_level(kind: UnitKind) -> bool:
    return kind.is_district_level


def _commune_level(kind: UnitKind) -> bool:
    return kind.is_commune_level


_LEVELS = {"province": _province_level, "district": _district_level, "commune": _commune_level}
#: The levels' words, one and many (the CLI says them in its language).
_WORDS = (N_("province"), N_("district"), N_("commune"))
_PLURALS = {"province": N_("provinces"), "district": N_("districts"), "commune": N_("communes")}


@functools.cache
def _folded(text: str) -> str:
    return fold(text.replace("oà", "òa").replace("oá", "óa").replace("uỳ", "ùy"))


@functools.cache
def gazetteer() -> Gazetteer:
    """The nationwide units, read once from the installed ``vietnamadminunits`` data.

    Raises:
        NoDatasetError: if the package is not installed.

    >>> gazetteer().source
    'vietnamadminunits ...'
    """
    # Both only here: an export that never reads the nationwide data does not pay for them.
    import importlib.metadata  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415

    folder = _data_dir()
    version = importlib.metadata.version(PACKAGE)
    with sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        old = db.execute("SELECT * FROM admin_units_legacy ORDER BY rowid").fetchall()
        new = db.execute("SELECT * FROM admin_units ORDER BY rowid").fetchall()
    conversion = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    return Gazetteer(units=_build(old, new, conversion), source=f"{PACKAGE} {version}")


def _build(  # noqa: C901 - one pass over each table, in order
    old: list[sqlite3.Row], new: list[sqlite3.Row], conversion: Mapping[str, Any]
) -> tuple[Unit, ...]:
    from ngayhoi import data as local  # noqa: PLC0415 - the package imports this module

    curated = {(u.scheme, u.code): u for u in local.all_units()}
    new_ids: dict[tuple[str, str], str] = {}  # (province key, ward key) -> id
    new_province_ids: dict[str, str] = {}
    after: list[Unit] = []
    seen_provinces: set[str] = set()
    for row in new:
        pid = slugify(row["province"], strip_kind=False)
        if row["provinceKey"] not in seen_provinces:
            seen_provinces.add(row["provinceKey"])
            new_province_ids[row["provinceKey"]] = pid
            after.append(
                _unit(
                    curated,
                    _NEW,
                    row["provinceCode"],
                    pid,
                    row["province"],
                    _province_kind(row["province"]),
                    None,
                    row["provinceLat"],
                    row["provinceLon"],
                )
            )
        wid = f"{slugify(row['ward'])}-{row['wardCode']}"
        unit = _unit(
            curated,
            _NEW,
            row["wardCode"],
            wid,
            row["ward"],
            _KINDS[row["wardType"].lower()],
            pid,
            row["wardLat"],
            row["wardLon"],
        )
        new_ids[row["provinceKey"], row["wardKey"]] = unit.id
        after.append(unit)
    ward_to: dict[str, list[str]] = defaultdict(list)
    for pkey, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for old_key in olds:
                ward_to[old_key].append(new_ids[pkey, wkey])
    for pkey, olds in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            ordered = sorted(targets, key=lambda t: not t["isDefaultNewWard"])
            ward_to[old_key] = [new_ids[pkey, t["newWardKey"]] for t in ordered]
    province_to = {
        old_key: new_province_ids[pkey]
        for pkey, olds in conversion["DICT_PROVINCE"].items()
        for old_key in olds
    }
    new_by_name = {(u.parent, _folded(u.name)): u.id for u in after if u.kind is UnitKind.DAC_KHU}
    before: list[Unit] = []
    seen: set[str] = set()
    district_ids: dict[str, str] = {}
    for row in old:
        pid = slugify(row["province"], strip_kind=False)
        if row["provinceCode"] not in seen:
            seen.add(row["provinceCode"])
            province = _unit(
                curated,
                _OLD,
                row["provinceCode"],
                pid,
                row["province"],
                _province_kind(row["province"]),
                None,
                row["provinceLat"],
                row["provinceLon"],
                (province_to[row["provinceKey"]],),
            )
            before += _province_versions(province)
        did = f"{slugify(row['district'], strip_kind=False)}-{row['districtCode']}"
        if "d" + row["districtCode"] not in seen:
            seen.add("d" + row["districtCode"])
            # A district without communes (an island) became the đặc khu of its name.
            island = (province_to[row["provinceKey"]], _folded(_name(row["district"])))
            became = (new_by_name[island],) if not row["wardCode"] and island in new_by_name else ()
            district = _unit(
                curated,
                _OLD,
                row["districtCode"],
                did,
                row["district"],
                _KINDS[row["districtType"].lower()],
                pid,
                row["districtLat"],
                row["districtLon"],
                became,
            )
            before.append(district)
            district_ids[row["districtCode"]] = district.id
        if not row["wardCode"] or row["wardCode"] in seen:
            continue  # a district without communes (an island), or a repeated row
        seen.add(row["wardCode"])
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"
        before.append(
            _unit(
                curated,
                _OLD,
                row["wardCode"],
                f"{slugify(row['ward'])}-{row['wardCode']}",
                row["ward"],
                _KINDS[row["wardType"].lower()],
                district_ids[row["districtCode"]],
                row["wardLat"],
                row["wardLon"],
                tuple(ward_to.get(key, ())),
            )
        )
    return tuple(before + after)


def _province_versions(province: Unit) -> list[Unit]:
    """A province of the list of 1/1/2025, dated back to 1/8/2008 (Huế: back to its province)."""
    if province.code != _HUE_CODE:
        return [attrs.evolve(province, valid_from=PROVINCES_FROM)]
    city = attrs.evolve(province, valid_from=HUE_CITY_FROM)
    earlier = attrs.evolve(
        province,
        id="tinh-thua-thien-hue",
        official_name="Tỉnh Thừa Thiên Huế",
        name="Thừa Thiên Huế",
        kind=UnitKind.TINH,
        valid_from=PROVINCES_FROM,
        valid_to=HUE_CITY_FROM - dt.timedelta(days=1),
        successor=city.id,
        successors=(city.id,),
    )
    return [earlier, city]


def _unit(  # noqa: PLR0917 - one row's columns, in the order of the tables
    curated: Mapping[tuple[str | None, str | None], Unit],
    scheme: str,
    code: str,
    ident: str,
    official: str,
    kind: UnitKind,
    parent: str | None,
    lat: float | None,
    lon: float | None,
    successors: tuple[str, ...] = (),
) -> Unit:
    known = curated.get((scheme, code))
    ok = lat is not None and lon is not None
    if known is not None:
        return attrs.evolve(known, lat=lat if ok else None, lon=lon if ok else None)
    old = scheme == _OLD
    return Unit(
        id=ident,
        code=code,
        scheme=scheme,
        official_name=official,
        name=_name(official),
        kind=kind,
        parent=parent,
        valid_from=COVERS_FROM if old else REFORM_DAY,
        valid_to=_LAST_OLD_DAY if old else None,
        successor=successors[0] if successors else None,
        successors=successors,
        lat=lat if ok else None,
        lon=lon if ok else None,
    )
