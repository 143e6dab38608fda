"""Hostile inputs (issue 11, sections 1 and 2): every row accepted or rejected with a reason, or one clear error.

The files are tests/data/bad/generated/, written from the SYNTHETIC demo export
by tests/data/make_bad_inputs.py (checked here to be reproducible).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo_coi.cli.main import cli
from geo_coi.errors import InputError
from geo_coi.sources import read_events

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad" / "generated"
sys.path.insert(0, str(DATA))
import make_bad_inputs  # noqa: E402

ERRORS = {
    "ambiguous_dates.csv": "could be day/month or month/day: no day is above 12; pass --date-format",
    "mixed_dates.csv": "holds both day-first and month-first dates ('13/01/2024' and '01/13/2024')",
    "utf16_odd.csv": "UTF-16 text of 12201 bytes that does not decode",
    "deep.json": "the JSON is nested too deeply",
    "xlsx_different_headers.xlsx": "the sheets 'A', 'B' hold events under different headers",
}
# file -> {line: (reason, value)} of every reject (a list of (line, reason, value) where a line has two)
REJECTS = {
    "dates_out_of_range.csv": {2: ("date out of range", "0202-05-01"), 3: ("date out of range", "2302-05-01"),
                               4: ("date out of range", "0001-01-01"), 5: ("date out of range", "9999-12-31")},
    "fatalities_overflow.csv": {2: ("invalid fatalities", "inf"), 3: ("invalid fatalities", "99999999999999999999"),
                                4: ("invalid fatalities", "9223372036854775808")},
    "precision_garbage.csv": {2: ("invalid geo_precision", "inf"), 3: ("invalid geo_precision", "1e30"),
                              4: ("invalid geo_precision", "x"), 5: ("invalid geo_precision", "2.5"),
                              6: ("invalid time_precision", "inf"), 7: ("invalid time_precision", "1e30"),
                              8: ("invalid time_precision", "9")},
    "civilian_targeting_yes.csv": {
        2: ("invalid civilian_targeting", 'Yes: ACLED writes "Civilian targeting" or leaves it blank'),
        3: ("invalid civilian_targeting", 'no: ACLED writes "Civilian targeting" or leaves it blank')},
    "short_rows.csv": {4: ("truncated row", "24 of 31 fields"), 7: ("truncated row", "22 of 31 fields"),
                       8: ("truncated row", "14 of 31 fields")},
    "extra_field.csv": {3: ("extra fields", "32 of 31 fields")},
    "lone_cr.csv": [(5, "truncated row", "14 of 31 fields"), (5, "truncated row", "22 of 31 fields")],
    "whitespace_line.csv": {8: ("unknown event type", "Skirmish")},
    "concatenated.csv": {7: ("repeated header row", "two files joined?")},
    "all_rejected.csv": dict.fromkeys(range(2, 12), ("unknown event type", "Skirmish")),
}
NOTES = {
    "one_cp1252_line.csv": "not UTF-8 on line 4: decoded as Windows-1252/Latin-1 there, UTF-8 elsewhere",
    "bom_then_latin1.csv": "not UTF-8 on line 4: decoded as Windows-1252/Latin-1 there, UTF-8 elsewhere",
    "geo_coi_string.json": "the 'geo_coi' member is not an object (str): ignored, no access date",
    "after_access_date.json": "2 events dated after the access date 2025-03-13: lines 9, 10",
    "blank_fatalities.csv": "fatalities blank (unknown, not 0) on 2 accepted rows: lines 2, 3",
    "xlsx_formulas.xlsx": "fatalities blank (unknown, not 0) on 2 accepted rows: lines 2, 3",
    "no_fatalities_column.csv": "no fatalities column: every event's fatalities are unknown (<NA>), not 0",
    "duplicate_columns.csv": "column 'fatalities' appears 2 times (columns 29, 32): the first is used",
    "trailing_comma.csv": "a separator ends lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11: the empty extra field is ignored",
    "trailing_comma_all.csv": "a separator ends every line: the empty last column is ignored",
    "us_dates.csv": "numeric dates are month first (US order",
    "xlsx_serial_dates.xlsx": "10 Excel serial date numbers in 'event_date' read as dates",
    "xlsx_readme_first.xlsx": "Excel workbook: read sheet 'Data'; skipped 'README' (no events header)",
    "xlsx_two_sheets.xlsx": "Excel workbook: read sheets '2024', '2025'; skipped 'README' (no events header)",
}
READABLE = sorted(p.name for p in BAD.iterdir() if p.name not in ERRORS)


def _sample_frame():
    header, rows = make_bad_inputs.sample()
    return pd.DataFrame(rows, columns=header)


def _data_rows(path: Path) -> int:
    """Data rows of a file counted without geo_coi: csv module, openpyxl, json."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        sheets = [s for s in book.worksheets if "event_type" in [c.value for c in next(s.iter_rows(max_row=1))]]
        return sum(sum(1 for r in s.iter_rows(min_row=2) if any(c.value is not None for c in r)) for s in sheets)
    data = path.read_bytes()
    if path.suffix == ".json":
        return len(json.loads(data)["data"])
    text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    return len(rows) - 1


