"""Country packs: a country is a folder of data, not code.

Each bundled country is a folder ``geo_coi/countries/<iso3>/`` holding a
``country.toml`` and its data files (COD-AB boundaries, Natural Earth context,
populations, gazetteer, ...). :func:`get` reads a pack once per process and
caches it by ISO3 code; :func:`active` is the pack the current code works
for, :func:`use` switches it for a block::

    with country.use("MLI"):
        regions = boundaries.load("region")   # Mali's regions

The default pack (the one :func:`active` gives outside :func:`use`) is named in
``geo_coi/countries/default.toml`` (``country = "<ISO3>"``, with ``report_config``,
the bundled report config used without ``--config``): no code names a country.

``country.toml``
----------------
``iso3``, ``iso2``, ``pcode_prefix``
    Codes. Every P-code of the pack starts with ``pcode_prefix``.
``name_language``, ``name_fixes``
    The COD-AB name field is ``ADM{n}_{name_language}``; ``name_fixes`` maps
    odd source values to the names printed.
``[name]``
    The country's name per language (``en``, ``fr``, ``nl``).
``[map]``
    ``crs`` (PROJ string of the print maps' conformal conic), ``bbox`` of the
    official outline and ``swap_box`` (the box within which swapped
    latitude/longitude are detected), both ``[west, south, east, north]``.
``[boundaries]``
    ``credit``, ``vintage``, ``area_field`` (default ``AREA_SQKM``), ``lines``
    (admin boundary lines), ``pcodes``, ``label_points`` and ``prepared``
    (folder of the fast point-lookup arrays).
``[vintages.<name>]``
    Earlier boundary vintages and their crosswalks (Burkina Faso's 2020 IGB set).
``[[levels]]``
    Coarsest first: ``key`` (``adm0`` ... ``adm3``), ``slot`` (the name the
    level's columns carry in every table: ``country``, ``region``,
    ``department``, ``commune`` for admin levels 0-3, whatever the country
    calls them), ``file``, optional ``pcode_field``/``name_field`` (default
    ``ADM{n}_PCODE`` / ``ADM{n}_{name_language}``), ``names`` and ``plural``
    per language. A country may have fewer levels.
``[capital]``
    ``name``, ``pcode`` and ``level`` of the capital's own unit, and its
    sub-units where the data allow: ``subunit_slot`` (the layer's name),
    ``subunit_level``, ``subunit_names`` and either ``subunit_file`` or
    ``subunit_parent`` (the P-code whose units at ``subunit_level`` they are).
``[context]``
    ``credit``, one file per Natural Earth layer, ``clip_box``.
``[files]``
    The pack's other data files by role, read through :meth:`Pack.file`:
    ``aliases`` and ``place_names`` (gazetteer tables people edit), ``geonames``
    (GeoNames extract), ``ucdp_places``, ``ucdp_events``, ``crosswalk_pre2011``,
    ``displacement_locations``, ``displacement_report``, ``population_report``,
    ``areas_of_operation``. A role the pack lacks is simply absent (Mali has no UCDP
    events); asking for it raises a :class:`~geo_coi.errors.ConfigError`.
``[json_aliases]``
    Former field names of ``geo-coi locate`` answers, ``old = "new"``, kept for one
    release (:func:`geo_coi.location.json_aliases`; e.g. Niger's names from before the packs).
``[population]``
    ``folder`` of ``<iso3>_population_adm<n>_<year>.csv`` tables (columns
    ``adm<n>_pcode, adm<n>_name, population, year``), ``source``, ``year`` and
    ``credit``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from geo_coi.errors import ConfigError

PACKS_DIR = Path(__file__).resolve().parent / "countries"


def _defaults() -> dict[str, str]:
    """``countries/default.toml``: ``country`` (ISO3 of a pack) and ``report_config`` (a bundled config)."""
    source = PACKS_DIR / "default.toml"
    try:
        settings = tomllib.loads(source.read_text(encoding="utf-8"))
        return {"country": str(settings["country"]).strip().upper(), "report_config": str(settings["report_config"])}
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise ConfigError(f"{source}: cannot read the defaults ({error}); it must hold country = \"ISO3\" "
                          f"naming a pack folder and report_config = \"NAME.toml\" in geo_coi/data/configs/") from None


_DEFAULTS = _defaults()
DEFAULT = _DEFAULTS["country"]
DEFAULT_REPORT_CONFIG = _DEFAULTS["report_config"]  # file name in geo_coi/data/configs/ (geo_coi.config)
LANGUAGES = ("en", "fr", "nl")

_active: contextvars.ContextVar[str] = contextvars.ContextVar("geo_coi_country", default=DEFAULT)


@dataclass(frozen=True)
class Level:
    """One admin level of a pack (see the module docstring for the fields)."""

    key: str
    slot: str
    depth: int
    file: str
    pcode_field: str
    name_field: str
    names: dict = field(default_factory=dict)
    plural: dict = field(default_factory=dict)

    def display(self, language: str = "en", plural: bool = False) -> str:
        """The level's name in ``language``, e.g. ``"cercle"`` or ``"provinces"``."""
        names = self.plural if plural else self.names
        return names.get(language) or names.get("en") or self.slot


