"""Table steps: every table as CSV and Markdown, the changes since the last edition, the XLSX workbook."""

from __future__ import annotations

from pathlib import Path

from geo_coi import changes as editions
from geo_coi import country, stats
from geo_coi.atomic import write_bytes
from geo_coi.gazetteer import resolve
from geo_coi.ooxml import reproducible_zip
from geo_coi.progress import SkipStep
from geo_coi.spreadsheet import xlsx_bytes
from geo_coi.steps.common import leave_out, slug, title
from geo_coi.style import label, localized_table

# The national tables, in output order; each caption is the ``table:<name>`` row of translations.csv.
TABLES = (
    "national_by_event_type",
    "national_by_sub_event_type",
    "civilian_targeting_by_actor",
    "by_region",
    "by_region_and_event_type",
    "by_department",
    "by_commune",
    "monthly_by_event_type",
    "all_events_by_region",
    "admin_agreement",
)


def tables(run) -> None:
    """The "tables" step: the national tables, per-region breakdowns and the config's Table 1 and 2."""
    ev, cfg, types = run.events, run.config, run.event_types
    current, lang = cfg.current, run.language
    frames = {
        "national_by_event_type": stats.summarize(ev, current, by="event_type", compare=True, event_types=types),
        "national_by_sub_event_type": stats.summarize(ev, current, by="sub_event_type", compare=True,
                                                      event_types=types),
        "civilian_targeting_by_actor": stats.summarize(ev, current, by="actor", civilian_targeting=True,
                                                       event_types=types),
        "by_region": stats.by_unit(ev, "region", current, event_types=types),
        "by_region_and_event_type": stats.summarize(ev, current, by=["region", "event_type"], event_types=types),
        "by_department": stats.by_unit(ev, "department", current, event_types=types),
        # Burkina Faso's pack stops at provinces: no commune table
        **({"by_commune": stats.by_unit(ev, "commune", current, event_types=types)}
           if country.active().has_level("commune") else {}),
        "monthly_by_event_type": stats.monthly(ev, cfg.chart_window, by="event_type", event_types=types),
        # Every accepted event inside the country (any type, any date): checks the manifest's counts.
        "all_events_by_region": stats.by_unit(ev, "region", event_types=None),
    }
    name_of_country = country.active().name(lang)
    captions = {name: label(f"table:{name}", lang).format(country=name_of_country) for name in TABLES}
    _pack_tables(run, frames, captions)
    for region in cfg.department_breakdowns:
        frames[f"{slug(region)}_by_department"] = stats.summarize(
            _in_region(ev, region), current, by=["department", "event_type"], event_types=types)
        captions[f"{slug(region)}_by_department"] = label("table:region_by_department", lang).format(region=region)
    for region in cfg.region_tables:
        frames[f"table1_{slug(region)}"] = stats.table1(ev, region, current, language=lang)
        frames[f"table2_{slug(region)}"] = stats.table2(ev, region, current, language=lang)
        captions[f"table1_{slug(region)}"] = label("table:table1", lang).format(region=region)
        captions[f"table2_{slug(region)}"] = label("table:table2", lang).format(region=region)
    agreement = run.loaded.join.agreement
    if agreement is not None and not leave_out(run, "tables/admin_agreement.csv"):
        frames["admin_agreement"] = agreement
        frames["admin_agreement"].attrs.update(stats.source_attrs(ev))  # ACLED rows: their credit line
    run.tables = frames
    for name, table in frames.items():
        caption = captions.get(name, name.replace("_", " "))
        stats.write_table(table, run.stem("tables", name, caption, localized=False), language=run.language)


def _pack_tables(run, frames: dict, captions: dict) -> None:
    """The capital's table by its sub-units, where the pack has them (Niamey's arrondissements, Bamako's communes)."""
    pack = country.active()
    capital = pack.capital
    if capital is not None and capital.subunit_slot:
        subunit = capital.subunit_names.get(run.language) or capital.subunit_names.get("en", "")
        name = f"{slug(capital.name)}_by_{slug(capital.subunit_names.get('en', subunit))}"  # niamey_by_arrondissement
        at = list(frames).index("monthly_by_event_type")  # before the monthly table, as the files were always written
        table = stats.by_unit(run.events, capital.subunit_slot, run.config.current, event_types=run.event_types)
        items = list(frames.items())
        frames.clear()
        frames.update(items[:at] + [(name, table)] + items[at:])
        captions[name] = label("table:capital_by_subunit", run.language).format(capital=capital.name, subunit=subunit)


def changes(run) -> None:
    """"Changes since the last edition", when the config names one ([changes] previous_edition)."""
    if run.config.previous_edition is None:
        return
    spec = run.config.previous_edition
    old = editions.read_edition(spec, run.config, run.date_format)
    old.name = Path(spec).name if Path(spec).is_file() else spec
    result = editions.compare(old, editions.edition_of(run.events_path.name, run.read, run.join), run.config)
    with_ids = not leave_out(run, "event ids of the changes since the last edition")
    name = editions.ANNEX_TABLE
    stem = run.stem("tables", name, title(run, f"table:{name}"), localized=False)
    editions.write_edition_table(result, stem, run.language, with_ids)
    run.tables[name] = editions.edition_table(result, with_ids)
    for path in editions.write_changes(result, run.staging / "tables" / "changes", run.language, with_ids):
        run.captions[path.relative_to(run.staging).with_suffix("").as_posix()] = title(run, "changes_title")
    run.notes.append(editions.edition_note(result, run.language))


def _in_region(events, region: str):
    pcode = resolve(region, "region")
    return events[events["region_pcode"] == pcode]


def workbook(run) -> None:
    """One XLSX with a sheet per table, read back from the CSVs so both hold the same cells."""
    import pandas as pd

    if not run.tables:
        raise SkipStep("no tables")
    target = run.staging / "tables" / "tables.xlsx"
    run.captions["tables/tables"] = label("table:tables", run.language)
    used: set[str] = set()
    # people read the workbook: headers translated
    sheets = {_sheet_name(name, used): localized_table(pd.read_csv(run.staging / "tables" / f"{name}.csv",
                                                                   keep_default_na=False), run.language)
              for name in run.tables}
    write_bytes(target, reproducible_zip(xlsx_bytes(sheets), run.config.current.end.isoformat()))


def _sheet_name(name: str, used: set) -> str:
    """Excel sheet names: at most 31 characters, unique."""
    base = name[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate
