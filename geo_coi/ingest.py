"""Checking an event file of any size: read, validate and join it a block at a time.

:func:`check_file` gives what ``geo-coi validate`` prints (every row
accepted, merged or rejected with its line and reason; the join's and the
admin-name agreement's counts) without ever holding the whole file: a plain
CSV (see :mod:`geo_coi.sources._blocks`; what ACLED's export and API write)
is read in two passes.

1. Only the id, date and ``source`` columns: which ids repeat, the file's
   day/month order (from its distinct dates) and whether it is the synthetic
   demo. These are the only answers that depend on the whole file.
2. Every column, a block at a time, through the same reader, validation and
   join as :func:`geo_coi.sources.read_events` and
   :func:`geo_coi.join.join_admin`. Rows whose id repeats are set aside and
   validated together at the end, so identical copies are merged and
   conflicting ones rejected exactly as in one piece.

Memory is one block plus a few bytes per row (the ids of pass 1); any other
file (XLSX, JSON, or a CSV with quoted line breaks, blank lines, uneven rows
...) is read whole by :func:`geo_coi.sources.read_events`, with the same
answers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo_coi.events import (
    REJECT_COLUMNS,
    ROW_NUMBER,
    count_reasons,
    date_formats,
    make_rejects,
    mark_notes,
)
from geo_coi.join import DEFAULT_TOLERANCE_KM, agreement_rates
from geo_coi.sources import SOURCES, _blocks, _detect, read_events
from geo_coi.sources import _table as tables
from geo_coi.sources.acled import synthetic_values

# Rows whose ids are equal after any strip (Python's str.isspace, Arrow's Unicode White_Space, both
# held by this set, plus the zero-width ones) are set aside together: a superset of real repeats is harmless.
_WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) + "\u180e\u200b\ufeff"
_AGREEMENT_COUNTS = ("agree", "boundary_vintage", "disagree", "unresolved", "missing")
# Counts of geo_coi.country_split.join's summary summed over blocks
_JOIN_SUMS = ("inside", "snapped", "rejected", "outside_packs", "other_countries", "near_border")


@dataclass
class Checked:
    """What :func:`check_file` returns.

    Attributes
    ----------
    read : dict
        As ``ReadResult.summary`` (:func:`geo_coi.sources.read_events`).
    join : dict
        As ``JoinResult.summary`` (:func:`geo_coi.join.join_admin`).
    agreement : dict
        As ``JoinResult.agreement_summary``.
    rejects : pandas.DataFrame
        The reader's rejects, in line order.
    join_rejects : pandas.DataFrame
        The join's (beyond the border tolerance), in line order.
    duplicates : pandas.DataFrame
        The merged identical copies (``row_number``, ``event_id``, ``same_as_row``).
    blocks : int
        Blocks read in pass 2 (0: the file was read whole).
    disagreements : pandas.DataFrame
        Rows whose ``country`` column names another country than their coordinates
        (level "country" of the agreement report, :mod:`geo_coi.country_split`), in line order.
    """

    read: dict
    join: dict
    agreement: dict
    rejects: pd.DataFrame
    join_rejects: pd.DataFrame
    duplicates: pd.DataFrame
    blocks: int = 0
    disagreements: pd.DataFrame | None = None


def check_file(path, *, source=None, date_format=None, tolerance_km=DEFAULT_TOLERANCE_KM,
               block_bytes=_blocks.BLOCK_BYTES, countries=None) -> Checked:
    """Read, validate and join ``path``, in bounded memory when it is a plain CSV.

    Parameters
    ----------
    path : str or pathlib.Path
        Any events file :func:`geo_coi.sources.read_events` reads.
    source : {"acled", "ucdp"}, optional
        Skip detection.
    date_format : str, optional
        As for :func:`geo_coi.sources.read_events`.
    tolerance_km : float
        As for :func:`geo_coi.join.join_admin`.
    block_bytes : int
        Bytes read at a time (memory grows with it, not with the file).
    countries : tuple of str, optional
        ISO3 codes of the countries kept (as ``annex --country``); default every
        bundled pack (:func:`geo_coi.country_split.join`).

    Returns
    -------
    Checked
        The same counts, rejects and duplicates as reading the file whole.

    Raises
    ------
    InputError
        As :func:`geo_coi.sources.read_events` and :func:`geo_coi.join.join_admin`.
    """
    path = Path(path)
    plan = _plan(path, source) if path.suffix.lower() not in tables.EXCEL_SUFFIXES + (".json",) else None
    if plan is not None:
        try:
            return _check_in_blocks(plan, date_format, tolerance_km, block_bytes, countries)
        except _blocks.NotPlain:
            pass
    result = read_events(path, source=source, date_format=date_format)
    joined = _join_split(result.events, tolerance_km, countries)
    return Checked(result.summary, joined.summary, joined.agreement_summary, result.rejects, joined.rejects,
                   result.duplicates, disagreements=_country_rows(joined.agreement))


@dataclass
class _Plan:
    """A plain CSV's header, its reader and the columns pass 1 reads."""

    head: _blocks.Header
    columns: list
    notes: list
    reader: object
    id_column: str
    date_column: str
    source_column: str | None
    hxl: bool = False


