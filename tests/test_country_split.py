"""A multi-country ACLED file split by the coordinates of each event; the file's country column checked.

The file is SYNTHETIC (made here, in ACLED's column names): real coordinates of
towns in the three bundled packs and beyond, invented events.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_coi import country, country_split
from geo_coi.cli.main import cli
from geo_coi.join import account
from geo_coi.sources import read_events

HEADER = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "country", "admin1",
          "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
# id, country column, admin1, admin2, place, lat, lon; line = position + 2 (header is line 1)
ROWS = [
    ("SYN01", "Niger", "Niamey", "Ville de Niamey", "Niamey", 13.5128, 2.1098),
    ("SYN02", "Niger", "Zinder", "Mirriah", "Zinder", 13.8069, 8.9881),
    ("SYN03", "Mali", "Agadez", "Agadez", "Agadez", 16.9742, 7.9911),  # the file says Mali: lies in Niger
    ("SYN04", "Burkina Faso", "Centre", "Kadiogo", "Ouagadougou", 12.3714, -1.5197),
    ("SYN05", "Burkina Faso", "Sahel", "Soum", "Djibo", 14.1022, -1.6306),
    ("SYN06", "Burkina Faso", "Sahel", "Seno", "Dori", 14.0354, -0.0345),
    ("SYN07", "Burkina Faso", "Hauts-Bassins", "Houet", "Bobo-Dioulasso", 11.1772, -4.2979),
    ("SYN08", "Mali", "Bamako", "Bamako", "Bamako", 12.6392, -8.0029),
    ("SYN09", "Mali", "Gao", "Gao", "Gao", 16.2666, -0.0443),
    ("SYN10", "Mali", "Kidal", "Kidal", "Kidal", 18.4411, 1.4078),
    ("SYN11", "Mali", "Mopti", "Mopti", "Mopti", 14.4843, -4.1969),
    ("SYN12", "Nigeria", "Lagos", "Lagos", "Lagos", 6.5244, 3.3792),  # outside every pack
    ("SYN13", "Senegal", "Dakar", "Dakar", "Dakar", 14.6928, -17.4467),  # outside every pack
    ("SYN14", "Niger", "Tillaberi", "Tera", "border", 13.5782, 0.9250),  # 2 km inside BFA's outline
    ("SYN15", "Niger", "Diffa", "Maine-Soroa", "border", 13.3331, 11.2983),  # 4 km outside Niger, in no pack
    ("SYN16", "Nigeria", "Yobe", "Yunusari", "border", 13.3185, 11.5797),  # 1 km outside Niger, in no pack
    ("SYN02", "Niger", "Zinder", "Mirriah", "Zinder", 13.8069, 8.9881),  # identical copy of line 3: merged
    ("SYN17", "Mali", "Gao", "Gao", "Gao", 16.2666, "not a number"),  # rejected by the reader
    ("SYN18", "Niger", "Zinder", "Mirriah", "Zinder", 8.9881, 13.8069),  # latitude/longitude swapped
]
LINE = {row[0]: number for number, row in enumerate(ROWS, start=2) if row[0] != "SYN02" or number == 3}


def _write(path, rows=ROWS):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for event_id, name, admin1, admin2, place, lat, lon in rows:
            writer.writerow([event_id, "2024-10-01", 2024, "Battles", "Armed clash", "Unidentified Armed Group",
                             name, admin1, admin2, place, lat, lon, 1, "SYNTHETIC test data",
                             "SYNTHETIC: invented event at a real place", 1])
    return path


@pytest.fixture(scope="module")
def sahel(tmp_path_factory):
    return _write(tmp_path_factory.mktemp("split") / "sahel_SYNTHETIC.csv")


@pytest.fixture(scope="module")
def read(sahel):
    return read_events(sahel)


@pytest.fixture(scope="module")
def parts(read):
    return country_split.split(read.events)


def _ids(frame):
    return sorted(frame["event_id"])


def test_every_row_is_accounted_for(read, parts):
    summary = read.summary
    assert summary["read"] == len(ROWS) == 19
    assert (summary["rejected"], summary["duplicates_merged"]) == (2, 1)
    assert parts.counts["by_country"] == {"BFA": 4, "MLI": 4, "NER": 6}
    assert len(parts.outside) == 2
    placed = sum(parts.counts["by_country"].values())
    assert summary["read"] == placed + len(parts.outside) + summary["rejected"] + summary["duplicates_merged"]
    # each accepted row in exactly one place
    everywhere = [event for frame in parts.frames.values() for event in frame["event_id"]]
    everywhere += list(parts.outside["event_id"])
    assert sorted(everywhere) == sorted(read.events["event_id"])


def test_each_country_gets_the_events_its_outline_holds(parts):
    assert _ids(parts.take("NER")) == ["SYN01", "SYN02", "SYN03", "SYN14", "SYN15", "SYN16"]
    assert _ids(parts.take("BFA")) == ["SYN04", "SYN05", "SYN06", "SYN07"]
    assert _ids(parts.take("mli")) == ["SYN08", "SYN09", "SYN10", "SYN11"]
    # file order kept inside each country
    assert list(parts.take("NER")["row_number"]) == sorted(parts.take("NER")["row_number"])


def test_outside_every_pack_is_reported_with_its_lines(parts):
    outside = parts.outside
    assert outside["row_number"].tolist() == [LINE["SYN12"], LINE["SYN13"]] == [13, 14]
    assert set(outside["reason"]) == {country_split.OUTSIDE_REASON}
    assert outside["value"].iloc[0] == "latitude 6.5244, longitude 3.3792"


def test_border_events_stay_in_the_country_the_file_names(read, parts):
    rows = dict(zip(read.events["event_id"], range(len(read.events)), strict=False))
    # SYN14 lies 2 km inside Burkina Faso's outline, SYN15 in no outline: both 'Niger' in the file
    assert country.find([0.9250], [13.5782])[0] == "BFA"
    assert parts.assigned[rows["SYN14"]] == parts.assigned[rows["SYN15"]] == "NER"
    assert parts.near_border[rows["SYN14"]] and parts.near_border[rows["SYN15"]]
    # SYN16: the file says Nigeria (no pack); the nearest pack within the tolerance takes it
    assert parts.assigned[rows["SYN16"]] == "NER" and not parts.near_border[rows["SYN16"]]
    # with a tolerance below 2 km, SYN14 is Burkina Faso's and SYN15 (4 km) outside every pack
    tight = country_split.split(read.events, tolerance_km=1.5)
    assert tight.assigned[rows["SYN14"]] == "BFA" and tight.assigned[rows["SYN15"]] == ""
    assert tight.assigned[rows["SYN16"]] == "NER"


def test_country_column_disagreements_have_their_lines(parts):
    rows = parts.agreement
    assert rows["level"].eq("country").all() and rows["kind"].eq("disagreement").all()
    table = rows.set_index("event_id")[["row_number", "source_name", "source_pcode", "joined_pcode", "joined_name"]]
    assert table.loc["SYN03"].tolist() == [LINE["SYN03"], "Mali", "MLI", "NER", "Niger"]
    assert table.loc["SYN16"].tolist() == [LINE["SYN16"], "Nigeria", "", "NER", "Niger"]
    assert sorted(table.index) == ["SYN03", "SYN16"]
    assert parts.agreement_summary["disagree"] == 2 and parts.agreement_summary["agree"] == 12


def test_join_of_one_country_counts_the_others(read):
    joined = country_split.join(read.events, ("NER",))
    assert _ids(joined.events) == ["SYN01", "SYN02", "SYN03", "SYN14", "SYN15", "SYN16"]
    assert {"region_pcode", "department_pcode", "join_status"} <= set(joined.events.columns)
    assert joined.summary["by_country"] == {"NER": 6}
    assert joined.summary["other_countries"] == 8
    assert joined.rejects["row_number"].tolist() == [13, 14]
    counts = account(read.summary, joined.summary, joined.rejects)
    assert counts["accepted"] == 6 and counts["rejected"] == 2 + 2
    assert counts["read"] == (counts["accepted"] + counts["other_countries"] + counts["rejected"]
                              + counts["duplicates_merged"])
    # the country rows concern Niger: SYN03 (said Mali) and SYN16 (said Nigeria) lie in Niger
    assert sorted(joined.agreement.query("level == 'country'")["event_id"]) == ["SYN03", "SYN16"]
    assert set(joined.agreement_summary) == {"country", "region", "department"}


def test_join_of_every_country(read):
    joined = country_split.join(read.events)
    assert joined.summary["by_country"] == {"BFA": 4, "MLI": 4, "NER": 6}
    assert joined.summary["other_countries"] == 0
    # every bundled pack has its admin index: each country's events are joined to its own units
    assert joined.summary["not_joined"] == []
    for iso3 in ("BFA", "MLI", "NER"):
        mine = joined.events[joined.events["region_pcode"].str.startswith(country.get(iso3).pcode_prefix, na=False)]
        assert len(mine) == joined.summary["by_country"][iso3], iso3
    assert list(joined.events["row_number"]) == sorted(joined.events["row_number"])
    counts = account(read.summary, joined.summary, joined.rejects)
    assert counts["accepted"] == 14


def test_a_row_the_file_puts_in_a_kept_country_but_lying_elsewhere_is_rejected(tmp_path):
    rows = [ROWS[0], ("SYN20", "Niger", "Tillaberi", "Tera", "Ouagadougou", 12.3714, -1.5197)]
    events = read_events(_write(tmp_path / "mislabelled.csv", rows)).events
    joined = country_split.join(events, ("NER",))
    assert _ids(joined.events) == ["SYN01"]
    reject = joined.rejects.iloc[0]
    assert (reject["row_number"], reject["reason"]) == (3, country_split.ELSEWHERE_REASON)
    assert reject["value"] == "Burkina Faso (file: Niger)"
    assert joined.summary["other_countries"] == 0
    # for Burkina Faso it is simply one of its events
    assert _ids(country_split.join(events, ("BFA",)).events) == ["SYN20"]


def test_swapped_coordinates_are_found_in_any_pack(read):
    swapped = read.rejects.set_index("event_id").loc["SYN18"]
    assert swapped["reason"] == "latitude/longitude swapped"
    assert swapped["value"].endswith("swapped, the point lies inside Niger; fix the file")


def test_swapped_coordinates_in_mali(tmp_path):
    rows = [ROWS[0], ("SYN21", "Mali", "Gao", "Gao", "Gao", -0.0443, 16.2666)]
    result = read_events(_write(tmp_path / "swapped_mali.csv", rows))
    reject = result.rejects.set_index("event_id").loc["SYN21"]
    assert reject["reason"] == "latitude/longitude swapped"
    assert "lies inside Mali" in reject["value"]


def test_distance_to_an_outline_is_geodesic_km():
    # Kano lies about 100 km south of Niger's border and far from Burkina Faso
    km = country_split.distance_km("NER", np.array([8.5167]), np.array([12.0]))
    assert 80 < km[0] < 120
    assert country_split.distance_km("BFA", np.array([8.5167]), np.array([12.0]))[0] > 500


def test_validate_reports_counts_per_country(sahel):
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(sahel), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    counts = report["counts"]
    assert counts["by_country"] == {"BFA": 4, "MLI": 4, "NER": 6}
    assert counts["outside_packs"] == 2
    assert counts["rejected_by_reason"] == {"non-numeric coordinates": 1, "latitude/longitude swapped": 1,
                                            "outside every country pack": 2}
    assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicates_merged"]
    assert [row["row_number"] for row in report["country_disagreements"]] == [LINE["SYN03"], LINE["SYN16"]]
    text = runner.invoke(cli, ["validate", str(sahel)]).output
    assert "countries (from the coordinates): Burkina Faso 4, Mali 4, Niger 6; outside every country pack 2" in text
    assert f"line {LINE['SYN03']} (SYN03): the file says 'Mali', the coordinates lie in Niger" in text
    only = json.loads(runner.invoke(cli, ["validate", str(sahel), "--country", "MLI", "--json"]).output)["counts"]
    # SYN03, 'Mali' in the file but in Niger, is a reject of a Mali report
    assert (only["accepted"], only["other_countries"], only["by_country"]) == (4, 9, {"MLI": 4})
    assert only["rejected_by_reason"]["in another country pack"] == 1
    assert only["read"] == only["accepted"] + only["other_countries"] + only["rejected"] + only["duplicates_merged"]


def test_validate_in_blocks_gives_the_same_counts(sahel):
    from geo_coi.ingest import check_file

    whole = check_file(sahel, block_bytes=1 << 30)
    blocks = check_file(sahel, block_bytes=256)
    assert blocks.blocks > 1
    assert blocks.join == whole.join
    assert blocks.agreement == whole.agreement
    assert blocks.disagreements["row_number"].tolist() == whole.disagreements["row_number"].tolist()


def test_annex_takes_the_active_countrys_events(sahel, tmp_path):
    from geo_coi import annex
    from geo_coi.config import load_config
    from geo_coi.progress import Progress

    run = annex.AnnexRun(load_config(), "en", sahel, tmp_path / "stage", Progress.silent())
    annex._read_events(run)
    annex._join(run)
    assert _ids(run.events) == ["SYN01", "SYN02", "SYN03", "SYN14", "SYN15", "SYN16"]
    annex._rejects(run)
    manifest = annex._new_manifest(run, tmp_path)
    annex._finish_manifest(manifest, run)
    counts = manifest.counts
    assert (counts["by_country"], counts["other_countries"], counts["outside_packs"]) == ({"NER": 6}, 8, 2)
    assert counts["read"] == (counts["accepted"] + counts["other_countries"] + counts["rejected"]
                              + counts["duplicates_merged"])
    rejects = (tmp_path / "stage" / "data").glob("rejects*.csv")
    lines = sorted(int(line) for path in rejects for line in pd.read_csv(path)["row_number"])
    assert lines == [13, 14, 19, 20]  # outside every pack (2), non-numeric and swapped coordinates
