"""The nearest commune of points outside every commune, and the distance to it.

Border snapping (:func:`geo_coi.join.join_admin`, :mod:`geo_coi.chunked`)
attaches an event just outside the outline to the nearest commune. The
nearest commune is found in :data:`geo_coi.crs.EQUAL_AREA`; the distance to
the nearest point of its boundary is measured on the WGS 84 ellipsoid
(:data:`geo_coi.crs.GEOD`).

Why only the border communes' segments are searched
---------------------------------------------------
For a point ``p`` outside the union of the communes, the nearest point ``q``
of any commune lies on the union's outline (a segment from ``p`` to a point
inside crosses the outline first), and every commune at that smallest
distance contains ``q``, so it touches the outline. The search therefore runs
over the boundary segments of the communes that touch the outline (about 75
of 266 in Niger), each a two-point line in an STRtree: a commune's distance to
an outside point is the smallest distance to one of its segments, so the
segments at the smallest distance name exactly the communes at the smallest
distance, the same set as a nearest search over whole polygons, and the
lowest row among them wins as in :func:`geo_coi.admin_index.lookup`.
"""

from __future__ import annotations

import functools

import numpy as np

# Communes within this many metres (EQUAL_AREA) of the union's outline count as touching it:
# a generous margin for rounding, it only adds candidates.
_TOUCH_M = 1.0


def nearest_commune(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of the nearest commune and geodesic distance (km) to its boundary.

    Parameters
    ----------
    lon, lat : numpy.ndarray of float64
        Points outside every commune (``admin_index.lookup`` gave -1), finite.

    Returns
    -------
    nearest : numpy.ndarray of int64
        Row into :func:`geo_coi.admin_index.records` ``("commune")``; the lowest
        among equidistant communes.
    km : numpy.ndarray of float64
        Geodesic distance to the nearest point of that commune's boundary.
    """
    import shapely

    from geo_coi.crs import GEOD

    segments, owner, tree, to_area, to_geo = _border_segments()
    x, y = to_area.transform(lon, lat)
    points = shapely.points(x, y)
    point_idx, segment_idx = tree.query_nearest(points, all_matches=True)
    best = _lowest_owner(point_idx, segment_idx, owner, len(lon))
    lines = shapely.shortest_line(points, segments[best])
    end = shapely.get_coordinates(shapely.get_point(lines, 1))
    end_lon, end_lat = to_geo.transform(end[:, 0], end[:, 1])
    _, _, metres = GEOD.inv(lon, lat, end_lon, end_lat)
    return owner[best], np.asarray(metres, dtype=float) / 1000.0


def _lowest_owner(point_idx, segment_idx, owner, n) -> np.ndarray:
    """Per point, the first of its nearest segments that belongs to the lowest commune row."""
    order = np.lexsort((segment_idx, owner[segment_idx], point_idx))
    point_idx, segment_idx = point_idx[order], segment_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]]
    best = np.empty(n, dtype="int64")
    best[point_idx[first]] = segment_idx[first]
    return best


@functools.cache
def _border_segments():
    """Segments (EQUAL_AREA) of the communes touching the outline, their commune rows, STRtree, transformers."""
    import shapely
    from pyproj import Transformer

    from geo_coi.admin_index import geometries
    from geo_coi.crs import EQUAL_AREA, GEOGRAPHIC

    to_area = Transformer.from_crs(GEOGRAPHIC, EQUAL_AREA, always_xy=True)
    to_geo = Transformer.from_crs(EQUAL_AREA, GEOGRAPHIC, always_xy=True)
    polygons = shapely.transform(geometries("commune"), to_area.transform, interleaved=False)
    outline = shapely.boundary(shapely.union_all(polygons))
    border = np.flatnonzero(shapely.dwithin(polygons, outline, _TOUCH_M))
    rings = shapely.get_parts(shapely.boundary(polygons[border]), return_index=True)
    coords, ring = shapely.get_coordinates(rings[0], return_index=True)
    same = ring[1:] == ring[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    segments = shapely.linestrings(np.stack([start, end], axis=1))
    owner = border[rings[1][ring[:-1][same]]].astype("int64")
    return segments, owner, shapely.STRtree(segments), to_area, to_geo
