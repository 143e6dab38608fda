"""Events -> admin units: region, department, commune and the capital's sub-unit.

Units come from the coordinates, never from the source's admin columns, with
the semantics of :func:`geo_coi.admin_index.lookup` (a point on a boundary is
inside; the lowest P-code wins).

Border tolerance
----------------
Some events lie just outside the official COD-AB outline of the country although
the source places them in it (on real ACLED data, e.g. Niger's, about 2 % of
events, all within about 10 km of the outline: generalised boundaries, river
borders, towns coded at their centre). The default ``tolerance_km=10`` keeps them: each is attached to the
nearest commune, flagged ``join_status="snapped"`` with its distance in
``snap_distance_km``. Events farther out are rejected ("outside <country> beyond
tolerance", the pack's English name). The nearest commune is found in :data:`geo_coi.crs.EQUAL_AREA`;
the distance to the nearest point of its boundary is then measured on the
WGS 84 ellipsoid (:data:`geo_coi.crs.GEOD`); see :mod:`geo_coi.snapping`.

Agreement with the source's admin columns
-----------------------------------------
``admin1_source``/``admin2_source`` are resolved to P-codes with
:func:`geo_coi.gazetteer.resolve` (a trailing "region"/"department", as UCDP
writes them, is dropped first; for a pack the gazetteer does not cover yet,
by exact name among the pack's units) and compared with the joined units
(:func:`agreement`). A mismatch is a "boundary vintage" difference when the
source's name is an earlier name of the joined unit in one of the pack's
boundary vintages (:mod:`geo_coi.vintages`, e.g. Niger's 2011 reform that split
36 departments into 63, or Burkina Faso's 2025 reform that made 17 régions and
47 provinces of 13 and 45), otherwise a "disagreement". Names that cannot be resolved are
counted as "unresolved". The table columns keep the slot names ``region`` and
``department`` for admin levels 1 and 2 in every country (a Burkina Faso
province is in ``department``).
"""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_coi import country, vintages
from geo_coi.admin_index import NO_UNIT, finest, lookup, records
from geo_coi.boundaries import load
from geo_coi.errors import InputError, ResolveError
from geo_coi.events import (
    CANONICAL_COLUMNS,
    JOINED_COLUMNS,
    ROW_NUMBER,
    count_reasons,
    lonlat,
    make_rejects,
    order_reasons,
)
from geo_coi.gazetteer import normalize, resolve
from geo_coi.snapping import nearest_commune

if TYPE_CHECKING:
    import geopandas

DEFAULT_TOLERANCE_KM = 10.0
OUTSIDE_REASON = "outside {country} beyond tolerance"  # the active pack's English name filled in
MISSING_REASON = "missing coordinates"
_SUFFIX = re.compile(r"\s+(region|région|department|département|departement)\s*$", re.IGNORECASE)


@dataclass
class JoinResult:
    """What :func:`join_admin` returns.

    Attributes
    ----------
    events : geopandas.GeoDataFrame
        Input events inside or snapped, with :data:`geo_coi.events.JOINED_COLUMNS`.
    rejects : pandas.DataFrame
        Events outside the country beyond the tolerance (columns as read rejects).
    summary : dict
        ``inside``, ``snapped``, ``rejected``, ``tolerance_km``, ``max_snap_km``.
    agreement : pandas.DataFrame
        One row per event and level where the source's unit differs from ours:
        event_id, level, source_name, source_pcode, joined_pcode, joined_name,
        kind ("boundary vintage", "disagreement" or "unresolved").
    agreement_summary : dict
        Per level (``region``, ``department``): compared, agree,
        boundary_vintage, disagree, unresolved, missing, agreement_rate
        (agree / compared) and, for departments, agreement_rate_with_vintage.
    """

    events: geopandas.GeoDataFrame
    rejects: pd.DataFrame
    summary: dict
    agreement: pd.DataFrame
    agreement_summary: dict


def check_tolerance(tolerance_km, where: str) -> float:
    """Return ``tolerance_km`` as a float, or raise InputError naming ``where`` it was given.

    A border tolerance must be a finite number of km >= 0 (not a bool, NaN or text).
    """
    if isinstance(tolerance_km, bool) or not (isinstance(tolerance_km, numbers.Real)
                                              and 0 <= float(tolerance_km) < math.inf):
        raise InputError(f"{where}: tolerance_km must be a number of km >= 0, got {tolerance_km!r}")
    return float(tolerance_km)


