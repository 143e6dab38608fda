"""Incident density: a kernel density surface and hexagon counts.

Both are computed in :data:`geo_coi.crs.EQUAL_AREA` (metres), so a km² is a
km² everywhere in the country. The maps (:mod:`geo_coi.maps.density_map`, :mod:`geo_coi.maps.hexbin_map`) draw the
surface from the GeoTIFF written by :func:`write_geotiff`.

Kernel density
--------------
Events are binned on a grid of ``cell_km`` cells aligned to multiples of the
cell size, and the counts (or weights) are convolved with a discrete kernel:

- ``"gaussian"``: standard deviation = ``bandwidth_km``, cut at 4 standard
  deviations;
- ``"quartic"`` (biweight, as in QGIS' heatmap and ArcGIS' Kernel Density):
  radius = ``bandwidth_km``.

The discrete kernel is normalised to sum to 1, so no mass is lost to
discretisation. **Edge correction: every event keeps its full mass inside
the country.** The kernel of an event near the border is renormalised over the
part of the country it reaches (Jones 1993, "renormalisation" correction), so the
surface, masked to the country's official outline, integrates to the number of
events (or the total weight) and nothing leaks across the border. The price
is a slightly higher density along the border than an uncorrected estimate
would give; the number of events per region stays right. An event so far
outside (with a narrow bandwidth) that less than 1 % of its kernel reaches
the country is binned in the nearest cell inside if it lies within
:data:`SNAP_KM`, and refused beyond.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from geo_coi import country, crs
from geo_coi.atomic import atomic_path
from geo_coi.boundaries import load
from geo_coi.errors import InputError
from geo_coi.events import lonlat

KERNELS = ("gaussian", "quartic")
UNITS = "events per km2"
_GAUSSIAN_CUT = 4.0  # the Gaussian kernel is cut at this many standard deviations
_FFT_NOISE = 1e-12  # relative level below which an FFT convolution result is round-off
_MIN_REACH = 0.01  # an event whose kernel puts less than 1 % of its mass in the country is moved inside
SNAP_KM = 10.0  # how far outside the country such an event may be (geo_coi.join's default tolerance)


@dataclass(frozen=True)
class Surface:
    """A density grid in :data:`geo_coi.crs.EQUAL_AREA`.

    Attributes
    ----------
    values : numpy.ndarray of float32, 2-D
        Density in events (or weight units) per km²; ``nan`` outside the country.
        ``nansum(values) * cell_km**2`` equals the number of events (or total weight).
    transform : affine.Affine
        Rasterio transform of the grid (row 0 is the northern edge).
    crs : pyproj.CRS
    bandwidth_km, cell_km : float
    n_events : int
        Events the surface was computed from.
    weight : str or None
        Column the events were weighted by (``None``: every event counts 1).
    kernel : str
        ``"gaussian"`` or ``"quartic"``.
    total : float
        The integral: ``n_events`` without weight, else the sum of the weights.
    """

    values: np.ndarray
    transform: object
    crs: object
    bandwidth_km: float
    cell_km: float
    n_events: int
    weight: str | None = None
    kernel: str = "gaussian"
    total: float = 0.0

    @property
    def cell_area_km2(self) -> float:
        """Area of one grid cell in km²."""
        return self.cell_km**2

    def integral(self) -> float:
        """Sum of the density over the country, in events (or weight units)."""
        return float(np.nansum(self.values, dtype="float64") * self.cell_area_km2)


def kde(events, bandwidth_km: float = 25.0, cell_km: float = 5.0, weight: str | None = None,
        kernel: str = "gaussian") -> Surface:
    """Kernel density surface of events, masked to the active pack's country.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events (see :mod:`geo_coi.events`); only ``longitude``,
        ``latitude`` (and the ``weight`` column) are used.
    bandwidth_km : float
        Gaussian standard deviation or quartic radius, in km.
    cell_km : float
        Grid cell size in km.
    weight : str, optional
        Column to weight events by, e.g. ``"fatalities"``; values must be >= 0.
    kernel : {"gaussian", "quartic"}

    Returns
    -------
    Surface
        Density in events per km², integrating to the number of events (or
        the total weight); see the module docstring for the edge correction.

    Raises
    ------
    InputError
        Bad parameters, missing or non-numeric coordinates or weights, or an
        event more than :data:`SNAP_KM` outside the country whose kernel barely reaches it.
    """
    _check_parameters(bandwidth_km, cell_km, kernel)
    x, y, w = _projected_points(events, weight)
    cell = cell_km * 1000.0
    kern = _kernel(kernel, bandwidth_km * 1000.0, cell)
    pad = max(kern.shape[0] // 2, int(np.ceil(SNAP_KM / cell_km)) + 1)
    mask, transform = _country_mask(cell)
    big_mask = np.pad(mask, pad)
    row, col = _cells(x, y, transform, big_mask.shape, pad, events)
    reach = _convolve(big_mask.astype("float64"), kern)
    row, col = _move_stranded(row, col, reach, big_mask, cell_km, events)
    counts = np.zeros(big_mask.shape, dtype="float64")
    np.add.at(counts, (row, col), w)
    corrected = np.divide(counts, reach, out=np.zeros_like(counts), where=counts > 0)
    density = _convolve(corrected, kern)[pad:-pad or None, pad:-pad or None]
    values = np.where(mask, density / cell_km**2, np.nan).astype("float32")
    return Surface(values=values, transform=transform, crs=crs.EQUAL_AREA, bandwidth_km=float(bandwidth_km),
                   cell_km=float(cell_km), n_events=len(x), weight=weight, kernel=kernel,
                   total=float(w.sum()))


def _check_parameters(bandwidth_km, cell_km, kernel):
    if kernel not in KERNELS:
        raise InputError(f"kernel {kernel!r} is not supported: use one of {', '.join(KERNELS)}")
    _check_km("bandwidth_km", bandwidth_km)
    _check_km("cell_km", cell_km)
    if cell_km > bandwidth_km:
        raise InputError(f"cell_km ({cell_km}) must not exceed bandwidth_km ({bandwidth_km}): "
                         "use smaller cells or a wider bandwidth")


def _check_km(name, value):
    """Refuse anything but a finite positive number (numpy numbers included, bools not)."""
    if isinstance(value, bool) or not (isinstance(value, numbers.Real) and 0 < value < np.inf):
        raise InputError(f"{name} must be a positive number of km, got {value!r}")


def _projected_points(events, weight):
    """Event coordinates in EQUAL_AREA metres and their weights (float64)."""
    from pyproj import Transformer


    position = ("geometry",) if "geometry" in events else ("longitude", "latitude")
    for column in position + ((weight,) if weight else ()):
        if column not in events:
            raise InputError(f"events have no {column!r} column: pass canonical events (geo_coi.sources.read_events)")
    lon, lat = lonlat(events)  # the position is the geometry (geo_coi/events.py)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        column = "geometry" if "geometry" in events else "latitude" if not np.isfinite(lat).all() else "longitude"
        raise InputError(f"column {column!r} is missing or not a number in {_rows(events, bad)}: "
                         "fix or remove those events")
    w = _numeric(events, weight) if weight else np.ones(len(lon))
    if weight and (w < 0).any():
        raise InputError(f"weight column {weight!r} is negative in {_rows(events, w < 0)}: weights must be >= 0")
    transformer = Transformer.from_crs(crs.GEOGRAPHIC, crs.EQUAL_AREA, always_xy=True)
    x, y = transformer.transform(lon, lat)
    return np.asarray(x), np.asarray(y), w


def _numeric(events, column):
    import pandas as pd

    values = pd.to_numeric(events[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise InputError(f"column {column!r} is missing or not a number in {_rows(events, bad)}: "
                         "fix or remove those events")
    return values


def _rows(events, flags, limit=5):
    """Human description of the flagged events: event ids when present, else row positions."""
    positions = np.flatnonzero(flags)
    ids = events["event_id"].to_numpy()[positions] if "event_id" in events else positions
    shown = ", ".join(str(i) for i in ids[:limit])
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return f"{len(ids)} event(s) ({'event_id' if 'event_id' in events else 'row'} {shown}{more})"


def _kernel(kernel, bandwidth, cell):
    """Discrete kernel (odd square array summing to 1) for a bandwidth and cell size in metres."""
    radius = _GAUSSIAN_CUT * bandwidth if kernel == "gaussian" else bandwidth
    half = int(np.floor(radius / cell))
    offsets = np.arange(-half, half + 1) * cell
    dist2 = offsets[:, None] ** 2 + offsets[None, :] ** 2
    if kernel == "gaussian":
        values = np.exp(-0.5 * dist2 / bandwidth**2) * (dist2 <= radius**2)
    else:
        values = np.clip(1.0 - dist2 / bandwidth**2, 0.0, None) ** 2
    if half == 0 or values.sum() == 0:
        values = np.ones((1, 1))
    return values / values.sum()


def _country_mask(cell):
    """Boolean mask of the active pack's country on a grid aligned to multiples of ``cell`` and its transform."""
    from affine import Affine
    from rasterio.features import geometry_mask


    outline = load("country").to_crs(crs.EQUAL_AREA)
    xmin, ymin, xmax, ymax = outline.total_bounds
    left, bottom = np.floor(xmin / cell) * cell, np.floor(ymin / cell) * cell
    right, top = np.ceil(xmax / cell) * cell, np.ceil(ymax / cell) * cell
    shape = (int(round((top - bottom) / cell)), int(round((right - left) / cell)))
    transform = Affine(cell, 0.0, left, 0.0, -cell, top)
    mask = geometry_mask(outline.geometry.values, out_shape=shape, transform=transform, invert=True)
    return mask, transform


