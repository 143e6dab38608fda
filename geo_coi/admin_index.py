"""Point -> commune assignment, the one spatial look-up every other module uses.

Semantics are those of ``geopandas.sjoin(points, communes, predicate="intersects")``:
a point on a boundary belongs to every unit it touches, and we keep the unit
with the lowest P-code so each point gets exactly one answer. Because COD-AB
P-codes are hierarchical (a commune's P-code starts with its department's and
region's), the department and region of that commune are also the lowest
P-codes among the units the point touches at those levels.

Departments, regions and Niamey's arrondissements (the communes under
``NE008001``) are read off the commune.

Speed: units come from the prepared form in ``boundaries/prepared/`` (see
:mod:`geo_coi._prepared`), so :func:`records`, :func:`geometries` and
:func:`lookup` need only numpy and shapely, not pandas or geopandas. Large
inputs go through a grid index (:mod:`geo_coi._grid`) that answers most points
from a table and tests only points near a boundary exactly; small inputs are
tested exactly straight away. Both give identical answers.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from geo_coi.errors import CoordinateError, InputError

NO_UNIT = -1
LEVELS = ("country", "region", "department", "commune", "niamey_arrondissement")
# Below this many points the exact test is cheaper than loading the grid.
GRID_MIN_POINTS = 2_000


def commune_table():
    """The commune layer the indices of :func:`lookup` refer to (sorted by P-code).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`geo_coi.boundaries.load` gives it (imports geopandas); use
        :func:`records` for a light-weight version in the same order.
    """
    from geo_coi.boundaries import load

    return load("commune")


def lookup(lon, lat) -> np.ndarray:
    """Row index into :func:`commune_table` for each point, ``-1`` outside Niger.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS 84 coordinates, same length: scalars, lists, numpy arrays of any
        float or int dtype, pandas Series (``pd.NA`` too); converted to
        float64, flattened. NaN and infinities give ``-1``.

    Returns
    -------
    numpy.ndarray of int64
        The lowest P-code's row among the communes each point intersects
        (boundary included), exactly as ``geopandas.sjoin(...,
        predicate="intersects")`` followed by "lowest P-code wins".

    Raises
    ------
    CoordinateError
        If a coordinate is not a number (NaN is fine).
    InputError
        If ``lon`` and ``lat`` differ in length.
    """
    from geo_coi._grid import exact_lookup

    try:
        lon = np.atleast_1d(np.asarray(lon, dtype="float64")).ravel()
        lat = np.atleast_1d(np.asarray(lat, dtype="float64")).ravel()
    except (TypeError, ValueError) as exc:
        raise CoordinateError(
            f"admin_index.lookup: longitudes and latitudes must be numbers ({exc}); "
            "convert them (e.g. pandas.to_numeric(..., errors='coerce')) or drop the bad rows first"
        ) from exc
    if lon.shape != lat.shape:
        raise InputError(
            f"admin_index.lookup: got {len(lon)} longitudes but {len(lat)} latitudes; pass one of each per point"
        )
    if len(lon) < GRID_MIN_POINTS and _grid_index.cache_info().currsize == 0:
        return exact_lookup(_tree(_active()), lon, lat)
    return _grid_index(_active()).lookup(lon, lat)


def records(level: str) -> list[dict]:
    """Attributes of every unit of ``level`` (sorted by P-code), as plain dicts.

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`.

    Returns
    -------
    list of dict
        Keys ``pcode``, ``name``, ``name_ascii`` and, below the region level,
        ``region_pcode``, ``region`` (and ``department_pcode``, ``department``
        below the department level). Same order as :func:`geometries`. A fresh
        copy the caller may modify.
    """
    return [dict(record) for record in _level(level, _active())[0]]


def geometries(level: str) -> np.ndarray:
    """Shapely geometries (EPSG:4326) of every unit of ``level``, same order as :func:`records`."""
    return _level(level, _active())[1].copy()


# h12-annex shim (the smallest per-pack version the annex needs; h12-locate owns this module): caches keyed
# by the active pack; a pack without prepared arrays reads its GeoJSON; one without communes answers the
# point lookups ("commune") with its finest level, whose units stand for their own department.
def _active() -> str:
    from geo_coi import country

    return country.active().iso3


@functools.cache
def _level(level: str, iso3: str) -> tuple[list[dict], np.ndarray]:
    from geo_coi import _prepared, country

    if level not in LEVELS and not level.endswith(("_arrondissement", "_commune")):
        raise InputError(f"unknown admin level {level!r}: choose one of {', '.join(LEVELS)}")
    if iso3 == country.DEFAULT and _prepared_is_current():
        return _prepared.read(level)
    from geo_coi.boundaries import load

    pack = country.get(iso3)
    if level == "niamey_arrondissement":  # the capital's sub-units, whatever the pack calls them
        if pack.capital is None or not pack.capital.subunit_slot:
            return [], np.empty(0, dtype=object)
        level = pack.capital.subunit_slot
    finest = level == "commune" and not pack.has_level("commune")
    frame = load(pack.finest.slot if finest else level, iso3)
    if finest:
        frame = frame.assign(department_pcode=frame["pcode"], department=frame["name"])
    fields = [f for f in _prepared.RECORD_FIELDS if f in frame]
    return frame[fields].to_dict("records"), np.asarray(frame.geometry.values)


@functools.cache
def _prepared_is_current() -> bool:
    """True when ``boundaries/prepared/admin.npz`` exists and matches the GeoJSON files."""
    from geo_coi import _prepared

    if not _prepared.path().is_file():
        problem = "is missing"
    elif _prepared.stored_hashes() != _prepared.source_hashes():
        problem = "is older than the GeoJSON files in boundaries/"
    else:
        return True
    warnings.warn(
        f"{_prepared.path()} {problem}: reading the GeoJSON instead (slow start); "
        "regenerate it with `python -m geo_coi._prepared`",
        stacklevel=3,
    )
    return False


def _tree(iso3: str | None = None):
    return _tree_of(iso3 or _active())


@functools.cache
def _tree_of(iso3: str):
    import shapely

    return shapely.STRtree(_level("commune", iso3)[1])


@functools.cache
def _grid_index(iso3: str):
    """The commune grid: the shipped one if it was built from these geometries, else built now."""
    from geo_coi import _prepared, country
    from geo_coi._grid import GridIndex

    if iso3 == country.DEFAULT and _prepared_is_current() and _prepared.grid_path().is_file():
        arrays = _prepared.read_grid()
        if arrays["geometry_sha256"] == _prepared.geometry_sha256():
            return GridIndex.from_arrays(arrays, _tree(iso3))
    return GridIndex.build(_level("commune", iso3)[1], _tree(iso3))
