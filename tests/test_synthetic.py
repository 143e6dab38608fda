"""The bundled SYNTHETIC demo data and the issue-3 acceptance test.

read_events(demo file) -> join_admin -> select(report event types, period) ->
stats must reproduce the figures COI Focus "NIGER. Veiligheidssituatie"
(Cedoca, 11 July 2025) publishes, within the report's own +-1
inconsistencies. Regions come from the coordinates: the file's admin1
column is scrambled before reading.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo_coi import stats
from geo_coi.events import REPORT_EVENT_TYPES, select
from geo_coi.join import join_admin
from geo_coi.periods import Period
from geo_coi.sources import read_events

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "geo_coi" / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
SCRIPT = ROOT / "scripts" / "make_synthetic_acled.py"
ACLED_COLUMNS = (
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
    "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region "
    "country admin1 admin2 admin3 location latitude longitude geo_precision source source_scale "
    "notes fatalities tags timestamp"
).split()

# ---- Reference figures, copied from COI Focus Niger (11 July 2025), as collected in
# ---- niger_2024_2025_figures.yaml (ACLED export of 30 May 2025). Report inconsistencies
# ---- resolved toward the national totals: Tillabéri battles 54, Niamey 0 deaths, Dosso 35.
CURRENT = Period.parse("2024-09-01", "2025-05-30")
PREVIOUS = Period.parse("2023-09-01", "2024-05-30")
CHART_WINDOW = Period.parse("2023-05-01", "2025-05-30")
NATIONAL_CURRENT = (269, 977)
BY_TYPE_CURRENT = {"Battles": 123, "Explosions/Remote violence": 52, "Violence against civilians": 94}
SUB_EVENT_TYPES_CURRENT = {
    "Armed clash": 123, "Remote explosive/landmine/IED": 44, "Air/drone strike": 5,
    "Shelling/artillery/missile attack": 3, "Attack": 72, "Abduction/forced disappearance": 22,
}
B, E, V = "Battles", "Explosions/Remote violence", "Violence against civilians"
REGION_TYPE_INCIDENTS = {  # region x event type, current period
    ("Tillabéri", B): 54, ("Tillabéri", V): 52, ("Tillabéri", E): 42,
    ("Dosso", B): 20, ("Dosso", V): 12, ("Dosso", E): 3,
    ("Diffa", B): 13, ("Diffa", V): 13, ("Diffa", E): 6,
    ("Tahoua", B): 15, ("Tahoua", V): 2, ("Tahoua", E): 1,
    ("Maradi", B): 7, ("Maradi", V): 11,
    ("Agadez", B): 12, ("Agadez", V): 3,
    ("Zinder", B): 1,
    ("Niamey", B): 1, ("Niamey", V): 1,
}
REGION_TYPE_FATALITIES = {  # the pairs the report prints
    ("Tillabéri", B): 299, ("Tillabéri", V): 192, ("Tillabéri", E): 109,
    ("Dosso", B): 50, ("Dosso", V): 24, ("Dosso", E): 12,
    ("Zinder", B): 4,
}
REGION_CURRENT = {
    "Tillabéri": (149, 603), "Dosso": (35, 86), "Diffa": (32, 89), "Tahoua": (18, 147),
    "Maradi": (18, 11), "Agadez": (15, 37), "Zinder": (1, 4), "Niamey": (2, 1),
}
CIVILIAN_CURRENT = (101, 262)
CIVILIAN_EXPLOSIONS_CURRENT = (7, 10)
CIVILIAN_BY_ACTOR = {
    "Islamic State Sahel Province": 52,
    "JNIM: Jama'atu Nasr al-Islam wal Muslimin": 13,
    "Unidentified Armed Group (Niger)": 11,
    "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad": 8,
    "Islamic State West Africa Province (Lake Chad Faction)": 5,
}
NATIONAL_PREVIOUS = (333, 1246)
PREVIOUS_DETAIL = {"Battles": 106, "Air/drone strike": 36, "Abduction/forced disappearance": 50, "Attack": 106}
CIVILIAN_PREVIOUS = (161, 270)
REGION_PREVIOUS = {"Tillabéri": (198, 956), "Dosso": (13, 15), "Diffa": (62, 139)}
CHART_WINDOW_TOTAL = (863, 3126)
DOSSO_TABEL1 = {  # Sep '23 - May '24 | Sep '24 - May '25: incidents, deaths
    B: [8, 12, 20, 50], V: [5, 3, 12, 24], E: [0, 0, 3, 12], "Total": [13, 15, 35, 86]}
DOSSO_TABEL2 = {  # 2024 | 2025 (to May)
    B: [17, 31, 14, 37], V: [5, 3, 12, 24], E: [1, 1, 2, 11], "Total": [23, 35, 28, 72]}


def near(got, expected, tolerance=1):
    return abs(int(got) - int(expected)) <= tolerance


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(DEMO, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def joined(raw, tmp_path_factory):
    """The demo file with admin1 rotated to a wrong region, read and joined."""
    scrambled = raw.copy()
    regions = sorted(scrambled["admin1"].unique())
    shift = {name: regions[(i + 1) % len(regions)] for i, name in enumerate(regions)}
    scrambled["admin1"] = scrambled["admin1"].map(shift)
    path = tmp_path_factory.mktemp("demo") / "scrambled_SYNTHETIC.csv"
    scrambled.to_csv(path, index=False)
    read = read_events(path)
    assert read.summary["rejected"] == 0
    result = join_admin(read.events)
    assert len(result.rejects) == 0
    return result


@pytest.fixture(scope="module")
def events(joined):
    return select(joined.events, event_types=REPORT_EVENT_TYPES)


def test_file_schema_and_synthetic_marks(raw):
    assert list(raw.columns) == ACLED_COLUMNS
    assert (raw["source"] == "SYNTHETIC: geo_coi demonstration data, not ACLED").all()
    assert raw["notes"].str.startswith("SYNTHETIC").all()
    assert raw["event_id_cnty"].is_unique
    dates = pd.to_datetime(raw["event_date"])
    assert dates.min() >= pd.Timestamp("2023-05-01") and dates.max() <= pd.Timestamp("2025-05-30")
    assert set(raw["geo_precision"]) == {"1", "2", "3"} and set(raw["time_precision"]) == {"1", "2", "3"}
    assert set(raw["civilian_targeting"]) == {"", "Civilian targeting"}


def test_reader_flags_the_demo_as_synthetic():
    read = read_events(DEMO)
    assert read.events.attrs["synthetic"] is True
    assert (read.events["source"] == "ACLED-schema synthetic demo").all()
    assert "SYNTHETIC" in stats.to_markdown(stats.summarize(read.events))


def test_current_period_national(events):
    table = stats.summarize(events, CURRENT)
    assert near(table["incidents"].sum(), NATIONAL_CURRENT[0])
    assert near(table["fatalities"].sum(), NATIONAL_CURRENT[1])
    by_type = table.set_index("event_type")["incidents"].to_dict()
    for event_type, expected in BY_TYPE_CURRENT.items():
        assert near(by_type[event_type], expected), event_type
    subs = stats.summarize(events, CURRENT, by="sub_event_type").set_index("sub_event_type")["incidents"]
    for sub, expected in SUB_EVENT_TYPES_CURRENT.items():
        assert near(subs[sub], expected), sub


def test_current_period_region_by_event_type(events):
    table = stats.summarize(events, CURRENT, by=["region", "event_type"]).set_index(["region", "event_type"])
    assert set(table.index) == set(REGION_TYPE_INCIDENTS)
    for key, expected in REGION_TYPE_INCIDENTS.items():
        assert near(table.loc[key, "incidents"], expected), key
    for key, expected in REGION_TYPE_FATALITIES.items():
        assert near(table.loc[key, "fatalities"], expected), key
    regions = stats.by_unit(events, "region", CURRENT).set_index("name")
    for region, (incidents, fatalities) in REGION_CURRENT.items():
        assert near(regions.loc[region, "incidents"], incidents), region
        assert near(regions.loc[region, "fatalities"], fatalities), region


def test_current_period_civilian_targeting(events):
    table = stats.summarize(events, CURRENT, civilian_targeting=True)
    assert near(table["incidents"].sum(), CIVILIAN_CURRENT[0])
    assert near(table["fatalities"].sum(), CIVILIAN_CURRENT[1])
    explosions = table.set_index("event_type").loc[E]
    assert near(explosions["incidents"], CIVILIAN_EXPLOSIONS_CURRENT[0])
    assert near(explosions["fatalities"], CIVILIAN_EXPLOSIONS_CURRENT[1])
    actors = stats.summarize(events, CURRENT, by="actor", civilian_targeting=True).set_index("actor")["incidents"]
    for actor, expected in CIVILIAN_BY_ACTOR.items():
        assert near(actors[actor], expected), actor


def test_previous_period_and_comparison(events):
    table = stats.summarize(events, CURRENT, by="event_type", compare=True)
    assert near(table["previous_incidents"].sum(), NATIONAL_PREVIOUS[0])
    assert near(table["previous_fatalities"].sum(), NATIONAL_PREVIOUS[1])
    assert near(table.set_index("event_type").loc[B, "previous_incidents"], PREVIOUS_DETAIL["Battles"])
    subs = stats.summarize(events, PREVIOUS, by="sub_event_type").set_index("sub_event_type")["incidents"]
    for sub in ("Air/drone strike", "Abduction/forced disappearance", "Attack"):
        assert near(subs[sub], PREVIOUS_DETAIL[sub]), sub
    civilian = stats.summarize(events, PREVIOUS, civilian_targeting=True)
    assert near(civilian["incidents"].sum(), CIVILIAN_PREVIOUS[0])
    assert near(civilian["fatalities"].sum(), CIVILIAN_PREVIOUS[1])
    regions = stats.by_unit(events, "region", PREVIOUS).set_index("name")
    for region, (incidents, fatalities) in REGION_PREVIOUS.items():
        assert near(regions.loc[region, "incidents"], incidents), region
        assert near(regions.loc[region, "fatalities"], fatalities), region


def test_chart_window(events):
    months = stats.monthly(events, CHART_WINDOW)
    assert months["month"].nunique() == 25
    assert near(months["incidents"].sum(), CHART_WINDOW_TOTAL[0])
    assert near(months["fatalities"].sum(), CHART_WINDOW_TOTAL[1])


@pytest.mark.parametrize("function,expected", [(stats.table1, DOSSO_TABEL1), (stats.table2, DOSSO_TABEL2)])
def test_dosso_tables(events, function, expected):
    table = function(events, "Dosso", CURRENT)
    for row, values in expected.items():
        got = table.loc[row].tolist()
        assert all(near(g, e) for g, e in zip(got, values, strict=False)), (row, got, values)


def test_department_facts(events):
    departments = stats.by_unit(events, "department", CURRENT).set_index(["region", "name"])["incidents"]
    for region, name in [("Tillabéri", "Banibangou"), ("Tillabéri", "Balleyara"), ("Dosso", "Boboye"),
                         ("Dosso", "Tibiri"), ("Diffa", "Goudoumaria")]:
        assert departments[(region, name)] == 0, name
    assert departments[("Maradi", "Madarounfa")] == 10
    assert departments[("Zinder", "Tesker")] == 1
    tahoua = departments.loc["Tahoua"]
    assert set(tahoua[tahoua > 0].index) == {"Tillia", "Abalak", "Tahoua", "Birni N'Konni"}
    tillaberi = departments.loc["Tillabéri"].sort_values(ascending=False)
    assert list(tillaberi.index[:3]) == ["Téra", "Torodi", "Gothèye"]
    attacks = select(events, period=CURRENT)
    attacks = attacks[(attacks["region"] == "Dosso") & (attacks["sub_event_type"] == "Attack")]
    assert attacks["department"].value_counts()[["Dioundiou", "Gaya"]].tolist() == [5, 4]


def test_about_two_percent_snapped_to_the_intended_region(joined, raw):
    political = joined.events[joined.events["event_type"].isin(REPORT_EVENT_TYPES)]
    snapped = joined.events[joined.events["join_status"] == "snapped"]
    assert 0.01 <= len(snapped) / len(political) <= 0.03
    assert snapped["snap_distance_km"].between(0.5, 8).all()
    intended = raw.set_index("event_id_cnty")["admin1"]  # the unscrambled file names the intended region
    got = snapped.set_index("event_id")["region"].map(lambda n: n.replace("é", "e"))
    assert (got == intended[got.index]).all()


def test_old_department_names_give_boundary_vintage_rows(joined, raw):
    agreement = joined.agreement
    # admin1 was scrambled on purpose: every region disagrees, yet the counts above hold
    assert (agreement["level"] == "region").sum() == len(raw)
    kinds = agreement[agreement["level"] == "department"]["kind"].value_counts()
    assert kinds.get("boundary vintage", 0) >= 20
    assert kinds.get("disagreement", 0) == 0
    old = raw[raw["admin2"].isin(["Say", "Tera"]) & (raw["event_date"] < "2024-01-01")]
    joined_departments = joined.events.set_index("event_id").loc[old["event_id_cnty"], "department"]
    assert {"Torodi", "Gothèye", "Bankilaré"} & set(joined_departments)


def test_other_event_types_are_there_to_be_filtered(joined):
    other = joined.events[~joined.events["event_type"].isin(REPORT_EVENT_TYPES)]
    assert 20 <= len(other) <= 60
    assert set(other["event_type"]) == {"Protests", "Riots", "Strategic developments"}


def test_named_incidents_at_their_places(raw):
    named = raw[raw["notes"].str.contains("Modelled on an incident")]
    assert len(named) >= 25
    petel = raw[(raw["location"] == "Petel Kolé") & (raw["event_date"] == "2024-12-10")].iloc[0]
    assert (petel["fatalities"], petel["admin2"], petel["geo_precision"]) == ("36", "Tera", "1")
    assert len(raw[(raw["location"] == "Manseyka") & (raw["event_type"] == B)]) == 5


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_synthetic_acled", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_script_reproduces_the_committed_file(script, tmp_path):
    out = script.main(["--out", str(tmp_path / "again.csv")])
    assert out.read_bytes() == DEMO.read_bytes()


def test_script_rejects_inconsistent_targets(script, tmp_path):
    module = script
    targets = module.load_targets(module.TARGETS)
    first = targets["cell"][0]
    targets["cell"] = [dict(first, incidents=3)]
    with pytest.raises(module.InputError, match="calibration cell 1 .*more events than incidents"):
        module.generate(targets)
    targets["cell"] = [dict(first, groups=[{"n": 54, "actor": "NOBODY"}])]
    with pytest.raises(module.InputError, match="actor 'NOBODY' is not in"):
        module.generate(targets)
    with open(tmp_path / "bad.toml", "w", encoding="utf-8") as handle:
        handle.write("[meta\n")
    with pytest.raises(module.InputError, match="bad.toml"):
        module.load_targets(tmp_path / "bad.toml")


def test_named_coordinates_come_from_the_gazetteer(script):
    from geo_coi.gazetteer import geocode

    targets = script.load_targets(script.TARGETS)
    named = [g for cell in targets["cell"] for g in cell.get("groups", []) if "latitude" in g]
    assert len(named) >= 15
    for group in named:
        candidates = geocode(group["place"])
        if candidates.empty:  # "Chétimari Wangou": the gazetteer knows Chétimari
            candidates = geocode(group["place"].split()[0])
        gaps = (candidates["latitude"] - group["latitude"]).abs() + (candidates["longitude"] - group["longitude"]).abs()
        assert gaps.min() < 0.001, group["place"]
