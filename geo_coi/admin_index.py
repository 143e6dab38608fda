"""Point -> commune assignment, the one spatial look-up every other module uses.

Semantics are those of ``geopandas.sjoin(points, communes, predicate="intersects")``:
a point on a boundary belongs to every unit it touches, and we keep the unit
with the lowest P-code so each point gets exactly one answer. Because COD-AB
P-codes are hierarchical (a commune's P-code starts with its department's and
region's), the department and region of that commune are also the lowest
P-codes among the units the point touches at those levels.

Departments, regions and Niamey's arrondissements (the communes under
``NE008001``) are read off the commune.
"""

from __future__ import annotations

import functools

import numpy as np

NO_UNIT = -1


@functools.cache
def _communes():
    from geo_coi.boundaries import load

    return load("commune")


def commune_table():
    """The commune layer the indices of :func:`lookup` refer to (sorted by P-code)."""
    return _communes()


def lookup(lon, lat) -> np.ndarray:
    """Row index into :func:`commune_table` for each point, ``-1`` outside Niger.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS 84 coordinates, same length.

    Returns
    -------
    numpy.ndarray of int64
    """
    import shapely

    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    points = shapely.points(lon, lat)
    tree = _tree()
    point_idx, unit_idx = tree.query(points, predicate="intersects")
    result = np.full(len(lon), NO_UNIT, dtype="int64")
    # Rows are sorted by P-code, so the smallest row index is the lowest P-code.
    order = np.lexsort((unit_idx, point_idx))
    point_idx, unit_idx = point_idx[order], unit_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    result[point_idx[first]] = unit_idx[first]
    return result


@functools.cache
def _tree():
    import shapely

    return shapely.STRtree(_communes().geometry.values)


LEVELS = ("country", "region", "department", "commune", "niamey_arrondissement")
_RECORD_FIELDS = ("pcode", "name", "name_ascii", "region_pcode", "region", "department_pcode", "department")


def records(level: str) -> list[dict]:
    """Attributes of every unit of ``level`` (sorted by P-code), as plain dicts.

    Same order as :func:`geometries`. Needs neither pandas nor geopandas once
    the prepared form exists, so point questions start fast.
    """
    frame = _layer(level)
    fields = [f for f in _RECORD_FIELDS if f in frame]
    return frame[fields].to_dict("records")


def geometries(level: str) -> np.ndarray:
    """Shapely geometries of every unit of ``level``, same order as :func:`records`."""
    return np.asarray(_layer(level).geometry.values)


@functools.cache
def _layer(level: str):
    from geo_coi.boundaries import load

    return load(level)