def _cells(x, y, transform, shape, pad, events):
    """Row and column of each point on the grid padded by ``pad`` cells; points beyond it are refused."""
    cell = transform.a
    col = np.floor((x - transform.c) / cell).astype("int64") + pad
    row = np.floor((transform.f - y) / cell).astype("int64") + pad
    outside = (row < 0) | (row >= shape[0]) | (col < 0) | (col >= shape[1])
    if outside.any():
        raise InputError(f"{_rows(events, outside)} lie more than {SNAP_KM:g} km outside "
                         f"{country.active().name()}, too far for the density surface: check their coordinates "
                         "or drop them with geo_coi.join.join_admin first")
    return row, col


def _move_stranded(row, col, reach, mask, cell_km, events):
    """Move events whose kernel barely reaches the country to the nearest cell inside, if close enough.

    An event a few km outside the official outline (a border town, which
    :func:`geo_coi.join.join_admin` snaps) would, with a narrow bandwidth, put
    almost none of its kernel inside the country and be blown up by the
    renormalisation; within :data:`SNAP_KM` it is binned in the nearest cell
    inside instead. Farther events are refused.
    """
    from scipy.ndimage import distance_transform_edt

    stranded = reach[row, col] < _MIN_REACH
    if not stranded.any():
        return row, col
    distance, (near_row, near_col) = distance_transform_edt(~mask, return_indices=True)
    far = stranded & (distance[row, col] * cell_km > SNAP_KM + cell_km)
    if far.any():
        raise InputError(f"{_rows(events, far)} lie more than {SNAP_KM:g} km outside "
                         f"{country.active().name()}, too far for the density surface (less than {_MIN_REACH:.0%} "
                         "of their kernel falls inside): check their coordinates or drop them with "
                         "geo_coi.join.join_admin first")
    return np.where(stranded, near_row[row, col], row), np.where(stranded, near_col[row, col], col)


