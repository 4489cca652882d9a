"""Progress toward a chỉ tiêu and its status by the deadline: percent, count and yes/no targets."""

from datetime import date

import pytest

from workflows.indicators.progress import (
    IndicatorStatus,
    Measure,
    indicator_status,
    measure_of,
    parse_value,
    progress_pct,
    show_value,
)
from workflows.kernel.errors import InvalidInput

ISSUED, DUE = date(2023, 1, 30), date(2023, 12, 31)


def test_the_kind_of_target_comes_from_the_plan_words():
    assert measure_of("100%", "%") is Measure.percent
    assert measure_of("12", "xã, phường thị trấn") is Measure.count
    assert measure_of("", "") is Measure.yesno


def test_values_are_read_as_typed_in_vietnamese():
    assert parse_value("85", Measure.percent) == 85.0
    assert parse_value("87,5%", Measure.percent) == 87.5
    assert parse_value(" 7 ", Measure.count) == 7.0
    assert parse_value("Đạt", Measure.yesno) == 1.0
    assert parse_value("chưa", Measure.yesno) == 0.0


@pytest.mark.parametrize(
    "text, measure, code",
    [
        ("bảy", Measure.count, "indicator.value_not_number"),
        ("7%", Measure.count, "indicator.value_not_number"),
        ("-3", Measure.count, "indicator.value_not_number"),
        ("120", Measure.percent, "indicator.value_over_100"),
        ("", Measure.percent, "indicator.value_missing"),
        ("có lẽ", Measure.yesno, "indicator.value_not_yesno"),
    ],
)
def test_a_value_that_does_not_fit_the_target_is_refused(text, measure, code):
    with pytest.raises(InvalidInput) as exc:
        parse_value(text, measure)
    assert exc.value.code == code
    assert exc.value.message("vi")  # a Vietnamese sentence for the form


def test_progress_is_a_share_of_the_target_capped_at_100():
    assert progress_pct(6, "12", "xã") == 50.0
    assert progress_pct(15, "12", "xã") == 100.0
    assert progress_pct(85, "100%", "%") == 85.0
    assert progress_pct(None, "12", "xã") is None
    assert progress_pct(1, "", "") == 100.0


def test_status_compares_progress_with_the_time_elapsed():
    mid_year = date(2023, 7, 1)  # ~45% of the year since issue
    assert indicator_status(50.0, Measure.count, ISSUED, DUE, mid_year) is IndicatorStatus.on_track
    assert indicator_status(20.0, Measure.count, ISSUED, DUE, mid_year) is IndicatorStatus.at_risk
    assert indicator_status(100.0, Measure.count, ISSUED, DUE, mid_year) is IndicatorStatus.achieved
    assert indicator_status(None, Measure.count, ISSUED, DUE, mid_year) is IndicatorStatus.no_data
    # the day after the deadline, anything short of the target is missed, even without data
    assert indicator_status(90.0, Measure.count, ISSUED, DUE, date(2024, 1, 1)) is IndicatorStatus.missed
    assert indicator_status(None, Measure.count, ISSUED, DUE, date(2024, 1, 1)) is IndicatorStatus.missed
    assert indicator_status(90.0, Measure.count, ISSUED, DUE, DUE) is IndicatorStatus.on_track


def test_a_yes_no_target_is_at_risk_in_its_last_month():
    assert indicator_status(0.0, Measure.yesno, ISSUED, DUE, date(2023, 11, 1)) is IndicatorStatus.on_track
    assert indicator_status(0.0, Measure.yesno, ISSUED, DUE, date(2023, 12, 10)) is IndicatorStatus.at_risk


def test_values_are_shown_in_the_target_terms():
    assert show_value(7, "12", "xã") == "7 xã"
    assert show_value(87.5, "100%", "%") == "87,5%"
    assert show_value(1, "", "") == "Đạt"
    assert show_value(None, "12", "xã") == "—"
