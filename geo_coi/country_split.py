"""A multi-country events file, split by country from each event's coordinates.

ACLED exports whole regions: one file may hold the events of several bundled
countries (e.g. Niger's, Mali's and Burkina Faso's). :func:`split` gives each row to the bundled pack whose official
outline contains it (:func:`geo_coi.country.find`), never to the country its
``country`` column names. :func:`join` then joins each pack's events to its
admin units and folds everything into one :class:`geo_coi.join.JoinResult`,
so every row is accounted for::

    read = accepted (per country) + in other countries + rejected + merged

Border tolerance
----------------
Neighbouring COD-AB outlines do not meet exactly (generalised lines, rivers,
edge-matched variants), so an event the file places in country A may lie a
few km inside B's outline, or in the gap between both. Within
``tolerance_km`` (default 10, the join's snap tolerance) of A's outline such
an event stays in A, the country its ``country`` column names; an event
outside every outline goes to the nearest pack within ``tolerance_km``.
Farther out it is "outside every country pack": a reject with its line
number. Distances are those of the join's snapping: nearest point found in
:data:`geo_coi.crs.EQUAL_AREA`, measured on :data:`geo_coi.crs.GEOD`.

The file's ``country`` column
-----------------------------
Compared with the country found (level ``"country"`` of the agreement
report, with the row's line number): a row whose ``country`` names one pack but
that lies in another is a "disagreement"; names are matched to the packs'
names in every language or their ISO3 code; a name of no bundled pack
(e.g. ``Nigeria``) for an event placed in a pack is a disagreement too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_coi import country
from geo_coi.crs import EQUAL_AREA, GEOD, GEOGRAPHIC
from geo_coi.events import ROW_NUMBER, make_rejects
from geo_coi.gazetteer import normalize
from geo_coi.join import (
    AGREEMENT_COLUMNS,
    DEFAULT_TOLERANCE_KM,
    JoinResult,
    agreement_rates,
    check_tolerance,
    covers,
    join_admin,
)

OUTSIDE_REASON = "outside every country pack"
ELSEWHERE_REASON = "in another country pack"
COUNTRY_COLUMN = "country"  # ACLED's and UCDP's column, kept by the readers under its own name


@dataclass
class Split:
    """What :func:`split` returns.

    Attributes
    ----------
    frames : dict of str -> geopandas.GeoDataFrame
        ISO3 -> that pack's events, in file order (index reset), for every pack with events.
    assigned : numpy.ndarray of str
        Per input row, the ISO3 code it was given (``""``: outside every pack).
    stated : numpy.ndarray of str
        Per input row, the ISO3 code of the pack its ``country`` column names (``""``: blank or no pack).
    near_border : numpy.ndarray of bool
        Rows kept in the country their ``country`` column names although its
        coordinates lie just outside that country's outline.
    outside : pandas.DataFrame
        Rejects table (:data:`geo_coi.events.REJECT_COLUMNS` then the raw
        columns) of the rows outside every pack beyond the tolerance.
    agreement : pandas.DataFrame
        Level ``"country"`` rows of the agreement report
        (:data:`geo_coi.join.AGREEMENT_COLUMNS`) where the file's country differs.
    agreement_summary : dict
        As one level of ``JoinResult.agreement_summary``.
    tolerance_km : float
    events : geopandas.GeoDataFrame
        The input events, index reset (``assigned`` etc. follow its rows).
    """

    frames: dict
    assigned: np.ndarray
    stated: np.ndarray
    near_border: np.ndarray
    outside: pd.DataFrame
    agreement: pd.DataFrame
    agreement_summary: dict
    tolerance_km: float
    events: pd.DataFrame

    @property
    def counts(self) -> dict:
        """``{"by_country": {iso3: rows}, "outside": rows, "near_border": rows}``."""
        codes, counts = np.unique(self.assigned[self.assigned != ""], return_counts=True)
        return {"by_country": dict(zip(codes.tolist(), counts.tolist(), strict=False)),
                "outside": len(self.outside), "near_border": int(self.near_border.sum())}

    def take(self, iso3: str):
        """The events of pack ``iso3`` (an empty frame when it has none)."""
        code = country.get(iso3).iso3
        if code in self.frames:
            return self.frames[code]
        empty = self.events.iloc[0:0].reset_index(drop=True)
        empty.attrs = dict(self.events.attrs)
        return empty

    def rejects_for(self, *iso3: str) -> pd.DataFrame:
        """The rejects a report on the countries ``iso3`` lists: rows outside every pack, and rows
        whose ``country`` names one of them but that lie in another pack (beyond the tolerance).
        """
        elsewhere = np.flatnonzero(self._elsewhere(iso3))
        if not len(elsewhere):
            return self.outside
        frame = self.events.iloc[elsewhere]
        shown = [f"{country.get(a).name()} (file: {s})"
                 for a, s in zip(self.assigned[elsewhere], frame[COUNTRY_COLUMN].astype(str), strict=False)]
        moved = _rejects(frame, ELSEWHERE_REASON, COUNTRY_COLUMN, shown)
        return _line_order([self.outside, moved])

    def _elsewhere(self, iso3) -> np.ndarray:
        """Rows placed in a pack not in ``iso3`` whose ``country`` names one in ``iso3``."""
        codes = [country.get(code).iso3 for code in iso3]
        return np.isin(self.stated, codes) & (self.assigned != "") & ~np.isin(self.assigned, codes)


def split(events, packs: tuple[str, ...] | None = None, tolerance_km: float = DEFAULT_TOLERANCE_KM) -> Split:
    """Give each event to the bundled pack its coordinates lie in.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events (:func:`geo_coi.sources.read_events`), with their
        ``row_number`` and, when the file has one, its ``country`` column.
    packs : tuple of str, optional
        ISO3 codes of the packs to consider; default every bundled pack.
    tolerance_km : float, default 10
        See *Border tolerance* in the module docstring.

    Returns
    -------
    Split
        Every row is in exactly one of ``frames`` or in ``outside``.

    Raises
    ------
    InputError
        ``tolerance_km`` is negative or not a number.
    ConfigError
        A code in ``packs`` is not a bundled pack.
    """
    tolerance_km = check_tolerance(tolerance_km, "country_split.split (--tolerance-km)")
    packs = tuple(country.get(code).iso3 for code in (packs or country.bundled()))
    frame = events.reset_index(drop=True)
    lon = pd.to_numeric(frame["longitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    lat = pd.to_numeric(frame["latitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    located = np.isfinite(lon) & np.isfinite(lat)
    found = country.find(lon, lat, packs)
    stated, stated_text = _stated(frame, packs)
    assigned = found.copy()
    # kept in the country the file names, when just outside its outline
    near = located & (stated != "") & (stated != found)
    for code in np.unique(stated[near]):
        rows = np.flatnonzero(near & (stated == code))
        keep = distance_km(code, lon[rows], lat[rows]) <= tolerance_km
        assigned[rows[keep]] = code
        near[rows[~keep]] = False
    # outside every outline: the nearest pack within the tolerance
    lost = np.flatnonzero(located & (assigned == ""))
    if len(lost):
        distances = np.stack([distance_km(code, lon[lost], lat[lost]) for code in packs])
        nearest = np.argmin(distances, axis=0)  # ties: the first pack, as country.find
        close = distances[nearest, np.arange(len(lost))] <= tolerance_km
        assigned[lost[close]] = np.asarray(packs)[nearest[close]]
    frames = {}
    for code in packs:
        rows = assigned == code
        if not rows.any():
            continue
        part = frame if rows.all() else frame[rows].reset_index(drop=True)  # a one-country file: no copy
        part.attrs = dict(events.attrs)
        frames[code] = part
    out = assigned == ""
    shown = [f"latitude {a}, longitude {o}" for a, o in zip(frame["latitude"][out], frame["longitude"][out],
                                                            strict=False)]
    outside = _rejects(frame[out], np.where(located[out], OUTSIDE_REASON, "missing coordinates"),
                       "latitude/longitude", shown)
    agreement, summary = _country_agreement(frame, assigned, stated, stated_text)
    return Split(frames, assigned, stated, near, outside, agreement, summary, tolerance_km, frame)


def join_active(events, tolerance_km: float = DEFAULT_TOLERANCE_KM) -> JoinResult:
    """The active country pack's events of ``events``, joined: :func:`join` for that one country.

    The one join every events file of a report goes through: :func:`geo_coi.pipeline.join`
    (the annex, ``geo-coi stats``, the editions ``geo-coi changes`` compares) and the UCDP
    events beside ACLED's (:func:`geo_coi.indicators.ucdp_events`).
    """
    return join(events, (country.active().iso3,), tolerance_km=tolerance_km)


def join(events, countries: tuple[str, ...] | None = None, tolerance_km: float = DEFAULT_TOLERANCE_KM,
         packs: tuple[str, ...] | None = None) -> JoinResult:
    """Split ``events`` by country and join each country's events to its admin units: one result.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events.
    countries : tuple of str, optional
        The countries whose events are kept (``annex --country X``: ``("X",)``);
        default every pack. Rows of the others are counted in
        ``summary["other_countries"]``, except those whose own ``country``
        column names a kept country: those are rejected ("in another country pack").
    tolerance_km : float, default 10
        Border tolerance of the split and of each join.
    packs : tuple of str, optional
        The packs the split considers (default every bundled pack).

    Returns
    -------
    JoinResult
        ``events``: the kept countries' joined events (file order); ``rejects``:
        the split's and the joins' in line order; ``summary`` adds ``by_country``
        (accepted per ISO3), ``outside_packs``, ``other_countries``,
        ``near_border`` and ``not_joined`` (packs without an admin index yet: their
        events are counted, not joined); ``agreement`` and ``agreement_summary``
        add the level ``"country"``.
    """
    parts = split(events, packs, tolerance_km)
    kept = tuple(country.get(code).iso3 for code in countries) if countries else tuple(parts.frames)
    parts_rejects = [parts.rejects_for(*kept) if countries else parts.outside]
    results: dict[str, JoinResult] = {}
    by_country: dict[str, int] = {}
    not_joined: list[str] = []
    for code in kept:
        frame = parts.take(code)
        with country.use(code):  # covers() answers for the active pack (see its docstring)
            joined_here = covers(code)
            if joined_here:
                results[code] = join_admin(frame, tolerance_km=tolerance_km)
        if joined_here:
            by_country[code] = results[code].summary["inside"] + results[code].summary["snapped"]
        else:
            not_joined.append(code)
            by_country[code] = len(frame)
    rejects = _line_order(parts_rejects + [result.rejects for result in results.values()])
    summary = _summary(results, parts, by_country, not_joined, rejects, tolerance_km)
    in_others = int((parts.assigned != "").sum()) - int(np.isin(parts.assigned, list(kept)).sum())
    summary["other_countries"] = in_others - int(parts._elsewhere(kept).sum())  # those are rejected
    joined = _events(results, parts, kept)
    agreement = pd.concat([_concerning(parts.agreement, kept)]
                          + [result.agreement for result in results.values()], ignore_index=True)
    agreement_summary = {"country": parts.agreement_summary, **_level_sums(results)}
    return JoinResult(joined, rejects, summary, agreement, agreement_summary)


def distance_km(iso3: str, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic distance (km) from each point to the outline of pack ``iso3`` (0 on it).

    The nearest of the outline's segments is found in :data:`geo_coi.crs.EQUAL_AREA`
    (an STRtree), the distance to its nearest point measured on :data:`geo_coi.crs.GEOD`,
    as the join's border snapping does. Points inside the outline get their distance to
    its boundary too: call it for points outside.
    """
    import shapely


    segments, tree, to_area, to_geo = _outline_segments(country.get(iso3).iso3)
    if not len(lon):
        return np.zeros(0)
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    points = shapely.points(*to_area.transform(lon, lat))
    nearest = tree.query_nearest(points, all_matches=False)[1]
    lines = shapely.shortest_line(points, segments[nearest])
    end = shapely.get_coordinates(shapely.get_point(lines, 1))
    end_lon, end_lat = to_geo.transform(end[:, 0], end[:, 1])
    _, _, metres = GEOD.inv(lon, lat, end_lon, end_lat)
    return np.asarray(metres, dtype=float) / 1000.0


