"""The EUAA/ACCORD indicator sheet: one row per admin unit, this period and the comparison period.

:func:`compute` is the public entry: joined events (:func:`geo_coi.join.join_admin`), a report
config and an admin level in, a plain :class:`pandas.DataFrame` out, every unit of the level
kept (zeros, not gaps). :func:`ucdp_comparison` sets UCDP GED's deaths beside ACLED's
fatalities per region. The files (CSV, Markdown, XLSX with a glossary) are written by
:mod:`geo_coi.indicator_sheet`.

Columns of :func:`compute`
--------------------------
pcode, name : str
    The unit (COD-AB P-code and name); below the region level also ``region_pcode``,
    ``region`` (and ``department_pcode``, ``department`` for communes).
incidents, fatalities : int
    Events of the report's types in the period, and their reported fatalities
    (<NA> only when every event of the unit has unknown fatalities).
civilian_incidents, civilian_fatalities : int
    The same for events with ACLED's civilian-targeting flag.
lethal_incidents : int
    Incidents with at least one reported fatality (ACCORD).
fatalities_per_incident : float
    ``fatalities / incidents``, 2 decimals; <NA> without incidents.
population : Int64
    COD-PS population of the unit (the country pack's ``population/``), <NA> where none is published.
population_year : Int64
    The year of that population figure (the pack's COD-PS year; the report's regional table
    ``by_region`` may quote other figures, e.g. INS 2023: the two are never mixed in one ratio here).
incidents_per_100k, fatalities_per_100k : float
    Per 100,000 inhabitants (EUAA's intensity indicator), 2 decimals; <NA> without a population.
communes, communes_with_incidents : int
    Communes (ADM3) in the unit, and those with at least one incident (<NA> in a pack without
    communes, such as Burkina Faso's).
spread_pct : float
    Geographic spread: ``communes_with_incidents / communes * 100``, 1 decimal.
imprecise_pct : float
    Share (%) of the incidents whose ``geo_precision`` is 2 or 3 (town or area centroid), among
    those whose precision is known; 1 decimal; <NA> when none is known (e.g. UCDP's extract).
comparison_<measure> : as above
    Every measure above from ``incidents`` to ``imprecise_pct`` for the comparison period
    (the config's ``periods.comparison``, by default the same period a year earlier).
pct_change_<measure> : float
    ``(this - comparison) / comparison * 100`` for incidents, fatalities, civilian incidents,
    civilian fatalities and lethal incidents, 1 decimal; <NA> when the comparison count is 0.
idps, idps_year : Int64
    Internally displaced persons reported by UNHCR for the unit (the latest end-of-year figures
    before the report's date) and their year; <NA> where UNHCR publishes none (communes, and
    units without a figure).

``attrs``: ``level``, ``period``, ``comparison`` (text), the events' source attributes
(credit line), ``population_source``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re

import pandas as pd

from geo_coi import admin_index, country_split
from geo_coi import country as _country
from geo_coi.displacement import by_unit
from geo_coi.errors import InputError
from geo_coi.events import select
from geo_coi.periods import Period
from geo_coi.sources import read_events
from geo_coi.stats import source_attrs
from geo_coi.style import event_credit

LEVELS = ("region", "department", "commune")
UNIT_COLUMNS = {"region": "region_pcode", "department": "department_pcode", "commune": "commune_pcode"}
# level -> ADM number in the population file names (``*_population_adm<n>_<year>.csv``)
ADM_NUMBERS = {"region": 1, "department": 2, "commune": 3}
POPULATION_FOLDER = "population"
COUNTS = ("incidents", "fatalities", "civilian_incidents", "civilian_fatalities", "lethal_incidents")
PERIOD_MEASURES = (*COUNTS, "fatalities_per_incident", "incidents_per_100k", "fatalities_per_100k",
                   "communes_with_incidents", "spread_pct", "imprecise_pct")
IMPRECISE_CODES = (2, 3)
UCDP_SOURCE = "UCDP GED"
POPULATION_CREDIT = "Population: COD-PS (OCHA, via HDX)"  # a pack without [population] credit
UCDP_COLUMNS = ("region_pcode", "region", "period", "start", "end", "acled_fatalities",
                "ucdp_events", "ucdp_best", "ucdp_low", "ucdp_high")


def compute(events, config, level: str = "region", period=None, comparison=None) -> pd.DataFrame:
    """The indicator sheet of one admin level.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined canonical events, every type and date (the report's types are selected here).
    config : geo_coi.config.ReportConfig
        Gives the event types, the periods and the report's date (for the IDP figures).
    level : {"region", "department", "commune"}
    period, comparison : Period or (start, end), optional
        Default the config's ``current`` and ``comparison`` periods.

    Returns
    -------
    pandas.DataFrame
        One row per unit in P-code order; columns as in the module docstring.
    """
    if level not in LEVELS:
        raise InputError(f"indicators: unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    period = Period.coerce(period) or config.current
    comparison = Period.coerce(comparison) or config.comparison
    units = pd.DataFrame(admin_index.records(level)).drop(columns=["name_ascii"])
    communes = _commune_counts(level, units["pcode"])
    population, year = _population(level, units["pcode"])
    table = units.assign(population=population, population_year=year)
    for prefix, span in (("", period), ("comparison_", comparison)):
        measures = _measures(events, config.event_types, span, level, units["pcode"], communes, population)
        table = table.join(measures.add_prefix(prefix))
        if not prefix:
            table.insert(list(table.columns).index("incidents_per_100k"), "communes", communes)
    for measure in COUNTS:
        table[f"pct_change_{measure}"] = _change(table[measure], table[f"comparison_{measure}"])
    table = table.join(_idps(level, units["pcode"], config.date))
    table = _ordered(table)
    table.attrs.update(source_attrs(events))
    table.attrs.update(level=level, period=str(period), comparison=str(comparison),
                       population_source=_population_source())
    return table


def ucdp_comparison(events, config, ucdp_events) -> pd.DataFrame:
    """UCDP GED deaths (best, low, high) next to ACLED's fatalities, per region and period.

    Each period is cut to the span UCDP covers (whole calendar years of its data), and ACLED's
    fatalities are counted over that same span, so the two columns cover the same days. The two
    sources count differently (see :mod:`geo_coi.sources.ucdp`): UCDP only organised violence
    with a death, with a best estimate and bounds; ACLED a conservative reported count.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined ACLED events (every type; the config's types are counted).
    config : geo_coi.config.ReportConfig
    ucdp_events : geopandas.GeoDataFrame
        Joined UCDP GED events (all of UCDP's types are counted).

    Returns
    -------
    pandas.DataFrame
        ``region_pcode``, ``region``, ``period`` ("current"/"comparison"), ``start``, ``end``
        (the covered span, ISO dates), ``acled_fatalities``, ``ucdp_events``, ``ucdp_best``,
        ``ucdp_low``, ``ucdp_high`` (<NA> when the UCDP file has no ``low``/``high``
        columns); periods UCDP does not cover at all are absent.
    """
    regions = pd.DataFrame(admin_index.records("region"))[["pcode", "name"]]
    regions.columns = ["region_pcode", "region"]
    covered = _ucdp_span(ucdp_events)
    rows = []
    for name, span in (("current", config.current), ("comparison", config.comparison)):
        start, end = max(span.start, covered.start), min(span.end, covered.end)
        if start > end:
            continue
        cut = Period(start, end)
        acled = _sums(select(events, period=cut, event_types=config.event_types), {"fatalities": "fatalities"})
        ucdp = _sums(select(ucdp_events, period=cut), {"best": "fatalities", "low": "low", "high": "high"})
        block = regions.assign(period=name, start=start.isoformat(), end=end.isoformat())
        block["acled_fatalities"] = block["region_pcode"].map(acled["fatalities"]).fillna(0).astype("Int64")
        block["ucdp_events"] = block["region_pcode"].map(ucdp["events"]).fillna(0).astype("int64")
        block["ucdp_best"] = block["region_pcode"].map(ucdp["best"]).fillna(0).astype("Int64")
        for bound in ("low", "high"):  # the bundled extract has no bounds: <NA>, never a guess
            values = (block["region_pcode"].map(ucdp[bound]).fillna(0).astype("Float64") if bound in ucdp
                      else pd.Series(pd.NA, index=block.index, dtype="Float64"))
            block[f"ucdp_{bound}"] = values.round().astype("Int64")
        rows.append(block)
    table = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=list(UCDP_COLUMNS))
    table.attrs.update(source_attrs(events))
    table.attrs["ucdp_credit"] = event_credit(ucdp_events.attrs) if ucdp_events.attrs.get("source") else ""
    return table[list(UCDP_COLUMNS)]


def ucdp_events(config, events=None):
    """The config's UCDP GED file (``[indicators] ucdp_file``), read and joined; None without one.

    Also None when ``events`` are UCDP's own (nothing to set beside them). Read once per file.
    """
    if config.ucdp_file is None or (events is not None and events.attrs.get("source") == UCDP_SOURCE):
        return None
    return _joined_ucdp(str(config.ucdp_file), config.snap_tolerance_km, _country.active().iso3)


@functools.cache
def _joined_ucdp(path: str, tolerance_km: float, iso3: str):
    """The UCDP file read and joined like every events file (:func:`geo_coi.country_split.join_active`), per pack."""
    with _country.use(iso3):
        return country_split.join_active(read_events(path).events, tolerance_km).events


def populations(level: str, country: str | None = None) -> pd.DataFrame:
    """The bundled COD-PS populations of ``level``: ``pcode``, ``population``, ``year``.

    Parameters
    ----------
    level : {"region", "department", "commune"}
    country : str, optional
        ISO3 code of the pack; default the active one.
    """
    if level not in ADM_NUMBERS:
        raise InputError(f"populations: unknown level {level!r}: choose one of {', '.join(ADM_NUMBERS)}")
    return _population_table(ADM_NUMBERS[level], _country.get(country).iso3).copy()


# --- private steps ------------------------------------------------------------------------------
def _measures(events, event_types, period, level, pcodes, communes, population) -> pd.DataFrame:
    """Every per-period measure of each unit, indexed like ``pcodes``."""
    chosen = pd.DataFrame(select(events, period=period, event_types=event_types))
    if UNIT_COLUMNS[level] not in chosen:
        raise InputError("indicators: the events have no admin columns: run geo_coi.join.join_admin on them first")
    unit = chosen[UNIT_COLUMNS[level]]
    fatalities = pd.to_numeric(chosen["fatalities"]).astype("Float64")
    civilian = chosen["civilian_targeting"].fillna(False).astype(bool)
    precision = pd.to_numeric(chosen["geo_precision"]).astype("Float64")
    frame = pd.DataFrame({
        "unit": unit, "one": 1, "fatalities": fatalities,
        "civilian_incidents": civilian.astype(int), "civilian_fatalities": fatalities.where(civilian, 0),
        "lethal_incidents": (fatalities.fillna(0) >= 1).astype(int),
        "known_precision": precision.notna().astype(int),
        "imprecise": precision.isin(IMPRECISE_CODES).fillna(False).astype(int),
    })
    grouped = frame.groupby("unit", sort=True)
    sums = grouped[["one", "civilian_incidents", "lethal_incidents", "known_precision", "imprecise"]].sum()
    sums["fatalities"] = grouped["fatalities"].sum(min_count=1)
    sums["civilian_fatalities"] = grouped["civilian_fatalities"].sum(min_count=1)
    sums["communes_with_incidents"] = chosen.groupby(unit, sort=True)["commune_pcode"].nunique()
    sums = sums.reindex(pcodes.to_numpy())
    present = sums["one"].notna().to_numpy()
    out = pd.DataFrame(index=pcodes.index)
    out["incidents"] = sums["one"].fillna(0).astype("int64").to_numpy()
    for column in ("fatalities", "civilian_fatalities"):
        out[column] = pd.Series(sums[column].to_numpy(), index=out.index, dtype="Float64").round().astype("Int64")
        out.loc[~present, column] = 0
    for column in ("civilian_incidents", "lethal_incidents", "communes_with_incidents"):
        out[column] = sums[column].fillna(0).astype("int64").to_numpy()
    out["fatalities_per_incident"] = _ratio(out["fatalities"], out["incidents"], 1, 2)
    out["incidents_per_100k"] = _ratio(out["incidents"], population, 100_000, 2)
    out["fatalities_per_100k"] = _ratio(out["fatalities"], population, 100_000, 2)
    if communes.isna().all():  # no communes in the pack: no spread, not a spread of 0
        out["communes_with_incidents"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["spread_pct"] = _ratio(out["communes_with_incidents"], communes, 100, 1)
    known = pd.Series(sums["known_precision"].fillna(0).to_numpy(), index=pcodes.index)
    imprecise = pd.Series(sums["imprecise"].fillna(0).to_numpy(), index=pcodes.index)
    out["imprecise_pct"] = _ratio(imprecise, known, 100, 1)
    return out


def _ratio(numerator, denominator, scale: float, decimals: int) -> pd.Series:
    """``numerator / denominator * scale`` rounded; <NA> where the denominator is 0 or unknown."""
    numerator = pd.Series(numerator).astype("Float64")
    denominator = pd.Series(denominator, index=numerator.index).astype("Float64")
    return (numerator / denominator.mask(denominator == 0) * scale).round(decimals)


def _change(current, comparison) -> pd.Series:
    before = comparison.astype("Float64")
    return ((current.astype("Float64") - before) / before.mask(before == 0) * 100).round(1)


def _commune_counts(level: str, pcodes: pd.Series) -> pd.Series:
    """Communes per unit; <NA> in a pack without communes (Burkina Faso's stops at provinces)."""
    if not _country.active().has_level("commune"):
        return pd.Series(pd.NA, index=pcodes.index, dtype="Int64")
    if level == "commune":
        return pd.Series(1, index=pcodes.index, dtype="int64")
    parents = pd.DataFrame(admin_index.records("commune"))[UNIT_COLUMNS[level]]
    return pcodes.map(parents.value_counts()).fillna(0).astype("int64")


def _population(level: str, pcodes: pd.Series) -> tuple[pd.Series, pd.Series]:
    table = _population_table(ADM_NUMBERS[level], _country.active().iso3).set_index("pcode")
    values = pcodes.map(table["population"]).astype("Int64")
    years = pcodes.map(table["year"]).astype("Int64")
    return values, years


@functools.cache
def _population_table(adm: int, iso3: str) -> pd.DataFrame:
    """``pcode``, ``population``, ``year`` from pack ``iso3``'s ``population/*_population_adm<adm>_*.csv``."""
    pack = _country.get(iso3)
    folder = pack.path(pack.settings.get("population", {}).get("folder", POPULATION_FOLDER))
    pattern = re.compile(rf"_population_adm{adm}_\d{{4}}\.csv$")
    rows = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not pattern.search(entry.name):
            continue
        with entry.open(encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                rows.append(_population_row(row, entry, line, adm))
    return pd.DataFrame(rows, columns=["pcode", "population", "year"])


def _population_row(row: dict, path, line: int, adm: int) -> dict:
    try:
        return {"pcode": row[f"adm{adm}_pcode"], "population": int(row["population"]), "year": int(row["year"])}
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{path}: line {line}: adm{adm}_pcode, population "
                         "and year must be given, population and year as whole numbers; fix the row") from None


def _population_source() -> str:
    return _country.get().settings.get("population", {}).get("credit", POPULATION_CREDIT)


def _idps(level: str, pcodes: pd.Series, report_date) -> pd.DataFrame:
    out = pd.DataFrame({"idps": pd.array([pd.NA] * len(pcodes), dtype="Int64"),
                        "idps_year": pd.array([pd.NA] * len(pcodes), dtype="Int64")}, index=pcodes.index)
    if level == "commune":
        return out

    figures = by_unit(level, before=report_date)
    values = pcodes.map(dict(zip(figures["pcode"], figures["value"], strict=True))).astype("Float64")
    out["idps"] = values.round().astype("Int64")
    out.loc[out["idps"].notna(), "idps_year"] = int(figures.attrs["year"])
    return out


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    head = [c for c in ("pcode", "name", "region_pcode", "region", "department_pcode", "department") if c in table]
    current = [*COUNTS, "fatalities_per_incident", "population", "population_year", "incidents_per_100k",
               "fatalities_per_100k", "communes", "communes_with_incidents", "spread_pct", "imprecise_pct"]
    comparison = [f"comparison_{m}" for m in PERIOD_MEASURES]
    change = [f"pct_change_{m}" for m in COUNTS]
    return table[head + current + comparison + change + ["idps", "idps_year"]]


def _ucdp_span(ucdp_events) -> Period:
    """Whole calendar years from the first to the last year of UCDP's events (GED's annual releases)."""
    dates = pd.to_datetime(ucdp_events["event_date"])
    if dates.empty:
        raise InputError("UCDP comparison: the UCDP file has no events; give a UCDP GED file with events")
    return Period(dt.date(int(dates.min().year), 1, 1), dt.date(int(dates.max().year), 12, 31))


def _sums(events, columns: dict) -> dict:
    """Per region P-code: ``events`` (count) and the sum of each source column present (name -> column)."""
    frame = pd.DataFrame(events)
    grouped = frame.groupby("region_pcode", sort=True)
    out = {"events": grouped.size()}
    for name, column in columns.items():
        if column in frame:
            out[name] = pd.to_numeric(frame[column], errors="coerce").groupby(frame["region_pcode"]).sum()
    return out