def test_generator_reproduces_the_committed_corpus():
    made = make_bad_inputs.cases()
    assert sorted(made) == sorted(p.name for p in BAD.iterdir())
    for name, data in made.items():
        assert (BAD / name).read_bytes() == data, name


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unusable_files_give_one_line_errors(name):
    with pytest.raises(InputError) as caught:
        read_events(BAD / name)
    message = str(caught.value)
    assert ERRORS[name] in message
    assert message.startswith(str(BAD / name)) and "\n" not in message


@pytest.mark.parametrize("name", READABLE)
def test_every_row_is_accounted_for(name):
    result = read_events(BAD / name)
    s = result.summary
    assert s["read"] == _data_rows(BAD / name)
    assert s["read"] == s["accepted"] + s["rejected"] + s["duplicates_merged"]
    assert len(result.events) == s["accepted"] and len(result.rejects) == s["rejected"]
    expected = REJECTS.get(name, {})
    if isinstance(expected, dict):
        expected = [(line, *outcome) for line, outcome in expected.items()]
    got = [(int(r.row_number), r.reason, r.value) for r in result.rejects.itertuples()]
    assert sorted(got) == sorted(expected)
    if name in NOTES:
        assert any(NOTES[name] in note for note in s["notes"]), s["notes"]


def test_lone_cr_rejects_both_pieces_on_the_line_an_editor_shows():
    result = read_events(BAD / "lone_cr.csv")
    assert result.rejects[["row_number", "reason", "value"]].values.tolist() == [
        [5, "truncated row", "22 of 31 fields"], [5, "truncated row", "14 of 31 fields"]]
    assert list(result.events["row_number"]) == [2, 3, 4, 6, 7, 8, 9, 10, 11]


def test_out_of_range_and_overflow_rows_keep_the_others_intact():
    result = read_events(BAD / "fatalities_overflow.csv")
    sample = _sample_frame()
    assert list(result.events["event_id"]) == list(sample["event_id_cnty"][3:])
    assert list(result.events["fatalities"]) == [int(v) for v in sample["fatalities"][3:]]


def test_per_line_decoding_keeps_utf8_names():
    result = read_events(BAD / "one_cp1252_line.csv")
    assert set(result.events["admin1_source"]) == {"Tillabéri"}
    assert all("Ã" not in text for text in result.events["location"])  # UTF-8 lines not turned to mojibake
    sample = _sample_frame()
    assert list(result.events["location"]) == list(sample["location"])


def test_us_dates_are_read_month_first():
    result = read_events(BAD / "us_dates.csv")
    sample = _sample_frame()
    assert list(result.events["event_date"].dt.strftime("%Y-%m-%d")) == list(sample["event_date"])


def test_date_format_settles_an_ambiguous_file():
    result = read_events(BAD / "ambiguous_dates.csv", date_format="%m/%d/%Y")
    assert list(result.events["event_date"].dt.strftime("%m-%d")) == [f"{m:02d}-{m + 1:02d}" for m in range(1, 11)]
    for wrong in ("%Q", "%Y", "%m/%Y"):
        with pytest.raises(InputError, match="is not a strftime format with day, month and year"):
            read_events(BAD / "ambiguous_dates.csv", date_format=wrong)
    day_first = read_events(BAD / "ambiguous_dates.csv", date_format="%d/%m/%Y")
    assert list(day_first.events["event_date"].dt.strftime("%m-%d")) == [f"{m + 1:02d}-{m:02d}" for m in range(1, 11)]


def test_excel_serial_dates_and_sheets():
    sample = _sample_frame()
    serial = read_events(BAD / "xlsx_serial_dates.xlsx")
    assert list(serial.events["event_date"].dt.strftime("%Y-%m-%d")) == list(sample["event_date"])
    two = read_events(BAD / "xlsx_two_sheets.xlsx")
    assert list(two.events["event_id"]) == list(sample["event_id_cnty"])
    assert list(two.events["sheet"]) == ["2024"] * 6 + ["2025"] * 4
    assert list(two.events["row_number"]) == list(range(2, 8)) + list(range(2, 6))
    one = read_events(BAD / "xlsx_one_sheet.xlsx")
    assert not any("sheet" in note for note in one.summary["notes"])


