"""Deadline wording → Schedule.

Rules, first match wins (all matching ignores case and diacritics; "the plan year" is the year in
the plan title, "năm 2023", else the year of issue; a date written without a year takes the plan
year):

0. Start: "từ ngày 01/7/2025", "từ 01/7/2025", "bắt đầu từ quý III/2025", "từ tháng 3/2026", "từ năm
   2026" set ``starts_on`` (the first day of the period) and are not read as a deadline; a start
   before the date of issue is history ("từ năm 2021 đến nay") and ignored. A duty the other rules
   do not time is ``continuous`` on the reporting dates from its start on.
0a. An inline time label, "…; thời gian thực hiện: năm 2026", "Thời hạn: tháng 6/2026", "Tiến độ:
   Quý IV/2025" → the label's value read as a deadline cell (``date_of_cell``: bare years, months,
   quarters count there).
0b. "trong 10 ngày (làm việc) kể từ ngày ban hành Kế hoạch" → ``once`` that many days (working days:
   Monday to Friday) after the date of issue; counted from another event it stays untimed.
0c. "hằng tháng" / "định kỳ hằng tháng" (", trước ngày 20") → ``recurring`` each month of the plan
   year from the month of issue: the day before the named day, else the month's end.

1. Reporting calendar inside the text — two or more entries like "Quý I (trước ngày 15/3)",
   "06 tháng (trước ngày 15/6)", "01 năm (trước ngày 15/12)" → ``recurring`` on each entry's date.
2. "trước ngày 15/02/2023" → ``once``, due 2023-02-14: the last day that is *before* the date
   named. Several different "trước ngày" dates → ``recurring`` on all of them.
3. "chậm nhất (là) (ngày) 15/02/2023" → ``once`` on that very day.
4. "(xong|hoàn thành) trong quý I/2023" → ``once`` on the last day of the quarter (2023-03-31); a list
   "trong quý III, IV/2026" → the end of its last quarter, of the year written after it ("Quí
   IV-2025" too); "hoàn thành quý II/2026" (a completion verb, or a year) needs no "trong".
5. "Định kỳ …" → ``recurring`` aligned with the plan's own reports: "06 tháng" → the 6-month
   report date, "01 năm"/"hằng năm"/"năm" → the annual report date ("Định kỳ 06 tháng, 01 năm" →
   both: 2023-06-14 and 2023-12-14 for the Sơn La plan); "hằng quý"/"quý" or "Định kỳ" alone → every
   reporting date.
6. "hằng năm"/"hàng năm" → ``recurring`` on the annual report date; "hằng quý" → every reporting date.
7. "6 tháng đầu năm" → ``once`` 30/06; "6 tháng cuối năm" → ``once`` 31/12.
8. "cuối năm" → ``once`` 31/12 of the plan year.
8a. "19 tháng 12 năm 2025" (a full date in words, e.g. "dịp 19 tháng 12 năm 2025") → ``once`` that day.
8b. "trong năm 2025", "hoàn thành (trong) năm 2026", "vào năm 2030", "đến hết năm 2025", "đến năm 2030"
    → ``once`` on 31/12 of that year; several of them ("ngay trong năm 2025; đến năm 2030") are
    milestones → ``recurring`` on each.
    "đến năm X" after a programme or plan named in the same clause ("Chương trình … đến năm 2030",
    "quy hoạch … đến năm 2030", "tầm nhìn đến năm 2045") is its horizon, not a deadline.
9. "thường xuyên", "tiếp tục" → ``continuous``: due at every reporting date of the plan.
10. No timing words → ``continuous`` as well (a duty without a date is reported on every period).

Before any rule, the dates of cited documents ("Công điện số 158/CĐ-TTg ngày 04 tháng 9 năm 2025",
"Nghị quyết số 5/2024/NQ-HĐND ngày 12/5/2024") are masked: they never time a duty.

The reporting calendar comes from the plan text itself (the "Định kỳ: Quý I (trước ngày 15/3),
06 tháng (trước ngày 15/6), Quý III (trước ngày 15/9), 01 năm (trước ngày 15/12)" sentence of
III. TỔ CHỨC THỰC HIỆN); its dates follow rule 2. A plan without such a sentence falls back to
quarter ends (31/3, 30/6, 30/9, 31/12), with 30/06 as the 6-month and 31/12 as the annual date.
The ``phrase`` of a schedule is the matched wording, whitespace-collapsed, as the plan writes it.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from workflows.kernel.text import fold
from workflows.plans.parsed import Schedule
from workflows.plans.parsing.text import collapse

_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_DATE = r"(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?"
_DATE_WORDS = r"(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?"

CAL_ENTRY = re.compile(
    r"(?P<label>quy\s+(?:iv|iii|ii|i|[1-4])|0?6\s+thang(?:\s+dau\s+nam)?|0?1\s+nam|ca\s+nam|nam)"
    r"\s*\(\s*truoc\s+ngay\s+" + _DATE + r"\s*\)"
)
BEFORE = re.compile(r"truoc\s+ngay\s+(?:" + _DATE + "|" + _DATE_WORDS + ")")
NO_LATER = re.compile(r"cham\s+nhat\s+(?:la\s+)?(?:ngay\s+)?" + _DATE)
_Q = r"(?:iv|iii|ii|i|[1-4])(?![a-z0-9])"
QUARTER = re.compile(
    r"(?:(?:xong|hoan\s+thanh)\s+(?:trong\s+)?|trong\s+)qu[yi]\s+((?:"
    + _Q
    + r"\s*(?:,|va|-|–)\s*)*"
    + _Q
    + r")"
    r"(?:\s*(?:/|-|nam)\s*(\d{4}))?"
    r"|qu[yi]\s+((?:"
    + _Q
    + r"\s*(?:,|va)\s*)*"
    + _Q
    + r")\s*(?:/|-|nam)\s*(\d{4})(?!\s*(?:-|–|den)\s*qu[yi])"
)
START = re.compile(
    r"(?<![a-z])(?:bat\s+dau\s+)?tu\s+(?:"
    r"(?:ngay\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"
    r"|ngay\s+(?P<dw>\d{1,2})\s+thang\s+(?P<mw>\d{1,2})\s+nam\s+(?P<yw>\d{4})"
    r"|qu[yi]\s+(?P<q>" + _Q + r")(?:\s*(?:/|-|nam)\s*(?P<qy>\d{4}))?"
    r"|thang\s+(?P<mo>\d{1,2})\s*(?:/|-|nam)\s*(?P<moy>\d{4})"
    r"|nam\s+(?P<yr>\d{4})(?!\s*-\s*\d))"
)
INLINE_LABEL = re.compile(
    r"(?<![a-z])(?:thoi\s+gian(?:\s+(?:thuc\s+hien|hoan\s+thanh))?|thoi\s+han(?:\s+hoan\s+thanh)?"
    r"|tien\s+do(?:\s+thuc\s+hien)?)\s*:\s*"
)
AFTER_ISSUE = re.compile(
    r"(?:trong\s+(?:vong\s+|thoi\s+han\s+)?)?(\d{1,3})\s+ngay(\s+lam\s+viec)?\s*,?\s+(?:ke\s+)?tu\s+ngay\s+"
    r"(?:(?:ky\s+)?ban\s+hanh|ky)(?:\s+(?:ke\s+hoach|quyet\s+dinh|van\s+ban)(?:\s+nay)?)?(?![a-z])"
)
MONTHLY = re.compile(
    r"(?<![a-z])(?:dinh\s+ky\s+)?h[ao]ng\s+thang(?![a-z])(?:[^.;]{0,40}?(truoc|vao)\s+ngay\s+(\d{1,2})(?!\s*/))?"
)
PERIOD_WORD = r"(?:0?6\s+thang|0?1\s+nam|hang\s+nam|hang\s+quy|nam|quy)(?![a-z])"
PERIODIC = re.compile(
    r"dinh\s+ky(?![a-z])(?:\s*:?\s*(" + PERIOD_WORD + r"(?:\s*(?:,|va)\s*" + PERIOD_WORD + r")*))?"
)
EVERY_YEAR = re.compile(r"(?<![a-z])hang\s+(nam|quy)(?![a-z])")
HALF_YEAR = re.compile(r"(?<![a-z])0?6\s+thang\s+(dau|cuoi)\s+nam(?![a-z])")
YEAR_END = re.compile(r"(?<![a-z])cuoi\s+nam(?![a-z])")
# "vào ngày 19 tháng 12 năm 2025", "ngày 19/12/2025" — a dated event.
ON_DAY = re.compile(r"(?:vao|trong|den)\s+ngay\s+(?:" + _DATE + "|" + _DATE_WORDS + ")")
# "dịp 19 tháng 12 năm 2025", "ngày 30/11/2025": a named day (a cited document's date is masked first).
FULL_DATE = re.compile(r"(?<![a-z0-9/])(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
# "trong tháng 11/2025", "tháng 6 năm 2026" — the last day of that month.
IN_MONTH = re.compile(r"(?<![a-z])thang\s+(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})")
# "trong năm 2025", "năm 2025 và các năm tiếp theo", "năm 2026 - 2027": the end of the (first) year.
IN_YEAR = re.compile(
    r"(?<![a-z])(?:(?P<in>(?:hoan\s+thanh\s+|xong\s+)?trong\s+|(?:hoan\s+thanh|xong)\s+)nam\s+(\d{4})"
    r"|nam\s+(\d{4})(?:\s*-\s*(\d{4}))?(?P<on>\s+va\s+(?:cac|nhung)\s+nam\s+tiep\s+theo))"
)
# "vào năm 2030", "đến hết năm 2025", "đến năm 2030" (milestones when several): the end of that year.
BY_YEAR = re.compile(r"(?<![a-z])(?:vao|den\s+het|den\s+cuoi|den|truoc)\s+nam\s+(\d{4})(?!\s*-\s*\d)")
# Words whose object a year bounds: "Chương trình … đến năm 2030", "quy hoạch … đến năm 2030", "tầm
# nhìn đến năm 2045" name a programme's horizon, not the duty's deadline.
HORIZON = re.compile(
    r"(?<![a-z])(?:chuong\s+trinh|chien\s+luoc|quy\s+hoach|ke\s+hoach|de\s+an|tam\s+nhin|giai\s+doan|"
    r"dinh\s+huong|nghi\s+quyet|muc\s+tieu\s+quoc\s+gia)(?![a-z])"
)
YEAR_RANGE = re.compile(r"(?<![\d/])(?:nam\s+)?(\d{4})\s*-\s*(\d{4})(?![\d/])")
ONGOING = re.compile(r"(?<![a-z])(thuong\s+xuyen|tiep\s+tuc)(?![a-z])")


@dataclass(frozen=True)
class Calendar:
    """The plan's reporting dates: (label as written, due date) in date order."""

    year: int
    reports: tuple[tuple[str, date], ...]
    phrase: str = ""
    issued: date | None = None  # the plan's date of issue ("10 ngày kể từ ngày ban hành")

    def dates(self) -> tuple[date, ...]:
        """Every reporting date."""
        return tuple(d for _, d in self.reports)

    def half_year(self) -> date:
        """Due date of the 6-month report."""
        return self._labelled(("6 thang", "06 thang", "quy ii")) or date(self.year, 6, 30)

    def annual(self) -> date:
        """Due date of the annual report."""
        return self._labelled(("01 nam", "1 nam", "ca nam", "nam", "quy iv")) or date(self.year, 12, 31)

    def _labelled(self, labels: tuple[str, ...]) -> date | None:
        """First report whose folded label starts with one of ``labels``."""
        for label, due in self.reports:
            key = " ".join(fold(label).split())
            if any(key == lab or key.startswith(lab + " ") for lab in labels):
                return due
        return None


