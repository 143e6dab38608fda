"""Which admin units contain a point, and is it inside Niamey?

:func:`locate` answers the analyst's question for one point; :func:`locate_points`
does it for every row of a table or CSV. Uses only :mod:`geo_coi.admin_index`
(records, geometries, lookup), shapely and pyproj, so that ``geo-coi locate``
starts fast; pandas is imported inside :func:`locate_points` only. Both are
also ``geo_coi.locate`` and ``geo_coi.locate_points``; this module is called
``location``, not ``locate``, so that importing it never shadows the function
``geo_coi.locate`` with a module of the same name.

Distances are geodesic (WGS 84): each point's geometries are projected to an
azimuthal equidistant CRS centred on the point (:func:`geo_coi.crs.local_equidistant`),
in which distances from the centre are exact, and the nearest boundary point
is found there.

Boundary accuracy
-----------------
:data:`BOUNDARY_TOLERANCE_KM` is 1 km. The COD-AB 2023 lines are generalised:
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

from geo_coi.errors import CoordinateError, GeoCOIError, InputError

BOUNDARY_TOLERANCE_KM = 1.0
NIAMEY_PCODE = "NE008"
_PRECISION_WARNINGS = {
    2: "geo_precision 2: the coordinates are those of a nearby town or place, not of the "
    "incident itself, so the units below may not be where it happened",
    3: "geo_precision 3: the coordinates are the centroid of a larger area (a department or "
    "region), not of the incident, so the units below are uncertain",
}
# Degrees of longitude per km are largest at the highest latitude of Niger (~23.5 N); used
# only to pre-select units near a point, the distances themselves are geodesic.
_DEGREES_PER_KM = 1.0 / (111.32 * math.cos(math.radians(24.0)))


@dataclass(frozen=True)
class Location:
    """Where a point lies. Unit names are the COD-AB 2023 names.

    Attributes
    ----------
    latitude, longitude : float
    inside_niger : bool
        Inside the official COD-AB outline (a point on it counts as inside).
    region, region_pcode, department, department_pcode, commune, commune_pcode : str or None
        None outside Niger.
    arrondissement, arrondissement_pcode : str or None
        Niamey I-V, only for points inside Niamey (in Niamey the communes are
        the arrondissements).
    inside_niamey : bool
        Inside the Niamey region (= Ville de Niamey); on its boundary counts as inside.
    distance_to_niamey_km : float
        Signed geodesic distance to Niamey's administrative boundary:
        positive outside, negative inside, 0 on the boundary.
    niamey_boundary_latitude, niamey_boundary_longitude : float
        The nearest point of that boundary.
    nearest_arrondissement, nearest_arrondissement_pcode : str or None
    nearest_arrondissement_km : float or None
        Only for points outside Niamey.
    nearest_region, nearest_region_pcode : str or None
    nearest_region_km : float or None
        Only for points outside Niger.
    boundary_distance_km : float
        Distance to the nearest admin boundary (the outline of the point's
        commune; outside Niger, Niger's border).
    geo_precision : int or None
        ACLED's 1/2/3 as given.
    uncertain : bool
        True when there is any warning.
    warnings : tuple of str
        Closer to a boundary than :data:`BOUNDARY_TOLERANCE_KM`, or geo_precision 2/3.
    """

    latitude: float
    longitude: float
    inside_niger: bool
    region: str | None
    region_pcode: str | None
    department: str | None
    department_pcode: str | None
    commune: str | None
    commune_pcode: str | None
    arrondissement: str | None
    arrondissement_pcode: str | None
    inside_niamey: bool
    distance_to_niamey_km: float
    niamey_boundary_latitude: float
    niamey_boundary_longitude: float
    nearest_arrondissement: str | None
    nearest_arrondissement_pcode: str | None
    nearest_arrondissement_km: float | None
    nearest_region: str | None
    nearest_region_pcode: str | None
    nearest_region_km: float | None
    boundary_distance_km: float
    geo_precision: int | None
    uncertain: bool
    warnings: tuple[str, ...]

    def verdict(self) -> str:
        """The answer in one line, e.g. ``"Niamey V (Ville de Niamey, Niamey): inside Niamey, ..."``."""
        if not self.inside_niger:
            text = f"outside Niger, nearest region {self.nearest_region} at {self.nearest_region_km:.1f} km"
        elif self.inside_niamey:
            depth = -self.distance_to_niamey_km
            text = (
                f"{self.commune} ({self.department}, {self.region}): inside Niamey, "
                f"arrondissement {self.arrondissement}, {depth:.1f} km inside its boundary"
            )
        else:
            text = (
                f"{self.commune} ({self.department}, {self.region}): outside Niamey, "
                f"{self.distance_to_niamey_km:.1f} km from its boundary; nearest arrondissement "
                f"{self.nearest_arrondissement} at {self.nearest_arrondissement_km:.1f} km"
            )
        return f"uncertain: {text}" if self.uncertain else text

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (``warnings`` as a list)."""
        return {**asdict(self), "warnings": list(self.warnings)}


def locate(lat, lon, geo_precision=None) -> Location:
    """Admin units of a point, whether it is in Niamey, and how far from the boundaries.

    Parameters
    ----------
    lat, lon : float or str
        WGS 84 latitude and longitude in decimal degrees (latitude first).
    geo_precision : {1, 2, 3} or None
        ACLED's geo_precision of the coordinates; 2 or 3 make the verdict uncertain.

    Returns
    -------
    Location
        Outside Niger this is an answer too (``inside_niger=False`` and the
        nearest region with its distance), not an error.

    Raises
    ------
    CoordinateError
        Non-numeric or out-of-range coordinates, or latitude and longitude
        swapped (outside Niger as given, inside it the other way round).
    InputError
        geo_precision other than 1, 2, 3 or empty.
    """
    import shapely

    from geo_coi.admin_index import lookup

    lat, lon = _coordinates(lat, lon)
    precision = _geo_precision(geo_precision)
    row = int(lookup([lon], [lat])[0])
    if row < 0:
        _reject_swapped(lat, lon)
    point = shapely.Point(lon, lat)
    frame = _Frame(lon, lat)
    niamey = _niamey(point, frame)
    units = _units(row, point, niamey["inside_niamey"])
    boundary_km, boundary_warning = _boundary(row, point, frame, units)
    warnings = tuple(w for w in (_PRECISION_WARNINGS.get(precision), boundary_warning) if w)
    return Location(
        latitude=lat,
        longitude=lon,
        inside_niger=row >= 0,
        **units,
        **niamey,
        **_nearest_arrondissement(niamey["inside_niamey"], frame),
        **_nearest_region(row, frame),
        boundary_distance_km=boundary_km,
        geo_precision=precision,
        uncertain=bool(warnings),
        warnings=warnings,
    )


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


def _reject_swapped(lat: float, lon: float) -> None:
    """Raise when (lat, lon) is outside Niger but (lon, lat) is inside."""
    from geo_coi.admin_index import lookup, records

    if abs(lon) > 90:
        return
    row = int(lookup([lat], [lon])[0])
    if row >= 0:
        commune = records("commune")[row]
        raise CoordinateError(
            f"latitude {lat:g}, longitude {lon:g} is outside Niger, but latitude {lon:g}, longitude "
            f"{lat:g} is in {commune['name']} ({commune['region']}): latitude and longitude look "
            f"swapped. Give the latitude first, e.g. geo-coi locate {lon:g} {lat:g}"
        )


def _niamey(point, frame: _Frame) -> dict:
    import shapely

    niamey = _geometry("region", NIAMEY_PCODE)
    inside = bool(shapely.intersects(niamey, point))
    outline = niamey.boundary
    distance = frame.km(outline)
    lon, lat = frame.nearest(outline)
    return {
        "inside_niamey": inside,
        "distance_to_niamey_km": -distance if inside else distance,
        "niamey_boundary_latitude": lat,
        "niamey_boundary_longitude": lon,
    }


def _units(row: int, point, inside_niamey: bool) -> dict:
    """Names and P-codes of the point's units (Niamey wins on its own boundary)."""
    import shapely

    from geo_coi.admin_index import geometries, records

    commune = records("commune")[row] if row >= 0 else None
    if inside_niamey and (commune is None or commune["region_pcode"] != NIAMEY_PCODE):
        # On Niamey's outline: lookup keeps the lowest P-code (Tillabéri), but a point on
        # the boundary counts as inside Niamey, so report the arrondissement it touches.
        touching = np.flatnonzero(shapely.intersects(geometries("niamey_arrondissement"), point))
        if touching.size:
            commune = records("niamey_arrondissement")[int(touching[0])]
    return _unit_fields(commune)


def _unit_fields(commune: dict | None) -> dict:
    """The unit fields of a :class:`Location` from a commune's record (None: outside Niger)."""
    if commune is None:
        commune = dict.fromkeys(("pcode", "name", "region", "region_pcode", "department", "department_pcode"))
    in_niamey = commune["region_pcode"] == NIAMEY_PCODE
    return {
        "region": commune["region"],
        "region_pcode": commune["region_pcode"],
        "department": commune["department"],
        "department_pcode": commune["department_pcode"],
        "commune": commune["name"],
        "commune_pcode": commune["pcode"],
        "arrondissement": commune["name"] if in_niamey else None,
        "arrondissement_pcode": commune["pcode"] if in_niamey else None,
    }


def _nearest_arrondissement(inside_niamey: bool, frame: _Frame) -> dict:
    if inside_niamey:
        return dict.fromkeys(("nearest_arrondissement", "nearest_arrondissement_pcode", "nearest_arrondissement_km"))
    unit, km = _closest("niamey_arrondissement", frame)
    return {
        "nearest_arrondissement": unit["name"],
        "nearest_arrondissement_pcode": unit["pcode"],
        "nearest_arrondissement_km": km,
    }


def _nearest_region(row: int, frame: _Frame) -> dict:
    if row >= 0:
        return dict.fromkeys(("nearest_region", "nearest_region_pcode", "nearest_region_km"))
    unit, km = _closest("region", frame)
    return {"nearest_region": unit["name"], "nearest_region_pcode": unit["pcode"], "nearest_region_km": km}


def _closest(level: str, frame: _Frame) -> tuple[dict, float]:
    """The unit of ``level`` nearest to the frame's centre, and its distance in km."""
    from geo_coi.admin_index import geometries, records

    distances = [frame.km(shape) for shape in geometries(level)]
    best = int(np.argmin(distances))
    return records(level)[best], distances[best]


def _boundary(row: int, point, frame: _Frame, units: dict) -> tuple[float, str | None]:
    """Distance to the nearest admin boundary, and a warning when it is within the tolerance."""
    import shapely

    from geo_coi.admin_index import geometries, records

    shapes = geometries("commune")
    if row < 0:
        km = frame.km(_geometry("country", None))
    else:
        km = frame.km(shapes[row].boundary)
    if km >= BOUNDARY_TOLERANCE_KM:
        return km, None
    if row < 0:
        return km, (
            f"the point is {km:.2f} km outside Niger's border, closer than the boundaries' accuracy "
            f"({BOUNDARY_TOLERANCE_KM:g} km): it may in fact be inside Niger"
        )
    near = np.flatnonzero(shapely.dwithin(shapes, point, BOUNDARY_TOLERANCE_KM * _DEGREES_PER_KM))
    communes = records("commune")
    others = [
        communes[i]
        for i in near
        if communes[i]["pcode"] != units["commune_pcode"] and frame.km(shapes[i]) < BOUNDARY_TOLERANCE_KM
    ]
    if not others:
        where = "Niger's border"
        level = "country"
    else:
        where = "the boundary with " + ", ".join(
            f"{c['name']} ({c['department']}, {c['region']})" for c in others
        )
        level = _highest_difference(units, others)
    return km, (
        f"the point is {km:.2f} km from {where}, closer than the boundaries' accuracy "
        f"({BOUNDARY_TOLERANCE_KM:g} km): its {level} may be different on the ground"
    )


def _highest_difference(units: dict, others: list[dict]) -> str:
    for level in ("region", "department"):
        if any(other[f"{level}_pcode"] != units[f"{level}_pcode"] for other in others):
            return level
    return "commune"


def _geometry(level: str, pcode: str | None):
    """The geometry of one unit (the only one when ``pcode`` is None)."""
    from geo_coi.admin_index import geometries, records

    index = 0 if pcode is None else [r["pcode"] for r in records(level)].index(pcode)
    return geometries(level)[index]


# --- batch ------------------------------------------------------------------------------------

# The input's own coordinates and geo_precision are not repeated.
LOCATED_COLUMNS = tuple(
    name for name in Location.__dataclass_fields__ if name not in ("latitude", "longitude", "geo_precision")
) + ("error",)


def locate_points(frame_or_csv, lat: str = "latitude", lon: str = "longitude", geo_precision: str = "geo_precision"):
    """:func:`locate` for every row of a table or CSV file.

    Parameters
    ----------
    frame_or_csv : pandas.DataFrame or path-like
        A table, or a CSV (``,`` ``;`` or tab separated; UTF-8 or
        Windows-1252) or XLSX file.
    lat, lon : str
        Column names of the coordinates.
    geo_precision : str
        Column of ACLED's geo_precision, used when present.

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
    rows = locate_many(frame[lat].tolist(), frame[lon].tolist(), precisions)
    added = pd.DataFrame(rows, columns=list(LOCATED_COLUMNS), index=frame.index)
    added = added.rename(columns={c: f"{c}_located" for c in added.columns if c in frame.columns})
    return pd.concat([frame, added], axis=1)


@functools.lru_cache(maxsize=4096)
def _located_row(lat, lon, geo_precision) -> tuple:
    try:
        found = locate(lat, lon, geo_precision).to_dict()
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
