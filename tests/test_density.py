"""Kernel density surface, its GeoTIFF and the hexagon counts (geo_coi.density)."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from pyproj import Transformer

from geo_coi import boundaries, crs, density
from geo_coi.errors import InputError
from geo_coi.maps import density_map

UCDP = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
CENTRE = (8.0, 17.0)  # lon, lat well inside Niger


@pytest.fixture(scope="module")
def ucdp():
    """UCDP events with the columns density uses (id, coordinates, fatalities)."""
    with UCDP.open(encoding="utf-8") as handle:
        raw = pd.read_csv(handle)
    return pd.DataFrame({"event_id": raw["id"].astype(str), "longitude": raw["longitude"],
                         "latitude": raw["latitude"], "fatalities": raw["best"]})


@pytest.fixture(scope="module")
def random_events():
    """3 000 random points inside Niger's official outline with random fatalities."""
    outline = boundaries.load("country").geometry.union_all()
    rng = np.random.default_rng(42)
    lon, lat = rng.uniform(0.1, 16.0, 8000), rng.uniform(11.6, 23.5, 8000)
    inside = shapely.contains_xy(outline, lon, lat)
    frame = pd.DataFrame({"longitude": lon[inside], "latitude": lat[inside]}).head(3000)
    frame["fatalities"] = rng.integers(0, 20, len(frame))
    return frame


@pytest.fixture(scope="module")
def surface(ucdp):
    return density.kde(ucdp, bandwidth_km=25.0, cell_km=5.0)


@pytest.fixture(scope="module")
def niger_bounds():
    return boundaries.load("country").to_crs(crs.EQUAL_AREA).total_bounds


def _centres(surf):
    """x, y of every cell centre of a surface."""
    rows, cols = np.indices(surf.values.shape)
    t = surf.transform
    return t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e


def _one_event(lon, lat, **kwargs):
    return density.kde(pd.DataFrame({"longitude": [lon], "latitude": [lat]}), **kwargs)


@pytest.mark.parametrize("kernel", density.KERNELS)
def test_integral_equals_number_of_events(ucdp, random_events, kernel):
    for events in (ucdp, random_events):
        surf = density.kde(events, bandwidth_km=20.0, cell_km=4.0, kernel=kernel)
        assert surf.integral() == pytest.approx(len(events), rel=0.005)
        assert surf.n_events == len(events)


def test_surface_is_masked_to_niger(surface, niger_bounds):
    values = surface.values
    assert values.dtype == np.float32
    assert np.isnan(values[0, 0]) and np.isnan(values[-1, 0])  # corners are outside Niger
    inside = ~np.isnan(values)
    cell_area = surface.cell_km**2
    niger_km2 = boundaries.load("country").to_crs(crs.EQUAL_AREA).area.sum() / 1e6
    assert inside.sum() * cell_area == pytest.approx(niger_km2, rel=0.01)
    assert (values[inside] >= 0).all()
    assert surface.crs.equals(crs.EQUAL_AREA)


def test_weight_integrates_to_total_weight(ucdp, surface):
    weighted = density.kde(ucdp, weight="fatalities")
    assert weighted.integral() == pytest.approx(ucdp["fatalities"].sum(), rel=0.005)
    assert weighted.weight == "fatalities" and weighted.total == ucdp["fatalities"].sum()
    ratio = np.nanmax(weighted.values) / np.nanmax(surface.values)
    assert not np.allclose(weighted.values[~np.isnan(weighted.values)] / ratio,
                           surface.values[~np.isnan(surface.values)])


def test_zero_weight_events_add_nothing():
    lon, lat = CENTRE
    events = pd.DataFrame({"longitude": [lon, 3.0], "latitude": [lat, 13.5], "fatalities": [7, 0]})
    both = density.kde(events, weight="fatalities")
    single = _one_event(lon, lat)
    np.testing.assert_allclose(both.values, single.values * 7, rtol=1e-4, equal_nan=True)


def test_gaussian_bandwidth_is_the_standard_deviation():
    surf = _one_event(*CENTRE, bandwidth_km=40.0, cell_km=2.0)
    x, y = _centres(surf)
    v = np.nan_to_num(surf.values.astype("float64"))
    mean_x = (v * x).sum() / v.sum()
    sd_km = np.sqrt((v * (x - mean_x) ** 2).sum() / v.sum()) / 1000
    assert sd_km == pytest.approx(40.0, rel=0.03)
    ex, ey = Transformer.from_crs(crs.GEOGRAPHIC, crs.EQUAL_AREA, always_xy=True).transform(*CENTRE)
    peak = np.unravel_index(np.nanargmax(surf.values), v.shape)
    assert abs(x[peak] - ex) <= 2000 and abs(y[peak] - ey) <= 2000


