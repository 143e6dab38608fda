"""The step runner: run steps into a staging folder, verify what each wrote, drop a failed step's files.

:func:`run_steps` runs a run's steps (core ones here, the others in a pool of
processes, :mod:`geo_coi.step_pool`); :func:`publish_staged` moves the staged files
into place. A full disk or read-only folder ends the run with one
:class:`~geo_coi.errors.OutputError` line.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from geo_coi import publish, step_pool
from geo_coi.errors import OutputError
from geo_coi.verify import verify_output


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of the run: ``function(run)``; ``core`` steps stop the run when they fail."""

    name: str
    function: Callable
    core: bool = False


def run_steps(run, steps) -> list:
    """Run every step; return ``[(step, exception)]`` of the failed ones (core failures raise).

    Core steps run here, the others in a pool of processes (:mod:`geo_coi.step_pool`).
    """
    return step_pool.run_steps(run, steps, _run_step)


def _run_step(run, step: Step) -> tuple | None:
    """Run one step into ``run.staging``; ``(step, exception)`` if it failed (core failures raise)."""
    failure = None
    before = staged(run.staging)
    try:
        with run.progress.step(step.name):
            step.function(run)
            _verify(run.staging, before)
    except Exception as exc:
        _discard(run.staging, before)  # never publish a file of a failed step
        refused = write_error(exc, step.name, run.staging.parent)
        if refused is not None:
            raise refused from exc
        if step.core or run.events is None:
            raise
        run.progress.steps[-1].note = f"{type(exc).__name__}: {exc}"
        failure = (step, exc)
    for path in sorted(staged(run.staging) - before):
        run.progress.detail(path)
    return failure


def _verify(staging: Path, before: set) -> None:
    """Reopen every file the step staged (:func:`geo_coi.verify.verify_output`)."""
    for relative in sorted(staged(staging) - before):
        verify_output(staging / relative)


def _discard(staging: Path, before: set) -> None:
    for relative in staged(staging) - before:
        (staging / relative).unlink(missing_ok=True)


def write_error(exc: BaseException, what: str, folder: Path) -> OutputError | None:
    """The one-line error for ``exc`` if a full disk or a read-only folder is behind it, else None."""
    cause = publish.write_failure(exc)
    if cause is None:
        return None
    return OutputError(f"{what}: cannot write in {folder} ({cause.strerror}); free space or choose "
                       "another --out. Nothing was published: the output folder is as it was")


def staged(staging: Path) -> set:
    """Relative paths of the files staged so far."""
    if not staging.exists():
        return set()
    return {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}


def publish_staged(staging: Path, out_dir: Path, flatten: bool = False) -> list[str]:
    """Move every staged file to its place under ``out_dir``; return the relative paths.

    With ``flatten`` the staging sub-folders are dropped (``geo-coi map`` writes one folder).
    """
    published: list[str] = []
    if not staging.exists():
        return published
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        relative = Path(path.name) if flatten else path.relative_to(staging)
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        published.append(relative.as_posix())
    return published
