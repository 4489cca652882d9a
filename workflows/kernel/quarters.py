"""Calendar quarters, the reporting periods of a plan year ("Quý II/2023")."""

from datetime import date, timedelta

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


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
