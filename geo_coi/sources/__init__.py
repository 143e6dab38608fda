"""Readers of event files into the canonical table of :mod:`geo_coi.events`.

:func:`read_events` reads ACLED (CSV, XLSX, API JSON; current and pre-2023
schemas, HDX files, partial exports) and UCDP GED CSV files, tells them apart
by their columns, and accounts for every input row: accepted, merged as an
identical duplicate, or rejected with a reason.
"""

from __future__ import annotations

from geo_coi import store
from geo_coi.errors import InputError
from geo_coi.sources import acled, ucdp
from geo_coi.sources._table import ReadResult, read_table

__all__ = ["ReadResult", "read_events", "SOURCES"]

SOURCES = {"acled": acled, "ucdp": ucdp}


def read_events(path, *, source=None, date_format=None) -> ReadResult:
    """Read an event file into the canonical table, with its rejects and a summary.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV (``,`` ``;`` or tab separated; UTF-8, UTF-8 with BOM or Latin-1),
        XLSX, JSON as the ACLED API returns it (``{"data": [...]}`` or a list
        of records), or an edition of an ACLED store: ``STORE@DATE``, a store
        folder (its latest edition) or the edition's GeoParquet file (see
        :func:`geo_coi.store.resolve_events`).
    source : {"acled", "ucdp"}, optional
        Skip detection; by default the columns decide.
    date_format : str, optional
        strftime format of the dates (e.g. ``"%m/%d/%Y"``) for a file whose day
        and month order cannot be told from its own dates.

    Returns
    -------
    ReadResult
        ``.events`` (GeoDataFrame, EPSG:4326; ``attrs`` carry source, synthetic,
        access_date, input_file, credit, read_summary), ``.rejects`` and
        ``.summary`` (read, accepted, rejected, rejected_by_reason,
        duplicates_merged, notes).

    Raises
    ------
    InputError
        The file is missing, empty, truncated, not a table, or lacks a column
        the reader needs (the message names the file and the column).
    """
    table = read_table(store.resolve_events(path),
                       is_events_header=lambda header: ucdp.looks_like(header) or acled.looks_like(header))
    if source is None:
        source = _detect(table)
    reader = SOURCES.get(str(source).lower())
    if reader is None:
        raise InputError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    return reader.read(table, date_format=date_format)


def _detect(table) -> str:
    columns = table.frame.columns
    if ucdp.looks_like(columns):
        return "ucdp"
    if acled.looks_like(columns):
        return "acled"
    raise InputError(
        f"{table.path}: neither an ACLED file (no 'event_type' column) nor a UCDP GED file "
        f"(no 'type_of_violence' and 'best' columns) among its {len(columns)} columns; check the file"
    )
