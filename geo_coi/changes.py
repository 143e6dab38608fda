"""What changed between two editions of an event dataset: :func:`compare_editions`.

ACLED revises its past: events are added late, deleted, or re-coded. Two
editions (exports, API pulls or store editions, any format
:func:`geo_coi.sources.read_events` reads) are matched on ``event_id``
(ACLED's ``event_id_cnty``) and the rest of each row is compared field by field:

- an event only in NEW is **added**, one only in OLD **deleted**, one in both
  with any field changed **revised** (the changed fields are named);
- a field that only one edition has (``civilian_targeting`` is missing from
  pre-2023 exports, an extra column of a newer export) is not compared;
- coordinates that differ by less than :data:`COORDINATE_TOLERANCE` degrees
  are float noise, not a revision; ACLED's ``timestamp`` (when a row was last
  touched) is not compared either.

Every report table of :data:`TABLES` (national by event type, for the current
and the comparison period; region x event type; civilian targeting by actor;
the departments of each region of the config's ``department_breakdowns``) is
computed by :func:`geo_coi.stats.summarize` on OLD and on NEW, and its
difference is split by cause: ``added`` (the added events' counts), ``deleted``
(minus the deleted events' counts) and ``revised`` (the revised events' counts
in NEW minus those in OLD), so that ``new - old = added + deleted + revised`` in
every cell. Each row lists the events behind its difference.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_coi import pipeline, stats
from geo_coi.atomic import write_text
from geo_coi.config import ReportConfig, load_config
from geo_coi.errors import InputError
from geo_coi.events import CANONICAL_COLUMNS, JOINED_COLUMNS, ROW_NUMBER, select
from geo_coi.gazetteer import resolve
from geo_coi.periods import Period
from geo_coi.sources import read_events
from geo_coi.spreadsheet import csv_text
from geo_coi.steps.common import slug as _slug  # the annex's table names: changes name its tables the same
from geo_coi.style import label, localized_values, typography

if TYPE_CHECKING:
    import geopandas

COORDINATE_TOLERANCE = 1e-4  # degrees; a smaller difference is float noise (ACLED writes 4 decimals)
_NOISE = 1e-9  # 13.4717 - 13.4716 is 0.99999...e-4 in binary floats: still a revision
# Revised fields are reported in these groups (the rest of the row is "other").
FIELD_GROUPS = {
    "fatalities": ("fatalities",),
    "date": ("event_date", "time_precision"),
    "location": ("latitude", "longitude", "geo_precision", "location", "admin1_source", "admin2_source",
                 "admin3_source"),
    "event_type": ("event_type",),
    "sub_event_type": ("sub_event_type",),
    "actors": ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2"),
    "civilian_targeting": ("civilian_targeting",),
    "notes": ("notes",),
}
OTHER_GROUP = "other"
# Not compared: derived from another field, the same for every row, or the file's own bookkeeping.
NOT_COMPARED = ("event_id", "source", "year", "geometry", ROW_NUMBER, "timestamp", "src_timestamp")
CAUSES = ("added", "deleted", "revised")
MEASURES = ("incidents", "fatalities")
# Report table -> (period: "current" or "comparison", summarize's ``by``, extra filters).
TABLES = {
    "national_by_event_type": ("current", "event_type", {}),
    "national_by_event_type_comparison": ("comparison", "event_type", {}),
    "by_region_and_event_type": ("current", ("region", "event_type"), {}),
    "civilian_targeting_by_actor": ("current", "actor", {"civilian_targeting": True}),
}
REGION_TABLE = "{slug}_by_department"  # one per department_breakdowns region, as the annex names it
REGION_BY = ("department", "event_type")
# Fields of each changed event in the events list (old and new value side by side).
EVENT_FIELDS = ("event_date", "event_type", "fatalities", "location", "latitude", "longitude", "region",
                "department")
OUTPUT_STEM = "changes"


@dataclasses.dataclass
class Edition:
    """One edition as read and joined: what :func:`compare` needs of it.

    Attributes
    ----------
    name : str
        The file (or store edition) it was read from, as given.
    events : geopandas.GeoDataFrame
        Every accepted event (:func:`geo_coi.sources.read_events`).
    joined : geopandas.GeoDataFrame
        The events inside the country with their admin units (:func:`geo_coi.join.join_admin`).
    rejected : int
        Input rows the reader or the join refused (not compared).
    """

    name: str
    events: geopandas.GeoDataFrame
    joined: geopandas.GeoDataFrame
    rejected: int = 0


@dataclasses.dataclass
class Changes:
    """The difference between two editions (see the module docstring).

    Attributes
    ----------
    old, new : Edition
    period, comparison : Period
        The report's current period and its comparison period.
    added, deleted, revised : list of str
        Event ids, sorted.
    revised_fields : dict of str -> int
        Field group (:data:`FIELD_GROUPS`, ``other``) -> how many revised events changed it.
    events : pandas.DataFrame
        One row per changed event: ``event_id``, ``change``, ``fields``, then old and new values.
    tables : dict of str -> pandas.DataFrame
        Report table -> its key columns, then per measure ``old``, ``new``,
        ``difference`` and one column per cause, then ``<cause>_events`` (ids, space-separated).
    scopes : dict of str -> (Period, str or None)
        Report table -> its period and the region it is limited to (None: the whole country).
    country : str
        The report's country (table captions).
    """

    old: Edition
    new: Edition
    period: Period
    comparison: Period
    added: list
    deleted: list
    revised: list
    revised_fields: dict
    events: pd.DataFrame
    tables: dict
    scopes: dict
    country: str = ""

    def caption(self, name: str, language: str = "en") -> str:
        """The caption of a table: what it counts, where, and its period, in ``language``."""
        period, region = self.scopes[name]
        key = "table:region_by_department" if region else f"change:caption:{name.removesuffix('_comparison')}"
        text = label(key, language).format(region=region, country=self.country)
        return f"{text}, {period.label(language)}"

    def to_dict(self, with_ids: bool = True, language: str = "en") -> dict:
        """The ``--json`` object: counts and ids of each change, and every table split by cause.

        Parameters
        ----------
        with_ids : bool
            False leaves out every event id (for a public output).
        """
        in_period = set(self.events.loc[_touches(self.events, (self.period, self.comparison)), "event_id"])
        document = {
            "old": _edition_dict(self.old), "new": _edition_dict(self.new),
            "period": {"current": str(self.period), "comparison": str(self.comparison)},
        }
        for cause in CAUSES:
            ids = getattr(self, cause)
            document[cause] = {"count": len(ids), "in_period": sum(1 for i in ids if i in in_period)}
            if with_ids:
                document[cause]["event_id_cnty"] = list(ids)
        document["revised"]["fields"] = dict(self.revised_fields)
        document["tables"] = {name: _table_dict(table, self.caption(name, language), with_ids)
                              for name, table in self.tables.items()}
        return document


# --- public entry points ----------------------------------------------------------------------
def compare_editions(old, new, *, config=None, period=None, date_format=None) -> Changes:
    """Read two editions and report what changed between them.

    Parameters
    ----------
    old, new : path-like or str
        Any two event files :func:`geo_coi.sources.read_events` reads (ACLED
        CSV/XLSX/API JSON, UCDP GED CSV), or store editions it resolves.
    config : ReportConfig or path-like, optional
        Gives the event types, the comparison period and the regions whose
        departments are tabled; default the bundled report config.
    period : Period or (start, end), optional
        The current period (comparison: a year earlier). Default: the config's.
    date_format : str, optional
        As for :func:`geo_coi.sources.read_events`.

    Returns
    -------
    Changes

    Raises
    ------
    InputError
        An edition cannot be read, or the two are from different sources.
    """
    config = config if isinstance(config, ReportConfig) else load_config(config)
    return compare(read_edition(old, config, date_format), read_edition(new, config, date_format), config, period)


def read_edition(spec, config: ReportConfig, date_format=None) -> Edition:
    """Read and join one edition as the annex does (:func:`geo_coi.pipeline.join`; no access date is needed).

    Rows the reader or the join refuse are counted, not compared; an edition with no row accepted is an error.
    """
    loaded = pipeline.join(read_events(spec, date_format=date_format), config, spec)
    return edition_of(str(spec), loaded.read, loaded.join)


def edition_of(name: str, read, join) -> Edition:
    """An :class:`Edition` from a read and a join result already at hand (the annex's own)."""
    return Edition(name, read.events, join.events, len(read.rejects) + int(join.summary["rejected"]))


def compare(old: Edition, new: Edition, config: ReportConfig, period=None) -> Changes:
    """What changed from ``old`` to ``new`` (see :func:`compare_editions`).

    Parameters
    ----------
    old, new : Edition
    config : ReportConfig
    period : Period or (start, end), optional
        Default: the config's current and comparison periods.

    Returns
    -------
    Changes
    """
    _check_sources(old, new)
    period = Period.coerce(period)
    current, comparison = (period, period.previous_year()) if period else (config.current, config.comparison)
    old_events, new_events = _indexed(old), _indexed(new)
    added = sorted(new_events.index.difference(old_events.index))
    deleted = sorted(old_events.index.difference(new_events.index))
    changed = _changed_fields(old_events, new_events, old, new)
    revised = sorted(changed)
    event_types = stats.counted_event_types(new.joined, config.event_types)
    groups = dict(zip(CAUSES, (added, deleted, revised), strict=True))
    tables, scopes = {}, {}
    tables_input = [_counted_columns(edition.joined) for edition in (old, new)]
    for name, (which, by, filters) in _table_specs(config).items():
        table_period = current if which == "current" else comparison
        region = filters.get("region")
        scope = {k: v for k, v in filters.items() if k != "region"}
        frames = [_in_region(joined, region) for joined in tables_input]
        tables[name] = _split(frames[0], frames[1], groups, table_period, by, event_types=event_types, **scope)
        scopes[name] = (table_period, region)
    return Changes(old, new, current, comparison, added, deleted, revised, _field_counts(changed),
                   _event_list(old, new, groups, changed), tables, scopes, config.country)


def write_changes(changes: Changes, out_dir, language: str = "en", with_ids: bool = True) -> list[Path]:
    """Write ``changes.md``, ``changes_tables.csv``, ``changes_events.csv`` and ``changes.json``.

    Parameters
    ----------
    changes : Changes
    out_dir : path-like
        Folder (created); each file is written atomically, the same bytes for the same editions.
    language : {"en", "fr", "nl"}
        Language of the Markdown.
    with_ids : bool
        False writes no event id and no events list (a public output holds no event row).

    Returns
    -------
    list of pathlib.Path
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / OUTPUT_STEM
    written = [write_text(stem.with_suffix(".md"), to_markdown(changes, language, with_ids)),
               write_text(stem.with_name(f"{OUTPUT_STEM}_tables.csv"), csv_text(long_table(changes, with_ids)))]
    if with_ids:
        written.append(write_text(stem.with_name(f"{OUTPUT_STEM}_events.csv"), csv_text(changes.events)))
    document = json.dumps(changes.to_dict(with_ids, language), ensure_ascii=False, indent=2) + "\n"
    written.append(write_text(stem.with_suffix(".json"), document))
    return [Path(path) for path in written]


def summary_line(changes: Changes, language: str = "en") -> str:
    """One line: "OLD -> NEW: 30 added, 50 deleted, 30 revised (fatalities 20, location 10)"."""
    counts = ", ".join(f"{len(getattr(changes, cause))} {label('change:' + cause, language).lower()}"
                       for cause in CAUSES)
    fields = ", ".join(f"{label('change:' + group, language)} {n}" for group, n in changes.revised_fields.items())
    return f"{changes.old.name} -> {changes.new.name}: {counts}" + (f" ({fields})" if fields else "")


# --- matching and comparing -------------------------------------------------------------------
def _check_sources(old: Edition, new: Edition) -> None:
    kinds = [_kind(edition.events.attrs.get("source", "")) for edition in (old, new)]
    if kinds[0] != kinds[1]:
        raise InputError(f"{old.name} is {kinds[0]} and {new.name} is {kinds[1]}: compare two editions "
                         "of the same dataset")


def _kind(source: str) -> str:
    return "UCDP GED" if source.startswith("UCDP") else "ACLED"


def _indexed(edition: Edition) -> pd.DataFrame:
    """The edition's events indexed by event id (an id read twice would make the match ambiguous)."""
    events = pd.DataFrame(edition.events)
    repeated = events["event_id"][events["event_id"].duplicated()]
    if len(repeated):
        raise InputError(f"{edition.name}: event_id {repeated.iloc[0]} occurs more than once; events are "
                         "matched on it, so fix the file (see geo-coi validate)")
    return events.set_index("event_id", drop=False)


def _compared_columns(old: Edition, new: Edition, old_events, new_events) -> list[str]:
    """Canonical fields both files have, then the source's other columns present in both."""
    own = [set(e.events.attrs.get("source_fields") or CANONICAL_COLUMNS) for e in (old, new)]
    canonical = [c for c in CANONICAL_COLUMNS if c not in NOT_COMPARED and c in own[0] and c in own[1]]
    known = set(CANONICAL_COLUMNS) | set(JOINED_COLUMNS) | set(NOT_COMPARED)
    extra = [c for c in old_events.columns if c not in known and c in new_events.columns]
    return canonical + extra


def _changed_fields(old_events, new_events, old: Edition, new: Edition) -> dict:
    """Event id -> the fields that differ, for every event in both editions with a difference."""
    common = old_events.index.intersection(new_events.index).sort_values()
    before, after = old_events.loc[common], new_events.loc[common]
    differs = {}
    for column in _compared_columns(old, new, old_events, new_events):
        differs[column] = _differs(before[column], after[column], column)
    if not differs:
        return {}
    matrix = pd.DataFrame(differs, index=common)
    return {event_id: [c for c, d in zip(matrix.columns, row, strict=True) if d]
            for event_id, row in zip(matrix.index, matrix.to_numpy(), strict=True) if row.any()}


def _differs(before: pd.Series, after: pd.Series, column: str) -> np.ndarray:
    if column in ("latitude", "longitude"):
        a, b = (pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64") for s in (before, after))
        both_missing = np.isnan(a) & np.isnan(b)
        return ~both_missing & ~(np.abs(a - b) < COORDINATE_TOLERANCE - _NOISE)
    text_before, text_after = (_comparable(s) for s in (before, after))
    return (text_before != text_after).to_numpy()


def _comparable(values: pd.Series) -> pd.Series:
    """Values as stripped text, missing as "" (a blank and an absent cell are the same)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    return values.astype("string").str.strip().fillna("").astype(object)


def _field_counts(changed: dict) -> dict:
    """Field group -> number of revised events that changed a field of it (groups in order, none left 0)."""
    group_of = {field: group for group, fields in FIELD_GROUPS.items() for field in fields}
    counts = dict.fromkeys([*FIELD_GROUPS, OTHER_GROUP], 0)
    for fields in changed.values():
        for group in {group_of.get(field, OTHER_GROUP) for field in fields}:
            counts[group] += 1
    return {group: n for group, n in counts.items() if n}


def _event_list(old: Edition, new: Edition, groups: dict, changed: dict) -> pd.DataFrame:
    """One row per changed event: id, change, changed fields, old and new values of :data:`EVENT_FIELDS`."""
    frames = {}
    for side, edition in (("old", old), ("new", new)):
        events = pd.DataFrame(edition.events).set_index("event_id")
        joined = pd.DataFrame(edition.joined).set_index("event_id")
        fields = {f: (joined[f] if f in JOINED_COLUMNS else events[f])
                  for f in EVENT_FIELDS if f in events or f in joined}
        frames[side] = pd.DataFrame(fields).reindex(events.index)
    rows = [(event_id, cause) for cause in CAUSES for event_id in groups[cause]]
    table = pd.DataFrame(rows, columns=["event_id", "change"])
    table["fields"] = [" ".join(changed.get(event_id, [])) for event_id in table["event_id"]]
    for field in EVENT_FIELDS:
        for side in ("old", "new"):
            column = frames[side].get(field)
            table[f"{side}_{field}"] = (column.reindex(table["event_id"]).reset_index(drop=True)
                                        if column is not None else pd.NA)
    for side in ("old", "new"):
        table[f"{side}_event_date"] = pd.to_datetime(table[f"{side}_event_date"]).dt.strftime("%Y-%m-%d")
    return table


def _touches(events: pd.DataFrame, periods) -> np.ndarray:
    """Changed events whose old or new date falls in one of ``periods``."""
    inside = np.zeros(len(events), dtype=bool)
    for column in ("old_event_date", "new_event_date"):
        dates = pd.to_datetime(events[column])
        for period in periods:
            inside |= dates.between(pd.Timestamp(period.start), pd.Timestamp(period.end)).to_numpy()
    return inside


# --- tables split by cause --------------------------------------------------------------------
def _table_specs(config: ReportConfig) -> dict:
    specs: dict[str, tuple] = dict(TABLES)
    for region in config.department_breakdowns:
        specs[REGION_TABLE.format(slug=_slug(region))] = ("current", REGION_BY, {"region": region})
    return specs


def _counted_columns(joined) -> pd.DataFrame:
    """The joined events as a plain table without geometry or metadata (counted many times: kept light)."""
    frame = pd.DataFrame(joined).drop(columns="geometry", errors="ignore")
    frame.attrs = {}
    return frame


def _in_region(events, region):
    if region is None:
        return events

    return events[events["region_pcode"] == resolve(region, "region")]


def _split(old_events, new_events, groups: dict, period, by, **filters) -> pd.DataFrame:
    """A report table on OLD and NEW, and its difference by cause, with the ids behind each row."""
    keys = list(stats.group_keys(old_events.iloc[0:0], by).columns)

    def counts(frame, subset=None):
        if subset is not None:
            frame = frame[frame["event_id"].isin(subset)]
        return stats.summarize(frame, period, by=by, **filters).set_index(keys)[list(MEASURES)]

    parts = {
        "old": counts(old_events), "new": counts(new_events),
        "added": counts(new_events, groups["added"]),
        "deleted": -counts(old_events, groups["deleted"]).astype("Float64"),
        "revised_new": counts(new_events, groups["revised"]),
        "revised_old": counts(old_events, groups["revised"]),
    }
    index = parts["new"].index  # the report's order (NEW's), then rows only OLD or the changes have
    for name in ("old", "revised_old", "deleted"):
        index = index.append(parts[name].index.difference(index, sort=False))
    aligned = {name: frame.reindex(index) for name, frame in parts.items()}
    out = pd.DataFrame(index=index)
    for measure in MEASURES:
        old, new = (aligned[k][measure].astype("Int64") for k in ("old", "new"))
        out[f"{measure}_old"] = old.fillna(0) if measure == "incidents" else old
        out[f"{measure}_new"] = new.fillna(0) if measure == "incidents" else new
        out[f"{measure}_difference"] = (new.fillna(0) - old.fillna(0)).astype("int64")
        out[f"{measure}_added"] = aligned["added"][measure].astype("Int64").fillna(0).astype("int64")
        out[f"{measure}_deleted"] = aligned["deleted"][measure].astype("Int64").fillna(0).astype("int64")
        out[f"{measure}_revised"] = (aligned["revised_new"][measure].astype("Int64").fillna(0)
                                     - aligned["revised_old"][measure].astype("Int64").fillna(0)).astype("int64")
    members = _members(old_events, new_events, groups, period, by, keys, filters)
    for cause in CAUSES:
        out[f"{cause}_events"] = [" ".join(members[cause].get(key, ())) for key in out.index]
    return out.reset_index()


def _members(old_events, new_events, groups: dict, period, by, keys, filters) -> dict:
    """Cause -> {row key: sorted ids} of the events behind each row's difference.

    A revised event is behind a row when its revision changed the row's
    incidents or fatalities (moved in or out, or its fatalities changed).
    """
    def placed(frame, subset):
        frame = select(frame[frame["event_id"].isin(subset)], period=period, **filters)
        placed_keys = stats.group_keys(frame, by)
        return pd.DataFrame({"event_id": frame["event_id"].to_numpy(),
                             "key": list(placed_keys.itertuples(index=False, name=None)) if len(keys) > 1
                             else list(placed_keys[keys[0]]),
                             "fatalities": frame["fatalities"].astype("Float64").fillna(0).to_numpy()})

    members = {}
    for cause, frame in (("added", new_events), ("deleted", old_events)):
        members[cause] = _ids_by_key(placed(frame, groups[cause]))
    before, after = placed(old_events, groups["revised"]), placed(new_events, groups["revised"])
    both = before.merge(after, on=["event_id", "key"], how="outer", suffixes=("_old", "_new"), indicator=True)
    moved = both["_merge"] != "both"
    refigured = both["fatalities_old"].fillna(0) != both["fatalities_new"].fillna(0)
    members["revised"] = _ids_by_key(both[(moved | refigured).to_numpy()])
    return members


def _ids_by_key(frame: pd.DataFrame) -> dict:
    grouped: dict[object, list[str]] = {}
    for event_id, key in zip(frame["event_id"], frame["key"], strict=True):
        grouped.setdefault(key, []).append(str(event_id))
    return {key: sorted(ids) for key, ids in grouped.items()}


# --- output -----------------------------------------------------------------------------------
def _edition_dict(edition: Edition) -> dict:
    return {"file": edition.name, "events": len(edition.events), "in_country": len(edition.joined),
            "rejected_rows": edition.rejected}


def _key_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if not c.startswith(MEASURES) and not c.endswith("_events")]


def _table_dict(table: pd.DataFrame, caption: str, with_ids: bool) -> dict:
    keys = _key_columns(table)
    rows = []
    for record in table.to_dict("records"):
        row = {key: _plain(record[key]) for key in keys}
        for measure in MEASURES:
            row[measure] = {part: _plain(record[f"{measure}_{part}"])
                            for part in ("old", "new", "difference", *CAUSES)}
        if with_ids:
            row["events"] = {cause: record[f"{cause}_events"].split() for cause in CAUSES}
        rows.append(row)
    total = {measure: {part: int(table[f"{measure}_{part}"].fillna(0).sum())
                       for part in ("old", "new", "difference", *CAUSES)} for measure in MEASURES}
    return {"caption": caption, "keys": keys, "total": total, "rows": rows}


def _plain(value):
    """A JSON value: int for counts, None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    return value if isinstance(value, (str, bool, float)) else str(value)


def long_table(changes: Changes, with_ids: bool = True) -> pd.DataFrame:
    """Every table in one tidy frame: ``table``, the key columns, ``measure``, old, new, difference, causes."""
    frames = []
    for name, table in changes.tables.items():
        keys = _key_columns(table)
        for measure in MEASURES:
            part = table[keys].copy()
            part.insert(0, "table", name)
            part["measure"] = measure
            for column in ("old", "new", "difference", *CAUSES):
                part[column] = table[f"{measure}_{column}"]
            if with_ids:
                for cause in CAUSES:
                    part[f"{cause}_events"] = table[f"{cause}_events"]
            frames.append(part)
    frame = pd.concat(frames, ignore_index=True, sort=False)
    keys = [c for c in frame.columns if c not in ("table", "measure", "old", "new", "difference", *CAUSES)
            and not c.endswith("_events")]
    ordered = ["table", *keys, "measure", "old", "new", "difference", *CAUSES]
    return frame[ordered + [c for c in frame.columns if c not in ordered]]


def to_markdown(changes: Changes, language: str = "en", with_ids: bool = True) -> str:
    """The changes as a Markdown report: the counts, the revised fields, then every table by cause."""
    lines = [f"# {label('changes_title', language)}", "",
             typography(f"{label('change:old', language)}: `{changes.old.name}`  ", language),
             typography(f"{label('change:new', language)}: `{changes.new.name}`", language), "",
             summary_line(changes, language), ""]
    for name, table in changes.tables.items():
        lines += [f"## {changes.caption(name, language)}", "",
                  stats.to_markdown(display_table(table, language), language)]
        if with_ids:
            lines += _id_lines(table, language)
    return "\n".join(lines).rstrip("\n") + "\n"


def display_table(table: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """A table for people: one row label, then (measure, old/new/difference/cause) columns, translated."""
    keys = _key_columns(table)
    shown = localized_values(table, language)
    index = pd.Index([" · ".join(str(v) for v in row) for row in shown[keys].itertuples(index=False)],
                     name=" · ".join(label(k, language) for k in keys))
    columns = {(label(measure, language), label(f"change:{part}", language)): table[f"{measure}_{part}"].to_numpy()
               for measure in MEASURES for part in ("old", "new", "difference", *CAUSES)}
    frame = pd.DataFrame(columns, index=index)
    frame.columns = pd.MultiIndex.from_tuples(list(columns))
    frame.attrs["language"] = language
    return frame


def _id_lines(table: pd.DataFrame, language: str) -> list[str]:
    keys = _key_columns(table)
    lines = []
    for record in localized_values(table, language).to_dict("records"):
        named = [f"{label('change:' + cause, language)}: {record[f'{cause}_events']}" for cause in CAUSES
                 if record[f"{cause}_events"]]
        if named:
            row = " · ".join(str(record[k]) for k in keys)
            lines.append(typography(f"- {row}: " + "; ".join(named), language))
    return ([typography(f"{label('change:events_behind', language)}:", language), "", *lines, ""]) if lines else []


# --- the annex's "changes since the last edition" ---------------------------------------------
ANNEX_TABLE = "changes_since_last_edition"
ANNEX_SOURCE = "national_by_event_type"  # the table the annex shows; the full report goes beside it


def edition_table(changes: Changes, with_ids: bool = True) -> pd.DataFrame:
    """The annex's table: incidents and fatalities by event type in OLD and NEW, the difference by cause.

    Parameters
    ----------
    changes : Changes
    with_ids : bool
        Keep the ``<cause>_events`` columns (False at the public sharing level).

    Returns
    -------
    pandas.DataFrame
        One row per event type and a ``Total`` row; ``attrs`` carry the new edition's source (its credit line).
    """
    table = changes.tables[ANNEX_SOURCE]
    counts = [c for c in table.columns if c.startswith(MEASURES)]
    total = {"event_type": "Total", **{c: table[c].sum(min_count=1) for c in counts}}
    if with_ids:
        total.update({f"{cause}_events": "" for cause in CAUSES})
    else:
        table = table.drop(columns=[f"{cause}_events" for cause in CAUSES])
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    for column in counts:
        table[column] = table[column].astype("Int64")
    table.attrs.update(stats.source_attrs(changes.new.joined))
    return table


def write_edition_table(changes: Changes, stem, language: str = "en", with_ids: bool = True) -> list[Path]:
    """``<stem>.csv`` (English column keys, for scripts) and ``<stem>.md`` (translated) of :func:`edition_table`."""
    table = edition_table(changes, with_ids)
    stem = Path(stem)
    shown = display_table(table.drop(columns=[c for c in table.columns if c.endswith("_events")]), language)
    shown.attrs.update(table.attrs)
    shown.attrs["title"] = changes.caption(ANNEX_SOURCE, language)
    return [Path(write_text(stem.with_name(stem.name + ".csv"), stats.to_csv(table))),
            Path(write_text(stem.with_name(stem.name + ".md"), stats.to_markdown(shown, language)))]


def edition_note(changes: Changes, language: str = "en") -> str:
    """The gallery's note: how many events the new edition added, deleted and revised."""
    return label("changes_note", language).format(old=changes.old.name, added=len(changes.added),
                                                  deleted=len(changes.deleted), revised=len(changes.revised))
