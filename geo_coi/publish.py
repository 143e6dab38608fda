"""Publishing an output set as one step: the folder holds the old complete set or the new one.

An annex run writes every file into a staging folder beside the output folder
(``.<name>.staging-<pid>-<random>`` in its parent, on the same file system).
Only when every step has finished, every file reopened and the gallery and
manifest are written is the staging folder swapped with the output folder, in
one atomic call: Linux ``renameat2(RENAME_EXCHANGE)``, or a plain rename when
there is no output folder yet. The old set (now under the staging name) is
then deleted. A kill at any moment leaves either the old complete set or the
new one, each with a manifest whose checksums match; the folder then holds
exactly the manifest's files (nothing left over from an earlier run).

Where ``renameat2`` is missing (not Linux), the old folder is renamed away and
the new one renamed in: two renames, with a moment in between when the folder
is absent (never a mix).

A lock (``flock`` on ``.<name>.lock`` beside the folder) keeps a second run
out with a one-line error; the kernel releases it when its holder dies, so a
killed run's lock is taken over. Each run first removes the staging folders
of killed runs (:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
from pathlib import Path

from geo_coi.errors import OutputError
from geo_coi.manifest import MANIFEST_NAME

STAGING_MARKER = ".staging-"
OLD_MARKER = ".old-"
LEGACY_MARKER = ".partial-"  # staging folders inside the output folder, from earlier versions
# errno values that mean "this folder cannot take the outputs": report them in one line, publish nothing
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextlib.contextmanager
def folder_lock(out_dir):
    """Hold the output folder's lock for the ``with`` block.

    Parameters
    ----------
    out_dir : path-like
        The output folder; the lock file is ``.<name>.lock`` in its parent.

    Raises
    ------
    OutputError
        Another live process holds the lock, or the lock file cannot be written.
    """
    import fcntl

    out_dir = Path(out_dir)
    path = _sibling(out_dir, ".lock")
    try:
        handle = open(path, "a+", encoding="ascii")  # noqa: SIM115 (entered just below, after the error check)
    except OSError as exc:
        raise OutputError(f"cannot write in {path.parent} ({exc.strerror}); choose another --out-dir") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "?"
            raise OutputError(f"{out_dir} is being written by another run (pid {owner}); "
                              "wait for it to finish or choose another --out-dir") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_stale(out_dir) -> list[Path]:
    """Delete what killed runs left: staging and old folders beside ``out_dir``, ``.partial-*`` in it.

    Call it while holding :func:`folder_lock`. Returns the paths removed.
    """
    out_dir = Path(os.path.abspath(out_dir))
    stale = [p for marker in (STAGING_MARKER, OLD_MARKER)
             for p in out_dir.parent.glob(f".{out_dir.name}{marker}*")]
    if out_dir.is_dir():
        stale += out_dir.glob(f"{LEGACY_MARKER}*")
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return sorted(stale)


def check_replaceable(out_dir) -> None:
    """Refuse, before any work, an output folder that publishing cannot or must not replace whole.

    That is a read-only folder, a mount point (it cannot be renamed), or one
    that holds files but no ``manifest.json`` (not an annex output folder).
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return
    if not os.access(out_dir, os.W_OK):
        raise OutputError(f"{out_dir} is read-only; choose another --out-dir")
    if os.path.ismount(out_dir):
        raise OutputError(f"{out_dir} is a mount point, and publishing replaces the folder whole; "
                          f"give a folder inside it, e.g. --out-dir {out_dir / 'out'}")
    if any(out_dir.iterdir()) and not (out_dir / MANIFEST_NAME).is_file():
        raise OutputError(f"{out_dir} holds files but no {MANIFEST_NAME}, so it is not an output folder of "
                          "geo-coi annex, and publishing would replace it whole; choose an empty or new --out-dir")


def staging_path(out_dir) -> Path:
    """A fresh staging folder path beside ``out_dir`` (not created)."""
    out_dir = Path(out_dir)
    return _sibling(out_dir, f"{STAGING_MARKER}{os.getpid()}-{os.urandom(3).hex()}")


def swap_in(staging, out_dir) -> None:
    """Make ``staging`` the output folder in one step and delete the old set.

    Parameters
    ----------
    staging : path-like
        The complete new set (from :func:`staging_path`).
    out_dir : path-like
        The output folder; created if absent, replaced whole if present.
    """
    staging, out_dir = Path(staging), Path(os.path.realpath(out_dir))
    if not out_dir.exists():
        os.rename(staging, out_dir)
    elif not _exchange(staging, out_dir):
        old = _sibling(out_dir, f"{OLD_MARKER}{os.getpid()}-{os.urandom(3).hex()}")
        os.rename(out_dir, old)
        os.rename(staging, out_dir)
        staging = old
    _sync_folder(out_dir.parent)
    shutil.rmtree(staging, ignore_errors=True)


def write_failure(exc: BaseException) -> OSError | None:
    """The :class:`OSError` behind ``exc`` (itself, its cause or context) if it means the disk refuses writes."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the call does not exist."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # kernel or file system without RENAME_EXCHANGE
        return False
    raise OSError(code, os.strerror(code), str(second))


def _sync_folder(folder: Path) -> None:
    """Fsync a folder so the renames in it survive a power cut (where the OS allows it)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _sibling(out_dir: Path, suffix: str) -> Path:
    """``.<name><suffix>`` beside ``out_dir`` (made absolute first, so ``--out-dir .`` works too)."""
    out_dir = Path(os.path.abspath(out_dir))
    return out_dir.parent / f".{out_dir.name}{suffix}"
