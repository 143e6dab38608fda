"""Reading an event file into a table of strings, whatever its container.

Shared by the ACLED and UCDP readers: CSV (any of ``,`` ``;`` or tab as the
separator, UTF-8 with or without BOM, Latin-1 as a fallback), XLSX, and the
JSON the ACLED API returns. Every cell comes back as a ``str`` (empty string
when blank) and every row keeps the position it had in the file, so a reject
can point at it:

- CSV/XLSX: the line (row) number in the file, 1-based, the header being
  line 1 (a quoted field spanning lines counts its first line);
- JSON: the record's 1-based index in the ``data`` list.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo_coi import events as schema
from geo_coi.atomic import write_text
from geo_coi.errors import InputError
from geo_coi.sources import _blocks
from geo_coi.spreadsheet import csv_text

if TYPE_CHECKING:
    import geopandas

SEPARATORS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
HXL_NOTE = "skipped the HXL hashtag row (HDX file)"


@dataclass
class RawTable:
    """A file's rows as strings, with where each row came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        One column per source column, every value a ``str``.
    row_numbers : numpy.ndarray of int64
        Line number (CSV/XLSX) or record index (JSON) of each row, 1-based.
    path : pathlib.Path
    format : str
        ``"csv"``, ``"xlsx"``, ``"json"`` or ``"parquet"``.
    notes : list of str
        What the reader had to do (encoding fallback, skipped HXL row, separator).
    meta : dict
        The ``geo_coi`` member of a file written by :mod:`geo_coi.sources.acled_api`
        (query, access date), else empty.
    problems : pandas.DataFrame or None
        Per row ``reason``/``field``/``value`` of what the container already shows
        wrong (``"truncated row"``: fewer fields than the header), ``""`` when
        nothing; None means no row has a problem.
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    path: Path
    format: str
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    problems: pd.DataFrame | None = None

    def column(self, name: str) -> str | None:
        """The file's own spelling of column ``name`` (case and spaces forgiven), or None.

        Parameters
        ----------
        name : str
            Lower-case column name, e.g. ``"civilian_targeting"``.

        Returns
        -------
        str or None
        """
        return next((c for c in self.frame.columns if str(c).strip().lower() == name), None)


