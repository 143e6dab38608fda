"""Boundary vintages: names of an earlier vintage told from real disagreements (Burkina Faso's 2025 reform).

The events are SYNTHETIC rows at real towns, carrying the 2020 IGB names (13
régions, 45 provinces) or the 2025 ones (17/47) as ACLED and UCDP do; their
joined units come from the pack's 2025 polygons.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo_coi import boundaries, country, vintages
from geo_coi.errors import ConfigError
from geo_coi.join import agreement

# event, admin1, admin2 as the source writes them, lat, lon
ROWS = [
    ("DORI20", "Sahel", "Seno", 14.0354, -0.0345),  # 2020 région, province unchanged -> Liptako / Séno
    ("DJIBO20", "Sahel", "Soum", 14.1022, -1.6306),  # 2020 Soum province, split 2025 -> Soum / Djelgodji
    ("OUAGA20", "Centre", "Kadiogo", 12.3714, -1.5197),  # 2020 Centre -> Kadiogo (same P-code BF13)
    ("BOBO20", "Hauts-Bassins", "Houet", 11.1772, -4.2979),  # -> Guiriko / Houet
    ("KAYA20", "Centre-Nord", "Sanmatenga", 13.0917, -1.0844),  # renamed: Koulsé / Sandbondtenga
    ("DORI25", "Liptako", "Séno", 14.0354, -0.0345),  # 2025 names: agree
    ("OUAGA_BAD", "Sahel", "Soum", 12.3714, -1.5197),  # 2020 names of another place: disagreement
    ("FADA_BAD", "Liptako", "Seno", 12.0616, 0.3584),  # 2025 names of another place: disagreement
    ("ATLANTIS", "Atlantis", "", 11.1772, -4.2979),  # no such name; admin2 blank
]


@pytest.fixture(scope="module")
def bfa_events():
    """The rows joined to Burkina Faso's 2025 provinces (and their régions) from their coordinates."""
    frame = pd.DataFrame(ROWS, columns=["event_id", "admin1_source", "admin2_source", "latitude", "longitude"])
    frame["row_number"] = range(2, len(frame) + 2)
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(frame["longitude"], frame["latitude"]), crs=4326)
    provinces = boundaries.load("department", "BFA")[["pcode", "name", "region_pcode", "region", "geometry"]]
    joined = gpd.sjoin(points, provinces, predicate="intersects").sort_values("row_number")
    assert len(joined) == len(ROWS)
    return joined.rename(columns={"pcode": "department_pcode", "name": "department"}).reset_index(drop=True)


@pytest.fixture(scope="module")
def report(bfa_events):
    return agreement(bfa_events, "BFA")


def _kinds(table, level):
    rows = table[table["level"] == level]
    return dict(zip(rows["event_id"], zip(rows["kind"], rows["vintage"], strict=False), strict=False))


def test_joined_units_are_2025(bfa_events):
    pairs = zip(bfa_events["region"], bfa_events["department_pcode"], strict=True)
    units = dict(zip(bfa_events["event_id"], pairs, strict=True))
    assert units["DORI20"] == ("Liptako", "BF6402")
    assert units["DJIBO20"] == ("Soum", "BF5901")
    assert units["OUAGA20"] == ("Kadiogo", "BF1300")
    assert units["BOBO20"] == ("Guiriko", "BF5301")


def test_2020_region_names_are_a_vintage_difference(report):
    table, summary = report
    kinds = _kinds(table, "region")
    for event in ("DORI20", "DJIBO20", "OUAGA20", "BOBO20", "KAYA20"):
        assert kinds[event] == ("boundary vintage", "2025 reform"), event
    assert "DORI25" not in kinds
    region = summary["region"]
    assert region["boundary_vintage"] == 5
    assert region["agreement_rate_with_vintage"] > region["agreement_rate"]


def test_2020_province_names_are_a_vintage_difference(report):
    table, summary = report
    kinds = _kinds(table, "department")
    # Soum (2020) is split into Djelgodji and Karo-Peli; Sanmatenga renamed Sandbondtenga
    assert kinds["DJIBO20"] == ("boundary vintage", "2025 reform")
    assert kinds["KAYA20"] == ("boundary vintage", "2025 reform")
    # names that did not change agree
    for event in ("DORI20", "OUAGA20", "BOBO20", "DORI25"):
        assert event not in kinds, event
    assert summary["department"]["boundary_vintage"] == 2


def test_real_disagreements_stay_disagreements(report):
    table, summary = report
    regions, departments = _kinds(table, "region"), _kinds(table, "department")
    # a 2020 name of another unit: a disagreement, naming the vintage its name comes from
    assert regions["OUAGA_BAD"] == ("disagreement", "2025 reform")
    assert departments["OUAGA_BAD"] == ("disagreement", "2025 reform")
    # a 2025 name of another unit
    assert regions["FADA_BAD"] == ("disagreement", "")
    row = table[(table["event_id"] == "FADA_BAD") & (table["level"] == "region")].iloc[0]
    assert (row["source_pcode"], row["joined_pcode"], row["row_number"]) == ("BF64", "BF63", 9)
    assert regions["ATLANTIS"] == ("unresolved", "")
    assert summary["region"]["unresolved"] == 1 and summary["department"]["missing"] == 1
    assert summary["region"]["disagree"] == 2


def test_vintage_names_come_from_the_pack():
    regions = vintages.old_names("region", "BFA")
    assert [old.name for old in regions["BF64"]] == ["Sahel"]
    assert [old.name for old in regions["BF13"]] == ["Centre"]
    provinces = vintages.old_names("department", "BFA")
    assert {p for p, olds in provinces.items() if [o.name for o in olds] == ["Soum"]} == {"BF5901", "BF5902"}
    assert len(provinces) == 47
    assert vintages.old_names("region", "MLI") == {}


def test_a_broken_crosswalk_is_a_config_error(tmp_path):
    pack = country.get("BFA")
    settings = {**pack.settings, "vintages": {"igb_2020": {**pack.settings["vintages"]["igb_2020"],
                                                          "columns": {"region": {"pcode": "adm1_pcode_2025",
                                                                                 "old_name": "ADM1_NAME"}}}}}
    broken = country.from_settings(settings, pack.folder)
    with pytest.raises(ConfigError, match="has no column 'ADM1_NAME'"):
        _read_with(broken)


def _read_with(pack):
    """vintages' reading of a pack that is not the bundled one (the cache holds bundled packs by ISO3)."""
    vintage = pack.settings["vintages"]["igb_2020"]
    return vintages._rows(pack, "igb_2020", vintage["crosswalk"], vintage["columns"]["region"])
