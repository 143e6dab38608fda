"""ACLED events, as users have them, into the canonical table.

Accepted layouts (detected from the columns, whatever the container: CSV,
XLSX from the export tool, or the JSON the API returns, see
:mod:`geo_coi.sources._table`):

- the current 31-column export (``event_id_cnty`` … ``disorder_type``,
  ``civilian_targeting``, ``tags``, ``timestamp``);
- the pre-2023 schema (``data_id``, ``event_id_no_cnty``, ``iso3``; no
  ``disorder_type``, ``civilian_targeting`` or ``tags``);
- HDX's per-country files (a second row of HXL tags such as ``#event+code``,
  skipped);
- partial exports: only an id, ``event_date``, ``event_type``, ``latitude``
  and ``longitude`` are required; missing optional columns become <NA> or empty.

``civilian_targeting`` is True where ACLED's column says "Civilian
targeting" (it spans event types: attacks on civilians, but also explosions
and battles that targeted them). Files without the column (pre-2023 schema,
partial exports) fall back to ``event_type == "Violence against civilians"``,
which misses the explosions that targeted civilians; the read summary notes it.

A file counts as the synthetic demonstration data when every row's ``source``
column starts with ``"SYNTHETIC"``: its canonical ``source`` is then
``"ACLED-schema synthetic demo"`` and ``attrs["synthetic"]`` is True.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_coi.events import ACLED_EVENT_TYPES, REQUIRED_FIELDS
from geo_coi.sources._table import FileFacts, RawTable, ReadResult, assemble, no_problems, pick_columns

SOURCE = "ACLED"
SYNTHETIC_SOURCE = "ACLED-schema synthetic demo"
SYNTHETIC_MARK = "SYNTHETIC"

ALIASES = {
    "event_id": ("event_id_cnty", "event_id_no_cnty", "data_id"),
    "event_date": ("event_date",),
    "time_precision": ("time_precision",),
    "event_type": ("event_type",),
    "sub_event_type": ("sub_event_type",),
    "actor1": ("actor1",),
    "assoc_actor_1": ("assoc_actor_1",),
    "actor2": ("actor2",),
    "assoc_actor_2": ("assoc_actor_2",),
    "fatalities": ("fatalities",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "geo_precision": ("geo_precision",),
    "location": ("location",),
    "admin1_source": ("admin1",),
    "admin2_source": ("admin2",),
    "admin3_source": ("admin3",),
    "notes": ("notes",),
}
# Read but not repeated among the source columns: the canonical columns hold them.
DERIVED = ("civilian_targeting", "year")
# ACLED's ``timestamp``: the Unix time (UTC seconds) of the event's last upload, on every row of an export;
# outside 2000-01-01 .. 2100-01-01 (or not a whole number) it is damaged, e.g. a last row cut short.
TIMESTAMP_RANGE = (946_684_800, 4_102_444_800)


def looks_like(columns) -> bool:
    """Whether a header is ACLED's.

    Parameters
    ----------
    columns : iterable of str
        Column names as in the file (case and surrounding spaces forgiven).

    Returns
    -------
    bool
    """
    names = {str(c).strip().lower() for c in columns}
    return "event_type" in names or bool(names & {"event_id_cnty", "event_id_no_cnty"})


def read(table: RawTable, date_format=None, facts: FileFacts | None = None) -> ReadResult:
    """Read an ACLED table into the canonical events, rejects and summary.

    Parameters
    ----------
    table : RawTable
        The file as text (:func:`geo_coi.sources._table.read_table`).
    date_format : str, optional
        strftime format of ``event_date`` when the file's day/month order is ambiguous.
    facts : FileFacts, optional
        When ``table`` is one block of a file: what holds for the whole file.

    Returns
    -------
    geo_coi.sources.ReadResult

    Raises
    ------
    InputError
        A required column (:data:`geo_coi.events.REQUIRED_FIELDS`) is missing.
    """
    fields, used = pick_columns(table, ALIASES, REQUIRED_FIELDS, "ACLED")
    present = list(fields.columns)  # the canonical fields the file itself has (geo_coi.changes compares only those)
    notes = []
    targeting = table.column("civilian_targeting")
    if targeting is not None:
        flag = table.frame[targeting].str.strip().str.lower()
        fields["civilian_targeting"] = (flag == "civilian targeting").to_numpy()
        _flag_targeting(table, flag)
        present.append("civilian_targeting")
    else:
        event_type = fields["event_type"].str.strip().str.lower()
        fields["civilian_targeting"] = (event_type == "violence against civilians").to_numpy()
        notes.append('no civilian_targeting column: taken as event_type == "Violence against civilians"')
    _flag_timestamps(table)
    if table.column("fatalities") is None:
        notes.append("no fatalities column: every event's fatalities are unknown (<NA>), not 0")
    used += [table.column(c) for c in DERIVED if table.column(c) is not None]
    synthetic = facts.synthetic if facts else _is_synthetic(table)
    return assemble(
        table, fields, used,
        event_types=ACLED_EVENT_TYPES,
        source=SYNTHETIC_SOURCE if synthetic else SOURCE,
        notes=notes + (["synthetic demonstration data, not real ACLED events"] if synthetic else []),
        attrs={"synthetic": synthetic, "source_fields": tuple(present)},
        date_format=date_format,
        file_formats=facts.date_formats if facts else None,
    )


def _flag_targeting(table: RawTable, flag) -> None:
    """Mark rows whose civilian_targeting is neither blank nor ACLED's "Civilian targeting"."""
    odd = ~flag.isin(["", "civilian targeting"]).to_numpy()
    column = table.frame[table.column("civilian_targeting")]
    _add_problems(table, odd, "invalid civilian_targeting", "civilian_targeting",
                  lambda: column + ': ACLED writes "Civilian targeting" or leaves it blank')


