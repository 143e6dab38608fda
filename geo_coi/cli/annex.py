"""``geo-coi annex``: regenerate a report's whole output set."""

from __future__ import annotations

import click

from geo_coi.cli import options


@click.command("annex")
@options.events_option
@options.config_option
@options.out_dir_option(help="Output folder. Default: outputs/<report id>/ in the current folder.")
@options.language_option
@options.period_option
@options.date_format_option
@options.access_date_option
@options.edition_options[0]
@options.edition_options[1]
@options.share_option
@click.option("--country", metavar="ISO3", default=None,
              help="Country pack (BFA, MLI, NER or its name); overrides the config's report.country "
                   "(without --config: the pack's demo config).")
@options.quiet_verbose
def annex(events, config, out, language, period, date_format, access_date, edition, store_dir, share, country, quiet,
          verbose):
    """Regenerate all maps, charts and tables of a report in one go.

    \b
    Writes into outputs/<report id>/ (or --out-dir):
      maps/     Annex 1 and 2, choropleths, density, hexbin, displacement,
                armed-group maps (PNG 300 dpi, PDF, SVG)
      charts/   the report's charts (Grafiek 1-8)
      html/     the interactive map (one self-contained file)
      tables/   every table as CSV and Markdown, plus tables.xlsx
      data/     rejected rows, density GeoTIFF, GeoPackage styled for QGIS
      index.html (a gallery of everything) and manifest.json (inputs,
      versions, counts, timings, output checksums)

    With --share public no file holds an ACLED event row (the interactive
    map shows admin units, hexagons and density; the GeoPackage only its
    aggregate layers; rejects and event lists are left out). When the
    config names a previous edition ([changes] previous_edition), a
    "changes since the last edition" table is added.

    With no options it runs the Niger 2025 report config on the bundled
    SYNTHETIC demo data; with --country alone (BFA, MLI), that pack's demo
    config (geo_coi/countries/<iso3>/configs/*_demo.toml). Running it twice on the same input gives the same
    files (only the manifest's times change).

    \b
    Examples:
      geo-coi annex
      geo-coi annex --events acled_niger.csv --language fr
      geo-coi annex --edition 2025-06-05 --out-dir out/2025-06/
      geo-coi annex --config my_report.toml --period 2024-01-01 2024-12-31 --out-dir out/
      geo-coi annex --config geo_coi/countries/bfa/configs/bfa_demo.toml --out-dir out/bfa
      geo-coi annex --country MLI --out-dir out/mli
    """
    from geo_coi.annex import run_annex

    events = options.edition_events(events, edition, store_dir)
    options.quiet_libraries(verbose)
    progress = options.make_progress(quiet, verbose)
    manifest = run_annex(config, events_path=events, out_dir=out, language=language,
                         period=options.parse_period(period), progress=progress, date_format=date_format,
                         access_date=access_date, share=share, country=country)
    counts = manifest.counts
    options.echo(
        f"{len(manifest.outputs)} files in {manifest.out_dir} (open index.html); "
        f"events read {counts.get('read')}, accepted {counts.get('accepted')}, rejected {counts.get('rejected')}"
        f", in the report {counts.get('report_incidents')}",
        quiet,
    )
    for note in [] if quiet else manifest.source.get("notes", []):
        click.echo(f"warning: {note}", err=True)
    for step in manifest.missing_steps():
        options.echo(f"not produced: {step['name']} ({step['note']})", quiet)
