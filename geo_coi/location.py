"""Which country and admin units contain a point, and is it inside the capital?

:func:`locate` answers the analyst's question for one point; :func:`locate_points`
does it for every row of a table or CSV. Uses only :mod:`geo_coi.admin_index`
(records, geometries, lookup), shapely and pyproj, so that ``geo-coi locate``
starts fast; pandas is imported inside :func:`locate_points` only. Both are
also ``geo_coi.locate`` and ``geo_coi.locate_points``; this module is called
``location``, not ``locate``, so that importing it never shadows the function
``geo_coi.locate`` with a module of the same name.

Countries
---------
The point's country is the bundled pack whose official outline contains it
(:func:`geo_coi.country.find`, lowest ISO3 code on a shared border); ``country=`` forces one pack. A point outside
every pack is answered
for the nearest pack (the nearest of their outlines), with that pack's nearest
region. Unit fields keep the slot names ``region`` / ``department`` /
``commune`` (admin levels 1 / 2 / 3) in every country; ``level_names`` gives
the pack's display names (Mali's ``department`` is a ``cercle``, Burkina
Faso's a ``province``; its pack stops there, so ``commune`` stays None).

Distances are geodesic (WGS 84): each point's geometries are projected to an
azimuthal equidistant CRS centred on the point (:func:`geo_coi.crs.local_equidistant`),
in which distances from the centre are exact, and the nearest boundary point
is found there.

Boundary accuracy
-----------------
:data:`BOUNDARY_TOLERANCE_KM` is 1 km. The COD-AB lines are generalised:
their vertices lie 100 m to 1 km from the lines on the ground, and the ADM1,
ADM2 and ADM3 layers disagree with each other by similar amounts. Event
coordinates at ACLED ``geo_precision`` 1 are those of a village, which is
itself some hundreds of metres wide. A point closer than 1 km to a boundary
therefore cannot be placed on one side with confidence: the result carries a
warning and ``uncertain=True``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np

from geo_coi.errors import ConfigError, CoordinateError, GeoCOIError, InputError

BOUNDARY_TOLERANCE_KM = 1.0
UNIT_SLOTS = ("region", "department", "commune")  # admin levels 1-3, the unit fields' names
_PRECISION_WARNINGS = {
    2: "geo_precision 2: the coordinates are those of a nearby town or place, not of the "
    "incident itself, so the units below may not be where it happened",
    3: "geo_precision 3: the coordinates are the centroid of a larger area (a department or "
    "region), not of the incident, so the units below are uncertain",
}


def json_aliases(iso3: str) -> dict[str, str]:
    """Former field names a pack's answers still carry, for one release: ``{old name: new name}``.

    From the ``[json_aliases]`` table of the pack's ``country.toml`` (the field names of
    releases that knew one country only; see README, "geo-coi locate"); empty for a pack
    without one, or a code that is no bundled pack.
    """
    from geo_coi import country

    try:
        return dict(country.get(iso3).settings.get("json_aliases", {}))
    except ConfigError:
        return {}


@functools.cache
def _attribute_aliases() -> dict[str, str]:
    """Every bundled pack's :func:`json_aliases`: a :class:`Location` of any pack answers to them."""
    from geo_coi import country

    return {old: new for iso3 in country.bundled() for old, new in json_aliases(iso3).items()}


@dataclass(frozen=True)
class Location:
    """Where a point lies. Unit names are those of the pack's COD-AB.

    Attributes
    ----------
    latitude, longitude : float
    country, country_name : str
        ISO3 code and English name of the pack answered for: the one containing
        the point, the one forced, or outside every pack the nearest.
    inside_country : bool
        Inside the official COD-AB outline (a point on it counts as inside).
    region, region_pcode, department, department_pcode, commune, commune_pcode : str or None
        Admin levels 1-3 by slot, whatever the country calls them (see
        ``level_names``). None outside the country, and for levels the pack lacks.
    capital : str or None
        The capital's name (None for a pack without one).
    capital_subunit, capital_subunit_pcode : str or None
        The capital's sub-unit (e.g. Niamey I-V, Bamako's Commune I-VI) for points
        inside it, where the pack has sub-units.
    inside_capital : bool
        Inside the capital's unit; on its boundary counts as inside.
    distance_to_capital_km : float
        Signed geodesic distance to the capital's administrative boundary:
        positive outside, negative inside, 0 on the boundary.
    capital_boundary_latitude, capital_boundary_longitude : float
        The nearest point of that boundary.
    nearest_capital_subunit, nearest_capital_subunit_pcode : str or None
    nearest_capital_subunit_km : float or None
        Only for points outside the capital, where the pack has sub-units.
    nearest_region, nearest_region_pcode : str or None
    nearest_region_km : float or None
        Only for points outside the country.
    boundary_distance_km : float
        Distance to the nearest admin boundary (the outline of the point's
        finest unit; outside the country, its border).
    geo_precision : int or None
        ACLED's 1/2/3 as given.
    uncertain : bool
        True when there is any warning.
    warnings : tuple of str
        Closer to a boundary than :data:`BOUNDARY_TOLERANCE_KM`, or geo_precision 2/3.
    level_names : tuple of (str, str)
        ``(slot, English display name)`` of the pack's levels, then
        ``("capital_subunit", name)`` where it has sub-units.

    The packs' former field names (their ``[json_aliases]``, see :func:`json_aliases`)
    remain as read-only attributes, and in :meth:`to_dict` of the pack's answers, for one release.
    """

    latitude: float
    longitude: float
    country: str
    country_name: str
    inside_country: bool
    region: str | None
    region_pcode: str | None
    department: str | None
    department_pcode: str | None
    commune: str | None
    commune_pcode: str | None
    capital: str | None
    capital_subunit: str | None
    capital_subunit_pcode: str | None
    inside_capital: bool
    distance_to_capital_km: float | None
    capital_boundary_latitude: float | None
    capital_boundary_longitude: float | None
    nearest_capital_subunit: str | None
    nearest_capital_subunit_pcode: str | None
    nearest_capital_subunit_km: float | None
    nearest_region: str | None
    nearest_region_pcode: str | None
    nearest_region_km: float | None
    boundary_distance_km: float
    geo_precision: int | None
    uncertain: bool
    warnings: tuple[str, ...]
    level_names: tuple[tuple[str, str], ...] = ()

    def __getattr__(self, name):
        aliases = {} if name.startswith("_") else _attribute_aliases()
        if name in aliases:
            return getattr(self, aliases[name])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def level_name(self, slot: str) -> str:
        """Display name of a unit field's level, e.g. ``"cercle"`` for Mali's ``department``."""
        return dict(self.level_names).get(slot, slot)

    def verdict(self) -> str:
        """The answer in one line, e.g. ``"Niamey V (Ville de Niamey, Niamey): inside Niamey, ..."``."""
        if not self.inside_country:
            text = (f"outside {self.country_name}, nearest {self.level_name('region')} {self.nearest_region} "
                    f"at {self.nearest_region_km:.1f} km")
            return f"uncertain: {text}" if self.uncertain else text
        units = [getattr(self, slot) for slot in reversed(UNIT_SLOTS) if getattr(self, slot)]
        text = f"{units[0]} ({', '.join(units[1:])})" if len(units) > 1 else units[0]
        if self.capital is None:
            pass
        elif self.inside_capital:
            subunit = f" {self.level_name('capital_subunit')} {self.capital_subunit}," if self.capital_subunit else ""
            text += f": inside {self.capital},{subunit} {-self.distance_to_capital_km:.1f} km inside its boundary"
        else:
            text += f": outside {self.capital}, {self.distance_to_capital_km:.1f} km from its boundary"
            if self.nearest_capital_subunit:
                text += (f"; nearest {self.level_name('capital_subunit')} {self.nearest_capital_subunit} "
                         f"at {self.nearest_capital_subunit_km:.1f} km")
        return f"uncertain: {text}" if self.uncertain else text

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (``warnings`` a list, ``level_names`` a dict, with the pack's :func:`json_aliases`)."""
        found = {**asdict(self), "warnings": list(self.warnings), "level_names": dict(self.level_names)}
        return found | {old: found[new] for old, new in json_aliases(self.country).items()}


def locate(lat, lon, geo_precision=None, country: str | None = None) -> Location:
    """Country, admin units of a point, whether it is in the capital, and how far from the boundaries.

    Parameters
    ----------
    lat, lon : float or str
        WGS 84 latitude and longitude in decimal degrees (latitude first).
    geo_precision : {1, 2, 3} or None
        ACLED's geo_precision of the coordinates; 2 or 3 make the verdict uncertain.
    country : str, optional
        ISO3 code of the pack to answer for; default the bundled pack that
        contains the point (outside all of them, the nearest).

    Returns
    -------
    Location
        Outside the country this is an answer too (``inside_country=False``
        and the nearest region with its distance), not an error.

    Raises
    ------
    CoordinateError
        Non-numeric or out-of-range coordinates, or latitude and longitude
        swapped (outside every pack considered as given, inside one the other
        way round).
    InputError
        geo_precision other than 1, 2, 3 or empty.
    ConfigError
        No bundled pack ``country``.
    """
    import shapely

    from geo_coi.admin_index import lookup

    lat, lon = _coordinates(lat, lon)
    precision = _geo_precision(geo_precision)
    iso3 = _country_of(lon, lat, country)
    row = int(lookup([lon], [lat], iso3)[0])
    if row < 0:
        _reject_swapped(lat, lon, country)
    point = shapely.Point(lon, lat)
    frame = _Frame(lon, lat)
    capital = _capital(iso3, point, frame)
    units = _units(iso3, row, point, capital["inside_capital"])
    boundary_km, boundary_warning = _boundary(iso3, row, point, frame, units)
    warnings = tuple(w for w in (_PRECISION_WARNINGS.get(precision), boundary_warning) if w)
    return Location(
        latitude=lat,
        longitude=lon,
        **_country_fields(iso3),
        inside_country=row >= 0,
        **units,
        **capital,
        **_nearest_subunit(iso3, capital["inside_capital"], frame),
        **_nearest_region(iso3, row, frame),
        boundary_distance_km=boundary_km,
        geo_precision=precision,
        uncertain=bool(warnings),
        warnings=warnings,
        level_names=level_names(iso3),
    )


@functools.cache
def level_names(iso3: str) -> tuple[tuple[str, str], ...]:
    """``(slot, English name)`` of a pack's admin levels and, where it has them, its capital's sub-units."""
    from geo_coi import country

    pack = country.get(iso3)
    names = tuple((level.slot, level.display("en")) for level in pack.admin_levels)
    if pack.capital is not None and pack.capital.subunit_slot:
        names += (("capital_subunit", pack.capital.subunit_names.get("en", "sub-unit")),)
    return names


def _country_fields(iso3: str) -> dict:
    from geo_coi import country

    return {"country": iso3, "country_name": country.get(iso3).name("en")}


def _country_of(lon: float, lat: float, forced: str | None) -> str:
    """The pack to answer for: forced, the one containing the point, or the nearest."""
    from geo_coi import country
    from geo_coi.admin_index import lookup

    if forced is not None:
        return country.get(forced).iso3
    found = str(country.find([lon], [lat])[0])
    if found and lookup([lon], [lat], found)[0] < 0:
        # Inside the pack's outline but in a hair-wide gap of its finest units (the COD-AB
        # layers differ by rounding): a neighbouring pack whose units contain the point wins.
        found = next((code for code in _bbox_packs(lon, lat) if lookup([lon], [lat], code)[0] >= 0), found)
    return found or _nearest_pack(lon, lat)


def _bbox_packs(lon: float, lat: float) -> list[str]:
    """Bundled packs whose ``[map] bbox`` contains the point, by ISO3 code."""
    from geo_coi import country

    def inside(box):
        return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]

    return [code for code in country.bundled() if inside(country.get(code).bbox)]