def _flag_timestamps(table: RawTable) -> None:
    """Mark rows whose ``timestamp`` is not a Unix time within :data:`TIMESTAMP_RANGE` (blank included:
    ACLED fills it on every row, and a file cut off after the last separator leaves it blank).

    The timestamp dates the data ("data as of", :func:`geo_coi.style.data_as_of`): a damaged one is never used.
    """
    column = table.column("timestamp")
    if column is None:
        return
    text = table.frame[column].astype(str).str.strip()
    digits = text.str.fullmatch(r"[0-9]{1,12}").fillna(False).to_numpy(dtype=bool)
    seconds = pd.to_numeric(text.where(digits), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    odd = ~(digits & (seconds >= TIMESTAMP_RANGE[0]) & (seconds < TIMESTAMP_RANGE[1]))
    _add_problems(table, odd, "invalid timestamp", "timestamp",
                  lambda: text.where(text != "", "(blank)") + ": not a Unix time from 2000 to 2099 (a row cut short?)")


def _add_problems(table: RawTable, odd, reason: str, field: str, shown) -> None:
    """Give the rows of ``odd`` that have no problem yet this one (``shown()``: one value per row)."""
    if not odd.any():
        return
    if table.problems is None:
        table.problems = no_problems(len(table.frame))
    problems = table.problems
    free = odd & (problems["reason"] == "").to_numpy()
    problems.loc[free, "reason"] = reason
    problems.loc[free, "field"] = field
    problems.loc[free, "value"] = np.asarray(shown(), dtype=object)[free]


def _is_synthetic(table: RawTable) -> bool:
    """True when every row's ``source`` column starts with :data:`SYNTHETIC_MARK`."""
    source = table.column("source")
    if source is None:
        return False
    return synthetic_values(table.frame[source])


def synthetic_values(sources) -> bool:
    """True when every value of ``sources`` (a file's ``source`` cells, or their distinct values) is synthetic.

    Parameters
    ----------
    sources : pandas.Series of str

    Returns
    -------
    bool
    """
    return bool(sources.str.strip().str.upper().str.startswith(SYNTHETIC_MARK).all())
