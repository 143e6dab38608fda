"""The frame of a map: a report config's extent (regions, departments, a box) to map-CRS bounds.

The extent is resolved by the caller (a :class:`geo_coi.config.Extent`, or
anything with its ``regions``, ``departments`` and ``bbox``); this module does
not read the config.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import geopandas as gpd
import shapely

from geo_coi.crs import map_crs
from geo_coi.errors import InputError
from geo_coi.gazetteer import resolve
from geo_coi.maps import admin


@runtime_checkable
class Frame(Protocol):
    """What a map frame names (:class:`geo_coi.config.Extent` is one): regions, departments per region, a box."""

    regions: tuple[str, ...]
    departments: tuple[tuple[str, tuple[str, ...]], ...]
    bbox: tuple[float, float, float, float] | None


def extent_bounds(extent=None):
    """Map-CRS bounds (minx, miny, maxx, maxy) of a map frame.

    Parameters
    ----------
    extent : Frame (e.g. geo_coi.config.Extent) or (min_lon, min_lat, max_lon, max_lat), optional
        Whole regions, departments within a region and/or a lon/lat box (their
        union); ``None`` or an extent naming nothing is the whole country.

    Returns
    -------
    numpy.ndarray
    """
    if extent is None:
        return admin.bounds("country")
    if isinstance(extent, Frame):
        named, within, bbox = extent.regions, extent.departments, extent.bbox
    else:  # a bare (min_lon, min_lat, max_lon, max_lat) box
        named, within, bbox = (), (), _checked_bbox(extent)
    if not (named or within or bbox):
        return admin.bounds("country")
    regions, departments = admin.units("region"), admin.units("department")
    parts = list(regions[regions["pcode"].isin([resolve(r, "region") for r in named])].geometry)
    for region, names in within:
        wanted = [resolve(name, "department", within=region) for name in names]
        parts += list(departments[departments["pcode"].isin(wanted)].geometry)
    if bbox is not None:
        box = _checked_bbox(bbox)
        parts.append(shapely.box(*box).segmentize(0.1))  # densified: edges curve in the map CRS
    return gpd.GeoSeries(parts, crs=4326).to_crs(map_crs()).total_bounds



def _checked_bbox(bbox):
    try:
        values = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 4 or not (values[0] < values[2] and values[1] < values[3]):
        raise InputError(f"map extent {bbox!r} is not a box: give (min_lon, min_lat, max_lon, max_lat) "
                         "with min < max, or a geo_coi.config.Extent")
    return values
