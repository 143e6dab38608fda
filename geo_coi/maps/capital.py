"""The capital on a map: its star and label, and Annex 2's inset of its sub-units."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from geo_coi import country
from geo_coi.boundaries import load
from geo_coi.crs import map_crs
from geo_coi.maps import admin, layout, markers
from geo_coi.maps import basemap as _basemap
from geo_coi.style import ADMIN_EDGE, FOCUS_COLOR, label

STAR_SIZE = 120  # marker area (pt²) of the capital's star
CALLOUT_PT = (12.0, 30.0, 50.0)  # distances (points) tried for the capital's callout box from its star


def location():
    """The capital's Natural Earth place (map CRS), or None when the pack names no capital."""
    capital = country.active().capital
    city = load("places").to_crs(map_crs())
    found = city[city["name"] == capital.name] if capital is not None else city.iloc[0:0]
    return found.geometry.iloc[0] if len(found) else None



def star(ax, language, fill=None):  # noqa: ARG001 (the label is the pack's capital name in any language)
    """The capital's star and its label; with ``fill`` (its unit's class colour) the label is a callout.

    On choropleths the star would hide the capital's own small unit: the label
    then stands a little away, boxed in its class colour, with a leader
    line to the star.
    """
    point = location()
    if point is None:
        return []
    ax.scatter([point.x], [point.y], marker="*", s=STAR_SIZE, color=FOCUS_COLOR, edgecolors="white", linewidths=0.6,
               zorder=22, gid="niamey")
    style = {"fontsize": 8.5, "fontweight": "bold", "color": "#111111"}
    offsets = layout.point_offsets(np.sqrt(STAR_SIZE) / 2, 2.0)
    if fill is not None:
        style.update(bbox={"boxstyle": "square,pad=0.3", "facecolor": fill, "edgecolor": "#555555", "linewidth": 0.6},
                     arrowprops={"arrowstyle": "-", "color": "#333333", "linewidth": 0.7, "shrinkA": 0, "shrinkB": 4})
        offsets = sum((layout.point_offsets(np.sqrt(STAR_SIZE) / 2, gap) for gap in CALLOUT_PT), ())
    name = country.active().capital.name
    return [layout.LabelItem(point.x, point.y, name, priority=0, style=style, offsets=offsets)]



def class_fill(units, classes):
    """Class colour of the capital's unit (Niger: region NE008 or department NE008001) on a choropleth, if drawn."""
    row = units[units["pcode"].isin(admin.capital_units())]
    return None if row.empty else classes.colors[int(classes.assign(row["value"].to_numpy(dtype=float)[:1])[0])]



def layer():
    """The capital's sub-units (Niamey's arrondissements, Bamako's communes), else its own finest unit (Kadiogo)."""
    capital = country.active().capital
    if capital.subunit_slot:
        return admin.units(capital.subunit_slot)
    units = admin.units(country.active().finest.slot)
    return units[units["pcode"].str.startswith(capital.pcode)]



def in_frame(ax) -> bool:
    """True when the pack has a capital and its star lies inside the map frame."""
    point = location()
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    return point is not None and xmin <= point.x <= xmax and ymin <= point.y <= ymax



def inset_title(language):
    """"Niamey: communal arrondissements" (translations ``capital_inset:<ISO3>``), else the capital's name."""
    pack = country.active()
    title = label(f"capital_inset:{pack.iso3}", language)
    return pack.capital.name if title.startswith("capital_inset:") else title



def draw_inset(page, events, language):
    """The capital's sub-units (or own unit) with their incidents, in the map's lower-right corner.

    Returns
    -------
    (inset, placed) : the inset's axes and the labels placed in it
    """
    box = page.ax.get_position()
    inset = page.fig.add_axes((box.x1 - box.width * 0.3 - 0.004, box.y0 + 0.006, box.width * 0.3, box.height * 0.36))
    inset.set_xticks([])
    inset.set_yticks([])
    arrondissements = layer().to_crs(map_crs())
    arrondissements.plot(ax=inset, color="white", edgecolor=ADMIN_EDGE, linewidth=0.7)
    layout.set_extent(inset, arrondissements.total_bounds, pad=0.08)
    inset.add_patch(Rectangle((0, 0), 1, 1, transform=inset.transAxes, facecolor="#f3f3f3", zorder=-1))
    _basemap.draw_water(inset)  # the river through the city
    outline = arrondissements.union_all()
    inside = events[events.to_crs(map_crs()).within(outline).to_numpy()]
    counts = markers.draw_events(inset, inside, language)[1]
    inset.set_title(inset_title(language), fontsize=7.5, loc="left", pad=3)
    if inside.empty:
        inset.text(0.5, 0.93, label("no_incidents", language), transform=inset.transAxes, ha="center", va="top",
                   fontsize=layout.MIN_FONT_PT, color="#555555", zorder=30, gid="note:no-incidents")
    points = map(admin.label_point, arrondissements.geometry)
    items = [layout.LabelItem(p.x, p.y, name, kind="area", style=admin.AREA_LABEL_STYLE)
             for p, name in zip(points, arrondissements["name"], strict=False)]
    symbols = layout.symbol_boxes(inset, ("events",), markers.EVENT_OBSTACLE_AREA)
    placed = layout.place_labels(inset, items + counts, symbols=symbols)[0]
    layout.scale_bar(inset, language, anchor=(0.05, 0.05))
    return inset, placed



def connect(ax, inset_corner, colour):
    """Outline the capital on the main map and draw a leader line to the inset."""
    x0, y0, x1, y1 = layer().to_crs(map_crs()).total_bounds
    ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color=colour, linewidth=0.8, zorder=21)
    ax.plot([x1, inset_corner[0]], [y0, inset_corner[1]], color=colour, linewidth=0.6, linestyle=(0, (3, 2)), zorder=21)
