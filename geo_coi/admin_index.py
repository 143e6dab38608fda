"""Point -> finest admin unit assignment, the one spatial look-up every other module uses.

Semantics are those of ``geopandas.sjoin(points, communes, predicate="intersects")``:
a point on a boundary belongs to every unit it touches, and we keep the unit
with the lowest P-code so each point gets exactly one answer. Because COD-AB
P-codes are hierarchical (a commune's P-code starts with its department's and
region's), the department and region of that commune are also the lowest
P-codes among the units the point touches at those levels.

Departments, regions and the capital's sub-units (e.g. Niamey's
communal districts) are read off the commune.

Per country
-----------
Every function takes ``country`` (an ISO3 code; default the active pack,
:func:`geo_coi.country.active`) and caches by it. The lookup runs on the
pack's finest level (:func:`finest`): communes in most packs, provinces
(slot ``department``) for Burkina Faso, whose pack stops there. Levels are
named by slot (``region``, ``department``, ``commune``), key (``adm2``) or the
pack's own name (``cercle``, ``province``); the capital's sub-units by the
generic :data:`CAPITAL_SUBUNITS` or the pack's own slot (its ``[capital]
subunit_slot``).

Speed: units come from the prepared form in ``<pack>/boundaries/prepared/`` (see
:mod:`geo_coi._prepared`), so :func:`records`, :func:`geometries` and
:func:`lookup` need only numpy and shapely, not pandas or geopandas. Large
inputs go through a grid index (:mod:`geo_coi._grid`) that answers most points
from a table and tests only points near a boundary exactly; small inputs are
tested exactly straight away. Both give identical answers.

Imports: only numpy and the light pack modules at import time; shapely, pandas
and geopandas load inside the functions that need them, because ``geo-coi
locate`` imports this module and must start fast (tests/test_locate*.py).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from geo_coi import _prepared, boundaries
from geo_coi import country as _country
from geo_coi._grid import GridIndex, exact_lookup
from geo_coi.errors import ConfigError, CoordinateError, InputError

NO_UNIT = -1
CAPITAL_SUBUNITS = boundaries.CAPITAL_SUBUNITS
"""The generic name of the capital's sub-unit layer: each pack's ``[capital] subunit_slot`` (see :func:`levels`)."""
LEVELS = ("country", "region", "department", "commune", CAPITAL_SUBUNITS)  # generic; a pack's own: levels()
# Below this many points the exact test is cheaper than loading the grid.
GRID_MIN_POINTS = 2_000


def levels(country: str | None = None) -> tuple[str, ...]:
    """The layers :func:`records` knows for a pack: its levels by slot, then the capital's sub-units (by its slot)."""
    return tuple(boundaries.admin_levels(country))


def finest(country: str | None = None) -> str:
    """Slot of the pack's finest level, the one :func:`lookup` answers in (``commune``, or ``department``)."""
    return _finest_of(_iso3(country))


@functools.cache
def _finest_of(iso3: str) -> str:
    return _country.get(iso3).finest.slot


def commune_table(country: str | None = None):
    """The finest layer the indices of :func:`lookup` refer to (sorted by P-code).

    Parameters
    ----------
    country : str, optional
        ISO3 code; default the active pack.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`geo_coi.boundaries.load` gives it (imports geopandas); use
        :func:`records` for a light-weight version in the same order.
    """
    return boundaries.load(finest(country), country)


