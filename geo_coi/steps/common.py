"""Helpers every step shares: labels, the static maps' options, the report's events, the sharing level."""

from __future__ import annotations

import re

from geo_coi import country
from geo_coi.boundaries import ascii_name
from geo_coi.progress import SkipStep
from geo_coi.sharing import event_rows_allowed
from geo_coi.style import label


def title(run, key: str) -> str:
    """``key`` of translations.csv in the run's language."""
    return label(key, run.language)


def map_options(run) -> dict:
    """Keyword arguments every static map takes from the run: language, page size, the config's credit lines."""
    return {"language": run.language, "size": run.config.maps.size, "credits": run.config.credits}


def selected(run, period=None):
    """The report's events: its types, in ``period`` (default the current period)."""
    from geo_coi.annex import _selected  # cycle: annex -> products -> steps; the run's selection lives in annex

    return _selected(run, period)


def report_date(run):
    """The report's date (config ``report.date``, else the end of its period): no data released later is shown."""
    return run.config.date or run.config.current.end


def leave_out(run, *outputs: str) -> bool:
    """True when the sharing level keeps ACLED event rows out of ``outputs`` (recorded for the manifest)."""
    read = run.loaded.read if run.loaded is not None else run.read
    if event_rows_allowed(read.events.attrs):
        return False
    # assigned, not extended: a step in the pool (geo_coi.step_pool) hands back what it assigns
    run.left_out = run.left_out + [output for output in outputs if output not in run.left_out]
    return True


def extent(run, which: int):
    """The config extent framing Annex ``which``.

    ``[maps] annex1_extent`` / ``annex2_extent`` name an ``[extents.<name>]``.
    """
    maps = run.config.maps
    return run.config.extents.get(maps.annex1_extent if which == 1 else maps.annex2_extent)


def has_data(kind: str, own_file=None) -> bool:
    """True when the config names its own file or the active pack has ``kind`` data.

    The files in ``geo_coi/data`` (displacement, areas of operation) are the default pack's (Niger's);
    another pack has them when its country.toml's ``[files]`` names them.
    """
    pack = country.active()
    return own_file is not None or pack.iso3 == country.DEFAULT or kind in pack.settings.get("files", {})


def require_data(kind: str, own_file=None) -> None:
    """:class:`geo_coi.progress.SkipStep` unless :func:`has_data`."""
    if not has_data(kind, own_file):
        raise SkipStep(f"no {kind.replace('_', ' ')} data in the {country.active().name()} pack")


def slug(text: str) -> str:
    """``Tillabéri`` -> ``tillaberi``: output names from place names."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_name(text).lower()).strip("_")


def number(value: float) -> str:
    """``25.0`` -> ``25``: numbers in file names."""
    return f"{value:g}"