@functools.cache
def _outline_segments(iso3: str):
    """The pack's outline as two-point segments in EQUAL_AREA, their STRtree and the transformers."""
    import shapely
    from pyproj import Transformer


    to_area = Transformer.from_crs(GEOGRAPHIC, EQUAL_AREA, always_xy=True)
    to_geo = Transformer.from_crs(EQUAL_AREA, GEOGRAPHIC, always_xy=True)
    outline = shapely.boundary(shapely.transform(country._outline(iso3), to_area.transform, interleaved=False))
    coords, ring = shapely.get_coordinates(shapely.get_parts(outline), return_index=True)
    same = ring[1:] == ring[:-1]
    segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
    return segments, shapely.STRtree(segments), to_area, to_geo


def _stated(frame, packs) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the ISO3 of the pack its ``country`` column names ("" when blank, absent or no
    pack) and that column's text, stripped.
    """
    if COUNTRY_COLUMN not in frame:
        return np.full(len(frame), "", dtype="<U3"), np.full(len(frame), "", dtype=object)
    names = _pack_names(packs)
    codes, uniques = pd.factorize(frame[COUNTRY_COLUMN].fillna(""), use_na_sentinel=False)
    text = np.array([str(value).strip() for value in uniques], dtype=object)
    answers = np.array([names.get(_key(value), "") for value in text], dtype="<U3")
    return answers[codes], text[codes]


@functools.cache
def _pack_names(packs: tuple[str, ...]) -> dict:
    """Normalised country name or ISO3 code -> ISO3, for every language of every pack."""
    names: dict[str, str] = {}
    for code in packs:
        pack = country.get(code)
        for value in (pack.iso3, *pack.names.values()):
            names.setdefault(_key(value), pack.iso3)
    return names


def _key(name: str) -> str:
    return normalize(name).replace(" ", "")


def _country_agreement(frame, assigned: np.ndarray, stated: np.ndarray, text: np.ndarray) -> tuple[pd.DataFrame, dict]:
    placed = assigned != ""
    missing = placed & (text == "")
    differs = placed & ~missing & (stated != assigned)
    rows = np.flatnonzero(differs)
    names = {code: country.get(code).name() for code in np.unique(assigned[placed])}
    table = pd.DataFrame({
        "event_id": frame["event_id"].to_numpy()[rows],
        "row_number": frame[ROW_NUMBER].to_numpy()[rows] if ROW_NUMBER in frame else 0,
        "level": "country",
        "source_name": text[rows],
        "source_pcode": stated[rows].astype(object),
        "joined_pcode": assigned[rows].astype(object),
        "joined_name": [names[code] for code in assigned[rows]],
        "kind": "disagreement",
        "vintage": "",
    }, columns=list(AGREEMENT_COLUMNS))
    summary = agreement_rates({"agree": int((placed & ~missing & ~differs).sum()), "boundary_vintage": 0,
                               "disagree": int(differs.sum()), "unresolved": 0, "missing": int(missing.sum())})
    return table, summary


def _concerning(agreement: pd.DataFrame, kept) -> pd.DataFrame:
    """The country-level rows that concern the kept countries (placed in one, or said to be in one)."""
    concerned = agreement["joined_pcode"].isin(kept) | agreement["source_pcode"].isin(kept)
    return agreement[concerned]


def _summary(results: dict, parts: Split, by_country: dict, not_joined: list, rejects, tolerance_km) -> dict:
    joins = [result.summary for result in results.values()]
    snapped = [s["max_snap_km"] for s in joins if s["snapped"]]
    return {
        "inside": sum(s["inside"] for s in joins),
        "snapped": sum(s["snapped"] for s in joins),
        "rejected": len(rejects),
        "tolerance_km": float(tolerance_km),
        "max_snap_km": max(snapped) if snapped else 0.0,
        "by_country": by_country,
        "not_joined": not_joined,
        "outside_packs": len(parts.outside),
        "near_border": int(parts.near_border.sum()),
    }


def _level_sums(results: dict) -> dict:
    """The joins' agreement summaries, summed per level over countries."""
    if len(results) == 1:
        return next(iter(results.values())).agreement_summary
    sums: dict[str, dict[str, int]] = {}
    for result in results.values():
        for level, counts in result.agreement_summary.items():
            mine = sums.setdefault(level, dict.fromkeys(("agree", "boundary_vintage", "disagree", "unresolved",
                                                         "missing"), 0))
            for key in mine:
                mine[key] += counts[key]
    return {level: agreement_rates(counts) for level, counts in sums.items()}


