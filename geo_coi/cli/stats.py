"""``geo-coi stats``: the report's tables (incidents and fatalities) as Markdown or CSV."""

from __future__ import annotations

import click

from geo_coi.cli import options
from geo_coi.errors import InputError

BY_CHOICES = ("event_type", "sub_event_type", "region", "department", "commune", "actor", "month")


@click.command()
@options.events_option
@options.config_option
@options.period_option
@click.option("--by", "by", type=click.Choice(BY_CHOICES), multiple=True,
              help="Group by this (repeat for a cross table, e.g. --by region --by event_type). "
                   "Default: event_type.")
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
@click.option("--rates", is_flag=True, help="Every region with fatalities per 100,000 inhabitants (INS 2023).")
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
      geo-coi stats --region Dosso --table 1 --language nl
    """
    from geo_coi import stats as st
    from geo_coi.config import load_config

    if table and not region:
        raise InputError("--table needs --region NAME (e.g. --region Dosso --table 1)")
    if region and not table:
        raise InputError("--region is used with --table 1 or --table 2")
    ignored = [name for name, given in (("--by", by), ("--compare", compare)) if given]
    if (table or rates) and ignored:
        raise InputError(f"{' and '.join(ignored)} cannot be combined with {'--table' if table else '--rates'}: "
                         "--table and --rates print fixed layouts")
    if table and rates:
        raise InputError("choose --table or --rates, not both")
    report = load_config(config)
    current = options.parse_period(period) or report.current
    language = language or report.language
    joined = load_events(events or report.events_file, report.snap_tolerance_km, date_format)
    _check_periods(joined, current, compare, events or report.events_file, language)
    event_types = None if all_event_types else st.counted_event_types(joined, report.event_types)
    if event_types is not None and set(event_types) - set(report.event_types):
        click.echo(f"note: none of the config's event types occur in {events or report.events_file}; "
                   f"counting its own: {', '.join(event_types)}", err=True)
    filters = {"event_types": event_types, "max_geo_precision": max_geo_precision,
               "max_time_precision": max_time_precision}
    if civilian_targeting:
        filters["civilian_targeting"] = True
    if table:
        from geo_coi.events import select

        subset = select(joined, **{k: v for k, v in filters.items() if k != "event_types" and v is not None})
        function = st.table1 if table == "1" else st.table2
        result = function(subset, region, current, language=language)
    elif rates:
        result = st.by_unit(joined, "region", current, **{k: v for k, v in filters.items() if v is not None})
    else:
        result = st.summarize(joined, current, by=list(by) or "event_type", compare=compare, **filters)
    text = st.to_markdown(result) if fmt == "md" else st.to_csv(result)
    text += _credit(joined, access_date, report, events or report.events_file, fmt, language)
    if out:
        from geo_coi.atomic import write_text

        write_text(out, text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def load_events(path, tolerance_km: float, date_format=None):
    """Read an events file and join it to the admin units; rejects are reported on stderr."""
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    read = read_events(path, date_format=date_format)
    joined = join_admin(read.events, tolerance_km=tolerance_km)
    rejected = len(read.rejects) + len(joined.rejects)
    if rejected:
        click.echo(f"note: {rejected} row(s) of {path} rejected (see geo-coi validate)", err=True)
    return joined.events



def _check_periods(events, current, compare, path, language) -> None:
    """A period the file does not cover is an error; partial coverage a warning on stderr."""
    from pathlib import Path

    from geo_coi.style import check_coverage

    periods = [("current period", current)] + ([("comparison period", current.previous_year())] if compare else [])
    for what, period in periods:
        note = check_coverage(events, period, what, Path(path).name, language)
        if note:
            click.echo(f"warning: {note}", err=True)


def _credit(events, access_date, report, path, fmt, language) -> str:
    """The source line under a Markdown table (ACLED: with its access date); nothing for CSV."""
    from geo_coi.config import resolve_access_date
    from geo_coi.style import data_as_of, event_credit

    attrs = dict(events.attrs)
    attrs["access_date"] = resolve_access_date(attrs, access_date, report, path)
    attrs["data_as_of"] = data_as_of(events) if attrs["access_date"] else None
    return f"\n{event_credit(attrs, language)}\n" if fmt == "md" else ""