def read_table(path, is_events_header=None) -> RawTable:
    """Read ``path`` (CSV, XLSX or ACLED-API JSON) into a :class:`RawTable`.

    Parameters
    ----------
    path : str or pathlib.Path
        The container is told by the suffix or, failing that, by the first bytes.
    is_events_header : callable, optional
        Given a sheet's header (list of str), whether it is an events table: every
        such sheet of a workbook is read. By default only the first sheet.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        The file is missing, empty, truncated or not a table.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip() and not path.read_bytes().strip():
        raise InputError(f"{path}: the file is empty; export the events again")
    suffix = path.suffix.lower()
    if suffix == ".parquet" or head[:4] == b"PAR1":
        table = _read_parquet(path)
    elif suffix in EXCEL_SUFFIXES or head[:4] == b"PK\x03\x04":
        table = _read_excel(path, is_events_header)
    elif suffix == ".json" or head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"["):
        table = _read_json(path, path.read_bytes())
    else:
        table = read_plain_csv(path) or _read_csv(path, path.read_bytes())
    _drop_hxl_row(table)
    if table.frame.empty:
        what = "holds no event records" if table.format == "json" else "has a header but no rows"
        raise InputError(f"{path}: the file {what}")
    return table


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Text of ``data``: UTF-16 when it says so, else UTF-8 line by line (Windows-1252 where not)."""
    notes = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), ["UTF-16 text"]
        except UnicodeDecodeError:
            raise InputError(
                f"{path}: UTF-16 text of {len(data)} bytes that does not decode (odd length or a cut "
                "character: the file is truncated); export it again"
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        notes.append("UTF-8 with byte-order mark")
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    lines: list[str] = []
    fallback = []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            # cp1252 is what Excel on Windows writes; Latin-1 decodes the 5 bytes cp1252 lacks
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(line.decode("latin-1"))
            fallback.append(number)
    notes.append(f"not UTF-8 on {_some_lines(fallback)}: decoded as Windows-1252/Latin-1 there, UTF-8 elsewhere")
    return "".join(lines), notes


def _some_lines(numbers, limit: int = 20) -> str:
    """``line 5`` / ``lines 5, 9 and 3 more``: a short list of line numbers for a note."""
    numbers = list(numbers)
    shown = ", ".join(map(str, numbers[:limit]))
    more = f" and {len(numbers) - limit} more" if len(numbers) > limit else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _sniff_separator(path: Path, header: str) -> str:
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise InputError(
            f"{path}: the header line has a single column (no comma, semicolon or tab); "
            "save the file as CSV separated by commas, semicolons or tabs"
        )
    return best


def plain_csv_header(path) -> tuple[_blocks.Header, list, list]:
    """The header of a plain CSV (see :mod:`geo_coi.sources._blocks`), its unique column names and notes.

    Raises
    ------
    geo_coi.sources._blocks.NotPlain
        The file needs :func:`read_table`'s exact reader.
    """
    head = _blocks.header(path, _sniff_separator)
    notes = [*head.notes, *([f"separator {head.sep!r}"] if head.sep != "," else [])]
    return head, _unique_columns([c.strip() for c in head.names], notes), notes


def block_table(head: _blocks.Header, columns: list, notes: list, block, first_line: int,
                arrow: bool = False, row_numbers=None) -> RawTable:
    """One block of a plain CSV as a :class:`RawTable` (rows repeating the header flagged).

    ``arrow``: text in pandas' Arrow-backed ``str`` dtype instead of Python objects
    (see :func:`geo_coi.sources._blocks.frame`). ``row_numbers``: the line of each
    row, when ``block`` is not consecutive lines from ``first_line`` on (a selection of rows).
    """
    frame = _blocks.frame(block, arrow)
    if row_numbers is None:
        row_numbers = np.arange(first_line, first_line + len(frame), dtype="int64")
    table = RawTable(frame, np.asarray(row_numbers, dtype="int64"), head.path, "csv", list(notes))
    repeated = (frame[columns[0]] == head.names[0]).to_numpy(dtype=bool).copy()
    for name, written in zip(columns[1:], head.names[1:], strict=True):
        if not repeated.any():
            break
        repeated[repeated] = (frame[name][repeated] == written).to_numpy(dtype=bool)
    if repeated.any():
        table.problems = no_problems(len(frame))
        table.problems.loc[repeated, ["reason", "field", "value"]] = ["repeated header row", "(row)",
                                                                      "two files joined?"]
    return table


def read_plain_csv(path) -> RawTable | None:
    """The whole of a plain CSV, read fast in blocks (exact line numbers), or None if it is not plain.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    RawTable or None
        None: read it with the exact reader, which handles (and names) every irregularity.
    """
    try:
        head, columns, notes = plain_csv_header(path)
        parts = [block_table(head, columns, notes, block, first) for block, first in _blocks.blocks(head, columns)]
    except _blocks.NotPlain:
        return None
    if not parts:
        return RawTable(pd.DataFrame(columns=columns), np.zeros(0, dtype="int64"), path, "csv", notes)
    table = RawTable(pd.concat([p.frame for p in parts], ignore_index=True),
                     np.concatenate([p.row_numbers for p in parts]), path, "csv", notes)
    if any(p.problems is not None for p in parts):
        table.problems = pd.concat([p.problems if p.problems is not None else no_problems(len(p.frame))
                                    for p in parts], ignore_index=True)
    return table


def _read_csv(path: Path, data: bytes) -> RawTable:
    text, notes = _decode(path, data)
    if "\r" in text and "\n" not in text:
        notes.append("CR line ends (old Mac Excel)")
    header_line = re.split(r"[\r\n]", text.lstrip("\r\n"), maxsplit=1)[0]
    sep = _sniff_separator(path, header_line)
    if sep != ",":
        notes.append(f"separator {sep!r}")
    rows, starts = _csv_rows(path, text, sep)
    _check_last_row(path, text, rows, starts)
    header, rows, starts = rows[0], rows[1:], starts[1:]
    width = len(header)
    if header and header[-1].strip() == "" and rows and all(len(r) == width and r[-1] == "" for r in rows):
        header, width = header[:-1], width - 1  # a separator at the end of every line, header too
        rows = [r[:-1] for r in rows]
        notes.append("a separator ends every line: the empty last column is ignored")
    trailing = [i for i, r in enumerate(rows) if len(r) == width + 1 and r[-1].strip() == ""]
    for i in trailing:
        rows[i] = rows[i][:-1]
    if trailing:
        notes.append(f"a separator ends {_some_lines(starts[i] for i in trailing)}: the empty extra field is ignored")
    problems = _width_problems(rows, width)
    repeated = np.fromiter((r[:width] == header for r in rows), dtype=bool, count=len(rows))
    problems.loc[repeated, ["reason", "field", "value"]] = ["repeated header row", "(row)", "two files joined?"]
    uneven = np.flatnonzero(problems["value"].to_numpy() != "")
    for row in uneven.tolist():  # kept (for the rejects table) at the header's width
        rows[row] = rows[row][:width] + [""] * (width - len(rows[row]))
    columns = _unique_columns([c.strip() for c in header], notes)
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)
    table = RawTable(frame, np.asarray(starts, dtype="int64"), path, "csv", notes)
    table.problems = problems
    return table