def _plan(path: Path, source) -> _Plan | None:
    """How to read ``path`` in blocks, or None when it must be read whole."""
    if not path.is_file():
        return None
    try:
        head, columns, notes = tables.plain_csv_header(path)
        first = next(_blocks.blocks(head, columns, block_bytes=1 << 16), None)
    except _blocks.NotPlain:
        return None
    if first is None:
        return None  # header only: read_events says so
    probe = tables.RawTable(pd.DataFrame(columns=columns), np.zeros(0, dtype="int64"), path, "csv", [])
    reader = SOURCES.get(str(source).lower()) if source else SOURCES[_detect(probe)]
    if reader is None:
        return None  # an unknown --source: read_events names the choices
    found = {name: next((probe.column(c) for c in reader.ALIASES[name] if probe.column(c) is not None), None)
             for name in ("event_id", "event_date")}
    if None in found.values():
        return None  # read_events names the missing column
    sample = tables.block_table(head, columns, notes, *first)
    tables._drop_hxl_row(sample)
    source_column = probe.column("source") if reader is SOURCES["acled"] else None
    return _Plan(head, columns, notes, reader, found["event_id"], found["event_date"], source_column,
                 hxl=len(sample.frame) < first[0].num_rows)


def _facts(plan: _Plan, date_format, block_bytes) -> tuple[tables.FileFacts, list, set]:
    """Pass 1: the file-wide answers (date formats and their notes; synthetic) and the repeated ids."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted = [c for c in (plan.id_column, plan.date_column, plan.source_column) if c]
    ids, dates, sources = [], {}, {}
    for number, (block, _) in enumerate(_blocks.blocks(plan.head, plan.columns, wanted, block_bytes)):
        if number == 0 and plan.hxl:
            block = block.slice(1)
        ids.append(pc.utf8_trim(block.column(plan.id_column), characters=_WHITESPACE))
        dates.update(dict.fromkeys(pc.unique(block.column(plan.date_column)).to_pylist()))
        if plan.source_column:
            sources.update(dict.fromkeys(pc.unique(block.column(plan.source_column)).to_pylist()))
    formats, notes = date_formats(pd.Series(list(dates), dtype=object), date_format, plan.head.path)
    counts = pc.value_counts(pa.chunked_array(ids, type=pa.string()))
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1)).to_pylist()
    synthetic = bool(plan.source_column) and synthetic_values(pd.Series(list(sources), dtype=object))
    return tables.FileFacts(tuple(formats), synthetic), notes, set(repeated) - {""}


def _check_in_blocks(plan: _Plan, date_format, tolerance_km, block_bytes, countries=None) -> Checked:
    import pyarrow as pa
    import pyarrow.compute as pc

    facts, date_notes, repeated = _facts(plan, date_format, block_bytes)
    value_set = pa.array(sorted(repeated), pa.string())
    notes = [*plan.notes, *([tables.HXL_NOTE] if plan.hxl else [])]
    tally, set_aside, number = _Tally(countries=countries), [], 0
    second_pass = _blocks.blocks(plan.head, plan.columns, None, block_bytes, quotes_checked=True)  # pass 1 did
    for number, (block, line) in enumerate(second_pass, start=1):
        if number == 1 and plan.hxl:
            block, line = block.slice(1), line + 1
        lines = np.arange(line, line + block.num_rows, dtype="int64")
        if repeated:  # split on the Arrow table: no row is turned into Python objects
            ids = pc.utf8_trim(block.column(plan.id_column), characters=_WHITESPACE)
            aside = pc.is_in(ids, value_set=value_set).to_numpy(zero_copy_only=False)
            if aside.any():
                set_aside.append((block.filter(aside), lines[aside]))
                block, lines = block.filter(~aside), lines[~aside]
        tally.add(tables.block_table(plan.head, plan.columns, notes, block, line, arrow=True, row_numbers=lines),
                  plan.reader, facts, date_format, tolerance_km)
    if number == 0:
        raise _blocks.NotPlain("no block")
    if set_aside:
        together = pa.concat_tables([part for part, _ in set_aside])
        lines = np.concatenate([numbers for _, numbers in set_aside])
        tally.add(tables.block_table(plan.head, plan.columns, notes, together, 0, arrow=True, row_numbers=lines),
                  plan.reader, facts, date_format, tolerance_km)
    if tally.first is None:
        raise _blocks.NotPlain("no row")  # read_events says what is wrong
    return tally.result(date_notes, number, tolerance_km)


@dataclass
class _Tally:
    """Counts, rejects and duplicates summed over the parts of a file."""

    countries: tuple | None = None
    read: dict = field(default_factory=lambda: dict.fromkeys(
        ("read", "accepted", "rejected", "duplicates_merged", "unknown_fatalities"), 0))
    join: dict = field(default_factory=lambda: dict.fromkeys(_JOIN_SUMS, 0))
    by_country: dict = field(default_factory=dict)
    not_joined: set = field(default_factory=set)
    disagreements: list = field(default_factory=list)
    agreement: dict = field(default_factory=dict)
    max_snap_km: float = 0.0
    first: dict | None = None
    rejects: list = field(default_factory=list)
    join_rejects: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    marks: dict = field(default_factory=lambda: {"unknown_fatalities": [], "late": []})

    def add(self, table: tables.RawTable, reader, facts, date_format, tolerance_km) -> None:
        if table.frame.empty:
            return
        result = reader.read(table, date_format=date_format, facts=facts)
        joined = _join(result.events, tolerance_km, self.countries)
        self.first = self.first or result.summary
        for key in self.read:
            self.read[key] += result.summary[key]
        for key in self.join:
            self.join[key] += joined.summary[key]
        self.max_snap_km = max(self.max_snap_km, joined.summary["max_snap_km"])
        for code, count in joined.summary["by_country"].items():
            self.by_country[code] = self.by_country.get(code, 0) + count
        self.not_joined.update(joined.summary["not_joined"])
        self.disagreements.append(_country_rows(joined.agreement))
        for level, counts in joined.agreement_summary.items():
            mine = self.agreement.setdefault(level, dict.fromkeys(_AGREEMENT_COUNTS, 0))
            for key in _AGREEMENT_COUNTS:
                mine[key] += counts[key]
        self.rejects.append(result.rejects)
        self.join_rejects.append(joined.rejects)
        self.duplicates.append(result.duplicates)
        for key, lines in result.marks.items():
            self.marks[key].append(lines)

    def result(self, date_notes: list, blocks: int, tolerance_km: float) -> Checked:
        read_rejects = _in_line_order(self.rejects)
        marks = {key: np.sort(np.concatenate(lines)) if lines else np.zeros(0, dtype="int64")
                 for key, lines in self.marks.items()}
        summary = {**self.read, "rejected_by_reason": count_reasons(read_rejects)}
        summary = {key: summary[key] for key in ("read", "accepted", "rejected", "rejected_by_reason",
                                                 "duplicates_merged", "unknown_fatalities")}
        summary.update({key: self.first[key] for key in ("file", "format", "source")})
        summary["notes"] = [*self.first["notes"], *date_notes, *mark_notes(marks)]
        join = {**self.join, "tolerance_km": float(tolerance_km), "max_snap_km": round(self.max_snap_km, 2),
                "by_country": dict(sorted(self.by_country.items())), "not_joined": sorted(self.not_joined)}
        agreement = {level: agreement_rates(counts) for level, counts in self.agreement.items()}
        duplicates = _in_line_order(self.duplicates)
        return Checked(summary, join, agreement, read_rejects, _in_line_order(self.join_rejects), duplicates, blocks,
                       disagreements=_in_line_order(self.disagreements))


def _join_split(events, tolerance_km, countries=None):
    """The events split by country and each country's joined (:func:`geo_coi.country_split.join`)."""
    from geo_coi.country_split import join

    return join(events, countries, tolerance_km=tolerance_km)


