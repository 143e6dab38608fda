"""The canonical schema: validation helpers and select()."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from geo_coi.errors import InputError
from geo_coi.events import REPORT_EVENT_TYPES, parse_dates, select, validate
from geo_coi.periods import Period
from geo_coi.sources import read_events

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def events():
    return read_events(DATA / "events" / "acled_current.csv").events


def test_parse_dates_three_formats_and_failures():
    parsed = parse_dates(pd.Series(["2024-09-01", "01 September 2024", "01-09-2024", "1 Sep 2024",
                                    "2024-09-01 00:00:00", "", "31-02-2024", "yesterday"]))
    assert parsed[:5].tolist() == [pd.Timestamp("2024-09-01")] * 5
    assert parsed[5:].isna().all()
    # day first: 02-09-2024 is 2 September, not 9 February
    assert parse_dates(pd.Series(["02-09-2024"]))[0] == pd.Timestamp("2024-09-02")


def test_select_period_inclusive(events):
    chosen = select(events, period=("2024-09-03", "2024-10-01"))
    assert chosen["event_id"].tolist() == ["NIG1001", "NIG1002", "NIG1003"]
    same = select(events, period=Period(dt.date(2024, 9, 3), dt.date(2024, 10, 1)))
    assert same["event_id"].tolist() == chosen["event_id"].tolist()
    assert chosen.attrs["source"] == "ACLED"


def test_select_types_precision_and_targeting(events):
    report = select(events, event_types=REPORT_EVENT_TYPES)
    assert "Protests" not in set(report["event_type"]) and len(report) == 5
    assert select(events, event_types="Battles")["event_id"].tolist() == ["NIG1001", "NIG1006"]
    precise = select(events, max_geo_precision=1)
    assert precise["geo_precision"].eq(1).all() and len(precise) == 3
    assert select(events, civilian_targeting=True)["event_id"].tolist() == ["NIG1002", "NIG1003", "NIG1004"]
    assert len(select(events, civilian_targeting=False)) == 3
    both = select(events, event_types=REPORT_EVENT_TYPES, max_geo_precision=2, max_time_precision=1,
                  civilian_targeting=True)
    assert both["event_id"].tolist() == ["NIG1002", "NIG1003", "NIG1004"]


def test_select_drops_unknown_precision_only_when_asked():
    partial = read_events(DATA / "events" / "acled_partial.csv").events
    assert len(select(partial)) == 6
    assert len(select(partial, max_geo_precision=3)) == 0


def test_select_rejects_bad_arguments(events):
    with pytest.raises(InputError, match="Batles"):
        select(events, event_types=["Batles"])
    with pytest.raises(InputError, match="after"):
        select(events, period=("2025-01-01", "2024-01-01"))


def test_validate_accounts_for_every_row():
    fields = pd.DataFrame(
        {
            "event_id": ["A", "B", "C", "", "E"],
            "event_date": ["2024-01-01", "2024-01-02", "bad", "2024-01-03", "2024-01-04"],
            "event_type": ["Battles"] * 5,
            "latitude": ["14.0", "14.0", "14.0", "14.0", "14.0"],
            "longitude": ["1.0", "1.0", "1.0", "1.0", "1.0"],
            "fatalities": ["1", "-2", "0", "0", "2.5"],
        }
    )
    checked = validate(fields, fields.copy(), [2, 3, 4, 5, 6], event_types=REPORT_EVENT_TYPES, source="ACLED")
    assert checked.events["event_id"].tolist() == ["A"]
    reasons = dict(zip(checked.rejects["row_number"], checked.rejects["reason"], strict=False))
    assert reasons == {3: "invalid fatalities", 4: "unparseable date", 5: "missing event_id", 6: "invalid fatalities"}
    assert checked.summary["rejected_by_reason"] == {"missing event_id": 1, "unparseable date": 1,
                                                     "invalid fatalities": 2}
