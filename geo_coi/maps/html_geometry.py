"""Admin geometry of the HTML map: one simplified commune coverage, every level read off it, as rounded GeoJSON.

Boundaries are simplified once with their topology kept (:func:`shapely.coverage_simplify`)
and coordinates rounded to :data:`DECIMALS` decimals, so regions, departments and
arrondissements line up at every zoom and the same input gives the same bytes.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from geo_coi.admin_index import geometries, records

DECIMALS = 5
# Display simplification tolerances in degrees: admin units (~330 m, applied to the commune
# coverage every level is built from, topology kept) and the Natural Earth context (~2 km).
SIMPLIFY_DEGREES = {"commune": 0.003, "context": 0.02}


@functools.cache
def simplified(level):
    """Admin ``level`` for display, rounded, as GeoJSON dicts, with the records in the same order.

    Every level is read off one simplified commune coverage (shared edges stay
    shared), so regions, departments and Niamey's arrondissements line up
    exactly at every zoom.
    """
    import shapely

    units = records(level)
    communes = simplified_communes()
    if level in ("commune", "niamey_arrondissement"):
        by_pcode = dict(zip((r["pcode"] for r in records("commune")), communes, strict=True))
        geoms = [by_pcode[u["pcode"]] for u in units]
    else:
        parent = {"country": None, "region": "region_pcode", "department": "department_pcode"}[level]
        members = {}
        for rec, geom in zip(records("commune"), communes, strict=True):
            members.setdefault(rec[parent] if parent else units[0]["pcode"], []).append(geom)
        # snap-rounded union: valid, on the rounding grid, edges shared with the communes
        geoms = [shapely.union_all(members[u["pcode"]], grid_size=10.0**-DECIMALS) for u in units]
    return tuple(geojson(g) for g in geoms), tuple(units)


@functools.cache
def simplified_communes():
    """The finest admin level, simplified once for display (topology kept), cached per process."""
    import shapely

    simplified = shapely.coverage_simplify(geometries("commune"), SIMPLIFY_DEGREES["commune"])
    return tuple(shapely.transform(g, lambda xy: np.round(xy, DECIMALS)) for g in simplified)


def geojson(geom):
    """GeoJSON geometry dict of ``geom`` with coordinates rounded to DECIMALS."""
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return json.loads(shapely.to_geojson(rounded))
