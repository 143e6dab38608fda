"""Reading event files: layouts, containers, encodings, and the bad-file corpus."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from geo_coi.errors import InputError
from geo_coi.events import CANONICAL_COLUMNS, REJECT_COLUMNS, ROW_NUMBER, UCDP_EVENT_TYPES
from geo_coi.sources import read_events
from geo_coi.style import event_credit

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
EVENTS = DATA / "events"
UCDP_DIR = Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "events"
UCDP = UCDP_DIR / "ucdp_ged251_niger_2015_2024_gednames.csv"
UCDP_REDUCED = UCDP_DIR / "ucdp_ged251_niger_2015_2024_reduced.csv"


@pytest.fixture(scope="module")
def current():
    return read_events(EVENTS / "acled_current.csv")


@pytest.fixture(scope="module")
def ucdp():
    return read_events(UCDP)


def _expected_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_current_export_is_read_completely(current):
    raw = _expected_rows(EVENTS / "acled_current.csv")
    events = current.events
    assert list(events.columns[: len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert events.crs.to_epsg() == 4326
    assert events["event_id"].tolist() == [r["event_id_cnty"] for r in raw]
    assert events["fatalities"].tolist() == [int(r["fatalities"]) for r in raw]
    assert events["latitude"].tolist() == [float(r["latitude"]) for r in raw]
    assert events.geometry.x.tolist() == [float(r["longitude"]) for r in raw]
    assert events["event_date"].dt.strftime("%Y-%m-%d").tolist() == [r["event_date"] for r in raw]
    assert events["geo_precision"].tolist() == [int(r["geo_precision"]) for r in raw]
    assert events["civilian_targeting"].tolist() == [r["civilian_targeting"] == "Civilian targeting" for r in raw]
    assert events[ROW_NUMBER].tolist() == list(range(2, 2 + len(raw)))
    # the source's own columns are kept; colliding names get src_
    assert events["src_source"].eq("Local media").all()
    assert events["src_region"].eq("Western Africa").all()
    assert events["disorder_type"].eq("Political violence").all()
    assert current.summary["read"] == current.summary["accepted"] == len(raw)
    attrs = events.attrs
    assert attrs["source"] == "ACLED" and attrs["synthetic"] is False
    assert attrs["input_file"].endswith("acled_current.csv") and "ACLED" in event_credit(attrs)
    assert "credit" not in attrs  # a presentation line: the maps and tables make it (style.event_credit)


def test_civilian_targeting_spans_event_types(current):
    flagged = current.events[current.events["civilian_targeting"]]
    assert "Explosions/Remote violence" in set(flagged["event_type"])


def test_pre2023_schema_derives_civilian_targeting(current):
    old = read_events(EVENTS / "acled_pre2023.csv")
    assert old.events["event_id"].tolist() == current.events["event_id"].tolist()
    assert old.events["event_date"].tolist() == current.events["event_date"].tolist()
    expected = (old.events["event_type"] == "Violence against civilians").tolist()
    assert old.events["civilian_targeting"].tolist() == expected
    assert any("civilian_targeting" in note for note in old.summary["notes"])
    assert old.events["iso3"].eq("NER").all()


def test_partial_export_fills_missing_columns_with_na():
    partial = read_events(EVENTS / "acled_partial.csv")
    events = partial.events
    assert len(events) == 6
    assert events["fatalities"].isna().all() and events["geo_precision"].isna().all()
    assert events["actor1"].eq("").all()
    assert events["year"].eq(2024).all()


def test_hxl_row_is_skipped_and_lines_still_count(current):
    hxl = read_events(BAD / "hxl.csv")
    assert hxl.events["event_id"].tolist() == current.events["event_id"].tolist()
    assert hxl.events[ROW_NUMBER].tolist() == list(range(3, 9))
    assert any("HXL" in note for note in hxl.summary["notes"])


def test_bom_and_semicolons(current):
    result = read_events(BAD / "bom_semicolon.csv")
    assert result.events["event_id"].tolist() == current.events["event_id"].tolist()
    assert result.events["latitude"].tolist() == current.events["latitude"].tolist()
    assert any("';'" in note for note in result.summary["notes"])


def test_latin1_is_decoded_and_said():
    result = read_events(BAD / "latin1.csv")
    assert result.events["admin1_source"].tolist() == ["Tillabéri"]
    assert result.events["location"].tolist() == ["Téra"]
    assert any("Latin-1" in note for note in result.summary["notes"])


def test_xlsx_from_the_export_tool(tmp_path, current):
    openpyxl = pytest.importorskip("openpyxl")
    rows = _expected_rows(EVENTS / "acled_current.csv")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        cells = dict(row)
        cells["event_date"] = dt.datetime.fromisoformat(row["event_date"])  # a date cell
        cells["latitude"], cells["longitude"] = float(row["latitude"]), float(row["longitude"])
        cells["fatalities"], cells["year"] = int(row["fatalities"]), int(row["year"])
        sheet.append(list(cells.values()))
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = read_events(path)
    assert result.summary["format"] == "xlsx"
    for column in ("event_id", "event_date", "latitude", "fatalities", "civilian_targeting"):
        assert result.events[column].tolist() == current.events[column].tolist(), column


def test_api_json_reads_strings_and_access_date():
    result = read_events(BAD / "api.json")
    assert result.summary["format"] == "json"
    assert result.events["event_id"].tolist() == ["NIG1001", "NIG1002", "NIG1003"]
    assert result.events["fatalities"].tolist() == [12, 5, 3]
    assert result.events.attrs["access_date"] == "2025-06-05"
    reject = result.rejects.iloc[0]
    assert (reject["row_number"], reject["reason"]) == (4, "non-numeric coordinates")
    listed = read_events(BAD / "api_list.json")
    assert listed.events["event_id"].tolist() == ["NIG1001", "NIG1002"]


def test_synthetic_file_is_labelled(tmp_path):
    rows = _expected_rows(EVENTS / "acled_current.csv")
    path = tmp_path / "demo.csv"
    for row in rows:
        row["source"] = "SYNTHETIC demo (not ACLED data)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = read_events(path)
    assert result.events.attrs["synthetic"] is True
    assert result.events["source"].eq("ACLED-schema synthetic demo").all()
    rows[0]["source"] = "Local media"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert read_events(path).events.attrs["synthetic"] is False


def test_ucdp_keeps_its_own_typology(ucdp):
    events = ucdp.events
    assert ucdp.summary["accepted"] == 575 and ucdp.summary["rejected"] == 0
    assert events["source"].eq("UCDP GED").all()
    assert int(events["fatalities"].sum()) == 6064
    counts = events["event_type"].value_counts().to_dict()
    assert counts == {UCDP_EVENT_TYPES[1]: 339, UCDP_EVENT_TYPES[3]: 218, UCDP_EVENT_TYPES[2]: 18}
    assert events["civilian_targeting"].sum() == 218
    assert events["geo_precision"].isna().all() and events["time_precision"].isna().all()
    assert events["event_date"].min() == pd.Timestamp("2015-01-01")
    assert events["event_date"].max() == pd.Timestamp("2024-12-20")


def test_ucdp_reduced_header_gives_the_same_events(ucdp):
    reduced = read_events(UCDP_REDUCED).events
    for column in ("event_id", "event_date", "event_type", "fatalities", "latitude", "admin1_source", "notes"):
        assert reduced[column].tolist() == ucdp.events[column].tolist(), column


def test_row_numbers_are_file_lines_despite_quoted_line_breaks(ucdp):
    lines = UCDP.read_text(encoding="utf-8").split("\n")
    numbers = ucdp.events[ROW_NUMBER].tolist()
    assert numbers[-1] > 576  # the file has quoted line breaks
    for event_id, number in zip(ucdp.events["event_id"], numbers, strict=False):
        assert lines[number - 1].startswith(f"{event_id},")


@pytest.mark.parametrize(
    "name, words",
    [
        ("empty.csv", ["empty"]),
        ("header_only.csv", ["no rows"]),
        ("truncated.csv", ["truncated", "line 7"]),
        ("truncated_quote.csv", ["truncated"]),
        ("wrong_delimiter.csv", ["single column", "semicolons"]),
        ("no_longitude.csv", ["'longitude'"]),
        ("not_a_table.json", ["data"]),
    ],
)
def test_invalid_files_give_one_line_errors(name, words):
    with pytest.raises(InputError) as caught:
        read_events(BAD / name)
    message = str(caught.value)
    assert name in message and "\n" not in message
    for word in words:
        assert word in message


def test_missing_file_and_wrong_source():
    with pytest.raises(InputError, match="no such file"):
        read_events(BAD / "nope.csv")
    with pytest.raises(InputError, match="event_id_cnty"):
        read_events(UCDP, source="acled")


@pytest.mark.parametrize(
    "name, rejected",
    [
        ("coordinates.csv", {2: "non-numeric coordinates", 3: "missing coordinates", 4: "coordinates out of range"}),
        ("swapped.csv", {3: "latitude/longitude swapped"}),
        ("date_formats.csv", {5: "unparseable date"}),
        ("unknown_type.csv", {2: "unknown event type"}),
        ("duplicates.csv", {3: "duplicate event_id with conflicting content",
                            6: "duplicate event_id with conflicting content"}),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(name, rejected):
    result = read_events(BAD / name)
    found = dict(zip(result.rejects["row_number"], result.rejects["reason"], strict=False))
    assert found == rejected
    summary = result.summary
    assert summary["read"] == summary["accepted"] + summary["rejected"] + summary["duplicates_merged"]
    assert sum(summary["rejected_by_reason"].values()) == summary["rejected"]
    assert list(result.rejects.columns[:5]) == list(REJECT_COLUMNS)
    assert not set(result.events[ROW_NUMBER]) & set(rejected)


def test_swapped_coordinates_say_so():
    value = read_events(BAD / "swapped.csv").rejects["value"].iloc[0]
    assert "latitude 0.9167, longitude 14.7333" in value and "swapped" in value


def test_duplicates_merged_and_conflicts_listed():
    result = read_events(BAD / "duplicates.csv")
    assert result.summary["duplicates_merged"] == 1
    assert result.events["event_id"].tolist() == ["NIG1001", "NIG1003", "NIG1004"]
    assert result.rejects["value"].tolist() == ["rows 3, 6 differ"] * 2


def test_three_date_formats_agree():
    result = read_events(BAD / "date_formats.csv")
    assert result.events["event_date"].tolist() == [pd.Timestamp("2024-09-01")] * 3


def test_event_type_case_is_forgiven():
    result = read_events(BAD / "unknown_type.csv")
    assert result.events["event_type"].tolist() == ["Violence against civilians", "Battles"]


def test_write_rejects_is_reproducible(tmp_path):
    result = read_events(BAD / "coordinates.csv")
    first = result.write_rejects(tmp_path / "a.csv").read_bytes()
    second = read_events(BAD / "coordinates.csv").write_rejects(tmp_path / "b.csv").read_bytes()
    assert first == second
    back = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert back["row_number"].tolist() == ["2", "3", "4"]
    assert back["latitude"].tolist() == ["14.0144N", "14.7333", "95.2"]


def test_decimal_commas_and_merged_copies_of_bad_rows(tmp_path):
    path = tmp_path / "european.csv"
    path.write_text(
        "event_id_cnty;event_date;event_type;latitude;longitude\n"
        "X1;2024-01-01;Battles;14,0144;0,7531\n"
        "X2;2024-01-01;Battles;abc;1\n"
        "X2;2024-01-01;Battles;abc;1\n",
        encoding="utf-8",
    )
    result = read_events(path)
    assert result.events["latitude"].tolist() == [14.0144]
    assert result.summary == {**result.summary, "read": 3, "accepted": 1, "rejected": 1, "duplicates_merged": 1}
    assert result.rejects["row_number"].tolist() == [3]


def test_ucdp_precision_columns_when_present(tmp_path, ucdp):
    frame = pd.read_csv(UCDP, dtype=str, keep_default_na=False).head(4)
    frame["where_prec"] = ["1", "2", "4", "7"]
    frame["date_prec"] = ["1", "1", "3", "5"]
    frame.loc[3, "type_of_violence"] = "4"
    path = tmp_path / "ged_full.csv"
    frame.to_csv(path, index=False)
    result = read_events(path)
    assert result.events["geo_precision"].tolist() == [1, 2, 4]
    assert result.events["time_precision"].tolist() == [1, 1, 3]
    assert result.rejects["reason"].tolist() == ["unknown event type"]
    assert result.events["event_type"].tolist() == ucdp.events["event_type"].head(3).tolist()
    assert not [note for note in result.summary["notes"] if "precision unknown" in note]


def test_ucdp_precision_note_names_the_missing_column(tmp_path, ucdp):
    assert "no where_prec/date_prec: precision unknown (<NA>)" in ucdp.summary["notes"]
    frame = pd.read_csv(UCDP, dtype=str, keep_default_na=False).head(2)
    frame["where_prec"] = ["1", "2"]
    path = tmp_path / "ged_where_prec_only.csv"
    frame.to_csv(path, index=False)
    result = read_events(path)
    assert "no date_prec: precision unknown (<NA>)" in result.summary["notes"]
    assert result.events["time_precision"].isna().all()


def test_old_mac_line_ends_and_crlf_read_like_the_original(tmp_path, current):
    text = (EVENTS / "acled_current.csv").read_text(encoding="utf-8")
    for name, ends in (("mac.csv", "\r"), ("windows.csv", "\r\n")):
        path = tmp_path / name
        path.write_bytes(text.replace("\n", ends).encode("utf-8"))
        result = read_events(path)
        assert result.events["event_id"].tolist() == current.events["event_id"].tolist(), name
        assert result.events[ROW_NUMBER].tolist() == current.events[ROW_NUMBER].tolist(), name
        assert result.events["notes"].tolist() == current.events["notes"].tolist(), name


def test_api_json_with_byte_order_mark_and_another_suffix(tmp_path):
    path = tmp_path / "acled_download.txt"
    path.write_bytes(b"\xef\xbb\xbf" + (BAD / "api.json").read_bytes())
    result = read_events(path)
    assert result.summary["format"] == "json"
    assert result.events["event_id"].tolist() == ["NIG1001", "NIG1002", "NIG1003"]