def join_admin(events, tolerance_km: float = DEFAULT_TOLERANCE_KM) -> JoinResult:
    """Attach admin units to events from their coordinates.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events (:func:`geo_coi.sources.read_events`).
    tolerance_km : float, default 10
        Events outside the country's outline but at most this far from it are
        attached to the nearest commune and flagged "snapped".

    Returns
    -------
    JoinResult
        Every input event is either in ``events`` or in ``rejects``: beyond the
        tolerance, or without usable coordinates (only in a table that did not
        come from :func:`geo_coi.sources.read_events`, which rejects those).

    Raises
    ------
    InputError
        ``tolerance_km`` is negative or not a number.
    """
    check_tolerance(tolerance_km, "join_admin (--tolerance-km)")
    frame = events.reset_index(drop=True)
    lon, lat = lonlat(frame)  # the position is the geometry (geo_coi/events.py)
    located = np.isfinite(lon) & np.isfinite(lat)
    index = lookup(lon, lat)
    distance = np.zeros(len(frame))
    outside = (index == NO_UNIT) & located
    if outside.any():
        index[outside], distance[outside] = _nearest_commune(lon[outside], lat[outside])
    rejected = ~located | (outside & (distance > tolerance_km))
    kept = frame[~rejected].copy()
    joined = _unit_columns(index[~rejected], outside[~rejected], distance[~rejected])
    for column in joined:
        kept[column] = joined[column].to_numpy()
    kept = _order_columns(kept).reset_index(drop=True)
    kept.attrs = dict(events.attrs)
    snapped = outside & ~rejected
    summary = {
        "inside": int((~outside & located).sum()),
        "snapped": int(snapped.sum()),
        "rejected": int(rejected.sum()),
        "tolerance_km": float(tolerance_km),
        "max_snap_km": round(float(distance[snapped].max()), 2) if snapped.any() else 0.0,
    }
    kept.attrs["join_summary"] = summary
    agreement_rows, agreement_summary = agreement(kept)
    rejects = _rejects(frame[rejected], distance[rejected], located[rejected])
    return JoinResult(kept, rejects, summary, agreement_rows, agreement_summary)


def account(read_summary: dict, join_summary: dict, join_rejects=None) -> dict:
    """One set of row counts for a read file and its join: read = accepted + rejected + merged.

    Parameters
    ----------
    read_summary : dict
        ``ReadResult.summary`` (:func:`geo_coi.sources.read_events`).
    join_summary : dict
        ``JoinResult.summary`` of joining those events.
    join_rejects : pandas.DataFrame, optional
        ``JoinResult.rejects``, to count its reasons with the reader's.

    Returns
    -------
    dict
        ``read``, ``accepted`` (kept after the join too), ``rejected`` (reader
        and join), ``duplicates_merged``, ``rejected_by_reason`` and
        ``unknown_fatalities``; after :func:`geo_coi.country_split.join` also
        ``by_country`` (accepted per ISO3), ``other_countries`` (rows of countries
        not kept) and ``outside_packs``: read = accepted + other_countries +
        rejected + duplicates_merged.
    """
    reasons = dict(read_summary.get("rejected_by_reason", {}))
    if join_rejects is not None:
        for reason, count in count_reasons(join_rejects).items():
            reasons[reason] = reasons.get(reason, 0) + count
    others = join_summary.get("other_countries", 0)  # a split file's rows of the countries not kept
    counts = {
        "read": read_summary["read"],
        "accepted": read_summary["accepted"] - join_summary["rejected"] - others,
        "rejected": read_summary["rejected"] + join_summary["rejected"],
        "duplicates_merged": read_summary["duplicates_merged"],
        "rejected_by_reason": order_reasons(reasons),
        "unknown_fatalities": read_summary.get("unknown_fatalities", 0),
    }
    if "by_country" in join_summary:  # the join of a split file (geo_coi.country_split.join)
        counts.update(by_country=dict(join_summary["by_country"]), other_countries=others,
                      outside_packs=join_summary["outside_packs"])
    return counts


def _order_columns(frame):
    first = [c for c in CANONICAL_COLUMNS if c in frame] + list(JOINED_COLUMNS)
    return frame[first + [c for c in frame.columns if c not in first]]


