"""Coordinate reference systems, one per job, kept in one place.

- :data:`GEOGRAPHIC`: how data are stored and exchanged (WGS 84 lon/lat).
- :data:`EQUAL_AREA`: areas and densities (Africa Albers Equal Area Conic).
- :func:`map_crs`: print maps of a country, the Lambert conformal conic of its
  pack (``[map] crs``, standard parallels at 1/6 and 5/6 of its latitudes,
  :func:`fitted_lcc`): shapes are kept and the scale error stays below about
  1 % over the whole country, so a scale bar in km is correct across the map.
  ``MAP`` is that of the default pack (:data:`geo_coi.country.DEFAULT`).
- :data:`WEB_MERCATOR`: only to drape a raster on the interactive (Leaflet) map.
- Distances in km are geodesic on the WGS 84 ellipsoid (:data:`GEOD`), or,
  for a point-to-boundary distance, measured in an azimuthal equidistant
  projection centred on the point (:func:`local_equidistant`), which is exact
  for distances from its centre.
"""

import functools

from pyproj import CRS, Geod

from geo_coi import country as _country

GEOGRAPHIC = CRS.from_epsg(4326)
EQUAL_AREA = CRS.from_user_input("ESRI:102022")
WEB_MERCATOR = CRS.from_epsg(3857)


def __getattr__(name: str) -> CRS:
    """``MAP``: the default pack's print-map CRS (read from its pack when first asked for)."""
    if name == "MAP":
        from geo_coi import country as _country

        return map_crs(_country.DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def map_crs(country: str | None = None) -> CRS:
    """The print maps' CRS of a country pack (``[map] crs`` in its ``country.toml``)."""
    return _map_crs(_country.get(country).map_crs)


@functools.cache
def _map_crs(proj: str) -> CRS:
    return CRS.from_proj4(proj)


def fitted_lcc(bbox) -> str:
    """PROJ string of a Lambert conformal conic fitted to ``bbox`` ``[west, south, east, north]``.

    Standard parallels at 1/6 and 5/6 of the latitude range, origin at the box's
    middle (the rule of the bundled packs' ``[map] crs``), all rounded to 0.05°.
    """
    west, south, east, north = (float(v) for v in bbox)
    span = north - south

    def fix(value: float) -> str:
        return f"{round(value * 20) / 20:g}"

    return (f"+proj=lcc +lat_0={fix((south + north) / 2)} +lon_0={fix((west + east) / 2)} "
            f"+lat_1={fix(south + span / 6)} +lat_2={fix(north - span / 6)} "
            "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs")
GEOD = Geod(ellps="WGS84")


def local_equidistant(lon, lat):
    """Azimuthal equidistant CRS centred on (lon, lat): distances from the centre are exact."""
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )
