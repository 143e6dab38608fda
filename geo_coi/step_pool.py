"""Run an annex's steps in a pool of processes, one per core, with the serial run's results.

:func:`geo_coi.annex.run_annex` calls :func:`run_steps` with whatever
``STEPS`` holds. Core steps (reading, joining) run in this process, in
order. Every other step runs in a forked child process, given a private
staging folder; up to one child per core at a time (``GEO_COI_WORKERS``
sets the number; 1 runs everything here, as before). Each child sends back
what its step changed on the run, which is applied here *in step order*,
and its files, which are moved into the shared staging folder.

Why the outputs are those of a serial run
-----------------------------------------
A step is a function over the run: it reads attributes of the run and
assigns some (``run.tables = ...``), adds gallery captions and notes, and
writes files. A child records which attributes its step read and assigned.
A step forked when steps ``k .. i-1`` (earlier in the list) had not yet been
applied is valid only if it read nothing they assigned; otherwise it is
run again once they are applied, i.e. on exactly the state a serial run
would have given it. Captions and notes are merged in step order. A step
must change the run by assignment (or by adding captions or notes), not by
changing an object of the run in place; the tests compare a pooled run with
a serial one byte for byte.

Progress still shows one line per step, as each ends; the manifest keeps
the steps in their order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import traceback
from multiprocessing.connection import wait
from pathlib import Path

from geo_coi.errors import InputError
from geo_coi.progress import Progress, StepRecord

WORKERS_ENV = "GEO_COI_WORKERS"
# Merged rather than tracked: every step adds to them.
_MERGED = ("captions", "notes")
_UNTRACKED = frozenset(_MERGED) | {"progress", "staging"}


def workers() -> int:
    """Processes to use: ``GEO_COI_WORKERS`` if set, else the cores this process may run on."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            raise InputError(f"{WORKERS_ENV}={value!r} must be a whole number of processes (1 = no pool)") from None
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def die_with_parent() -> None:
    """In a worker: be killed when the process that forked it dies (Linux).

    So a killed annex run leaves no worker writing into its staging folder or holding its output pipes open.
    """
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends with its step
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run_steps(run, steps, run_step) -> list:
    """Run ``steps`` over ``run``; return ``[(step, exception)]`` of those that failed.

    Parameters
    ----------
    run : geo_coi.annex.AnnexRun
    steps : sequence of geo_coi.annex.Step
    run_step : callable
        ``run_step(run, step) -> (step, exception) or None``; runs one step into
        ``run.staging`` (and raises for core failures and a full disk).
    """
    failures = []
    size = _pool_size(steps)
    first = next((i for i, step in enumerate(steps) if not step.core), len(steps)) if size > 1 else len(steps)
    for step in steps[:first]:  # the core steps that lead (all steps without a pool) run here
        failure = run_step(run, step)
        if failure:
            failures.append(failure)
    if first < len(steps):
        failures += _Pool(run, list(steps[first:]), run_step, size).execute()
    return failures


def _pool_size(steps) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(workers(), max(1, sum(not step.core for step in steps)))