@dataclass(frozen=True)
class Capital:
    """The capital's unit and, where the data allow, its sub-units."""

    name: str
    pcode: str
    level: str
    subunit_slot: str | None = None
    subunit_file: str | None = None
    subunit_level: str | None = None
    subunit_parent: str | None = None
    subunit_names: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Pack:
    """A country pack as read from its ``country.toml``."""

    iso3: str
    iso2: str
    folder: Path
    pcode_prefix: str
    names: dict
    levels: tuple[Level, ...]
    capital: Capital | None
    map_crs: str
    bbox: tuple[float, float, float, float]
    swap_box: tuple[float, float, float, float]
    boundary_credit: str
    context_credit: str
    context: dict
    name_fixes: dict
    settings: dict = field(repr=False, default_factory=dict)

    def name(self, language: str = "en") -> str:
        """The country's name in ``language``."""
        return self.names.get(language) or self.names["en"]

    def path(self, relative: str) -> Path:
        """A file of the pack."""
        return self.folder / relative

    def file(self, role: str) -> Path:
        """The data file the pack names for ``role`` in its ``[files]`` table.

        Raises
        ------
        ConfigError
            The pack has no file for ``role`` (e.g. UCDP events for a pack without them).
        """
        relative = self.settings.get("files", {}).get(role)
        if not relative:
            raise ConfigError(f"{self.name()} has no {role} file: its pack ({self.folder.name}/country.toml) "
                              f"names none under [files]; add one there")
        return self.folder / relative

    def has_file(self, role: str) -> bool:
        """True when the pack's ``[files]`` table names a file for ``role``."""
        return bool(self.settings.get("files", {}).get(role))

    def level(self, name: str) -> Level:
        """A level by key (``adm2``), slot (``department``) or singular display name (``cercle``, any language).

        Raises
        ------
        ConfigError
            The pack has no such level, e.g. communes for a pack that stops at provinces.
        """
        wanted = name.strip().lower()
        for level in self.levels:
            aliases = {level.key, level.slot, *map(str.lower, level.names.values())}
            if wanted in aliases:
                return level
        have = ", ".join(f"{level.key} ({level.display()})" for level in self.levels)
        raise ConfigError(f"{self.name()} has no admin level {name!r}: its pack ({self.folder.name}/country.toml) "
                          f"has {have}")

    def has_level(self, name: str) -> bool:
        """True when :meth:`level` knows ``name``."""
        try:
            self.level(name)
        except ConfigError:
            return False
        return True

    @property
    def finest(self) -> Level:
        """The most detailed level with polygons (``adm3``, or ``adm2`` where communes are missing)."""
        return self.levels[-1]

    @property
    def admin_levels(self) -> tuple[Level, ...]:
        """The levels below the country (``adm1`` and finer)."""
        return tuple(level for level in self.levels if level.depth > 0)


def bundled() -> tuple[str, ...]:
    """ISO3 codes of the bundled packs, sorted."""
    return tuple(sorted(p.parent.name.upper() for p in PACKS_DIR.glob("*/country.toml")))


def active() -> Pack:
    """The pack the current code works for (:data:`DEFAULT` unless :func:`use` says otherwise)."""
    return get(_active.get())


@contextlib.contextmanager
def use(iso3: str):
    """Make ``iso3`` the :func:`active` pack inside a ``with`` block."""
    pack = get(iso3)
    token = _active.set(pack.iso3)
    try:
        yield pack
    finally:
        _active.reset(token)


