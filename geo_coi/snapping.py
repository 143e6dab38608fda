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
over the boundary segments of the communes that touch the outline (a minority:
e.g. about 75 of Niger's 266), each a two-point line in an STRtree: a commune's distance to
an outside point is the smallest distance to one of its segments, so the
segments at the smallest distance name exactly the communes at the smallest
distance, the same set as a nearest search over whole polygons, and the
lowest row among them wins as in :func:`geo_coi.admin_index.lookup`.

How the nearest segments are found
----------------------------------
The segments are cut into pieces of at most :data:`_PIECE_M` metres and the
pieces' midpoints put in a k-d tree. For each point the segments of its
:data:`_K` nearest midpoints are measured exactly (the formula of GEOS's
``Distance::pointToSegment``, so the distances are the ones an STRtree search
finds). A segment none of whose pieces is among them is at least ``r - h``
away (``r`` the k-th midpoint's distance, ``h`` half the longest piece); where
the best distance found is below that bound by a margin, no other segment can
be as near, and the lowest commune row among the segments at that distance
wins. The few other points (far away, or with many segments at about the same
distance) go to the STRtree's exact nearest search.
"""

from __future__ import annotations

import functools

import numpy as np

from geo_coi.admin_index import finest, geometries
from geo_coi.crs import EQUAL_AREA, GEOD, GEOGRAPHIC

# Communes within this many metres (EQUAL_AREA) of the union's outline count as touching it:
# a generous margin for rounding, it only adds candidates.
_TOUCH_M = 1.0
_PIECE_M = 1000.0  # pieces of the segments whose midpoints the k-d tree holds
_K = 8  # midpoints looked at per point
_KD_MIN_POINTS = 1000  # fewer points go straight to the STRtree
_MARGIN_M = 1e-3  # the bound must clear the best distance by this much (rounding)


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


    iso3 = _iso3(None)
    _, owner, tree, to_area, to_geo = _border_segments(iso3)
    x, y = (np.asarray(v, dtype=float) for v in to_area.transform(lon, lat))
    if len(x) >= _KD_MIN_POINTS:
        best, sure = _nearest_by_pieces(x, y, owner, iso3)
    else:  # a few points: the STRtree alone, without building (or importing) the k-d tree
        best, sure = np.zeros(len(x), dtype="int64"), np.zeros(len(x), dtype=bool)
    unsure = np.flatnonzero(~sure)
    if len(unsure):
        point_idx, segment_idx = tree.query_nearest(shapely.points(x[unsure], y[unsure]), all_matches=True)
        best[unsure] = _lowest_owner(point_idx, segment_idx, owner, len(unsure))
    end_x, end_y = _closest_point(x, y, best, iso3)
    end_lon, end_lat = to_geo.transform(end_x, end_y)
    _, _, metres = GEOD.inv(lon, lat, end_lon, end_lat)
    return owner[best], np.asarray(metres, dtype=float) / 1000.0


def _nearest_by_pieces(x, y, owner, iso3=None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest segment per point among those of its nearest piece midpoints, and whether it is surely nearest."""
    ends, piece_tree, piece_segment, half = _pieces(iso3)
    k = min(_K, len(piece_segment))
    radius, piece = piece_tree.query(np.column_stack([x, y]), k=k)
    radius, piece = radius.reshape(len(x), k), piece.reshape(len(x), k)
    candidate = piece_segment[piece]
    distance = _point_segment_distance(x[:, None], y[:, None], ends[:, candidate])
    found = distance.min(axis=1)
    # among the segments at that distance the lowest commune row, then the lowest segment (as _lowest_owner)
    rank = np.where(distance == found[:, None], owner[candidate] * len(owner) + candidate, np.iinfo("int64").max)
    best = candidate[np.arange(len(x)), rank.argmin(axis=1)]
    sure = found + _MARGIN_M < radius[:, -1] - half
    return best.astype("int64"), sure


def _point_segment_distance(px, py, ends) -> np.ndarray:
    """Distance from points to segments, as GEOS's ``Distance::pointToSegment`` computes it.

    ``ends`` holds, along its first axis, the segments' ``ax, ay, bx, by, dx, dy, len2`` (``d = b - a``).
    """
    ax, ay, bx, by, dx, dy, len2 = ends
    qx, qy = px - ax, py - ay
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (qx * dx + qy * dy) / len2
        inner = np.abs((qx * dy - qy * dx) / len2) * np.sqrt(len2)
    to_a = np.sqrt(qx * qx + qy * qy)
    to_b = np.sqrt((px - bx) ** 2 + (py - by) ** 2)
    return np.where((len2 == 0) | (r <= 0.0), to_a, np.where(r >= 1.0, to_b, inner))


def _closest_point(x, y, segment, iso3) -> tuple[np.ndarray, np.ndarray]:
    """The point of each segment nearest to ``(x, y)``, as GEOS's ``LineSegment::closestPoint`` finds it."""
    ax, ay, bx, by, dx, dy, len2 = _pieces(iso3)[0][:, segment]
    at_a, at_b = (x == ax) & (y == ay), (x == bx) & (y == by)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(at_a, 0.0, np.where(at_b, 1.0, ((x - ax) * dx + (y - ay) * dy) / len2))
    inside = (r > 0) & (r < 1)
    nearer_a = np.sqrt((ax - x) ** 2 + (ay - y) ** 2) < np.sqrt((bx - x) ** 2 + (by - y) ** 2)
    end_x = np.where(inside, ax + r * dx, np.where(nearer_a, ax, bx))
    end_y = np.where(inside, ay + r * dy, np.where(nearer_a, ay, by))
    return end_x, end_y


def _pieces(iso3: str | None = None):
    """:func:`_pieces_of` the pack ``iso3`` (default the active one)."""
    return _pieces_of(_iso3(iso3))


@functools.cache
def _pieces_of(iso3: str):
    """Segments as ``ax, ay, bx, by, dx, dy, len2`` rows, a k-d tree of their pieces' midpoints, each piece's
    segment, and half the longest piece.
    """
    import shapely
    from scipy.spatial import cKDTree

    segments = _border_segments(iso3)[0]
    ab = shapely.get_coordinates(segments).reshape(-1, 2, 2)
    start, end = ab[:, 0], ab[:, 1]
    d = end - start
    len2 = d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]
    ends = np.vstack([start.T, end.T, d.T, len2])
    length = np.sqrt(len2)
    count = np.maximum(1, np.ceil(length / _PIECE_M)).astype("int64")
    piece_segment = np.repeat(np.arange(len(segments)), count)
    first = np.repeat(np.cumsum(count) - count, count)
    fraction = ((np.arange(len(piece_segment)) - first) + 0.5) / count[piece_segment]
    mid = start[piece_segment] + fraction[:, None] * d[piece_segment]
    half = float((length / count).max()) / 2.0 * (1 + 1e-9)
    return ends, cKDTree(mid), piece_segment, half


def _lowest_owner(point_idx, segment_idx, owner, n) -> np.ndarray:
    """Per point, the first of its nearest segments that belongs to the lowest commune row."""
    order = np.lexsort((segment_idx, owner[segment_idx], point_idx))
    point_idx, segment_idx = point_idx[order], segment_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]]
    best = np.empty(n, dtype="int64")
    best[point_idx[first]] = segment_idx[first]
    return best