def test_quartic_kernel_stops_at_the_bandwidth():
    surf = _one_event(*CENTRE, bandwidth_km=30.0, cell_km=2.0, kernel="quartic")
    ex, ey = Transformer.from_crs(crs.GEOGRAPHIC, crs.EQUAL_AREA, always_xy=True).transform(*CENTRE)
    x, y = _centres(surf)
    dist_km = np.hypot(x - ex, y - ey) / 1000
    positive = np.nan_to_num(surf.values) > 1e-9
    assert dist_km[positive].max() <= 30.0 + 2 * 2.0
    assert dist_km[positive].max() >= 30.0 - 2 * 2.0


def test_border_event_keeps_its_mass_inside_niger():
    # Niamey's south-west, a few km from the Burkina Faso border
    surf = _one_event(1.0, 13.1, bandwidth_km=50.0, cell_km=5.0)
    assert surf.integral() == pytest.approx(1.0, rel=0.005)


def _south_of_niger(km):
    """(lon, lat) of the point ``km`` due south (in EQUAL_AREA) of Niger's southernmost vertex."""
    outline = boundaries.load("country").to_crs(crs.EQUAL_AREA).geometry.union_all()
    coords = shapely.get_coordinates(outline)
    x, y = coords[np.argmin(coords[:, 1])]
    back = Transformer.from_crs(crs.EQUAL_AREA, crs.GEOGRAPHIC, always_xy=True)
    return back.transform(x, y - km * 1000)


def test_event_just_outside_is_moved_inside_with_a_narrow_kernel():
    surf = _one_event(*_south_of_niger(5.0), bandwidth_km=2.0, cell_km=1.0)
    assert surf.integral() == pytest.approx(1.0, rel=0.005)
    for km in (13.0, 25.0):  # beyond the kernel's reach; beyond the padded grid
        with pytest.raises(InputError, match="more than 10 km outside Niger"):
            _one_event(*_south_of_niger(km), bandwidth_km=2.0, cell_km=1.0)
    wide = _one_event(*_south_of_niger(25.0), bandwidth_km=25.0, cell_km=5.0)
    assert wide.integral() == pytest.approx(1.0, rel=0.005)


def test_geotiff_crs_bounds_nodata_tags(surface, niger_bounds, tmp_path):
    path = density.write_geotiff(surface, tmp_path / "density.tif")
    with rasterio.open(path) as src:
        assert crs.EQUAL_AREA.equals(src.crs.to_wkt())
        assert np.isnan(src.nodata)
        assert src.dtypes == ("float32",)
        left, bottom, right, top = src.bounds
        xmin, ymin, xmax, ymax = niger_bounds
        cell = surface.cell_km * 1000
        assert left <= xmin < left + cell and bottom <= ymin < bottom + cell
        assert right - cell < xmax <= right and top - cell < ymax <= top
        tags = src.tags()
        assert float(tags["bandwidth_km"]) == 25.0 and float(tags["cell_km"]) == 5.0
        assert tags["kernel"] == "gaussian" and tags["weight"] == "none"
        assert int(tags["n_events"]) == surface.n_events
        assert tags["units"] == "events per km2"
        data = src.read(1, masked=True)
        assert data.mask.sum() == np.isnan(surface.values).sum()
        assert float(data.sum()) * surface.cell_km**2 == pytest.approx(surface.n_events, rel=0.005)
    back = density.read_geotiff(path)
    np.testing.assert_array_equal(back.values, surface.values)
    assert back.transform == surface.transform and back.crs.equals(crs.EQUAL_AREA)
    assert (back.bandwidth_km, back.cell_km, back.n_events, back.weight, back.kernel) == (
        25.0, 5.0, surface.n_events, None, "gaussian")
    assert not list(tmp_path.glob("*.aux.xml")) and not list(tmp_path.glob(".*"))


def test_geotiff_is_byte_identical_on_rewrite(ucdp, surface, tmp_path):
    first = density.write_geotiff(surface, tmp_path / "a.tif")
    second = density.write_geotiff(density.kde(ucdp), tmp_path / "b.tif")
    with open(first, "rb") as a, open(second, "rb") as b:
        assert a.read() == b.read()


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_read_geotiff_refuses_foreign_files(tmp_path):
    plain = tmp_path / "plain.tif"
    with rasterio.open(plain, "w", driver="GTiff", width=2, height=2, count=1, dtype="float32") as dst:
        dst.write(np.zeros((1, 2, 2), dtype="float32"))
    with pytest.raises(InputError, match="not a geo_coi density GeoTIFF"):
        density.read_geotiff(plain)
    with pytest.raises(InputError, match="cannot read"):
        density.read_geotiff(tmp_path / "missing.tif")


