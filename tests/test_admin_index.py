"""admin_index gives exactly geopandas.sjoin(predicate="intersects")'s answers, lowest P-code on ties.

Checked on random points (uniform and clustered like real events), on every
commune vertex, on edge midpoints, on points a hair inside/outside the
border, on grid-cell edges, and through both code paths (exact test for
small inputs, grid for large ones, shipped grid and a freshly built one).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo_coi
from geo_coi import _grid, _prepared, admin_index, boundaries
from geo_coi.errors import CoordinateError, InputError

UCDP = "countries/ner/events/ucdp_ged251_niger_2015_2024_reduced.csv"


def sjoin_lowest(points_lon, points_lat, layer) -> np.ndarray:
    """Row of ``layer`` with the lowest P-code among sjoin's matches, -1 for none."""
    assert layer["pcode"].is_monotonic_increasing  # so the lowest row is the lowest P-code
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(points_lon, points_lat), crs=4326)
    joined = gpd.sjoin(points.reset_index(drop=True), layer.reset_index(drop=True), predicate="intersects")
    result = np.full(len(points), len(layer), dtype="int64")
    np.minimum.at(result, joined.index.to_numpy(), joined["index_right"].to_numpy())
    result[result == len(layer)] = -1
    return result


@pytest.fixture(scope="module")
def communes():
    return boundaries.load("commune")


@pytest.fixture(scope="module")
def random_points(communes):
    """100k uniform in the (widened) bounding box plus 50k around real event locations."""
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = communes.total_bounds
    n = 100_000
    lon = rng.uniform(minx - 0.3, maxx + 0.3, n)
    lat = rng.uniform(miny - 0.3, maxy + 0.3, n)
    events = pd.read_csv(Path(geo_coi.__file__).parent / UCDP, usecols=["latitude", "longitude"])
    centre = rng.integers(0, len(events), 50_000)
    spread = rng.choice([0.001, 0.01, 0.1], size=50_000)
    lon = np.concatenate([lon, events["longitude"].to_numpy()[centre] + rng.normal(0, spread)])
    lat = np.concatenate([lat, events["latitude"].to_numpy()[centre] + rng.normal(0, spread)])
    return lon, lat


@pytest.fixture(scope="module")
def boundary_points(communes):
    """Every commune vertex, every edge midpoint, and country-border vertices nudged both ways."""
    coords, ring = shapely.get_coordinates(
        shapely.get_parts(shapely.boundary(communes.geometry.values)), return_index=True
    )
    same = ring[1:] == ring[:-1]
    midpoints = (coords[:-1][same] + coords[1:][same]) / 2
    border = shapely.get_coordinates(boundaries.load("country").geometry.values)
    nudged = [border + np.array([dx, dy]) for dx in (-1e-9, 1e-9) for dy in (-1e-9, 1e-9)]
    points = np.concatenate([coords, midpoints, *nudged])
    return points[:, 0], points[:, 1]


@pytest.fixture(scope="module")
def grid_edge_points():
    """Points exactly on fine-cell edges and corners of the shipped grid."""
    grid = admin_index._grid_index()
    rng = np.random.default_rng(3)
    nrow, ncol = np.array(grid.coarse.shape) * _grid.FACTOR
    col = rng.integers(0, ncol, 50_000)
    row = rng.integers(0, nrow, 50_000)
    lon = grid.origin[0] + col * grid.size
    lat = grid.origin[1] + row * grid.size
    return lon, lat


@pytest.fixture(scope="module")
def built_grid():
    """A grid built now from the prepared geometries (not the shipped one)."""
    return _grid.GridIndex.build(admin_index.geometries("commune"))


def test_lookup_equals_sjoin_on_random_points(communes, random_points):
    lon, lat = random_points
    expected = sjoin_lowest(lon, lat, communes)
    got = admin_index.lookup(lon, lat)
    assert got.dtype == np.int64
    assert (expected >= 0).sum() > 50_000  # the sample really hits communes
    np.testing.assert_array_equal(got, expected)


