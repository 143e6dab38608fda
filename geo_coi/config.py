"""Report configurations: a TOML file describing one report, checked key by key.

A report config says which country and periods a report covers, which event
types it counts, where its data came from and when they were accessed, which
map extents, classification schemes, languages and credit lines it uses, and
where the armed groups' areas of operation are described. The bundled default
config (``report_config`` in ``geo_coi/countries/default.toml``, a file of
``geo_coi/data/configs/``, also in the checkout's ``configs/``) is the documented example.

Every key is validated: an unknown key, a wrong type, a bad date or a period
ending before it starts raises :class:`~geo_coi.errors.ConfigError` naming the
file and the key, e.g. ``configs/x.toml: periods.current.end: ...``.

Relative paths in a config are looked up beside the config file first, then in
the package's data folder (``geo_coi/data``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import math
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from geo_coi import country
from geo_coi.classes import SCHEMES
from geo_coi.cross_border import CrossBorderRegion, pack_of
from geo_coi.errors import ConfigError, ResolveError
from geo_coi.events import ACLED_EVENT_TYPES, UCDP_EVENT_TYPES
from geo_coi.gazetteer import resolve
from geo_coi.periods import Period, to_date
from geo_coi.sharing import LEVELS
from geo_coi.style import LANGUAGES

DEFAULT_CONFIG_NAME = country.DEFAULT_REPORT_CONFIG
HTML_ASSETS = ("inline", "external")
MAP_SIZES = ("A4-landscape", "A4-portrait", "A3-landscape", "A3-portrait")
CHOROPLETH_LEVELS = ("region", "department")
CHOROPLETH_MEASURES = ("incidents_per_1000km2", "incidents", "fatalities", "incidents_per_100k", "fatalities_per_100k")
# Plausible ranges of the numeric keys: NaN, inf and tiny values (a 1e-300 km grid cell) fail at load.
RANGES = {
    "events.snap_tolerance_km": (0.01, 500.0),
    "maps.classes": (2, 12),
    "maps.density_bandwidth_km": (0.5, 500.0),
    "maps.density_cell_km": (0.5, 100.0),
    "maps.hexbin_size_km": (1.0, 500.0),
}

# --- schema -----------------------------------------------------------------------
# Each table maps key -> (kind, default); default REQUIRED means the key must be given.
REQUIRED = object()
_PERIOD = {"start": ("date", REQUIRED), "end": ("date", REQUIRED)}
_SOURCE = {
    "name": ("str", REQUIRED),
    "description": ("str", ""),
    "export_date": ("date", None),
    "access_date": ("date", None),
    "url": ("str", ""),
}
_DEPARTMENT_GROUP = {"region": ("str", REQUIRED), "names": ("list[str]", REQUIRED)}
_EXTENT: dict = {
    "regions": ("list[str]", []),
    "departments": (("list", _DEPARTMENT_GROUP), []),
    "bbox": ("bbox", None),
}
# [regions.<name>]: a cross-border region (geo_coi.cross_border): admin1 P-codes across packs, the other
# countries' events files
_REGION = {
    "units": ("list[str]", REQUIRED),
    "title": ("str", ""),
    "events": (("list", {"country": ("str", REQUIRED), "file": ("path", REQUIRED)}), []),
}
SCHEMA = {
    "report": (
        {
            "id": ("id", REQUIRED),
            "title": ("str", REQUIRED),
            "country": ("str", REQUIRED),  # ISO3 code or name of a bundled pack (geo_coi/countries/)
            "figures_year": ("int", None),  # year of the UNHCR figures set beside the report's own
            "author": ("str", ""),
            "date": ("date", None),
            "language": ("language", "en"),
            "languages": ("list[language]", list(LANGUAGES)),
        },
        REQUIRED,
    ),
    "periods": (
        {
            "current": (_PERIOD, REQUIRED),
            "comparison": (_PERIOD, None),
            "chart_window": (_PERIOD, None),
        },
        REQUIRED,
    ),
    "events": (
        {
            "types": ("list[str]", REQUIRED),
            "default_file": ("path", None),
            "snap_tolerance_km": ("float", 10.0),
        },
        REQUIRED,
    ),
    "sources": (("table", _SOURCE), {}),
    "extents": (("table", _EXTENT), {}),
    "maps": (
        {
            "scheme": ("str", "fisherjenks"),
            "classes": ("int", 5),
            "choropleth_levels": ("list[str]", ["region", "department"]),
            "choropleth_measures": ("list[str]", list(CHOROPLETH_MEASURES)),
            "density_bandwidth_km": ("float", 25.0),
            "density_cell_km": ("float", 5.0),
            "density_breaks": ("list[float]", []),
            "density_floor": ("float", 0.0),
            "hexbin_size_km": ("float", 25.0),
            "size": ("str", "A4-landscape"),
            "annex1_extent": ("str", "national"),  # [extents.<name>] framing Annex 1 and Annex 2
            "annex2_extent": ("str", "south_west"),
            "annex2_title": ("str", "annex2_title"),  # translations.csv key of Annex 2's title
            "region_map": ("str", ""),  # the region of the reference map of departments and communes (Kaart 4)
            "html_assets": ("str", "inline"),
            "html_languages": ("list[str]", []),
        },
        {},
    ),
    "tables": (
        {
            "region_tables": ("list[str]", []),
            "department_breakdowns": ("list[str]", []),
        },
        {},
    ),
    "credits": ({"lines": ("list[str]", [])}, {}),
    "armed_groups": ({"areas_file": ("path", None)}, {}),
    "atlas": ({"regions": ("list[str]", []), "extent": ("str", ""), "commune_tables": ("list[str]", [])}, {}),
    "indicators": ({"ucdp_file": ("path", None)}, {}),
    "text": ({"templates": ("path", None)}, {}),  # a folder of <language>.toml sentence templates
    # the last edition of the events (a file or a store edition): annex adds "changes since the last edition"
    "changes": ({"previous_edition": ("str", None)}, {}),
    "sharing": ({"level": ("str", "internal")}, {}),  # geo_coi.sharing.LEVELS
    "regions": (("table", _REGION), {}),
}


# --- the result ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Source:
    """One data source of the report and when it was exported and consulted."""

    key: str
    name: str
    description: str = ""
    export_date: dt.date | None = None
    access_date: dt.date | None = None
    url: str = ""


@dataclasses.dataclass(frozen=True)
class Extent:
    """A map frame: whole regions, some departments (``{region: [names]}``) and/or a lon/lat bbox.

    An extent with no regions, departments or bbox is the whole country.
    """

    name: str
    regions: tuple[str, ...] = ()
    departments: tuple[tuple[str, tuple[str, ...]], ...] = ()
    bbox: tuple[float, float, float, float] | None = None

    @property
    def is_national(self) -> bool:
        """True when the extent is the whole country."""
        return not (self.regions or self.departments or self.bbox)


@dataclasses.dataclass(frozen=True)
class MapSettings:
    """Classification scheme, levels and measures of the choropleths, density and hexbin sizes."""

    scheme: str = "fisherjenks"
    classes: int = 5
    choropleth_levels: tuple[str, ...] = ("region", "department")
    choropleth_measures: tuple[str, ...] = CHOROPLETH_MEASURES
    density_bandwidth_km: float = 25.0
    density_cell_km: float = 5.0
    # fixed upper bounds of the density classes (incidents per 1,000 km²), so that two periods compare;
    # empty: classes by ``scheme``. Densities below ``density_floor`` are not painted (0: one lone event's
    # density one bandwidth away from it, geo_coi.density.lone_event_floor).
    density_breaks: tuple[float, ...] = ()
    density_floor: float = 0.0
    hexbin_size_km: float = 25.0
    size: str = "A4-landscape"
    annex1_extent: str = "national"
    annex2_extent: str = "south_west"
    annex2_title: str = "annex2_title"
    region_map: str = ""
    # the interactive map: "inline" (one self-contained file) or "external" (assets beside it, for a strict
    # Content-Security-Policy); html_languages: a language switcher in the page (empty: none)
    html_assets: str = "inline"
    html_languages: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class AtlasSettings:
    """The region atlas (:mod:`geo_coi.atlas`): pages in order, or an extent's regions; regions tabled by commune."""

    regions: tuple[str, ...] = ()
    extent: str = ""
    commune_tables: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ReportConfig:
    """A validated report configuration (see :func:`load_config`).

    Attributes
    ----------
    report_id : str
        Short name, also the output folder ``outputs/<report_id>/``.
    current, comparison, chart_window : geo_coi.periods.Period
        Inclusive periods; ``comparison`` defaults to ``current.previous_year()``
        and ``chart_window`` to the span of both.
    event_types : tuple of str
        Event types the report counts (the source's own typology).
    region_tables : tuple of str
        Regions that get the report's Tabel 1 and Tabel 2.
    department_breakdowns : tuple of str
        Regions whose incidents are also tabulated and charted per department.
    events_file, areas_file : pathlib.Path or None
        Resolved paths (beside the config, else in ``geo_coi/data``).
    raw : dict
        The file's content, JSON-safe (dates as ISO text), for the manifest.
    previous_edition : str or None
        ``[changes] previous_edition``: the last edition's events file (resolved beside the config when
        it is one) or store edition; the annex then adds a "changes since the last edition" table.
    share : str
        ``[sharing] level``: ``internal`` or ``public`` (:mod:`geo_coi.sharing`).
    """

    path: Path | None
    report_id: str
    title: str
    country: str
    iso3: str
    author: str
    date: dt.date | None
    language: str
    languages: tuple[str, ...]
    current: Period
    comparison: Period
    chart_window: Period
    event_types: tuple[str, ...]
    events_file: Path | None
    snap_tolerance_km: float
    sources: dict
    extents: dict
    maps: MapSettings
    region_tables: tuple[str, ...]
    department_breakdowns: tuple[str, ...]
    credits: tuple[str, ...]
    areas_file: Path | None
    raw: dict = dataclasses.field(repr=False, compare=False, default_factory=dict)
    atlas: AtlasSettings = AtlasSettings()
    ucdp_file: Path | None = None  # UCDP GED events set beside ACLED's in the indicators
    text_templates: Path | None = None  # folder of the writers' own sentence templates (<language>.toml)
    previous_edition: str | None = None
    share: str = "internal"
    figures_year: int | None = None
    regions: dict = dataclasses.field(default_factory=dict)  # name -> geo_coi.cross_border.CrossBorderRegion

    @property
    def acled_access_date(self) -> dt.date | None:
        """Access date of the ``acled`` source, if the config names one."""
        source = self.sources.get("acled")
        return source.access_date if source else None

    def access_date_for(self, events_path) -> dt.date | None:
        """The ``acled`` access date, when it is about ``events_path``.

        A user's own config describes the user's data; the bundled config's date
        is only about its own default file (the synthetic demo), never a user's export.
        """
        bundled = self.path is not None and Path(self.path).resolve() == default_config_path().resolve()
        own_file = self.events_file is not None and Path(events_path).resolve() == Path(self.events_file).resolve()
        return self.acled_access_date if own_file or not bundled else None

    def with_period(self, period) -> ReportConfig:
        """A copy for another current period (``--period``): comparison = a year earlier.

        The chart window becomes the span of both periods: the config's own window belongs to its own
        period, and a chart of another period must not run over months that report does not cover.
        """
        comparison = period.previous_year()
        window = _span(None, comparison, period)
        return dataclasses.replace(self, current=period, comparison=comparison, chart_window=window)

    def to_dict(self) -> dict:
        """The effective settings, JSON-safe, for the manifest."""
        data = dataclasses.asdict(self)
        data.pop("raw")
        return _json_safe(data)


