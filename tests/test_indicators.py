"""geo_coi.indicators on a small hand-built joined table: every answer below is worked out by hand.

Communes used (COD-AB 2023): Diagourou and Gorouol in Téra (Tillabéri, 45 communes; Téra has 5),
Bana in Gaya (Dosso, 43 communes; Gaya has 6). COD-PS 2024: Tillabéri 4,202,817 inhabitants.
"""

from __future__ import annotations

import dataclasses
import re

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from geo_coi import admin_index, indicator_sheet, indicators
from geo_coi.config import load_config
from geo_coi.displacement import by_unit as displacement_by_unit
from geo_coi.periods import Period

B, E, V, P = "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"
NA = None
# event_id, date, type, civilian, fatalities, geo_precision, commune
ROWS = [
    ("c1", "2024-10-01", B, False, 10, 1, "Diagourou"),
    ("c2", "2025-01-15", V, True, 4, 2, "Diagourou"),
    ("c3", "2024-12-31", E, False, 0, 3, "Gorouol"),
    ("c4", "2024-09-01", V, True, 0, 1, "Bana"),
    ("c5", "2025-05-30", B, False, NA, NA, "Bana"),  # fatalities and precision unknown
    ("p1", "2023-10-01", B, False, 5, 1, "Diagourou"),  # comparison period
    ("p2", "2024-02-01", V, True, 2, 1, "Diagourou"),  # comparison period
    ("x1", "2024-11-01", P, False, 0, 1, "Diagourou"),  # not a report type
    ("x2", "2025-06-01", B, False, 99, 1, "Diagourou"),  # after the period
]


def joined(rows, source="ACLED-schema synthetic demo"):
    """A joined event table like join_admin's, points at each commune's label point."""
    from geo_coi.maps.layout import label_point

    communes = {r["name"]: (r, g) for r, g in zip(admin_index.records("commune"), admin_index.geometries("commune"),
                                                    strict=True)}
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "event_type", "civilian_targeting", "fatalities",
                                        "geo_precision", "commune"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    for key in ("commune_pcode", "department_pcode", "department", "region_pcode", "region"):
        source_key = "pcode" if key == "commune_pcode" else key
        frame[key] = [communes[name][0][source_key] for name in frame["commune"]]
    points = [label_point(communes[name][1]) for name in frame["commune"]]
    frame["source"] = source
    table = gpd.GeoDataFrame(frame, geometry=points, crs=4326)
    table.attrs.update(source=source, synthetic=True, credit="Source: SYNTHETIC demonstration data (not ACLED data)")
    return table


@pytest.fixture(scope="module")
def config():
    base = load_config()
    return dataclasses.replace(base, current=Period.parse("2024-09-01", "2025-05-30"),
                               comparison=Period.parse("2023-09-01", "2024-05-30"))


@pytest.fixture(scope="module")
def events():
    return joined(ROWS)


def row(table, name):
    return table.set_index("name").loc[name]


def test_counts_per_region(events, config):
    table = indicators.compute(events, config, "region")
    assert len(table) == 8  # every region, zeros kept
    t = row(table, "Tillabéri")
    assert (t["incidents"], t["fatalities"]) == (3, 14)  # c1 + c2 + c3; the protest and x2 are out
    assert (t["civilian_incidents"], t["civilian_fatalities"]) == (1, 4)
    assert t["lethal_incidents"] == 2  # c1 and c2; c3 has none
    assert t["fatalities_per_incident"] == pytest.approx(4.67)  # 14 / 3
    d = row(table, "Dosso")
    assert (d["incidents"], d["fatalities"], d["lethal_incidents"]) == (2, 0, 0)  # c5's unknown is not a zero guess
    assert (d["civilian_incidents"], d["civilian_fatalities"]) == (1, 0)
    a = row(table, "Agadez")
    assert (a["incidents"], a["fatalities"]) == (0, 0) and pd.isna(a["fatalities_per_incident"])


