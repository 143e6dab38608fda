"""``geo-coi validate``: read an event file, join it to admin units, and account for every row."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from geo_coi.cli import options
from geo_coi.errors import InputError


@click.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False),
              help="Write every rejected row (reason, field, value, raw columns) to this CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--source", type=click.Choice(["acled", "ucdp"]), default=None,
              help="Source format (default: detected from the columns).")
@click.option("--tolerance-km", type=float, default=None,
              help="Keep events this close outside a country's outline (default 10 km).")
@click.option("--country", "countries", multiple=True, metavar="ISO3",
              help="Keep only this country's events, as 'annex --country' does (repeat for several; "
                   "default every bundled country).")
@options.date_format_option
def validate(file, rejects_path, as_json, source, tolerance_km, date_format, countries):
    """Check an ACLED or UCDP events FILE: rows read, accepted, rejected by reason.

    Splits the events by country from their coordinates (a multi-country
    ACLED export: counts per country, rows outside every bundled country), joins
    them to each country's admin units and reports how many were snapped to the
    border and how often the file's own country, admin1 and admin2 names agree
    (rows whose country differs are listed with their line). With --rejects, the merged identical duplicates
    go to duplicates.csv beside it. Exits 0 when the file could be read and at
    least one row was accepted, 1 when it is not a usable events file or every
    row was rejected.
    """
    from geo_coi.ingest import check_file
    from geo_coi.join import DEFAULT_TOLERANCE_KM, account, check_tolerance

    if rejects_path and _same_file(file, rejects_path):
        raise InputError(f"--rejects {rejects_path} is the input file itself; write the rejects to another file")
    tolerance_km = check_tolerance(DEFAULT_TOLERANCE_KM if tolerance_km is None else tolerance_km,
                                   "join_admin (--tolerance-km)")
    checked = check_file(file, source=source, date_format=date_format, tolerance_km=tolerance_km,
                         countries=tuple(countries) or None)
    report = {
        "counts": account(checked.read, checked.join, checked.join_rejects),
        "read": checked.read,
        "join": checked.join,
        "agreement": checked.agreement,
        # h12-split: rows whose country column names another country than their coordinates
        "country_disagreements": checked.disagreements[["row_number", "event_id", "source_name", "joined_pcode"]]
        .rename(columns={"source_name": "file_country", "joined_pcode": "country"}).to_dict("records"),
    }
    if rejects_path:
        from geo_coi.atomic import write_text
        from geo_coi.pipeline import all_rejects
        from geo_coi.spreadsheet import csv_text

        rejects = all_rejects(checked.rejects, checked.join_rejects)
        duplicates_path = str(Path(rejects_path).with_name("duplicates.csv"))
        for what, frame, path in (("rejects", rejects, rejects_path),
                                  ("duplicates", checked.duplicates, duplicates_path)):
            if _same_file(file, path):
                raise InputError(f"the {what} file {path} would be the input file itself; "
                                 "give --rejects another name or folder")
            try:
                if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
                    raise FileNotFoundError(2, "no such folder")
                write_text(path, csv_text(frame))
            except OSError as exc:
                raise InputError(f"cannot write the {what} file {path}: {exc}") from None
        report["rejects_file"], report["duplicates_file"] = rejects_path, duplicates_path
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    else:
        click.echo("\n".join(_lines(report)))
    if report["counts"]["accepted"] == 0:
        raise InputError(f"{file}: no row accepted (all {report['counts']['read']} rejected or merged); "
                         "see the reasons above")


def _country_lines(report: dict) -> list[str]:
    """Events per country (from the coordinates) and those outside every pack."""
    from geo_coi import country

    join, counts = report["join"], report["counts"]
    shown = ", ".join(f"{country.get(code).name()} {n}" for code, n in counts["by_country"].items()) or "none"
    lines = [f"countries (from the coordinates): {shown}; outside every country pack {counts['outside_packs']}"]
    if counts["other_countries"]:
        lines.append(f"  {counts['other_countries']} more in other countries (not asked for with --country)")
    if join["not_joined"]:
        names = ", ".join(country.get(code).name() for code in join["not_joined"])
        lines.append(f"  {names}: counted, not joined to admin units (no admin index for that pack yet)")
    return lines


def _disagreement_lines(rows: list, shown: int = 20) -> list[str]:
    """One line per row whose country column names another country (the first ``shown``)."""
    from geo_coi import country

    lines = [f"  line {row['row_number']} ({row['event_id']}): the file says {row['file_country']!r}, "
             f"the coordinates lie in {country.get(row['country']).name()}" for row in rows[:shown]]
    if len(rows) > shown:
        lines.append(f"  ... and {len(rows) - shown} more (see --json)")
    return lines


def _level_name(slot: str | None, codes: tuple[str, ...]) -> str:
    """The packs' English name of level ``slot`` (None: each pack's finest), e.g. ``commune``, ``cercle/province``.

    ``codes`` are the countries of the file's events (from the coordinates); without any, the active pack's.
    """
    from geo_coi import country

    packs = [country.get(code) for code in codes] or [country.active()]
    levels = [pack.finest if slot is None else pack.level(slot) for pack in packs
              if slot is None or pack.has_level(slot)]
    return "/".join(dict.fromkeys(level.display("en") for level in levels)) or str(slot)


def _same_file(first, second) -> bool:
    """True when both paths name one file (also through links or ``./`` spellings)."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # the rejects file does not exist yet
        return os.path.realpath(first) == os.path.realpath(second)


def _lines(report: dict) -> list[str]:
    read, join, agreement, counts = report["read"], report["join"], report["agreement"], report["counts"]
    lines = [
        f"file: {read['file']} ({read['format']}, {read['source']})",
        f"read {counts['read']}, accepted {counts['accepted']}, rejected {counts['rejected']}, "
        f"identical duplicates merged {counts['duplicates_merged']}, "
        f"unknown fatalities {counts['unknown_fatalities']}",
    ]
    lines += [f"  rejected, {reason}: {count}" for reason, count in counts["rejected_by_reason"].items()]
    lines += _country_lines(report)  # h12-split: counts per country of a multi-country file
    codes = tuple(counts["by_country"])
    lines.append(
        f"join: {join['inside']} inside, {join['snapped']} snapped to the nearest {_level_name(None, codes)} "
        f"(within {join['tolerance_km']:g} km; farthest {join['max_snap_km']:g} km)"
    )
    for level, counts in agreement.items():
        rate = counts["agreement_rate"]
        text = f"agreement of the file's {_level_name(level, codes)}: {counts['agree']} of {counts['compared']}"
        text += f" ({rate:.1%})" if rate is not None else ""
        if counts["boundary_vintage"]:
            text += (f", {counts['boundary_vintage']} more use the name of an earlier boundary vintage"
                     f" ({counts['agreement_rate_with_vintage']:.1%} with them)")
        text += f"; {counts['disagree']} disagree, {counts['unresolved']} unresolved, {counts['missing']} blank"
        lines.append(text)
        if level == "country":
            lines += _disagreement_lines(report["country_disagreements"])
    lines += [f"note: {note}" for note in read["notes"]]
    if "rejects_file" in report:
        lines.append(f"rejects written to {report['rejects_file']}, merged duplicates to {report['duplicates_file']}")
    return lines
