"""Incidents and fatalities per admin unit from event CSVs of any size, in bounded memory.

:func:`aggregate_csv` reads only the coordinate and fatality columns, a block
of rows at a time, assigns each row its commune with
:func:`geo_coi.admin_index.lookup` and adds it to per-unit counters, so memory
stays flat whatever the file size (ACLED's whole history, about 2.5 M rows,
or several data sets at once). Column names are the canonical ones of
:mod:`geo_coi.events`, which are also ACLED's export names.

Events outside the country's outline but within ``tolerance_km`` of it are
attached to the nearest commune, as :func:`geo_coi.join.join_admin` does
(same rule, same code), so the counts match the annex tables. No row is
dropped silently: rows beyond the tolerance and rows with unusable
coordinates are counted in the result's ``attrs``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from geo_coi import admin_index, country
from geo_coi.errors import InputError
from geo_coi.join import DEFAULT_TOLERANCE_KM, _nearest_commune, check_tolerance
from geo_coi.sources import _blocks
from geo_coi.sources._blocks import NotPlain
from geo_coi.sources._table import plain_csv_header

LEVELS = ("commune", "department", "region")
CHUNKSIZE = 500_000


def aggregate_csv(
    paths,
    level: str = "commune",
    *,
    tolerance_km: float | None = None,
    chunksize: int = CHUNKSIZE,
    lat="latitude",
    lon="longitude",
    fatalities="fatalities",
):
    """Count events and fatalities per unit of ``level`` over one or more CSV files.

    Parameters
    ----------
    paths : path-like or list of path-likes
        CSV files with at least the ``lat`` and ``lon`` columns (and
        ``fatalities`` if present; missing or blank fatalities count as 0).
    level : {"commune", "department", "region"}
    tolerance_km : float, optional
        Events outside the outline but at most this far from it count for the
        nearest commune; default that of :func:`geo_coi.join.join_admin`.
    chunksize : int
        Rows read at a time; memory grows with it, not with the file size.
    lat, lon, fatalities : str
        Column names (canonical / ACLED names by default).

    Returns
    -------
    pandas.DataFrame
        One row per unit of ``level`` (every unit, zeros kept), sorted by
        P-code: ``pcode``, ``name``, ``incidents``, ``fatalities``. ``attrs``
        holds ``rows_read``, ``rows_snapped`` (outside the outline, within the
        tolerance, counted), ``rows_outside`` (beyond the tolerance, not
        counted), ``rows_invalid`` (missing, non-numeric or out-of-range
        coordinates, not counted), ``fatalities_outside`` (of the rows not
        counted), ``tolerance_km``
        and ``files``.

    Raises
    ------
    InputError
        If a file is missing, empty, malformed or lacks the coordinate
        columns, if ``level`` is unknown or ``tolerance_km`` is not a number >= 0.
    """
    import pandas as pd


    tolerance_km = check_tolerance(DEFAULT_TOLERANCE_KM if tolerance_km is None else tolerance_km, "aggregate_csv")
    if level not in LEVELS:
        raise InputError(f"aggregate_csv: unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    unit_of_commune, units = _commune_to_unit(level)
    incidents = np.zeros(len(units) + 1, dtype="int64")  # last slot: outside / invalid
    deaths = np.zeros(len(units) + 1, dtype="int64")
    totals = {"rows_read": 0, "rows_snapped": 0, "rows_outside": 0, "rows_invalid": 0, "fatalities_outside": 0}
    for path in paths:
        counts = _count_file(path, chunksize, (lat, lon, fatalities), tolerance_km, unit_of_commune, len(units))
        incidents += counts[0]
        deaths += counts[1]
        for key, value in counts[2].items():
            totals[key] += value
    table = pd.DataFrame(
        {
            "pcode": [u["pcode"] for u in units],
            "name": [u["name"] for u in units],
            "incidents": incidents[:-1],
            "fatalities": deaths[:-1],
        }
    )
    table.attrs.update(totals, tolerance_km=tolerance_km, files=[str(p) for p in paths])
    return table


def _count_file(path, chunksize, names, tolerance_km, unit_of_commune, n_units):
    """Incidents, deaths per unit (last slot: not counted) and the row totals of one file.

    A plain CSV (:mod:`geo_coi.sources._blocks`, what ACLED writes) is read by
    the block reader :func:`geo_coi.ingest.check_file` uses; any other file, or
    one found not plain part-way, by pandas in chunks of ``chunksize`` rows.
    """
    try:
        return _count_chunks(_plain_chunks(path, names), names, tolerance_km, unit_of_commune, n_units)
    except NotPlain:
        return _count_chunks(_chunks(path, chunksize, *names), names, tolerance_km, unit_of_commune, n_units)


def _count_chunks(chunks, names, tolerance_km, unit_of_commune, n_units):
    import pandas as pd


    lat, lon, fatalities = names
    incidents = np.zeros(n_units + 1, dtype="int64")
    deaths = np.zeros(n_units + 1, dtype="int64")
    totals = {"rows_read": 0, "rows_snapped": 0, "rows_outside": 0, "rows_invalid": 0, "fatalities_outside": 0}
    for chunk in chunks:
        x = pd.to_numeric(chunk[lon], errors="coerce").to_numpy(dtype="float64")
        y = pd.to_numeric(chunk[lat], errors="coerce").to_numpy(dtype="float64")
        dead = _fatalities(chunk, fatalities)
        valid = np.isfinite(x) & np.isfinite(y) & (np.abs(x) <= 180) & (np.abs(y) <= 90)
        commune = admin_index.lookup(np.where(valid, x, np.nan), np.where(valid, y, np.nan))
        outside = valid & (commune < 0)
        commune[outside] = _snap(x[outside], y[outside], tolerance_km)
        unit = np.where(commune >= 0, unit_of_commune[commune], n_units)
        incidents += np.bincount(unit, minlength=n_units + 1)
        deaths += np.bincount(unit, weights=dead, minlength=n_units + 1).astype("int64")
        totals["rows_read"] += len(chunk)
        totals["rows_invalid"] += int((~valid).sum())
        totals["rows_snapped"] += int((outside & (commune >= 0)).sum())
        totals["rows_outside"] += int((valid & (commune < 0)).sum())
        totals["fatalities_outside"] += int(dead[commune < 0].sum())
    return incidents, deaths, totals


def _plain_chunks(path, names):
    """The coordinate and fatality columns of a plain CSV, a block at a time (raises NotPlain otherwise)."""
    lat, lon, fatalities = names
    if not Path(path).is_file():
        raise _blocks.NotPlain("no file")  # the pandas path names the error
    head, columns, _ = plain_csv_header(path)
    wanted = [c for c in (lat, lon, fatalities) if c in columns]
    if lat not in wanted or lon not in wanted or columns != head.names:
        raise _blocks.NotPlain("columns")  # missing, padded or repeated names: the pandas path judges them
    for block, _ in _blocks.blocks(head, columns, wanted, block_bytes=_blocks.BLOCK_BYTES):
        yield block.to_pandas()


def _snap(lon: np.ndarray, lat: np.ndarray, tolerance_km: float) -> np.ndarray:
    """Nearest commune of points outside the active pack's country within ``tolerance_km`` of it, else -1.

    Only points inside a generous degree buffer of the outline are measured
    (with join_admin's own geodesic code), since that is slow and most
    points of a global file are far away.
    """
    import shapely


    result = np.full(len(lon), -1, dtype="int64")
    if tolerance_km <= 0 or len(lon) == 0:
        return result
    near = np.flatnonzero(shapely.contains_xy(_near_outline(country.active().iso3, tolerance_km), lon, lat))
    if len(near):
        commune, distance = _nearest_commune(lon[near], lat[near])
        result[near] = np.where(distance <= tolerance_km, commune, -1)
    return result


@functools.cache
def _near_outline(iso3: str, tolerance_km: float):
    """The outline of the pack ``iso3`` buffered by at least ``tolerance_km`` (prepared).

    Below 24 degrees of latitude one degree is at least 101 km in any
    direction; the buffer is 1.5 times the degrees that makes, so no point
    within the tolerance is left out (the margin covers points up to about
    50 degrees of latitude: a pack near the equator, and any tolerance below about 2,000 km).
    """
    import shapely


    area = shapely.buffer(admin_index.geometries("country", iso3)[0], 1.5 * tolerance_km / 101.0)
    shapely.prepare(area)
    return area


def _commune_to_unit(level):
    """Row of each commune's unit at ``level`` and that level's records."""
    units = admin_index.records(level)
    key = "pcode" if level == "commune" else f"{level}_pcode"
    row = {u["pcode"]: i for i, u in enumerate(units)}
    mapping = np.array([row[c[key]] for c in admin_index.records("commune")], dtype="int64")
    return mapping, units


def _chunks(path, chunksize, lat, lon, fatalities):
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{path}: no such file; pass the path of an event CSV")
    try:
        header = pd.read_csv(path, nrows=0, encoding_errors="replace").columns
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty (no header line); export the events again") from None
    missing = [c for c in (lat, lon) if c not in header]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(header[:12])}"
            f"{' ...' if len(header) > 12 else ''}. Pass lat=/lon= with the file's coordinate columns"
        )
    usecols = [lat, lon] + ([fatalities] if fatalities in header else [])
    # Numbers are parsed by pandas' C parser; a chunk with junk comes back as
    # text and is coerced (junk -> NaN -> counted as invalid) by the caller.
    # Bytes that are not UTF-8 (in any column) are replaced, not fatal: only numbers are used.
    try:
        yield from pd.read_csv(path, usecols=usecols, chunksize=chunksize, encoding_errors="replace")
    except pd.errors.ParserError as exc:
        message = str(exc).strip().splitlines()[-1]
        raise InputError(f"{path}: not a well-formed CSV ({message}); export or download it again") from None


def _fatalities(chunk, column) -> np.ndarray:
    import pandas as pd

    if column not in chunk:
        return np.zeros(len(chunk))
    values = pd.to_numeric(chunk[column], errors="coerce").fillna(0)
    return values.to_numpy(dtype="float64")
