"""Calendar quarters, the reporting periods of a plan year ("Quý II/2023")."""

import re
from datetime import date, timedelta

from workflows.kernel.errors import InvalidInput

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_QUARTER = re.compile(r"^\s*(?:(\d{4})\s*-?\s*)?[Qq]?\s*([1-4])\s*(?:/\s*(\d{4}))?\s*$")


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    return f"Quý {ROMAN[quarter]}/{year}"


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter) a day falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_reported(today: date) -> tuple[int, int]:
    """The quarter a report filed `today` is about: the last one that has ended (on 01/07 that is II)."""
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def parse_quarter(text: str, default_year: int) -> tuple[int, int]:
    """'2023-Q2', 'Q2/2023', 'Q2' or '2' → (2023, 2); refuses anything else."""
    m = _QUARTER.match(text or "")
    if not m or (m.group(1) and m.group(3)):
        raise InvalidInput("export.quarter_invalid", text=text)
    return int(m.group(1) or m.group(3) or default_year), int(m.group(2))