# --- loading ---------------------------------------------------------------------
def default_config_path() -> Path:
    """The bundled default config (:data:`DEFAULT_CONFIG_NAME`; works from a wheel install)."""
    return Path(str(files("geo_coi") / "data" / "configs" / DEFAULT_CONFIG_NAME))


def country_config_path(code: str) -> Path:
    """The config ``--country`` runs without ``--config``.

    The default pack runs the default report config; any other pack its ``configs/*_demo.toml``.

    Parameters
    ----------
    code : str
        ISO3 code or name of a bundled pack (``BFA``, ``mali``).

    Raises
    ------
    ConfigError
        No such pack, or a pack without a ``configs/*_demo.toml``.
    """
    from geo_coi import country

    iso3 = country_code(code, "--country")
    if iso3 == country.DEFAULT:
        return default_config_path()
    found = sorted(country.get(iso3).path("configs").glob("*_demo.toml"))
    if not found:
        raise ConfigError(f"--country {code}: the {country.get(iso3).name()} pack has no configs/*_demo.toml; "
                          "give a report config with --config")
    return found[0]


def resolve_access_date(attrs: dict, given=None, config: ReportConfig | None = None, events_path=None):
    """The ACLED access date of an events table: ``given``, else the config's, else the API cache's.

    Parameters
    ----------
    attrs : dict
        The events' ``attrs`` (``source``, ``synthetic``, ``access_date`` from the API cache).
    given : datetime.date or str, optional
        ``--access-date``.
    config : ReportConfig, optional
    events_path : path-like, optional
        The events file (the config's date is used only when it is about this file).

    Returns
    -------
    str or None
        ISO date; None for sources that need none (UCDP, the synthetic demo).

    Raises
    ------
    ConfigError
        ACLED data with no access date anywhere: it is never guessed.
    """
    if attrs.get("synthetic") or not str(attrs.get("source", "ACLED")).startswith("ACLED"):
        return None
    if given is not None:
        return to_date(given, "--access-date").isoformat()
    configured = config.access_date_for(events_path) if config is not None and events_path else None
    if configured is not None:
        return configured.isoformat()
    if attrs.get("access_date"):
        return str(attrs["access_date"])
    name = Path(str(attrs.get("input_file", events_path or "the events file"))).name
    raise ConfigError(f"{name}: ACLED's terms require the date the data were accessed: give it with "
                      "--access-date YYYY-MM-DD (or access_date under [sources.acled] in your config)")


