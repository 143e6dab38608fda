"""Reopen each output after writing it: an empty or truncated file is never published.

A full disk does not always raise: rasterio closed a 0-byte GeoTIFF without an
error, matplotlib left 0-byte PNGs and a cut SVG. :func:`verify_output` checks
that a file is not empty and that it reopens with the library that reads its
format (PIL for PNG, rasterio for GeoTIFF, an XML parse for SVG, ``json`` for
JSON, SQLite's integrity check for GeoPackage, a ZIP test for XLSX and DOCX, the header
and trailer for PDF, the closing tag for HTML).
"""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from geo_coi.errors import OutputError


def verify_output(path) -> None:
    """Raise :class:`OutputError` unless ``path`` is non-empty and reopens as its format.

    Parameters
    ----------
    path : path-like
        The written file; its suffix picks the check (other suffixes: non-empty only).
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise OutputError(f"{path.name} was written empty (is the disk full?); it is not published")
    check = _CHECKS.get(path.suffix.lower())
    if check is None:
        return
    try:
        check(path)
    except Exception as exc:  # noqa: BLE001 - any failure to reopen means the file is damaged
        summary = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise OutputError(f"{path.name} does not reopen ({type(exc).__name__}: {summary}); "
                          "it is not published (is the disk full?)") from exc


def _png(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        image.verify()  # reads every chunk and checks its CRC, up to IEND


def _geotiff(path: Path) -> None:
    import rasterio

    with rasterio.open(path) as dataset:
        dataset.read()


def _xml(path: Path) -> None:
    ET.parse(path)


def _json(path: Path) -> None:
    with open(path, encoding="utf-8") as handle:
        json.load(handle)


def _geopackage(path: Path) -> None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        connection.execute("SELECT count(*) FROM gpkg_contents").fetchone()
    finally:
        connection.close()
    if result != "ok":
        raise ValueError(f"SQLite integrity check: {result}")


def _pdf(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(5)
        handle.seek(max(0, path.stat().st_size - 1024))
        tail = handle.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise ValueError("no %PDF- header or no %%EOF trailer")


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
    if bad is not None:
        raise ValueError(f"damaged member {bad}")


def _html(path: Path) -> None:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        if b"</html>" not in handle.read().lower():
            raise ValueError("no closing </html> tag")


def _text(path: Path) -> None:
    path.read_text(encoding="utf-8")


_CHECKS = {
    ".png": _png, ".tif": _geotiff, ".tiff": _geotiff, ".svg": _xml, ".json": _json, ".geojson": _json,
    ".gpkg": _geopackage, ".pdf": _pdf, ".xlsx": _zip, ".docx": _zip, ".qgz": _zip, ".html": _html, ".csv": _text,
    ".md": _text,
}
