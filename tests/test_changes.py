"""geo_coi.changes and ``geo-coi changes``: two synthetic editions with known changes.

NEW is the demo file with 50 events deleted, 30 added, the fatalities of 20
revised and the coordinates of 10 moved to another region's event; 10 more
events get float noise (< 1e-4 degree) in their longitude, which is no revision.
"""

import json
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_coi import changes as ch
from geo_coi import stats
from geo_coi.cli.main import cli
from geo_coi.events import REPORT_EVENT_TYPES, select
from geo_coi.join import join_admin
from geo_coi.sources import read_events

DEMO = files("geo_coi") / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
UCDP = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_reduced.csv"


def _raw():
    return pd.read_csv(DEMO, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """(old path, new path, the ids of each change) of the two synthetic editions."""
    folder = tmp_path_factory.mktemp("editions")
    raw = _raw()
    order = np.random.default_rng(14).permutation(len(raw))
    deleted, fatal, moved, noisy = order[:50], order[50:70], order[70:80], order[80:90]
    new = raw.copy()
    new.loc[fatal, "fatalities"] = (new.loc[fatal, "fatalities"].astype(int) + 7).astype(str)
    for row in moved:  # coordinates (and place name) of an event in another region
        donor = raw[raw["admin1"] != raw.at[row, "admin1"]].index[row % 50]
        new.loc[row, ["latitude", "longitude", "location"]] = raw.loc[donor, ["latitude", "longitude", "location"]]
    new.loc[noisy, "longitude"] = (new.loc[noisy, "longitude"].astype(float) + 4e-5).map("{:.5f}".format)
    added = raw.iloc[order[100:130]].copy()
    added["event_id_cnty"] = [f"NIG9{i:04d}" for i in range(30)]
    new = pd.concat([new.drop(index=deleted), added], ignore_index=True)
    old_path, new_path = folder / "old.csv", folder / "new.csv"
    raw.to_csv(old_path, index=False)
    new.to_csv(new_path, index=False)
    ids = {"deleted": set(raw.loc[deleted, "event_id_cnty"]), "added": set(added["event_id_cnty"]),
           "fatalities": set(raw.loc[fatal, "event_id_cnty"]), "location": set(raw.loc[moved, "event_id_cnty"]),
           "noise": set(raw.loc[noisy, "event_id_cnty"])}
    return old_path, new_path, ids


@pytest.fixture(scope="module")
def result(editions):
    old, new, _ = editions
    return ch.compare_editions(old, new)


@pytest.fixture(scope="module")
def joined(editions):
    old, new, _ = editions
    return [join_admin(read_events(path).events).events for path in (old, new)]


def test_counts_are_exact(result, editions):
    _, _, ids = editions
    assert set(result.added) == ids["added"] and len(result.added) == 30
    assert set(result.deleted) == ids["deleted"] and len(result.deleted) == 50
    assert set(result.revised) == ids["fatalities"] | ids["location"] and len(result.revised) == 30
    assert result.revised_fields == {"fatalities": 20, "location": 10}
    assert not ids["noise"] & set(result.revised)  # float noise below 1e-4 degree is no revision
    fields = result.events.set_index("event_id")["fields"]
    assert all(fields[i] == "fatalities" for i in ids["fatalities"])
    assert all(set(fields[i].split()) == {"latitude", "longitude", "location"} for i in ids["location"])


def _expected(frame, ids, period, by, keys, **filters):
    """Incidents and fatalities per row of the events ``ids`` of ``frame``, by plain pandas."""
    chosen = select(frame[frame["event_id"].isin(ids)], period=period, event_types=REPORT_EVENT_TYPES, **filters)
    grouped = stats.group_keys(chosen, by).assign(fatalities=chosen["fatalities"].fillna(0).astype(int), n=1)
    return grouped.groupby(keys)[["n", "fatalities"]].sum()


@pytest.mark.parametrize("name", ["national_by_event_type", "national_by_event_type_comparison",
                                  "by_region_and_event_type", "civilian_targeting_by_actor",
                                  "tillaberi_by_department", "dosso_by_department", "diffa_by_department"])
def test_every_table_splits_by_cause(result, joined, editions, name):
    _, _, ids = editions
    old, new = joined
    table = result.tables[name]
    period, region = result.scopes[name]
    _, by, filters = ch.TABLES.get(name, ("current", ch.REGION_BY, {}))
    if region:
        pcode = old.loc[old["region"] == region, "region_pcode"].iloc[0]
        old, new = old[old["region_pcode"] == pcode], new[new["region_pcode"] == pcode]
    keys = list(stats.group_keys(old.iloc[0:0], by).columns)
    indexed = table.set_index(keys)
    # old and new: the report's own table (geo_coi.stats, as the annex writes it)
    for frame, part in ((old, "old"), (new, "new")):
        own = stats.summarize(frame, period, by=by, event_types=REPORT_EVENT_TYPES, **filters).set_index(keys)
        got = indexed[[f"incidents_{part}", f"fatalities_{part}"]].loc[own.index]
        assert got[f"incidents_{part}"].tolist() == own["incidents"].tolist()
        assert got[f"fatalities_{part}"].tolist() == own["fatalities"].tolist()
    revised = ids["fatalities"] | ids["location"]
    expected = {
        "added": _expected(new, ids["added"], period, by, keys, **filters),
        "deleted": -_expected(old, ids["deleted"], period, by, keys, **filters),
        "revised": _expected(new, revised, period, by, keys, **filters).sub(
            _expected(old, revised, period, by, keys, **filters), fill_value=0),
    }
    for cause, frame in expected.items():
        frame = frame.reindex(indexed.index, fill_value=0)
        assert indexed[f"incidents_{cause}"].tolist() == frame["n"].astype(int).tolist(), cause
        assert indexed[f"fatalities_{cause}"].tolist() == frame["fatalities"].astype(int).tolist(), cause
    for measure in ch.MEASURES:
        causes = sum(indexed[f"{measure}_{cause}"] for cause in ch.CAUSES)
        assert (indexed[f"{measure}_difference"] == causes).all()
        assert (indexed[f"{measure}_difference"]
                == indexed[f"{measure}_new"].fillna(0) - indexed[f"{measure}_old"].fillna(0)).all()
    assert table["fatalities_revised"].abs().sum() > 0 or name.startswith(("diffa", "dosso"))
    # the events behind each row: every added/deleted id in scope, once, in its row
    for cause, frame in (("added", new), ("deleted", old)):
        listed = [i for cell in table[f"{cause}_events"] for i in cell.split()]
        in_scope = select(frame[frame["event_id"].isin(ids[cause])], period=period,
                          event_types=REPORT_EVENT_TYPES, **filters)
        assert sorted(listed) == sorted(in_scope["event_id"])
    listed = {i for cell in table["revised_events"] for i in cell.split()}
    assert listed <= revised
    assert all((indexed.loc[[k for k, cell in zip(indexed.index, indexed["revised_events"], strict=True) if cell],
                            ["incidents_revised", "fatalities_revised"]] != 0).any(axis=1)) or not listed


def test_location_revision_moves_incidents_between_regions(result):
    table = result.tables["by_region_and_event_type"]
    moved = table["incidents_revised"]
    assert (moved > 0).any() and (moved < 0).any()  # out of one region's row, into another's
    national = result.tables["national_by_event_type"]
    assert national["incidents_revised"].sum() == table["incidents_revised"].sum()


def test_field_only_one_edition_has_is_no_revision(tmp_path):
    raw = _raw()
    old = raw.drop(columns=["civilian_targeting"])  # a pre-2023 export
    new = raw.assign(extra_column="only in the newer export")
    flagged = raw["civilian_targeting"].ne("") & raw["event_type"].ne("Violence against civilians")
    assert flagged.any()  # derived and read flags differ for these rows: still not a revision
    old.to_csv(tmp_path / "old.csv", index=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    result = ch.compare_editions(tmp_path / "old.csv", tmp_path / "new.csv")
    assert (result.added, result.deleted, result.revised) == ([], [], [])


def test_any_two_formats(tmp_path):
    """The same edition as XLSX and as CSV: nothing changed."""
    raw = _raw()
    raw.to_excel(tmp_path / "old.xlsx", index=False)
    changed = raw.copy()
    changed.loc[3, "sub_event_type"] = "Attack"  # one revision, found across formats
    changed.to_csv(tmp_path / "new.csv", index=False)
    result = ch.compare_editions(tmp_path / "old.xlsx", tmp_path / "new.csv")
    assert (result.added, result.deleted) == ([], [])
    expected = [] if raw.loc[3, "sub_event_type"] == "Attack" else [raw.loc[3, "event_id_cnty"]]
    assert result.revised == expected and result.revised_fields == ({"sub_event_type": 1} if expected else {})


def test_cli_json_and_files(editions, tmp_path):
    old, new, ids = editions
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["changes", str(old), str(new), "--json", "--out-dir", str(out),
                                   "--period", "2024-09-01", "2025-05-30"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    for cause, expected in (("added", ids["added"]), ("deleted", ids["deleted"]),
                            ("revised", ids["fatalities"] | ids["location"])):
        assert document[cause]["count"] == len(expected)
        assert set(document[cause]["event_id_cnty"]) == expected
    assert document["revised"]["fields"] == {"fatalities": 20, "location": 10}
    national = document["tables"]["national_by_event_type"]
    total = national["total"]["incidents"]
    assert total["new"] - total["old"] == total["difference"] == total["added"] + total["deleted"] + total["revised"]
    assert {row["event_type"] for row in national["rows"]} == set(REPORT_EVENT_TYPES)
    assert json.loads((out / "changes.json").read_text(encoding="utf-8")) == document
    tidy = pd.read_csv(out / "changes_tables.csv", keep_default_na=False)
    assert set(tidy["table"]) == set(document["tables"])
    assert (tidy["difference"] == tidy["added"] + tidy["deleted"] + tidy["revised"]).all()
    listed = pd.read_csv(out / "changes_events.csv", keep_default_na=False)
    assert listed["change"].value_counts().to_dict() == {"deleted": 50, "added": 30, "revised": 30}
    markdown = (out / "changes.md").read_text(encoding="utf-8")
    assert "30 added, 50 deleted, 30 revised" in markdown
    behind = {i for row in national["rows"] for cause in ch.CAUSES for i in row["events"][cause]}
    assert behind and all(i in markdown for i in behind)


def test_cli_french_report(editions, tmp_path):
    old, new, _ = editions
    run = CliRunner().invoke(cli, ["changes", str(old), str(new), "--language", "fr", "--out-dir", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert "30 ajoutés, 50 supprimés, 30 révisés" in run.stdout
    markdown = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert "Édition précédente\u202f:" in markdown and "Affrontements" in markdown


def test_reproducible(editions, result, tmp_path):
    first = ch.write_changes(result, tmp_path / "a")
    second = ch.write_changes(ch.compare_editions(editions[0], editions[1]), tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize("args, words", [
    (["missing.csv", str(DEMO)], ["missing.csv"]),
    ([str(UCDP), str(DEMO)], ["UCDP GED", "ACLED", "same dataset"]),
])
def test_bad_input_is_one_line(args, words, tmp_path):
    run = CliRunner().invoke(cli, ["changes", *args, "--out-dir", str(tmp_path)])
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("Error: ")
    assert all(word in run.stderr for word in words)
