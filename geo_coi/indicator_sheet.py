"""The indicator sheet's files: CSV, Markdown and XLSX per level, each with a column glossary.

:func:`write_sheets` takes the tables of :func:`geo_coi.indicators.compute` (one per level) and of
:func:`geo_coi.indicators.ucdp_comparison` and writes, into one folder,

- ``indicators_<level>.csv``: the data file (column keys, every value as computed, empty where
  unknown), and ``indicators_ucdp_vs_acled.csv``;
- ``indicators_<level>_<lang>.md``: headers in the language, "–" where a rate has no population
  (with its footnote), the credit line and the glossary;
- ``indicators_<lang>.xlsx``: a sheet per level, the UCDP comparison and the glossary.

The glossary's definitions are the ``glossary:<column>`` rows of ``data/translations.csv``;
``comparison_<measure>`` and ``pct_change_<measure>`` columns are explained by the
``glossary:comparison_`` and ``glossary:pct_change_`` rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo_coi import country, indicators
from geo_coi.atomic import write_bytes, write_text
from geo_coi.ooxml import reproducible_zip
from geo_coi.spreadsheet import xlsx_bytes
from geo_coi.stats import to_csv, to_markdown
from geo_coi.style import decimal_mark, event_credit, label, localized_credit, localized_values

DASH = "–"  # printed where a value cannot be computed (no population, no comparison count)
PREFIXES = ("comparison_", "pct_change_")
UCDP_NAME = "ucdp_vs_acled"
LEVELS = ("region", "department")  # the levels the annex writes sheets for (compute() also does communes)


def annex_step(run) -> None:
    """The annex's "indicator sheet" step: every level and language into ``tables/``, captions for the gallery."""
    config = run.config
    tables = {level: indicators.compute(run.events, config, level) for level in LEVELS}
    ucdp_events = indicators.ucdp_events(config, run.events)
    ucdp = indicators.ucdp_comparison(run.events, config, ucdp_events) if ucdp_events is not None else None
    paths = write_sheets(tables, run.staging / "tables", config.languages, config.current.end.isoformat(), ucdp)
    for path in paths:
        stem = path.relative_to(run.staging).with_suffix("").as_posix()
        name = path.stem.removeprefix("indicators_").rsplit("_", 1)[0] if path.suffix == ".md" else path.stem
        what = label(f"indicators_sheet_{name.removeprefix('indicators_')}", run.language)
        key = "table:indicators_workbook" if path.suffix == ".xlsx" else "table:indicators"
        run.captions[stem] = label(key, run.language).format(level=what)


def write_sheets(tables: dict, out_dir, languages, zip_date: str, ucdp=None) -> list[Path]:
    """Write the indicator files of every level and language.

    Parameters
    ----------
    tables : dict of str -> pandas.DataFrame
        Level (``region``, ``department`` ...) -> :func:`geo_coi.indicators.compute` table.
    out_dir : path-like
    languages : sequence of {"nl", "fr", "en"}
    zip_date : str
        ISO date stamped on the XLSX members (byte-identical reruns), e.g. the period's end.
    ucdp : pandas.DataFrame, optional
        :func:`geo_coi.indicators.ucdp_comparison`.

    Returns
    -------
    list of pathlib.Path
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = dict(tables)
    if ucdp is not None:
        frames[UCDP_NAME] = ucdp
    written = []
    for name, table in frames.items():
        path = out_dir / f"indicators_{name}.csv"
        write_text(path, to_csv(table))
        written.append(path)
    for language in languages:
        for name, table in frames.items():
            path = out_dir / f"indicators_{name}_{language}.md"
            write_text(path, markdown(table, language, ucdp=name == UCDP_NAME))
            written.append(path)
        path = out_dir / f"indicators_{language}.xlsx"
        write_bytes(path, _workbook(frames, language, zip_date))
        written.append(path)
    return written


def markdown(table: pd.DataFrame, language: str, ucdp: bool = False) -> str:
    """One level's indicators as Markdown in ``language``: table, footnotes, credit, glossary."""
    shown = _readable(table, language)
    shown.attrs = dict(table.attrs)
    shown.attrs["title"] = label("indicators_ucdp_title" if ucdp else f"indicators_title_{table.attrs.get('level')}",
                                 language)
    notes = [label("indicators_note_ucdp", language) if ucdp else _population_note(language)]
    lines = [to_markdown(shown, language).rstrip("\n"), ""]
    lines += [f"{DASH} {note}" if i == 0 and not ucdp else note for i, note in enumerate(notes)]
    if ucdp and table.attrs.get("ucdp_credit"):
        lines.append(localized_credit(table.attrs["ucdp_credit"], language))
    lines += ["", f"**{label('glossary', language)}**", ""]
    lines += [f"- **{header(column, language)}** (`{column}`): {definition(column, language)}"
              for column in table.columns]
    return "\n".join(lines) + "\n"


