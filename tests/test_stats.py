"""geo_coi.stats on a small hand-made joined event table (numbers checkable by eye)."""

from __future__ import annotations

import csv
from importlib.resources import files

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_coi import admin_index, stats
from geo_coi.cli.main import cli
from geo_coi.country import use as use_country
from geo_coi.errors import ConfigError, InputError
from geo_coi.events import REPORT_EVENT_TYPES
from geo_coi.periods import Period

CURRENT = Period.parse("2024-09-01", "2025-05-30")
B, E, V = "Battles", "Explosions/Remote violence", "Violence against civilians"

# event_id, date, event_type, sub_event_type, actor1, civilian, fatalities, geo_prec, region, department
ROWS = [
    ("e1", "2024-09-01", B, "Armed clash", "ISSP", False, 10, 1, "Tillabéri", "Téra"),
    ("e2", "2024-09-15", V, "Attack", "ISSP", True, 4, 1, "Tillabéri", "Téra"),
    ("e3", "2024-12-31", E, "Air/drone strike", "Military", False, 6, 2, "Tillabéri", "Torodi"),
    ("e4", "2025-01-10", V, "Abduction/forced disappearance", "JNIM", True, 0, 1, "Dosso", "Gaya"),
    ("e5", "2025-05-30", B, "Armed clash", "JNIM", False, 3, 3, "Dosso", "Gaya"),
    ("e6", "2025-05-31", B, "Armed clash", "JNIM", False, 99, 1, "Dosso", "Gaya"),  # after the period
    ("e7", "2023-09-01", B, "Armed clash", "ISSP", False, 5, 1, "Tillabéri", "Téra"),  # previous period
    ("e8", "2024-05-30", V, "Attack", "ISSP", True, 2, 1, "Dosso", "Gaya"),  # previous period, last day
    ("e9", "2024-02-01", B, "Armed clash", "JNIM", False, 1, 1, "Dosso", "Gaya"),  # previous period
    ("e10", "2024-10-01", "Protests", "Peaceful protest", "Protesters", False, 0, 1, "Niamey", "Ville de Niamey"),
    ("e11", "2025-03-03", E, "Remote explosive/landmine/IED", "ISSP", True, 7, 1, "Tillabéri", "Téra"),
]


