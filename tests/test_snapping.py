"""Border snapping: the search over border communes' segments answers like a nearest search over all polygons."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from geo_coi import admin_index, snapping
from geo_coi.crs import EQUAL_AREA, GEOD, GEOGRAPHIC


def outside_points(n=3000, seed=5):
    """Points outside every commune: near the outline (most), far away, and on outline vertices pushed out."""
    rng = np.random.default_rng(seed)
    outline = shapely.get_coordinates(admin_index.geometries("country")[0].boundary)
    k = rng.integers(0, len(outline), 4 * n)
    spread = rng.choice([0.0005, 0.02, 0.3, 3.0], size=4 * n)
    lon = outline[k, 0] + rng.normal(0, spread)
    lat = outline[k, 1] + rng.normal(0, spread)
    out = admin_index.lookup(lon, lat) == admin_index.NO_UNIT
    return lon[out][:n], lat[out][:n]


def nearest_over_all_polygons(lon, lat):
    """Independent reference: STRtree nearest over every whole commune polygon, lowest row on ties."""
    to_area = Transformer.from_crs(GEOGRAPHIC, EQUAL_AREA, always_xy=True)
    to_geo = Transformer.from_crs(EQUAL_AREA, GEOGRAPHIC, always_xy=True)
    polygons = shapely.transform(admin_index.geometries("commune"), to_area.transform, interleaved=False)
    points = shapely.points(*to_area.transform(lon, lat))
    point_idx, unit_idx = shapely.STRtree(polygons).query_nearest(points, all_matches=True)
    nearest = np.full(len(lon), len(polygons))
    np.minimum.at(nearest, point_idx, unit_idx)
    end = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(points, polygons[nearest]), 1))
    _, _, metres = GEOD.inv(lon, lat, *to_geo.transform(end[:, 0], end[:, 1]))
    return nearest, np.asarray(metres) / 1000.0


def test_segment_search_matches_polygon_search():
    lon, lat = outside_points()
    assert len(lon) == 3000
    ours, km = snapping.nearest_commune(lon, lat)
    theirs, their_km = nearest_over_all_polygons(lon, lat)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(km, their_km, rtol=0, atol=1e-9)
    assert km.min() > 0 and km.max() > 100  # near and far points both exercised


def test_only_communes_touching_the_outline_are_searched():
    _, owner, _, _, _ = snapping._border_segments()
    border = np.unique(owner)
    communes = admin_index.geometries("commune")
    assert 0 < len(border) < len(communes) / 2
    # every commune touching the outline of all communes (in lon/lat, not EQUAL_AREA) is among them
    outline = shapely.union_all(communes).boundary
    assert set(np.flatnonzero(shapely.intersects(communes, outline)).tolist()) <= set(border.tolist())


def test_kd_tree_answers_and_strtree_fallback_both_exercised(monkeypatch):
    """The points the k-d tree settles and those it hands to the STRtree both answer as the polygon search."""
    lon, lat = outside_points(n=2000, seed=11)
    _, owner, _, to_area, _ = snapping._border_segments()
    x, y = (np.asarray(v) for v in to_area.transform(lon, lat))
    _, sure = snapping._nearest_by_pieces(x, y, owner)
    assert 0 < (~sure).sum() < sure.sum()
    theirs, their_km = nearest_over_all_polygons(lon, lat)
    for k in (1, 2, snapping._K):  # fewer midpoints: more points fall back, same answers
        monkeypatch.setattr(snapping, "_K", k)
        ours, km = snapping.nearest_commune(lon, lat)
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(km, their_km)


def test_a_few_points_answer_through_the_strtree_alone():
    lon, lat = outside_points(n=2000, seed=12)
    few = snapping._KD_MIN_POINTS - 1
    theirs, their_km = nearest_over_all_polygons(lon[:few], lat[:few])
    ours, km = snapping.nearest_commune(lon[:few], lat[:few])
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(km, their_km)
