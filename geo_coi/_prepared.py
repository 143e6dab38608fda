"""The admin boundaries in a compact prepared form, so point questions start fast.

Reading the COD-AB GeoJSON needs geopandas + pyogrio (about a second in a
cold process); :mod:`geo_coi.admin_index` instead reads
``boundaries/prepared/admin.npz``, a plain zip of ``.npy`` arrays that only
numpy and shapely need:

``<level>.wkb`` (uint8) and ``<level>.offsets`` (int64)
    The units' geometries as WKB, concatenated; unit ``i`` is
    ``wkb[offsets[i]:offsets[i + 1]]``. WKB keeps every float64 coordinate
    bit for bit, so answers equal those on the GeoJSON layers.
``<level>.records`` (uint8)
    UTF-8 JSON list of the units' attributes (see :data:`RECORD_FIELDS`).
``sources`` (uint8)
    UTF-8 JSON ``{file name: sha256}`` of the GeoJSON files it was built from.

Levels are those of :func:`geo_coi.boundaries.admin_levels`, rows sorted by
P-code exactly as :func:`geo_coi.boundaries.load` returns them.

Why shipped rather than built into a user cache on first use: the first
``geo-coi locate`` after install is then as fast as every later one, nothing
is written to the user's home, and a test (``tests/test_admin_index.py``)
fails when the file no longer matches the GeoJSON. After changing a file in
``boundaries/``, regenerate with::

    python -m geo_coi._prepared

The file is written byte-reproducibly (fixed zip timestamps, stored members).

``boundaries/prepared/grid.npz`` holds the point-lookup grid of
:class:`geo_coi._grid.GridIndex` over the communes (deflated: it is mostly
runs of equal values) and ``geometry_sha256``, the hash of the commune WKB it
was built from: :mod:`geo_coi.admin_index` rebuilds the grid in memory
(about half a second) instead of using a grid that does not match.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from geo_coi.errors import InputError

FILENAME = "boundaries/prepared/admin.npz"
GRID_FILENAME = "boundaries/prepared/grid.npz"
RECORD_FIELDS = ("pcode", "name", "name_ascii", "region_pcode", "region", "department_pcode", "department")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def path() -> Path:
    """Where the prepared geometries live (checkout or installed wheel)."""
    from geo_coi.boundaries import data_dir

    return data_dir() / FILENAME


def grid_path() -> Path:
    """Where the prepared commune grid lives."""
    from geo_coi.boundaries import data_dir

    return data_dir() / GRID_FILENAME


def source_hashes() -> dict:
    """``{file name: sha256}`` of the GeoJSON files the prepared form is built from."""
    from geo_coi.boundaries import admin_levels, data_dir

    names = sorted({filename for filename, _ in admin_levels().values()})
    return {Path(name).name: hashlib.sha256((data_dir() / name).read_bytes()).hexdigest() for name in names}


def build(directory=None) -> list[Path]:
    """Write ``admin.npz`` and ``grid.npz`` from the GeoJSON layers (needs geopandas).

    Parameters
    ----------
    directory : path-like, optional
        Output folder; default ``boundaries/prepared``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from geo_coi._grid import GridIndex
    from geo_coi.boundaries import admin_levels, load

    arrays = {}
    for level in admin_levels():
        arrays.update(_encode_level(level, load(level)))
    arrays["sources"] = _json_bytes(source_hashes())
    directory = Path(directory) if directory is not None else path().parent
    admin = directory / Path(FILENAME).name
    _write_npz(admin, arrays)

    _, communes = read("commune", admin)
    grid = GridIndex.build(communes).to_arrays()
    grid["geometry_sha256"] = _json_bytes(geometry_sha256(admin))
    target = directory / Path(GRID_FILENAME).name
    _write_npz(target, grid, compression=zipfile.ZIP_DEFLATED)
    return [admin, target]


def geometry_sha256(source=None) -> str:
    """sha256 of the commune WKB in the prepared file (identifies the grid's input)."""
    source = Path(source) if source is not None else path()
    with np.load(source) as npz:
        digest = hashlib.sha256(npz["commune.wkb"].tobytes())
        digest.update(npz["commune.offsets"].tobytes())
    return digest.hexdigest()


def read_grid(source=None) -> dict:
    """Arrays of the prepared grid (see :meth:`geo_coi._grid.GridIndex.from_arrays`)."""
    source = Path(source) if source is not None else grid_path()
    with np.load(source) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["geometry_sha256"] = json.loads(arrays["geometry_sha256"].tobytes())
    return arrays


def read(level: str, source=None) -> tuple[list[dict], np.ndarray]:
    """Records and shapely geometries of ``level`` from the prepared file.

    Parameters
    ----------
    level : str
        One of :func:`geo_coi.boundaries.admin_levels`.
    source : path-like, optional
        Prepared file; default :func:`path`.

    Returns
    -------
    (list of dict, numpy.ndarray of shapely geometries)

    Raises
    ------
    InputError
        If the file lacks ``level``.
    """
    import shapely

    source = Path(source) if source is not None else path()
    with np.load(source) as npz:
        if f"{level}.wkb" not in npz.files:
            raise InputError(
                f"{source} has no admin level {level!r}: regenerate it with `python -m geo_coi._prepared`"
            )
        wkb = npz[f"{level}.wkb"].tobytes()
        offsets = npz[f"{level}.offsets"]
        records = json.loads(npz[f"{level}.records"].tobytes())
    chunks = np.array([wkb[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=False)], dtype=object)
    return records, shapely.from_wkb(chunks)


def stored_hashes(source=None) -> dict:
    """The ``{file name: sha256}`` recorded in the prepared file."""
    source = Path(source) if source is not None else path()
    with np.load(source) as npz:
        return json.loads(npz["sources"].tobytes())


def _encode_level(level, frame) -> dict:
    import shapely

    chunks = shapely.to_wkb(frame.geometry.values, byte_order=1, include_srid=False)
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in chunks])]).astype("int64")
    fields = [f for f in RECORD_FIELDS if f in frame]
    records = [{f: str(row[f]) for f in fields} for row in frame[fields].to_dict("records")]
    return {
        f"{level}.wkb": np.frombuffer(b"".join(chunks), dtype="uint8"),
        f"{level}.offsets": offsets,
        f"{level}.records": _json_bytes(records),
    }


def _json_bytes(value) -> np.ndarray:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return np.frombuffer(text.encode("utf-8"), dtype="uint8")


def _write_npz(target, arrays: dict, compression=zipfile.ZIP_STORED) -> None:
    """An ``.npz`` numpy can load, with fixed timestamps so rebuilds are byte-identical."""
    from geo_coi.atomic import atomic_path

    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", compression=compression) as archive:
        for key in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = compression
            archive.writestr(info, buffer.getvalue())


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written}")