def _convolve(grid, kern):
    """Same-size convolution by FFT, with the FFT's round-off noise (< 1e-12 of the peak) set to 0."""
    from scipy.signal import fftconvolve

    if kern.size == 1:
        return grid * kern[0, 0]
    result = fftconvolve(grid, kern, mode="same")
    result[result < _FFT_NOISE * result.max()] = 0.0
    return result


def lone_event_floor(bandwidth_km: float) -> float:
    """Density (events per 1,000 km²) of one lone event one bandwidth away from it (Gaussian kernel).

    The maps leave densities below this floor unpainted, so an isolated event
    shows as a small patch (about two bandwidths wide) instead of a disc of
    eight bandwidths (the kernel's full reach).
    """
    _check_km("bandwidth_km", bandwidth_km)
    return float(np.exp(-0.5) / (2 * np.pi * bandwidth_km ** 2) * 1000.0)


def write_geotiff(surface: Surface, path) -> str:
    """Write a surface as a compressed single-band float32 GeoTIFF.

    The file is byte-identical for the same surface (no timestamps, no
    sidecar files) and written atomically (:mod:`geo_coi.atomic`). Nodata is
    NaN (outside the country). Tags: ``bandwidth_km``, ``cell_km``, ``kernel``,
    ``weight``, ``n_events``, ``total``, ``units``.

    Parameters
    ----------
    surface : Surface
    path : str or pathlib.Path

    Returns
    -------
    str
        The path written.
    """
    import rasterio


    profile = {
        "driver": "GTiff", "width": surface.values.shape[1], "height": surface.values.shape[0], "count": 1,
        "dtype": "float32", "crs": surface.crs, "transform": surface.transform, "nodata": np.nan,
        "compress": "deflate", "predictor": 3, "tiled": True, "blockxsize": 256, "blockysize": 256,
    }
    with atomic_path(path) as temp, rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(temp, "w", **profile) as dst:
        dst.write(surface.values.astype("float32"), 1)
        dst.update_tags(**_tags(surface))
        dst.set_band_description(1, f"incident density ({UNITS})")
    return str(path)


