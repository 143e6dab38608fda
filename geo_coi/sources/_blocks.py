"""Plain CSV files read fast, in blocks of bytes, with exact line numbers, or not at all.

A *plain* CSV is what ACLED's export tool and API write: UTF-8, a header
without quotes, one record per line (quoted fields may hold separators and
quotes, but no line break), LF or CRLF line ends, no blank lines and every
row as wide as the header. For such a file the ``k``-th record of a block
is on the block's first line plus ``k``, and :func:`blocks` proves it for
each block: the number of rows pyarrow's parser returns must equal the
number of line ends in the block. Anything else (a quoted line break, a
blank line, a lone CR, bytes that are not UTF-8, a short or long row)
raises :class:`NotPlain`, and the caller reads the file with the exact,
slower reader of :mod:`geo_coi.sources._table`, which knows what to say
about each of those.

Memory is one block of bytes and its parsed columns at a time; the
file is never held whole.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

BLOCK_BYTES = 32 << 20  # ~55,000 ACLED rows
_HEAD_BYTES = 1 << 20


class NotPlain(Exception):  # noqa: N818 (a signal to switch readers, not an error)
    """The file is not a plain CSV: read it with the exact reader instead."""


@dataclass
class Header:
    """The header line of a plain CSV and where its records start.

    Attributes
    ----------
    path : pathlib.Path
    names : list of str
        The header's fields as written.
    sep : str
    offset : int
        Byte offset of the first record (after the header's line end).
    notes : list of str
        ``"UTF-8 with byte-order mark"`` when there is one.
    """

    path: Path
    names: list
    sep: str
    offset: int
    notes: list = field(default_factory=list)


def header(path, sniff) -> Header:
    """The header of ``path`` if it can start a plain CSV.

    Parameters
    ----------
    path : path-like
    sniff : callable
        ``sniff(path, header_text) -> separator`` (raises InputError on a one-column header).

    Returns
    -------
    Header

    Raises
    ------
    NotPlain
        A BOM other than UTF-8's, no line end in the first MB, a quote, a lone CR
        or non-UTF-8 bytes in the header, or an empty last header field.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    notes, start = [], 0
    if head.startswith(codecs.BOM_UTF8):
        notes, start = ["UTF-8 with byte-order mark"], len(codecs.BOM_UTF8)
    end = head.find(b"\n", start)
    if end < 0:
        raise NotPlain("no line end in the first MB")
    line = head[start:end].removesuffix(b"\r")
    if not line.strip() or b'"' in line or b"\r" in line:
        raise NotPlain("blank, quoted or CR-broken header")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise NotPlain("header not UTF-8") from None
    sep = sniff(path, text)
    names = text.split(sep)
    if not names[-1].strip():
        raise NotPlain("a separator ends the header")
    return Header(path, names, sep, end + 1, notes)


def blocks(head: Header, names, columns=None, block_bytes: int = BLOCK_BYTES, quotes_checked: bool = False):
    """Yield ``(pyarrow.Table, first_line)`` for each block of records of a plain CSV.

    Parameters
    ----------
    head : Header
    names : list of str
        Unique column names, one per header field (pyarrow needs them unique).
    columns : list of str, optional
        Only these of ``names`` are converted (all by default).
    block_bytes : int
        Bytes read at a time; a block ends at the last line end within it.
    quotes_checked : bool
        The same file was read through with the same ``block_bytes`` before and
        passed: skip the scan for quotes the exact reader must judge (the
        row-count proof still runs).

    Yields
    ------
    (pyarrow.Table, int)
        The block's records, every column a string (``""`` when blank), and the
        file line of its first record (the header is line 1).

    Raises
    ------
    NotPlain
        As soon as a block is not plain (or pyarrow is not installed).
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:  # without pyarrow every file goes to the exact reader
        raise NotPlain("pyarrow is not installed") from None
    read_options = pa_csv.ReadOptions(column_names=list(names), block_size=1 << 24)
    parse_options = pa_csv.ParseOptions(delimiter=head.sep, newlines_in_values=False, ignore_empty_lines=True)
    convert_options = pa_csv.ConvertOptions(
        column_types={n: pa.string() for n in names}, include_columns=list(columns or names),
        strings_can_be_null=False, quoted_strings_can_be_null=False,
    )
    line, carry = 2, b""
    with open(head.path, "rb") as handle:
        handle.seek(head.offset)
        while True:
            data = handle.read(block_bytes)
            chunk = carry + data
            if not chunk:
                return
            cut = chunk.rfind(b"\n") + 1 if data else len(chunk)
            if cut == 0:  # one record longer than a block: read on
                carry = chunk
                continue
            block, carry = chunk[:cut], chunk[cut:]
            lines = block.count(b"\n") + (not block.endswith(b"\n"))
            if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
                raise NotPlain(f"a lone CR after line {line}")
            if not quotes_checked and _misquoted(block, head.sep):
                raise NotPlain(f"a quote the exact reader must judge after line {line}")
            try:
                table = pa_csv.read_csv(pa.py_buffer(block), read_options=read_options,
                                        parse_options=parse_options, convert_options=convert_options)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                raise NotPlain(str(exc)) from None
            if table.num_rows != lines:
                raise NotPlain(f"{lines} lines but {table.num_rows} records after line {line}")
            yield table, line
            line += lines


def _misquoted(block: bytes, sep: str) -> bool:
    """Whether a run of quotes may be one the exact reader rejects and pyarrow would accept.

    pyarrow reads ``"x"y`` as ``xy``; Python's csv module (``strict=True``) says it
    is not well-formed. A run of ``k`` quotes followed by an ordinary character
    (not the separator, a quote or a line end) is suspect when it follows an
    ordinary character and ``k`` is odd (a closing quote, or a quote inside an
    unquoted field), or starts a field and ``k`` is even (``""x``). Valid files
    rarely have either; when they do, the exact reader reads them.
    """
    data = np.frombuffer(block, dtype=np.uint8)
    quotes = np.flatnonzero(data == ord('"'))
    if not len(quotes):
        return False
    first = np.r_[True, np.diff(quotes) > 1]
    starts = quotes[first]
    lengths = np.diff(np.r_[np.flatnonzero(first), len(quotes)])
    ends = starts + lengths
    special = np.zeros(256, dtype=bool)
    special[[ord(sep), ord('"'), ord("\r"), ord("\n")]] = True
    after = np.where(ends < len(data), data[np.minimum(ends, len(data) - 1)], ord("\n"))
    before = np.where(starts > 0, data[np.maximum(starts - 1, 0)], ord("\n"))
    odd = lengths % 2 == 1
    field_start = (before == ord(sep)) | (before == ord("\n"))
    return bool(np.any(~special[after] & ((~special[before] & odd) | (field_start & ~odd))))


def frame(table, arrow: bool = False) -> pd.DataFrame:
    """A block's columns as a DataFrame of text, its dtype pinned whatever pandas infers.

    Parameters
    ----------
    table : pyarrow.Table
    arrow : bool
        False: Python ``str`` objects (object dtype), as the exact reader gives;
        True: pandas' ``str`` dtype on the block's own Arrow buffers (no copy into
        Python objects: smaller and faster for a table that is checked and dropped).

    Returns
    -------
    pandas.DataFrame
    """
    if arrow:
        text = pd.StringDtype("pyarrow", na_value=np.nan)
        return table.to_pandas(types_mapper=lambda kind: text if kind == pa_string() else None)
    data = {name: np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=object)
            for name in table.column_names}
    return pd.DataFrame(data, dtype=object)


def pa_string():
    """The string type of pyarrow (pyarrow imported only when a block is read)."""
    import pyarrow as pa

    return pa.string()
