"""geo_coi.progress on its own: timings, statuses and what reaches the terminal."""

from __future__ import annotations

import io

import pytest

from geo_coi.progress import Progress, SkipStep, StepRecord


def test_steps_are_recorded_with_status_note_and_time():
    progress = Progress.silent()
    for name in ("read", "join"):
        with progress.step(name) as record:
            assert record.name == name and record.status == "ok"
    with progress.step("density"):
        raise SkipStep("no rasterio")
    assert [(s.name, s.status, s.note) for s in progress.steps][-1] == ("density", "skipped", "no rasterio")
    assert all(s.seconds >= 0 for s in progress.steps)
    assert progress.total_seconds() == pytest.approx(sum(s.seconds for s in progress.steps))


def test_a_failed_step_is_recorded_and_the_error_propagates():
    progress = Progress.silent()
    with pytest.raises(KeyError), progress.step("join"):
        raise KeyError("x")
    assert [(s.name, s.status) for s in progress.steps] == [("join", "failed")]


def test_show_prints_a_step_timed_elsewhere():
    stream = io.StringIO()
    Progress(stream, enabled=True).show(StepRecord("maps (worker)", 2.25, "skipped", "no data"))
    assert stream.getvalue() == "\r\033[K– maps (worker)" + " " * 21 + "     2.2 s  (no data)\n"  # name padded to 34


def test_enabled_display_writes_one_line_per_step_and_details_only_when_verbose():
    quiet, loud = io.StringIO(), io.StringIO()
    for stream, verbose in ((quiet, False), (loud, True)):
        progress = Progress(stream, enabled=True, verbose=verbose)
        with progress.step("tables"):
            progress.detail("12 tables")
    assert "✓ tables" in quiet.getvalue() and "12 tables" not in quiet.getvalue()
    assert "    12 tables" in loud.getvalue()


def test_a_stream_that_is_not_a_terminal_gets_nothing_by_default():
    stream = io.StringIO()
    progress = Progress(stream, verbose=True)
    with progress.step("maps"):
        progress.detail("x")
    assert stream.getvalue() == "" and not progress.enabled and len(progress.steps) == 1
