"""The admin boundaries in a compact prepared form, so point questions start fast.

Reading the COD-AB GeoJSON needs geopandas + pyogrio (about a second in a
cold process); :mod:`geo_coi.admin_index` instead reads
each pack's ``geo_coi/countries/<iso3>/boundaries/prepared/admin.npz``, a plain zip of ``.npy`` arrays that only
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
fails when the file no longer matches the GeoJSON. After changing a pack's
boundary files, regenerate with::

    python -m geo_coi._prepared --country MLI     # or no option: every bundled pack

The file is written byte-reproducibly (fixed zip timestamps, stored members).

``grid.npz`` beside it holds the point-lookup grid of
:class:`geo_coi._grid.GridIndex` over the pack's finest level (communes;
Burkina Faso's provinces) (deflated: it is mostly
runs of equal values) and ``geometry_sha256``, the hash of that level's WKB it
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

from geo_coi import country as _country
from geo_coi._grid import GridIndex
from geo_coi.boundaries import admin_levels, data_dir, load
from geo_coi.errors import InputError

FILENAME = "admin.npz"
GRID_FILENAME = "grid.npz"
RECORD_FIELDS = ("pcode", "name", "name_ascii", "region_pcode", "region", "department_pcode", "department")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def folder(country: str | None = None) -> Path:
    """The pack's prepared folder (``[boundaries] prepared`` of its country.toml)."""
    pack = _country.get(country)
    return pack.path(pack.settings["boundaries"].get("prepared", "boundaries/prepared"))


def path(country: str | None = None) -> Path:
    """Where a pack's prepared geometries live (checkout or installed wheel); default the active pack."""
    return folder(country) / FILENAME


def grid_path(country: str | None = None) -> Path:
    """Where a pack's prepared grid (over its finest level) lives."""
    return folder(country) / GRID_FILENAME


def source_hashes(country: str | None = None) -> dict:
    """``{file name: sha256}`` of the GeoJSON files a pack's prepared form is built from."""
    names = sorted({filename for filename, _ in admin_levels(country).values()})
    return {Path(name).name: hashlib.sha256((data_dir(country) / name).read_bytes()).hexdigest() for name in names}


def build(directory=None, country: str | None = None) -> list[Path]:
    """Write a pack's ``admin.npz`` and ``grid.npz`` from its GeoJSON layers (needs geopandas).

    Parameters
    ----------
    directory : path-like, optional
        Output folder; default the pack's prepared folder (:func:`folder`).
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    arrays = {}
    for level in admin_levels(country):
        arrays.update(_encode_level(level, load(level, country)))
    arrays["sources"] = _json_bytes(source_hashes(country))
    directory = Path(directory) if directory is not None else folder(country)
    directory.mkdir(parents=True, exist_ok=True)
    admin = directory / FILENAME
    _write_npz(admin, arrays)

    finest = _country.get(country).finest.slot
    _, polygons = read(finest, admin)
    grid = GridIndex.build(polygons).to_arrays()
    grid["geometry_sha256"] = _json_bytes(geometry_sha256(admin, country))
    target = directory / GRID_FILENAME
    _write_npz(target, grid, compression=zipfile.ZIP_DEFLATED)
    return [admin, target]


def geometry_sha256(source=None, country: str | None = None) -> str:
    """sha256 of the finest level's WKB in the prepared file (identifies the grid's input)."""
    finest = _country.get(country).finest.slot
    source = Path(source) if source is not None else path(country)
    with np.load(source) as npz:
        digest = hashlib.sha256(npz[f"{finest}.wkb"].tobytes())
        digest.update(npz[f"{finest}.offsets"].tobytes())
    return digest.hexdigest()


def read_grid(source=None, country: str | None = None) -> dict:
    """Arrays of the prepared grid (see :meth:`geo_coi._grid.GridIndex.from_arrays`)."""
    source = Path(source) if source is not None else grid_path(country)
    with np.load(source) as npz:
        arrays = {key: npz[key] for key in npz.files}
    arrays["geometry_sha256"] = json.loads(arrays["geometry_sha256"].tobytes())
    return arrays


def read(level: str, source=None, country: str | None = None) -> tuple[list[dict], np.ndarray]:
    """Records and shapely geometries of ``level`` from the prepared file.

    Parameters
    ----------
    level : str
        One of :func:`geo_coi.boundaries.admin_levels` (by slot).
    source : path-like, optional
        Prepared file; default the pack's (:func:`path`).
    country : str, optional
        ISO3 code of the pack when ``source`` is not given; default the active one.

    Returns
    -------
    (list of dict, numpy.ndarray of shapely geometries)

    Raises
    ------
    InputError
        If the file lacks ``level``.
    """
    import shapely

    source = Path(source) if source is not None else path(country)
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


def stored_hashes(source=None, country: str | None = None) -> dict:
    """The ``{file name: sha256}`` recorded in the prepared file."""
    source = Path(source) if source is not None else path(country)
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
    from geo_coi.atomic import atomic_path  # lazy: geo-coi locate reads the prepared files, never writes them
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", compression=compression) as archive:
        for key in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[key]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = compression
            archive.writestr(info, buffer.getvalue())


def main(argv=None) -> None:
    """``python -m geo_coi._prepared [--country ISO3 ...]``: rebuild the packs' prepared files (default all)."""
    import argparse  # lazy: only this command line needs it, not geo-coi locate
    parser = argparse.ArgumentParser(prog="python -m geo_coi._prepared", description=main.__doc__)
    parser.add_argument("--country", action="append", metavar="ISO3",
                        help="a pack (repeat); default every bundled pack")
    for code in parser.parse_args(argv).country or _country.bundled():
        for written in build(country=code):
            print(f"wrote {written}")


if __name__ == "__main__":
    main()
