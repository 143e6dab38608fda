"""``geo-coi validate``: summary text, JSON, rejects file, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo_coi.cli.main import cli

DATA = Path(__file__).parent / "data"
UCDP = (Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "events"
        / "ucdp_ged251_niger_2015_2024_gednames.csv")


def test_text_summary(runner):
    result = runner.invoke(cli, ["validate", str(UCDP)])
    assert result.exit_code == 0, result.output
    assert "read 575, accepted 575, rejected 0" in result.output
    assert "2 snapped" in result.output
    assert "region: 563 of 565" in result.output


def test_json_summary(runner):
    result = runner.invoke(cli, ["validate", str(UCDP), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["read"]["accepted"] == 575
    assert report["join"]["snapped"] == 2
    assert report["agreement"]["region"]["agree"] == 563


def test_rejects_file_holds_read_and_join_rejects(runner, tmp_path):
    out = tmp_path / "rejects.csv"
    outside = tmp_path / "outside.csv"  # its second event moved from Ouagadougou (a pack) to Lagos (none)
    text = (DATA / "bad" / "outside.csv").read_text(encoding="utf-8")
    assert text.count("12.3714,-1.5197") == 1
    outside.write_text(text.replace("12.3714,-1.5197", "6.5244,3.3792"), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(outside), "--rejects", str(out)])
    assert result.exit_code == 0
    assert "rejected, outside every country pack: 1" in result.output
    rejects = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert rejects["event_id"].tolist() == ["NIG1002"]
    out2 = tmp_path / "coords.csv"
    result = runner.invoke(cli, ["validate", str(DATA / "bad" / "coordinates.csv"), "--rejects", str(out2)])
    assert result.exit_code == 0
    assert "rejected, missing coordinates: 1" in result.output
    assert pd.read_csv(out2)["row_number"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("name", ["empty.csv", "truncated.csv", "no_longitude.csv"])
def test_invalid_file_exits_non_zero_with_one_line(runner, name):
    result = runner.invoke(cli, ["validate", str(DATA / "bad" / name)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and name in result.output
    assert result.output.strip().count("\n") == 0


def test_unwritable_rejects_file_is_one_line(runner, tmp_path):
    out = tmp_path / "no_such_folder" / "rejects.csv"
    result = runner.invoke(cli, ["validate", str(DATA / "bad" / "outside.csv"), "--rejects", str(out)])
    assert result.exit_code == 1
    assert f"cannot write the rejects file {out}" in result.output
    assert "Traceback" not in result.output


PACKS = Path(__file__).resolve().parent.parent / "geo_coi" / "countries"


@pytest.mark.parametrize(("iso3", "finest", "adm2"), [("bfa", "province", "province"), ("mli", "commune", "cercle")])
def test_the_summary_names_the_packs_own_levels(runner, iso3, finest, adm2):
    demo = next((PACKS / iso3 / "demo").glob("*_SYNTHETIC_*.csv"))
    result = runner.invoke(cli, ["validate", str(demo)])
    assert result.exit_code == 0, result.output
    assert f"snapped to the nearest {finest} (" in result.output
    assert f"agreement of the file's {adm2}: " in result.output
    assert "file's department" not in result.output


def test_a_file_of_several_countries_names_each_packs_levels(runner, tmp_path):
    frames = [pd.read_csv(next((PACKS / iso3 / "demo").glob("*_SYNTHETIC_*.csv")), dtype=str).head(30)
              for iso3 in ("bfa", "mli")]
    mixed = tmp_path / "sahel.csv"
    pd.concat(frames, ignore_index=True).to_csv(mixed, index=False)
    result = runner.invoke(cli, ["validate", str(mixed)])
    assert result.exit_code == 0, result.output
    assert "snapped to the nearest province/commune (" in result.output
    assert "agreement of the file's province/cercle: " in result.output