def quarter_end(year: int, quarter: int) -> date:
    """Last day of a quarter."""
    month = 3 * quarter
    return date(year, month, _calendar.monthrange(year, month)[1])


def _day(year: int, d: str, m: str, y: str | None) -> date:
    """Build a date from matched day/month/(year) strings."""
    return date(int(y) if y else year, int(m), int(d))


def find_calendar(text: str, year: int, issued: date | None = None) -> Calendar:
    """The reporting calendar written in the plan (rule 1 entries), else quarter ends."""
    folded = fold(text)
    entries = list(CAL_ENTRY.finditer(folded))
    if len(entries) < 2:
        return Calendar(year, tuple((f"Quý {q}", quarter_end(year, q)) for q in range(1, 5)), issued=issued)
    return Calendar(
        year,
        tuple(_calendar_entries(text, entries, year)),
        _calendar_phrase(text, folded, entries),
        issued,
    )


def _calendar_entries(text: str, entries: list[re.Match], year: int):
    """(label as written, due) for each calendar entry, sorted by date."""
    out = []
    for m in entries:
        due = _day(year, m.group(2), m.group(3), m.group(4)) - timedelta(days=1)
        out.append((collapse(text[m.start("label") : m.end("label")]), due))
    return sorted(out, key=lambda item: item[1])