def load_config(path=None) -> ReportConfig:
    """Read and validate a report config.

    Parameters
    ----------
    path : path-like, optional
        A TOML file; the bundled default config (:func:`default_config_path`) when omitted.

    Returns
    -------
    ReportConfig

    Raises
    ------
    geo_coi.errors.ConfigError
        Missing or unreadable file, invalid TOML, unknown key, wrong type,
        bad date, period ending before it starts, unknown language; the message
        names the file and the key.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; give an existing TOML file with --config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return _build(path, _Checker(path).table(data, SCHEMA, ""), data)


def parse_config(text: str, path: str | Path = "<config>") -> ReportConfig:
    """Validate config ``text`` (TOML); ``path`` names it in errors and anchors relative paths."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return _build(Path(path), _Checker(path).table(data, SCHEMA, ""), data)


def check_places(config: ReportConfig) -> dict:
    """Resolve every region and department a config names; error naming the key if one fails.

    Kept apart from :func:`load_config` because it loads the boundaries.

    Returns
    -------
    dict
        Config key (``extents.south_west.regions[0]``) -> P-code.

    Raises
    ------
    ConfigError
        ``<file>: <key>: cannot resolve ...`` with the gazetteer's candidates.
    """
    wanted = []  # (key, name, level, within)
    for name, extent in config.extents.items():
        wanted += [(f"extents.{name}.regions[{i}]", r, "region", None) for i, r in enumerate(extent.regions)]
        for i, (region, departments) in enumerate(extent.departments):
            wanted.append((f"extents.{name}.departments[{i}].region", region, "region", None))
            wanted += [(f"extents.{name}.departments[{i}].names[{j}]", d, "department", region)
                       for j, d in enumerate(departments)]
    for key in ("region_tables", "department_breakdowns"):
        wanted += [(f"tables.{key}[{i}]", r, "region", None) for i, r in enumerate(getattr(config, key))]
    found = {}
    for key, name, level, within in wanted:
        try:
            found[key] = resolve(name, level, within=within)
        except ResolveError as exc:
            raise ConfigError(f"{config.path}: {key}: {exc}") from None
    return found


