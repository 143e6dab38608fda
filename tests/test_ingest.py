"""Reading at scale: the fast block reader and the streamed check give the answers of the exact, whole-file path."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_coi.country_split import join as join_split
from geo_coi.errors import InputError
from geo_coi.ingest import check_file
from geo_coi.sources import _blocks, _table, read_events

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
DEMO = ROOT / "geo_coi" / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
CORPUS = sorted([*DATA.rglob("*.csv"), *(ROOT / "geo_coi" / "data").rglob("*.csv")])


def _problems(table):
    return table.problems if table.problems is not None else _table.no_problems(len(table.frame))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_plain_reader_agrees_with_the_exact_reader(path):
    try:
        fast = _table.read_plain_csv(path)
    except InputError as error:
        with pytest.raises(InputError, match=str(error)[-40:].replace("(", r"\(").replace(")", r"\)")):
            _table._read_csv(path, path.read_bytes())
        return
    if fast is None:
        return  # not plain: only the exact reader reads it
    exact = _table._read_csv(path, path.read_bytes())
    pd.testing.assert_frame_equal(fast.frame, exact.frame)
    np.testing.assert_array_equal(fast.row_numbers, exact.row_numbers)
    assert fast.notes == exact.notes
    pd.testing.assert_frame_equal(_problems(fast).reset_index(drop=True), _problems(exact).reset_index(drop=True))


def _is_plain(path) -> bool:
    try:
        return _table.read_plain_csv(path) is not None
    except InputError:
        return False


def test_most_of_the_corpus_is_plain():
    plain = [p for p in CORPUS if _is_plain(p)]
    assert DEMO in plain
    assert len(plain) >= len(CORPUS) // 2


@pytest.mark.parametrize("body", [
    b'a,b\n"x\ny",1\n',        # a quoted line break
    b"a,b\nx,1\n\ny,2\n",      # a blank line
    b"a,b\nx,1\ry,2\n",        # a lone CR
    b"a,b\n\xe9t\xe9,1\n",     # Latin-1
    b'a,b\n"x"y,1\n',          # a quote csv's strict mode refuses and pyarrow would read as xy
    b'a,b\n""x,1\n',
    b"a,b\nx\n",               # a short row
    b"a,b\nx,1,2\n",           # a long row
    b"a,b,\nx,1,\n",           # a separator ending every line
])
def test_irregular_files_are_left_to_the_exact_reader(tmp_path, body):
    path = tmp_path / "odd.csv"
    path.write_bytes(body)
    assert _table.read_plain_csv(path) is None


def test_blocks_number_lines_exactly_across_block_ends(tmp_path):
    path = tmp_path / "lines.csv"
    rows = [f'E{i},"note, with ""quotes"" {i}"' for i in range(1, 2001)]
    path.write_bytes(("id,notes\r\n" + "\r\n".join(rows)).encode())  # CRLF, no final line end
    head, columns, _ = _table.plain_csv_header(path)
    seen = []
    for block, first in _blocks.blocks(head, columns, block_bytes=777):
        ids = block.column("id").to_pylist()
        seen += [(first + k, value) for k, value in enumerate(ids)]
    assert seen == [(i + 1, f"E{i}") for i in range(1, 2001)]
    assert _table.read_plain_csv(path).frame["notes"].iloc[-1] == 'note, with "quotes" 2000'


def _acled_file(path: Path, us_dates=False) -> Path:
    """The demo events with every kind of row the accounting knows, spread over the file."""
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(7)
    rows = demo.iloc[rng.integers(0, len(demo), 1500)].reset_index(drop=True)
    rows["event_id_cnty"] = [f"T{i:05d}" for i in range(len(rows))]
    rows.loc[10, "latitude"] = "n/a"
    rows.loc[20, "longitude"] = "40.0"
    rows.loc[30, "fatalities"] = ""
    rows.loc[40, "event_type"] = "Picnic"
    rows.loc[50, "event_id_cnty"] = " "
    rows.loc[60, "event_date"] = "2024-02-30"
    if us_dates:
        rows["event_date"] = pd.to_datetime(rows["event_date"], errors="coerce").dt.strftime("%m/%d/%Y").fillna("x")
    first_copy, far_copy = rows.iloc[[5]].copy(), rows.iloc[[1400]].copy()
    clash = rows.iloc[[700]].copy()
    clash["fatalities"] = "99"
    spaced = rows.iloc[[900]].copy()
    spaced["event_id_cnty"] = " " + spaced["event_id_cnty"] + "\u00a0"  # the same id once stripped
    header = pd.DataFrame([demo.columns], columns=demo.columns)
    parts = [rows.iloc[:800], far_copy, header, rows.iloc[800:], first_copy, clash, spaced]
    pd.concat(parts, ignore_index=True).to_csv(path, index=False, lineterminator="\n")
    return path


def _whole(path, **options):
    read = read_events(path, date_format=options.get("date_format"))
    return read, join_split(read.events)  # split by country, each country joined


def _assert_same(checked, read, joined):
    assert checked.read == read.summary
    assert checked.join == joined.summary
    assert checked.agreement == joined.agreement_summary
    for mine, theirs in ((checked.rejects, read.rejects), (checked.join_rejects, joined.rejects),
                         (checked.duplicates, read.duplicates)):
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("us_dates", [False, True])
def test_streamed_check_equals_reading_the_file_whole(tmp_path, us_dates):
    path = _acled_file(tmp_path / "events.csv", us_dates)
    checked = check_file(path, block_bytes=50_000)
    assert checked.blocks > 10
    _assert_same(checked, *_whole(path))
    summary = checked.read
    assert summary["read"] == summary["accepted"] + summary["rejected"] + summary["duplicates_merged"]
    assert summary["duplicates_merged"] == 2  # rows 5 and 1400 copied verbatim
    assert set(summary["rejected_by_reason"]) >= {"missing event_id", "non-numeric coordinates",
                                                  "unknown event type", "unparseable date", "repeated header row",
                                                  "duplicate event_id with conflicting content"}
    lines = pd.read_csv(path, dtype=str, keep_default_na=False)
    for reject in checked.rejects.itertuples():  # every line number points at the row rejected
        assert lines.iloc[reject.row_number - 2]["event_id_cnty"].strip() == reject.event_id.strip()
    assert checked.join_rejects["event_id"].tolist() == ["T00020"]


def test_streamed_check_of_hxl_and_irregular_files_matches(tmp_path):
    for name in ("hxl.csv", "bom_semicolon.csv", "duplicates.csv", "date_formats.csv", "latin1.csv"):
        path = DATA / "bad" / name
        checked = check_file(path, block_bytes=64)
        _assert_same(checked, *_whole(path))


def test_streamed_check_of_ucdp_matches(tmp_path):
    bundled = ROOT / "geo_coi" / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
    assert check_file(bundled, block_bytes=20_000).blocks == 0  # quoted line breaks: read whole
    ged = pd.read_csv(bundled, dtype=str, keep_default_na=False).replace(r"[\r\n]+", " ", regex=True)
    path = tmp_path / "ged.csv"
    ged.to_csv(path, index=False, lineterminator="\n")
    checked = check_file(path, block_bytes=20_000)
    assert checked.blocks > 3
    _assert_same(checked, *_whole(path))
    assert checked.read["source"] == "UCDP GED" and checked.read["accepted"] == 575


@pytest.mark.parametrize("path", [p for p in CORPUS if "bad" in p.parts or "generated" in p.parts],
                         ids=lambda p: p.name)
def test_streamed_check_fails_like_the_whole_read(path):
    try:
        expected = _whole(path)
    except InputError as error:
        with pytest.raises(InputError) as raised:
            check_file(path, block_bytes=256)
        assert str(raised.value) == str(error)
        return
    _assert_same(check_file(path, block_bytes=256), *expected)


def test_ambiguous_dates_stop_the_streamed_check_too(tmp_path):
    path = tmp_path / "slashed.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["event_id_cnty", "event_date", "event_type", "latitude", "longitude"])
    writer.writerows([[f"A{i}", f"0{1 + i % 9}/0{1 + i % 7}/2024", "Battles", "13.5", "2.1"] for i in range(200)])
    path.write_text(out.getvalue())
    with pytest.raises(InputError, match="could be day/month or month/day"):
        check_file(path, block_bytes=500)
    checked = check_file(path, block_bytes=500, date_format="%m/%d/%Y")
    assert checked.read["accepted"] == 200 and checked.blocks > 5
    assert "dates read with --date-format %m/%d/%Y" in checked.read["notes"]


def test_without_pyarrow_csv_files_are_read_whole(monkeypatch):
    expected = check_file(DEMO)
    assert expected.blocks == 1
    # pandas itself needs pyarrow once it is installed: block only the CSV reader the fast path uses
    monkeypatch.setitem(sys.modules, "pyarrow.csv", None)  # importing it now raises ImportError
    assert _table.read_plain_csv(DEMO) is None
    checked = check_file(DEMO)
    assert checked.blocks == 0
    assert checked.read == expected.read and checked.agreement == expected.agreement


@pytest.mark.parametrize("cut", ["mid-timestamp", "junk", "blank"])
def test_a_last_row_cut_in_its_timestamp_is_rejected_on_its_line(tmp_path, cut):
    """A file cut off inside its last field keeps every column, so only the timestamp shows the damage:
    it is a reject on its true line, in the whole read and the streamed check, never a "data as of" date."""
    lines = DEMO.read_bytes().splitlines(keepends=True)[:41]  # header + 40 rows, the last on line 41
    assert lines[0].rstrip().endswith(b",timestamp")
    stamp = lines[-1].rstrip(b"\n").rsplit(b",", 1)[1]
    assert stamp.isdigit() and len(stamp) == 10
    last = lines[-1].rstrip(b"\n")[: -len(stamp)]
    last += {"mid-timestamp": stamp[:4], "junk": stamp[:6] + b"\x00\x00", "blank": b""}[cut]  # no line end
    path = tmp_path / "cut.csv"
    path.write_bytes(b"".join(lines[:-1]) + last)
    read, joined = _whole(path)
    assert read.rejects["row_number"].tolist() == [41]
    assert read.rejects["reason"].tolist() == ["invalid timestamp"]
    assert read.rejects["field"].tolist() == ["timestamp"]
    shown = {"mid-timestamp": stamp[:4].decode(), "junk": (stamp[:6] + b"\x00\x00").decode(), "blank": "(blank)"}[cut]
    assert read.rejects["value"].iloc[0] == f"{shown}: not a Unix time from 2000 to 2099 (a row cut short?)"
    assert read.summary["read"] == 40 and read.summary["accepted"] == 39
    assert 41 not in read.events["row_number"].tolist()
    checked = check_file(path, block_bytes=2_000)
    assert checked.blocks > 3
    _assert_same(checked, read, joined)
    assert checked.read["rejected_by_reason"] == {"invalid timestamp": 1}


@pytest.mark.parametrize(("stamp", "ok"), [("946684800", True), ("4102444799", True), ("946684799", False),
                                           ("4102444800", False), ("1.7e9", False), ("-1718000000", False),
                                           (" 1718000000 ", True), ("17180000000000", False)])
def test_timestamps_outside_2000_to_2099_are_rejected(tmp_path, stamp, ok):
    frame = pd.read_csv(DEMO, dtype=str, keep_default_na=False).head(3)
    frame.loc[1, "timestamp"] = stamp
    path = tmp_path / "stamps.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    read = read_events(path)
    assert read.rejects["row_number"].tolist() == ([] if ok else [3])
    assert read.summary["accepted"] == (3 if ok else 2)