@pytest.mark.parametrize(
    ("events", "kwargs", "message"),
    [
        ({"longitude": [8.0], "latitude": [np.nan]}, {}, "'latitude' is missing or not a number"),
        ({"longitude": [8.0]}, {}, "no 'latitude' column"),
        ({"longitude": [8.0], "latitude": [17.0], "fatalities": [-1]}, {"weight": "fatalities"}, "negative"),
        ({"longitude": [30.0], "latitude": [17.0], "event_id": ["FAR1"]}, {}, "FAR1.*more than 10 km outside Niger"),
        ({"longitude": [16.6], "latitude": [17.0]}, {"bandwidth_km": 10.0}, "more than 10 km outside Niger"),
        ({"longitude": [8.0], "latitude": [17.0]}, {"kernel": "epanechnikov"}, "kernel 'epanechnikov'"),
        ({"longitude": [8.0], "latitude": [17.0]}, {"bandwidth_km": 0}, "bandwidth_km must be a positive"),
        ({"longitude": [8.0], "latitude": [17.0]}, {"cell_km": 30.0}, "must not exceed bandwidth_km"),
        ({"longitude": [8.0], "latitude": [17.0]}, {"cell_km": True}, "cell_km must be a positive"),
        ({"longitude": [8.0], "latitude": [17.0]}, {"bandwidth_km": np.inf}, "bandwidth_km must be a positive"),
    ],
)
def test_kde_errors_name_the_problem(events, kwargs, message):
    with pytest.raises(InputError, match=message):
        density.kde(pd.DataFrame(events), **kwargs)


def test_numpy_numbers_are_valid_sizes():
    """Sizes read from a numpy array or a table (np.int64, np.float32) are plain numbers of km."""
    events = pd.DataFrame({"longitude": [8.0], "latitude": [17.0], "fatalities": [2]})
    surf = density.kde(events, bandwidth_km=np.int64(50), cell_km=np.float32(10.0))
    assert surf.integral() == pytest.approx(1.0)
    assert density.hexbin_counts(events, size_km=np.int64(25))["count"].tolist() == [1]
    with pytest.raises(InputError, match="size_km must be a positive"):
        density.hexbin_counts(events, size_km=np.float64("nan"))


def test_hexbin_counts_sum_to_events(ucdp):
    hexes = density.hexbin_counts(ucdp, size_km=25.0)
    assert hexes.crs.equals(crs.GEOGRAPHIC)
    assert hexes["count"].sum() == len(ucdp)
    assert hexes["fatalities"].sum() == ucdp["fatalities"].sum()
    assert (hexes["count"] > 0).all() and hexes["hex_id"].is_unique
    area = hexes.to_crs(crs.EQUAL_AREA).area / 1e6
    np.testing.assert_allclose(area, np.sqrt(3) / 2 * 25.0**2, rtol=1e-6)
    np.testing.assert_allclose(hexes["area_km2"], area, rtol=1e-6)


def test_hexbin_counts_match_points_in_polygons(random_events):
    hexes = density.hexbin_counts(random_events, size_km=40.0).to_crs(crs.EQUAL_AREA)
    x, y = Transformer.from_crs(crs.GEOGRAPHIC, crs.EQUAL_AREA, always_xy=True).transform(
        random_events["longitude"].to_numpy(), random_events["latitude"].to_numpy())
    points = shapely.points(x, y)
    tree = shapely.STRtree(hexes.geometry.values)
    point_idx, hex_idx = tree.query(points, predicate="within")
    assert len(np.unique(point_idx)) == len(random_events)  # every event inside a returned hexagon
    counted = np.bincount(hex_idx[np.unique(point_idx, return_index=True)[1]], minlength=len(hexes))
    np.testing.assert_array_equal(counted, hexes["count"].to_numpy())


def test_hexbin_include_empty_covers_niger(ucdp):
    hexes = density.hexbin_counts(ucdp, size_km=50.0, include_empty=True)
    outline = boundaries.load("country").to_crs(crs.EQUAL_AREA).geometry.union_all()
    cover = hexes.to_crs(crs.EQUAL_AREA).geometry.union_all()
    assert outline.difference(cover).area / outline.area < 1e-6
    assert (hexes["count"] == 0).any() and hexes["count"].sum() == len(ucdp)
    assert hexes["hex_id"].is_unique


