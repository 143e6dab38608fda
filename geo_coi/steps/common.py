"""Helpers every step shares: labels, the static maps' options, the report's events, the sharing level."""

from __future__ import annotations

import re


def title(run, key: str) -> str:
    """``key`` of translations.csv in the run's language."""
    from geo_coi.style import label

    return label(key, run.language)


def map_options(run) -> dict:
    """Keyword arguments every static map takes from the run: language, page size, the config's credit lines."""
    return {"language": run.language, "size": run.config.maps.size, "credits": run.config.credits}


def selected(run, period=None):
    """The report's events: its types, in ``period`` (default the current period)."""
    from geo_coi.annex import _selected  # the run's selection lives with the reading and joining

    return _selected(run, period)


def report_date(run):
    """The report's date (config ``report.date``, else the end of its period): no data released later is shown."""
    return run.config.date or run.config.current.end


def leave_out(run, *outputs: str) -> bool:
    """True when the sharing level keeps ACLED event rows out of ``outputs`` (recorded for the manifest)."""
    from geo_coi.sharing import event_rows_allowed

    read = run.loaded.read if run.loaded is not None else run.read
    if event_rows_allowed(read.events.attrs):
        return False
    # assigned, not extended: a step in the pool (geo_coi.step_pool) hands back what it assigns
    run.left_out = run.left_out + [output for output in outputs if output not in run.left_out]
    return True


def slug(text: str) -> str:
    """``Tillabéri`` -> ``tillaberi``: output names from place names."""
    from geo_coi.boundaries import ascii_name

    return re.sub(r"[^a-z0-9]+", "_", ascii_name(text).lower()).strip("_")


def number(value: float) -> str:
    """``25.0`` -> ``25``: numbers in file names."""
    return f"{value:g}"