def _tags(surface):
    return {
        "bandwidth_km": repr(surface.bandwidth_km),
        "cell_km": repr(surface.cell_km),
        "kernel": surface.kernel,
        "weight": surface.weight or "none",
        "n_events": str(surface.n_events),
        "total": repr(surface.total),
        "units": UNITS,
    }


def read_geotiff(path) -> Surface:
    """Read a GeoTIFF written by :func:`write_geotiff` back into a :class:`Surface`.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    Surface

    Raises
    ------
    InputError
        The file cannot be opened or lacks the density tags.
    """
    import rasterio
    from rasterio.errors import RasterioIOError

    try:
        with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(path) as src:
            values = src.read(1, masked=True).filled(np.nan).astype("float32")
            tags, transform, file_crs = src.tags(), src.transform, src.crs
    except RasterioIOError as exc:
        raise InputError(f"cannot read density GeoTIFF {path}: {exc}") from exc
    missing = [k for k in ("bandwidth_km", "cell_km", "kernel", "weight", "n_events") if k not in tags]
    if missing:
        raise InputError(f"{path} is not a geo_coi density GeoTIFF (tags {', '.join(missing)} missing): "
                         "write it with geo_coi.density.write_geotiff")
    from pyproj import CRS

    weight = None if tags["weight"] == "none" else tags["weight"]
    return Surface(values=values, transform=transform, crs=CRS.from_user_input(file_crs.to_wkt()),
                   bandwidth_km=float(tags["bandwidth_km"]), cell_km=float(tags["cell_km"]),
                   n_events=int(tags["n_events"]), weight=weight, kernel=tags["kernel"],
                   total=float(tags.get("total", tags["n_events"])))


