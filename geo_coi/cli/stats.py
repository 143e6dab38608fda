"""``geo-coi stats``: the report's tables (incidents and fatalities) as Markdown or CSV."""

from __future__ import annotations

import click

from geo_coi.cli import options
from geo_coi.errors import InputError

# The admin levels by slot (region, department, commune) or key (adm1-adm3): the pack names them (province, cercle).
BY_CHOICES = ("event_type", "sub_event_type", "region", "department", "commune", "adm1", "adm2", "adm3", "actor",
              "month")


@click.command()
@options.events_option
@options.config_option
@options.period_option
@click.option("--by", "by", type=click.Choice(BY_CHOICES), multiple=True,
              help="Group by this (repeat for a cross table, e.g. --by region --by event_type); admin levels "
                   "by slot or key (adm2: the country's second level, e.g. cercle). Default: event_type.")
@click.option("--compare", is_flag=True, help="Add the same period one year earlier and the % change.")
@click.option("--civilian-targeting", is_flag=True,
              help="Only events targeting civilians (ACLED's civilian_targeting flag; UCDP: one-sided violence).")
@click.option("--all-event-types", is_flag=True,
              help="Count every event type (protests, riots, ...), not only the report's.")
@click.option("--max-geo-precision", type=click.IntRange(1, 7), default=None, metavar="N",
              help="Keep events with geo_precision <= N (1 = exact place; ACLED 1-3, UCDP where_prec 1-7).")
@click.option("--max-time-precision", type=click.IntRange(1, 5), default=None, metavar="N",
              help="Keep events with time_precision <= N (1 = exact day; ACLED 1-3, UCDP date_prec 1-5).")
@click.option("--region", default=None, metavar="NAME", help="With --table: the region (name or P-code).")
@click.option("--table", "table", type=click.Choice(["1", "2"]), default=None,
              help="The report's Tabel 1 (period vs a year earlier) or Tabel 2 (last year vs this year).")
@click.option("--rates", is_flag=True,
              help="Every region with fatalities per 100,000 inhabitants (the report's population table).")
@options.language_option
@options.date_format_option
@options.access_date_option
@click.option("--format", "fmt", type=click.Choice(["md", "csv"]), default="md", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write here instead of standard output.")
def stats(events, config, period, by, compare, civilian_targeting, all_event_types, max_geo_precision,
          max_time_precision, region, table, rates, language, date_format, access_date, fmt, out):
    """Incidents and fatalities by event type, sub-event type, region, department, actor or month.

    Regions and departments come from the coordinates (the COD-AB boundaries),
    not from the file's admin columns. Without --events the bundled SYNTHETIC
    demo data are used; without --period the config's current period.

    \b
    Examples:
      geo-coi stats --by region --by event_type
      geo-coi stats --compare --period 2024-09-01 2025-05-30
      geo-coi stats --region REGION --table 1 --language nl   (REGION: a name or P-code)
    """
    from geo_coi import stats as st
    from geo_coi.config import load_config

    _check_options(by, compare, region, table, rates)
    report = load_config(config)
    current = options.parse_period(period) or report.current
    language = language or report.language
    path = events or report.events_file
    loaded = load_events(path, report, date_format, access_date)
    _check_periods(loaded.joined, current, compare, path, language)
    if not all_event_types:
        for note in loaded.notes:
            click.echo(f"note: {note}", err=True)
    filters = {"event_types": None if all_event_types else loaded.event_types,
               "max_geo_precision": max_geo_precision, "max_time_precision": max_time_precision,
               "civilian_targeting": True if civilian_targeting else None}
    result = st.report_table(loaded.joined, current, by=by, compare=compare, table=table, region=region,
                             rates=rates, language=language, **filters)
    text = st.to_markdown(result) if fmt == "md" else st.to_csv(result)
    if fmt == "md":  # the source line under the table (ACLED: with its access date)
        from geo_coi.style import event_credit

        text += f"\n{event_credit(loaded.joined.attrs, language)}\n"
    if out:
        from geo_coi.atomic import write_text

        write_text(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def _check_options(by, compare, region, table, rates) -> None:
    """Options that do not go together: one line saying why."""
    if table and not region:
        raise InputError("--table needs --region NAME (a region's name or P-code)")
    if region and not table:
        raise InputError("--region is used with --table 1 or --table 2")
    ignored = [name for name, given in (("--by", by), ("--compare", compare)) if given]
    if (table or rates) and ignored:
        raise InputError(f"{' and '.join(ignored)} cannot be combined with {'--table' if table else '--rates'}: "
                         "--table and --rates print fixed layouts")
    if table and rates:
        raise InputError("choose --table or --rates, not both")


def load_events(path, report, date_format=None, access_date=None):
    """The events of ``path`` (:func:`geo_coi.pipeline.load`); rejected rows are counted on stderr."""
    from geo_coi import pipeline

    loaded = pipeline.load(path, report, date_format=date_format, access_date=access_date)
    rejected = loaded.summary["rejected"]
    if rejected:
        click.echo(f"note: {rejected} row(s) of {path} rejected (see geo-coi validate)", err=True)
    return loaded


def _check_periods(events, current, compare, path, language) -> None:
    """A period the file does not cover is an error; partial coverage a warning on stderr."""
    from pathlib import Path

    from geo_coi.style import check_coverage

    periods = [("current period", current)] + ([("comparison period", current.previous_year())] if compare else [])
    for what, period in periods:
        note = check_coverage(events, period, what, Path(path).name, language)
        if note:
            click.echo(f"warning: {note}", err=True)
