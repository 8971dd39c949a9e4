"""Write ``src/ngayhoi/model/holidays_vn.csv``: Vietnam's public holidays, from ``holidays``.

Usage: ``.venv/bin/python scripts/holidays_vn.py``

The ``holidays`` package (python-holidays) computes the days off by law
(Bộ luật Lao động 2019, Điều 112) and the compensatory days the government
announces, in Vietnamese. Importing it loads every country it knows (about
0.2 s, more than scheduling the 17-commune plan), so ngayhoi ships its answer
for the years most plans fall in and asks the package only for other years
(:mod:`ngayhoi.model.workdays`). ``tests/test_working_days.py`` checks the
table against the installed package, so a new release that changes a day
fails the tests until this script is run again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays

FIRST, LAST = 2000, 2050
TABLE = Path(__file__).resolve().parent.parent / "src" / "ngayhoi" / "model" / "holidays_vn.csv"


def year(number: int) -> dict[dt.date, str]:
    """The days off of one year, as :mod:`ngayhoi.model.workdays` asks the package for them."""
    found = holidays.country_holidays("VN", years=number, language="vi")
    return {day: str(name) for day, name in found.items() if day.year == number}


def rows() -> list[str]:
    """``date,name`` lines, by date, for every year of the table."""
    days = {day: name for number in range(FIRST, LAST + 1) for day, name in year(number).items()}
    return [f"{day.isoformat()},{name}" for day, name in sorted(days.items())]


def main() -> int:
    """Write the table."""
    head = [
        f"# Vietnam's public holidays {FIRST}-{LAST}, in Vietnamese: the answer of the holidays",
        f"# package (python-holidays {holidays.__version__}, country VN, language vi), written by",
        "# scripts/holidays_vn.py; tests/test_working_days.py checks it against that package.",
        "date,name",
    ]
    TABLE.write_text("\n".join([*head, *rows()]) + "\n", encoding="utf-8")
    print(f"{TABLE}: {len(rows())} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