def _calendar_phrase(text: str, folded: str, entries: list[re.Match]) -> str:
    """Wording of the calendar, from a preceding "Định kỳ" when there is one."""
    start = entries[0].start()
    lead = folded.rfind("dinh ky", max(0, start - 30), start)
    return collapse(text[lead if lead >= 0 else start : entries[-1].end()])


# "Công điện số 158/CĐ-TTg ngày 04 tháng 9 năm 2025", "Nghị quyết số 12 ngày 12/5/2024": the date of
# another document, cited; never a deadline of this duty.
CITED = re.compile(
    r"(?:(?<![a-z])so\s+\d+[^\s,;.]*|\d+/(?:\d{4}/)?[a-z]{1,8}[a-z0-9]*(?:-[a-z0-9]+)*)"
    r"(?:\s+cua\s+[a-z ]{2,40}?)?\s*,?\s+ngay\s+(?:" + _DATE + "|" + _DATE_WORDS + ")"
)


def _mask_citations(folded: str) -> str:
    """The folded text with cited documents' dates blanked (same length, so offsets hold)."""
    return CITED.sub(lambda m: " " * len(m.group(0)), folded)


def schedule_for(text: str, cal: Calendar) -> Schedule:
    """Apply the rules of this module to one duty's text."""
    folded = _mask_citations(fold(text))
    start, span, folded = _start(folded, cal)
    sched = _schedule(text, folded, cal)
    if start is None:
        return sched
    if sched.kind == "continuous" and not sched.phrase:
        dates = tuple(d for d in cal.dates() if d >= start) or (max(cal.dates()),)
        return Schedule("continuous", dates, collapse(text[span[0] : span[1]]), start)
    dates = tuple(d for d in sched.due_dates if d >= start) or sched.due_dates
    return replace(sched, due_dates=dates, starts_on=start)


