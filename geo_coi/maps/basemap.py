"""Basemaps under the static maps: offline by default, web tiles or a GeoTIFF on request.

- ``"offline"`` (default): Natural Earth context layers bundled with the
  package: neighbouring countries in grey with their names, the Niger and
  other main rivers, Lake Chad, main towns.
- ``"tiles"``: raster tiles from an XYZ URL template (``{z}/{x}/{y}``) fetched
  by contextily; the caller names the provider and its attribution.
- ``"geotiff"``: a local raster file, reprojected by contextily/rasterio.

Every variant returns the credit line it needs and the labels it wants placed
(towns, countries), so one placement pass can keep all labels apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from geo_coi import country as _country
from geo_coi.boundaries import load
from geo_coi.crs import map_crs
from geo_coi.errors import FetchError, InputError
from geo_coi.gazetteer import display_name
from geo_coi.maps.layout import MIN_FONT_PT, LabelItem, label_point, lonlat_to_map
from geo_coi.style import COUNTRY_FILL, NEIGHBOUR_EDGE, WATER_COLOR, WATER_FILL, basemap_credit, check_language

SOURCES = ("offline", "tiles", "geotiff", "none")
# Natural Earth places shown: every town in the country up to this rank, big cities abroad.
TOWN_RANK_HOME = 7
TOWN_RANK_ABROAD = 4
BORDER_GAP_M = 25_000  # neighbours' borders are not drawn this close to the official outline
TOWN_SIZE = 9  # marker area (pt²) of a town dot
WATER_ZORDER = 7  # rivers and lakes above choropleth fills (5) and hexagons (6), under admin lines (8)
_NAME_COLUMNS = {"en": "NAME_EN", "fr": "NAME_FR", "nl": "NAME_NL"}


@dataclass
class Basemap:
    """What to draw under a map.

    Parameters
    ----------
    source : {"offline", "tiles", "geotiff", "none"}
    url : str, optional
        XYZ template for ``"tiles"``, e.g. ``"http://127.0.0.1:8000/{z}/{x}/{y}.png"``.
    path : str, optional
        Raster file for ``"geotiff"``.
    attribution : str, optional
        Credit line of the tiles or raster (required for ``"tiles"``).
    zoom : int or "auto"
    """

    source: str = "offline"
    url: str | None = None
    path: str | None = None
    attribution: str | None = None
    zoom: object = "auto"
    towns: bool = True
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.source not in SOURCES:
            raise InputError(f"basemap source {self.source!r} is not supported: use one of {', '.join(SOURCES)}")
        if self.source == "tiles" and not (self.url and all(k in self.url for k in ("{z}", "{x}", "{y}"))):
            raise InputError(f"basemap tiles need a URL template with {{z}}, {{x}} and {{y}}, got {self.url!r}")
        if self.source == "tiles" and not self.attribution:
            raise InputError("basemap tiles need an attribution (the tile provider's credit line)")
        if self.source == "geotiff" and not self.path:
            raise InputError("basemap source 'geotiff' needs path= (a raster file)")


def draw(ax, basemap=None, language="en"):
    """Draw the basemap under the current extent of ``ax`` (map CRS).

    Returns
    -------
    (credits, labels) : (list of str, list of geo_coi.maps.layout.LabelItem)
    """
    basemap = basemap or Basemap()
    if basemap.source == "none":
        return [], []
    labels = _countries(ax, language, fill=basemap.source == "offline")
    credits = [basemap_credit()]
    if basemap.source == "offline":
        draw_water(ax)
    elif basemap.source == "tiles":
        _raster(ax, basemap.url, basemap.zoom)
        credits.append(basemap.attribution)
    else:
        _raster(ax, basemap.path, basemap.zoom)
        credits.append(basemap.attribution or f"Basemap raster: {basemap.path}")
    if basemap.towns:
        labels += _towns(ax)
    return credits, labels


def coverage():
    """Box (map units) inside which the offline basemap has data: the context layers' lon/lat box."""
    import numpy as np

    west, south, east, north = load("countries").total_bounds
    lon = np.array([west, west, west, east, east, east, (west + east) / 2, (west + east) / 2])
    lat = np.array([south, north, (south + north) / 2, south, north, (south + north) / 2, south, north])
    x, y = lonlat_to_map(lon, lat)
    # inner rectangle of the projected (curved) lon/lat box
    return (max(x[:3]), max(y[[0, 3, 6]]), min(x[3:6]), min(y[[1, 4, 7]]))