def _nearest_pack(lon: float, lat: float) -> str:
    """The bundled pack whose outline is nearest (geodesic; lowest ISO3 on ties)."""
    from geo_coi import country

    frame = _Frame(lon, lat)
    distances = [(frame.km(_geometry(code, "country", None)), code) for code in country.bundled()]
    return min(distances)[1]


class _Frame:
    """Azimuthal equidistant projection centred on one point: exact distances from it."""

    def __init__(self, lon: float, lat: float):
        from pyproj import Transformer

        from geo_coi.crs import local_equidistant

        # A CRS definition is not a transformation: drop "+type=crs" to get the
        # projection itself (0.1 ms instead of 10 ms for Transformer.from_crs).
        definition = local_equidistant(lon, lat).srs.replace("+type=crs", "")
        self.transformer = Transformer.from_pipeline(definition)

    def project(self, geometry):
        """``geometry`` (lon/lat) in this projection, in metres."""
        import shapely

        def forward(xy):
            return np.column_stack(self.transformer.transform(xy[:, 0], xy[:, 1]))

        return shapely.transform(geometry, forward)

    def km(self, geometry) -> float:
        """Geodesic distance in km from the centre to a lon/lat geometry."""
        import shapely

        return float(shapely.distance(self.project(geometry), shapely.Point(0, 0))) / 1000.0

    def nearest(self, geometry) -> tuple[float, float]:
        """(lon, lat) of the point of ``geometry`` nearest to the centre."""
        import shapely
        from shapely.ops import nearest_points

        near = nearest_points(self.project(geometry), shapely.Point(0, 0))[0]
        lon, lat = self.transformer.transform(near.x, near.y, direction="INVERSE")
        return float(lon), float(lat)


def _coordinates(lat, lon) -> tuple[float, float]:
    checked = []
    for label, value, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            hint = " (use a decimal point, not a comma)" if isinstance(value, str) and "," in value else ""
            raise CoordinateError(f"{label} {value!r} is not a number{hint}") from None
        if not math.isfinite(number) or abs(number) > limit:
            raise CoordinateError(f"{label} {value!r} is out of range: it must lie between -{limit:g} and {limit:g}")
        checked.append(number)
    return checked[0], checked[1]


def _geo_precision(value) -> int | None:
    if value is None or str(value).strip().lower() in ("", "nan", "<na>"):  # empty, NaN, pandas.NA
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if number not in (1.0, 2.0, 3.0):
        raise InputError(f"geo_precision {value!r} must be 1, 2 or 3 (ACLED) or empty")
    return int(number)


def _reject_swapped(lat: float, lon: float, forced: str | None) -> None:
    """Raise when (lat, lon) is outside the packs considered but (lon, lat) is inside one."""
    from geo_coi import country
    from geo_coi.admin_index import finest, lookup, records

    if abs(lon) > 90:
        return
    packs = (country.get(forced).iso3,) if forced else country.bundled()
    if forced is None and country.find([lon], [lat])[0]:
        return  # inside a pack as given (outside its finest units only through a gap)
    for iso3 in packs:
        row = int(lookup([lat], [lon], iso3)[0])
        if row >= 0:
            unit = records(finest(iso3), iso3)[row]
            where = " or ".join(country.get(code).name("en") for code in packs)
            raise CoordinateError(
                f"latitude {lat:g}, longitude {lon:g} is outside {where}, but latitude {lon:g}, longitude "
                f"{lat:g} is in {unit['name']} ({unit['region']}): latitude and longitude look "
                f"swapped. Give the latitude first, e.g. geo-coi locate {lon:g} {lat:g}"
            )