def _events(results: dict, parts: Split, kept):
    """The kept countries' events, joined where a pack can be joined, in file order."""
    frames = [results[code].events if code in results else parts.take(code) for code in kept]
    frames = [frame for frame in frames if len(frame)] or [parts.take(kept[0]) if kept else parts.events.iloc[0:0]]
    if len(frames) == 1:
        return frames[0]
    joined = pd.concat(frames, ignore_index=True)
    order = np.argsort(joined[ROW_NUMBER].to_numpy(), kind="stable") if ROW_NUMBER in joined else slice(None)
    joined = joined.iloc[order].reset_index(drop=True)
    joined.attrs = dict(frames[0].attrs)
    return joined


def _rejects(frame, reason, field, shown) -> pd.DataFrame:
    """A rejects table of ``frame``'s rows (every one for ``reason``)."""
    rows = frame[ROW_NUMBER] if ROW_NUMBER in frame else pd.Series(0, index=frame.index)
    geometry = getattr(frame, "geometry", None)
    drop = [ROW_NUMBER] + ([geometry.name] if geometry is not None else [])
    raw = pd.DataFrame(frame.drop(columns=drop, errors="ignore"))
    n = len(frame)
    return make_rejects(raw, rows.to_numpy(), frame["event_id"], np.broadcast_to(np.asarray(reason, object), (n,)),
                        [field] * n, shown)


def _line_order(frames: list) -> pd.DataFrame:
    frames = [frame for frame in frames if frame is not None]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    return frame.sort_values("row_number", kind="stable").reset_index(drop=True)
