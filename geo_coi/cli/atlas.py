"""``geo-coi atlas``: the region atlas, one page per region (PDF and a PNG per page)."""

from __future__ import annotations

import click

from geo_coi.cli import options


@click.command("atlas")
@options.events_option
@options.config_option
@options.out_dir_option(help="Output folder. Default: the current folder.", default=".")
@click.option("--language", "-l", type=click.Choice(options.LANGUAGES), default=None,
              help="Write the atlas in this language only. Default: every language of the config.")
@options.period_option
@options.access_date_option
@options.quiet_verbose
def atlas(events, config, out, language, period, access_date, quiet, verbose):
    """Write the region atlas: atlas_<lang>.pdf with one A4 page per region, and a 300 dpi PNG per page.

    Each page holds a map zoomed to the region (departments, communes, events per place,
    towns, locator), a table of its departments (the capital: its sub-units) for this period
    and the comparison period with the change, a monthly chart and the indicator box
    (UCDP GED's deaths beside ACLED's fatalities). Which regions get pages, and in what order,
    come from the config's [atlas] table.

    \b
    Examples:
      geo-coi atlas
      geo-coi atlas --language fr --out-dir atlas/
      geo-coi atlas --events acled_export.csv --access-date 2025-06-05
    """
    import dataclasses

    from geo_coi.annex import run_map
    from geo_coi.config import ReportConfig, load_config

    options.quiet_libraries(verbose)
    loaded = config if isinstance(config, ReportConfig) else load_config(config)
    if language is not None:
        loaded = dataclasses.replace(loaded, languages=(language,), language=language)
    written = run_map("atlas", loaded, events_path=events, out_dir=out, period=options.parse_period(period),
                      progress=options.make_progress(quiet, verbose), access_date=access_date)
    for path in written:
        options.echo(str(path), quiet)
