"""One path from an events file to the events a report counts: :func:`load` -> :class:`Events`.

Read (:func:`geo_coi.sources.read_events`), date (access date, "data as of"),
join to the admin units (:func:`geo_coi.join.join_admin`), account for every
row, and choose the event types the report counts: the config's, or the
file's own typology when none of the config's occur (UCDP). The annex,
``geo-coi stats``, ``geo-coi validate``, the notebook and the README examples
all take their events from here::

    from geo_coi import pipeline, stats

    events = pipeline.load("acled_export.csv")          # with the bundled report config
    stats.summarize(events.selected(("2024-09-01", "2025-05-30")), by="region")

Renderers take an :class:`Events` or its joined frame (:func:`joined_frame`)
and never join on their own.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from geo_coi import country_split
from geo_coi.config import ReportConfig, load_config, resolve_access_date
from geo_coi.errors import InputError
from geo_coi.events import EVENT_TYPES_ATTR, SELECTION_ATTR, select
from geo_coi.events import joined_frame as joined_frame  # re-exported: the renderers check their input with it
from geo_coi.join import account
from geo_coi.periods import Period
from geo_coi.sources import read_events
from geo_coi.stats import counted_event_types
from geo_coi.style import data_as_of, event_credit

if TYPE_CHECKING:
    import geopandas
    import pandas

    from geo_coi.join import JoinResult
    from geo_coi.sources import ReadResult

@dataclasses.dataclass
class Events:
    """The joined events of one file, with everything said about its rows.

    Attributes
    ----------
    joined : geopandas.GeoDataFrame
        Events inside the country or snapped to it, every type and date, with the
        admin columns of :data:`geo_coi.events.JOINED_COLUMNS`; ``attrs`` hold
        the source, access date, credit line and the counted event types.
    read : ReadResult
        The reader's result (canonical events before the join, its rejects, summary, duplicates).
    join : JoinResult
        The join's result (rejects outside the tolerance, summary, admin agreement).
    event_types : tuple of str
        The types the report counts (the config's, or the file's own typology).
    notes : list of str
        What a reader of the outputs must know (e.g. the event-type fallback).
    path : pathlib.Path
        The events file.
    """

    joined: geopandas.GeoDataFrame
    read: ReadResult
    join: JoinResult
    event_types: tuple[str, ...]
    notes: list[str]
    path: Path
    _selections: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def rejects(self) -> pandas.DataFrame:
        """Every row not used, with its reason: the reader's and the join's (no geometry)."""
        return all_rejects(self.read.rejects, self.join.rejects)

    @property
    def duplicates(self) -> pandas.DataFrame:
        """The merged identical copies (``row_number``, ``event_id``, ``same_as_row``)."""
        if self.read.duplicates is None:
            import pandas as pd

            return pd.DataFrame(columns=["row_number", "event_id", "same_as_row"])
        return self.read.duplicates

    @property
    def summary(self) -> dict:
        """One set of row counts: read = accepted + rejected + merged (:func:`geo_coi.join.account`)."""
        return account(self.read.summary, self.join.summary, self.join.rejects)

    @property
    def source(self) -> dict:
        """Provenance: source name, synthetic, input file, ACLED access date, data as of, edition, credit line."""
        attrs = self.joined.attrs
        return {key: attrs.get(key) for key in ("source", "synthetic", "input_file", "access_date", "data_as_of",
                                                "edition", "credit")}

    def selected(self, period: Period | tuple | None = None) -> geopandas.GeoDataFrame:
        """The report's events (its :attr:`event_types`) in ``period``, selected once and kept.

        Parameters
        ----------
        period : Period or (start, end), optional
            Inclusive; every date when omitted.

        Returns
        -------
        geopandas.GeoDataFrame
            The same frame for the same period: do not change it in place.
        """
        key = str(Period.coerce(period))
        if key not in self._selections:
            chosen = select(self.joined, period=period, event_types=self.event_types)
            chosen.attrs[SELECTION_ATTR] = {"period": key, "event_types": self.event_types}
            self._selections[key] = chosen
        return self._selections[key]


def load(path, config: ReportConfig | str | Path | None = None, *, date_format: str | None = None,
         access_date=None, share: str | None = None) -> Events:
    """Read, date and join an events file; choose the event types the report counts.

    Parameters
    ----------
    path : path-like
        ACLED (CSV/XLSX/JSON) or UCDP GED CSV, detected from its columns.
    config : ReportConfig or path-like, optional
        The report config (its event types, snap tolerance, access date);
        default the bundled report config.
    date_format : str, optional
        As for :func:`geo_coi.sources.read_events`.
    access_date : datetime.date or str, optional
        When the ACLED data were accessed; default the config's (for its own file), else the API cache's.
    share : {"internal", "public"}, optional
        Sharing level recorded on the events (their credit line says "for internal use").

    Returns
    -------
    Events

    Raises
    ------
    InputError
        Unreadable file, ACLED data without an access date, or no row accepted.
    """
    config = _config(config)
    return join(read(path, config, date_format=date_format, access_date=access_date, share=share), config, path)


def read(path, config: ReportConfig, *, date_format: str | None = None, access_date=None,
         share: str | None = None) -> ReadResult:
    """The first half of :func:`load`: read ``path`` and put its access date and credit line on the events."""
    result = read_events(path, date_format=date_format)
    attrs = result.events.attrs
    attrs["access_date"] = resolve_access_date(attrs, access_date, config, Path(path))
    attrs["data_as_of"] = data_as_of(result.events) if attrs["access_date"] else None
    if share is not None:
        attrs["share"] = share  # the credit line says "for internal use" at the internal level
    attrs["credit"] = event_credit(attrs)
    return result


def join(result: ReadResult, config: ReportConfig, path) -> Events:
    """The second half of :func:`load`: join the read events to the admin units, choose the counted types."""
    # the active country's events of a file that may hold several countries (split by coordinates)
    joined = country_split.join_active(result.events, tolerance_km=config.snap_tolerance_km)
    path = Path(path)
    if len(joined.events) == 0:
        counts = account(result.summary, joined.summary, joined.rejects)
        raise InputError(f"{path}: no row accepted (read {counts['read']}: rejected "
                         f"{counts['rejected']}, merged {counts['duplicates_merged']}); see why with "
                         f"geo-coi validate {path} --rejects rejects.csv")
    wanted = tuple(config.event_types)
    counted = counted_event_types(joined.events, wanted)
    notes = []
    if counted != wanted:
        notes.append(f"None of the config's event types ({', '.join(wanted)}) occur in {path.name}; "
                     f"counting its own types instead: {', '.join(counted)}.")
    joined.events.attrs[EVENT_TYPES_ATTR] = counted
    return Events(joined.events, result, joined, counted, notes, path)


def all_rejects(read_rejects: pandas.DataFrame, join_rejects: pandas.DataFrame | None) -> pandas.DataFrame:
    """The reader's and the join's rejects in one table (reader first), without geometry."""
    import pandas as pd

    frames = [frame for frame in (read_rejects, join_rejects) if frame is not None and len(frame)]
    rejects = pd.concat(frames, ignore_index=True, sort=False) if frames else read_rejects.iloc[0:0]
    return rejects.drop(columns="geometry") if "geometry" in rejects else rejects


def _config(config) -> ReportConfig:
    return config if isinstance(config, ReportConfig) else load_config(config)
