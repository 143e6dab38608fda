"""Reference maps the report uses: where the places it names are.

- :func:`regions_map` (the report's Kaart 1): Niger's regions;
- :func:`tillaberi_map` (Kaart 4): Tillabéri's departments and communes;
- :func:`niamey_map` (Kaart 5): Niamey's communal arrondissements, with the river.

They draw no event data; pages, legends, scale bar, locator and credits are
those of :mod:`geo_coi.maps.static`, and so are the outputs (PNG, PDF, SVG).
"""

from __future__ import annotations

from geo_coi.maps import layout
from geo_coi.maps import static as _static

TILLABERI = "NE006"
NIAMEY = "NE008"
_COMMUNE_EDGE = "#8a8a8a"
RIGHT_BANK = "Niamey V"  # the arrondissement across the Niger river
_FILLS = ("#f3efe4", "#e4ecdc", "#e9e2ee", "#dfe9ef", "#f1e4dc", "#e7e7e7", "#eeeed8", "#dde8e4")  # pale, distinct


def regions_map(*, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()):
    """Kaart 1: Niger's eight regions, each in its own pale tint and named.

    Parameters
    ----------
    language, size, out, basemap, dpi, credits
        As :func:`geo_coi.maps.static.annex1`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from geo_coi.style import label

    page = _static._start(label("regions_map_title", language), label("reference_map_note", language), size,
                          language, _static._padded(_static._bounds("country"), 0.02), basemap)
    _tinted(page.ax, _static._units("region"))
    _static._admin(page.ax, "region", linewidth=1.0)
    page.labels += _static._area_labels("region", page.ax, priority=1, upper=True, skip=(NIAMEY,),
                                        style={"fontsize": 10})
    page.labels += _static._niamey(page.ax, language)
    return _static._finish(page, language, [_boundaries_section(("region",), language)], [], out, dpi, credits)


def tillaberi_map(*, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()):
    """Kaart 4: Tillabéri's departments (tinted, in capitals) and communes (outlined, named)."""
    from geo_coi.crs import MAP
    from geo_coi.style import ADMIN_EDGE, label

    departments, communes = _in_region("department", TILLABERI), _in_region("commune", TILLABERI)
    page = _start_on(departments, label("tillaberi_map_title", language), size, language, basemap)
    _tinted(page.ax, departments)
    communes.to_crs(MAP).boundary.plot(ax=page.ax, color=_COMMUNE_EDGE, linewidth=0.3, zorder=8)  # Tillabéri's only
    departments.to_crs(MAP).boundary.plot(ax=page.ax, color=ADMIN_EDGE, linewidth=0.8, zorder=8)
    _static._admin(page.ax, "region", linewidth=1.4)
    page.labels += _static._area_labels("department", page.ax, priority=1, upper=True,
                                        only=set(departments["pcode"]), style={"fontsize": 8, "color": "#555555"})
    page.labels += _static._area_labels("commune", page.ax, priority=3,
                                        only=set(communes["pcode"]), style={"fontsize": 6})
    page.labels += _static._niamey(page.ax, language)
    section = _boundaries_section(("region", "department", "commune"), language)
    return _static._finish(page, language, [section], [], out, dpi, credits)


def niamey_map(*, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()):
    """Kaart 5: Niamey's five communal arrondissements and the Niger river through the city.

    The river is the boundary between the right bank (Niamey V) and the
    other arrondissements; Natural Earth's river is too coarse at this scale
    (it would cross Niamey I), so the offline basemap is left out by default.
    """
    from geo_coi.maps.basemap import Basemap
    from geo_coi.style import label

    arrondissements = _static._units("niamey_arrondissement")
    page = _start_on(arrondissements, label("niamey_arrondissements", language), size, language,
                     basemap or Basemap(source="none"))
    _tinted(page.ax, arrondissements)
    _static._admin(page.ax, "niamey_arrondissement", linewidth=0.8)
    _river_through_niamey(page.ax, arrondissements)
    page.labels += _static._area_labels("niamey_arrondissement", page.ax, priority=1, upper=True,
                                        style={"fontsize": 10, "color": "#555555"})
    return _static._finish(page, language, [_boundaries_section(("arrondissement",), language, river=True)], [],
                           out, dpi, credits)


# ----------------------------------------------------------------------------- steps


def _in_region(level, region_pcode):
    units = _static._units(level)
    return units[units["pcode"].str.startswith(region_pcode)]


def _start_on(units, title, size, language, basemap):
    from geo_coi.crs import MAP
    from geo_coi.style import label

    return _static._start(title, label("reference_map_note", language), size, language,
                          _static._padded(units.to_crs(MAP).total_bounds, 0.06), basemap)


def _river_through_niamey(ax, arrondissements):
    """The Niger river in the city: the shared boundary of the right bank (Niamey V) and the left bank."""
    import geopandas as gpd

    from geo_coi.crs import MAP
    from geo_coi.style import WATER_COLOR

    shapes = arrondissements.to_crs(MAP)
    right = shapes["name"] == RIGHT_BANK
    river = shapes[right].union_all().boundary.intersection(shapes[~right].union_all().boundary)
    gpd.GeoSeries([river], crs=MAP).plot(ax=ax, color=WATER_COLOR, linewidth=3.0, zorder=9, gid="river")


def _tinted(ax, units):
    """Fill each unit with a pale tint of its own (neighbours differ), under the basemap's water."""
    from geo_coi.crs import MAP

    shapes = units.to_crs(MAP).reset_index(drop=True)
    colours = [_FILLS[i % len(_FILLS)] for i in range(len(shapes))]
    shapes.plot(ax=ax, color=colours, edgecolor="none", zorder=2)


def _boundaries_section(levels, language, river=False):
    """Legend section of the boundaries (and the river) drawn."""
    from matplotlib.lines import Line2D

    from geo_coi.style import ADMIN_EDGE, WATER_COLOR, label

    widths = {"region": 1.4, "department": 0.8, "commune": 0.3, "arrondissement": 0.8}
    keys = {"region": "regions_boundary", "department": "departments_boundary", "commune": "communes_boundary",
            "arrondissement": "arrondissements_boundary"}
    handles = [Line2D([], [], color=ADMIN_EDGE if level != "commune" else _COMMUNE_EDGE, linewidth=widths[level])
               for level in levels]
    names = [label(keys[level], language) for level in levels]
    if river:
        handles.append(Line2D([], [], color=WATER_COLOR, linewidth=3.0))
        names.append(label("river_niger", language))
    return label("legend_boundaries_water" if river else "legend_boundaries", language), handles, names