def _nearest_commune(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of the nearest commune and geodesic distance (km) to its boundary (:mod:`geo_coi.snapping`)."""
    return nearest_commune(lon, lat)


def _unit_columns(index: np.ndarray, snapped: np.ndarray, distance: np.ndarray) -> pd.DataFrame:
    pack = country.active()
    units = pd.DataFrame(records(finest())).iloc[index].reset_index(drop=True)
    subunit = pack.capital.subunit_slot if pack.capital is not None else None
    # the capital's sub-units (e.g. Niamey's arrondissements, Bamako's communes); none in a pack without them
    subunits = {r["pcode"]: r["name"] for r in records(subunit)} if subunit else {}
    in_capital = units["pcode"].isin(list(subunits))
    # a pack that stops at departments (Burkina Faso's provinces) has no commune columns to fill
    bottom = finest() == "department"
    return pd.DataFrame(
        {
            "region_pcode": units["region_pcode"],
            "region": units["region"],
            "department_pcode": units["pcode"] if bottom else units["department_pcode"],
            "department": units["name"] if bottom else units["department"],
            "commune_pcode": pd.Series(pd.NA, index=units.index, dtype=object) if bottom else units["pcode"],
            "commune": pd.Series(pd.NA, index=units.index, dtype=object) if bottom else units["name"],
            "arrondissement_pcode": units["pcode"].where(in_capital, pd.NA),
            "arrondissement": units["pcode"].map(subunits).where(in_capital, pd.NA),
            "join_status": np.where(snapped, "snapped", "inside"),
            "snap_distance_km": np.round(distance, 3),
        }
    )


def _rejects(frame, distance: np.ndarray, located: np.ndarray) -> pd.DataFrame:
    """Rejects rows for events beyond the tolerance or without usable coordinates."""
    shown = [
        f"latitude {lat}, longitude {lon}" + (f": {km:.1f} km from the border" if ok else "")
        for lat, lon, km, ok in zip(frame["latitude"], frame["longitude"], distance, located, strict=False)
    ]
    rows = frame[ROW_NUMBER] if ROW_NUMBER in frame else pd.Series(0, index=frame.index)
    outside = OUTSIDE_REASON.format(country=country.active().name())
    raw = pd.DataFrame(frame.drop(columns=[frame.geometry.name, ROW_NUMBER], errors="ignore"))
    return make_rejects(
        raw, rows.to_numpy(), frame["event_id"], np.where(located, outside, MISSING_REASON),
        ["latitude/longitude"] * len(frame), shown,
    )


AGREEMENT_COLUMNS = ("event_id", "row_number", "level", "source_name", "source_pcode", "joined_pcode",
                     "joined_name", "kind", "vintage")


def agreement(events, iso3: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Compare the source's admin names with the units joined from the coordinates.

    Parameters
    ----------
    events : pandas.DataFrame
        Joined events of one pack: ``admin1_source``/``admin2_source`` and the
        slot columns ``region_pcode``, ``region``, ``department_pcode``,
        ``department`` (levels 1 and 2, whatever the pack calls them).
    iso3 : str, optional
        The pack the events were joined to; default the active one.

    Returns
    -------
    (pandas.DataFrame, dict)
        :attr:`JoinResult.agreement` (columns :data:`AGREEMENT_COLUMNS`) and
        :attr:`JoinResult.agreement_summary`. ``kind`` is "boundary vintage"
        when the source's name is an earlier name of the joined unit in one of
        the pack's vintages (:mod:`geo_coi.vintages`; ``vintage`` then names the
        reform, e.g. "2025 reform"), "disagreement" when it names another unit
        (today's, or an earlier one: ``vintage`` set), "unresolved" otherwise.
    """
    pack = country.get(iso3)
    # every answer is a function of a row's names and joined units: worked out once per distinct tuple of them
    codes, distinct = _distinct_rows(events[[c for c in _AGREEMENT_KEYS if c in events]])
    weight = np.bincount(codes, minlength=len(distinct))
    rows, summary, parent = [], {}, None
    for slot, source_column in (("region", "admin1_source"), ("department", "admin2_source")):
        if not pack.has_level(slot) or source_column not in events:
            continue
        pcode, state = _resolve_column(distinct[source_column], slot, parent, pack.iso3)
        parent = pcode
        kind, vintage = _kinds(distinct[source_column], pcode, state, distinct[f"{slot}_pcode"], slot, pack.iso3)
        summary[slot] = _level_summary(kind, state, weight)
        differs = (kind != "").to_numpy()[codes]
        chosen, where = codes[differs], events.index[differs]

        def each(answers, chosen=chosen, where=where):
            return pd.Series(answers.to_numpy()[chosen], index=where, dtype=object)

        rows.append(
            pd.DataFrame(
                {
                    "event_id": events["event_id"][differs],
                    "row_number": events[ROW_NUMBER][differs] if ROW_NUMBER in events else 0,
                    "level": slot,
                    "source_name": events[source_column][differs],
                    "source_pcode": each(pcode),
                    "joined_pcode": events[f"{slot}_pcode"][differs],
                    "joined_name": events[slot][differs],
                    "kind": each(kind),
                    "vintage": each(vintage),
                },
                columns=list(AGREEMENT_COLUMNS),
            )
        )
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=list(AGREEMENT_COLUMNS))
    return table, summary


