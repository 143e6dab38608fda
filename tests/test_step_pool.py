"""The process pool of annex steps: results applied in step order, as a serial run would give them."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from geo_coi import annex, step_pool
from geo_coi.config import load_config
from geo_coi.progress import Progress


def slow_tables(run):
    time.sleep(0.5)  # still running when the next steps start
    run.tables = {"national": 3}
    path = run.stem("tables", "national", "caption national")
    path.with_name(path.name + ".csv").write_text("3\n")


def uses_tables(run):
    """Reads an attribute and a file of the step before: must see them, as in a serial run."""
    csv = (run.staging / "tables" / f"national_{run.language}.csv").read_text()
    out = run.stem("tables", "workbook", "caption workbook", localized=False)
    out.with_name(out.name + ".txt").write_text(f"{run.tables} {csv}")


def independent(run):
    run.notes.append("independent note")
    out = run.stem("maps", "map", "caption map")
    out.with_name(out.name + ".txt").write_text("map")
    run.density_tif = out.with_name(out.name + ".txt")


def broken(run):
    raise ValueError("broken on purpose")


STEPS = [annex.Step(f.__name__, f) for f in (slow_tables, uses_tables, independent, broken)]


def run_with(tmp_path, workers, monkeypatch):
    monkeypatch.setenv(step_pool.WORKERS_ENV, str(workers))
    staging = tmp_path / f"w{workers}" / ".staging"
    staging.mkdir(parents=True)
    stream = io.StringIO()
    run = annex.AnnexRun(load_config(), "en", Path("x"), staging, Progress(stream=stream, enabled=True))
    run.events = object()  # past the core steps
    failures = annex._run_steps(run, STEPS)
    files = {p.relative_to(staging).as_posix(): p.read_text() for p in staging.rglob("*") if p.is_file()}
    return run, failures, files, stream.getvalue()


def test_pooled_run_equals_serial_run(tmp_path, monkeypatch):
    serial, serial_failures, serial_files, _ = run_with(tmp_path, 1, monkeypatch)
    pooled, pooled_failures, pooled_files, printed = run_with(tmp_path, 2, monkeypatch)
    assert pooled_files == serial_files
    assert pooled_files["tables/workbook.txt"] == "{'national': 3} 3\n"
    assert pooled.tables == serial.tables and pooled.notes == serial.notes == ["independent note"]
    assert list(pooled.captions.items()) == list(serial.captions.items())
    # a path a worker assigned points into the shared staging folder, not the worker's own
    assert pooled.density_tif == pooled.staging / "maps" / "map_en.txt" and pooled.density_tif.is_file()
    assert [s.name for s in pooled.progress.steps] == [s.name for s in serial.progress.steps]
    assert [s.status for s in pooled.progress.steps] == ["ok", "ok", "ok", "failed"]
    assert [(step.name, str(exc)) for step, exc in pooled_failures] == [("broken", "broken on purpose")]
    assert [(step.name, str(exc)) for step, exc in serial_failures] == [("broken", "broken on purpose")]
    # one progress line per step, and no worker folder left beside the staging folder
    assert sum(name in printed for name in ("slow_tables", "uses_tables", "independent", "broken")) == 4
    assert sorted(p.name for p in pooled.staging.parent.iterdir()) == [".staging"]


def test_bad_worker_count_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv(step_pool.WORKERS_ENV, "two")
    with pytest.raises(Exception, match="GEO_COI_WORKERS='two' must be a whole number"):
        step_pool.workers()
