"""``geo-coi changes OLD NEW``: what changed between two editions of the event data."""

from __future__ import annotations

import json

import click

from geo_coi.cli import options


@click.command("changes")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@options.config_option
@options.period_option
@options.language_option
@options.date_format_option
@options.out_dir_option(help="Folder for changes.md, changes_tables.csv, changes_events.csv and changes.json. "
                         "Default: changes/ in the current folder.", default="changes")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as one JSON object on stdout.")
@options.quiet_verbose
def changes(old, new, config, period, language, date_format, out, as_json, quiet, verbose):
    """Report what changed between two editions OLD and NEW of the event data.

    OLD and NEW are any two files geo-coi reads (ACLED CSV/XLSX/API JSON, UCDP
    GED CSV; the format is detected) or store editions. Events are matched on
    event_id_cnty; an event only in NEW is added, one only in OLD deleted, one
    in both with a field changed revised (fatalities, date, location or
    coordinates, event type, sub-event type, actors, civilian targeting ...).

    For every report table (national by event type, also for the comparison
    period; region x event type; civilian targeting by actor; the departments
    of each region the config breaks down) it gives the figure in OLD, in NEW
    and the difference split by cause (added, deleted, revised), with the ids
    of the events behind each difference.

    \b
    Examples:
      geo-coi changes acled_2024-06.csv acled_2025-06.csv
      geo-coi changes old.xlsx new.json --period 2023-09-01 2024-05-30 --json
    """
    from geo_coi.changes import compare_editions, summary_line, write_changes

    options.quiet_libraries(verbose)
    result = compare_editions(old, new, config=config, period=options.parse_period(period), date_format=date_format)
    language = language or "en"
    written = write_changes(result, out, language=language)
    if as_json:
        click.echo(json.dumps(result.to_dict(language=language), ensure_ascii=False, indent=2))
        return
    options.echo(summary_line(result, language), quiet)
    options.echo(f"written: {', '.join(str(path) for path in written)}", quiet)
