"""The canonical event table: one schema for ACLED and UCDP events.

Every reader in :mod:`geo_coi.sources` returns a GeoDataFrame (EPSG:4326,
point geometry) with the columns of :data:`CANONICAL_COLUMNS` first, then the
source's own columns that were not copied unchanged into a canonical column,
prefixed ``src_`` where a name would collide (ACLED's ``source``, the news
sources, becomes ``src_source``; ACLED's and UCDP's ``region`` becomes
``src_region``). After :func:`geo_coi.join.join_admin` the columns of
:data:`JOINED_COLUMNS` are added.

Canonical columns
-----------------
(followed by ``row_number``: the event's line in the input file, header = line 1,
or its 1-based record index in JSON)

event_id : str
    ACLED ``event_id_cnty``; UCDP ``id``.
source : str
    ``"ACLED"``, ``"ACLED-schema synthetic demo"`` or ``"UCDP GED"``. Never relabelled.
event_date : datetime64[ns] (date only)
    Read from ``2024-09-01``, ``01 September 2024``, ``01-09-2024`` or ``01/09/2024``;
    the day/month order of numeric dates is decided per file (month first when a
    "day" above 12 says so; ambiguous slashed dates need ``date_format``), Excel
    serial numbers in XLSX are dates; dates outside 1677-2262 are rejected.
year : int
    The year of ``event_date``.
time_precision : Int64
    ACLED 1 = day, 2 = week, 3 = month; UCDP ``date_prec`` when present, else <NA>.
event_type, sub_event_type : str
    The source's own typology: ACLED event types; for UCDP ``event_type`` is
    ``"State-based conflict"``, ``"Non-state conflict"`` or ``"One-sided violence"``
    (``type_of_violence`` 1/2/3) and ``sub_event_type`` is empty.
actor1, actor2, assoc_actor_1, assoc_actor_2 : str
    UCDP: ``side_a``, ``side_b``.
civilian_targeting : bool
    ACLED's ``civilian_targeting`` column ("Civilian targeting"); files in the
    pre-2023 schema lack it and get ``event_type == "Violence against
    civilians"`` instead (the read summary says so); UCDP: type 3.
fatalities : Int64
    ACLED ``fatalities``; UCDP ``best``. <NA> (unknown, never 0) when the cell is blank
    or the file has no such column; the summary counts ``unknown_fatalities``.
latitude, longitude : float
    A copy of the position for tables and spreadsheets. The position itself is
    ``geometry`` (see below): every spatial step reads it through :func:`lonlat`.
geo_precision : Int64
    ACLED 1/2/3; UCDP ``where_prec`` when present, else <NA>.
location, admin1_source, admin2_source, admin3_source : str
    The source's own place name and admin names (for the agreement report).
notes : str
    Free text (ACLED ``notes``; UCDP ``source_headline``). Never rendered unescaped.
geometry : Point
    The event's position, the one source of truth: built from the file's
    latitude/longitude by the reader, read by the join, the density and hexbin
    surfaces, the armed-group overlap, the printed and the HTML maps
    (:func:`lonlat` gives its coordinates as arrays).

Table metadata (``frame.attrs``)
--------------------------------
``source``, ``synthetic`` (bool), ``access_date`` (ISO date or None),
``input_file``, ``read_summary`` (read / accepted / rejected by reason),
``credit`` (the credit line every map prints); after the join also
``join_summary`` (inside / snapped / rejected, tolerance); after
:func:`geo_coi.pipeline.load` also ``event_types`` (:data:`EVENT_TYPES_ATTR`, the
types the report counts: the default of :mod:`geo_coi.stats` and the
interactive map) and, on :meth:`geo_coi.pipeline.Events.selected` frames,
``selection`` (:data:`SELECTION_ATTR`: the period and types already selected,
which :func:`select` does not filter again).

Rejects
-------
No input row is dropped silently: each is accepted, merged as an identical
duplicate (counted in the summary) or listed in a rejects table with the
columns of :data:`REJECT_COLUMNS` followed by the row's raw columns.
``row_number`` is the line in the file (header = line 1) or, for JSON, the
record's 1-based index. ``reason`` is one of :data:`REJECT_REASONS`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from geo_coi import country
from geo_coi.errors import InputError
from geo_coi.periods import Period

if TYPE_CHECKING:
    import geopandas

CANONICAL_COLUMNS = (
    "event_id",
    "source",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "fatalities",
    "latitude",
    "longitude",
    "geo_precision",
    "location",
    "admin1_source",
    "admin2_source",
    "admin3_source",
    "notes",
    "geometry",
)

JOINED_COLUMNS = (
    "region_pcode",
    "region",
    "department_pcode",
    "department",
    "commune_pcode",
    "commune",
    "arrondissement_pcode",  # the capital's sub-unit ([capital] of the pack) where the pack has them, else <NA>
    "arrondissement",
    "join_status",  # "inside" | "snapped" (outside the outline, attached to the nearest unit)
    "snap_distance_km",  # 0.0 when inside
)

ACLED_EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
# The COI Focus reports' selection: political violence only (a report config may choose others).
REPORT_EVENT_TYPES = ACLED_EVENT_TYPES[:3]
# ``frame.attrs`` keys: the event types a report counts, and the period/types a frame is already cut to.
EVENT_TYPES_ATTR = "event_types"
SELECTION_ATTR = "selection"
UCDP_EVENT_TYPES = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}

# Line in the input file (record index for JSON) of each accepted event, right
# after the canonical columns, so a joined event can still be traced to its row.
ROW_NUMBER = "row_number"
REJECT_COLUMNS = ("row_number", "event_id", "reason", "field", "value")
REJECT_REASONS = (
    "missing event_id",
    "duplicate event_id with conflicting content",
    "missing coordinates",
    "non-numeric coordinates",
    "coordinates out of range",
    "latitude/longitude swapped",
    "unparseable date",
    "unknown event type",
    "invalid fatalities",
    "truncated row",  # fewer fields than the header: "21 of 32 fields"
    "extra fields",
    "repeated header row",
    "date out of range",  # a real date, but outside 1677-09-22 .. 2262-04-11
    "ambiguous date",
    "invalid geo_precision",
    "invalid time_precision",
    "invalid civilian_targeting",
    "invalid timestamp",  # ACLED's timestamp blank, not a whole number or outside 2000-2099 (a row cut short)
    "outside {country} beyond tolerance",  # given by geo_coi.join.join_admin, the pack's English name filled in
    "outside every country pack",  # given by geo_coi.country_split (beyond the tolerance of every pack)
    "in another country pack",  # country_split: the file names a country kept, the coordinates another pack
)
# Columns a reader must fill (as text) for validate(); the rest are optional.
REQUIRED_FIELDS = ("event_id", "event_date", "event_type", "latitude", "longitude")
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%m-%Y", "%d %b %Y", "%d/%m/%Y", "%Y/%m/%d")
# Day and month order of numeric dates is decided per file (see parse_dates).
_NUMERIC_DATE = r"^(\d{1,2})([/-])(\d{1,2})[/-]\d{4}$"
# Precision codes: ACLED 1-3; UCDP where_prec 1-7, date_prec 1-5.
PRECISION_CODES = range(1, 8)


@dataclass
class Validated:
    """What :func:`validate` returns: accepted events, rejects, merged duplicates and counts."""

    events: geopandas.GeoDataFrame
    rejects: pd.DataFrame
    summary: dict
    duplicates: pd.DataFrame | None = None
    marks: dict | None = None  # "unknown_fatalities", "late": line numbers of accepted rows (see mark_notes)


def validate(fields: pd.DataFrame, raw: pd.DataFrame, row_numbers, *, event_types, source: str,
             problems=None, date_format=None, access_date=None, path=None, file_formats=None) -> Validated:
    """Turn a reader's text columns into canonical events and rejects.

    Parameters
    ----------
    fields : pandas.DataFrame
        One row per input row, the canonical columns as text (``""`` when blank),
        except ``civilian_targeting`` (bool) which the reader derives. Columns
        absent from ``fields`` become <NA> / empty.
    raw : pandas.DataFrame
        The source's own columns, same rows (kept in rejects; extras are appended
        to the events by the reader).
    row_numbers : array-like of int
        Line number (or record index) of each row, for the rejects table.
    event_types : collection of str
        The event types this source may use; any other is rejected.
    source : str
        The value of the canonical ``source`` column.
    problems : pandas.DataFrame, optional
        ``reason``/``field``/``value`` per row found by the reader (truncated rows,
        bad civilian_targeting); these rows are rejected first.
    date_format : str, optional
        strftime format for numeric dates whose order the file does not tell.
    access_date : str, optional
        ISO date the data was downloaded: later event dates are noted.
    path : str or pathlib.Path, optional
        The file, for error messages.
    file_formats : tuple of str, optional
        The date formats :func:`date_formats` chose for the whole file, when
        ``fields`` is one part of it (:mod:`geo_coi.ingest`); the notes then
        leave out what only the whole file can say (date order, lines of
        :attr:`Validated.marks`: see :func:`mark_notes`).

    Returns
    -------
    Validated
        ``events`` (GeoDataFrame, canonical columns only, index = position in
        ``fields``), ``rejects``, ``duplicates`` (merged copies: row_number,
        event_id, same_as_row) and ``summary`` (read, accepted, rejected,
        rejected_by_reason, duplicates_merged, unknown_fatalities, notes).

    Raises
    ------
    InputError
        Numeric dates whose day/month order is ambiguous and no ``date_format``.
    """
    import geopandas as gpd

    fields = fields.reset_index(drop=True)
    raw = raw.reset_index(drop=True)
    row_numbers = np.asarray(row_numbers, dtype="int64")
    text = {name: _text(fields, name) for name in _TEXT_FIELDS}
    reason = np.full(len(fields), "", dtype=object)
    field = reason.copy()
    value = reason.copy()
    free = np.ones(len(fields), dtype=bool)  # no reason yet

    def flag(mask, why, column, shown):
        """Give the rows of ``mask`` not flagged yet reason ``why``; ``shown``: a str, one value per row,
        or a function giving them (called only when a row is flagged).
        """
        mask = np.asarray(mask, dtype=bool) & free
        if not mask.any():
            return
        free[mask] = False
        shown = shown() if callable(shown) else shown
        reason[mask] = why if isinstance(why, str) else np.asarray(why, dtype=object)[mask]
        field[mask] = column if isinstance(column, str) else np.asarray(column, dtype=object)[mask]
        value[mask] = shown if isinstance(shown, str) else np.asarray(shown, dtype=object)[mask]

    notes = []
    if problems is not None:
        problems = problems.reset_index(drop=True)
        flag(problems["reason"] != "", problems["reason"], problems["field"], problems["value"])
    event_id = text["event_id"].str.strip()
    flag(event_id == "", "missing event_id", "event_id", "")
    merged, same_as = _flag_duplicates(event_id, raw, row_numbers, flag)

    lat_text, lon_text = text["latitude"].str.strip(), text["longitude"].str.strip()

    def coords_shown():
        return "latitude " + lat_text + ", longitude " + lon_text

    # a decimal comma (14,0144), as ;-separated European exports write it, is read as a point
    lat = pd.to_numeric(lat_text.str.replace(",", ".", regex=False), errors="coerce")
    lon = pd.to_numeric(lon_text.str.replace(",", ".", regex=False), errors="coerce")
    flag((lat_text == "") | (lon_text == ""), "missing coordinates", "latitude/longitude", coords_shown)
    flag(lat.isna() | lon.isna(), "non-numeric coordinates", "latitude/longitude", coords_shown)
    swapped = _swapped(lat, lon)
    flag(swapped != "", "latitude/longitude swapped", "latitude/longitude",
         lambda: coords_shown() + ": swapped, the point lies inside " + _country_names(swapped, lat.index)
         + "; fix the file")
    flag((lat.abs() > 90) | (lon.abs() > 180), "coordinates out of range", "latitude/longitude", coords_shown)

    if file_formats is None:
        dates, out_of_range, date_notes = _file_dates(text["event_date"], date_format, path)
        notes += date_notes
    else:
        dates, out_of_range = _parse(text["event_date"], file_formats)
    flag(out_of_range, "date out of range", "event_date", text["event_date"])
    flag(dates.isna(), "unparseable date", "event_date", text["event_date"])
    event_type = _canonical_types(text["event_type"], event_types)
    flag(event_type.isna(), "unknown event type", "event_type", text["event_type"])

    fatalities = _integers(fields, "fatalities")
    flag(fatalities.isna() & (text["fatalities"].str.strip() != "") | (fatalities < 0).fillna(False),
         "invalid fatalities", "fatalities", text["fatalities"])
    precision = {}
    for name in ("geo_precision", "time_precision"):
        precision[name] = _integers(fields, name)
        given = _text(fields, name).str.strip()
        flag((given != "") & ~precision[name].isin(PRECISION_CODES).fillna(False).astype(bool),
             f"invalid {name}", name, given)

    keep = free & ~merged
    unknown = keep & (text["fatalities"].str.strip() == "").to_numpy() & ("fatalities" in fields)
    late = keep & (dates > pd.Timestamp(access_date)).to_numpy() if access_date else np.zeros(len(keep), bool)
    marks = {"unknown_fatalities": row_numbers[unknown], "late": row_numbers[late]}
    if file_formats is None:
        notes += mark_notes(marks, access_date)
    events = pd.DataFrame(
        {
            "event_id": event_id,
            "source": source,
            "event_date": dates.astype("datetime64[ns]"),
            "year": dates.dt.year.fillna(0).astype("int64"),
            "time_precision": precision["time_precision"],
            "event_type": event_type,
            "sub_event_type": text["sub_event_type"],
            "actor1": text["actor1"],
            "assoc_actor_1": text["assoc_actor_1"],
            "actor2": text["actor2"],
            "assoc_actor_2": text["assoc_actor_2"],
            "civilian_targeting": _booleans(fields, "civilian_targeting"),
            "fatalities": fatalities,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": precision["geo_precision"],
            "location": text["location"],
            "admin1_source": text["admin1_source"],
            "admin2_source": text["admin2_source"],
            "admin3_source": text["admin3_source"],
            "notes": text["notes"],
        }
    )
    events = where_rows(events, keep)
    events["event_type"] = events["event_type"].astype(str)
    events[ROW_NUMBER] = row_numbers[keep]
    geometry = gpd.points_from_xy(events["longitude"], events["latitude"], crs=4326)
    events = gpd.GeoDataFrame(events, geometry=geometry, crs=4326)
    events = events[[*CANONICAL_COLUMNS, ROW_NUMBER]]
    bad = ~free & ~merged  # an identical copy of a bad row is merged, not listed twice
    rejects = make_rejects(raw[bad], row_numbers[bad], event_id[bad], reason[bad], field[bad], value[bad])
    summary = {
        "read": int(len(fields)),
        "accepted": int(keep.sum()),
        "rejected": int(bad.sum()),
        "rejected_by_reason": count_reasons(rejects),
        "duplicates_merged": int(merged.sum()),
        "unknown_fatalities": int(unknown.sum()),
        "notes": notes,
    }
    duplicates = pd.DataFrame({"row_number": row_numbers[merged], "event_id": event_id[merged].to_numpy(),
                               "same_as_row": same_as[merged]})
    return Validated(events, rejects, summary, duplicates, marks)


def mark_notes(marks: dict, access_date=None) -> list[str]:
    """The notes on accepted rows with blank fatalities or dated after the access date.

    Parameters
    ----------
    marks : dict
        :attr:`Validated.marks` (of a whole file, or its parts' concatenated in line order).
    access_date : str, optional

    Returns
    -------
    list of str
    """
    notes = []
    unknown, late = marks["unknown_fatalities"], marks["late"]
    if len(unknown):
        notes.append(f"fatalities blank (unknown, not 0) on {len(unknown)} accepted rows: {_lines(unknown)}")
    if len(late):
        notes.append(f"{len(late)} events dated after the access date {access_date}: {_lines(late)}")
    return notes


def _lines(numbers, limit: int = 20) -> str:
    """``lines 5, 9 and 3 more``: the first line numbers of a set, for a note."""
    numbers = [int(n) for n in numbers]
    more = f" and {len(numbers) - limit} more" if len(numbers) > limit else ""
    return f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers[:limit]))}{more}"


_TEXT_FIELDS = (
    "event_id", "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
    "assoc_actor_2", "latitude", "longitude", "location", "admin1_source", "admin2_source",
    "admin3_source", "notes", "fatalities",
)


def _text(fields: pd.DataFrame, name: str) -> pd.Series:
    if name not in fields:
        return pd.Series("", index=fields.index, dtype=str)
    return fields[name].fillna("").astype(str)


def _integers(fields: pd.DataFrame, name: str) -> pd.Series:
    """Whole numbers as Int64; blank, absent or non-numeric -> <NA>."""
    if name not in fields:
        return pd.Series(pd.NA, index=fields.index, dtype="Int64")
    return _each_distinct(fields[name].astype(str), _whole_numbers)


def _whole_numbers(text: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(text.str.strip(), errors="coerce").astype("float64")
    # beyond 2**53 a float is no longer an exact whole number; inf and 1e30 overflow int64
    whole = numbers.where(numbers.isna() | ((numbers == numbers.round()) & (numbers.abs() < 2.0**53)))
    return whole.astype("Int64")


def _each_distinct(values: pd.Series, function) -> pd.Series:
    """``function(values)`` for a row-by-row ``function`` of a Series, computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    answers = function(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(answers.array.take(codes), index=values.index, dtype=answers.dtype)


def where_rows(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """``frame[mask]``, with Arrow-backed columns filtered by pyarrow (pandas' take is ten times slower).

    Parameters
    ----------
    frame : pandas.DataFrame
        Not a GeoDataFrame.
    mask : array-like of bool

    Returns
    -------
    pandas.DataFrame
        The rows of ``mask``, their index labels, columns and dtypes kept.
    """
    import pyarrow as pa

    mask = np.asarray(mask, dtype=bool)
    if mask.all():
        return frame.copy()
    index, chosen = frame.index[mask], pa.array(mask)
    columns = {}
    for name, column in frame.items():
        values = column.array
        if isinstance(values, pd.arrays.ArrowStringArray):
            dtype: Any = values.dtype  # __from_arrow__: pandas' protocol from pyarrow (missing in the stubs)
            kept = dtype.__from_arrow__(values.__arrow_array__().filter(chosen))
            columns[name] = pd.Series(kept, index=index, name=name)
        else:
            columns[name] = column[mask]
    return pd.DataFrame(columns, index=index, columns=frame.columns)


def _booleans(fields: pd.DataFrame, name: str) -> pd.Series:
    if name not in fields:
        return pd.Series(False, index=fields.index, dtype=bool)
    return fields[name].fillna(False).astype(bool)


def _canonical_types(text: pd.Series, allowed) -> pd.Series:
    """The allowed spelling of each type (case and spacing forgiven), <NA> if unknown."""
    allowed = {_squash(t): t for t in allowed}
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    spellings = np.array([allowed.get(_squash(t), pd.NA) for t in uniques], dtype=object)
    return pd.Series(spellings[codes], index=text.index, dtype=object)


def _squash(name: str) -> str:
    return " ".join(str(name).lower().split())


def _flag_duplicates(event_id: pd.Series, raw: pd.DataFrame, row_numbers, flag) -> tuple[np.ndarray, np.ndarray]:
    """Reject every row of an id whose copies differ.

    Returns the mask of identical copies to merge, and for each row the line of
    the first copy (its own line when it has none).
    """
    has_id = (event_id != "").to_numpy()
    same_as = np.asarray(row_numbers, dtype="int64").copy()
    identical = np.zeros(len(event_id), dtype=bool)
    # identical rows share their id: whole rows are compared only where an id repeats
    codes, _ = pd.factorize(event_id, use_na_sentinel=False)
    repeats = np.flatnonzero((np.bincount(codes)[codes] > 1) & has_id)
    if len(repeats):
        rows = raw.iloc[repeats]
        identical[repeats] = rows.duplicated(keep="first").to_numpy()
        content = pd.util.hash_pandas_object(rows, index=False).to_numpy()
        same_as[repeats] = pd.Series(same_as[repeats]).groupby(content).transform("first").to_numpy()
        same_as[~identical] = np.asarray(row_numbers, dtype="int64")[~identical]
    distinct = event_id[~identical & has_id]
    conflicting = distinct[distinct.duplicated(keep=False)]
    if len(conflicting):
        lines = pd.Series(row_numbers, index=event_id.index)[conflicting.index]
        listed = lines.groupby(conflicting).agg(lambda rows: ", ".join(map(str, rows)))
        shown = pd.Series("", index=event_id.index, dtype=object)
        shown[conflicting.index] = "rows " + conflicting.map(listed) + " differ"
        flag(event_id.index.isin(conflicting.index), "duplicate event_id with conflicting content",
             "event_id", shown)
    return identical, same_as


def _swapped(lat: pd.Series, lon: pd.Series) -> np.ndarray:
    """ISO3 of the bundled pack each row lies in with latitude and longitude swapped, when it lies
    in none as given ("" otherwise).

    The cheap half of the test is each pack's ``[map] swap_box`` (its outline's box with a
    margin); only candidates are tested against the outlines (:func:`geo_coi.country.find`).
    """
    as_given = pd.Series(False, index=lat.index)
    as_swapped = pd.Series(False, index=lat.index)
    for code in country.bundled():
        west, south, east, north = country.get(code).swap_box
        as_given |= lon.between(west, east) & lat.between(south, north)
        as_swapped |= lat.between(west, east) & lon.between(south, north)
    candidates = (~as_given & as_swapped).to_numpy()
    result = np.full(len(lat), "", dtype=object)
    if candidates.any():
        result[candidates] = country.find(lat[candidates], lon[candidates])
    return result


def _country_names(codes: np.ndarray, index) -> pd.Series:
    """The English name of each row's pack (rows without one get "")."""
    names = {code: country.get(code).name() if code else "" for code in set(codes)}
    return pd.Series([names[code] for code in codes], index=index, dtype=object)


def parse_dates(text: pd.Series, formats=DATE_FORMATS) -> pd.Series:
    """Parse dates written in any of ``formats``; <NaT> where none fits or out of range.

    ``01-09-2024`` is read day first (1 September), as ACLED writes it; a time
    after an ISO date (``2024-09-01 00:00:00``, ``2024-09-01T00:00``) is ignored.

    Parameters
    ----------
    text : pandas.Series of str
    formats : sequence of str, optional
        strftime formats, tried in order (default :data:`DATE_FORMATS`).

    Returns
    -------
    pandas.Series of datetime64[ns]
        Same index as ``text``.
    """
    dates, _ = _parse(text, formats)
    return dates


def _parse(text: pd.Series, formats) -> tuple[pd.Series, np.ndarray]:
    """Dates (ns) and the mask of real dates outside pandas' nanosecond range (year 1677 to 2262)."""
    text = text.fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(text)  # a file has far fewer distinct dates than rows: each is parsed once
    dates, out_of_range = _parse_each(pd.Series(uniques, dtype=text.dtype), formats)
    return pd.Series(dates.to_numpy()[codes], index=text.index, dtype=dates.dtype), out_of_range[codes]


def _parse_each(text: pd.Series, formats) -> tuple[pd.Series, np.ndarray]:
    stamped = text.str.len() > 10  # "2024-09-01 00:00:00" or "2024-09-01T00:00:00"
    if stamped.any():
        text[stamped] = text[stamped].str.replace(r"^(\d{4}-\d{2}-\d{2})[T ][\d:.]*$", r"\1", regex=True)
    found = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    for fmt in formats:
        todo = found.isna() & (text != "")
        if not todo.any():
            break
        found[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce").astype("datetime64[s]")
    out_of_range = (found.notna() & ~found.between(pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D"))).to_numpy()
    return found.where(~out_of_range).astype("datetime64[ns]"), out_of_range


def _check_date_format(date_format: str) -> None:
    """Raise InputError unless ``date_format`` is a strftime format with a day, a month and a year."""
    sample = dt.date(2024, 9, 23)
    try:
        written = sample.strftime(date_format)
        ok = pd.to_datetime(written, format=date_format) == pd.Timestamp(sample)
    except ValueError:
        ok = False
    if not ok:
        raise InputError(f"--date-format {date_format!r} is not a strftime format with day, month and year; "
                         "use e.g. %d/%m/%Y or %m/%d/%Y")


def _file_dates(text: pd.Series, date_format, path) -> tuple[pd.Series, np.ndarray, list]:
    """Dates parsed with one day/month order for the whole file, the out-of-range mask, and notes."""
    formats, notes = date_formats(text, date_format, path)
    return (*_parse(text, formats), notes)


def date_formats(text: pd.Series, date_format=None, path=None) -> tuple[tuple, list]:
    """The formats to read a file's dates with (one day/month order for the whole file) and a note.

    Numeric dates (``03/04/2024``, ``03-04-2024``) are day first unless a day
    above 12 shows the file writes month first (US order, as an Excel re-save
    does). A file with both orders, or slashed dates none of which tells, stops
    with a request for ``date_format``. Only the set of values matters (and, for
    the examples quoted, their order): the distinct dates of a file in the order
    they first appear give the same answer as all of them.

    Parameters
    ----------
    text : pandas.Series of str
        The file's ``event_date`` cells.
    date_format : str, optional
        ``--date-format``: used first, before the non-numeric formats.
    path : str or pathlib.Path, optional
        The file, for error messages.

    Returns
    -------
    (tuple of str, list of str)

    Raises
    ------
    InputError
        Both orders, or slashed dates whose order nothing tells, and no ``date_format``.
    """
    if date_format:
        _check_date_format(date_format)
        numeric = {"%d-%m-%Y", "%d/%m/%Y"}
        formats = (date_format, *[f for f in DATE_FORMATS if f not in numeric])
        return formats, [f"dates read with --date-format {date_format}"]
    parts = text.fillna("").astype(str).str.strip().str.extract(_NUMERIC_DATE).dropna()
    if parts.empty:
        return DATE_FORMATS, []
    first, second = parts[0].astype(int), parts[2].astype(int)
    day_first, month_first = first > 12, second > 12
    where = f"{path}: " if path else ""
    if day_first.any() and month_first.any():
        examples = f"{text.loc[day_first[day_first].index[0]]!r} and {text.loc[month_first[month_first].index[0]]!r}"
        raise InputError(f"{where}event_date holds both day-first and month-first dates ({examples}); "
                         "fix the file or pass --date-format (e.g. %d/%m/%Y or %m/%d/%Y)")
    if month_first.any():
        us = tuple(f.replace("%d-%m", "%m-%d").replace("%d/%m", "%m/%d") for f in DATE_FORMATS)
        return us, [f"numeric dates are month first (US order, e.g. {text.loc[month_first[month_first].index[0]]!r})"]
    if not day_first.any() and (parts[1] == "/").any():
        raise InputError(f"{where}the dates with slashes (e.g. {text[parts.index[0]]!r}) could be day/month or "
                         "month/day: no day is above 12; pass --date-format %d/%m/%Y or %m/%d/%Y")
    return DATE_FORMATS, []


def make_rejects(raw, row_numbers, event_id, reason, field, value) -> pd.DataFrame:
    """A rejects table: :data:`REJECT_COLUMNS`, then the raw columns (``src_`` if they collide).

    Parameters
    ----------
    raw : pandas.DataFrame
        The rejected rows' own columns.
    row_numbers, event_id, reason, field, value : array-like
        One value per row of ``raw``: line in the file, id, one of
        :data:`REJECT_REASONS`, the field at fault and what it held.

    Returns
    -------
    pandas.DataFrame
    """
    raw = raw.reset_index(drop=True)
    raw = raw.rename(columns={c: f"src_{c}" for c in raw.columns if c in REJECT_COLUMNS})
    head = pd.DataFrame(
        {
            "row_number": np.asarray(row_numbers, dtype="int64"),
            "event_id": np.asarray(event_id, dtype=object),
            "reason": np.asarray(reason, dtype=object),
            "field": np.asarray(field, dtype=object),
            "value": np.asarray(value, dtype=object),
        }
    )
    return pd.concat([head, raw], axis=1)


def count_reasons(rejects: pd.DataFrame) -> dict:
    """Rejected rows per reason.

    Parameters
    ----------
    rejects : pandas.DataFrame
        A rejects table (:func:`make_rejects`).

    Returns
    -------
    dict
        ``{reason: count}`` in the order of :data:`REJECT_REASONS`, reasons with no row left out.
    """
    counts = rejects["reason"].value_counts()
    return order_reasons({reason: int(count) for reason, count in counts.items()})


def order_reasons(counts: dict) -> dict:
    """``{reason: count}`` in the order of :data:`REJECT_REASONS`, reasons not in it left out.

    A reason with a country's name (``"outside Mali beyond tolerance"``) takes the place of its
    template (``"outside {country} beyond tolerance"``).
    """
    ranked = {reason: _reason_rank(reason) for reason in counts}
    return {reason: counts[reason] for reason in sorted(counts, key=lambda r: (ranked[r], r))
            if ranked[reason] < len(REJECT_REASONS)}


_REASON_PATTERNS = tuple(re.compile(re.escape(reason).replace(re.escape("{country}"), ".+"))
                         for reason in REJECT_REASONS)


def _reason_rank(reason: str) -> int:
    return next((rank for rank, pattern in enumerate(_REASON_PATTERNS) if pattern.fullmatch(reason)),
                len(REJECT_REASONS))


def select(
    events,
    period=None,
    event_types=None,
    max_geo_precision=None,
    max_time_precision=None,
    civilian_targeting=None,
):
    """Rows of ``events`` matching every given filter (a copy; ``attrs`` kept).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical (or joined) events.
    period : geo_coi.periods.Period or (start, end), optional
        Inclusive date range; ends may be dates, ISO strings or timestamps.
    event_types : str or collection of str, optional
        Keep these event types only (e.g. :data:`REPORT_EVENT_TYPES`).
    max_geo_precision, max_time_precision : int, optional
        Keep events whose precision code is at most this (1 = most precise).
        Events whose precision is unknown (<NA>, e.g. UCDP's bundled extract)
        are dropped when a maximum is given.
    civilian_targeting : bool, optional
        True: only events that targeted civilians; False: only the others.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    period, event_types = _still_to_select(events, period, event_types)
    keep = pd.Series(True, index=events.index)
    if period is not None:
        start, end = _period_bounds(period)
        keep &= events["event_date"].between(start, end)
    if event_types is not None:
        wanted = [event_types] if isinstance(event_types, str) else list(event_types)
        unknown = sorted(set(wanted) - set(ACLED_EVENT_TYPES) - set(UCDP_EVENT_TYPES.values()))
        if unknown:
            raise InputError(
                f"unknown event type(s) {', '.join(map(repr, unknown))}: use ACLED's "
                f"{', '.join(ACLED_EVENT_TYPES)} or UCDP's {', '.join(UCDP_EVENT_TYPES.values())}"
            )
        keep &= events["event_type"].isin(wanted)
    for column, maximum in (("geo_precision", max_geo_precision), ("time_precision", max_time_precision)):
        if maximum is not None:
            keep &= (events[column] <= int(maximum)).fillna(False).astype(bool)
    if civilian_targeting is not None:
        keep &= events["civilian_targeting"].astype(bool) == bool(civilian_targeting)
    chosen = events[keep.to_numpy()].copy()
    chosen.attrs = dict(events.attrs)
    return chosen


def _still_to_select(events, period, event_types):
    """``period`` and ``event_types``, each None when ``events`` is already cut to it (``attrs["selection"]``)."""
    done = (getattr(events, "attrs", None) or {}).get(SELECTION_ATTR)
    if not done:
        return period, event_types

    if period is not None and str(Period.coerce(period)) == done["period"]:
        period = None
    if event_types is not None:
        wanted = {event_types} if isinstance(event_types, str) else set(event_types)
        if set(done["event_types"]) <= wanted:
            event_types = None
    return period, event_types


def lonlat(events) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes (float64 arrays) of the events' ``geometry``, the position's one source of truth.

    Parameters
    ----------
    events : geopandas.GeoDataFrame or pandas.DataFrame
        Canonical or joined events (EPSG:4326 points); an empty point gives NaN.
        A plain table without geometry (a CSV read back) has its position in
        its ``longitude``/``latitude`` columns; those are read instead.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
    """
    import shapely

    if "geometry" not in events:
        return tuple(pd.to_numeric(events[c], errors="coerce").to_numpy(float, na_value=np.nan)
                     for c in ("longitude", "latitude"))
    points = np.asarray(events["geometry"].array, dtype=object)
    lon, lat = np.full(len(points), np.nan), np.full(len(points), np.nan)
    given = ~(shapely.is_missing(points) | shapely.is_empty(points))
    lon[given], lat[given] = shapely.get_x(points[given]), shapely.get_y(points[given])
    return lon, lat


def _period_bounds(period) -> tuple[pd.Timestamp, pd.Timestamp]:
    period = Period.coerce(period)
    return pd.Timestamp(period.start), pd.Timestamp(period.end)


def joined_frame(events, what: str):
    """The joined frame of ``events`` (a :class:`geo_coi.pipeline.Events` or a joined frame); else an error.

    Here, below the renderers, so that a map can check its input without importing the pipeline.

    Parameters
    ----------
    events : geo_coi.pipeline.Events or geopandas.GeoDataFrame
    what : str
        Who asks (named in the error), e.g. ``"interactive_map"``.

    Raises
    ------
    InputError
        ``events`` has no admin columns: join them first (:func:`geo_coi.pipeline.load`).
    """
    frame = getattr(events, "joined", events)  # an Events holds its joined frame as .joined
    if "region_pcode" not in frame:
        raise InputError(f"{what}: the events are not joined to the admin units (no region_pcode column); "
                         "load them with geo_coi.pipeline.load(path) and pass the Events or its .joined")
    return frame