def resolve_data_path(value: str | Path, config_path: Path | None = None) -> Path:
    """Find a file named in a config: beside the config, else in the active country pack, else in ``geo_coi/data``.

    Absolute paths are taken as given.
    """
    value = Path(value).expanduser()
    if value.is_absolute():
        return value
    candidates = []
    if config_path is not None:
        candidates.append(Path(config_path).resolve().parent / value)
    candidates.append(country.active().folder / value)
    candidates.append(Path(str(files("geo_coi") / "data")) / value)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


class _Checker:
    """Walks a TOML table against :data:`SCHEMA`, naming ``file: dotted.key`` on error."""

    def __init__(self, path):
        self.path = path

    def fail(self, key: str, message: str):
        raise ConfigError(f"{self.path}: {key}: {message}")

    def table(self, data, schema: dict, prefix: str) -> dict:
        if not isinstance(data, dict):
            self.fail(prefix or "(top level)", f"expected a table, got {_kind_name(data)}")
        unknown = sorted(set(data) - set(schema))
        if unknown:
            key = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
            self.fail(key, f"unknown key; allowed here: {', '.join(schema)}")
        result = {}
        for name, (kind, default) in schema.items():
            key = f"{prefix}.{name}" if prefix else name
            if name not in data:
                if default is REQUIRED:
                    self.fail(key, "missing; this key is required")
                # An absent sub-table with a table default still gets its own defaults filled in.
                result[name] = self.value(default, kind, key) if isinstance(kind, dict) and default == {} else default
                continue
            result[name] = self.value(data[name], kind, key)
        return result

    def value(self, value, kind, key: str):
        if isinstance(kind, dict):
            checked = self.table(value, kind, key)
            if kind is _PERIOD and checked["end"] < checked["start"]:
                self.fail(f"{key}.end", f"{checked['end']} is before start {checked['start']}")
            return checked
        if isinstance(kind, tuple):  # ("table", schema): named sub-tables; ("list", schema): list of tables
            container, schema = kind
            if container == "table":
                if not isinstance(value, dict):
                    self.fail(key, f"expected a table of named entries, got {_kind_name(value)}")
                return {name: self.table(entry, schema, f"{key}.{name}") for name, entry in value.items()}
            if not isinstance(value, list):
                self.fail(key, f"expected a list of tables, got {_kind_name(value)}")
            return [self.table(entry, schema, f"{key}[{i}]") for i, entry in enumerate(value)]
        return getattr(self, "kind_" + kind.replace("[", "_").replace("]", ""))(value, key)

    def kind_str(self, value, key):
        if not isinstance(value, str):
            self.fail(key, f"expected text, got {_kind_name(value)} {value!r}")
        return value

    def kind_id(self, value, key):
        value = self.kind_str(value, key)
        if not value or not all(c.isalnum() or c in "-_." for c in value) or value.startswith("."):
            self.fail(key, f"{value!r} is not a usable folder name; use letters, digits, '-', '_' or '.'")
        return value

    def kind_path(self, value, key):
        return self.kind_str(value, key)

    def kind_float(self, value, key):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"expected a number, got {_kind_name(value)} {value!r}")
        if not math.isfinite(value):
            self.fail(key, f"expected a finite number, got {value}")
        return float(self.in_range(value, key))

    def kind_int(self, value, key):
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected a whole number, got {_kind_name(value)} {value!r}")
        return self.in_range(value, key)

    def in_range(self, value, key):
        low, high = RANGES.get(key, (0, math.inf))
        if not (low <= value <= high) or value <= 0:
            self.fail(key, f"{value} is out of range; use a value from {low:g} to {high:g}")
        return value

    def kind_date(self, value, key):
        if isinstance(value, dt.datetime):
            self.fail(key, f"expected a date (YYYY-MM-DD) without a time, got {value.isoformat()}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(key, f"expected a date written YYYY-MM-DD, got {value!r}")

    def kind_language(self, value, key):
        value = self.kind_str(value, key)
        if value not in LANGUAGES:
            self.fail(key, f"language {value!r} is not supported; use one of {', '.join(LANGUAGES)}")
        return value

    def kind_list_str(self, value, key):
        if not isinstance(value, list):
            self.fail(key, f"expected a list of text, got {_kind_name(value)} {value!r}")
        return [self.kind_str(item, f"{key}[{i}]") for i, item in enumerate(value)]

    def kind_list_float(self, value, key):
        if not isinstance(value, list):
            self.fail(key, f"expected a list of numbers, got {_kind_name(value)} {value!r}")
        numbers = [self.kind_float(item, f"{key}[{i}]") for i, item in enumerate(value)]
        if any(b <= a for a, b in zip(numbers, numbers[1:], strict=False)) or any(n <= 0 for n in numbers):
            self.fail(key, f"expected increasing numbers above 0, got {value!r}")
        return numbers

    def kind_list_language(self, value, key):
        values = self.kind_list_str(value, key)
        return [self.kind_language(item, f"{key}[{i}]") for i, item in enumerate(values)]

    def kind_bbox(self, value, key):
        if not isinstance(value, list) or len(value) != 4:
            self.fail(key, f"expected [west, south, east, north] in degrees, got {value!r}")
        numbers = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                self.fail(f"{key}[{i}]", f"expected a number, got {item!r}")
            numbers.append(float(item))
        west, south, east, north = numbers
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            self.fail(key, f"{value!r} is not [west, south, east, north] with west < east and south < north")
        return tuple(numbers)


def _build(path: Path, checked: dict, raw: dict) -> ReportConfig:
    def fail(key, message):
        raise ConfigError(f"{path}: {key}: {message}")

    report, periods, events, maps = checked["report"], checked["periods"], checked["events"], checked["maps"]
    if report["language"] not in report["languages"]:
        fail("report.language", f"{report['language']!r} is not in report.languages {report['languages']}")
    if not events["types"]:
        fail("events.types", "list at least one event type")
    _check_choices(fail, "events.types", events["types"], _known_event_types())
    _check_scheme(fail, maps["scheme"], "classes" in raw.get("maps", {}))
    _check_choices(fail, "maps.choropleth_levels", maps["choropleth_levels"], CHOROPLETH_LEVELS)
    _check_choices(fail, "maps.choropleth_measures", maps["choropleth_measures"], CHOROPLETH_MEASURES)
    if checked["sharing"]["level"] not in LEVELS:
        fail("sharing.level", f"{checked['sharing']['level']!r} is not one of {', '.join(LEVELS)}")
    if maps["size"] not in MAP_SIZES:
        fail("maps.size", f"{maps['size']!r} is not one of {', '.join(MAP_SIZES)}")
    if maps["html_assets"] not in HTML_ASSETS:
        fail("maps.html_assets", f"{maps['html_assets']!r} is not one of {', '.join(HTML_ASSETS)}")
    _check_choices(fail, "maps.html_languages", maps["html_languages"], LANGUAGES)
    current = Period(**periods["current"])
    comparison = Period(**periods["comparison"]) if periods["comparison"] else current.previous_year()
    window = Period(**periods["chart_window"]) if periods["chart_window"] else _span(None, comparison, current)
    sources = {key: Source(key=key, **value) for key, value in checked["sources"].items()}
    extents = {name: _extent(name, value) for name, value in checked["extents"].items()}
    iso3 = country_code(report["country"], f"{path}: report.country")
    return ReportConfig(
        path=path,
        report_id=report["id"],
        title=report["title"],
        country=country.get(iso3).name(report["language"]),  # the name printed; iso3 names the pack
        iso3=iso3,
        author=report["author"],
        date=report["date"],
        language=report["language"],
        languages=tuple(report["languages"]),
        current=current,
        comparison=comparison,
        chart_window=window,
        event_types=tuple(events["types"]),
        events_file=_optional_path(events["default_file"], path),
        snap_tolerance_km=events["snap_tolerance_km"],
        sources=sources,
        extents=extents,
        maps=MapSettings(**_tuples(maps)),
        region_tables=tuple(checked["tables"]["region_tables"]),
        department_breakdowns=tuple(checked["tables"]["department_breakdowns"]),
        credits=tuple(checked["credits"]["lines"]),
        areas_file=_optional_path(checked["armed_groups"]["areas_file"], path),
        raw=_json_safe(raw),
        atlas=AtlasSettings(**_tuples(checked["atlas"])),
        ucdp_file=_optional_path(checked["indicators"]["ucdp_file"], path),
        text_templates=_templates_folder(fail, checked["text"]["templates"], path),
        previous_edition=_edition_spec(checked["changes"]["previous_edition"], path),
        share=checked["sharing"]["level"],
        figures_year=report["figures_year"],
        regions={name: _region(name, value, path) for name, value in checked["regions"].items()},
    )


def country_code(value: str, where: str = "report.country") -> str:
    """ISO3 code of the bundled pack ``value`` names (its code, or its name in any language).

    Raises
    ------
    ConfigError
        ``<where>: ...`` naming the bundled packs, when none has that code or name.
    """
    wanted = value.strip().casefold()
    for code in country.bundled():
        pack = country.get(code)
        if wanted in {code.casefold(), *(name.casefold() for name in pack.names.values())}:
            return code
    raise ConfigError(f"{where}: {value!r} is no bundled country pack: give one of {', '.join(country.bundled())}")


def with_country(config: ReportConfig, code: str) -> ReportConfig:
    """A copy of ``config`` for another bundled country (``--country``)."""
    iso3 = country_code(code, "--country")
    return dataclasses.replace(config, iso3=iso3, country=country.get(iso3).name(config.language))


def _region(name: str, value: dict, path: Path):
    for i, pcode in enumerate(value["units"]):
        try:
            pack_of(pcode)
        except ConfigError as exc:
            raise ConfigError(f"{path}: regions.{name}.units[{i}]: {exc}") from None
    events = {country_code(entry["country"], f"{path}: regions.{name}.events[{i}].country"):
              _optional_path(entry["file"], path) for i, entry in enumerate(value["events"])}
    return CrossBorderRegion(name=name, units=tuple(value["units"]), events=events, title=value["title"])


def _check_choices(fail, key, values, allowed):
    for i, value in enumerate(values):
        if value not in allowed:
            fail(f"{key}[{i}]", f"{value!r} is not one of {', '.join(allowed)}")


def _known_event_types() -> tuple[str, ...]:
    """ACLED's and UCDP's own event types (the config names them as the source does)."""
    return ACLED_EVENT_TYPES + tuple(UCDP_EVENT_TYPES.values())


def _check_scheme(fail, scheme: str, classes_given: bool) -> None:
    """``maps.scheme`` is a mapclassify scheme the maps draw; a scheme without ``k`` takes no ``maps.classes``."""
    import mapclassify


    known = {name.lower(): getattr(mapclassify, name) for name in mapclassify.CLASSIFIERS}
    drawn = [name for name in SCHEMES if name in known]
    if scheme not in known:
        fail("maps.scheme", f"{scheme!r} is not a mapclassify scheme; use one of {', '.join(drawn)}")
    if classes_given and "k" not in inspect.signature(known[scheme]).parameters:
        fail("maps.classes", f"scheme {scheme!r} chooses its own number of classes; remove maps.classes")
    if scheme not in drawn:
        fail("maps.scheme", f"mapclassify's {scheme!r} is not drawn by geo_coi's maps; use one of {', '.join(drawn)}")


def _extent(name: str, value: dict) -> Extent:
    departments = tuple((group["region"], tuple(group["names"])) for group in value["departments"])
    return Extent(name=name, regions=tuple(value["regions"]), departments=departments, bbox=value["bbox"])


def _templates_folder(fail, value, config_path):
    folder = _optional_path(value, config_path)
    if folder is not None and not folder.is_dir():
        fail("text.templates", f"{folder} is not a folder (give one holding nl.toml, fr.toml or en.toml)")
    return folder
def _edition_spec(value, config_path):
    """A file beside the config (or in geo_coi/data) as its path; anything else (a store edition) as given."""
    if not value:
        return None
    path = resolve_data_path(value, config_path)
    return str(path) if path.is_file() else value


def _optional_path(value, config_path):
    return resolve_data_path(value, config_path) if value else None


def _tuples(settings: dict) -> dict[str, Any]:
    """A checked settings table with its lists as tuples (the settings dataclasses are frozen)."""
    return {key: tuple(value) if isinstance(value, list) else value for key, value in settings.items()}


def _span(window, *periods):
    """The smallest period covering ``window`` (may be None) and ``periods``."""
    all_periods = [p for p in (window, *periods) if p is not None]
    return Period(min(p.start for p in all_periods), max(p.end for p in all_periods))


def _kind_name(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _json_safe(dataclasses.asdict(value))
    return value
