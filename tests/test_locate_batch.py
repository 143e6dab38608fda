"""Batch locate (geo_coi.location_batch) gives the scalar locate()'s answers, row for row."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo_coi import admin_index
from geo_coi.location import LOCATED_COLUMNS, _located_row, locate_points
from geo_coi.location_batch import _nearest_unit, locate_many

UCDP = Path(__file__).resolve().parent.parent / "geo_coi/countries/ner/events/ucdp_ged251_niger_2015_2024_reduced.csv"


def real_shaped_points(n=2000, seed=17):
    """Points as real data come: a quarter on published event coordinates, the rest jittered
    around them (10 m to 10 km), plus points near Niamey, on unit boundaries, in the
    neighbouring countries, far away, and bad rows."""
    rng = np.random.default_rng(seed)
    events = pd.read_csv(UCDP, usecols=["latitude", "longitude"])
    centre = rng.integers(0, len(events), n)
    spread = np.where(rng.random(n) < 0.25, 0.0, rng.choice([0.0001, 0.01, 0.1], size=n))
    lon = events["longitude"].to_numpy()[centre] + rng.normal(0, 1, n) * spread
    lat = events["latitude"].to_numpy()[centre] + rng.normal(0, 1, n) * spread
    niamey = admin_index.geometries("niamey_arrondissement")
    on_lines = shapely.get_coordinates(shapely.boundary(niamey))
    k = rng.integers(0, len(on_lines), 150)
    lon[:150], lat[:150] = on_lines[k, 0], on_lines[k, 1]  # exactly on arrondissement vertices
    lon[150:300] = rng.uniform(1.8, 2.4, 150)
    lat[150:300] = rng.uniform(13.3, 13.8, 150)  # around Niamey
    communes = shapely.get_coordinates(shapely.boundary(admin_index.geometries("commune")))
    k = rng.integers(0, len(communes), 300)
    lon[300:600] = communes[k, 0] + rng.normal(0, 0.003, 300)  # within a few hundred metres of a boundary
    lat[300:600] = communes[k, 1] + rng.normal(0, 0.003, 300)
    lon[600:700] = rng.uniform(-4, 20, 100)
    lat[600:700] = rng.uniform(5, 28, 100)  # Mali, Burkina Faso, Nigeria, Chad, Algeria, Libya
    lat[700], lon[700] = 48.85, 2.35  # Paris: far away
    lats, lons = list(lat), list(lon)
    precision = list(rng.choice(np.array([1, 2, 3, None], dtype=object), size=n))
    lats[701], lats[702], lons[703] = "abc", "13,5", 200.0  # not numbers, out of range
    lats[704], lons[704] = 2.0886, 13.4716  # swapped
    lats[705], lons[705] = "13.4716", " 2.0886 "  # text
    precision[706], precision[707] = "4", "2.0"
    lats[708] = float("nan")
    return lats, lons, precision


def pack_points(iso3, n=2000, seed=23):
    """Points of another pack, shaped like the Niger sample: around the capital, on and near unit
    boundaries, jittered around unit centres, over the whole box and beyond, and bad rows."""
    from geo_coi import country
    from geo_coi.location import capital_units

    rng = np.random.default_rng(seed)
    pack = country.get(iso3)
    finest = admin_index.geometries(admin_index.finest(iso3), iso3)
    centres = shapely.get_coordinates(shapely.point_on_surface(finest))
    k = rng.integers(0, len(centres), n)
    spread = np.where(rng.random(n) < 0.25, 0.0, rng.choice([0.0001, 0.01, 0.1, 0.5], size=n))
    lon = centres[k, 0] + rng.normal(0, 1, n) * spread
    lat = centres[k, 1] + rng.normal(0, 1, n) * spread
    capital = admin_index.geometries(capital_units(iso3), iso3)
    on_capital = shapely.get_coordinates(shapely.boundary(capital))
    k = rng.integers(0, len(on_capital), 150)
    lon[:150], lat[:150] = on_capital[k, 0], on_capital[k, 1]
    cx, cy = shapely.get_coordinates(shapely.centroid(shapely.union_all(capital)))[0]
    lon[150:300], lat[150:300] = cx + rng.uniform(-0.3, 0.3, 150), cy + rng.uniform(-0.3, 0.3, 150)
    edges = shapely.get_coordinates(shapely.boundary(finest))
    k = rng.integers(0, len(edges), 300)
    lon[300:600] = edges[k, 0] + rng.normal(0, 0.003, 300)
    lat[300:600] = edges[k, 1] + rng.normal(0, 0.003, 300)
    west, south, east, north = pack.bbox
    lon[600:700], lat[600:700] = rng.uniform(west - 2, east + 2, 100), rng.uniform(south - 2, north + 2, 100)
    lats, lons = list(lat), list(lon)
    precision = list(rng.choice(np.array([1, 2, 3, None], dtype=object), size=n))
    lats[701], lons[701] = lons[160], lats[160]  # swapped, near the capital
    lats[702] = "x"
    return lats, lons, precision


def same(ours, theirs):
    if isinstance(theirs, float) and isinstance(ours, float):
        return math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-9)  # km: a micrometre
    return type(ours) is type(theirs) and ours == theirs


def _vectorised_equals_scalar(lats, lons, precision, country=None) -> dict:
    """Assert the vectorised answers equal the scalar path's, field by field; return the answers by column."""
    ours = locate_many(lats, lons, precision, country)
    _located_row.cache_clear()
    theirs = [_located_row(*values, country) for values in zip(lats, lons, precision, strict=True)]
    differing = [
        (i, column, a, b)
        for i, (row, expected) in enumerate(zip(ours, theirs, strict=True))
        for column, a, b in zip(LOCATED_COLUMNS, row, expected, strict=True)
        if not same(a, b)
    ]
    assert differing == []
    return {c: [row[LOCATED_COLUMNS.index(c)] for row in theirs] for c in LOCATED_COLUMNS}


