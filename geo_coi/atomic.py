"""Atomic file writing: a file either appears complete or not at all.

Everything is first written to a hidden temporary file in the target's own
folder (same file system), then moved over the target with :func:`os.replace`,
which is atomic on POSIX and Windows. If the writer raises, or the process is
killed, the target is untouched: an interrupted run never leaves a half-written
map that looks complete.

The temporary name keeps the target's extension (``.annex1.png.<random>.png``
style), so writers that choose a format from the extension (matplotlib,
GDAL drivers) work unchanged.

Examples
--------
>>> with atomic_path("out/annex1.png") as tmp:       # doctest: +SKIP
...     figure.savefig(tmp, dpi=300)
>>> write_text("out/table.md", markdown)             # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

TEMP_MARKER = ".partial-"


def temp_path_for(target: str | os.PathLike) -> Path:
    """A fresh, not yet existing hidden path beside ``target`` with the same extension.

    Parameters
    ----------
    target : path-like
        The file that will eventually be written.

    Returns
    -------
    pathlib.Path
        ``<dir>/.<name>.partial-<random><suffix>``; it does not exist yet (some
        writers, e.g. GDAL's GeoPackage driver, refuse an existing empty file).
    """
    target = Path(target)
    return target.with_name(f".{target.name}{TEMP_MARKER}{secrets.token_hex(4)}{target.suffix}")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path; on success move it over ``target``, on error delete it.

    Parameters
    ----------
    target : path-like
        Final file. Its folder is created if needed.

    Yields
    ------
    pathlib.Path
        Where the caller writes. If the caller wrote nothing there, ``target``
        is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(target)
    try:
        yield temp
        if temp.exists():
            os.replace(temp, target)
    finally:
        _remove_leftovers(temp)


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None):
    """Open a temporary file for writing; it replaces ``target`` when the block ends without error.

    Parameters
    ----------
    target : path-like
    mode : {"w", "wb"}
    encoding : str, optional
        Text mode only (default UTF-8).
    newline : str, optional
        As for :func:`open` (``""`` for the csv module).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open: mode must be 'w' or 'wb', not {mode!r}")
    with atomic_path(target) as temp:
        text = "b" not in mode
        with open(temp, mode, encoding=encoding if text else None, newline=newline if text else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def write_text(target: str | os.PathLike, text: str) -> Path:
    r"""Write ``text`` (UTF-8, ``\n`` line ends) to ``target`` atomically; return the path."""
    with atomic_open(target, "w", newline="\n") as handle:
        handle.write(text)
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; return the path."""
    with atomic_open(target, "wb") as handle:
        handle.write(data)
    return Path(target)


def _remove_leftovers(temp: Path) -> None:
    """Delete the temporary file and any sidecars a writer left (``-journal``, ``.aux.xml`` ...)."""
    for leftover in temp.parent.glob(f"{temp.name}*"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
