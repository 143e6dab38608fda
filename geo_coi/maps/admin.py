"""Administrative units on a map: boundaries, fills by class, and the units' labels.

:func:`units` gives a level's units from the pack's prepared geometries
(:mod:`geo_coi.admin_index`); the other functions draw them on a map's axes
in the pack's map CRS or make the area labels placed with the page's other labels.
"""

from __future__ import annotations

import geopandas as gpd
from matplotlib.patches import Patch

from geo_coi import country
from geo_coi.admin_index import geometries, records
from geo_coi.crs import map_crs
from geo_coi.gazetteer import aliases_of, display_name, normalize
from geo_coi.maps import layout
from geo_coi.style import ADMIN_EDGE, ZERO_DOT_COLOR

AREA_LABEL_STYLE = {"fontsize": layout.MIN_FONT_PT, "color": "#6b6b6b"}  # regions, departments: grey caps


def compact_name(text):
    """Normalised name without spaces (:func:`geo_coi.gazetteer.normalize`): how labels are compared."""
    return normalize(text).replace(" ", "")



def _alias_names(pcode):
    """Compact normalised aliases of a unit from the gazetteer's alias table."""
    return aliases_of(pcode)



def bounds(level):
    """Map-CRS bounds of the units of ``level`` (``"country"``: the whole country)."""
    return units(level).to_crs(map_crs()).total_bounds



def padded(bounds, fraction):
    """``bounds`` (minx, miny, maxx, maxy) grown by ``fraction`` of their width and height on each side."""
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)



def units(level):
    """Units of ``level`` (pcode, name, region, geometry) in EPSG:4326."""
    rows = records(level)
    return gpd.GeoDataFrame(rows, geometry=list(geometries(level)), crs=4326)



def boundary_lines(ax, level, linewidth=0.8, color=None):
    """Boundaries of the units of ``level`` (gid ``admin:<level>``, named in the features legend)."""
    units(level).to_crs(map_crs()).boundary.plot(ax=ax, color=color or ADMIN_EDGE, linewidth=linewidth, zorder=8,
                                            gid=f"admin:{level}")



def country_fill(ax):
    """The country in white, under a layer that paints only part of it (density, hexagons, areas)."""
    units("country").to_crs(map_crs()).plot(ax=ax, color="white", edgecolor="none", zorder=1.5)



def area_labels(level, ax, priority, upper=False, skip=(), only=None, style=None):
    """Labels of the units of ``level`` whose label point is in the frame (``upper``: letter-spaced capitals).

    ``skip`` and ``only`` are P-codes left out or kept; the labels carry the names and aliases that
    :func:`geo_coi.maps.page.without_repeats` compares town labels with.
    """
    shapes = units(level).to_crs(map_crs())
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    style = {**AREA_LABEL_STYLE, "fontsize": 8.5 if level == "region" else layout.MIN_FONT_PT, **(style or {})}
    items = []
    for row in shapes.itertuples():
        if row.pcode in skip or (only is not None and row.pcode not in only):
            continue
        point = label_point(row.geometry)
        if not (xmin <= point.x <= xmax and ymin <= point.y <= ymax):
            continue
        name = display_name(row.name)  # the one spelling of every map (gazetteer)
        text = layout.letter_spaced(name.upper(), wide=upper)
        names = () if upper else (compact_name(name), compact_name(row.name), *_alias_names(row.pcode))
        items.append(layout.LabelItem(point.x, point.y, text, priority=priority, kind="area", style=style,
                                      names=names))
    return items



def unit_labels(level, ax):
    """Labels of a choropleth's units: regions in capitals, departments as written."""
    if level == "region":
        return area_labels("region", ax, priority=1, upper=True, skip=capital_units())
    return area_labels("department", ax, priority=1, skip=capital_units())  # Niamey is marked



def label_point(geometry):
    """Pole of inaccessibility of the largest part (:func:`geo_coi.maps.layout.label_point`)."""
    return layout.label_point(geometry)



def capital_units() -> tuple[str, ...]:
    """P-codes of the capital's own unit and its departments (Niamey: NE008, NE008001): the star names them."""
    capital = country.active().capital
    if capital is None:
        return ()
    return (capital.pcode, *(r["pcode"] for r in records("department") if r["pcode"].startswith(capital.pcode)))



def fill_classes(ax, units, classes):
    """Fill units by class; return one legend handle per class."""
    shapes = units.to_crs(map_crs())
    index = classes.assign(shapes["value"].to_numpy(dtype=float))
    for i in sorted(set(index)):
        part = shapes[index == i]
        dots = {"hatchcolor": ZERO_DOT_COLOR, "hatch_linewidth": 0.6} if i == 1 and classes.hatches[1] else {}
        part.plot(ax=ax, color=classes.colors[i], hatch=classes.hatches[i] or "", edgecolor="#7a7a7a", linewidth=0.4,
                  zorder=5, **dots)
    return [class_patch(c, hatch=h, dots=i == 1) for i, (c, h) in enumerate(zip(classes.colors, classes.hatches,
                                                                           strict=False))]



def class_patch(colour, hatch=None, dots=False):
    """Legend handle of a filled class (hatched classes get a grey hatch and outline; the zero class light dots)."""
    edge = "#7a7a7a"
    extra = {"hatchcolor": ZERO_DOT_COLOR, "hatch_linewidth": 0.6} if dots and hatch else {}
    return Patch(facecolor=colour, edgecolor=edge, hatch=hatch, linewidth=0.6 if hatch else 0.4, **extra)
