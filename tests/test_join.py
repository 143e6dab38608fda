"""Events -> admin units: inside, snapped at the border, rejected beyond it; agreement report."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from geo_coi import country, vintages
from geo_coi.admin_index import geometries, records
from geo_coi.crs import GEOGRAPHIC, local_equidistant
from geo_coi.errors import InputError
from geo_coi.events import JOINED_COLUMNS, REJECT_COLUMNS, ROW_NUMBER, count_reasons, order_reasons
from geo_coi.join import join_admin
from geo_coi.sources import read_events

DATA = Path(__file__).parent / "data"
UCDP = (Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "events"
        / "ucdp_ged251_niger_2015_2024_gednames.csv")


@pytest.fixture(scope="module")
def ucdp(ucdp_events):
    return join_admin(ucdp_events)


@pytest.fixture(scope="module")
def acled():
    return join_admin(read_events(DATA / "events" / "acled_current.csv").events)


def test_ucdp_all_kept_two_snapped(ucdp):
    assert len(ucdp.events) == 575 and len(ucdp.rejects) == 0
    assert ucdp.summary == {**ucdp.summary, "inside": 573, "snapped": 2, "rejected": 0}
    snapped = ucdp.events[ucdp.events["join_status"] == "snapped"]
    assert len(snapped) == 2
    assert ((snapped["snap_distance_km"] > 0) & (snapped["snap_distance_km"] <= 5.2)).all()
    inside = ucdp.events[ucdp.events["join_status"] == "inside"]
    assert inside["snap_distance_km"].eq(0).all()
    for column in JOINED_COLUMNS[:6]:
        assert ucdp.events[column].notna().all(), column


def test_snap_distance_is_geodesic(ucdp):
    """Check each snap distance against the outline in a projection centred on the point."""
    outline = shapely.union_all(geometries("country"))
    for _, event in ucdp.events[ucdp.events["join_status"] == "snapped"].iterrows():
        to_local = Transformer.from_crs(GEOGRAPHIC, local_equidistant(event.longitude, event.latitude),
                                        always_xy=True)
        local = shapely.transform(outline, to_local.transform, interleaved=False)
        expected_km = local.distance(shapely.Point(0, 0)) / 1000
        assert event["snap_distance_km"] == pytest.approx(expected_km, rel=0.01, abs=0.05)


def test_tolerance_rejects_with_distance_and_row(ucdp_events):
    strict = join_admin(ucdp_events, tolerance_km=0.0)
    assert strict.summary["rejected"] == 2 and len(strict.events) == 573
    assert list(strict.rejects.columns[:5]) == list(REJECT_COLUMNS)
    assert strict.rejects["reason"].eq("outside Niger beyond tolerance").all()
    assert strict.rejects["value"].str.contains("km from the border").all()
    assert (strict.rejects["row_number"] > 1).all()


def test_the_outside_reason_names_the_active_pack(ucdp_events):
    with country.use("MLI"):  # Niger's events, joined to Mali: every one outside it
        mali = join_admin(ucdp_events.head(5), tolerance_km=0.0)
    assert mali.rejects["reason"].tolist() == ["outside Mali beyond tolerance"] * 5
    assert count_reasons(mali.rejects) == {"outside Mali beyond tolerance": 5}
    counts = {"outside Niger beyond tolerance": 4, "no such reason": 3, "missing event_id": 2,
              "outside Mali beyond tolerance": 1, "missing coordinates": 5}
    assert list(order_reasons(counts)) == ["missing event_id", "missing coordinates", "outside Mali beyond tolerance",
                                           "outside Niger beyond tolerance"]


def test_ucdp_region_agreement(ucdp):
    region = ucdp.agreement_summary["region"]
    assert (region["agree"], region["compared"], region["missing"]) == (563, 565, 10)
    rows = ucdp.agreement[ucdp.agreement["level"] == "region"]
    assert len(rows) == 2 and rows["kind"].eq("disagreement").all()
    assert set(rows["joined_name"]) == {"Niamey"}


def test_boundary_vintage_is_told_from_disagreement(ucdp, acled):
    department = ucdp.agreement_summary["department"]
    assert department["boundary_vintage"] > department["disagree"] > 0
    vintage = ucdp.agreement[ucdp.agreement["kind"] == "boundary vintage"]
    pairs = set(zip(vintage["source_name"], vintage["joined_name"], strict=False))
    assert ("Diffa department", "Bosso") in pairs and ("Say department", "Torodi") in pairs
    kinds = dict(zip(acled.agreement["event_id"] + "/" + acled.agreement["level"], acled.agreement["kind"],
                     strict=True))
    # Ayerou coded in Tillabéri, Torodi in Say, Bosso in Diffa, Banibangou in Ouallam: all pre-2011 parents
    assert kinds == {f"{e}/department": "boundary vintage" for e in ("NIG1002", "NIG1003", "NIG1004", "NIG1006")}
    assert acled.agreement_summary["region"]["agree"] == 6


def test_units_and_niamey_arrondissements(acled):
    events = acled.events.set_index("event_id")
    assert events.loc["NIG1001", "department"] == "Téra"
    assert events.loc["NIG1004", "commune_pcode"].startswith(events.loc["NIG1004", "department_pcode"])
    assert events.loc["NIG1005", "region"] == "Niamey"
    assert events.loc["NIG1005", "arrondissement"].startswith("Niamey ")
    assert events.drop(index="NIG1005")["arrondissement"].isna().all()
    assert list(acled.events.columns).index("join_status") < list(acled.events.columns).index(ROW_NUMBER)


def test_far_outside_is_rejected():
    result = join_admin(read_events(DATA / "bad" / "outside.csv").events)
    assert result.events["event_id"].tolist() == ["NIG1001"]
    reject = result.rejects.iloc[0]
    assert (reject["row_number"], reject["event_id"]) == (3, "NIG1002")
    distance = float(reject["value"].split(": ")[1].split(" km")[0])
    assert distance > 100



def test_events_without_usable_coordinates_are_rejected_not_lost(acled):
    """A hand-made table may hold empty or missing points (the geometry is the position): each becomes a reject."""
    from shapely.geometry import Point

    events = acled.events.drop(columns=list(JOINED_COLUMNS)).copy()
    events.loc[0, "geometry"] = Point()
    events.loc[1, "geometry"] = None
    result = join_admin(events)
    assert len(result.events) + len(result.rejects) == len(events)
    assert result.rejects["event_id"].tolist() == events["event_id"].iloc[:2].tolist()
    assert result.rejects["reason"].tolist() == ["missing coordinates"] * 2
    assert result.summary["rejected"] == 2
    assert result.summary["inside"] + result.summary["snapped"] == len(events) - 2


@pytest.mark.parametrize("tolerance", [-1.0, float("nan"), float("inf"), "10"])
def test_bad_tolerance_is_refused(acled, tolerance):
    with pytest.raises(InputError, match="tolerance_km"):
        join_admin(acled.events, tolerance_km=tolerance)

def test_unresolvable_names_are_counted(acled):
    events = acled.events.drop(columns=list(JOINED_COLUMNS)).copy()
    events.loc[0, "admin1_source"] = "Atlantis"
    events.loc[1, "admin2_source"] = ""
    result = join_admin(events)
    assert result.agreement_summary["region"]["unresolved"] == 1
    assert result.agreement_summary["department"]["missing"] == 1
    assert "unresolved" in set(result.agreement["kind"])


def test_pre2011_table_covers_every_department():
    """Niger's pre-2011 crosswalk, read from its pack ([vintages.pre2011] in country.toml)."""
    departments = {r["pcode"] for r in records("department")}
    parents = dict(vintages.old_names("department", "NER").items())
    assert set(parents) == departments
    assert all(len(olds) == 1 and olds[0].reform == "2011 reform" for olds in parents.values())
    named = {olds[0].name_pcode for olds in parents.values() if olds[0].name_pcode}
    assert named <= departments
    # 36 pre-2011 departments (Niamey was an urban community)
    assert len({olds[0].name for olds in parents.values()} - {"Niamey"}) == 36
    path = Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "boundaries"
    with (path / "ner_departments_pre2011.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["department"] for r in rows} == {r["name"] for r in records("department")}
    assert np.all([r["parent_pre2011"].strip() for r in rows])


def test_renamed_pre2011_department_counts_as_vintage(acled):
    """Matamèye (renamed Kantché in 2011) resolves to no current department, yet is a parent."""
    kantche = geometries("department")[[r["pcode"] for r in records("department")].index("NE007005")]
    point = kantche.representative_point()
    events = acled.events.drop(columns=list(JOINED_COLUMNS)).iloc[:1].copy()
    events["latitude"], events["longitude"] = point.y, point.x
    events = events.set_geometry([point], crs=4326)  # the geometry is the position (geo_coi/events.py)
    events["admin1_source"], events["admin2_source"] = "Zinder", "Matameye"
    result = join_admin(events)
    assert result.events["department_pcode"].tolist() == ["NE007005"]
    assert result.agreement["kind"].tolist() == ["boundary vintage"]
    assert result.agreement["vintage"].tolist() == ["2011 reform"]
    assert result.agreement_summary["department"]["boundary_vintage"] == 1