def _csv_rows(path: Path, text: str, sep: str) -> tuple[list, list]:
    """Every non-blank row and the line it starts on (CR, LF and CRLF all end a line)."""
    csv.field_size_limit(2**31 - 1)  # a 200 MB notes field is still one field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows, starts, previous_end = [], [], 0
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip()):  # blank and whitespace-only lines hold no row
                rows.append(row)
                starts.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise InputError(
                f"{path}: the file is truncated (a quoted field opened on line {previous_end + 1} is "
                "never closed); download or export it again"
            ) from None
        raise InputError(
            f"{path}: line {reader.line_num}: not well-formed CSV ({exc}); fix the quotes on that line"
        ) from None
    if "\n" in text and re.search(r"\r(?!\n)", text):
        starts = _lf_lines(text)[np.asarray(starts, dtype="int64") - 1].tolist()
    return rows, starts


def _lf_lines(text: str) -> np.ndarray:
    """For each line as the csv module counts them (CR, LF, CRLF), its line in an editor (LF only).

    A lone CR in an LF file (a flipped byte) ends a row for the csv module but
    not a line for the user: rejects must name the line the user sees.
    """
    breaks = [m.group() for m in re.finditer(r"\r\n|\r|\n", text)]
    return np.concatenate([[1], 1 + np.cumsum([b != "\r" for b in breaks], dtype="int64")])


def _width_problems(rows: list, width: int) -> pd.DataFrame:
    """``reason``/``field``/``value`` for rows with fewer or more fields than the header ("" if fine)."""
    counts = np.fromiter((len(r) for r in rows), dtype="int64", count=len(rows))
    problems = no_problems(len(rows))
    short, long = counts < width, counts > width
    problems.loc[short, "reason"] = "truncated row"
    problems.loc[long, "reason"] = "extra fields"
    shown = pd.Series(counts).astype(str) + f" of {width} fields"
    problems.loc[short | long, "field"] = "(row)"
    problems.loc[short | long, "value"] = shown[short | long]
    return problems


def no_problems(n_rows: int) -> pd.DataFrame:
    """A problems table of ``n_rows`` rows with nothing wrong (see :attr:`RawTable.problems`).

    Parameters
    ----------
    n_rows : int

    Returns
    -------
    pandas.DataFrame
        Columns ``reason``, ``field``, ``value``, all ``""``.
    """
    return pd.DataFrame({"reason": [""] * n_rows, "field": [""] * n_rows, "value": [""] * n_rows}, dtype=object)