def test_rates_spread_precision(events, config):
    t = row(indicators.compute(events, config, "region"), "Tillabéri")
    assert (t["population"], t["population_year"]) == (4_202_817, 2024)
    assert t["incidents_per_100k"] == pytest.approx(0.07)  # 3 / 4,202,817 * 100,000 = 0.0714
    assert t["fatalities_per_100k"] == pytest.approx(0.33)  # 14 / 4,202,817 * 100,000 = 0.3331
    assert (t["communes"], t["communes_with_incidents"]) == (45, 2)
    assert t["spread_pct"] == pytest.approx(4.4)  # 2 / 45
    assert t["imprecise_pct"] == pytest.approx(66.7)  # c2 (2) and c3 (3) of 3 known
    d = row(indicators.compute(events, config, "region"), "Dosso")
    assert d["imprecise_pct"] == 0.0  # c4 precise; c5 unknown, left out of the share
    assert d["spread_pct"] == pytest.approx(2.3)  # 1 / 43


def test_comparison_and_change(events, config):
    t = row(indicators.compute(events, config, "region"), "Tillabéri")
    assert (t["comparison_incidents"], t["comparison_fatalities"]) == (2, 7)  # p1 + p2
    assert (t["comparison_civilian_incidents"], t["comparison_lethal_incidents"]) == (1, 2)
    assert t["pct_change_incidents"] == 50.0  # (3 - 2) / 2
    assert t["pct_change_fatalities"] == 100.0  # (14 - 7) / 7
    assert t["pct_change_civilian_fatalities"] == 100.0  # (4 - 2) / 2
    assert t["pct_change_lethal_incidents"] == 0.0
    d = row(indicators.compute(events, config, "region"), "Dosso")
    assert d["comparison_incidents"] == 0 and pd.isna(d["pct_change_incidents"])  # no change from zero


def test_departments_and_communes(events, config):
    departments = indicators.compute(events, config, "department")
    assert len(departments) == 67
    tera = row(departments, "Téra")
    assert (tera["region"], tera["incidents"], tera["communes"], tera["spread_pct"]) == ("Tillabéri", 3, 5, 40.0)
    gaya = row(departments, "Gaya")
    assert gaya["spread_pct"] == pytest.approx(16.7)  # 1 of 6
    communes = indicators.compute(events, config, "commune")
    assert len(communes) == 266
    diagourou = row(communes, "Diagourou")
    assert (diagourou["incidents"], diagourou["comparison_incidents"], diagourou["spread_pct"]) == (2, 2, 100.0)
    assert pd.isna(diagourou["idps"])  # UNHCR publishes no commune figures


def test_idps_are_unhcr_figures(events, config):
    table = indicators.compute(events, config, "region")
    unhcr = displacement_by_unit("region", before=config.date).set_index("pcode")
    t = table.set_index("pcode").loc["NE006"]
    assert t["idps"] == round(unhcr.loc["NE006", "value"]) and t["idps_year"] == unhcr.attrs["year"]


def test_missing_population_prints_a_dash(events, config, monkeypatch, tmp_path):
    real = indicators._population_table(2, "NER")
    without_tera = real[real["pcode"] != "NE006011"]
    monkeypatch.setattr(indicators, "_population_table", lambda adm, _iso3: without_tera if adm == 2 else real)
    table = indicators.compute(events, config, "department")
    tera = row(table, "Téra")
    assert pd.isna(tera["population"]) and pd.isna(tera["incidents_per_100k"])  # never a guess
    assert not pd.isna(row(table, "Gaya")["incidents_per_100k"])
    text = indicator_sheet.markdown(table, "nl")
    line = next(line for line in text.splitlines() if "| Téra " in line)
    assert re.search(r"\|\s+–\s+\|", line)  # population and rates: a dash, not a blank or a 0
    assert "– geen bevolking gepubliceerd" in text  # the footnote of the dash


def test_bad_level_is_one_line_error(events, config):
    from geo_coi.errors import InputError

    with pytest.raises(InputError, match="unknown level 'province'"):
        indicators.compute(events, config, "province")