def _iso3(iso3: str | None) -> str:
    from geo_coi import country

    return iso3 or country.active().iso3


def _border_segments(iso3: str | None = None):
    """:func:`_border_segments_of` the pack ``iso3`` (default the active one)."""
    return _border_segments_of(_iso3(iso3))


@functools.cache
def _border_segments_of(iso3: str):
    """Segments (EQUAL_AREA) of pack ``iso3``'s finest units touching the outline, their rows, STRtree, transformers.

    Cached per pack: the rows index that pack's finest level (communes, Burkina Faso's provinces).
    """
    import shapely
    from pyproj import Transformer


    to_area = Transformer.from_crs(GEOGRAPHIC, EQUAL_AREA, always_xy=True)
    to_geo = Transformer.from_crs(EQUAL_AREA, GEOGRAPHIC, always_xy=True)
    polygons = shapely.transform(geometries(finest(iso3), iso3), to_area.transform, interleaved=False)
    outline = shapely.boundary(shapely.union_all(polygons))
    border = np.flatnonzero(shapely.dwithin(polygons, outline, _TOUCH_M))
    rings = shapely.get_parts(shapely.boundary(polygons[border]), return_index=True)
    coords, ring = shapely.get_coordinates(rings[0], return_index=True)
    same = ring[1:] == ring[:-1]
    start, end = coords[:-1][same], coords[1:][same]
    segments = shapely.linestrings(np.stack([start, end], axis=1))
    owner = border[rings[1][ring[:-1][same]]].astype("int64")
    return segments, owner, shapely.STRtree(segments), to_area, to_geo
