"""Known points in each bundled country (tests/data/known_points.csv), by the scalar, batch and CLI paths.

The list is data: a place, its coordinates, the pack and units it must get (names of the vintage
the pack uses: Burkina Faso's 2025 régions, so Ouagadougou is in Kadiogo, formerly Centre), whether
it is inside the capital, and a piece of the warning it must carry (empty: no warning). Most come
from the spot checks in the packs' PROVENANCE files; the border points are vertices of the packs'
COD-AB outlines where two countries meet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geo_coi.cli.main import cli
from geo_coi.location import locate, locate_points

KNOWN = pd.read_csv(Path(__file__).parent / "data" / "known_points.csv", dtype=str, keep_default_na=False)
UNITS = ("country", "region", "department", "commune", "capital_subunit")


def expected(row) -> dict:
    return {field: row[field] or None for field in UNITS} | {"inside_capital": row["inside_capital"] == "True"}


def test_the_list_covers_every_pack_and_border():
    assert set(KNOWN["country"]) == {"NER", "MLI", "BFA"}
    assert {"NER-MLI border", "NER-BFA border", "BFA-MLI border"} <= set(KNOWN["place"])
    assert {"Ouagadougou", "Bobo-Dioulasso", "Bamako", "Mopti", "Gao", "Kidal", "Ménaka"} <= set(KNOWN["place"])


@pytest.mark.parametrize("row", KNOWN.to_dict("records"), ids=KNOWN["place"].tolist())
def test_known_point(row):
    found = locate(row["latitude"], row["longitude"])
    assert {field: getattr(found, field) for field in UNITS} | {"inside_capital": found.inside_capital} == expected(row)
    if row["warning"]:
        assert any(row["warning"] in warning for warning in found.warnings), found.warnings
        assert found.uncertain
    else:
        assert found.warnings == ()
    if found.inside_capital:
        assert found.distance_to_capital_km < 0


def test_batch_path_gives_the_known_answers():
    located = locate_points(KNOWN[["place", "latitude", "longitude"]])
    got = [{k: (None if pd.isna(v) else v) for k, v in row.items()}
           for row in located[[*UNITS, "inside_capital"]].to_dict("records")]
    assert got == [expected(row) for row in KNOWN.to_dict("records")]
    assert (located["error"] == "").all()


@pytest.mark.parametrize(("place", "levels"), [
    ("Bamako", {"department": "cercle", "capital_subunit": "commune"}),
    ("Ouagadougou", {"department": "province"}),
    ("Niamey (Séno)", {"department": "department", "capital_subunit": "arrondissement"}),
])
def test_json_names_the_levels_and_keeps_niger_aliases_for_niger_only(place, levels):
    row = KNOWN.set_index("place").loc[place]
    result = CliRunner().invoke(cli, ["locate", "--json", "--", row["latitude"], row["longitude"]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["level_names"].items() >= levels.items()
    assert data["capital"] == {"MLI": "Bamako", "BFA": "Ouagadougou", "NER": "Niamey"}[row["country"]]
    niger = row["country"] == "NER"
    assert ("inside_niamey" in data) is niger and ("arrondissement" in data) is niger
    if niger:
        assert data["inside_niamey"] is data["inside_capital"] is True
        assert data["arrondissement"] == data["capital_subunit"] == "Niamey V"
        assert data["distance_to_niamey_km"] == data["distance_to_capital_km"]
    if row["country"] == "BFA":
        assert "capital_subunit" not in data["level_names"] and data["commune"] is None


def test_country_option_forces_a_pack_and_a_point_outside_every_pack_gets_the_nearest():
    runner = CliRunner()
    forced = json.loads(runner.invoke(cli, ["locate", "--json", "--country", "NER", "--", "16.2666", "-0.04"]).output)
    assert (forced["country"], forced["inside_niger"], forced["nearest_region"]) == ("NER", False, "Tillabéri")
    text = runner.invoke(cli, ["locate", "--", "16.2666", "-0.04"]).output
    assert "Cercle:          Gao (ML0703)" in text and "Inside Bamako:   no" in text
    kano = locate(12.0, 8.52)  # Kano (Nigeria): in no pack; Niger's outline is the nearest
    assert (kano.country, kano.inside_country, kano.nearest_region) == ("NER", False, "Zinder")
    assert 50 < kano.nearest_region_km < 200
    dakar = locate(14.69, -17.44)  # Dakar: Mali is nearest
    assert (dakar.country, dakar.inside_country, dakar.nearest_region) == ("MLI", False, "Kayes")
    bad = runner.invoke(cli, ["locate", "--country", "XYZ", "13", "2"])
    assert bad.exit_code == 1 and "no country pack 'XYZ'" in bad.output + (bad.stderr or "")