def test_unjoined_events_are_refused(config):
    from geo_coi.errors import InputError

    bare = joined(ROWS).drop(columns=["region_pcode"])
    with pytest.raises(InputError, match="join_admin"):
        indicators.compute(bare, config, "region")


def test_ucdp_beside_acled(events, config):
    ucdp = joined([("u1", "2024-11-01", "State-based conflict", False, 20, NA, "Diagourou"),
                   ("u2", "2024-03-01", "One-sided violence", True, 5, NA, "Gorouol"),
                   ("u3", "2024-09-10", "State-based conflict", False, 3, NA, "Bana")], source="UCDP GED")
    ucdp["low"] = [15, 4, 3]
    ucdp["high"] = [30, 6, 3]
    table = indicators.ucdp_comparison(events, config, ucdp)
    current = table[table["period"] == "current"].set_index("region")
    # UCDP covers 2024 only: the current period is cut to 2024-09-01 .. 2024-12-31
    assert set(current["start"]) == {"2024-09-01"} and set(current["end"]) == {"2024-12-31"}
    t = current.loc["Tillabéri"]
    got = (t["acled_fatalities"], t["ucdp_events"], t["ucdp_best"], t["ucdp_low"], t["ucdp_high"])
    assert got == (10, 1, 20, 15, 30)
    assert current.loc["Dosso", "ucdp_best"] == 3 and current.loc["Dosso", "acled_fatalities"] == 0
    comparison = table[table["period"] == "comparison"].set_index("region")
    assert set(comparison["start"]) == {"2024-01-01"}  # cut to UCDP's first year
    assert (comparison.loc["Tillabéri", "acled_fatalities"], comparison.loc["Tillabéri", "ucdp_best"]) == (2, 5)


def test_ucdp_without_bounds_leaves_them_empty(events, config):
    ucdp = joined([("u1", "2024-11-01", "State-based conflict", False, 20, NA, "Diagourou")], source="UCDP GED")
    table = indicators.ucdp_comparison(events, config, ucdp)
    assert table["ucdp_low"].isna().all() and table["ucdp_high"].isna().all()


def test_sheet_files_in_three_languages(events, config, tmp_path):
    tables = {level: indicators.compute(events, config, level) for level in ("region", "department")}
    written = indicator_sheet.write_sheets(tables, tmp_path, ("nl", "fr", "en"), "2025-05-30")
    names = {p.name for p in written}
    assert {"indicators_region.csv", "indicators_department.csv", "indicators_fr.xlsx",
            "indicators_department_en.md"} <= names
    csv = pd.read_csv(tmp_path / "indicators_region.csv").set_index("name")
    assert csv.loc["Tillabéri", "lethal_incidents"] == 2 and csv.loc["Tillabéri", "pct_change_incidents"] == 50.0
    book = openpyxl.load_workbook(tmp_path / "indicators_fr.xlsx")
    assert book.sheetnames == ["Régions", "Départements", "Glossaire"]
    header = [c.value for c in book["Régions"][1]]
    assert "Incidents avec au moins une victime" in header
    glossary = {r[0].value: r[2].value for r in book["Glossaire"].iter_rows(min_row=2)}
    assert "ACCORD" in glossary["lethal_incidents"] and "EUAA" in glossary["incidents_per_100k"]
    assert all(glossary[c] for c in tables["region"].columns)  # every column is defined
    md = (tmp_path / "indicators_region_en.md").read_text(encoding="utf-8")
    assert "**Glossary**" in md and "(`spread_pct`)" in md


def test_sheet_files_are_reproducible(events, config, tmp_path):
    tables = {"region": indicators.compute(events, config, "region")}
    first = [p.read_bytes() for p in indicator_sheet.write_sheets(tables, tmp_path / "a", ("en",), "2025-05-30")]
    second = [p.read_bytes() for p in indicator_sheet.write_sheets(tables, tmp_path / "b", ("en",), "2025-05-30")]
    assert first == second