def test_trailing_comma_keeps_the_ids():
    sample = _sample_frame()
    for name in ("trailing_comma.csv", "trailing_comma_all.csv"):
        result = read_events(BAD / name)
        assert list(result.events["event_id"]) == list(sample["event_id_cnty"])
        assert list(result.events["longitude"]) == [float(v) for v in sample["longitude"]]


def test_blank_fatalities_stay_unknown():
    result = read_events(BAD / "blank_fatalities.csv")
    assert result.summary["unknown_fatalities"] == 2
    assert result.events["fatalities"].isna().tolist() == [True, True] + [False] * 8


def test_duplicate_column_uses_the_first():
    result = read_events(BAD / "duplicate_columns.csv")
    assert list(result.events["fatalities"]) == [int(v) for v in _sample_frame()["fatalities"]]


def test_validate_counts_duplicates_and_join_rejects(runner, tmp_path):
    rejects = tmp_path / "rejects.csv"
    path = BAD / "duplicate_and_outside.csv"
    # every country: line 5 (Ouagadougou, the file says Niger) is Burkina Faso's
    every = json.loads(runner.invoke(cli, ["validate", str(path), "--json"]).output)
    assert (every["counts"]["accepted"], every["counts"]["rejected"]) == (10, 0)
    assert every["counts"]["by_country"] == {"BFA": 1, "NER": 9}
    assert every["country_disagreements"] == [{"row_number": 5, "event_id": "NIG00480", "file_country": "Niger",
                                               "country": "BFA"}]
    # Niger's events only (as the Niger annex): that row is rejected
    result = runner.invoke(cli, ["validate", str(path), "--country", "NER", "--rejects", str(rejects), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    counts = report["counts"]
    assert counts["read"] == _data_rows(path) == 11
    assert (counts["accepted"], counts["rejected"], counts["duplicates_merged"]) == (9, 1, 1)
    assert counts["rejected_by_reason"] == {"in another country pack": 1}
    assert pd.read_csv(rejects)["row_number"].tolist() == [5]
    duplicates = pd.read_csv(tmp_path / "duplicates.csv")
    assert duplicates[["row_number", "same_as_row"]].values.tolist() == [[3, 2]]
    text = runner.invoke(cli, ["validate", str(path), "--country", "NER"]).output
    assert "read 11, accepted 9, rejected 1, identical duplicates merged 1, unknown fatalities 0" in text


def test_validate_fails_when_nothing_is_accepted(runner):
    result = runner.invoke(cli, ["validate", str(BAD / "all_rejected.csv")])
    assert result.exit_code == 1
    assert "no row accepted (all 10 rejected or merged)" in result.output
    assert "Traceback" not in result.output


def test_validate_date_format_option(runner):
    path = str(BAD / "ambiguous_dates.csv")
    refused = runner.invoke(cli, ["validate", path])
    assert refused.exit_code == 1 and "pass --date-format" in refused.output
    assert "Traceback" not in refused.output
    taken = runner.invoke(cli, ["validate", path, "--date-format", "%m/%d/%Y", "--json"])
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.output)["counts"]["accepted"] == 10


def _annex_run(path, tmp_path):
    from geo_coi import annex as annex_module
    from geo_coi.config import load_config
    from geo_coi.progress import Progress

    run = annex_module.AnnexRun(load_config(), "en", path, tmp_path / "stage", Progress.silent())
    annex_module._read_events(run)
    annex_module._join(run)
    return annex_module, run


def test_annex_stops_when_nothing_is_accepted(tmp_path):
    with pytest.raises(InputError) as caught:
        _annex_run(BAD / "all_rejected.csv", tmp_path)
    assert "no row accepted (read 10: rejected 10, merged 0)" in str(caught.value)


def test_annex_counts_match_validate_and_list_duplicates(tmp_path, runner):
    path = BAD / "duplicate_and_outside.csv"
    annex_module, run = _annex_run(path, tmp_path)
    annex_module._rejects(run)
    manifest = annex_module._new_manifest(run, tmp_path)
    annex_module._finish_manifest(manifest, run)
    validate = json.loads(runner.invoke(cli, ["validate", str(path), "--country", "NER", "--json"]).output)["counts"]
    for key in ("read", "accepted", "rejected", "duplicates_merged", "rejected_by_reason"):
        assert manifest.counts[key] == validate[key], key
    duplicates = pd.read_csv(tmp_path / "stage" / "data" / "duplicates.csv")
    assert duplicates[["row_number", "same_as_row"]].values.tolist() == [[3, 2]]