def _capital(iso3: str, point, frame: _Frame) -> dict:
    import shapely

    from geo_coi import country

    capital = country.get(iso3).capital
    if capital is None:
        return {"capital": None, "inside_capital": False, "distance_to_capital_km": None,
                "capital_boundary_latitude": None, "capital_boundary_longitude": None}
    unit = _capital_geometry(iso3)
    inside = bool(shapely.intersects(unit, point))
    outline = unit.boundary
    distance = frame.km(outline)
    lon, lat = frame.nearest(outline)
    return {
        "capital": capital.name,
        "inside_capital": inside,
        "distance_to_capital_km": -distance if inside else distance,
        "capital_boundary_latitude": lat,
        "capital_boundary_longitude": lon,
    }


def _capital_geometry(iso3: str):
    from geo_coi import country

    pack = country.get(iso3)
    return _geometry(iso3, pack.level(pack.capital.level).slot, pack.capital.pcode)


def capital_units(iso3: str) -> str | None:
    """Layer of the units a point on the capital's outline is given to: its sub-units, else its finest units.

    Returns the sub-unit layer's name, ``None`` when the pack has no capital;
    for a capital without sub-units (Ouagadougou) the finest level's slot.
    """
    from geo_coi import country
    from geo_coi.admin_index import finest

    capital = country.get(iso3).capital
    if capital is None:
        return None
    return capital.subunit_slot or finest(iso3)


@functools.cache
def _capital_subunit_pcodes(iso3: str) -> frozenset:
    """P-codes of the capital's sub-units (empty for a pack without them)."""
    from geo_coi import country
    from geo_coi.admin_index import records

    capital = country.get(iso3).capital
    if capital is None or not capital.subunit_slot:
        return frozenset()
    return frozenset(r["pcode"] for r in records(capital.subunit_slot, iso3))


def _units(iso3: str, row: int, point, inside_capital: bool) -> dict:
    """Names and P-codes of the point's units (the capital wins on its own boundary)."""
    import shapely

    from geo_coi import country
    from geo_coi.admin_index import finest, geometries, records

    unit = records(finest(iso3), iso3)[row] if row >= 0 else None
    capital = country.get(iso3).capital
    if inside_capital and (unit is None or not unit["pcode"].startswith(capital.pcode)):
        # On the capital's outline: lookup keeps the lowest P-code (e.g. Niamey's Tillabéri), but a
        # point on the boundary counts as inside the capital, so report the capital's unit it touches.
        layer = capital_units(iso3)
        candidates = records(layer, iso3)
        if layer == finest(iso3):
            keep = [i for i, r in enumerate(candidates) if r["pcode"].startswith(capital.pcode)]
        else:
            keep = list(range(len(candidates)))
        touching = [i for i in keep if shapely.intersects(geometries(layer, iso3)[i], point)]
        if touching:
            unit = candidates[touching[0]]
    return _unit_fields(iso3, unit)


def _unit_fields(iso3: str, unit: dict | None) -> dict:
    """The unit fields of a :class:`Location` from a finest-level record (None: outside the country)."""
    from geo_coi.admin_index import finest

    fields = {}
    own = finest(iso3)
    for slot in UNIT_SLOTS:
        if unit is None:
            name = pcode = None
        elif slot == own:
            name, pcode = unit["name"], unit["pcode"]
        else:
            name, pcode = unit.get(slot), unit.get(f"{slot}_pcode")
        fields |= {slot: name, f"{slot}_pcode": pcode}
    in_capital = unit is not None and unit["pcode"] in _capital_subunit_pcodes(iso3)
    fields |= {
        "capital_subunit": unit["name"] if in_capital else None,
        "capital_subunit_pcode": unit["pcode"] if in_capital else None,
    }
    return fields


def _nearest_subunit(iso3: str, inside_capital: bool, frame: _Frame) -> dict:
    from geo_coi import country

    capital = country.get(iso3).capital
    if inside_capital or capital is None or not capital.subunit_slot:
        return dict.fromkeys(("nearest_capital_subunit", "nearest_capital_subunit_pcode", "nearest_capital_subunit_km"))
    unit, km = _closest(iso3, capital.subunit_slot, frame)
    return {
        "nearest_capital_subunit": unit["name"],
        "nearest_capital_subunit_pcode": unit["pcode"],
        "nearest_capital_subunit_km": km,
    }