def get(iso3: str | None = None) -> Pack:
    """The pack of ``iso3`` (any case), or the active one when None.

    Raises
    ------
    ConfigError
        No bundled pack has that code.
    """
    if iso3 is None:
        return active()
    code = str(iso3).strip().upper()
    if code in _FOUND:  # no file system call on the hot path (locate asks for packs per point)
        return _read(PACKS_DIR / code.lower())
    if not (PACKS_DIR / code.lower() / "country.toml").is_file():
        raise ConfigError(f"no country pack {iso3!r}: bundled packs are {', '.join(bundled())} "
                          f"(build one from COD-AB files with 'geo-coi country build DIR')")
    _FOUND.add(code)
    return _read(PACKS_DIR / code.lower())


_FOUND: set[str] = set()  # codes whose country.toml exists (found once; a pack built later is found then)


@functools.cache
def _read(folder: Path) -> Pack:
    source = folder / "country.toml"
    try:
        settings = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{source}: cannot read the country pack: {error}") from None
    return from_settings(settings, folder)


def from_settings(settings: dict, folder: Path) -> Pack:
    """Build a :class:`Pack` from the parsed ``country.toml`` of ``folder``."""
    source = folder / "country.toml"
    try:
        language = settings.get("name_language", "FR")
        levels = tuple(_level(entry, language) for entry in settings["levels"])
        capital = Capital(**settings["capital"]) if "capital" in settings else None
        context = dict(settings.get("context", {}))
        return Pack(
            iso3=settings["iso3"].upper(),
            iso2=settings["iso2"].upper(),
            folder=folder,
            pcode_prefix=settings["pcode_prefix"],
            names=dict(settings["name"]),
            levels=levels,
            capital=capital,
            map_crs=settings["map"]["crs"],
            bbox=tuple(settings["map"]["bbox"]),
            swap_box=tuple(settings["map"].get("swap_box", settings["map"]["bbox"])),
            boundary_credit=settings["boundaries"]["credit"],
            context_credit=context.pop("credit", "Basemap: Natural Earth (public domain)"),
            context=context,
            name_fixes=dict(settings.get("name_fixes", {})),
            settings=settings,
        )
    except KeyError as error:
        raise ConfigError(f"{source}: missing field {error.args[0]!r} (see geo_coi/country.py)") from None
    except TypeError as error:
        raise ConfigError(f"{source}: {error}") from None


def _level(entry: dict, language: str) -> Level:
    depth = int(entry["key"].removeprefix("adm"))
    return Level(
        key=entry["key"],
        slot=entry["slot"],
        depth=depth,
        file=entry["file"],
        pcode_field=entry.get("pcode_field", f"ADM{depth}_PCODE"),
        name_field=entry.get("name_field", f"ADM{depth}_{language}"),
        names=dict(entry.get("names", {})),
        plural=dict(entry.get("plural", entry.get("names", {}))),
    )


def find(lon, lat, packs: tuple[str, ...] | None = None):
    """ISO3 code of the bundled pack whose official outline contains each point.

    A box test on every pack's ``[map] bbox`` selects candidates; only those are
    tested against the COD-AB outline (``adm0``), so points far from every pack
    cost one comparison. A point on a shared border goes to the first pack in
    alphabetical order of ISO3 code, as ``sjoin`` ties go to the lowest index.

    Parameters
    ----------
    lon, lat : array-like of float
        WGS 84 coordinates; NaN gives ``""``.
    packs : tuple of str, optional
        ISO3 codes to consider; default every bundled pack.

    Returns
    -------
    numpy.ndarray of str
        One ISO3 code per point, ``""`` where no pack contains it.
    """
    import numpy as np
    import shapely

    lon = np.asarray(lon, dtype="float64").ravel()
    lat = np.asarray(lat, dtype="float64").ravel()
    found = np.full(lon.shape, "", dtype="<U3")
    open_ = np.ones(lon.shape, dtype=bool)
    for code in packs or bundled():
        pack = get(code)
        west, south, east, north = pack.bbox
        candidates = np.flatnonzero(open_ & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
        if not len(candidates):
            continue
        outline = _outline(pack.iso3)
        inside = shapely.intersects_xy(outline, lon[candidates], lat[candidates])
        found[candidates[inside]] = pack.iso3
        open_[candidates[inside]] = False
    return found


@functools.cache
def _outline(iso3: str):
    """The pack's national outline, prepared for fast point tests (from its prepared arrays: no geopandas)."""
    import shapely

    from geo_coi import admin_index

    outline = shapely.union_all(admin_index.geometries("country", iso3))
    shapely.prepare(outline)
    return outline