def _country_rows(agreement: pd.DataFrame) -> pd.DataFrame:
    """The country-level rows of an agreement table."""
    return agreement[agreement["level"] == "country"].reset_index(drop=True)


def _join(events, tolerance_km, countries=None):
    """:func:`_join_split` of the columns the join reads only; rejects with every column, as in full.

    The other columns only matter for the few rows the join rejects: they are
    not carried through the join, and are put back on its rejects.
    """
    from geo_coi.country_split import COUNTRY_COLUMN

    slim = _join_split(events[[c for c in (*_JOIN_READS, COUNTRY_COLUMN) if c in events]], tolerance_km, countries)
    where = pd.Index(events[ROW_NUMBER]).get_indexer(slim.rejects[ROW_NUMBER].to_numpy())
    raw = pd.DataFrame(events.iloc[where].drop(columns=[events.geometry.name, ROW_NUMBER]))
    head = slim.rejects[list(REJECT_COLUMNS)]
    slim.rejects = make_rejects(raw, *(head[c].to_numpy() for c in REJECT_COLUMNS))
    return slim


# The columns geo_coi.country_split.join and geo_coi.join.join_admin read (the rest only go into rejects)
_JOIN_READS = ("event_id", "latitude", "longitude", "admin1_source", "admin2_source", "geometry", ROW_NUMBER)


def _in_line_order(frames: list) -> pd.DataFrame:
    frame = pd.concat(frames, ignore_index=True)
    return frame.sort_values("row_number", kind="stable").reset_index(drop=True)