def _visible(frame, ax):
    """Features of ``frame`` inside the axes' window, and the window as a box."""
    import shapely

    box = shapely.box(ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    return frame[frame.intersects(box)], box


def _countries(ax, language, fill=True):
    import geopandas

    check_language(language)
    countries, box = _visible(load("countries").to_crs(map_crs()), ax)
    neighbours = countries[countries["ADM0_A3"] != _country.active().iso3].sort_values("ADM0_A3")
    # Natural Earth's outline differs from the official one (Niger: by up to ~19 km): grey is
    # "outside the official outline", and neighbours' borders stop short of it (no double border).
    niger, border_zone = _country_and_border_zone(_country.active().iso3)
    if fill:
        geopandas.GeoSeries([box.difference(niger)]).plot(ax=ax, color=COUNTRY_FILL, edgecolor="none", zorder=1)
    borders = neighbours.boundary.difference(border_zone)
    borders[~borders.is_empty].plot(ax=ax, color=NEIGHBOUR_EDGE, linewidth=0.7, zorder=2, gid="borders")
    labels = []
    for row in neighbours.itertuples():
        # the label stays inside the neighbour, off the country and its border zone
        part = row.geometry.intersection(box).difference(border_zone)
        if part.is_empty or part.area < box.area * 0.01:
            continue
        point = label_point(part)
        name = getattr(row, _NAME_COLUMNS[language]).upper()
        style = {"fontsize": 8.5, "color": "#8a8a8a", "fontstyle": "italic"}
        labels.append(LabelItem(point.x, point.y, name, priority=8, kind="area", style=style, within=part))
    return labels



@functools.cache
def _country_and_border_zone(iso3: str):
    """A pack's outline (its map CRS) and the zone within BORDER_GAP_M of it, made once per process."""
    country = load("country", iso3).to_crs(map_crs(iso3)).geometry.union_all()
    return country, country.buffer(BORDER_GAP_M)


def draw_water(ax):
    """Rivers and lakes inside the current extent of ``ax`` (map CRS)."""
    rivers, _ = _visible(load("rivers").to_crs(map_crs()), ax)
    if not rivers.empty:
        rivers.sort_values(["name", "scalerank"]).plot(ax=ax, color=WATER_COLOR, linewidth=0.9, zorder=WATER_ZORDER,
                                                       gid="rivers")
    lakes, _ = _visible(load("lakes").to_crs(map_crs()), ax)
    if not lakes.empty:
        lakes.sort_values("name").plot(ax=ax, color=WATER_FILL, edgecolor=WATER_COLOR, linewidth=0.5,
                                       zorder=WATER_ZORDER,
                                         gid="lakes")


def _towns(ax):
    pack = _country.active()
    places, _ = _visible(load("places").to_crs(map_crs()), ax)
    home = places["ADM0_A3"] == pack.iso3
    keep = places[(home & (places["SCALERANK"] <= TOWN_RANK_HOME)) | (places["SCALERANK"] <= TOWN_RANK_ABROAD)]
    if pack.capital is not None:  # the capital is marked by each map
        keep = keep[keep["name"] != pack.capital.name]
    keep = keep.sort_values(["SCALERANK", "name"])
    ax.scatter(keep.geometry.x, keep.geometry.y, s=TOWN_SIZE, color="#333333", edgecolors="white", linewidths=0.4,
               zorder=20, gid="towns")
    return [
        LabelItem(p.geometry.x, p.geometry.y, display_name(p.name), priority=4 + int(p.SCALERANK > 4),
                  style={"fontsize": MIN_FONT_PT})
        for p in keep.itertuples()
    ]


def _raster(ax, source, zoom):
    import contextily

    try:
        contextily.add_basemap(ax, source=source, crs=map_crs().to_wkt(), zoom=zoom, attribution=False, zorder=0,
                               reset_extent=True)
    except Exception as exc:  # requests/rasterio errors vary; name the source
        raise FetchError(f"basemap {source!r} could not be drawn: {exc}; use basemap source 'offline'") from exc
