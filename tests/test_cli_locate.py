"""``geo-coi locate``: human and JSON output, negative numbers, errors, CSV batch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from geo_coi.cli.main import cli


def run(runner, *args):
    return runner.invoke(cli, ["locate", *args])


def test_human_output(runner):
    result = run(runner, "13.4716", "2.0886")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Region:          Niamey (NE008)" in lines
    assert "Arrondissement:  Niamey V (NE008001005)" in lines
    assert any(line.startswith("Inside Niamey:   yes") for line in lines)


def test_json_output(runner):
    result = run(runner, "13.45", "2.17", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["region"], data["department"], data["commune"]) == ("Tillabéri", "Kollo", "Liboré")
    assert data["arrondissement"] is None and data["inside_niamey"] is False
    assert data["distance_to_niamey_km"] > 0
    assert data["nearest_arrondissement"].startswith("Niamey")


@pytest.mark.parametrize("args", [["16.27", "-0.04"], ["--", "16.27", "-0.04"], ["--json", "16.27", "-0.04"]])
def test_negative_numbers(runner, args):
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    output = result.output
    assert "Gao (Gao, Gao): outside Bamako" in output or '"region": "Gao"' in output


def test_geo_precision_option(runner):
    data = json.loads(run(runner, "13.4716", "2.0886", "--json", "--geo-precision", "2").output)
    assert data["uncertain"] is True and data["geo_precision"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2.0886", "13.4716"], "swapped"),
        (["abc", "2"], "latitude 'abc' is not a number"),
        (["100", "2"], "out of range"),
        (["13", "2", "--geo-precision", "9"], "geo_precision '9'"),
        ([], "give a point as LAT LON"),
        (["13"], "give a point as LAT LON"),
    ],
)
def test_bad_input_one_line_error(runner, args, message):
    result = run(runner, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr


def test_csv_batch_is_complete_and_reproducible(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,latitude,longitude\n1,13.4716,2.0886\n2,x,2\n3,14.01,0.75\n", encoding="utf-8")
    outputs = []
    for name in ("a.csv", "b.csv"):
        result = run(runner, "--csv", str(source), "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert "located 2 of 3 rows, 1 with an error" in result.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    table = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    assert table["id"].tolist() == ["1", "2", "3"]
    assert table["capital_subunit"].tolist() == ["Niamey V", "", ""]
    assert "arrondissement" not in table  # the Niger aliases are in the JSON only
    assert table["commune"].tolist()[2] == "Téra"
    assert "not a number" in table["error"].tolist()[1]


def test_csv_with_point_or_missing_file(runner, tmp_path):
    both = run(runner, "13", "2", "--csv", "x.csv")
    assert both.exit_code == 1 and "not both" in both.stderr
    missing = run(runner, "--csv", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read the points file" in missing.stderr
    for extra in (["--json"], ["--geo-precision", "2"]):
        ignored = run(runner, "--csv", str(tmp_path / "nope.csv"), *extra)
        assert ignored.exit_code == 1 and "are for one point" in ignored.stderr, extra
    point_out = run(runner, "13.4716", "2.0886", "--out", str(tmp_path / "out.csv"))
    assert point_out.exit_code == 1 and "--out is for --csv" in point_out.stderr
    assert not (tmp_path / "out.csv").exists()


def test_real_subprocess(tmp_path):
    command = shutil.which("geo-coi")
    argv = [command] if command else [sys.executable, "-m", "geo_coi"]
    done = subprocess.run(
        [*argv, "locate", "13.513", "2.112", "--json"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["arrondissement"] == "Niamey II" and data["inside_niamey"] is True
    bad = subprocess.run(
        [*argv, "locate", "2.112", "13.513"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert bad.returncode == 1 and "swapped" in bad.stderr and "Traceback" not in bad.stderr


def test_large_csv_is_streamed_with_the_same_output(runner, tmp_path, monkeypatch):
    """Above the size limit the CSV is read, located and written by chunks; the output is the same."""
    from geo_coi import locate_stream

    source = tmp_path / "in.csv"
    lines = ["id;latitude;longitude;geo_precision"]
    for i in range(25):
        lines.append(f"{i};{13.3 + i * 0.01:.4f};{2.0 + i * 0.02:.4f};{1 + i % 3}")
    lines += ["25;x;2;1", "", "26;13.5", "27;2.0886;13.4716;", "28;14,01;0.75;1", "29;16.27;-0.04;2"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = run(runner, "--csv", str(source), "--out", str(tmp_path / "whole.csv"))
    assert whole.exit_code == 0, whole.output
    calls = []
    original = locate_stream._chunks

    def counted(*args):
        for chunk in original(*args):
            calls.append(len(chunk))
            yield chunk

    monkeypatch.setattr(locate_stream, "STREAM_BYTES", 10)
    monkeypatch.setattr(locate_stream, "CHUNK_ROWS", 7)
    monkeypatch.setattr(locate_stream, "_chunks", counted)
    streamed = run(runner, "--csv", str(source), "--out", str(tmp_path / "streamed.csv"))
    assert streamed.exit_code == 0, streamed.output
    assert calls == [7, 7, 7, 7, 2]  # 30 rows (the blank line holds none), 7 at a time
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert streamed.stderr.replace("streamed.csv", "whole.csv") == whole.stderr
    table = pd.read_csv(tmp_path / "streamed.csv", dtype=str, keep_default_na=False, sep=",")
    assert table["id"].tolist() == [str(i) for i in range(30)]
    assert "swapped" in table["error"][27] and "decimal point" in table["error"][28]
