"""chunked.aggregate_csv reads a plain CSV with the block reader of ingest, anything else with pandas: same counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo_coi import chunked


def _events(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "event_id_cnty": [f"E{i}" for i in range(n)],
        "latitude": rng.uniform(11, 24, n).round(4).astype(str),
        "longitude": rng.uniform(0, 16, n).round(4).astype(str),
        "fatalities": rng.integers(0, 5, n).astype(str),
        "notes": ["a, \"quoted\" note"] * n,  # quoted separators and quotes, still one record a line
    })
    frame.loc[3, "latitude"] = "n/a"
    frame.loc[9, "fatalities"] = ""
    return frame


def test_plain_csv_goes_through_the_block_reader_with_the_counts_of_pandas(tmp_path, monkeypatch):
    frame = _events()
    plain, blank = tmp_path / "plain.csv", tmp_path / "blank.csv"
    frame.to_csv(plain, index=False, lineterminator="\n")
    text = plain.read_text()
    blank.write_text(text.replace("\n", "\n\n", 1))  # a blank line: not plain, pandas reads it (and skips it)

    via_pandas = chunked.aggregate_csv(blank, level="department", tolerance_km=10, chunksize=1000)
    monkeypatch.setattr(chunked, "_chunks", lambda *_a, **_k: pytest.fail("pandas read a plain CSV"))
    via_blocks = chunked.aggregate_csv(plain, level="department", tolerance_km=10)
    pd.testing.assert_frame_equal(via_blocks, via_pandas)
    for key in ("rows_read", "rows_snapped", "rows_outside", "rows_invalid", "fatalities_outside"):
        assert via_blocks.attrs[key] == via_pandas.attrs[key], key
    assert via_blocks.attrs["rows_read"] == len(frame) and via_blocks.attrs["rows_invalid"] == 1
    assert via_blocks["incidents"].sum() > 0


def test_a_file_found_not_plain_part_way_is_counted_once(tmp_path, monkeypatch):
    """A lone CR deep in the file: the block reader gives up and pandas counts the whole file, nothing twice."""
    from geo_coi.sources import _blocks

    frame = _events(n=3000)
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    reference = chunked.aggregate_csv(path, tolerance_km=0)
    lines = path.read_text().split("\n")
    lines[2900] = lines[2900].replace("note", "no\rte")
    path.write_text("\n".join(lines))
    monkeypatch.setattr(_blocks, "BLOCK_BYTES", 16 << 10)
    read = []
    with pytest.raises(_blocks.NotPlain, match="lone CR"):
        for block in chunked._plain_chunks(path, ("latitude", "longitude", "fatalities")):
            read.append(len(block))
    assert sum(read) > 1000  # blocks were counted before the reader gave up
    late = chunked.aggregate_csv(path, tolerance_km=0)
    assert late.attrs["rows_read"] == reference.attrs["rows_read"] == 3000
    np.testing.assert_array_equal(late["incidents"].to_numpy(), reference["incidents"].to_numpy())
