r"""Tables out: CSV data files and the XLSX workbook, safe with hostile text from the data.

Text in the events (actor names, notes, rejected values) can be anything. Two
rules keep it inert:

- **CSVs are data files** (RFC 4180, UTF-8): every value is written exactly as
  read, so they round-trip into pandas, R or QGIS unchanged. A field holding a
  line break or a bare carriage return is quoted, so it never splits a row. A
  text starting with ``=``, ``+``, ``-`` or ``@`` is *not* altered; CSVs are not
  meant to be opened in a spreadsheet program (it may run such a text as a
  formula). The spreadsheet deliverable is ``tables.xlsx``.
- **XLSX cells are never formulas**: every text cell is stored as a string
  (openpyxl ``data_type="s"``), so ``=HYPERLINK(...)`` shows as text. Control
  characters that XLSX cannot hold (NUL, ``\x0b`` ...) are written as
  ``\x00``-style escapes.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

# Characters XML 1.0 (hence XLSX) cannot hold; tab, line feed and carriage return are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(frame: pd.DataFrame, index: bool = False) -> str:
    r"""CSV text of ``frame`` with ``\n`` line ends; fields with a bare CR are quoted.

    Parameters
    ----------
    frame : pandas.DataFrame
    index : bool
        Write the index as the first column.

    Returns
    -------
    str
        Same values as the frame, byte-identical for the same frame.

    Notes
    -----
    pandas (like :mod:`csv`) quotes a field only for the characters of its line
    terminator, so ``"a\rb"`` would be written bare and split the row for
    readers that accept CR line ends. Tables holding a CR anywhere are written
    with every non-numeric field quoted instead.
    """
    quoting = csv.QUOTE_NONNUMERIC if _has_carriage_return(frame, index) else csv.QUOTE_MINIMAL
    return frame.to_csv(index=index, lineterminator="\n", quoting=quoting)


def xlsx_bytes(sheets: dict) -> bytes:
    """An XLSX workbook with one sheet per frame; text cells are strings, never formulas.

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name (at most 31 characters) -> table, written without its index.

    Returns
    -------
    bytes
        The workbook (openpyxl stamps the clock in its document properties).
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _xlsx_safe(frame).to_excel(writer, sheet_name=name, index=False)
            for row in writer.sheets[name].iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # openpyxl made "=..." a formula
    return buffer.getvalue()


def escape_control(text: str) -> str:
    r"""``text`` with each character XLSX cannot hold written as ``\xNN``."""
    return _ILLEGAL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.rename(columns=lambda c: escape_control(c) if isinstance(c, str) else c)
    for column in safe.select_dtypes(exclude=["number", "bool"]).columns:
        safe[column] = safe[column].map(lambda v: escape_control(v) if isinstance(v, str) else v)
    return safe


def _has_carriage_return(frame: pd.DataFrame, index: bool) -> bool:
    labels = [*map(str, frame.columns), *(map(str, frame.index) if index else [])]
    if any("\r" in label for label in labels):
        return True
    text = frame.select_dtypes(exclude="number")
    return bool(text.map(lambda v: isinstance(v, str) and "\r" in v).to_numpy().any()) if text.size else False
