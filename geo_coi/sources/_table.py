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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo_coi.errors import InputError

SEPARATORS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


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
        ``"csv"``, ``"xlsx"`` or ``"json"``.
    notes : list of str
        What the reader had to do (encoding fallback, skipped HXL row, separator).
    meta : dict
        The ``geo_coi`` member of a file written by :mod:`geo_coi.sources.acled_api`
        (query, access date), else empty.
    """

    frame: pd.DataFrame
    row_numbers: np.ndarray
    path: Path
    format: str
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

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


def read_table(path) -> RawTable:
    """Read ``path`` (CSV, XLSX or ACLED-API JSON) into a :class:`RawTable`.

    Parameters
    ----------
    path : str or pathlib.Path
        The container is told by the suffix or, failing that, by the first bytes.

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
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty; export the events again")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES or data[:4] == b"PK\x03\x04":
        table = _read_excel(path)
    elif suffix == ".json" or data.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"["):
        table = _read_json(path, data)
    else:
        table = _read_csv(path, data)
    _drop_hxl_row(table)
    if table.frame.empty:
        what = "holds no event records" if table.format == "json" else "has a header but no rows"
        raise InputError(f"{path}: the file {what}")
    return table


def _decode(path: Path, data: bytes) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), ["UTF-8 with byte-order mark"]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16"), ["UTF-16 text"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        # Latin-1 decodes any byte; cp1252 is what Excel on Windows writes and a superset
        # of Latin-1's printable range, so try it first.
        try:
            return data.decode("cp1252"), ["not UTF-8: decoded as Windows-1252/Latin-1"]
        except UnicodeDecodeError:
            return data.decode("latin-1"), ["not UTF-8: decoded as Latin-1"]


def _sniff_separator(path: Path, header: str) -> str:
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    if counts[best] == 0:
        raise InputError(
            f"{path}: the header line has a single column (no comma, semicolon or tab); "
            "save the file as CSV separated by commas, semicolons or tabs"
        )
    return best


def _read_csv(path: Path, data: bytes) -> RawTable:
    text, notes = _decode(path, data)
    if "\r" in text and "\n" not in text:  # "CSV (Macintosh)" from old Excel: CR line ends only
        text = text.replace("\r", "\n")
        notes.append("CR line ends (old Mac Excel)")
    header = text.lstrip("\r\n").split("\n", 1)[0]
    sep = _sniff_separator(path, header)
    if sep != ",":
        notes.append(f"separator {sep!r}")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=True, engine="c",
        )
    except pd.errors.ParserError as exc:
        message = str(exc).strip().splitlines()[-1]
        if "EOF" in message:
            raise InputError(
                f"{path}: the file is truncated (a quoted field is never closed: {message}); "
                "download or export it again"
            ) from None
        raise InputError(f"{path}: not a well-formed table ({message})") from None
    _check_last_row(path, text, sep, len(frame.columns))
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, _line_numbers(text, sep, len(frame)), path, "csv", notes)


def _check_last_row(path: Path, text: str, sep: str, width: int) -> None:
    """A file cut off mid-row ends without a newline and with a short last row."""
    if text.endswith(("\n", "\r")):
        return
    last = text.rsplit("\n", 1)[-1]
    fields = next(csv.reader([last], delimiter=sep), [])
    if 0 < len(fields) < width:
        line = text.count("\n") + 1
        raise InputError(
            f"{path}: the file is truncated: line {line} has {len(fields)} of {width} "
            "columns and no line end; download or export it again"
        )


def _line_numbers(text: str, sep: str, n_rows: int) -> np.ndarray:
    """Line on which each data row starts (header = line 1)."""
    newlines = text.count("\n")
    trailing = 1 if text.endswith("\n") else 0
    if newlines - trailing == n_rows and "\n\n" not in text and "\r\n\r\n" not in text:
        # the usual case: one physical line per row
        return np.arange(2, n_rows + 2, dtype="int64")
    # quoted line breaks or blank lines: let the csv module count physical lines
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts, previous_end = [], 0
    for row in reader:
        if row:
            starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts[1 : n_rows + 1], dtype="int64")


def _read_excel(path: Path) -> RawTable:
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(
            f"{path}: cannot read it as an Excel workbook ({exc}); save it again as .xlsx or export it as CSV"
        ) from None
    frame = frame.dropna(how="all")
    row_numbers = frame.index.to_numpy(dtype="int64") + 2
    frame = frame.map(_cell_text).reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, row_numbers, path, "xlsx", ["Excel workbook, first sheet"])


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
    return RawTable(frame, row_numbers, path, "json", ["ACLED API JSON"], meta)


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
        table.notes.append("skipped the HXL hashtag row (HDX file)")


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
        ``duplicates_merged``, plus ``file``, ``format``, ``source`` and ``notes``.
    """

    events: object
    rejects: pd.DataFrame
    summary: dict

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
        self.rejects.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        return path


def assemble(table: RawTable, fields: pd.DataFrame, used, *, event_types, source: str, notes=(), attrs=None):
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

    Returns
    -------
    ReadResult
    """
    from geo_coi import events as schema
    from geo_coi.style import event_credit

    checked = schema.validate(fields, table.frame, table.row_numbers, event_types=event_types, source=source)
    taken = set(schema.CANONICAL_COLUMNS) | set(schema.JOINED_COLUMNS)
    extras = table.frame.drop(columns=list(used)).loc[checked.events.index]
    extras = extras.rename(columns={c: f"src_{c}" for c in extras.columns if c in taken})
    events = pd.concat([checked.events, extras], axis=1).reset_index(drop=True)
    events = events.set_geometry("geometry")
    summary = {
        **checked.summary,
        "file": str(table.path),
        "format": table.format,
        "source": source,
        "notes": [*table.notes, *notes],
    }
    events.attrs = {
        "source": source,
        "synthetic": False,
        "access_date": table.meta.get("access_date"),
        "input_file": str(table.path),
        **(attrs or {}),
        "read_summary": summary,
    }
    events.attrs["credit"] = event_credit(events.attrs)
    return ReadResult(events, checked.rejects, summary)
