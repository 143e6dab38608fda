"""The report's numbers: incidents and fatalities by type, place, actor and month.

Every function takes a canonical event table (see :mod:`geo_coi.events`), after
:func:`geo_coi.join.join_admin` when it groups by admin unit, and returns a
plain :class:`pandas.DataFrame`:

- :func:`summarize`: a tidy table (one row per group) with ``incidents`` and
  ``fatalities``, optionally against the same period one year earlier;
- :func:`by_unit`: every unit of an admin level, zeros kept, with rates per
  100,000 inhabitants for regions (the figures the report quotes: the pack's ``population_report``
  file; a pack without one: its COD-PS regional table);
- :func:`monthly`: every month of a period, for the monthly charts;
- :func:`table1` / :func:`table2`: the report's "Tabel 1" (period against the
  same period a year earlier) and "Tabel 2" (last calendar year against this
  year to date) for any region;
- :func:`to_markdown` / :func:`write_table`: readable Markdown and CSV.

Filtering (period, event types, civilian targeting, geo/time precision) is
done by :func:`geo_coi.events.select`, so every table filters the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import numbers
from pathlib import Path

import pandas as pd

from geo_coi import admin_index, country
from geo_coi.admin_index import CAPITAL_SUBUNITS
from geo_coi.atomic import write_text
from geo_coi.boundaries import ascii_name
from geo_coi.errors import InputError
from geo_coi.events import (
    ACLED_EVENT_TYPES,
    EVENT_TYPES_ATTR,
    JOINED_COLUMNS,
    REPORT_EVENT_TYPES,
    UCDP_EVENT_TYPES,
    select,
)
from geo_coi.periods import Period, year_to_date_label
from geo_coi.spreadsheet import csv_text
from geo_coi.style import decimal_mark, event_credit, label, localized_values

# by= name -> the columns it groups on (parents first so names stay unambiguous).
GROUPINGS = {
    "event_type": ("event_type",),
    "sub_event_type": ("event_type", "sub_event_type"),
    "region": ("region_pcode", "region"),
    "department": ("region", "department_pcode", "department"),
    "commune": ("region", "department", "commune_pcode", "commune"),
    "actor": ("actor",),
    "month": ("month",),
}
# by_unit level -> the joined column holding the unit's P-code.
UNIT_COLUMNS = {
    "country": None,
    "region": "region_pcode",
    "department": "department_pcode",
    "commune": "commune_pcode",
}
# The join's column of the capital's sub-units in every pack: the fourth P-code column of the joined schema.
SUBUNIT_COLUMN = [column for column in JOINED_COLUMNS if column.endswith("_pcode")][3]
UNIT_COLUMNS[CAPITAL_SUBUNITS] = SUBUNIT_COLUMN  # the pack's own slot too: see _unit_column
# Row order of the report's Tabel 1 and Tabel 2 (UCDP data: its own three types instead).
TABLE_ROWS = ("Battles", "Violence against civilians", "Explosions/Remote violence")


def counted_event_types(events, wanted=REPORT_EVENT_TYPES) -> tuple[str, ...]:
    """The event types a report counts in ``events``: ``wanted``, or the data's own typology.

    UCDP GED data carry UCDP's typology (``State-based conflict``, ``Non-state
    conflict``, ``One-sided violence``), never relabelled as ACLED's; when none
    of ``wanted`` occur in ``events`` but UCDP's types do, those are counted.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events.
    wanted : collection of str
        The report's event types (e.g. the config's; default the report's three ACLED types).

    Returns
    -------
    tuple of str
        ``tuple(wanted)``, or the UCDP types present (in UCDP's order).
    """
    wanted = (wanted,) if isinstance(wanted, str) else tuple(wanted)
    present = set(events["event_type"].dropna()) if "event_type" in events else set()
    if present & set(wanted):
        return wanted
    own = tuple(t for t in UCDP_EVENT_TYPES.values() if t in present)
    return own or wanted


def summarize(
    events,
    period=None,
    by="event_type",
    compare=False,
    civilian_targeting=None,
    *,
    event_types="report",
    max_geo_precision=None,
    max_time_precision=None,
) -> pd.DataFrame:
    """Incidents and fatalities per group, optionally against a year earlier.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events; joined (:func:`geo_coi.join.join_admin`) when ``by``
        names an admin level.
    period : Period or (start, end), optional
        Inclusive; all events when omitted.
    by : str or sequence of str
        One or more of ``event_type``, ``sub_event_type``, ``region``,
        ``department``, ``commune`` (or a level's key, ``adm2``, or the pack's
        name for it, ``cercle``), ``actor`` (ACLED's ``actor1``), ``month``
        (``YYYY-MM``).
    compare : bool
        Add ``previous_incidents``, ``previous_fatalities`` (same period one
        year earlier) and ``pct_change_incidents``, ``pct_change_fatalities``
        (percent, 1 decimal; empty when the earlier count is 0). Needs ``period``.
        With ``by="month"`` each month is set against the same month one year earlier.
    civilian_targeting : bool, optional
        Keep only events with (True) or without (False) ACLED's civilian
        targeting flag.
    event_types : collection of str, "report" or None
        ``"report"`` (the default): the types the report counts
        (:func:`default_event_types`, the same as the CLI and the annex); None: every type.
    max_geo_precision, max_time_precision
        Passed to :func:`geo_coi.events.select`.

    Returns
    -------
    pandas.DataFrame
        Group columns, ``incidents``, ``fatalities`` (and the comparison
        columns). Sorted by month for ``by="month"``, else by incidents
        (most first) then group. Groups with no event in either period are absent;
        use :func:`by_unit` for every unit of a level.
    """
    period = Period.coerce(period)
    if compare and period is None:
        raise InputError("compare=True needs a period (e.g. --period 2024-09-01 2025-05-30)")
    keys = _group_columns(by)
    filters = {
        "event_types": event_types,
        "civilian_targeting": civilian_targeting,
        "max_geo_precision": max_geo_precision,
        "max_time_precision": max_time_precision,
    }
    table = _count(_select(events, period, **filters), keys)
    if compare:
        previous = _count(_select(events, period.previous_year(), **filters), keys)
        if "month" in keys:  # each month against the same month one year earlier
            previous["month"] = previous["month"].astype(object).map(lambda m: f"{int(m[:4]) + 1}{m[4:]}")
        table = _compare(table, previous, keys)
    table.attrs.update(_meta(events, period))
    return _sorted(table, keys)


def group_keys(events, by) -> pd.DataFrame:
    """The columns :func:`summarize` groups ``events`` on for ``by``, one row per event (index kept).

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events (joined when ``by`` names an admin level).
    by : str or sequence of str
        As for :func:`summarize` (``actor`` and ``month`` are derived as there).

    Returns
    -------
    pandas.DataFrame
        The group columns, so a caller can tell which row of a table each event counts in.
    """
    keys = _group_columns(by)
    frame = _with_derived(pd.DataFrame(events))
    _require(frame, keys)
    return frame[list(keys)]


def by_unit(events, level: str, period=None, **filters) -> pd.DataFrame:
    """Every unit of an admin level with its incidents and fatalities (zeros kept).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined canonical events (:func:`geo_coi.join.join_admin`).
    level : str
        ``country``, ``region``, ``department``, ``commune`` (where the pack has communes; also by key,
        ``adm0``-``adm3``, or the pack's name, e.g. ``cercle``) or the capital's sub-units:
        ``capital_subunit`` or the pack's own slot (e.g. Mali's ``capital_commune``).
    period : Period or (start, end), optional
    **filters
        ``event_types`` (as for :func:`summarize`: default the report's, None every type),
        ``civilian_targeting``, ``max_geo_precision``, ``max_time_precision`` for
        :func:`geo_coi.events.select`.

    Returns
    -------
    pandas.DataFrame
        ``pcode``, ``name``, parent P-codes/names, ``incidents``,
        ``fatalities``, ``population`` (regions and country, else <NA>),
        ``incidents_per_100k`` and ``fatalities_per_100k`` (2 decimals), in
        P-code order.
    """
    column = _unit_column(level)
    level = _unit_slot(level)
    period = Period.coerce(period)
    selected = _select(events, period, **filters)
    units = pd.DataFrame(admin_index.records(level))
    units = units.drop(columns=[c for c in ("name_ascii",) if c in units])
    if column is None:
        selected = selected.assign(_unit=units["pcode"].iloc[0])
    else:
        _require(selected, (column,))
        selected = selected.assign(_unit=selected[column])
    counts = _count(selected, ("_unit",)).rename(columns={"_unit": "pcode"})
    # events outside every unit of the level (e.g. none in Niamey) leave an all-NA key column
    counts["pcode"] = counts["pcode"].astype(units["pcode"].dtype)
    table = units.merge(counts, on="pcode", how="left")
    _zero_absent(table)
    table["population"] = _populations(level, table["pcode"])
    for measure in ("incidents", "fatalities"):
        rate = table[measure] / table["population"].astype("Float64") * 100_000
        table[f"{measure}_per_100k"] = rate.round(2)
    table.attrs.update(_meta(events, period))
    return table


def monthly(events, period, by="event_type", **filters) -> pd.DataFrame:
    """Incidents and fatalities for every month of ``period`` (zeros kept).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
    period : Period or (start, end)
    by : str or None
        A second grouping (see :func:`summarize`), or None for totals only.
        With ``by="event_type"`` the ``event_types`` filter (default: the
        report's three types, or UCDP's own for UCDP data) are always present.
    **filters
        As for :func:`summarize`.

    Returns
    -------
    pandas.DataFrame
        ``month`` (``YYYY-MM``), the ``by`` columns, ``incidents``,
        ``fatalities``; every month x every group, in month order.
    """
    period = Period.coerce(period)
    if period is None:
        raise InputError("monthly() needs a period")
    keys = ("month",) + (_group_columns(by) if by else ())
    table = _count(_select(events, period, **filters), keys)
    grid = pd.DataFrame({"month": period.months()})
    if by:
        groups = table[list(keys[1:])].drop_duplicates()
        if by == "event_type":
            present = set(groups["event_type"])
            always = resolve_event_types(events, filters.get("event_types", "report")) or counted_event_types(events)
            always = (always,) if isinstance(always, str) else always
            extra = [t for t in always if t not in present]
            groups = pd.concat([groups, pd.DataFrame({"event_type": extra})], ignore_index=True)
        groups = groups.sort_values(list(keys[1:]), key=_order_key, ignore_index=True)
        grid = grid.merge(groups, how="cross")
    table = grid.merge(table, on=list(keys), how="left")
    _zero_absent(table)
    table.attrs.update(_meta(events, period))
    return table


def table1(events, region, period, language: str = "en") -> pd.DataFrame:
    """The report's Tabel 1: a region's incidents and deaths, previous year vs ``period``.

    Rows are Battles, Violence against civilians, Explosions/Remote violence
    and a total; columns are (period label, incidents/fatalities) for the same
    period one year earlier, then ``period``.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined canonical events; only the report's three event types count.
    region : str
        Region name (accents optional) or P-code.
    period : Period or (start, end)
    language : {"en", "fr", "nl"}

    Returns
    -------
    pandas.DataFrame
        Index = row labels (index name = region name in capitals), columns a
        two-level index; ``attrs["title"]`` holds the caption.
    """
    period = Period.coerce(period)
    previous = period.previous_year()
    columns = [(previous, previous.short_label(language)), (period, period.short_label(language))]
    return _region_table(events, region, columns, language)


def table2(events, region, period, language: str = "en") -> pd.DataFrame:
    """The report's Tabel 2: last full calendar year against this year to date.

    For ``period`` ending on 30 May 2025 the columns are ``2024`` (1 January –
    31 December 2024) and ``2025 (to May)`` (1 January – 30 May 2025). Same
    rows and shape as :func:`table1`.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined canonical events.
    region : str
        Region name (accents optional) or P-code.
    period : Period or (start, end)
        Only its end counts: it fixes "this year" and "last year".
    language : {"en", "fr", "nl"}

    Returns
    -------
    pandas.DataFrame
        As :func:`table1`.
    """
    coerced = Period.coerce(period)
    if coerced is None:
        raise InputError("table2() needs a period: its end gives the two years")
    end = coerced.end
    last_year = Period(dt.date(end.year - 1, 1, 1), dt.date(end.year - 1, 12, 31))
    this_year = Period(dt.date(end.year, 1, 1), end)
    columns = [(last_year, str(end.year - 1)), (this_year, year_to_date_label(end, language))]
    return _region_table(events, region, columns, language)


def to_markdown(df: pd.DataFrame, language: str | None = None) -> str:
    """A readable, aligned Markdown table (numbers right-aligned).

    Two-level columns (:func:`table1`, :func:`table2`) print their second level
    as the first body row, as the report does. ``attrs["title"]`` becomes a
    caption line; when ``attrs`` name the event source, its credit line
    (:func:`geo_coi.style.event_credit`, which says SYNTHETIC for the demo
    data) follows the table.

    Parameters
    ----------
    df : pandas.DataFrame
        A table of this module.
    language : {"en", "fr", "nl"}, optional
        Language of the headers (nl, fr; English keeps the column keys), event
        types, decimal mark and credit line (default ``attrs["language"]``, else English).

    Returns
    -------
    str
        Markdown text ending with a newline; missing values print blank,
        zeros as ``attrs["zero"]`` when set (``-`` in Tabel 1 and 2).
    """
    language = language or df.attrs.get("language", "en")
    header, rows, numeric = _cells(localized_values(df, language), decimal_mark(language))
    if language != "en" and not isinstance(df.columns, pd.MultiIndex):  # English keeps the column keys;
        header = [label(cell, language) for cell in header]  # two-level tables carry translated headers
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    widths = [max(w, 3) for w in widths]

    def line(cells):
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=False)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else ("-" * (w + 2)) for w, num in zip(widths, numeric,
                                                                                              strict=False)) + "|"
    lines = [line(header), rule, *(line(r) for r in rows)]
    if df.attrs.get("title"):
        lines = [f"**{df.attrs['title']}**", ""] + lines
    if df.attrs.get("source"):
        lines += ["", event_credit(df.attrs, language)]
    if df.attrs.get("credits"):  # a table of several sources (e.g. a cross-border table): each one's line
        lines += ["", *df.attrs["credits"]]
    return "\n".join(lines) + "\n"


def write_table(df: pd.DataFrame, stem, language: str | None = None) -> list[Path]:
    """Write ``df`` as ``<stem>.csv`` (UTF-8, tidy) and ``<stem>.md``; return both paths.

    Two-level columns are flattened to ``"<period> <measure>"`` in the CSV.
    The CSV keeps the English column keys (scripts read them); the Markdown
    has its headers and event types in ``language``
    (:func:`geo_coi.style.localized_table`).
    Output is byte-identical for the same table.

    Parameters
    ----------
    df : pandas.DataFrame
        A table of this module.
    stem : path-like
        Path without extension; folders are created, files written atomically.
    language : {"en", "fr", "nl"}, optional
        Language of the Markdown (see :func:`to_markdown`).

    Returns
    -------
    list of pathlib.Path
        The CSV and the Markdown file.
    """
    stem = Path(stem)
    csv_path = stem.with_name(stem.name + ".csv")
    md_path = stem.with_name(stem.name + ".md")
    write_text(csv_path, to_csv(df))
    write_text(md_path, to_markdown(df, language))
    return [csv_path, md_path]


def to_csv(df: pd.DataFrame) -> str:
    r"""CSV text of a table (``\n`` line ends).

    Two-level columns become ``"<period> <measure>"``; when ``attrs`` name the
    event source (e.g. ``ACLED-schema synthetic demo``) a ``source`` column
    repeats it on every row.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy or two-level table (:func:`summarize`, :func:`table1` ...).

    Returns
    -------
    str
        The CSV text, header first.
    """
    flat = df.copy()
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" ".join(str(part) for part in col if part) for col in flat.columns]
    if df.attrs.get("source") and "source" not in flat.columns:
        flat["source"] = df.attrs["source"]  # every row says where it comes from (and if synthetic)
    return csv_text(flat, index=flat.index.name is not None)


def _population_table() -> pd.DataFrame:
    """The active pack's regional populations (:func:`populations`), read once per pack."""
    return _population_table_of(country.active().iso3)


@functools.cache
def _population_table_of(iso3: str) -> pd.DataFrame:
    pack = country.get(iso3)
    if not pack.has_file("population_report"):
        return _cod_ps_regions(pack)
    path = pack.file("population_report")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        try:
            row["population_2023"] = int(row["population_2023"])
        except (KeyError, ValueError):
            raise InputError(
                f"{path}: line {number}: population_2023 {row.get('population_2023')!r} is not a whole number"
            ) from None
    return pd.DataFrame(rows)


def _cod_ps_regions(pack) -> pd.DataFrame:
    """A pack without a ``population_report`` file: its COD-PS regional table (``[population]``), source named.

    The column keeps the report file's name (``population_2023``) so that every pack's table reads alike;
    ``source`` says which figures (and which year) they are.
    """
    from geo_coi.indicators import populations as cod_ps  # a cycle: indicators imports stats (source_attrs)

    names = {unit["pcode"]: unit["name"] for unit in admin_index.records("region", pack.iso3)}
    table = cod_ps("region", pack.iso3)
    settings = pack.settings.get("population", {})
    source = f"{settings.get('source', 'COD-PS')}, {settings.get('year', '')}".strip(", ")
    return pd.DataFrame({"region_pcode": table["pcode"], "region": table["pcode"].map(names),
                         "population_2023": table["population"].astype(int), "source": source})


def populations() -> pd.DataFrame:
    """Regional populations (``region_pcode``, ``region``, ``population_2023``, ``source``) of the active pack.

    The figures the report quotes (the pack's ``population_report`` file, e.g. INS 2023); a pack
    without one: its COD-PS regional figures (``[population]`` in its country.toml), its own source and year
    in ``source``.
    """
    return _population_table().copy()


def _unit_slot(level: str) -> str:
    """``level`` as :data:`UNIT_COLUMNS` names it (``adm1`` -> ``region``; the pack's capital slot -> generic)."""
    capital = country.active().capital
    if level in ("country", CAPITAL_SUBUNITS):
        return level
    if capital is not None and level == capital.subunit_slot:
        return CAPITAL_SUBUNITS
    return _admin_slot(level)


def _unit_column(level: str) -> str | None:
    """The joined column holding the P-code of ``level``'s units (the capital's sub-units by the pack's slot)."""
    slot = _unit_slot(level)
    if slot in UNIT_COLUMNS:
        return UNIT_COLUMNS[slot]
    raise InputError(f"unknown level {level!r}: choose one of {', '.join(UNIT_COLUMNS)}")


def _populations(level: str, pcodes: pd.Series) -> pd.Series:
    table = _population_table()
    if level == "region":
        mapping = dict(zip(table["region_pcode"], table["population_2023"], strict=False))
        return pcodes.map(mapping).astype("Int64")
    if level == "country":
        return pd.Series([int(table["population_2023"].sum())] * len(pcodes), dtype="Int64")
    return pd.Series(pd.NA, index=pcodes.index, dtype="Int64")


def default_event_types(events) -> tuple[str, ...]:
    """The event types counted when none are given: the report's, the same in the API, CLI and annex.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events; those of :func:`geo_coi.pipeline.load` carry the config's
        choice in ``attrs["event_types"]``.

    Returns
    -------
    tuple of str
        That choice, else :data:`geo_coi.events.REPORT_EVENT_TYPES` (or UCDP's own
        types for UCDP data, :func:`counted_event_types`).
    """
    chosen = (getattr(events, "attrs", None) or {}).get(EVENT_TYPES_ATTR)
    return tuple(chosen) if chosen else counted_event_types(events, REPORT_EVENT_TYPES)


def resolve_event_types(events, event_types):
    """``event_types`` with ``"report"`` (the default of the counting and mapping functions) resolved.

    Parameters
    ----------
    events : pandas.DataFrame
    event_types : collection of str, "report" or None

    Returns
    -------
    tuple of str, collection of str or None
        :func:`default_event_types` for ``"report"``, else ``event_types`` as given (None: every type).
    """
    return default_event_types(events) if isinstance(event_types, str) and event_types == "report" else event_types


def _select(events, period, **filters):
    filters["event_types"] = resolve_event_types(events, filters.get("event_types", "report"))
    filters = {k: v for k, v in filters.items() if v is not None}
    return select(events, period=period, **filters)


def _group_columns(by) -> tuple[str, ...]:
    names = (by,) if isinstance(by, str) else tuple(by)
    keys: list[str] = []
    for name in names:
        grouping = _admin_slot(name)
        if grouping not in GROUPINGS:
            raise InputError(f"cannot group by {name!r}: choose from {', '.join(GROUPINGS)} "
                             f"(or a level's key, adm1-adm3, or its name in the pack)")
        keys += [c for c in GROUPINGS[grouping] if c not in keys]
    return tuple(keys)


def _admin_slot(level: str) -> str:
    """The slot of an admin level given by slot, key (``adm2``) or the active pack's name (``cercle``).

    A level the pack lacks (communes in Burkina Faso) is the pack's one-line
    :class:`~geo_coi.errors.ConfigError`; a name that is no level comes back as given.
    """
    pack = country.active()
    if pack.has_level(level):
        return pack.level(level).slot
    if level in ("region", "department", "commune") or level.startswith("adm"):
        pack.level(level)  # raises, naming the pack's levels
    return level


def _require(events, columns) -> None:
    missing = [c for c in columns if c not in events.columns]
    if not missing:
        return
    joined = {c for c in missing if c.endswith("_pcode")} | ({"region", "department", "commune"} & set(missing))
    hint = "run geo_coi.join.join_admin on the events first" if joined else "check the input file"
    raise InputError(f"events have no column {', '.join(map(repr, missing))}: {hint}")


def _with_derived(events):
    derived = {}
    if "event_date" in events:
        derived["month"] = pd.to_datetime(events["event_date"]).dt.strftime("%Y-%m")
    if "actor1" in events:
        derived["actor"] = events["actor1"]
    return events.assign(**derived)


def _count(events, keys) -> pd.DataFrame:
    frame = _with_derived(pd.DataFrame(events))
    _require(frame, (*keys, "fatalities"))
    grouped = frame.groupby(list(keys), dropna=False, sort=True)
    table = grouped.agg(incidents=("fatalities", "size")).reset_index()
    # min_count=1: <NA>, not 0, for a group whose fatalities are unknown (a file without that column)
    table["fatalities"] = _whole(grouped["fatalities"].sum(min_count=1).to_numpy())
    return table


def _whole(values):
    """Counts as an int64 array, or an Int64 array when some are unknown (<NA>)."""
    values = pd.array(values, dtype="Int64")
    return values if values.isna().any() else values.to_numpy("int64")


def _zero_absent(table, prefix: str = "") -> None:
    """Zero the counts of groups merged in without any event; unknown fatalities stay <NA>."""
    incidents, fatalities = f"{prefix}incidents", f"{prefix}fatalities"
    absent = table[incidents].isna().to_numpy()
    table[incidents] = table[incidents].fillna(0).astype("int64")
    table[fatalities] = _whole(table[fatalities].astype("Float64").mask(absent, 0))


def _compare(current, previous, keys) -> pd.DataFrame:
    previous = previous.rename(columns={"incidents": "previous_incidents", "fatalities": "previous_fatalities"})
    table = current.merge(previous, on=list(keys), how="outer")
    _zero_absent(table)
    _zero_absent(table, "previous_")
    for measure in ("incidents", "fatalities"):
        before = table[f"previous_{measure}"].astype("Float64")
        change = (table[measure] - before) / before.replace(0, pd.NA) * 100
        table[f"pct_change_{measure}"] = change.round(1)
    return table


def _order_key(column: pd.Series) -> pd.Series:
    if column.name == "event_type":
        rank = {name: i for i, name in enumerate(ACLED_EVENT_TYPES + tuple(UCDP_EVENT_TYPES.values()))}
        return column.map(lambda v: f"{rank.get(v, len(rank)):02d} {v}")
    if pd.api.types.is_numeric_dtype(column):
        return column
    return column.astype(str)


def _sorted(table, keys) -> pd.DataFrame:
    if "month" in keys:
        table = table.sort_values(list(keys), key=_order_key)
    else:
        table = table.sort_values(["incidents", *keys], ascending=[False] + [True] * len(keys), key=_order_key)
    return table.reset_index(drop=True)


def source_attrs(events) -> dict:
    """The ``attrs`` of ``events`` a table made from them keeps (source, access date…: its credit line)."""
    attrs = getattr(events, "attrs", {}) or {}
    return {k: attrs[k] for k in ("source", "synthetic", "access_date", "data_as_of", "credit", "input_file", "share")
            if k in attrs}


def _meta(events, period) -> dict:
    meta = source_attrs(events)
    if period is not None:
        meta["period"] = str(period)
    return meta


def _region_record(region) -> dict:
    wanted = ascii_name(str(region)).casefold().strip()
    records = admin_index.records("region")
    for record in records:
        if wanted in (record["pcode"].casefold(), ascii_name(record["name"]).casefold()):
            return record
    names = ", ".join(r["name"] for r in records)
    raise InputError(f"unknown region {region!r}: use one of {names} (or a P-code such as {records[-1]['pcode']})")


def _region_table(events, region, columns, language) -> pd.DataFrame:
    record = _region_record(region)
    _require(events, ("region_pcode",))
    in_region = events[events["region_pcode"] == record["pcode"]]
    measures = (label("incidents", language), label("fatalities", language))
    ucdp = counted_event_types(events, TABLE_ROWS) != TABLE_ROWS
    types = tuple(UCDP_EVENT_TYPES.values()) if ucdp else TABLE_ROWS
    data = {}
    for period, header in columns:
        counts = _count(_select(in_region, period, event_types=types), ("event_type",))
        counts = counts.set_index("event_type").reindex(list(types), fill_value=0)
        data[(header, measures[0])] = [*counts["incidents"], counts["incidents"].sum()]
        data[(header, measures[1])] = _whole([*counts["fatalities"], counts["fatalities"].sum(skipna=False)])
    rows = [label(name, language) for name in types] + [label("Total", language)]
    table = pd.DataFrame(data, index=pd.Index(rows, name=record["name"].upper()))
    table.columns = pd.MultiIndex.from_tuples(list(data))  # the (period, measure) keys, in column order
    table.attrs.update(_meta(events, None))
    caption = f"{record['name']}: {measures[0].lower()} / {measures[1].lower()}"
    table.attrs["title"] = caption
    table.attrs["zero"] = "-"
    table.attrs["language"] = language
    return table


def _format(value, column: str, zero: str | None, mark: str = ".") -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (bool, numbers.Integral)) and not isinstance(value, bool):
        return zero if (zero and value == 0) else str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        text = f"{float(value):+.1f}" if column.startswith("pct_change") else f"{float(value):.2f}"
        return text.replace(".", mark)
    return str(value)


def _cells(df: pd.DataFrame, mark: str = "."):
    zero = df.attrs.get("zero")
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    has_index = df.index.name is not None
    names = [str(c[-1]) if isinstance(c, tuple) else str(c) for c in df.columns]
    body = []
    for index, row in zip(df.index, df.itertuples(index=False), strict=False):
        cells = [_format(v, n, zero, mark) for v, n in zip(row, names, strict=False)]
        body.append(([str(index)] if has_index else []) + cells)
    if isinstance(df.columns, pd.MultiIndex):
        top, seen = [], set()
        for col in df.columns:
            top.append("" if col[0] in seen else str(col[0]))
            seen.add(col[0])
        header = [str(df.index.name)] + top
        body.insert(0, [""] + names)
    else:
        header = ([str(df.index.name)] if has_index else []) + names
    numeric = ([False] if has_index else []) + numeric
    return header, body, numeric


def report_table(events, period, *, by=(), compare: bool = False, table: str | None = None,
                 region: str | None = None, rates: bool = False, language: str = "en", **filters) -> pd.DataFrame:
    """The table ``geo-coi stats`` prints: a summary, the report's Tabel 1/2 of a region, or the regions' rates.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined events (:func:`geo_coi.pipeline.load`).
    period : Period or (start, end)
    by, compare
        As for :func:`summarize` (default ``by="event_type"``).
    table : {"1", "2"}, optional
        :func:`table1` or :func:`table2` of ``region`` (their rows are fixed: the ``event_types`` filter is not used).
    region : str, optional
        With ``table``: a region's name or P-code.
    rates : bool
        Every region with its rates per 100,000 (:func:`by_unit`).
    language : str
        Of the Tabel 1/2 labels.
    **filters
        ``event_types`` (default the report's, None every type), ``civilian_targeting``,
        ``max_geo_precision``, ``max_time_precision``.

    Returns
    -------
    pandas.DataFrame
    """
    if table:
        subset = select(events, **{k: v for k, v in filters.items() if k != "event_types" and v is not None})
        return (table1 if table == "1" else table2)(subset, region, period, language=language)
    if rates:
        return by_unit(events, "region", period, **filters)
    return summarize(events, period, by=list(by) or "event_type", compare=compare, **filters)