def hexbin_counts(events, size_km: float = 25.0, include_empty: bool = False):
    """Events and fatalities per hexagon, hexagons computed in the equal-area CRS.

    The hexagons are pointy-topped, ``size_km`` apart centre to centre (their
    width across flats) and anchored at the CRS origin, so the same hexagon
    has the same ``hex_id`` whatever the events.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events (``longitude``, ``latitude``, ``fatalities``).
    size_km : float
        Distance between neighbouring hexagon centres in km.
    include_empty : bool
        Also return every hexagon touching the country with no event (count 0).

    Returns
    -------
    geopandas.GeoDataFrame
        ``hex_id`` ("q,r" axial coordinates), ``count``, ``fatalities``,
        ``area_km2``, polygon ``geometry`` in EPSG:4326, sorted by hex_id's
        (q, r). ``count`` sums to the number of events.
    """
    import geopandas as gpd
    import pandas as pd

    _check_km("size_km", size_km)
    if "fatalities" not in events:
        raise InputError("events have no 'fatalities' column: pass canonical events (geo_coi.sources.read_events)")
    x, y, fatalities = _projected_points(events, "fatalities")
    radius = size_km * 1000.0 / np.sqrt(3.0)
    q, r = _hex_axial(x, y, radius)
    table = pd.DataFrame({"q": q, "r": r, "count": 1, "fatalities": fatalities})
    table = table.groupby(["q", "r"], as_index=False).sum()
    if include_empty:
        table = _with_empty_hexes(table, radius)
    table = table.sort_values(["q", "r"], ignore_index=True)
    polygons = _hex_polygons(table["q"].to_numpy(), table["r"].to_numpy(), radius)
    frame = gpd.GeoDataFrame(
        {
            "hex_id": table["q"].astype(str) + "," + table["r"].astype(str),
            "count": table["count"].astype("int64"),
            "fatalities": table["fatalities"].round().astype("int64"),
            "area_km2": 1.5 * np.sqrt(3.0) * radius**2 / 1e6,
        },
        geometry=polygons, crs=crs.EQUAL_AREA,
    )
    return frame.to_crs(crs.GEOGRAPHIC)


def _hex_axial(x, y, radius):
    """Axial (q, r) of the pointy-topped hexagon (circumradius ``radius``) containing each point."""
    qf = (np.sqrt(3.0) / 3.0 * x - y / 3.0) / radius
    rf = (2.0 / 3.0 * y) / radius
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype("int64"), r.astype("int64")


def _hex_centres(q, r, radius):
    return radius * np.sqrt(3.0) * (q + r / 2.0), radius * 1.5 * r


def _hex_polygons(q, r, radius):
    import shapely

    cx, cy = _hex_centres(np.asarray(q, dtype="float64"), np.asarray(r, dtype="float64"), radius)
    angles = np.deg2rad(30.0 + 60.0 * np.arange(7))
    ring_x = cx[:, None] + radius * np.cos(angles)[None, :]
    ring_y = cy[:, None] + radius * np.sin(angles)[None, :]
    return shapely.polygons(np.stack([ring_x, ring_y], axis=-1))


def _with_empty_hexes(table, radius):
    """Add a zero row for every hexagon that touches the country and has no event."""
    import pandas as pd
    import shapely


    outline = load("country").to_crs(crs.EQUAL_AREA).geometry.union_all()
    xmin, ymin, xmax, ymax = outline.bounds
    corners_q, corners_r = _hex_axial(np.array([xmin, xmax, xmin, xmax]), np.array([ymin, ymin, ymax, ymax]), radius)
    r_all = np.arange(corners_r.min() - 1, corners_r.max() + 2)
    q_all = np.arange(corners_q.min() - 1, corners_q.max() + 2)
    q_grid, r_grid = (a.ravel() for a in np.meshgrid(q_all, r_all))
    hexes = _hex_polygons(q_grid, r_grid, radius)
    touching = shapely.intersects(hexes, outline)
    grid = pd.DataFrame({"q": q_grid[touching], "r": r_grid[touching]})
    merged = grid.merge(table, on=["q", "r"], how="outer")
    return merged.fillna({"count": 0, "fatalities": 0})