def lookup(lon, lat, country: str | None = None) -> np.ndarray:
    """Row index into :func:`commune_table` for each point, ``-1`` outside the country.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS 84 coordinates, same length: scalars, lists, numpy arrays of any
        float or int dtype, pandas Series (``pd.NA`` too); converted to
        float64, flattened. NaN and infinities give ``-1``.
    country : str, optional
        ISO3 code of the pack; default the active one.

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
    iso3 = _iso3(country)
    if len(lon) < GRID_MIN_POINTS and iso3 not in _GRIDS:
        return exact_lookup(_tree_of(iso3), lon, lat)
    return _grid_of(iso3).lookup(lon, lat)


def layer(level: str, country: str | None = None) -> str:
    """The pack's layer name of ``level``: one of :func:`levels`.

    Parameters
    ----------
    level : str
        A slot, key (``adm2``), the pack's own name (``cercle``) or :data:`CAPITAL_SUBUNITS`.
    country : str, optional
        ISO3 code of the pack; default the active one.

    Raises
    ------
    InputError
        The pack has no such level (e.g. no capital sub-units).
    """
    iso3 = _iso3(country)
    return _slot(iso3, level)


def records(level: str, country: str | None = None) -> list[dict]:
    """Attributes of every unit of ``level`` (sorted by P-code), as plain dicts.

    Parameters
    ----------
    level : str
        One of :func:`levels` (or a level's key or pack name, ``adm2``, ``cercle``).
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    list of dict
        Keys ``pcode``, ``name``, ``name_ascii`` and, below the region level,
        ``region_pcode``, ``region`` (and ``department_pcode``, ``department``
        below the department level). Same order as :func:`geometries`. A fresh
        copy the caller may modify.
    """
    iso3 = _iso3(country)
    return [dict(record) for record in _level(iso3, _slot(iso3, level))[0]]


def geometries(level: str, country: str | None = None) -> np.ndarray:
    """Shapely geometries (EPSG:4326) of every unit of ``level``, same order as :func:`records`."""
    iso3 = _iso3(country)
    return _level(iso3, _slot(iso3, level))[1].copy()


def _iso3(country: str | None) -> str:
    if country is None:
        return _country.active().iso3
    if country not in _ISO3:  # as given (e.g. "mli", " NER") -> the pack's code; unknown codes raise
        _ISO3[country] = _country.get(country).iso3
    return _ISO3[country]


_ISO3: dict[str, str] = {}


def _slot(iso3: str, level: str) -> str:
    """The layer name of ``level`` in the pack (slot, key, the pack's own name or :data:`CAPITAL_SUBUNITS`)."""
    known = levels(iso3)
    if level in known:
        return level
    pack = _country.get(iso3)
    if level == CAPITAL_SUBUNITS:
        if pack.capital is None or not pack.capital.subunit_slot:
            raise InputError(f"{pack.name()} has no sub-units of its capital: its pack "
                             f"({pack.folder.name}/country.toml) names no [capital] subunit_slot; "
                             f"choose one of {', '.join(known)}")
        return pack.capital.subunit_slot
    try:
        return pack.level(level).slot
    except ConfigError:
        raise InputError(
            f"unknown admin level {level!r} for {iso3}: choose one of {', '.join(known)}"
        ) from None


@functools.cache
def _level(iso3: str, level: str) -> tuple[list[dict], np.ndarray]:
    if _prepared_is_current(iso3):
        return _prepared.read(level, country=iso3)
    frame = boundaries.load(level, iso3)
    fields = [f for f in _prepared.RECORD_FIELDS if f in frame]
    return frame[fields].to_dict("records"), np.asarray(frame.geometry.values)


@functools.cache
def _prepared_is_current(iso3: str) -> bool:
    """True when the pack's ``boundaries/prepared/admin.npz`` exists and matches its GeoJSON files."""
    source = _prepared.path(iso3)
    if not source.is_file():
        problem = "is missing"
    elif _prepared.stored_hashes(country=iso3) != _prepared.source_hashes(iso3):
        problem = "is older than the pack's GeoJSON files"
    else:
        return True
    warnings.warn(
        f"{source} {problem}: reading the GeoJSON instead (slow start); "
        f"regenerate it with `python -m geo_coi._prepared --country {iso3}`",
        stacklevel=3,
    )
    return False


def _tree(iso3: str | None = None):
    """STRtree over the finest level's polygons (in :func:`records` order)."""
    return _tree_of(_iso3(iso3))


def _grid_index(iso3: str | None = None):
    """The finest level's grid: the shipped one if it was built from these geometries, else built now."""
    return _grid_of(_iso3(iso3))


@functools.cache
def _tree_of(iso3: str):
    import shapely  # lazy: the locate fast path (module docstring)

    return shapely.STRtree(_level(iso3, finest(iso3))[1])


_GRIDS: set = set()  # packs whose grid is loaded: small inputs then use it too


@functools.cache
def _grid_of(iso3: str):
    _GRIDS.add(iso3)
    if _prepared_is_current(iso3) and _prepared.grid_path(iso3).is_file():
        arrays = _prepared.read_grid(country=iso3)
        if arrays["geometry_sha256"] == _prepared.geometry_sha256(country=iso3):
            return GridIndex.from_arrays(arrays, _tree_of(iso3))
    return GridIndex.build(_level(iso3, finest(iso3))[1], _tree_of(iso3))
