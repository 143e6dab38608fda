"""Vectorised :func:`geo_coi.location.locate` for many points, with the same answers.

:func:`geo_coi.location.locate_points` calls :func:`locate_many`; rows it
cannot answer here (bad coordinates or geo_precision, swapped coordinates,
points outside every pack, points more than about 7,000 km from their pack) go through the scalar
:func:`~geo_coi.location.locate`, so messages and answers stay exactly its.

How the distances stay those of the scalar path
------------------------------------------------
The scalar path projects a unit's vertices into an azimuthal equidistant
projection centred on the point (AEQD-p) and takes the planar distance from
the centre to the nearest segment. Here the AEQD-p coordinates of a vertex
come from the geodesic azimuth and distance (``Geod.inv``, the formulas PROJ's
``aeqd`` uses), and the segment distance from GEOS' point-to-segment formula,
but only for a few candidate segments per point. Candidates are chosen in one
shared azimuthal equidistant frame (AEQD-c, centred on the capital for the capital's
outline and sub-units, on the country for the rest; one pair of frames per pack), in which planar
lengths are between 1 and ``F = t / sin t`` times the true lengths for paths
within ``t`` radians of the centre (radial scale 1, transverse scale
``s / m12`` ≤ ``F``; :data:`_EARTH_RADIUS_M` bounds the curvature). With ``d``
the smallest AEQD-c distance from the point to the target, every segment the
scalar path can find nearest lies within ``F (d + 2 e)`` in AEQD-c, ``e``
covering the difference between a segment straight in AEQD-p and straight in
AEQD-c (:func:`_slack`). The STRtree returns those segments; the exact step
then picks the same minimum (and, on ties, the lowest unit) as the scalar
path.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import shapely

from geo_coi import admin_index
from geo_coi import country as _country
from geo_coi.crs import GEOD
from geo_coi.errors import GeoCOIError
from geo_coi.location import (
    _PRECISION_WARNINGS,
    BOUNDARY_TOLERANCE_KM,
    LOCATED_COLUMNS,
    _capital_geometry,
    _coordinates,
    _country_fields,
    _Frame,
    _geo_precision,
    _geometry,
    _located_row,
    _unit_fields,
    boundary_warning,
    capital_units,
    degrees_per_km,
    outside_warning,
)

# Smallest radius of curvature bound for WGS 84 (Gaussian curvature is largest at the equator:
# 1 / sqrt(M N) = 1 / 6,356.7 km); a little smaller is safe, it only adds candidates.
_EARTH_RADIUS_M = 6_350_000.0
_MAX_ANGLE = 1.1  # radians from a frame centre (~7,000 km); farther points take the scalar path
_SHORT_M = 20_000.0  # segments up to this long (AEQD-c metres) form the short tier of _Outlines


def locate_many(lats, lons, precisions, country: str | None = None) -> list[tuple]:
    """One tuple of :data:`~geo_coi.location.LOCATED_COLUMNS` per point, as the scalar path gives it.

    Parameters
    ----------
    lats, lons, precisions : sequence
        Values as read (numbers or text); ``precisions`` may hold None.
    country : str, optional
        ISO3 code of the pack every point is answered for; default each
        point's own (:func:`geo_coi.country.find`; points outside every pack
        take the scalar path, which finds the nearest pack).

    Returns
    -------
    list of tuple
        Row ``i`` equals ``geo_coi.location._located_row(lats[i], lons[i], precisions[i], country)``.
    """
    lat, lon, precision, scalar = _parse(lats, lons, precisions)
    forced = _country.get(country).iso3 if country is not None else None
    valid = np.flatnonzero(~scalar)
    # Each distinct (lat, lon, geo_precision) is answered once: real data repeat coordinates
    # (a quarter of ACLED's events sit on published place coordinates).
    key = np.column_stack([lat[valid], lon[valid], precision[valid].astype("float64")])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    batch = valid[first]
    answers = [None] * len(batch)
    packs = np.full(len(batch), forced or "", dtype="<U3")
    check = np.full(len(batch), "swapped" if forced else "gap", dtype="<U7")
    if forced is None:
        packs[:] = _country.find(lon[batch], lat[batch])
        outside = np.flatnonzero(packs == "")
        packs[outside] = _nearest_packs(lon[batch[outside]], lat[batch[outside]])
        check[outside] = "none"
    for iso3 in sorted(set(packs.tolist()) - {""}):
        for mode in sorted(set(check[packs == iso3].tolist())):
            group = np.flatnonzero((packs == iso3) & (check == mode))
            found, refused = _answers(iso3, lat[batch[group]], lon[batch[group]], precision[batch[group]], mode)
            for g, row in zip(group[~refused], found, strict=True):
                answers[g] = row
    rows = [None] * len(lat)
    for i, g in zip(valid.tolist(), inverse.ravel().tolist(), strict=True):
        rows[i] = answers[g]
    for i, row in enumerate(rows):
        if row is None:  # bad values, swapped, too far, in no unit of its pack: the scalar path decides
            rows[i] = _located_row(lats[i], lons[i], precisions[i], country)
    return rows


def _parse(lats, lons, precisions):
    """Floats, geo_precision (0 = none) and a mask of rows the scalar path must answer."""
    n = len(lats)
    lat, lon = np.full(n, np.nan), np.full(n, np.nan)
    precision = np.zeros(n, dtype="int64")
    scalar = np.zeros(n, dtype=bool)
    checked_precision = {}
    for i, values in enumerate(zip(lats, lons, precisions, strict=True)):
        try:
            lat[i], lon[i] = _coordinates(values[0], values[1])
            key = values[2] if isinstance(values[2], str | int | float | type(None)) else str(values[2])
            if key not in checked_precision:
                checked_precision[key] = _geo_precision(values[2]) or 0
            precision[i] = checked_precision[key]
        except (GeoCOIError, TypeError):
            scalar[i] = True
    return lat, lon, precision, scalar


def _nearest_packs(lon, lat) -> np.ndarray:
    """For points outside every pack: the pack with the nearest outline ("" for the scalar path).

    Points that are inside a pack when latitude and longitude are swapped (the scalar
    path's error), or too far from a pack's frames, are left to the scalar path.
    """
    codes = _country.bundled()
    km = np.full((len(codes), len(lon)), np.inf)
    left = np.zeros(len(lon), dtype=bool)
    for code in codes:
        swappable = np.flatnonzero(np.abs(lon) <= 90)
        left[swappable] |= admin_index.lookup(lat[swappable], lon[swappable], code) >= 0
        left |= _too_far(_projected(code, lon, lat))
    take = np.flatnonzero(~left)
    lower = np.full((len(codes), len(lon)), np.inf)
    upper = np.full((len(codes), len(lon)), np.inf)
    for j, code in enumerate(codes):
        lower[j, take], upper[j, take] = _outlines(code, "country").bounds(lon[take], lat[take])
    # A pack whose distance surely exceeds another's is never the nearest: measure only the others.
    possible = lower <= upper.min(axis=0)
    for j, code in enumerate(codes):
        measure = np.flatnonzero(~left & possible[j])
        km[j, measure] = _outlines(code, "country").nearest(lon[measure], lat[measure])[0]
    nearest = np.array(codes, dtype="<U3")[np.argmin(km, axis=0)] if len(lon) else np.zeros(0, dtype="<U3")
    return np.where(left, "", nearest)


def _answers(iso3, lat, lon, precision, check):
    """Tuples for points of one pack, and a mask of those left to the scalar path.

    ``check`` says how the pack was chosen. ``"swapped"``: it was imposed, so a point
    outside it may be a swapped one (the scalar path's error). ``"gap"``: its outline
    contains every point, and the rare ones in no unit of it are left to the scalar path's
    choice of pack. ``"none"``: the points are outside every pack and this one is nearest.
    """
    row = admin_index.lookup(lon, lat, iso3)
    if check == "swapped":
        refused = (row < 0) & (np.abs(lon) <= 90)
        refused[refused] = admin_index.lookup(lat[refused], lon[refused], iso3) >= 0  # swapped: the scalar error
    elif check == "gap":
        refused = row < 0  # in the outline but not in a unit: the scalar path may pick a neighbouring pack
    else:
        refused = np.zeros(len(lon), dtype=bool)
    xy = _projected(iso3, lon, lat)
    refused |= _too_far(xy)
    keep = ~refused
    lat, lon, row, precision = lat[keep], lon[keep], row[keep], precision[keep]
    xy = {frame: (x[keep], y[keep]) for frame, (x, y) in xy.items()}
    capital, subunit = _capital(iso3, lon, lat, xy)
    units = _units(iso3, row, lon, lat, capital["inside_capital"])
    region = _nearest(iso3, lon, lat, row < 0, "region", xy)
    boundary_km, boundary_warnings = _boundary(iso3, row, lon, lat, units, xy)
    return _rows(iso3, row, precision, capital, units, subunit, region, boundary_km, boundary_warnings), refused


def _rows(iso3, row, precision, capital, units, subunit, region, boundary_km, boundary_warnings) -> list[tuple]:
    """The answers as tuples of :data:`LOCATED_COLUMNS` (plain Python values, as the scalar path gives)."""
    n = len(row)
    finest = admin_index.records(admin_index.finest(iso3), iso3)
    unit_list = units.tolist()
    fields = {u: _unit_fields(iso3, finest[u] if u >= 0 else None) for u in set(unit_list)}
    columns = {name: [value] * n for name, value in _country_fields(iso3).items()}
    columns["inside_country"] = (row >= 0).tolist()
    columns["boundary_distance_km"] = boundary_km.tolist()
    for name, values in capital.items():
        columns[name] = values.tolist() if isinstance(values, np.ndarray) else [values] * n
    for name in next(iter(fields.values()), {}):
        columns[name] = [fields[u][name] for u in unit_list]
    for prefix, found in (("nearest_capital_subunit", subunit), ("nearest_region", region)):
        records, km = found["records"], found["km"].tolist()
        nearest = found["unit"].tolist()
        columns[prefix] = [records[u]["name"] if u >= 0 else None for u in nearest]
        columns[f"{prefix}_pcode"] = [records[u]["pcode"] if u >= 0 else None for u in nearest]
        columns[f"{prefix}_km"] = [k if u >= 0 else None for u, k in zip(nearest, km, strict=True)]
    warnings = [
        "; ".join(w for w in (_PRECISION_WARNINGS.get(level), boundary) if w)
        for level, boundary in zip(precision.tolist(), boundary_warnings, strict=True)
    ]
    columns["warnings"] = warnings
    columns["uncertain"] = [bool(w) for w in warnings]
    columns["error"] = [""] * n
    return list(zip(*(columns[c] for c in LOCATED_COLUMNS), strict=True)) if n else []


def _projected(iso3, lon, lat) -> dict:
    """The points in the pack's two AEQD-c frames, ``{frame: (x, y)}``, computed once for every outline."""
    return {frame: frame.transformer.transform(lon, lat) for frame in (_capital_frame(iso3), _country_frame(iso3))}


def _too_far(xy) -> np.ndarray:
    """Points farther than :data:`_MAX_ANGLE` from either frame centre (left to the scalar path)."""
    far = [~(np.hypot(x, y) < _MAX_ANGLE * _EARTH_RADIUS_M) for x, y in xy.values()]
    return np.logical_or.reduce(far)


def _capital(iso3, lon, lat, xy) -> tuple[dict, dict]:
    """The capital's fields, and (as :func:`_nearest`) the nearest capital sub-unit of the points outside it.

    Where the sub-units' outlines include the capital's (:func:`_capital_outline`), both
    distances come from one set of candidate segments, each vertex projected once.
    """
    pack = _country.get(iso3)
    n = len(lon)
    level = pack.capital.subunit_slot if pack.capital is not None else None
    if pack.capital is None:
        return ({"capital": None, "inside_capital": np.zeros(n, dtype=bool), "distance_to_capital_km": None,
                 "capital_boundary_latitude": None, "capital_boundary_longitude": None},
                _nearest(iso3, lon, lat, np.zeros(n, dtype=bool), None, xy))
    unit = _capital_geometry(iso3)
    shapely.prepare(unit)
    inside = shapely.intersects_xy(unit, lon, lat)
    outline = _capital_outline(iso3)
    shared = outline.primary is not None
    subunit = _nearest(iso3, lon, lat, ~inside if level else np.zeros(n, dtype=bool), level, xy, measure=not shared)
    need = subunit["unit"] == _UNMEASURED
    cache = []
    point_idx, seg_idx, metres, fx, fy = outline.pairs(
        lon, lat, xy=xy, cache=cache, keep=(lambda p, s: (outline.owner[s] == 0) | (need[p] & outline.interior[s]))
        if shared else None)
    mine = outline.owner[seg_idx] == 0
    first = np.flatnonzero(mine)[_first(point_idx[mine], seg_idx[mine], outline.owner[seg_idx[mine]], metres[mine], n)]
    km = metres[first] / 1000.0
    near_lon, near_lat = _inverse(lon, lat, fx[first], fy[first])
    if need.any():
        subunit["unit"][need], subunit["km"][need] = _nearest_subunit(
            outline, lon, lat, need, (point_idx, seg_idx, metres), mine, metres[first], cache)
    capital = {
        "capital": pack.capital.name,
        "inside_capital": inside,
        "distance_to_capital_km": np.where(inside, -km, km),
        "capital_boundary_latitude": near_lat,
        "capital_boundary_longitude": near_lon,
    }
    return capital, subunit


def _nearest_subunit(outline, lon, lat, need, pairs, mine, capital_m, cache):
    """Nearest sub-unit (row, km) of the points ``need`` from the capital's candidate pairs.

    A sub-unit's segment is either interior (measured among the pairs) or the copy
    (:func:`_pair_twins`) of a capital segment, at the same distance but for the last bits;
    only the copies of capital segments within a hair of the capital's distance can be
    nearest, so only those are measured, on the vertices already projected.
    """
    point_idx, seg_idx, metres = pairs
    ours = np.flatnonzero(mine & need[point_idx])
    close = ours[metres[ours] <= capital_m[point_idx[ours]] * (1 + 1e-9) + 1e-6]
    copies = outline.twin[seg_idx[close]]
    copy_m = outline.measure(lon, lat, point_idx[close], copies, cache)[0]
    inner = np.flatnonzero(~mine)
    point_idx = np.concatenate([point_idx[inner], point_idx[close]])
    seg_idx = np.concatenate([seg_idx[inner], copies])
    metres = np.concatenate([metres[inner], copy_m])
    first = _first(point_idx, seg_idx, outline.owner[seg_idx], metres, int(need.sum()))
    return outline.owner[seg_idx[first]] - 1, metres[first] / 1000.0


def _units(iso3, row, lon, lat, inside_capital) -> np.ndarray:
    """Finest-level row of each point's units (-1 outside); the capital wins on its own boundary."""
    finest = admin_index.finest(iso3)
    units = row.copy()
    capital = _country.get(iso3).capital
    if capital is None:
        return units
    pcodes = [r["pcode"] for r in admin_index.records(finest, iso3)]
    in_capital = np.array([p.startswith(capital.pcode) for p in pcodes] + [False])
    switch = np.flatnonzero(inside_capital & ~in_capital[row])
    if len(switch):
        layer = capital_units(iso3)
        candidates = admin_index.records(layer, iso3)
        keep = np.array([layer != finest or r["pcode"].startswith(capital.pcode) for r in candidates])
        shapes = admin_index.geometries(layer, iso3)
        as_finest = [pcodes.index(r["pcode"]) for r in candidates]
        for i in switch:
            touching = np.flatnonzero(keep & shapely.intersects_xy(shapes, lon[i], lat[i]))
            if touching.size:
                units[i] = as_finest[int(touching[0])]
    return units


def _nearest(iso3, lon, lat, wanted, level, xy=None, measure=True) -> dict:
    """For the points ``wanted``: the nearest unit of ``level`` (lowest row on ties) and its km.

    ``measure=False`` leaves the points outside every unit as :data:`_UNMEASURED` for the caller.
    """
    unit = np.full(len(lon), -1)
    km = np.full(len(lon), np.nan)
    idx = np.flatnonzero(wanted)
    if len(idx):
        xy = {frame: (x[idx], y[idx]) for frame, (x, y) in xy.items()} if xy is not None else None
        unit[idx], km[idx] = _nearest_unit(iso3, lon[idx], lat[idx], level, xy, measure)
    return {"unit": unit, "km": km, "records": admin_index.records(level, iso3) if level else []}


_UNMEASURED = -2  # _nearest_unit(measure=False): outside every unit, distance left to the caller


def _nearest_unit(iso3, lon, lat, level, xy=None, measure=True):
    """Nearest polygon of ``level``: 0 km for the lowest one containing the point, else the boundary's."""
    polygons = admin_index.geometries(level, iso3)
    shapely.prepare(polygons)
    containing = np.full(len(lon), len(polygons))
    for index in range(len(polygons) - 1, -1, -1):
        containing[shapely.intersects_xy(polygons[index], lon, lat)] = index
    inside = containing < len(polygons)
    unit, km = containing.copy(), np.zeros(len(lon))
    out = ~inside
    if out.any() and not measure:
        unit[out], km[out] = _UNMEASURED, np.nan
    elif out.any():
        xy = {frame: (x[out], y[out]) for frame, (x, y) in xy.items()} if xy is not None else None
        km[out], unit[out] = _outlines(iso3, level).nearest(lon[out], lat[out], xy=xy)[:2]
    return unit, km


def _boundary(iso3, row, lon, lat, units, xy):
    """Distance to the nearest admin boundary and the boundary warning (None) per point."""
    finest = admin_index.finest(iso3)
    n = len(lon)
    km = np.zeros(n)
    outside = row < 0
    if outside.any():
        country = _geometry(iso3, "country", None)
        shapely.prepare(country)
        out = np.flatnonzero(outside)
        beyond = out[~shapely.intersects_xy(country, lon[out], lat[out])]
        if len(beyond):
            km[beyond] = _outlines(iso3, "country").nearest(lon[beyond], lat[beyond])[0]
    inside = np.flatnonzero(~outside)
    if len(inside):
        xy = {frame: (x[inside], y[inside]) for frame, (x, y) in xy.items()}
        km[inside] = _outlines(iso3, finest).nearest(lon[inside], lat[inside], owner=row[inside], xy=xy)[0]
    warnings = [None] * n
    for i in np.flatnonzero(outside & (km < BOUNDARY_TOLERANCE_KM)):
        warnings[i] = outside_warning(iso3, km[i])
    close = np.flatnonzero(~outside & (km < BOUNDARY_TOLERANCE_KM))
    records = admin_index.records(finest, iso3)
    for i, others in zip(close, _close_units(iso3, lon[close], lat[close], units[close]), strict=True):
        warnings[i] = boundary_warning(iso3, km[i], _unit_fields(iso3, records[units[i]]), others)
    return km, warnings


def _close_units(iso3, lon, lat, own) -> list[list[dict]]:
    """Per point, the other finest units closer than the tolerance (scalar path's pre-selection, then km)."""
    finest = admin_index.finest(iso3)
    records = admin_index.records(finest, iso3)
    result = [[] for _ in lon]
    if not len(lon):
        return result
    point_idx, unit_idx = admin_index._tree(iso3).query(
        shapely.points(lon, lat), predicate="dwithin", distance=BOUNDARY_TOLERANCE_KM * degrees_per_km(iso3)
    )
    pcode = np.array([c["pcode"] for c in records])
    other = pcode[unit_idx] != pcode[own[point_idx]]
    point_idx, unit_idx = point_idx[other], unit_idx[other]
    polygons = admin_index.geometries(finest, iso3)
    shapely.prepare(polygons)
    km = np.zeros(len(point_idx))
    outside = ~shapely.intersects_xy(polygons[unit_idx], lon[point_idx], lat[point_idx])
    if outside.any():
        km[outside] = _outlines(iso3, finest).nearest(
            lon[point_idx[outside]], lat[point_idx[outside]], owner=unit_idx[outside]
        )[0]
    order = np.lexsort((unit_idx, point_idx))
    for k in order[km[order] < BOUNDARY_TOLERANCE_KM]:
        result[point_idx[k]].append(records[unit_idx[k]])
    return result


# --- distances to outlines ------------------------------------------------------------------------


class _Outlines:
    """Boundary segments of some units, indexed in one AEQD-c frame, for exact AEQD-p distances.

    Segments are kept in two STRtrees: those up to :data:`_SHORT_M` long in AEQD-c, whose
    straightness slack (:func:`_slack`) is a few metres, and the few longer ones (straight
    desert borders, hundreds of km), whose slack reaches kilometres. Each point's band is
    computed per tree with that tree's slack, so a long segment somewhere no longer widens
    the search for every point. Vertices are stored once per distinct coordinate, so a
    vertex that several segments or units share is projected once per point.

    ``primary`` (default: every unit) names the units whose nearest segment gives each point
    its upper bound; the candidates then cover any other unit whose distance cannot exceed
    the primary units' (see :func:`_capital_outline`).
    """

    def __init__(self, geometries, frame: _Frame, primary=None):
        boundaries = shapely.boundary(geometries)
        parts, part_owner = shapely.get_parts(boundaries, return_index=True)
        coords, ring = shapely.get_coordinates(parts, return_index=True)
        start = np.flatnonzero(ring[1:] == ring[:-1])  # segment k runs from coords[start[k]] to the next
        self.owner = part_owner[ring[start]]
        self.vertices, vertex_id = np.unique(coords, axis=0, return_inverse=True)
        vertex_id = vertex_id.ravel()
        self.ends = (vertex_id[start], vertex_id[start + 1])
        self.frame = frame
        a, b = (np.column_stack(frame.transformer.transform(*coords[ids].T)) for ids in (start, start + 1))
        self.lines = shapely.linestrings(np.stack([a, b], axis=1))
        self.tree = shapely.STRtree(self.lines)
        self.primary = None if primary is None else np.flatnonzero(np.isin(self.owner, primary))
        self.primary_tree = self.tree if primary is None else shapely.STRtree(self.lines[self.primary])
        length = np.hypot(*(b - a).T)
        self.tiers = []
        self.unit_lines = []  # per tier: each unit's segments of that tier as one geometry (empty if none)
        for ids in (np.flatnonzero(length <= _SHORT_M), np.flatnonzero(length > _SHORT_M)):
            if len(ids):
                self.tiers.append((ids, shapely.STRtree(self.lines[ids]), _slack(float(length[ids].max()))))
                units, rank = np.unique(self.owner[ids], return_inverse=True)
                lines = np.full(len(geometries), shapely.MultiLineString(), dtype=object)
                lines[units] = shapely.multilinestrings(self.lines[ids], indices=rank.ravel())
                self.unit_lines.append(lines)
        self.radius = float(np.hypot(*np.concatenate([a, b]).T).max(initial=0.0))

    def nearest(self, lon, lat, owner=None, nearest_point=False, xy=None):
        """Per point: km (as the scalar path), owner of the nearest segment, and (lon, lat) of the nearest point.

        ``owner`` restricts each point to the segments of one unit. ``xy`` may hold the
        points' coordinates in this outline's frame (``{frame: (x, y)}``), computed once
        for several outlines. First one segment near each point (the nearest in AEQD-c)
        gives, measured exactly, an upper bound ``u`` of the scalar path's distance; then
        every segment that can lie within ``u`` in AEQD-p is a candidate, and the exact
        step picks the minimum.
        """
        if not len(lon):
            empty = np.zeros(0)
            return (empty, empty.astype("int64"), empty, empty) if nearest_point else (empty, empty.astype("int64"))
        point_idx, seg_idx, metres, fx, fy = self.pairs(lon, lat, owner, xy)
        first = _first(point_idx, seg_idx, self.owner[seg_idx], metres, len(lon))
        km = metres[first] / 1000.0
        unit = self.owner[seg_idx[first]]
        if not nearest_point:
            return km, unit
        near_lon, near_lat = _inverse(lon, lat, fx[first], fy[first])
        return km, unit, near_lon, near_lat

    def pairs(self, lon, lat, owner=None, xy=None, keep=None, cache=None):
        """Candidate (point, segment) pairs with their exact AEQD-p metres and nearest points (x, y).

        ``keep(point_idx, seg_idx)``, if given, is a mask of the candidate pairs worth measuring;
        ``cache`` (an empty list) is left holding the projected vertices, for :meth:`measure`.
        """
        x, y = xy[self.frame] if xy is not None and self.frame in xy else self.frame.transformer.transform(lon, lat)
        points = shapely.points(x, y)
        cache = [] if cache is None else cache
        upper = self._own_upper(points, owner) if owner is not None else self._upper(lon, lat, points, cache)
        found = [self._candidates(points, np.hypot(x, y), upper, tier) for tier in self.tiers]
        point_idx = np.concatenate([p for p, _ in found])
        seg_idx = np.concatenate([s for _, s in found])
        if owner is not None:
            mine = self.owner[seg_idx] == owner[point_idx]
            point_idx, seg_idx = point_idx[mine], seg_idx[mine]
        if keep is not None:
            wanted = keep(point_idx, seg_idx)
            point_idx, seg_idx = point_idx[wanted], seg_idx[wanted]
        metres, fx, fy = self.measure(lon, lat, point_idx, seg_idx, cache)
        return point_idx, seg_idx, metres, fx, fy

    def _upper(self, lon, lat, points, cache):
        """The exact AEQD-p distance to the nearest (primary) segment in AEQD-c: an upper bound per point."""
        (point_idx, seg_idx), _ = self.primary_tree.query_nearest(points, return_distance=True, all_matches=False)
        if self.primary is not None:
            seg_idx = self.primary[seg_idx]
        one = np.full(len(lon), -1)
        one[point_idx[::-1]] = seg_idx[::-1]
        return self.measure(lon, lat, np.arange(len(lon)), one, cache)[0]

    def _own_upper(self, points, owner):
        """An upper bound of each point's AEQD-p distance to its unit ``owner``, from AEQD-c alone.

        The point Q of a segment nearest in AEQD-c, at AEQD-c distance ``d``, is at most
        ``d`` from the point along the ellipsoid (AEQD-c lengths are never shorter than the
        true ones), so at most ``d`` from the AEQD-p origin; the segment straight in AEQD-p
        passes within its tier's slack of Q. Hence ``d + slack``, the smaller over the tiers.
        """
        upper = np.full(len(owner), np.inf)
        for (_, _, slack), lines in zip(self.tiers, self.unit_lines, strict=True):
            upper = np.fmin(upper, shapely.distance(points, lines[owner]) + slack)
        if not np.isfinite(upper).all():
            raise RuntimeError("location_batch: a point found no segment of its unit")  # a unit without outline
        return upper

    def _candidates(self, points, centre_m, upper, tier):
        """(point, segment) pairs of one tier whose AEQD-c distance allows an AEQD-p distance <= ``upper``."""
        ids, tree, slack = tier
        reach = upper + 2 * slack
        t = (centre_m + 1.01 * reach) / _EARTH_RADIUS_M
        stretch = np.where(t > 1e-8, t / np.sin(np.minimum(t, math.pi / 2)), 1.0) - 1.0
        spread = np.minimum(2 * self.radius, 3 * reach)
        band = (reach + 2 * stretch * spread) * (1 + 1e-9) + 1e-6
        point_idx, local = tree.query(points, predicate="dwithin", distance=band)
        return point_idx, ids[local]

    def bounds(self, lon, lat):
        """Lower and upper bounds (km, generous) of :meth:`nearest`'s distance, from AEQD-c alone."""
        x, y = self.frame.transformer.transform(lon, lat)
        (point_idx, _), d = self.tree.query_nearest(shapely.points(x, y), return_distance=True, all_matches=False)
        d = d[np.argsort(point_idx, kind="stable")]
        slack = max(tier[2] for tier in self.tiers)
        t = (np.hypot(x, y) + 1.01 * (d + 2 * slack)) / _EARTH_RADIUS_M
        factor = np.where(t > 1e-8, t / np.sin(np.minimum(t, math.pi / 2)), 1.0)
        lower = np.maximum(0.0, 0.99 * d / factor - 2 * slack - 1000.0) / 1000.0
        upper = (1.01 * d + 2 * slack + 1000.0) / 1000.0
        return lower, upper

    def measure(self, lon, lat, point_idx, seg_idx, cache):
        """:func:`_segment_distance` for (point, segment) pairs, each (point, vertex) projected once.

        ``cache`` (a list, empty at first) keeps the projected (point, vertex) pairs for the next call.
        """
        pair = np.concatenate([point_idx, point_idx]) * len(self.vertices) + np.concatenate(
            [self.ends[0][seg_idx], self.ends[1][seg_idx]])
        unique, inverse = np.unique(pair, return_inverse=True)
        x, y = np.empty(len(unique)), np.empty(len(unique))
        known = np.zeros(len(unique), dtype=bool)
        if cache:
            at = np.minimum(np.searchsorted(cache[0], unique), len(cache[0]) - 1)
            known = cache[0][at] == unique
            x[known], y[known] = cache[1][at[known]], cache[2][at[known]]
        point, vertex = np.divmod(unique[~known], len(self.vertices))
        x[~known], y[~known] = _aeqd(lon[point], lat[point], self.vertices[vertex])
        cache[:] = [unique, x, y]
        x, y = x[inverse], y[inverse]
        n = len(seg_idx)
        return _segment_distance(x[:n], y[:n], x[n:], y[n:])


def _first(point_idx, seg_idx, owner, metres, n) -> np.ndarray:
    """Index of each point's nearest pair: smallest distance, then lowest unit, then first segment (GEOS' order)."""
    order = np.lexsort((seg_idx, owner, metres, point_idx))
    first = order[np.r_[True, point_idx[order][1:] != point_idx[order][:-1]]] if len(order) else order
    if len(first) != n:
        raise RuntimeError("location_batch: a point found no candidate segment")  # a broken bound
    return first


def _slack(longest_m: float) -> float:
    """Metres between a segment straight in AEQD-p and the same segment straight in AEQD-c.

    The two lines join the same end points; they part by at most about
    ``L**2 / 8`` times the difference in curvature of the two maps (of order
    ``1 / R``), i.e. ``L**2 / (8 R)``; doubled, plus a metre for rounding.
    """
    return 1.0 + longest_m**2 / (4 * _EARTH_RADIUS_M)


def _segment_distance(ax, ay, bx, by):
    """Distance from the origin to segments A-B, and the nearest point (x, y), in AEQD-p.

    GEOS' ``Distance::pointToSegment`` and ``LineSegment::closestPoint``, with the
    point at the origin.
    """
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    degenerate = len2 == 0
    safe = np.where(degenerate, 1.0, len2)
    r = ((0.0 - ax) * dx + (0.0 - ay) * dy) / safe
    s = ((ay - 0.0) * dx - (ax - 0.0) * dy) / safe
    dist_a = np.sqrt(ax * ax + ay * ay)
    dist_b = np.sqrt(bx * bx + by * by)
    dist = np.where(r <= 0, dist_a, np.where(r >= 1, dist_b, np.abs(s) * np.sqrt(safe)))
    dist = np.where(degenerate, dist_a, dist)
    interior = (r > 0) & (r < 1) & ~degenerate
    near_a = dist_a < dist_b
    fx = np.where(interior, ax + r * dx, np.where(near_a | degenerate, ax, bx))
    fy = np.where(interior, ay + r * dy, np.where(near_a | degenerate, ay, by))
    return dist, fx, fy


def _aeqd(lon, lat, vertex):
    """Vertices in the AEQD-p of each point: x = s sin(azimuth), y = s cos(azimuth)."""
    azimuth, _, s = GEOD.inv(lon, lat, vertex[:, 0], vertex[:, 1])
    azimuth = np.radians(azimuth)
    same = (vertex[:, 0] == lon) & (vertex[:, 1] == lat)
    return np.where(same, 0.0, s * np.sin(azimuth)), np.where(same, 0.0, s * np.cos(azimuth))


def _inverse(lon, lat, x, y):
    """(lon, lat) of AEQD-p coordinates (PROJ's inverse: geodesic from the centre)."""
    distance = np.hypot(x, y)
    azimuth = np.degrees(np.arctan2(x, y))
    near_lon, near_lat, _ = GEOD.fwd(lon, lat, azimuth, distance)
    at_centre = distance < 1e-10
    return np.where(at_centre, lon, near_lon), np.where(at_centre, lat, near_lat)


@functools.cache
def _capital_frame(iso3: str) -> _Frame:
    pack = _country.get(iso3)
    centre = (_capital_geometry(iso3) if pack.capital is not None else _geometry(iso3, "country", None)).centroid
    return _Frame(centre.x, centre.y)


@functools.cache
def _country_frame(iso3: str) -> _Frame:
    centre = _geometry(iso3, "country", None).centroid
    return _Frame(centre.x, centre.y)


@functools.cache
def _capital_outline(iso3: str) -> _Outlines:
    """The capital's outline (unit 0) and, when each of its segments is one sub-unit's, its sub-units (1, 2 ...).

    A point's nearest sub-unit is then never farther than the capital's outline (the
    sub-units' copy of its nearest segment), so the candidates of the capital's distance
    hold the sub-units' nearest segments too (:meth:`_Outlines.pairs` with ``primary``).
    """
    capital = _capital_geometry(iso3)
    level = _country.get(iso3).capital.subunit_slot
    if level:
        subunits = admin_index.geometries(level, iso3)
        outline = _Outlines(np.concatenate([[capital], subunits]), _capital_frame(iso3), primary=[0])
        if _pair_twins(outline):
            return outline
    return _Outlines(np.array([capital]), _capital_frame(iso3))


def _pair_twins(outline: _Outlines) -> bool:
    """Set ``outline.twin`` (each capital segment's sub-unit copy) and ``outline.interior`` (the rest).

    False when a capital segment is not exactly one sub-unit segment (same two vertices).
    """
    a, b = outline.ends
    key = np.minimum(a, b) * len(outline.vertices) + np.maximum(a, b)
    ours = np.flatnonzero(outline.owner == 0)
    theirs = np.flatnonzero(outline.owner != 0)
    order = np.argsort(key[theirs], kind="stable")
    low, high = (np.searchsorted(key[theirs][order], key[ours], side) for side in ("left", "right"))
    if not np.all(high - low == 1):
        return False
    outline.twin = np.full(len(key), -1)
    outline.twin[ours] = theirs[order[low]]
    outline.interior = outline.owner != 0
    outline.interior[outline.twin[ours]] = False
    return True


@functools.cache
def _outlines(iso3: str, level: str) -> _Outlines:
    pack = _country.get(iso3)
    subunits = pack.capital.subunit_slot if pack.capital is not None else None
    frame = _capital_frame(iso3) if level == subunits else _country_frame(iso3)
    return _Outlines(admin_index.geometries(level, iso3), frame)