def test_2000_points_vectorised_equal_scalar():
    lats, lons, precision = real_shaped_points()
    column = _vectorised_equals_scalar(lats, lons, precision)
    # the sample exercises every branch
    assert column["inside_capital"].count(True) > 100 and column["inside_country"].count(False) > 20
    assert {"NER", "MLI", "BFA"} <= set(column["country"])
    warnings = [w for w in column["warnings"] if w]
    assert sum("boundary with" in w for w in warnings) > 100
    assert sum("outside Niger's border" in w for w in warnings) > 0
    assert sum(bool(e) for e in column["error"]) >= 6 and any("swapped" in e for e in column["error"])
    assert sum(w.startswith("geo_precision") for w in warnings) > 500


@pytest.mark.parametrize(("iso3", "country"), [("MLI", None), ("BFA", None), ("BFA", "BFA")])
def test_2000_points_vectorised_equal_scalar_in_other_packs(iso3, country):
    lats, lons, precision = pack_points(iso3)
    column = _vectorised_equals_scalar(lats, lons, precision, country)
    assert column["country"].count(iso3) > 1500 and column["inside_capital"].count(True) > 50
    assert column["inside_country"].count(False) > 10
    assert sum("boundary with" in (w or "") for w in column["warnings"]) > 100
    assert any("swapped" in e for e in column["error"])
    if country is None:
        assert len(set(column["country"]) - {None}) > 1  # points beyond the border answer for their own pack


def test_locate_points_uses_the_batch_path_and_keeps_every_row():
    every = sorted(set(range(0, 2000, 8)) | set(range(700, 710)))
    lats, lons, precision = ([column[i] for i in every] for column in real_shaped_points())
    table = pd.DataFrame({"latitude": lats, "longitude": lons, "geo_precision": precision, "id": range(len(every))})
    located = locate_points(table)
    assert located["id"].tolist() == list(range(len(every)))
    _located_row.cache_clear()
    expected = pd.DataFrame(
        [_located_row(*v) for v in zip(lats, lons, precision, strict=True)], columns=list(LOCATED_COLUMNS)
    )
    pd.testing.assert_frame_equal(located[list(LOCATED_COLUMNS)], expected, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("level", ["region", "niamey_arrondissement"])
def test_nearest_unit_ties_take_the_lowest_row(level):
    """A point on the vertex two units share is 0 km from both: the lower row wins, as in np.argmin."""
    shapes = admin_index.geometries(level)
    shared = shapely.get_coordinates(shapely.intersection(shapes[0].boundary, shapes[1].boundary))
    if not len(shared):
        pytest.skip(f"units 0 and 1 of {level} do not touch")
    lon, lat = shared[0]
    unit, km = _nearest_unit("NER", np.array([lon, lon]), np.array([lat, lat]), level)
    assert km.tolist() == [0.0, 0.0] and unit.tolist() == [0, 0]
