"""How far an indicator (chỉ tiêu) is toward its target, and whether it will be met by its deadline.

- measure: "percent" when the target is a share ("100%"), "count" when it is a number of things
  ("12" xã), "yesno" when the plan states no number ("Giữ vững số bản …");
- a reported value is a percent (0–100), a count (a non-negative number) or yes/no (1/0);
- progress (0–100, capped): the latest accepted value of the OWNER (the lead agency's figure is the
  province's figure; contributors' values are their share, shown beside it) as a share of the
  target (a percent target of 100% reads the value as is);
- status, by the indicator's deadline and `today`:
  `achieved` — progress reached 100%;
  `missed` — the deadline has passed and it has not;
  `no_data` — nothing accepted yet, deadline not passed;
  `on_track` — progress is at least the share of the time elapsed since the plan was issued,
  less a tolerance of 10 points (a yes/no target is on track until its last 30 days);
  `at_risk` — otherwise.
"""

import re
from datetime import date
from enum import StrEnum

from workflows.kernel.errors import InvalidInput

TOLERANCE_POINTS = 10.0
YESNO_WARNING_DAYS = 30
MAX_COUNT = 1_000_000
YES = {"co", "có", "dat", "đạt", "yes", "1", "x", "da dat", "đã đạt", "hoan thanh", "hoàn thành"}
NO = {"khong", "không", "chua", "chưa", "no", "0", "chua dat", "chưa đạt", "khong dat", "không đạt"}
_NUMBER = re.compile(r"^\s*(\d{1,9}(?:[.,]\d{1,4})?)\s*(%?)\s*$")


class Measure(StrEnum):
    percent = "percent"
    count = "count"
    yesno = "yesno"


class IndicatorStatus(StrEnum):
    achieved = "achieved"
    on_track = "on_track"
    at_risk = "at_risk"
    missed = "missed"
    no_data = "no_data"


STATUS_LABELS_VI = {
    IndicatorStatus.achieved: "Đã đạt",
    IndicatorStatus.on_track: "Đúng tiến độ",
    IndicatorStatus.at_risk: "Có nguy cơ không đạt",
    IndicatorStatus.missed: "Không đạt",
    IndicatorStatus.no_data: "Chưa có số liệu",
}


def measure_of(target: str, unit: str) -> Measure:
    """The kind of target a chỉ tiêu states."""
    target = (target or "").strip()
    if target.endswith("%") or unit.strip() == "%":
        return Measure.percent
    if _NUMBER.match(target):
        return Measure.count
    return Measure.yesno


def target_number(target: str, measure: Measure) -> float:
    """'100%' → 100, '12' → 12, a yes/no target → 1."""
    m = _NUMBER.match((target or "").strip())
    if measure is Measure.yesno or not m:
        return 100.0 if measure is Measure.percent else 1.0
    return float(m.group(1).replace(",", "."))


def parse_value(text: str, measure: Measure) -> float:
    """What a focal point typed → the stored value; refuses anything that does not fit the target."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("indicator.value_missing")
    if measure is Measure.yesno:
        folded = raw.lower()
        if folded in YES:
            return 1.0
        if folded in NO:
            return 0.0
        raise InvalidInput("indicator.value_not_yesno", text=raw)
    m = _NUMBER.match(raw)
    if not m or (m.group(2) and measure is not Measure.percent):
        raise InvalidInput("indicator.value_not_number", text=raw)
    value = float(m.group(1).replace(",", "."))
    if measure is Measure.percent and value > 100:
        raise InvalidInput("indicator.value_over_100", text=raw)
    if value > MAX_COUNT:
        raise InvalidInput("indicator.value_too_large", text=raw, max=MAX_COUNT)
    return value


def progress_pct(value: float | None, target: str, unit: str) -> float | None:
    """The value as a share of the target, 0–100 (None when nothing is accepted)."""
    if value is None:
        return None
    measure = measure_of(target, unit)
    goal = target_number(target, measure)
    if goal <= 0:
        return 100.0
    return max(0.0, min(100.0, value * 100.0 / goal))


def indicator_status(
    progress: float | None, measure: Measure, starts_on: date, due_date: date | None, today: date
) -> IndicatorStatus:
    """On track, at risk, missed, achieved or without data (module docstring)."""
    if progress is not None and progress >= 100.0:
        return IndicatorStatus.achieved
    if due_date is not None and today > due_date:
        return IndicatorStatus.missed
    if progress is None:
        return IndicatorStatus.no_data
    if due_date is None:
        return IndicatorStatus.on_track
    if measure is Measure.yesno:
        late = (due_date - today).days < YESNO_WARNING_DAYS
        return IndicatorStatus.at_risk if late else IndicatorStatus.on_track
    span = max(1, (due_date - starts_on).days)
    elapsed = min(1.0, max(0.0, (today - starts_on).days / span))
    expected = 100.0 * elapsed
    return IndicatorStatus.on_track if progress + TOLERANCE_POINTS >= expected else IndicatorStatus.at_risk


def show_value(value: float | None, target: str, unit: str) -> str:
    """A stored value in the target's own terms."""
    if value is None:
        return "—"
    measure = measure_of(target, unit)
    if measure is Measure.yesno:
        return "Đạt" if value >= 1 else "Chưa đạt"
    number = f"{value:.0f}" if value == round(value) else f"{value:.2f}".rstrip("0").replace(".", ",")
    return f"{number}%" if measure is Measure.percent else f"{number} {unit}".strip()