# The columns the agreement of a row depends on
_AGREEMENT_KEYS = ("admin1_source", "admin2_source", "region_pcode", "region", "department_pcode", "department")


def _distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """For each row of ``frame`` the number of its distinct tuple of values, and those tuples (in order of first
    appearance, index 0, 1, ...); missing values are values like any other.
    """
    codes = np.zeros(len(frame), dtype="int64")
    for column in frame:
        values, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        codes, _ = pd.factorize(codes * max(len(uniques), 1) + values)
    _, first = np.unique(codes, return_index=True)
    return codes.astype("int64"), frame.iloc[first].reset_index(drop=True)


def _kinds(names: pd.Series, pcode: pd.Series, state: pd.Series, ours: pd.Series, slot: str, iso3: str):
    """Per row: "", "disagreement", "unresolved" or "boundary vintage", and the reform of an earlier name."""
    kind = pd.Series("", index=names.index, dtype=object)
    kind[(state == "resolved") & (pcode != ours)] = "disagreement"
    kind[state == "unresolved"] = "unresolved"
    vintage = pd.Series("", index=names.index, dtype=object)
    olds = vintages.old_names(slot, iso3)
    if not olds:
        return kind, vintage
    key = _each_unique(names.fillna(""), lambda n: normalize(_strip_suffix(n)))
    # an earlier name of another unit is a real disagreement, in that vintage
    earlier = vintages.known(slot, iso3)
    elsewhere = _each_unique(key, lambda k: earlier.get(k, ""))
    other = (state == "unresolved") & (elsewhere != "")
    kind[other], vintage[other] = "disagreement", elsewhere[other]
    # the joined unit's own earlier name: it may not resolve, or resolve to its parent's successor
    unit = [code if isinstance(code, str) else "" for code in ours.tolist()]
    by_name = _each_pair(unit, key.tolist(), lambda code, name: _reform(olds, code, name), names.index)
    by_pcode = _each_pair(unit, pcode.tolist(), lambda code, found: _reform(olds, code, None, found), names.index)
    reform = by_name.where(by_name != "", by_pcode)
    same = (reform != "") & (pcode != ours) & (state != "missing")
    kind[same], vintage[same] = "boundary vintage", reform[same]
    return kind, vintage


def _reform(olds: dict, unit: str, key: str | None, name_pcode: str | None = None) -> str:
    """The reform of ``unit``'s first earlier name equal to ``key`` (or carried by ``name_pcode``), else ""."""
    for old in olds.get(unit, ()):
        if (key is not None and old.key == key) or (name_pcode and old.name_pcode == name_pcode):
            return old.reform
    return ""


def _level_summary(kind: pd.Series, state: pd.Series, weight: np.ndarray) -> dict:
    """The counts of one level; ``weight``: how many rows each entry of ``kind``/``state`` stands for."""
    def rows(mask) -> int:
        return int(weight[np.asarray(mask, dtype=bool)].sum())

    return agreement_rates({
        "agree": rows((state == "resolved") & (kind == "")),
        "boundary_vintage": rows(kind == "boundary vintage"),
        "disagree": rows(kind == "disagreement"),
        "unresolved": rows(kind == "unresolved"),
        "missing": rows(state == "missing"),
    })


