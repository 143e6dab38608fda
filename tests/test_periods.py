import datetime as dt

import pandas as pd
import pytest

from geo_coi.errors import InputError
from geo_coi.periods import Period, format_date, to_date, year_to_date_label

REPORT = Period(dt.date(2024, 9, 1), dt.date(2025, 5, 30))


def test_parse_accepts_strings_dates_and_timestamps():
    assert Period.parse("2024-09-01", "2025-05-30") == REPORT
    assert Period.parse(dt.date(2024, 9, 1), pd.Timestamp("2025-05-30 13:00")) == REPORT
    assert Period.parse(dt.datetime(2024, 9, 1, 8), " 2025-05-30 ") == REPORT


def test_period_is_frozen_and_hashable():
    with pytest.raises(AttributeError):
        REPORT.start = dt.date(2020, 1, 1)
    assert len({REPORT, Period.parse("2024-09-01", "2025-05-30")}) == 1


@pytest.mark.parametrize("start,end,message", [
    ("2025-05-30", "2024-09-01", "after its end"),
    ("30/05/2025", "2025-06-01", "YYYY-MM-DD"),
    ("", "2025-06-01", "period start"),
])
def test_bad_periods_raise_clear_errors(start, end, message):
    with pytest.raises(InputError, match=message):
        Period.parse(start, end)


def test_constructor_rejects_strings():
    with pytest.raises(InputError, match="Period.parse"):
        Period("2024-09-01", "2025-05-30")


def test_previous_year_is_the_reports_comparison_period():
    assert REPORT.previous_year() == Period.parse("2023-09-01", "2024-05-30")


def test_previous_year_of_29_february():
    leap = Period.parse("2024-02-29", "2024-03-31").previous_year()
    assert leap == Period.parse("2023-02-28", "2023-03-31")


def test_labels_in_three_languages():
    assert REPORT.label("en") == "1 September 2024 – 30 May 2025"
    assert REPORT.label("fr") == "1 septembre 2024 – 30 mai 2025"
    assert REPORT.label("nl") == "1 september 2024 – 30 mei 2025"
    assert REPORT.short_label("nl") == "september 2024 – mei 2025"
    with pytest.raises(InputError, match="language"):
        REPORT.label("de")


def test_months_cover_every_month_touched():
    months = REPORT.months()
    assert months[0] == "2024-09" and months[-1] == "2025-05"
    assert len(months) == 9
    assert Period.parse("2023-05-01", "2025-05-30").months()[:3] == ["2023-05", "2023-06", "2023-07"]
    assert len(Period.parse("2023-05-01", "2025-05-30").months()) == 25
    assert Period.parse("2024-12-31", "2024-12-31").months() == ["2024-12"]


def test_contains_is_inclusive_on_both_ends():
    dates = pd.Series(pd.to_datetime(["2024-08-31", "2024-09-01", "2025-05-30 18:00", "2025-05-31"], format="ISO8601"))
    assert REPORT.contains(dates).tolist() == [False, True, True, False]


def test_coerce():
    assert Period.coerce(None) is None
    assert Period.coerce(REPORT) is REPORT
    assert Period.coerce(("2024-09-01", "2025-05-30")) == REPORT
    with pytest.raises(InputError, match="pair"):
        Period.coerce("2024-09-01")


def test_year_to_date_label_and_format_date():
    assert year_to_date_label(dt.date(2025, 5, 30), "en") == "2025 (to May)"
    assert year_to_date_label(dt.date(2025, 5, 30), "nl") == "2025 (tot mei)"
    assert year_to_date_label(dt.date(2024, 12, 31), "fr") == "2024"
    assert format_date(dt.date(2024, 10, 26), "fr") == "26 octobre 2024"
    assert to_date("2024-02-29") == dt.date(2024, 2, 29)
    assert str(REPORT) == "2024-09-01/2025-05-30"


def test_unknown_language_is_a_clear_error():
    for call in (lambda: year_to_date_label(dt.date(2025, 5, 30), "de"), lambda: REPORT.label("de"),
                 lambda: year_to_date_label(dt.date(2024, 12, 31), "de")):
        with pytest.raises(InputError, match="de"):
            call()


def test_clip_cuts_a_period_to_the_data_and_none_when_apart():
    from geo_coi.periods import Period

    window = Period.parse("2023-05-01", "2025-05-30")
    data = Period.parse("2023-09-12", "2024-05-15")
    assert window.clip(data) == data
    assert Period.parse("2024-01-01", "2024-12-31").clip(data) == Period.parse("2024-01-01", "2024-05-15")
    assert Period.parse("2025-01-01", "2025-05-30").clip(data) is None


def test_month_end_and_data_range():
    import datetime as dt

    import pandas as pd

    from geo_coi.periods import Period, data_range, is_month_end

    assert is_month_end(dt.date(2024, 2, 29)) and not is_month_end(dt.date(2024, 5, 15))
    assert is_month_end(dt.date(2024, 12, 31)) and not is_month_end(dt.date(2025, 5, 30))
    events = pd.DataFrame({"event_date": pd.to_datetime(["2024-05-15", "2023-05-01", None])})
    assert data_range(events) == Period.parse("2023-05-01", "2024-05-15")
    assert data_range(events.iloc[2:]) is None


def test_covered_part_keeps_ends_within_a_week_of_the_data():
    from geo_coi.periods import COVERAGE_SLACK_DAYS, Period, covered_part

    period = Period.parse("2024-09-01", "2025-05-30")
    assert COVERAGE_SLACK_DAYS == 7
    assert covered_part(period, Period.parse("2024-09-03", "2025-05-28")) == period  # ACLED's weekly lag
    assert covered_part(period, Period.parse("2024-09-01", "2025-05-15")) == Period.parse("2024-09-01", "2025-05-15")
    assert covered_part(period, Period.parse("2024-10-01", "2025-06-30")) == Period.parse("2024-10-01", "2025-05-30")