def _unique_columns(names: list, notes: list) -> list:
    """``names`` with repeats renamed ``name.2``, ``name.3`` (noted: the first is the one used)."""
    seen: dict[str, list[int]] = {}
    result = []
    for position, name in enumerate(names, start=1):
        key = name.lower()
        seen.setdefault(key, []).append(position)
        count = len(seen[key])
        result.append(name if count == 1 else f"{name}.{count}")
    for positions in seen.values():
        if len(positions) > 1:
            notes.append(f"column {names[positions[0] - 1]!r} appears {len(positions)} times (columns "
                         f"{', '.join(map(str, positions))}): the first is used, the others kept as "
                         f"{names[positions[0] - 1]}.2...")
    return result


def _check_last_row(path: Path, text: str, rows: list, starts: list) -> None:
    """A file cut off mid-row ends without a newline and with a short last row."""
    if text.endswith(("\n", "\r")) or len(rows) < 2:
        return
    width, last = len(rows[0]), rows[-1]
    if 0 < len(last) < width:
        raise InputError(
            f"{path}: the file is truncated: line {starts[-1]} has {len(last)} of {width} "
            "columns and no line end; download or export it again"
        )


def _read_excel(path: Path, is_events_header=None) -> RawTable:
    """Every sheet whose header ``is_events_header`` accepts (all of them when None), stacked."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(
            f"{path}: cannot read it as an Excel workbook ({exc}); save it again as .xlsx or export it as CSV"
        ) from None
    sheets = {name: sheet.dropna(how="all") for name, sheet in sheets.items()}
    headers = {name: [_cell_text(c).strip() for c in sheet.iloc[0]] for name, sheet in sheets.items() if len(sheet)}
    if not headers:
        raise InputError(f"{path}: the workbook has no rows; export the events again")
    chosen = [n for n, h in headers.items() if is_events_header is None or is_events_header(h)]
    if is_events_header is None or not chosen:
        chosen = chosen[:1] or list(headers)[:1]
    if len({tuple(headers[n]) for n in chosen}) > 1:
        raise InputError(
            f"{path}: the sheets {', '.join(map(repr, chosen))} hold events under different headers; "
            "keep one sheet (or give them the same columns) and try again"
        )
    notes = []
    skipped = [n for n in sheets if n not in chosen]
    if skipped:
        notes.append(f"Excel workbook: read sheet{'s' if len(chosen) > 1 else ''} "
                     f"{', '.join(map(repr, chosen))}; skipped {', '.join(map(repr, skipped))} "
                     "(no events header)")
    frames, numbers = [], []
    for name in chosen:
        sheet = sheets[name]
        body = sheet.iloc[1:]
        frames.append(body.set_axis(_unique_columns(headers[name], notes), axis=1))
        numbers.append(body.index.to_numpy(dtype="int64") + 1)
        if len(chosen) > 1:
            frames[-1] = frames[-1].assign(sheet=name)
            notes.append(f"sheet {name!r}: {len(body)} rows (lines 2 to {int(sheet.index.max()) + 1})")
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    frame = _excel_serial_dates(frame, notes).map(_cell_text)
    return RawTable(frame, np.concatenate(numbers), path, "xlsx", notes)


def _excel_serial_dates(frame: pd.DataFrame, notes: list) -> pd.DataFrame:
    """Dates stored as Excel serial numbers (45000 = 2023-03-15) in a ``*date*`` column, as dates."""
    for column in [c for c in frame.columns if "date" in str(c).lower()]:
        cells = frame[column]
        serial = cells.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                           and 1 <= v < 2958466 and float(v).is_integer())
        if serial.any():
            days = pd.to_numeric(cells[serial]).astype("int64")
            frame.loc[serial, column] = list(pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D"))
            notes.append(f"{int(serial.sum())} Excel serial date numbers in {column!r} read as dates")
    return frame


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if hasattr(value, "isoformat"):  # datetime, pandas.Timestamp: the date only
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_json(path: Path, data: bytes) -> RawTable:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); the download may be truncated") from None
    except RecursionError:
        raise InputError(f"{path}: the JSON is nested too deeply to be an event list; download it again") from None
    records = payload.get("data") if isinstance(payload, dict) else payload
    if isinstance(payload, dict) and payload.get("success") is False:
        raise InputError(f"{path}: the ACLED API answered with an error: {payload.get('error', payload)}")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(
            f"{path}: expected the ACLED API's {{'data': [...]}} or a list of event records"
        )
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    row_numbers = np.arange(1, len(frame) + 1, dtype="int64")
    meta = payload.get("geo_coi", {}) if isinstance(payload, dict) else {}
    notes = ["ACLED API JSON"]
    if not isinstance(meta, dict):
        notes.append(f"the 'geo_coi' member is not an object ({type(meta).__name__}): ignored, no access date")
        meta = {}
    return RawTable(frame, row_numbers, path, "json", notes, meta)


def _read_parquet(path: Path) -> RawTable:
    """A (Geo)Parquet table, such as an edition of :mod:`geo_coi.store`: every column but the geometry, as text.

    Row numbers are 1-based row indexes; the ``geo_coi`` key of the file's metadata
    (an edition's access date, query and counts) becomes :attr:`RawTable.meta`.
    """
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: cannot read it as a Parquet file ({exc}); copy or download it again") from None
    metadata = table.schema.metadata or {}
    try:
        geometry = json.loads(metadata.get(b"geo", b"{}")).get("primary_column")
        meta = json.loads(metadata.get(b"geo_coi", b"{}"))
    except (ValueError, AttributeError):
        geometry, meta = None, {}
    if geometry in table.column_names:
        table = table.drop_columns([geometry])
    frame = table.to_pandas()
    frame = frame.astype(object).where(frame.notna(), "").astype(str).astype(object)
    edition = meta.get("edition") if isinstance(meta, dict) else None
    notes = [f"ACLED store edition {edition['id']} (accessed {edition['access_date']})"] if edition else ["Parquet"]
    return RawTable(frame, np.arange(1, len(frame) + 1, dtype="int64"), path, "parquet", notes,
                    meta if isinstance(meta, dict) else {})


def _drop_hxl_row(table: RawTable) -> None:
    """HDX files carry HXL hashtags (``#event+code``) in their first data row."""
    frame = table.frame
    if frame.empty:
        return
    first = frame.iloc[0].astype(str).str.strip()
    tagged = first[first != ""]
    if len(tagged) and tagged.str.startswith("#").all():
        table.frame = frame.iloc[1:].reset_index(drop=True)
        table.row_numbers = table.row_numbers[1:]
        if table.problems is not None:
            table.problems = table.problems.iloc[1:].reset_index(drop=True)
        table.notes.append(HXL_NOTE)


def pick_columns(table: RawTable, aliases: dict, required, what: str) -> tuple[pd.DataFrame, list]:
    """Canonical text columns from the first present alias of each (case-insensitive).

    Parameters
    ----------
    table : RawTable
    aliases : dict
        canonical name -> tuple of source column names, best first.
    required : collection of str
        Canonical names the file must provide.
    what : str
        The kind of file, for the error message (``"ACLED"``, ``"UCDP GED"``).

    Returns
    -------
    (pandas.DataFrame, list of str)
        The canonical columns found, and the source columns they came from.

    Raises
    ------
    InputError
        A required column is missing; the message names the file and the column.
    """
    fields, used = {}, []
    for name, candidates in aliases.items():
        column = next((table.column(c) for c in candidates if table.column(c) is not None), None)
        if column is None:
            if name in required:
                raise InputError(
                    f"{table.path}: no {' or '.join(repr(c) for c in candidates)} column "
                    f"(needed for {name} in a {what} file); found: "
                    f"{', '.join(map(str, table.frame.columns[:12]))}"
                )
            continue
        fields[name] = table.frame[column]
        used.append(column)
    return pd.DataFrame(fields, index=table.frame.index), used


@dataclass(frozen=True)
class FileFacts:
    """What a reader must know of the whole file when it reads one block of it (:mod:`geo_coi.ingest`).

    Attributes
    ----------
    date_formats : tuple of str
        From :func:`geo_coi.events.date_formats` over the file's distinct dates.
    synthetic : bool
        Whether every row of the file is synthetic demonstration data (ACLED).
    """

    date_formats: tuple
    synthetic: bool = False


@dataclass
class ReadResult:
    """What :func:`geo_coi.sources.read_events` returns.

    Attributes
    ----------
    events : geopandas.GeoDataFrame
        The canonical event table (see :mod:`geo_coi.events`).
    rejects : pandas.DataFrame
        One row per rejected input row (see :data:`geo_coi.events.REJECT_COLUMNS`).
    summary : dict
        ``read``, ``accepted``, ``rejected``, ``rejected_by_reason``,
        ``duplicates_merged``, ``unknown_fatalities``, plus ``file``, ``format``,
        ``source`` and ``notes``.
    duplicates : pandas.DataFrame
        One row per merged identical copy: ``row_number``, ``event_id``,
        ``same_as_row`` (the line of the copy that was kept).
    """

    events: geopandas.GeoDataFrame
    rejects: pd.DataFrame
    summary: dict
    duplicates: pd.DataFrame | None = None
    marks: dict | None = None  # geo_coi.events.Validated.marks

    def write_rejects(self, path) -> Path:
        """Write the rejects table as UTF-8 CSV (header only when nothing was rejected).

        Parameters
        ----------
        path : str or pathlib.Path

        Returns
        -------
        pathlib.Path
            The file written (the same bytes for the same input).
        """
        path = Path(path)
        write_text(path, csv_text(self.rejects))
        return path


def assemble(table: RawTable, fields: pd.DataFrame, used, *, event_types, source: str, notes=(), attrs=None,
             date_format=None, file_formats=None):
    """Validate a reader's canonical text columns and append the source's other columns.

    Parameters
    ----------
    table : RawTable
    fields : pandas.DataFrame
        Canonical columns as text (``civilian_targeting`` as bool).
    used : collection of str
        Source columns copied unchanged into ``fields``: not repeated in the events.
    event_types : collection of str
        The event types this source may use.
    source : str
        Value of the canonical ``source`` column and of ``attrs["source"]``.
    notes : sequence of str
        What the reader derived, for the summary.
    attrs : dict, optional
        More table metadata (``synthetic``, ``access_date``).
    date_format : str, optional
        strftime format of ``event_date`` (``--date-format``), when the file's own is ambiguous.
    file_formats : tuple of str, optional
        Date formats chosen for the whole file when ``table`` is one block of it
        (see :func:`geo_coi.events.validate`).

    Returns
    -------
    ReadResult
    """
    access_date = (attrs or {}).get("access_date", table.meta.get("access_date"))
    checked = schema.validate(fields, table.frame, table.row_numbers, event_types=event_types, source=source,
                              problems=table.problems, date_format=date_format, access_date=access_date,
                              path=table.path, file_formats=file_formats)
    taken = set(schema.CANONICAL_COLUMNS) | set(schema.JOINED_COLUMNS)
    extras = table.frame.drop(columns=list(used)).iloc[checked.events.index.to_numpy()]  # positions: faster than .loc
    extras.index = checked.events.index
    extras = extras.rename(columns={c: f"src_{c}" for c in extras.columns if c in taken})
    events = pd.concat([checked.events, extras], axis=1).reset_index(drop=True)
    events = events.set_geometry("geometry")
    summary = {
        **checked.summary,
        "file": str(table.path),
        "format": table.format,
        "source": source,
        "notes": [*table.notes, *notes, *checked.summary.pop("notes")],
    }
    events.attrs = {
        "source": source,
        "synthetic": False,
        "access_date": table.meta.get("access_date"),
        **({"edition": table.meta["edition"]} if "edition" in table.meta else {}),
        "input_file": str(table.path),
        "source_fields": tuple(fields.columns),  # canonical fields read from the file, not derived
        **(attrs or {}),
        "read_summary": summary,
    }
    return ReadResult(events, checked.rejects, summary, checked.duplicates, checked.marks)