def _nearest_region(iso3: str, row: int, frame: _Frame) -> dict:
    if row >= 0:
        return dict.fromkeys(("nearest_region", "nearest_region_pcode", "nearest_region_km"))
    unit, km = _closest(iso3, "region", frame)
    return {"nearest_region": unit["name"], "nearest_region_pcode": unit["pcode"], "nearest_region_km": km}


def _closest(iso3: str, level: str, frame: _Frame) -> tuple[dict, float]:
    """The unit of ``level`` nearest to the frame's centre, and its distance in km."""
    from geo_coi.admin_index import geometries, records

    distances = [frame.km(shape) for shape in geometries(level, iso3)]
    best = int(np.argmin(distances))
    return records(level, iso3)[best], distances[best]


def degrees_per_km(iso3: str) -> float:
    """Degrees of longitude per km at the pack's highest latitude (+1 degree): a safe pre-selection radius.

    Used only to pre-select units near a point; the distances themselves are geodesic.
    """
    from geo_coi import country

    _, south, _, north = country.get(iso3).bbox
    return 1.0 / (111.32 * math.cos(math.radians(min(89.0, max(abs(south), abs(north)) + 1.0))))


def _boundary(iso3: str, row: int, point, frame: _Frame, units: dict) -> tuple[float, str | None]:
    """Distance to the nearest admin boundary, and a warning when it is within the tolerance."""
    import shapely

    from geo_coi.admin_index import finest, geometries, records

    level = finest(iso3)
    shapes = geometries(level, iso3)
    km = frame.km(_geometry(iso3, "country", None)) if row < 0 else frame.km(shapes[row].boundary)
    if km >= BOUNDARY_TOLERANCE_KM:
        return km, None
    if row < 0:
        return km, outside_warning(iso3, km)
    near = np.flatnonzero(shapely.dwithin(shapes, point, BOUNDARY_TOLERANCE_KM * degrees_per_km(iso3)))
    finest_units = records(level, iso3)
    others = [
        finest_units[i]
        for i in near
        if finest_units[i]["pcode"] != units[f"{level}_pcode"] and frame.km(shapes[i]) < BOUNDARY_TOLERANCE_KM
    ]
    return km, boundary_warning(iso3, km, units, others)


def outside_warning(iso3: str, km: float) -> str:
    """The warning for a point just outside the country's border."""
    from geo_coi import country

    name = country.get(iso3).name("en")
    return (
        f"the point is {km:.2f} km outside {name}'s border, closer than the boundaries' accuracy "
        f"({BOUNDARY_TOLERANCE_KM:g} km): it may in fact be inside {name}"
    )


def boundary_warning(iso3: str, km: float, units: dict, others: list[dict]) -> str:
    """The warning for a point near its unit's boundary; ``others`` are the other units that close."""
    from geo_coi import country

    if not others:
        where, level = f"{country.get(iso3).name('en')}'s border", "country"
    else:
        where = "the boundary with " + ", ".join(f"{c['name']} ({_parents(c)})" for c in others)
        level = _highest_difference(iso3, units, others)
    return (
        f"the point is {km:.2f} km from {where}, closer than the boundaries' accuracy "
        f"({BOUNDARY_TOLERANCE_KM:g} km): its {level} may be different on the ground"
    )


def _parents(unit: dict) -> str:
    return ", ".join(unit[slot] for slot in ("department", "region") if unit.get(f"{slot}_pcode"))


def _highest_difference(iso3: str, units: dict, others: list[dict]) -> str:
    """Display name of the coarsest level at which ``others`` differ from the point's units."""
    from geo_coi.admin_index import finest

    names = dict(level_names(iso3))
    own = finest(iso3)
    for slot in UNIT_SLOTS:
        if slot == own:
            break
        if any(other.get(f"{slot}_pcode") != units[f"{slot}_pcode"] for other in others):
            return names[slot]
    return names[own]


