"""``geo-coi locate --csv`` on a large CSV, in bounded memory: read, locate and write by chunks.

A CSV larger than :data:`STREAM_BYTES` is read :data:`CHUNK_ROWS` rows at a
time (``,`` ``;`` or tab separated as the header says; each line UTF-8, or
Windows-1252 where it is not, as :func:`geo_coi.sources._table.read_table`
reads it), each chunk located with :func:`geo_coi.location.locate_points` and
appended to the output, so memory stays that of one chunk whatever the
file's size. Smaller files, and XLSX, are read whole; both give the same
output. Blank lines hold no row; a row shorter or longer than the header is
kept at the header's width (its coordinates are then usually not numbers and
the row gets an error), never dropped.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from geo_coi.errors import InputError

STREAM_BYTES = 64 * 1024**2  # files above this are streamed
CHUNK_ROWS = 100_000


def locate_csv(source, write, lat: str, lon: str, chunk_rows: int | None = None,
               country: str | None = None) -> tuple[int, int]:
    """Locate every row of the CSV ``source``, passing the output CSV text to ``write`` chunk by chunk.

    Parameters
    ----------
    source : path-like
    write : callable
        Called with each piece of output text, header first.
    lat, lon : str
        Coordinate columns.
    chunk_rows : int, optional
        Rows per chunk (default :data:`CHUNK_ROWS`).
    country : str, optional
        ISO3 code of the pack every row is answered for; default each row's own.

    Returns
    -------
    (rows, errors) : tuple of int
        Rows written and rows with an error.

    Raises
    ------
    InputError
        The file is missing, empty, not CSV, or lacks the coordinate columns.
    """
    import pandas as pd

    from geo_coi.location import locate_points

    path = Path(source)
    rows = errors = 0
    with _open(path) as lines:
        reader = csv.reader(lines, delimiter=_separator(path, lines.header), strict=True)
        header = [name.strip() for name in next(reader)]
        missing = [c for c in (lat, lon) if c not in header]
        if missing:
            raise InputError(
                f"{path} has no column {', '.join(map(repr, missing))}: its columns are {', '.join(header)}; "
                "name them with --lat-column/--lon-column"
            )
        for number, chunk in enumerate(_chunks(path, reader, len(header), chunk_rows or CHUNK_ROWS)):
            frame = pd.DataFrame(chunk, columns=header, dtype=object)
            table = locate_points(frame, lat=lat, lon=lon, country=country)
            write(table.to_csv(index=False, header=number == 0, lineterminator="\n"))
            rows += len(table)
            errors += int((table.iloc[:, -1] != "").sum())  # the last column is "error"
    if rows == 0:
        raise InputError(f"{path}: the file has a header but no rows")
    return rows, errors


def should_stream(path) -> bool:
    """True for a CSV file (not XLSX or JSON) larger than :data:`STREAM_BYTES`."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size <= STREAM_BYTES:
        return False
    with open(path, "rb") as handle:
        start = handle.read(4)
    return start != b"PK\x03\x04" and path.suffix.lower() not in (".xlsx", ".xlsm", ".json")


class _open:  # noqa: N801 (used like the builtin open, in a with statement)
    """The file's lines as text (UTF-8, or Windows-1252/Latin-1 where a line is not), BOM dropped."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        first = self.handle.readline()
        self.first = _decode(first.removeprefix(codecs.BOM_UTF8))
        self.header = self.first.rstrip("\r\n")
        if not self.header.strip():
            raise InputError(f"{path}: the first line is empty; it must hold the column names")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def __iter__(self):
        yield self.first
        for line in self.handle:
            yield _decode(line)


def _decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252")
        except UnicodeDecodeError:
            return line.decode("latin-1")


def _separator(path: Path, header: str) -> str:
    from geo_coi.sources._table import _sniff_separator

    return _sniff_separator(path, header)


def _chunks(path: Path, reader, width: int, size: int):
    """Lists of at most ``size`` rows at the header's width (blank lines skipped)."""
    chunk = []
    try:
        for row in reader:
            if not (len(row) > 1 or (row and row[0].strip())):
                continue
            chunk.append(row[:width] + [""] * (width - len(row)))
            if len(chunk) == size:
                yield chunk
                chunk = []
    except csv.Error as exc:
        raise InputError(f"{path}: line {reader.line_num}: not well-formed CSV ({exc}); "
                         "fix the quotes on that line") from None
    if chunk:
        yield chunk
