"""Admin geometry of the HTML map: one simplified commune coverage, every level read off it, as rounded GeoJSON.

Boundaries are simplified once with their topology kept (:func:`shapely.coverage_simplify`)
and coordinates rounded to :data:`DECIMALS` decimals, so regions, departments and
arrondissements line up at every zoom and the same input gives the same bytes.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from geo_coi import country
from geo_coi.admin_index import finest, geometries, records

DECIMALS = 5
# Display simplification tolerances in degrees: admin units (~330 m, applied to the commune
# coverage every level is built from, topology kept) and the Natural Earth context (~2 km).
SIMPLIFY_DEGREES = {"commune": 0.003, "context": 0.02}


def simplified(level):
    """Admin ``level`` of the active pack for display, rounded, as GeoJSON dicts, with the records in the same order.

    Every level is read off one simplified coverage of the pack's finest level (shared
    edges stay shared), so regions, departments and the capital's sub-units line up
    exactly at every zoom.
    """
    return _simplified(level, country.active().iso3)


@functools.cache
def _simplified(level, iso3):
    import shapely

    finest_level = finest(iso3)
    units = records(level, iso3)
    communes = _simplified_finest(iso3)
    parents = {"country": None, "region": "region_pcode", "department": "department_pcode"}
    if level == finest_level or level not in parents:  # the finest units, or the capital's sub-units among them
        by_pcode = dict(zip((r["pcode"] for r in records(finest_level, iso3)), communes, strict=True))
        geoms = [by_pcode[u["pcode"]] for u in units]
    else:
        parent = parents[level]
        members = {}
        for rec, geom in zip(records(finest_level, iso3), communes, strict=True):
            members.setdefault(rec[parent] if parent else units[0]["pcode"], []).append(geom)
        # snap-rounded union: valid, on the rounding grid, edges shared with the communes
        geoms = [shapely.union_all(members[u["pcode"]], grid_size=10.0**-DECIMALS) for u in units]
    return tuple(geojson(g) for g in geoms), tuple(units)


def simplified_communes():
    """The active pack's finest admin level, simplified once for display (topology kept), cached per pack."""
    return _simplified_finest(country.active().iso3)


@functools.cache
def _simplified_finest(iso3):
    import shapely

    simplified = shapely.coverage_simplify(geometries(finest(iso3), iso3), SIMPLIFY_DEGREES["commune"])
    return tuple(shapely.transform(g, lambda xy: np.round(xy, DECIMALS)) for g in simplified)


def geojson(geom):
    """GeoJSON geometry dict of ``geom`` with coordinates rounded to DECIMALS."""
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return json.loads(shapely.to_geojson(rounded))