def agreement_rates(counts: dict) -> dict:
    """One level of :attr:`JoinResult.agreement_summary` from its counts (also of several joins summed).

    Parameters
    ----------
    counts : dict
        ``agree``, ``boundary_vintage``, ``disagree``, ``unresolved``, ``missing``.

    Returns
    -------
    dict
        ``compared`` and the counts, ``agreement_rate``, ``agreement_rate_with_vintage``.
    """
    compared = counts["agree"] + counts["boundary_vintage"] + counts["disagree"]
    summary = {"compared": compared, **counts}
    summary["agreement_rate"] = round(counts["agree"] / compared, 4) if compared else None
    summary["agreement_rate_with_vintage"] = (
        round((counts["agree"] + counts["boundary_vintage"]) / compared, 4) if compared else None
    )
    return summary


def _each_unique(values: pd.Series, function) -> pd.Series:
    """``values.map(function)`` as an object Series, calling ``function`` once per distinct value.

    Vectorised over the distinct values (factorize, then take), and the same
    whether pandas holds the strings as Python objects or in Arrow.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    answers = np.empty(len(uniques), dtype=object)
    answers[:] = [function(value) for value in uniques]
    return pd.Series(answers[codes], index=values.index, dtype=object)


def _each_pair(first: list, second: list, function, index) -> pd.Series:
    """``function(a, b)`` for each pair of ``first`` and ``second``, called once per distinct pair."""
    pairs = np.empty(len(first), dtype=object)
    pairs[:] = list(zip(first, second, strict=False))
    return _each_unique(pd.Series(pairs, index=index, dtype=object), lambda pair: function(*pair))


def _strip_suffix(name: str) -> str:
    return _SUFFIX.sub("", str(name)).strip()


def _resolve_column(names: pd.Series, level: str, within, iso3: str) -> tuple[pd.Series, pd.Series]:
    """P-code of each source name (None if unresolved) and its state: resolved/unresolved/missing.

    ``within`` gives each row's parent P-code (None: anywhere); each distinct
    (name, parent) pair is resolved once.
    """
    names = _each_unique(names.fillna(""), _strip_suffix)
    parents = within.fillna("") if within is not None else pd.Series("", index=names.index, dtype=object)
    name_codes, name_values = pd.factorize(names, use_na_sentinel=False)
    parent_codes, parent_values = pd.factorize(parents, use_na_sentinel=False)
    codes, pairs = pd.factorize(name_codes * len(parent_values) + parent_codes)  # one code per distinct pair
    answers = np.empty(len(pairs), dtype=object)
    width = len(parent_values)
    answers[:] = [_resolve_or_none(name_values[int(p) // width], parent_values[int(p) % width], level, iso3)
                  for p in pairs]
    resolved = pd.Series(answers[codes], index=names.index, dtype=object)
    state = pd.Series("resolved", index=names.index, dtype=object)
    state[resolved.isna()] = "unresolved"
    state[names == ""] = "missing"
    return resolved, state


def _resolve_or_none(name: str, parent: str, level: str, iso3: str) -> str | None:
    if not name:
        return None
    if not covers(iso3):
        key = _compact(name)
        found = {code for unit, code in _pack_units(iso3, level) if unit == key and code.startswith(parent)}
        return found.pop() if len(found) == 1 else None
    try:
        return resolve(name, level, within=parent or None)
    except ResolveError:
        return None


def covers(iso3: str) -> bool:
    """True when the admin index (:mod:`geo_coi.admin_index`, and the gazetteer over it) answers for pack ``iso3``.

    Asked in the active pack's context, never under another pack: an index not keyed
    by country holds the units it was first asked for (another pack's would fill its
    caches), one keyed by country answers for the active pack. Either way
    :func:`join_admin` can join, and :func:`geo_coi.gazetteer.resolve` resolve, the
    events of a pack it covers. Not cached: the answer follows the active pack.
    """
    prefix = country.get(iso3).pcode_prefix
    units = records("region")
    return bool(units) and all(unit["pcode"].startswith(prefix) for unit in units)


@functools.cache
def _pack_units(iso3: str, level: str) -> tuple[tuple[str, str], ...]:
    """(compact normalised name, P-code) of the pack's units at ``level``: the exact-name stand-in for
    :func:`geo_coi.gazetteer.resolve` for a pack the gazetteer does not cover yet.
    """
    units = load(level, iso3)
    return tuple(sorted((_compact(name), pcode) for name, pcode in zip(units["name"], units["pcode"], strict=False)))


def _compact(name: str) -> str:
    return normalize(_strip_suffix(name)).replace(" ", "")