def test_lookup_equals_sjoin_on_boundary_points(communes, boundary_points):
    lon, lat = boundary_points
    expected = sjoin_lowest(lon, lat, communes)
    # Vertices are shared by several communes: the tie rule is really exercised.
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    matches = gpd.sjoin(points, communes, predicate="intersects").index.value_counts()
    assert (matches > 1).sum() > 1000
    assert (expected == -1).any() and (expected >= 0).any()
    np.testing.assert_array_equal(admin_index.lookup(lon, lat), expected)


def test_lookup_equals_sjoin_on_grid_cell_edges(communes, grid_edge_points):
    lon, lat = grid_edge_points
    np.testing.assert_array_equal(admin_index.lookup(lon, lat), sjoin_lowest(lon, lat, communes))


@pytest.mark.parametrize("points", ["random_points", "boundary_points", "grid_edge_points"])
def test_every_path_agrees(points, request, built_grid):
    """Exact test, shipped grid and freshly built grid give the same answers."""
    lon, lat = request.getfixturevalue(points)
    exact = _grid.exact_lookup(admin_index._tree(), lon, lat)
    np.testing.assert_array_equal(admin_index._grid_index().lookup(lon, lat), exact)
    np.testing.assert_array_equal(built_grid.lookup(lon, lat), exact)


def test_small_inputs_use_the_same_rule(communes, boundary_points):
    lon, lat = boundary_points[0][:500], boundary_points[1][:500]
    expected = sjoin_lowest(lon, lat, communes)
    np.testing.assert_array_equal(admin_index.lookup(lon, lat), expected)
    assert admin_index.lookup(lon[0], lat[0]).tolist() == [expected[0]]


@pytest.mark.parametrize("level", ["department", "region", "country"])
def test_higher_levels_read_off_the_commune_equal_sjoin(level, random_points, boundary_points):
    """Department and region of the commune equal sjoin on those layers, boundaries included."""
    lon = np.concatenate([random_points[0][::10], boundary_points[0]])
    lat = np.concatenate([random_points[1][::10], boundary_points[1]])
    layer = boundaries.load(level)
    expected = sjoin_lowest(lon, lat, layer)
    commune = admin_index.lookup(lon, lat)
    key = {"department": "department_pcode", "region": "region_pcode", "country": None}[level]
    parent = [r[key] if key else layer["pcode"][0] for r in admin_index.records("commune")]
    parent_row = dict(zip(layer["pcode"], range(len(layer)), strict=False))
    got = np.array([parent_row[parent[c]] if c >= 0 else -1 for c in commune])
    np.testing.assert_array_equal(got, expected)


def test_nan_empty_and_far_points():
    assert admin_index.lookup([np.nan, 2.0, 100.0], [13.5, np.nan, 13.5]).tolist() == [-1, -1, -1]
    assert admin_index.lookup([], []).shape == (0,)
    many = np.full(5_000, np.nan)
    assert (admin_index.lookup(many, many) == admin_index.NO_UNIT).all()