def _population_note(language: str) -> str:
    """Where the populations come from: the report's own regional figures (e.g. INS 2023), else COD-PS's year."""
    pack = country.active()
    if pack.has_file("population_report"):
        return label("indicators_note_population", language)
    return label("indicators_note_population:cod_ps", language).format(year=pack.settings["population"]["year"])


def glossary(columns, language: str) -> pd.DataFrame:
    """``column``, ``name`` (the header in ``language``) and ``definition`` of each column."""
    return pd.DataFrame({label("column", language): list(columns),
                         label("name", language): [header(c, language) for c in columns],
                         label("definition", language): [definition(c, language) for c in columns]})


def header(column: str, language: str) -> str:
    """The printed header of a column (``header:comparison_`` / ``header:pct_change_`` patterns)."""
    for prefix in PREFIXES:
        if column.startswith(prefix):
            return label(f"header:{prefix}", language).format(measure=label(column[len(prefix):], language))
    return label(column, language)


def definition(column: str, language: str) -> str:
    """The glossary definition of a column (``glossary:<column>``; prefixed columns by their measure)."""
    for prefix in PREFIXES:
        if column.startswith(prefix):
            measure = column[len(prefix):]
            return label(f"glossary:{prefix}", language).format(measure=label(measure, language))
    key = f"glossary:{column}"
    text = label(key, language)
    return "" if text == key else text


def gpkg_columns(table: pd.DataFrame, present) -> pd.DataFrame:
    """The indicator columns a GeoPackage aggregate layer adds to a :func:`geo_coi.stats.by_unit` table.

    Columns already in the layer (``present``: names, counts) are left out; the COD-PS population and
    its rates are renamed ``*_codps`` so that they never sit under the same name as the layer's own
    (the report's own figures for regions, e.g. INS 2023).
    """
    renamed = {c: f"{c}_codps" for c in ("population", "incidents_per_100k", "fatalities_per_100k",
                                          "comparison_incidents_per_100k", "comparison_fatalities_per_100k")}
    out = table.rename(columns=renamed)
    keep = ["pcode"] + [c for c in out.columns if c not in set(present)]
    return out[keep]


def _workbook(frames: dict, language: str, zip_date: str) -> bytes:
    sheets = {}
    columns = []
    for name, table in frames.items():
        sheets[label(f"indicators_sheet_{name}", language)[:31]] = _readable(table, language, numbers=True)
        columns += [c for c in table.columns if c not in columns]
    sheets[label("glossary", language)[:31]] = _with_source(glossary(columns, language), frames, language)
    return reproducible_zip(xlsx_bytes(sheets), zip_date)


def _with_source(glossary_sheet: pd.DataFrame, frames: dict, language: str) -> pd.DataFrame:
    """The glossary with a last row naming the events' source (the CSVs' ``source`` column; SYNTHETIC demo data)."""
    attrs = next(iter(frames.values())).attrs if frames else {}
    if not attrs.get("source"):
        return glossary_sheet
    row = dict(zip(glossary_sheet.columns, ["source", label("source", language), event_credit(attrs, language)],
                   strict=True))
    return pd.concat([glossary_sheet, pd.DataFrame([row])], ignore_index=True)


def _readable(table: pd.DataFrame, language: str, numbers: bool = False) -> pd.DataFrame:
    """A copy for people: headers in ``language``, "–" where a rate or population cannot be given.

    A column holding a "–" becomes text: numbers in it are written with the language's decimal
    mark (in the XLSX, with ``numbers=True``, they stay numbers and only the gaps are "–").
    """
    out = localized_values(table, language)
    mark = decimal_mark(language)
    for column in out.columns:
        if not column.endswith(("_per_100k", "population")) or not out[column].isna().any():
            continue
        if numbers:
            out[column] = [DASH if pd.isna(v) else v for v in out[column]]
        else:
            out[column] = [DASH if pd.isna(v) else _text(v, mark) for v in out[column]]
    out.columns = [header(c, language) for c in out.columns]
    return out


def _text(value, mark: str) -> str:
    if float(value).is_integer() and not isinstance(value, float):
        return str(int(value))
    return f"{float(value):.2f}".replace(".", mark)
