"""``manifest.json``: what a run read, how, with what, and what it wrote.

The manifest lists the inputs with their SHA-256, the effective report config,
the versions of geo_coi, Python and the geo libraries (GDAL, GEOS, PROJ), the
ACLED access date, the row counts (read / accepted / rejected / snapped /
duplicates merged), each step's wall time and status (with the folder and file
formats of its product, from the registry :data:`geo_coi.products.PRODUCTS`), and
every output file with its size and SHA-256. It is the only output that changes between two runs
on the same input (its timestamps and timings).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from geo_coi.atomic import write_text

MANIFEST_NAME = "manifest.json"
_LIBRARIES = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "rasterio",
              "matplotlib", "mapclassify", "folium", "openpyxl", "click")


def sha256_file(path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def step_entries(records: Iterable, products: Mapping[str, Any]) -> list[dict]:
    """The manifest's ``steps``: each step's record, with the folder and formats of its product.

    Parameters
    ----------
    records : iterable of geo_coi.progress.StepRecord
        The run's steps in run order (``name``, ``seconds``, ``status``, ``note``).
    products : mapping of str -> product
        Step name -> what the step makes, with ``folder`` and ``formats``: the registry
        :data:`geo_coi.products.PRODUCTS`, so a new product is listed without a change here.
        Steps not in it (reading, joining) get neither key.

    Returns
    -------
    list of dict
        ``{"name", "seconds" (rounded to ms), "status", "note"[, "folder", "formats"]}``.
    """
    entries = []
    for record in records:
        entry = dataclasses.asdict(record) | {"seconds": round(record.seconds, 3)}
        product = products.get(record.name)
        if product is not None:
            entry.update(folder=product.folder, formats=list(product.formats))
        entries.append(entry)
    return entries


def library_versions() -> dict:
    """Versions of geo_coi, Python, the Python libraries and GDAL/GEOS/PROJ."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("geo_coi", *_LIBRARIES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions.update(_native_versions())
    return versions


def _native_versions() -> dict:
    found = {}
    try:
        import shapely

        found["GEOS"] = shapely.geos_version_string
    except ImportError:
        pass
    try:
        import pyproj

        found["PROJ"] = pyproj.proj_version_str
    except ImportError:
        pass
    try:
        import pyogrio

        found["GDAL"] = pyogrio.__gdal_version_string__
    except (ImportError, AttributeError):
        pass
    return found


@dataclasses.dataclass
class Manifest:
    """Record of one annex run; :meth:`write` saves it as JSON.

    Attributes
    ----------
    out_dir : pathlib.Path
        Folder the ``outputs`` paths are relative to.
    inputs : list of dict
        ``{"role", "path", "sha256", "bytes"}`` per input file.
    counts : dict
        read, accepted, rejected, rejected_by_reason, duplicates_merged, inside,
        snapped, join_rejected, selected (events in the report's types and period).
    steps : list of dict
        ``{"name", "seconds", "status", "note"}`` in run order, with ``folder`` and
        ``formats`` for the steps of the products registry (:func:`step_entries`).
    outputs : list of dict
        ``{"path", "bytes", "sha256"}``, sorted by path.
    """

    report_id: str
    out_dir: Path
    language: str
    period: dict
    config: dict
    source: dict = dataclasses.field(default_factory=dict)
    inputs: list = dataclasses.field(default_factory=list)
    counts: dict = dataclasses.field(default_factory=dict)
    steps: list = dataclasses.field(default_factory=list)
    outputs: list = dataclasses.field(default_factory=list)
    share: dict = dataclasses.field(default_factory=dict)  # sharing level, what it left out (geo_coi.sharing)
    versions: dict = dataclasses.field(default_factory=library_versions)
    started: str = dataclasses.field(default_factory=lambda: _now())
    finished: str | None = None

    def add_input(self, role: str, path) -> None:
        """Record an input file with its hash."""
        path = Path(path)
        entry = {"role": role, "path": str(path), "bytes": path.stat().st_size, "sha256": sha256_file(path)}
        self.inputs.append(entry)

    def record_outputs(self, paths) -> None:
        """Record output files (absolute or relative to ``out_dir``) with size and hash, sorted by path."""
        entries = {}
        for path in paths:
            path = Path(path)
            full = path if path.is_absolute() else self.out_dir / path
            relative = full.relative_to(self.out_dir).as_posix()
            entries[relative] = {"path": relative, "bytes": full.stat().st_size, "sha256": sha256_file(full)}
        self.outputs = [entries[key] for key in sorted(entries)]

    def missing_steps(self) -> list[dict]:
        """Steps that were skipped or failed, with their reason."""
        return [step for step in self.steps if step["status"] != "ok"]

    def to_dict(self) -> dict:
        """JSON-safe content (the ``out_dir`` is not stored: the manifest lives in it)."""
        data = dataclasses.asdict(self)
        data.pop("out_dir")
        return data

    def write(self) -> Path:
        """Write ``<out_dir>/manifest.json`` atomically and return its path."""
        self.finished = self.finished or _now()
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
        return write_text(self.out_dir / MANIFEST_NAME, text)


def read_manifest(path) -> dict:
    """Load a ``manifest.json`` (a file or the folder holding it) as a dict."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    return json.loads(path.read_text(encoding="utf-8"))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