def _start(folded: str, cal: Calendar) -> tuple[date | None, tuple[int, int], str]:
    """Rule 0: the start a duty names, its span, and the folded text with its wording blanked."""
    m = START.search(folded)
    if not m:
        return None, (0, 0), folded
    g = m.groupdict()
    try:
        if g["d"] or g["dw"]:
            start = date(int(g["y"] or g["yw"]), int(g["m"] or g["mw"]), int(g["d"] or g["dw"]))
        elif g["q"]:
            start = date(int(g["qy"] or cal.year), 3 * _ROMAN_Q[g["q"]] - 2, 1)
        elif g["mo"]:
            start = date(int(g["moy"]), int(g["mo"]), 1)
        else:
            start = date(int(g["yr"]), 1, 1)
    except ValueError:
        return None, (0, 0), folded
    blanked = folded[: m.start()] + " " * (m.end() - m.start()) + folded[m.end() :]
    if cal.issued is not None and start < cal.issued.replace(day=1):
        return None, (0, 0), blanked  # "từ năm 2021 đến nay": what was done, not when this duty starts
    return start, (m.start(), m.end()), blanked


def _schedule(text: str, folded: str, cal: Calendar) -> Schedule:
    """Rules 0a-10 on a duty's folded text (citations and a start already blanked)."""
    year = cal.year
    m = INLINE_LABEL.search(folded)
    if m:
        stop = re.compile(r"[;.](?:\s|$)").search(folded, m.end())
        value = text[m.end() : stop.start() if stop else len(text)]
        sched = date_of_cell(value, cal) if value.strip() else None
        if sched is not None and sched.phrase and sched.kind != "continuous":
            return sched
    m = AFTER_ISSUE.search(folded)
    if m and cal.issued is not None:
        return Schedule("once", (_after(cal.issued, int(m.group(1)), bool(m.group(2))),), _phrase(text, [m]))
    m = MONTHLY.search(folded)
    if m:
        return Schedule("recurring", _monthly(cal, m.group(1), m.group(2)), _phrase(text, [m]))
    entries = list(CAL_ENTRY.finditer(folded))
    if len(entries) >= 2:
        dates = tuple(sorted({d for _, d in _calendar_entries(text, entries, year)}))
        return Schedule("recurring", dates, _calendar_phrase(text, folded, entries))
    befores = list(BEFORE.finditer(folded))
    if befores:
        dates = sorted({_before_date(m, year) for m in befores})
        kind = "once" if len(dates) == 1 else "recurring"
        return Schedule(kind, tuple(dates), _phrase(text, befores))
    m = NO_LATER.search(folded)
    if m:
        return Schedule("once", (_day(year, m.group(1), m.group(2), m.group(3)),), _phrase(text, [m]))
    m = QUARTER.search(folded)
    if m:
        quarters, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        last = re.findall(_Q, quarters)[-1]
        due = quarter_end(int(y) if y else year, _ROMAN_Q[last])
        return Schedule("once", (due,), _phrase(text, [m]))
    m = ON_DAY.search(folded)
    if m:
        d, mo, y = (
            (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        )
        return Schedule("once", (_day(year, d, mo, y),), _phrase(text, [m]))
    m = FULL_DATE.search(folded)
    if m:
        return Schedule("once", (_day(year, m.group(1), m.group(2), m.group(3)),), _phrase(text, [m]))
    m = IN_MONTH.search(folded)
    if m and 1 <= int(m.group(1)) <= 12:
        y, mo = int(m.group(2)), int(m.group(1))
        return Schedule("once", (date(y, mo, _calendar.monthrange(y, mo)[1]),), _phrase(text, [m]))
    m = PERIODIC.search(folded)
    if m:
        return Schedule("recurring", _periodic_dates(m.group(1) or "", cal), _phrase(text, [m]))
    m = EVERY_YEAR.search(folded)
    if m:
        dates = (cal.annual(),) if m.group(1) == "nam" else cal.dates()
        return Schedule("recurring", dates, _phrase(text, [m]))
    m = HALF_YEAR.search(folded)
    if m:
        due = date(year, 6, 30) if m.group(1) == "dau" else date(year, 12, 31)
        return Schedule("once", (due,), _phrase(text, [m]))
    m = YEAR_END.search(folded)
    if m:
        return Schedule("once", (date(year, 12, 31),), _phrase(text, [m]))
    m = IN_YEAR.search(folded)
    if m and _is_deadline_year(folded, m) and (m.group("on") or m.group(4)):
        return _year_schedule(text, m)
    years = [m for m in IN_YEAR.finditer(folded) if m.group("in") and _is_deadline_year(folded, m)]
    years += [m for m in BY_YEAR.finditer(folded) if not _is_horizon(folded, m)]
    years.sort(key=lambda m: m.start())
    if years:
        numbers = {int(m.group(2) if m.re is IN_YEAR else m.group(1)) for m in years}
        dates = tuple(date(y, 12, 31) for y in sorted(numbers))
        return Schedule("once" if len(dates) == 1 else "recurring", dates, _phrase(text, years))
    m = ONGOING.search(folded)
    return Schedule("continuous", cal.dates(), _phrase(text, [m]) if m else "")


def _after(issued: date, days: int, working: bool) -> date:
    """The day ``days`` (working) days after ``issued``."""
    if not working:
        return issued + timedelta(days=days)
    day = issued
    while days:
        day += timedelta(days=1)
        days -= day.weekday() < 5
    return day


def _monthly(cal: Calendar, how: str | None, day: str | None) -> tuple[date, ...]:
    """Each month of the plan year from the month of issue: the named day (the day before it for
    "trước ngày"), else the month's end."""
    first = cal.issued.month if cal.issued is not None and cal.issued.year == cal.year else 1
    out = []
    for month in range(first, 13):
        last = _calendar.monthrange(cal.year, month)[1]
        if day and 1 <= int(day) <= last:
            due = date(cal.year, month, int(day)) - timedelta(days=1 if how == "truoc" else 0)
        else:
            due = date(cal.year, month, last)
        out.append(due)
    return tuple(out)


def _is_deadline_year(folded: str, m: re.Match) -> bool:
    """A year phrase that times the duty, not a programme name ("đến năm 2030") or a citation."""
    before = folded[max(0, m.start() - 12) : m.start()]
    return not re.search(r"(?:den|tu|giai\s+doan|nghi\s+quyet|/)\s*$", before)


def _is_horizon(folded: str, m: re.Match) -> bool:
    """Is "đến năm X" the horizon of a programme or plan named in the same clause?"""
    if not m.group(0).startswith("den n"):
        return False
    clause = re.split(r"[,;.:()]", folded[max(0, m.start() - 120) : m.start()])[-1]
    return HORIZON.search(clause) is not None


def _year_schedule(text: str, m: re.Match) -> Schedule:
    """ "năm 2025" → 31/12/2025; a range "năm 2026 - 2027" → each year end; "… và các năm tiếp theo" →
    that year end, then every year after (recurring)."""
    first = int(m.group(2) or m.group(3))
    last = int(m.group(4)) if m.group(4) else first
    dates = tuple(date(y, 12, 31) for y in range(first, max(first, last) + 1))
    kind = "recurring" if m.group("on") or len(dates) > 1 else "once"
    return Schedule(kind, dates, _phrase(text, [m]))


def _before_date(m: re.Match, year: int) -> date:
    """The last day before the date of a "trước ngày" match."""
    d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return _day(year, d, mo, y) - timedelta(days=1)


def _periodic_dates(periods: str, cal: Calendar) -> tuple[date, ...]:
    """Dates of a "Định kỳ <periods>" phrase, aligned with the plan's reports."""
    words = set(re.findall(r"0?6\s+thang|0?1\s+nam|hang\s+nam|hang\s+quy|nam|quy", periods))
    words = {" ".join(w.split()) for w in words}
    dates: set[date] = set()
    if words & {"6 thang", "06 thang"}:
        dates.add(cal.half_year())
    if words & {"1 nam", "01 nam", "hang nam", "nam"}:
        dates.add(cal.annual())
    if not dates or words & {"hang quy", "quy"}:
        dates.update(cal.dates())
    return tuple(sorted(dates))


def _dash_between(folded: str, first: re.Match, second: re.Match) -> bool:
    """Are two period matches the ends of one range ("… - …", "… đến …")?"""
    return re.fullmatch(r"\s*(?:-|–|den)\s*", folded[first.end() : second.start()]) is not None


def _phrase(text: str, matches: list[re.Match]) -> str:
    """The matched wording as written (first to last match), whitespace-collapsed."""
    return collapse(text[matches[0].start() : matches[-1].end()])


def date_of_cell(text: str, cal: Calendar) -> Schedule:
    """Schedule of a table's deadline cell: the rules above, then bare forms.

    Bare forms: "dd/mm/yyyy" → that day; "Quý I/2023" or "Quý I năm 2023" → quarter end (a range
    "Quý IV/2025 - Quý II/2026" → the end of its last quarter);
    "Tháng 6/2023" or "tháng 6 năm 2023" → month end; "Năm 2023" → 31/12.
    """
    sched = schedule_for(text, cal)
    if sched.phrase or not text.strip():
        return sched
    folded = fold(text)
    phrase = collapse(text)
    m = re.search(r"(?<!\d)" + _DATE, folded)
    if m and m.group(3):
        return Schedule("once", (_day(cal.year, m.group(1), m.group(2), m.group(3)),), phrase)
    quarters = list(re.finditer(r"quy\s+(iv|iii|ii|i|[1-4])(?![a-z])(?:\s*(?:/|nam)\s*(\d{4}))?", folded))
    if quarters:
        # "Quý IV/2025 - Quý II/2026": a period; the work is due when it ends.
        m = (
            quarters[-1]
            if len(quarters) > 1 and _dash_between(folded, quarters[0], quarters[1])
            else quarters[0]
        )
        return Schedule("once", (quarter_end(int(m.group(2) or cal.year), _ROMAN_Q[m.group(1)]),), phrase)
    m = re.search(r"thang\s+(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?", folded)
    if m:
        y, mo = int(m.group(2) or cal.year), int(m.group(1))
        return Schedule("once", (date(y, mo, _calendar.monthrange(y, mo)[1]),), phrase)
    m = YEAR_RANGE.search(folded)
    if m and int(m.group(1)) < int(m.group(2)) <= int(m.group(1)) + 30:
        years = range(int(m.group(1)), int(m.group(2)) + 1)
        return Schedule("recurring", tuple(date(y, 12, 31) for y in years), phrase)
    m = re.search(r"nam\s+(\d{4})", folded)
    if m:
        return Schedule("once", (date(int(m.group(1)), 12, 31),), phrase)
    return sched
