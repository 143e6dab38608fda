"""The cross-border step: each ``[regions.<name>]`` of the config as a map and a table."""

from __future__ import annotations

from geo_coi import country, stats
from geo_coi import cross_border as regions  # the step below is named cross_border
from geo_coi.errors import InputError
from geo_coi.maps.cross_border import cross_border_map
from geo_coi.steps.common import map_options, title
from geo_coi.style import label, localized_credit


def cross_border(run) -> None:
    """Each ``[regions.<name>]``: ``maps/<name>_<lang>.{png,pdf,svg}`` and ``tables/<name>.{csv,md}``.

    A config without a ``[regions.*]`` block makes nothing (configured off). The other countries'
    events files are read and joined in their own packs; their row counts go into the run's notes.
    """
    if not run.config.regions:
        return
    options = map_options(run)
    for name, region in sorted(run.config.regions.items()):
        events = regions.region_events(region, run.config, country.active().iso3, run.loaded,
                                            date_format=run.date_format)
        chosen = regions.selected(events, run.config.current)
        heading = title(run, region.title or f"region_title:{name}")
        table = regions.cross_border_table(region, chosen, run.language)
        table.attrs["title"] = label("table:cross_border", run.language).format(region=_region_name(name, run.language))
        stats.write_table(table, run.stem("tables", name, table.attrs["title"], localized=False),
                          language=run.language)
        credits = regions.credit_lines(chosen, run.language) + [localized_credit(line, run.language)
                                                                     for line in options["credits"]]
        cross_border_map(regions.units(region), chosen, run.config.current, title=heading, credits=credits,
                         language=run.language, size=options["size"], out=run.stem("maps", name, heading))
        run.notes = run.notes + regions.accounting_notes(events, country.active().iso3)


def check(config) -> None:
    """``geo-coi map cross-border`` refuses a config without a ``[regions.<name>]`` block (nothing to draw)."""
    if not config.regions:
        where = config.path or "the config"
        raise InputError(f"{where} has no [regions.<name>] block, so there is no cross-border map to draw; add one "
                         "(units = admin1 P-codes of the packs, events = other countries' files), as "
                         "[regions.liptako_gourma] in configs/niger_2025.toml")


def _region_name(name: str, language: str) -> str:
    """The region's name (``region_name:<name>`` of translations.csv), else its config key."""
    key = f"region_name:{name}"
    text = label(key, language)
    return name if text == key else text