def test_hexbin_is_stable_across_inputs(ucdp):
    whole = density.hexbin_counts(ucdp).set_index("hex_id")
    part = density.hexbin_counts(ucdp.iloc[::-3]).set_index("hex_id")
    assert set(part.index) <= set(whole.index)
    assert (part["count"] <= whole.loc[part.index, "count"]).all()
    assert part.geometry.geom_equals_exact(whole.loc[part.index].geometry, tolerance=1e-9).all()


def test_no_events_gives_an_empty_surface_and_no_hexagons():
    empty = pd.DataFrame({"longitude": [], "latitude": [], "fatalities": []})
    surf = density.kde(empty)
    assert surf.n_events == 0 and surf.integral() == 0.0
    assert np.nanmax(surf.values) == 0.0
    assert len(density.hexbin_counts(empty)) == 0


def test_canonical_events_with_nullable_fatalities():
    from geo_coi.sources import read_events

    events = read_events(str(UCDP)).events
    assert str(events["fatalities"].dtype) == "Int64"
    surf = density.kde(events, weight="fatalities", cell_km=10.0)
    assert surf.integral() == pytest.approx(int(events["fatalities"].sum()), rel=0.005)


# --- the map: floor, fixed breaks, edge note --------------------------------------------------


def _map_pixel(fig, x, y, pixels):
    """RGB of the saved PNG at map coordinates (x, y)."""
    px, py = fig.axes[0].transData.transform((x, y))
    return pixels[int(round(pixels.shape[0] - py)), int(round(px))]


def test_density_below_the_floor_is_not_painted(tmp_path):
    from PIL import Image

    lon, lat = 9.0, 18.0  # a lone event in Agadez, far from the border
    path = density.write_geotiff(_one_event(lon, lat, bandwidth_km=25, cell_km=2), tmp_path / "one.tif")
    fig = density_map.density_map(path, language="nl", out=tmp_path / "one", dpi=100).fig
    pixels = np.asarray(Image.open(tmp_path / "one.png").convert("RGB"), dtype=float)
    to_map = Transformer.from_crs(crs.GEOGRAPHIC, crs.MAP, always_xy=True)
    x, y = to_map.transform(lon, lat)
    centre = _map_pixel(fig, x, y, pixels)
    assert np.abs(centre - 255).max() > 40  # the event's own patch is coloured
    # 2.5 bandwidths away the kernel is below the floor: Niger's white, not a pale disc 200 km wide
    for dx, dy in ((62_500, 0), (-62_500, 0), (0, 62_500), (0, -62_500)):
        assert np.abs(_map_pixel(fig, x + dx, y + dy, pixels) - 255).max() < 8
    assert density.lone_event_floor(25) == pytest.approx(np.exp(-0.5) / (2 * np.pi * 625) * 1000)


def test_fixed_breaks_give_the_same_classes_for_two_periods(ucdp, tmp_path):
    from geo_coi.maps import layout
    from geo_coi.style import label

    breaks = [0.5, 1.0, 2.0, 4.0]
    legends = []
    for half, part in enumerate((ucdp.iloc[::2], ucdp.iloc[1::7])):  # two "periods" of different sizes
        path = density.write_geotiff(density.kde(part, bandwidth_km=25, cell_km=10), tmp_path / f"{half}.tif")
        fig = density_map.density_map(path, breaks=breaks, language="fr", dpi=30).fig
        texts = layout.legend_texts(fig)
        legends.append(texts[texts.index(label("per_1000_km2", "fr")) + 1:][:3])
        note = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note:edge")
        assert "effet de bord" in note.replace("\n", " ")
    assert legends[0] == legends[1]
    assert legends[0][1:] == ["0,50 – 1,00", "1,00 – 2,00"]


def test_config_fixes_density_breaks_and_checks_them():
    from geo_coi.config import parse_config
    from geo_coi.errors import ConfigError

    base = ('[report]\nid = "mini"\ntitle = "Mini"\ncountry = "Niger"\n'
            "[periods]\ncurrent = { start = 2024-09-01, end = 2025-05-30 }\n"
            '[events]\ntypes = ["Battles"]\n')
    config = parse_config(base + "[maps]\ndensity_breaks = [0.5, 1, 2.5]\ndensity_floor = 0.2\n", "c.toml")
    assert config.maps.density_breaks == (0.5, 1.0, 2.5) and config.maps.density_floor == 0.2
    assert parse_config(base, "c.toml").maps.density_breaks == ()
    with pytest.raises(ConfigError, match=r"c.toml: maps.density_breaks: expected increasing numbers"):
        parse_config(base + "[maps]\ndensity_breaks = [2, 1]\n", "c.toml")