@pytest.mark.parametrize("n", [3, 3_000])  # exact path and grid path
def test_input_types_and_infinities(n):
    """Lists, float32, pandas Series with pd.NA and infinities, on both code paths."""
    lon = [2.0886, np.inf, None] * (n // 3)
    lat = [13.4716, 13.5, 13.5] * (n // 3)
    expected = admin_index.lookup(np.array(lon, dtype=float), np.array(lat))
    assert expected[:3].tolist() == [admin_index.lookup(2.0886, 13.4716)[0], -1, -1] and expected[0] >= 0
    np.testing.assert_array_equal(admin_index.lookup(lon, lat), expected)
    series = pd.Series(lon, dtype="Float64"), pd.Series(lat, dtype="Float64")
    assert series[0].isna().any()
    np.testing.assert_array_equal(admin_index.lookup(*series), expected)
    lon32, lat32 = np.array(lon, dtype="float32"), np.array(lat, dtype="float32")
    np.testing.assert_array_equal(admin_index.lookup(lon32, lat32), admin_index.lookup(lon32.astype(float), lat32))


def test_length_mismatch_and_unknown_level_are_clear():
    with pytest.raises(InputError, match="3 longitudes but 2 latitudes"):
        admin_index.lookup([1, 2, 3], [1, 2])
    with pytest.raises(InputError, match="unknown admin level 'province'"):
        admin_index.records("province")
    with pytest.raises(CoordinateError, match="must be numbers.*'13,5'"):
        admin_index.lookup(["2.1"], ["13,5"])


@pytest.mark.parametrize("level", admin_index.LEVELS)
def test_records_and_geometries_equal_the_geojson(level):
    frame = boundaries.load(level)
    fields = [f for f in _prepared.RECORD_FIELDS if f in frame]
    assert admin_index.records(level) == frame[fields].to_dict("records")
    geoms = admin_index.geometries(level)
    assert len(geoms) == len(frame)
    assert shapely.to_wkb(geoms).tolist() == shapely.to_wkb(frame.geometry.values).tolist()


def test_commune_table_rows_match_records():
    table = admin_index.commune_table()
    assert table["pcode"].tolist() == [r["pcode"] for r in admin_index.records("commune")]
    assert table["pcode"].is_monotonic_increasing


def test_records_are_copies():
    admin_index.records("region")[0]["name"] = "changed"
    assert admin_index.records("region")[0]["name"] != "changed"


@pytest.mark.parametrize("iso3", ["MLI", "BFA"])
def test_other_packs_prepared_form_is_in_sync_and_answers_like_sjoin(iso3, tmp_path):
    """Each pack's shipped files rebuild byte for byte; its finest level answers like sjoin."""
    assert _prepared.stored_hashes(country=iso3) == _prepared.source_hashes(iso3)
    for shipped, rebuilt in zip((_prepared.path(iso3), _prepared.grid_path(iso3)),
                                _prepared.build(tmp_path, country=iso3), strict=True):
        assert rebuilt.read_bytes() == shipped.read_bytes(), shipped
    finest = admin_index.finest(iso3)
    assert finest == {"MLI": "commune", "BFA": "department"}[iso3]
    layer = boundaries.load(finest, iso3)
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = layer.total_bounds
    lon, lat = rng.uniform(minx - 0.2, maxx + 0.2, 20_000), rng.uniform(miny - 0.2, maxy + 0.2, 20_000)
    coords = shapely.get_coordinates(layer.geometry.values)[::7]  # vertices: ties between units
    lon, lat = np.concatenate([lon, coords[:, 0]]), np.concatenate([lat, coords[:, 1]])
    expected = sjoin_lowest(lon, lat, layer)
    assert (expected >= 0).sum() > 10_000
    np.testing.assert_array_equal(admin_index.lookup(lon, lat, iso3), expected)  # grid path
    np.testing.assert_array_equal(admin_index.lookup(lon[:500], lat[:500], iso3), expected[:500])
    assert [r["pcode"] for r in admin_index.records(finest, iso3)] == layer["pcode"].tolist()


def test_levels_by_key_slot_or_pack_name_and_a_missing_level_is_clear():
    assert admin_index.records("cercle", "MLI") == admin_index.records("department", "MLI")
    assert admin_index.records("adm2", "BFA") == admin_index.records("province", "BFA")
    assert len(admin_index.records("region", "BFA")) == 17
    with pytest.raises(InputError, match="unknown admin level 'commune' for BFA.*region, department"):
        admin_index.records("commune", "BFA")


def test_prepared_form_is_in_sync_with_the_geojson(tmp_path, built_grid):
    """Regenerating gives the shipped admin.npz byte for byte and the same grid."""
    assert _prepared.stored_hashes() == _prepared.source_hashes()
    admin, grid = _prepared.build(tmp_path)
    assert admin.read_bytes() == _prepared.path().read_bytes()
    shipped, rebuilt = _prepared.read_grid(), _prepared.read_grid(grid)
    assert shipped.keys() == rebuilt.keys()
    for key in shipped:
        np.testing.assert_array_equal(shipped[key], rebuilt[key], err_msg=key)
    np.testing.assert_array_equal(shipped["coarse"], built_grid.coarse)
    assert shipped["geometry_sha256"] == _prepared.geometry_sha256()


def test_stale_prepared_form_falls_back_to_the_geojson(monkeypatch, boundary_points):
    lon, lat = boundary_points
    expected = admin_index.lookup(lon, lat)
    monkeypatch.setattr(_prepared, "source_hashes", lambda country=None: {"changed.geojson": "0"})  # noqa: ARG005
    caches = [admin_index._level, admin_index._prepared_is_current, admin_index._tree_of, admin_index._grid_of]
    for cache in caches:
        cache.cache_clear()
    try:
        with pytest.warns(UserWarning, match="python -m geo_coi._prepared"):
            got = admin_index.lookup(lon, lat)
        np.testing.assert_array_equal(got, expected)
    finally:
        for cache in caches:
            cache.cache_clear()


def test_point_questions_need_neither_pandas_nor_scipy():
    code = (
        "import sys, numpy as np\n"
        "from geo_coi import admin_index as a\n"
        "assert a.records('commune')[a.lookup(2.0886, 13.4716)[0]]['name'] == 'Niamey V'\n"
        "a.geometries('region')\n"
        "a.lookup(np.linspace(0, 16, 10000), np.linspace(11, 24, 10000))\n"
        "heavy = [m for m in ('pandas', 'geopandas', 'scipy', 'pyogrio') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    # The geo_coi under test, whatever an editable install elsewhere points to.
    env = dict(os.environ, PYTHONPATH=str(Path(geo_coi.__file__).parent.parent))
    subprocess.run([sys.executable, "-c", code], check=True, cwd="/tmp", env=env)


def test_chunked_aggregation_equals_one_pass(tmp_path, random_points):
    """Streaming in small chunks over two files gives the counts of a single lookup."""
    from geo_coi.chunked import aggregate_csv

    lon, lat = random_points[0][:30_000], random_points[1][:30_000]
    fatalities = np.arange(len(lon)) % 4
    frame = pd.DataFrame({"event_id": np.arange(len(lon)), "latitude": lat, "longitude": lon, "fatalities": fatalities})
    frame.loc[5, "latitude"] = np.nan
    frame = frame.astype({"latitude": object})
    frame.loc[7, "latitude"] = "not a number"
    frame.iloc[:20_000].to_csv(tmp_path / "a.csv", index=False)
    frame.iloc[20_000:].to_csv(tmp_path / "b.csv", index=False)

    table = aggregate_csv([tmp_path / "a.csv", tmp_path / "b.csv"], level="department", tolerance_km=0, chunksize=7_000)

    commune = admin_index.lookup(lon, lat)
    commune[[5, 7]] = -1
    parent = np.array([r["department_pcode"] for r in admin_index.records("commune")])
    inside = commune >= 0
    expected = pd.DataFrame({"pcode": parent[commune[inside]], "dead": fatalities[inside]}).groupby("pcode")
    assert table["pcode"].tolist() == [r["pcode"] for r in admin_index.records("department")]
    got = table.set_index("pcode")
    pd.testing.assert_series_equal(
        got["incidents"][got["incidents"] > 0], expected.size().rename("incidents"), check_names=False
    )
    assert got["fatalities"].sum() == fatalities[inside].sum()
    assert table.attrs["rows_read"] == len(lon)
    assert table.attrs["rows_invalid"] == 2
    assert table.attrs["rows_outside"] == (~inside).sum() - 2
    assert table["incidents"].sum() + table.attrs["rows_outside"] + table.attrs["rows_invalid"] == len(lon)


def test_chunked_snaps_like_join_admin(tmp_path):
    """Points just outside the outline count for the nearest commune within the tolerance."""
    from geo_coi.chunked import aggregate_csv
    from geo_coi.join import _nearest_commune

    rng = np.random.default_rng(5)
    border = shapely.get_coordinates(boundaries.load("country").geometry.values)[::5]
    lon = np.concatenate([border[:, 0] + rng.normal(0, 0.1, len(border)), rng.uniform(-5, 20, 3000)])
    lat = np.concatenate([border[:, 1] + rng.normal(0, 0.1, len(border)), rng.uniform(5, 30, 3000)])
    pd.DataFrame({"latitude": lat, "longitude": lon}).to_csv(tmp_path / "e.csv", index=False)
    table = aggregate_csv(tmp_path / "e.csv", tolerance_km=10)

    commune = admin_index.lookup(lon, lat)
    outside = commune < 0
    nearest, distance = _nearest_commune(lon[outside], lat[outside])  # every outside point, no shortcut
    commune[np.flatnonzero(outside)[distance <= 10]] = nearest[distance <= 10]
    expected = np.bincount(commune[commune >= 0], minlength=len(table))
    np.testing.assert_array_equal(table["incidents"].to_numpy(), expected)
    assert table.attrs["rows_snapped"] == (distance <= 10).sum() > 50
    assert table.attrs["rows_outside"] == (distance > 10).sum()
    assert "fatalities" in table and table["fatalities"].sum() == 0  # no fatalities column: 0


def test_chunked_names_the_missing_column(tmp_path):
    from geo_coi.chunked import aggregate_csv

    (tmp_path / "x.csv").write_text("lat,lon\n13.5,2.1\n")
    with pytest.raises(InputError, match=r"x.csv: missing column\(s\) latitude, longitude"):
        aggregate_csv(tmp_path / "x.csv")
    assert aggregate_csv(tmp_path / "x.csv", lat="lat", lon="lon")["incidents"].sum() == 1


def test_chunked_bad_files_and_tolerances_are_clear(tmp_path):
    from geo_coi.chunked import aggregate_csv

    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty.csv: the file is empty"):
        aggregate_csv(tmp_path / "empty.csv")
    (tmp_path / "cut.csv").write_text('latitude,longitude\n13.5,2.1\n"13.5,2.1\n')
    with pytest.raises(InputError, match="cut.csv: not a well-formed CSV.*EOF"):
        aggregate_csv(tmp_path / "cut.csv")
    # Not UTF-8 (header and values): only the numbers matter, a junk latitude is invalid.
    text = "latitude,longitude,région\n13.5,2.1,Tillabéri\n13.5é,2.1,Dosso\n"
    (tmp_path / "latin1.csv").write_bytes(text.encode("latin-1"))
    table = aggregate_csv(tmp_path / "latin1.csv")
    assert (table["incidents"].sum(), table.attrs["rows_invalid"]) == (1, 1)
    for bad in (-1, float("nan"), float("inf"), "10", True):
        with pytest.raises(InputError, match="tolerance_km must be a number of km >= 0"):
            aggregate_csv(tmp_path / "latin1.csv", tolerance_km=bad)


def test_wheel_lists_every_subpackage():
    """pyproject lists packages by hand: none may be missing, and the country packs ship as data."""
    import tomllib

    root = Path(geo_coi.__file__).parent
    config = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(root.parent).parts) for p in root.rglob("__init__.py")}
    assert found - set(config["packages"]) == set()
    assert "countries/**/*" in config["package-data"]["geo_coi"]


def test_grid_on_overlaps_holes_and_shared_edges():
    """Polygons COD-AB lacks (overlaps, holes, a multipolygon): still the exact answer."""
    square = shapely.box(0, 0, 1, 1)
    polygons = np.array(
        [
            shapely.box(0.5, 0.5, 1.5, 1.5),  # overlaps the next one: lowest index wins there
            square.difference(shapely.box(0.25, 0.25, 0.75, 0.75)),  # a hole
            shapely.box(1, 0, 2, 0.5),  # shares an edge with the square
            shapely.MultiPolygon([shapely.box(0.3, 0.3, 0.4, 0.4), shapely.box(2.5, 2.5, 3, 3)]),  # in the hole
            shapely.Polygon([(0, 1), (0.5, 2.2), (1, 1.05)]),  # sliver along an edge
        ]
    )
    grid = _grid.GridIndex.build(polygons, coarse_deg=0.05)
    rng = np.random.default_rng(11)
    vertices = shapely.get_coordinates(polygons)
    cell_edges = grid.origin + grid.size * rng.integers(0, 600, (20_000, 2))
    points = np.concatenate([rng.uniform(-0.2, 3.2, (50_000, 2)), vertices, on_edges(polygons, 1, rng), cell_edges])
    exact = _grid.exact_lookup(shapely.STRtree(polygons), points[:, 0], points[:, 1])
    assert set(np.unique(exact)) == {-1, 0, 1, 2, 3, 4}
    np.testing.assert_array_equal(grid.lookup(points[:, 0], points[:, 1]), exact)


def on_edges(polygons, per_edge, rng) -> np.ndarray:
    """``per_edge`` points at random positions along every ring segment of ``polygons``."""
    coords, ring = shapely.get_coordinates(shapely.get_parts(shapely.boundary(polygons)), return_index=True)
    same = ring[1:] == ring[:-1]
    start = np.repeat(coords[:-1][same], per_edge, axis=0)
    delta = np.repeat((coords[1:] - coords[:-1])[same], per_edge, axis=0)
    return start + rng.uniform(0, 1, (len(start), 1)) * delta


def test_grid_exact_when_cells_are_smaller_than_the_margin():
    """Cells of 0.5 nano-degree (below the 1e-9 margin): every widened ring piece is still marked."""
    polygons = np.array([shapely.Polygon([(0, 0), (1e-7, 3e-8), (4e-8, 1e-7)]), shapely.box(1e-7, 0, 2e-7, 5e-8)])
    grid = _grid.GridIndex.build(polygons, coarse_deg=4e-9)
    rng = np.random.default_rng(1)
    points = np.concatenate([on_edges(polygons, 1000, rng), rng.uniform(-1e-8, 2.1e-7, (20_000, 2))])
    exact = _grid.exact_lookup(shapely.STRtree(polygons), points[:, 0], points[:, 1])
    assert set(np.unique(exact)) == {-1, 0, 1}
    np.testing.assert_array_equal(grid.lookup(points[:, 0], points[:, 1]), exact)
    with pytest.raises(InputError, match="coarse_deg=1e-10 must exceed the rounding margin"):
        _grid.GridIndex.build(polygons, coarse_deg=1e-10)


def test_grid_answers_polygon_indices_beyond_int16():
    """33,000 polygons: fine-cell answers above 32,767 must not wrap around."""
    i = np.arange(33_000)
    x, y = (i % 200) * 0.01, (i // 200) * 0.01
    grid = _grid.GridIndex.build(shapely.box(x, y, x + 0.008, y + 0.008), coarse_deg=0.02)
    np.testing.assert_array_equal(grid.lookup(x + 0.004, y + 0.004), i)


@pytest.mark.parametrize(("iso3", "slot"), [("NER", "niamey_arrondissement"), ("MLI", "capital_commune")])
def test_the_capital_subunits_have_one_generic_name(iso3, slot):
    assert admin_index.layer(admin_index.CAPITAL_SUBUNITS, iso3) == slot
    assert admin_index.records(admin_index.CAPITAL_SUBUNITS, iso3) == admin_index.records(slot, iso3)
    assert len(admin_index.geometries(admin_index.CAPITAL_SUBUNITS, iso3)) == len(admin_index.records(slot, iso3))
    assert boundaries.load(admin_index.CAPITAL_SUBUNITS, iso3)["pcode"].tolist() == [
        r["pcode"] for r in admin_index.records(slot, iso3)]


def test_a_pack_without_capital_subunits_says_so():
    with pytest.raises(InputError, match="Burkina Faso has no sub-units of its capital.*bfa/country.toml"):
        admin_index.records(admin_index.CAPITAL_SUBUNITS, "BFA")