@pytest.fixture(scope="module")
def events():
    departments = {(r["region"], r["name"]): r for r in admin_index.records("department")}
    frame = pd.DataFrame(ROWS, columns=["event_id", "event_date", "event_type", "sub_event_type", "actor1",
                                        "civilian_targeting", "fatalities", "geo_precision", "region", "department"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["year"] = frame["event_date"].dt.year
    frame["time_precision"] = pd.array([1] * len(frame), dtype="Int64")
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    keys = list(zip(frame["region"], frame["department"], strict=True))
    frame["department_pcode"] = [departments[key]["pcode"] for key in keys]
    frame["region_pcode"] = [departments[key]["region_pcode"] for key in keys]
    frame["source"] = "ACLED-schema synthetic demo"
    table = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([2.0] * len(frame), [13.5] * len(frame)), crs=4326)
    table.attrs.update(source="ACLED-schema synthetic demo", synthetic=True,
                       credit="Source: SYNTHETIC demonstration data (not ACLED data)")
    return table


def test_summarize_by_event_type(events):
    table = stats.summarize(events, CURRENT, event_types=REPORT_EVENT_TYPES)
    got = table.set_index("event_type")[["incidents", "fatalities"]].to_dict("index")
    assert got == {B: {"incidents": 2, "fatalities": 13}, V: {"incidents": 2, "fatalities": 4},
                   E: {"incidents": 2, "fatalities": 13}}
    assert list(table.columns) == ["event_type", "incidents", "fatalities"]


def test_summarize_without_period_counts_every_date_of_the_report_types(events):
    table = stats.summarize(events)  # the default types are the report's, as in the CLI and the annex
    report = [r for r in ROWS if r[2] in REPORT_EVENT_TYPES]
    assert len(report) < len(ROWS)
    assert table["incidents"].sum() == len(report)
    assert table["fatalities"].sum() == sum(r[6] for r in report)
    assert "Protests" not in set(table["event_type"])


def test_summarize_every_type_with_event_types_none(events):
    table = stats.summarize(events, event_types=None)
    assert table["incidents"].sum() == len(ROWS)
    assert table["fatalities"].sum() == sum(r[6] for r in ROWS)
    assert "Protests" in set(table["event_type"])


def test_compare_with_same_period_a_year_earlier(events):
    table = stats.summarize(events, CURRENT, by="region", compare=True, event_types=REPORT_EVENT_TYPES)
    dosso = table.set_index("region").loc["Dosso"]
    assert (dosso["incidents"], dosso["fatalities"]) == (2, 3)
    assert (dosso["previous_incidents"], dosso["previous_fatalities"]) == (2, 3)
    assert dosso["pct_change_incidents"] == 0.0
    tillaberi = table.set_index("region").loc["Tillabéri"]
    assert (tillaberi["incidents"], tillaberi["previous_incidents"]) == (4, 1)
    assert tillaberi["pct_change_incidents"] == 300.0
    assert tillaberi["pct_change_fatalities"] == pytest.approx((27 - 5) / 5 * 100, abs=0.05)


def test_pct_change_empty_when_nothing_before(events):
    table = stats.summarize(events, CURRENT, by="event_type", compare=True)
    explosions = table.set_index("event_type").loc[E]
    assert explosions["previous_incidents"] == 0
    assert pd.isna(explosions["pct_change_incidents"])


def test_civilian_targeting_filter_spans_event_types(events):
    table = stats.summarize(events, CURRENT, civilian_targeting=True)
    assert set(table["event_type"]) == {V, E}
    assert table["incidents"].sum() == 3 and table["fatalities"].sum() == 11
    others = stats.summarize(events, CURRENT, civilian_targeting=False, event_types=REPORT_EVENT_TYPES)
    assert others["incidents"].sum() == 3


def test_group_by_actor_department_month_and_cross(events):
    actors = stats.summarize(events, CURRENT, by="actor", event_types=REPORT_EVENT_TYPES)
    assert actors.iloc[0]["actor"] == "ISSP" and actors.iloc[0]["incidents"] == 3
    departments = stats.summarize(events, CURRENT, by="department")
    assert list(departments.columns[:3]) == ["region", "department_pcode", "department"]
    assert departments.set_index("department").loc["Téra", "incidents"] == 3
    months = stats.summarize(events, CURRENT, by="month")
    assert list(months["month"]) == sorted(months["month"])
    assert months.set_index("month").loc["2024-09", "incidents"] == 2
    cross = stats.summarize(events, CURRENT, by=["region", "event_type"], event_types=REPORT_EVENT_TYPES)
    assert len(cross) == 5
    assert cross.set_index(["region", "event_type"]).loc[("Tillabéri", B), "fatalities"] == 10
    subs = stats.summarize(events, CURRENT, by="sub_event_type")
    assert {"event_type", "sub_event_type"} <= set(subs.columns)


def test_sorted_by_incidents_then_name(events):
    table = stats.summarize(events, by="region")
    assert list(table["incidents"]) == sorted(table["incidents"], reverse=True)


def test_precision_filters(events):
    precise = stats.summarize(events, CURRENT, max_geo_precision=1, event_types=REPORT_EVENT_TYPES)
    assert precise["incidents"].sum() == 4  # e3 (2) and e5 (3) dropped


def test_errors_are_clear(events):
    with pytest.raises(InputError, match="cannot group by 'country_code'"):
        stats.summarize(events, by="country_code")
    with pytest.raises(InputError, match="needs a period"):
        stats.summarize(events, compare=True)
    with pytest.raises(InputError, match="join_admin"):
        stats.summarize(events.drop(columns=["region", "region_pcode"]), by="region")
    with pytest.raises(InputError, match="unknown level"):
        stats.by_unit(events, "province")
    with pytest.raises(InputError, match="unknown region 'Atlantis'.*Dosso"):
        stats.table1(events, "Atlantis", CURRENT)


def test_by_unit_keeps_every_region_with_rates(events):
    table = stats.by_unit(events, "region", CURRENT, event_types=REPORT_EVENT_TYPES)
    assert list(table["pcode"]) == [r["pcode"] for r in admin_index.records("region")]
    assert table.set_index("name").loc["Agadez", "incidents"] == 0
    row = table.set_index("name").loc["Tillabéri"]
    assert (row["incidents"], row["fatalities"]) == (4, 27)
    assert row["population"] == 4050339
    assert row["fatalities_per_100k"] == round(27 / 4050339 * 100_000, 2)
    assert table["population"].notna().all()


def test_by_unit_departments_and_country(events):
    table = stats.by_unit(events, "department", CURRENT, event_types=None)  # every type
    assert len(table) == len(admin_index.records("department"))
    assert table["incidents"].sum() == 7
    report = stats.by_unit(events, "department", CURRENT)  # default: the report's types
    assert report["incidents"].sum() == 6
    assert table["population"].isna().all()
    country = stats.by_unit(events, "country", CURRENT, event_types=None)
    assert len(country) == 1 and country.loc[0, "incidents"] == 7
    assert country.loc[0, "population"] == sum(stats.populations()["population_2023"])


def test_by_unit_with_no_event_in_any_unit_of_the_level(events):
    # no event in Niamey: the arrondissement key column is all missing
    outside_niamey = events.assign(arrondissement_pcode=pd.NA, arrondissement=pd.NA)
    table = stats.by_unit(outside_niamey, "niamey_arrondissement", CURRENT)
    assert len(table) == 5 and (table["incidents"] == 0).all()


def test_populations_file_matches_boundaries_and_names_its_source():
    table = stats.populations()
    assert sorted(table["region_pcode"]) == [r["pcode"] for r in admin_index.records("region")]
    assert (table["source"] == "INS Niger 2023 projections as quoted in COI Focus Niger 2025").all()
    source = files("geo_coi") / "countries" / "ner" / "population" / "populations_ins_2023.csv"
    with source.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["region_pcode", "region", "population_2023", "source"]


def test_monthly_has_every_month_and_type(events):
    table = stats.monthly(events, CURRENT, event_types=REPORT_EVENT_TYPES)
    assert len(table) == 9 * 3
    assert table.groupby("month").size().eq(3).all()
    assert table["incidents"].sum() == 6
    assert table[(table["month"] == "2025-05") & (table["event_type"] == B)]["incidents"].item() == 1
    totals = stats.monthly(events, CURRENT, by=None)
    assert list(totals.columns) == ["month", "incidents", "fatalities"] and len(totals) == 9


def test_table1_layout(events):
    table = stats.table1(events, "dosso", CURRENT)
    assert table.index.name == "DOSSO"
    assert list(table.index) == ["Battles", "Violence against civilians", "Explosions/Remote violence", "Total"]
    assert list(table.columns.get_level_values(0).unique()) == [
        "September 2023 – May 2024", "September 2024 – May 2025"]
    previous, current = table.iloc[:, :2], table.iloc[:, 2:]
    assert previous.loc["Battles"].tolist() == [1, 1] and previous.loc["Violence against civilians"].tolist() == [1, 2]
    assert current.loc["Battles"].tolist() == [1, 3] and current.loc["Total"].tolist() == [2, 3]
    text = stats.to_markdown(table)
    assert "| Explosions/Remote violence |" in text and " - |" in text  # zeros print as "-" as in the report
    assert "SYNTHETIC" in text


def test_table2_calendar_years_in_dutch(events):
    table = stats.table2(events, "NE006", CURRENT, language="nl")
    assert list(table.columns.get_level_values(0).unique()) == ["2024", "2025 (tot mei)"]
    assert list(table.index)[-1] == "Totaal"
    assert table.loc["Gevechten"].tolist() == [1, 10, 0, 0]
    assert table.loc["Explosies/geweld op afstand"].tolist() == [1, 6, 1, 7]
    assert "Dodelijke slachtoffers" in stats.to_markdown(table)


def test_markdown_is_aligned(events):
    text = stats.to_markdown(stats.summarize(events, CURRENT, by="region", compare=True))
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len({len(line) for line in rows}) == 1
    assert rows[1].endswith(":|")  # numbers right-aligned
    assert "+300.0" in text


def test_write_table_is_reproducible(events, tmp_path):
    table = stats.table1(events, "Dosso", CURRENT)
    first = stats.write_table(table, tmp_path / "a" / "tabel1")
    second = stats.write_table(stats.table1(events, "Dosso", CURRENT), tmp_path / "b" / "tabel1")
    assert [p.name for p in first] == ["tabel1.csv", "tabel1.md"]
    for a, b in zip(first, second, strict=False):
        assert a.read_bytes() == b.read_bytes()
    rows = list(csv.DictReader(first[0].open(encoding="utf-8")))
    assert rows[-1]["DOSSO"] == "Total" and rows[-1]["September 2024 – May 2025 Incidents"] == "2"
    assert all(r["source"] == "ACLED-schema synthetic demo" for r in rows)


@pytest.mark.parametrize("args,expected", [
    (["--region", "Dosso", "--table", "1", "--format", "csv", "--language", "en"], "Battles,8,12,20,50,"),
    (["--region", "Dosso", "--table", "2", "--language", "nl"], "| Totaal "),
    (["--by", "region", "--by", "event_type"], "| NE006        | Tillabéri | Battles"),
])
def test_cli_on_bundled_demo(args, expected):
    result = CliRunner().invoke(cli, ["stats", *args])
    assert result.exit_code == 0, result.output
    assert expected in result.output


@pytest.mark.parametrize("args,message", [
    (["--table", "1"], "--table needs --region"),
    (["--rates", "--by", "department"], "--by cannot be combined with --rates"),
    (["--region", "Dosso", "--table", "2", "--compare"], "--compare cannot be combined with --table"),
])
def test_cli_errors_are_one_line(args, message):
    result = CliRunner().invoke(cli, ["stats", *args])
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1


UCDP_FILE = str(files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv")
UCDP_TYPES = ("State-based conflict", "Non-state conflict", "One-sided violence")


@pytest.fixture(scope="module")
def ucdp_events(events):
    """The same events with UCDP's typology (as geo_coi.sources reads UCDP GED)."""
    table = events[events["event_type"].isin(REPORT_EVENT_TYPES)].copy()
    table["event_type"] = table["event_type"].map({B: UCDP_TYPES[0], E: UCDP_TYPES[0], V: UCDP_TYPES[2]})
    table["sub_event_type"] = ""
    table.attrs.update(source="UCDP GED", synthetic=False, credit="")
    return table


def test_ucdp_data_keep_their_own_typology(events, ucdp_events):
    assert stats.counted_event_types(events) == REPORT_EVENT_TYPES
    assert stats.counted_event_types(ucdp_events, REPORT_EVENT_TYPES) == (UCDP_TYPES[0], UCDP_TYPES[2])
    monthly = stats.monthly(ucdp_events, CURRENT)
    assert list(monthly["event_type"].unique()) == [UCDP_TYPES[0], UCDP_TYPES[2]]  # no ACLED rows, UCDP's order
    table = stats.table1(ucdp_events, "Dosso", CURRENT, language="fr")
    assert list(table.index) == ["Conflit impliquant un État", "Conflit non étatique", "Violence unilatérale",
                                 "Total"]
    assert table.iloc[:, 2:].loc["Total"].tolist() == [2, 3]
    assert "UCDP GED 25.1" in stats.to_markdown(table)


def test_cli_on_ucdp_counts_ucdp_types():
    result = CliRunner().invoke(
        cli, ["stats", "--events", UCDP_FILE, "--period", "2024-01-01", "2024-12-31", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert {r["event_type"] for r in rows} == set(UCDP_TYPES)
    assert sum(int(r["incidents"]) for r in rows) > 0 and all(r["source"] == "UCDP GED" for r in rows)
    assert "counting its own" in result.stderr


def test_unknown_fatalities_are_blank_not_zero(events):
    """A file without a fatalities column: counts of incidents as usual, fatalities <NA> (printed blank)."""
    unknown = events.assign(fatalities=pd.array([pd.NA] * len(events), dtype="Int64"))
    table = stats.summarize(unknown, CURRENT, by="region", compare=True, event_types=REPORT_EVENT_TYPES)
    assert table["incidents"].sum() == 6 and table["fatalities"].isna().all()
    assert table["previous_fatalities"].isna().all() and table["pct_change_fatalities"].isna().all()
    regions = stats.by_unit(unknown, "region", CURRENT, event_types=None)
    niamey = regions.set_index("name").loc["Niamey"]
    assert niamey["incidents"] == 1 and pd.isna(niamey["fatalities"]) and pd.isna(niamey["fatalities_per_100k"])
    assert regions.set_index("name").loc["Zinder", "fatalities"] == 0  # no event: 0, not unknown
    tabel = stats.table1(unknown, "Dosso", CURRENT)
    assert pd.isna(tabel.iloc[:, 3].loc["Total"]) and tabel.iloc[:, 2].loc["Total"] == 2
    assert stats.monthly(unknown, CURRENT)["fatalities"].isna().any()
    known = stats.summarize(events, CURRENT)
    assert known["fatalities"].dtype == "int64"  # complete counts stay plain integers


def test_package_api_is_lazy_and_complete():
    """``import geo_coi`` loads no numpy/pandas; every public name resolves (summarize is stats.summarize)."""
    import subprocess
    import sys

    code = ("import sys, geo_coi; print([m for m in ('numpy', 'pandas', 'matplotlib') if m in sys.modules]); "
            "[getattr(geo_coi, n) for n in geo_coi.__all__]")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    import geo_coi

    for name in ("run_annex", "load_config", "interactive_map", "read_events", "summarize", "Period"):
        assert name in geo_coi.__all__ and name in dir(geo_coi)
    assert geo_coi.summarize is stats.summarize


def test_compare_by_month_matches_the_same_month_a_year_earlier(events):
    table = stats.summarize(events, CURRENT, by="month", compare=True, event_types=REPORT_EVENT_TYPES)
    assert set(table["month"]) <= set(CURRENT.months())  # no month of the earlier period as a row of its own
    september = table.set_index("month").loc["2024-09"]
    assert (september["incidents"], september["previous_incidents"], september["previous_fatalities"]) == (2, 1, 5)
    assert table.set_index("month").loc["2025-05", "previous_incidents"] == 1  # e8, 30 May 2024
    empty = stats.summarize(events, ("2030-01-01", "2030-02-28"), by="month", compare=True)
    assert empty.empty and "previous_incidents" in empty


def test_regional_populations_of_two_packs_in_one_process():
    niger = stats.populations()
    with use_country("MLI"):
        mali = stats.populations()
        table = stats.by_unit(pd.DataFrame({"region_pcode": ["ML07", "ML07"], "event_type": ["Battles"] * 2,
                                            "fatalities": [1, 2]}), "region", event_types=None)
    assert niger["region_pcode"].str.startswith("NE").all() and len(niger) == 8
    assert mali["region_pcode"].tolist() == [r["pcode"] for r in admin_index.records("region", "MLI")]
    assert mali["source"].str.contains("COD-PS").all()
    gao = table.set_index("pcode").loc["ML07"]
    assert (gao["incidents"], gao["fatalities"]) == (2, 3)
    assert gao["population"] == mali.set_index("region_pcode").loc["ML07", "population_2023"]
    assert stats.populations().equals(niger)  # Niger's table again, not Mali's
    # the COD-PS fallback reads the pack it is built for, whichever pack is active
    assert stats._population_table_of("BFA")["region_pcode"].str.startswith("BF").all()


def test_by_unit_of_the_capital_subunits_by_their_generic_name(events):
    in_niamey_ii = events.assign(**{stats.SUBUNIT_COLUMN: "NE008001002"})
    generic = stats.by_unit(in_niamey_ii, admin_index.CAPITAL_SUBUNITS, CURRENT, event_types=None)
    assert generic.equals(stats.by_unit(in_niamey_ii, "niamey_arrondissement", CURRENT, event_types=None))
    assert generic["pcode"].tolist() == [f"NE008001{n:03d}" for n in range(1, 6)]
    in_period = stats.by_unit(events, "country", CURRENT, event_types=None).loc[0, "incidents"]
    assert generic.set_index("pcode")["incidents"].to_dict() == {
        "NE008001001": 0, "NE008001002": in_period, "NE008001003": 0, "NE008001004": 0, "NE008001005": 0}


def test_levels_by_key_or_pack_name_group_like_their_slot(events):
    by_slot = stats.summarize(events, CURRENT, by="department", event_types=None)
    assert stats.summarize(events, CURRENT, by="adm2", event_types=None).equals(by_slot)
    assert stats.summarize(events, CURRENT, by="département", event_types=None).equals(by_slot)
    assert stats.by_unit(events, "adm1", CURRENT).equals(stats.by_unit(events, "region", CURRENT))
    with use_country("MLI"):
        assert stats._group_columns("cercle") == stats._group_columns("department")
    with use_country("BFA"), pytest.raises(ConfigError, match="Burkina Faso has no admin level 'commune'"):
        stats.summarize(events, CURRENT, by="commune")
    with pytest.raises(InputError, match="cannot group by 'canton'"):
        stats.summarize(events, CURRENT, by="canton")


def test_cli_groups_by_a_level_key():
    runner = CliRunner()
    by_key = runner.invoke(cli, ["stats", "--by", "adm2"])
    assert by_key.exit_code == 0, by_key.output
    assert by_key.output == runner.invoke(cli, ["stats", "--by", "department"]).output