class _Pool:
    """Forks children for the steps, applies their results in step order."""

    def __init__(self, run, steps, run_step, size):
        self.run, self.steps, self.run_step, self.size = run, steps, run_step, size
        self.assigned = []  # per applied step: the attributes it assigned
        self.running = {}  # connection -> (index, process, snapshot, folder)
        self.results = {}

    def execute(self) -> list:
        failures, pending, applied = [], list(range(len(self.steps))), 0
        try:
            while applied < len(self.steps):
                while pending and len(self.running) < self.size:
                    self._start(pending.pop(0), applied)
                for connection in wait(list(self.running)):
                    self._collect(connection)
                while applied in self.results:
                    result = self.results.pop(applied)
                    stale = result["reads"] & set().union(*self.assigned[result["snapshot"]:applied])
                    if stale or result["error"] is not None and result["snapshot"] < applied:
                        shutil.rmtree(result["folder"], ignore_errors=True)
                        # It read what an earlier step changed meanwhile (or failed, perhaps for want of an
                        # earlier step's file): run it again on the state a serial run would give it.
                        pending.insert(0, applied)
                        break
                    failure = self._apply(result)
                    if failure:
                        failures.append(failure)
                    applied += 1
        finally:
            for _, process, _, folder in self.running.values():
                process.kill()
                process.join()
                shutil.rmtree(folder, ignore_errors=True)
        return failures

    def _start(self, index, snapshot):
        folder = self.run.staging.with_name(f"{self.run.staging.name}.step{index}")
        shutil.rmtree(folder, ignore_errors=True)
        receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(
            # not a daemon: a step may start processes of its own (the atlas draws its languages side by
            # side); die_with_parent ends it with the run
            target=_child, args=(send, self.run, self.steps[index], self.run_step, folder), daemon=False
        )
        process.start()
        send.close()
        self.running[receive] = (index, process, snapshot, folder)

    def _collect(self, connection):
        index, process, snapshot, folder = self.running.pop(connection)
        try:
            result = pickle.loads(connection.recv_bytes())
        except EOFError:
            result = {"record": StepRecord(self.steps[index].name, 0.0, "failed"), "reads": set(), "assigned": {},
                      "captions": {}, "notes": [], "error": RuntimeError("the worker process died"), "raise": False}
        finally:
            connection.close()
            process.join()
        result.update(index=index, snapshot=snapshot, folder=folder)
        self.results[index] = result

    def _apply(self, result):
        """Merge one child's result into the run (in step order); ``(step, exc)`` if the step failed."""
        run, step, folder = self.run, self.steps[result["index"]], result["folder"]
        files = _move_files(folder, run.staging)
        if result["raise"]:
            raise result["error"]
        for name, value in result["assigned"].items():
            setattr(run, name, _rebased(value, folder, run.staging))
        run.captions.update(result["captions"])
        run.notes.extend(result["notes"])
        self.assigned.append(set(result["assigned"]))
        record = result["record"]
        run.progress.steps.append(record)
        run.progress.show(record)
        for path in files:
            run.progress.detail(path)
        return (step, result["error"]) if result["error"] is not None else None


def _child(connection, run, step, run_step, folder):
    """In the forked process: run the step into ``folder``, send back what it changed.

    ``folder`` starts with (hard links to) the files staged so far, which a step may read.
    """
    die_with_parent()
    _link_files(run.staging, folder)
    run.staging = folder
    run.progress = Progress.silent()
    captions, notes = dict(run.captions), len(run.notes)
    reads, assigned = _track(run)
    result = {"error": None, "raise": False}
    try:
        failure = run_step(run, step)
        if failure:
            result["error"] = failure[1]
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        result.update(error=exc, **{"raise": True})
    run.__class__ = run.__class__.__mro__[1]
    record = run.progress.steps[-1] if run.progress.steps else StepRecord(step.name, 0.0, "failed")
    result.update(
        record=record,
        reads=reads - _UNTRACKED,
        assigned={name: getattr(run, name) for name in assigned - _UNTRACKED},
        captions={k: v for k, v in run.captions.items() if captions.get(k) != v},
        notes=run.notes[notes:],
    )
    connection.send_bytes(_pickled(result))
    connection.close()


def _track(run):
    """Record the names of the attributes read from and assigned to ``run`` from now on."""
    reads, assigned = set(), set()
    methods = {name for name in dir(type(run)) if callable(getattr(type(run), name, None))}

    class Tracked(type(run)):
        def __getattribute__(self, name):
            if not name.startswith("__") and name not in methods:
                reads.add(name)
            return super().__getattribute__(name)

        def __setattr__(self, name, value):
            assigned.add(name)
            super().__setattr__(name, value)

    run.__class__ = Tracked
    return reads, assigned


def _pickled(result) -> bytes:
    """``result`` pickled; an exception that cannot be pickled is sent as its text."""
    try:
        return pickle.dumps(result)
    except Exception:  # noqa: BLE001 - e.g. an exception holding a lock
        error = result["error"]
        text = "".join(traceback.format_exception_only(type(error), error)).strip() if error else ""
        result["error"] = RuntimeError(text) if error is not None else None
        return pickle.dumps(result)


def _link_files(staging: Path, folder: Path) -> None:
    """``folder`` with a hard link (a copy where links are refused) to every file staged so far."""
    folder.mkdir(parents=True)
    for path in sorted(p for p in staging.rglob("*") if p.is_file()) if staging.exists() else ():
        target = folder / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _move_files(folder: Path, staging: Path) -> list[str]:
    """Move every file under ``folder`` not yet in ``staging`` to the same place there; their relative paths."""
    moved = []
    if not folder.exists():
        return moved
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if (staging / relative).exists() and os.path.samefile(path, staging / relative):
            continue  # linked in at the start
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, staging / relative)
        moved.append(relative.as_posix())
    shutil.rmtree(folder, ignore_errors=True)
    return moved


def _rebased(value, folder: Path, staging: Path):
    """A path under the child's folder as the same path under the staging folder; anything else as is."""
    if isinstance(value, Path) and value.is_relative_to(folder):
        return staging / value.relative_to(folder)
    return value
