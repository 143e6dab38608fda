"""``geo-coi map KIND``: draw one map of a report."""

from __future__ import annotations

import click

from geo_coi import products
from geo_coi.cli import options

KINDS = products.map_kinds(command=True)  # the registry's map kinds (geo-coi atlas draws the atlas)


def _kinds_help() -> str:
    """One line per kind for the help text: name and summary, from the registry."""
    return "\n    ".join(f"  {kind:<13} {product.summary}" for kind, product in KINDS.items())


@click.command("map")
@click.argument("kind", type=click.Choice(tuple(KINDS)), metavar="KIND")
@options.events_option
@options.config_option
@options.out_dir_option(help="Output folder. Default: the current folder.", default=".")
@options.language_option
@options.period_option
@click.option("--level", type=click.Choice(products.MAP_OPTIONS["level"]), default=None,
              help="choropleth: admin level to shade. Default: the config's first level (region).")
@click.option("--measure", type=click.Choice(products.MAP_OPTIONS["measure"]), default=None,
              help="choropleth: what to shade (a rate per 100,000 only per region). Default: the config's first "
                   "measure (incidents per 1,000 km²).")
@click.option("--assets", type=click.Choice(products.MAP_OPTIONS["assets"]), default=None,
              help="html: 'inline' writes one self-contained file; 'external' writes the scripts, styles, data and "
                   "images beside it with SRI hashes, so it runs under a strict Content-Security-Policy "
                   "(default-src 'self'). Default: the config's maps.html_assets (inline).")
@click.option("--languages", default=None, metavar="LIST", callback=options.parse_languages,
              help="html: comma-separated languages of a switcher in the page, e.g. nl,fr,en (the page opens "
                   "in --language). Default: the config's maps.html_languages (no switcher).")
@options.access_date_option
@options.share_option
@options.quiet_verbose
def map_command(kind, events, config, out, language, period, level, measure, assets, languages, access_date, share,
                quiet, verbose):
    """Draw one map: KIND is one of the kinds below (geo_coi.products).

    \b
    {kinds}

    Static maps are written as PNG (300 dpi), PDF and SVG. Data, config,
    language and period as for `geo-coi annex`.

    An option the kind does not take (--level for annex1), or options that
    leave nothing to draw (a rate per 100,000 per department), is refused.

    \b
    Examples:
      geo-coi map annex1
      geo-coi map choropleth --level department --measure fatalities --out-dir maps/
      geo-coi map html --events acled_export.csv --language fr
      geo-coi map html --languages nl,fr,en --assets external --out-dir intranet/
    """
    from geo_coi.annex import run_map

    options.quiet_libraries(verbose)
    written = run_map(kind, config, events_path=events, out_dir=out, language=language,
                      period=options.parse_period(period), progress=options.make_progress(quiet, verbose),
                      level=level, measure=measure, access_date=access_date, html_assets=assets,
                      html_languages=languages, share=share)
    for path in written:
        options.echo(str(path), quiet)


map_command.help = map_command.help.replace("{kinds}", _kinds_help())