def _geometry(iso3: str, level: str, pcode: str | None):
    """The geometry of one unit (the only one when ``pcode`` is None)."""
    from geo_coi.admin_index import geometries, records

    index = 0 if pcode is None else [r["pcode"] for r in records(level, iso3)].index(pcode)
    return geometries(level, iso3)[index]


# --- batch ------------------------------------------------------------------------------------

# The input's own coordinates and geo_precision are not repeated.
LOCATED_COLUMNS = tuple(
    name for name in Location.__dataclass_fields__
    if name not in ("latitude", "longitude", "geo_precision", "level_names")
) + ("error",)


def locate_points(frame_or_csv, lat: str = "latitude", lon: str = "longitude", geo_precision: str = "geo_precision",
                  country: str | None = None):
    """:func:`locate` for every row of a table or CSV file, each row for its own country.

    Parameters
    ----------
    frame_or_csv : pandas.DataFrame or path-like
        A table, or a CSV (``,`` ``;`` or tab separated; UTF-8 or
        Windows-1252) or XLSX file.
    lat, lon : str
        Column names of the coordinates.
    geo_precision : str
        Column of ACLED's geo_precision, used when present.
    country : str, optional
        ISO3 code of the pack every row is answered for; default each row's own
        (the pack containing it, or the nearest).

    Returns
    -------
    pandas.DataFrame
        Every input row, in order, with the columns of :data:`LOCATED_COLUMNS`
        added (``warnings`` joined with "; "). A column whose name already
        exists in the input is added as ``<name>_located``. Rows that cannot
        be located keep their data, get an ``error`` message and empty
        results; they are never dropped.

    Raises
    ------
    InputError
        The file cannot be read or lacks the coordinate columns.
    """
    import pandas as pd

    frame, label = _read_points(frame_or_csv)
    missing = [c for c in (lat, lon) if c not in frame.columns]
    if missing:
        raise InputError(
            f"{label} has no column {', '.join(map(repr, missing))}: its columns are "
            f"{', '.join(map(str, frame.columns))}; pass lat=/lon= (--lat/--lon) to name them"
        )
    from geo_coi.location_batch import locate_many

    precisions = frame[geo_precision].tolist() if geo_precision in frame.columns else [None] * len(frame)
    rows = locate_many(frame[lat].tolist(), frame[lon].tolist(), precisions, country)
    added = pd.DataFrame(rows, columns=list(LOCATED_COLUMNS), index=frame.index)
    added = added.rename(columns={c: f"{c}_located" for c in added.columns if c in frame.columns})
    return pd.concat([frame, added], axis=1)


@functools.lru_cache(maxsize=4096)
def _located_row(lat, lon, geo_precision, country=None) -> tuple:
    try:
        found = locate(lat, lon, geo_precision, country).to_dict()
    except GeoCOIError as exc:
        return tuple(str(exc) if c == "error" else None for c in LOCATED_COLUMNS)
    found["warnings"] = "; ".join(found["warnings"])
    found["error"] = ""
    return tuple(found[c] for c in LOCATED_COLUMNS)


def _read_points(frame_or_csv):
    """The points as a table and a label for messages; a file is read as text.

    Files are read like event files (:func:`geo_coi.sources._table.read_table`):
    ``,`` ``;`` or tab separated, UTF-8 (with or without BOM) or Windows-1252
    as French Excel writes them, or XLSX; every value is kept as text so it is
    written back exactly as it was read.
    """
    import pandas as pd

    from geo_coi.sources._table import read_table

    if isinstance(frame_or_csv, pd.DataFrame):
        return frame_or_csv.copy(), "the table"
    try:
        return read_table(frame_or_csv).frame, str(frame_or_csv)
    except InputError as exc:
        raise InputError(f"cannot read the points file: {exc}") from None
