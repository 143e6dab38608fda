"""What every static map page shares: its start (page, frame, basemap) and its finish.

:func:`start_page` makes the A4 page (:func:`geo_coi.maps.layout.new_page`)
framed on the map's bounds over the basemap; a map then draws its layers and
adds its labels to ``page.labels``; :func:`finish_page` adds the scale bar,
north arrow, locator, legends, notes and credit lines, places every label at
once and writes the files. It returns a :class:`MapResult`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from geo_coi.maps import admin, layout, markers
from geo_coi.maps import basemap as _basemap
from geo_coi.style import (
    FOCUS_COLOR,
    NEIGHBOUR_EDGE,
    WATER_COLOR,
    WATER_FILL,
    boundary_credit,
    check_language,
    label,
    localized_credit,
)

DUPLICATE_KM = 30.0  # a town label this close to its unit's label under another spelling is dropped


@dataclasses.dataclass
class MapResult:
    """A drawn map: its figure, the files written and the labels placed.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    files : list of Path
        The PNG, PDF and SVG written (empty when the map was not saved).
    placed_labels, dropped_labels : list of matplotlib.text.Text
        The main map's labels that were placed, and those that found no free place.
    inset_labels : list of matplotlib.text.Text
        Labels placed in the capital's inset (Annex 2), else empty.
    """

    fig: Figure
    files: list[Path] = dataclasses.field(default_factory=list)
    placed_labels: list[Text] = dataclasses.field(default_factory=list)
    dropped_labels: list[Text] = dataclasses.field(default_factory=list)
    inset_labels: list[Text] = dataclasses.field(default_factory=list)


def start_page(title, subtitle, size, language, bounds, basemap):
    """A new map page framed on ``bounds`` (map CRS) over ``basemap`` (:func:`geo_coi.maps.basemap.draw`)."""
    check_language(language)
    page = layout.new_page(title, subtitle, size)
    layout.set_extent(page.ax, bounds, within=_basemap.coverage())
    credits, labels = _basemap.draw(page.ax, basemap, language)
    page.labels += labels
    page.credits += credits
    return page



def finish_page(page, language, sections, data_credits, out, dpi, extra_credits=(), inset_labels=()):
    """Add the page's furniture, place its labels, write ``out`` (.png, .pdf, .svg) when given.

    Parameters
    ----------
    page : geo_coi.maps.layout.Page
        From :func:`start_page`, with the map's layers drawn and its labels in ``page.labels``.
    language : str
    sections : list of (title, handles, labels)
        The map's legend sections (the reference features' section is added).
    data_credits : list of str
        Credit lines of the data drawn (the boundaries' and basemap's are added), then ``extra_credits``.
    out : str or Path, optional
    dpi : int
    inset_labels : list of matplotlib.text.Text
        Labels already placed in an inset, handed back in the result.

    Returns
    -------
    MapResult
    """
    ax = page.ax
    layout.scale_bar(ax, language)
    layout.north_arrow(ax, language)
    layout.inset_locator(page.inset, (*ax.get_xlim()[:1], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1]))
    for axes in page.fig.axes:  # geopandas names the CRS axes; a map needs no axis titles
        axes.set_xlabel("")
        axes.set_ylabel("")
    notes = layout.notes_block(page.fig, page.notes + _page_notes(sections, language), page.size)
    if page.size == "A4-landscape":
        layout.fit_panel(page.panel, notes)
    layout.add_legends(page.panel, sections + [features_section(ax, language)])
    obstacles = page.obstacles + layout.furniture_boxes(ax)
    symbols = np.concatenate([layout.symbol_boxes(ax, ("towns", "niamey")),
                              layout.symbol_boxes(ax, ("events",), markers.EVENT_OBSTACLE_AREA)])
    placed, dropped = layout.place_labels(ax, without_repeats(page.labels), obstacles=obstacles, symbols=symbols)
    lines = [localized_credit(line, language) for line in data_credits + [boundary_credit()] + page.credits]
    layout.credit_block(page.fig, lines + [localized_credit(line, language) for line in extra_credits], page.size)
    files = layout.save(page.fig, out, dpi=dpi) if out is not None else []
    return MapResult(page.fig, files, placed, dropped, list(inset_labels))



def features_section(ax, language):
    """Legend of the map's reference features, each entry drawn like the layer it names (found by gid)."""
    layers = {}
    for artist in ax.collections + ax.lines:
        layers.setdefault(artist.get_gid(), artist)
    entries = []
    if "niamey" in layers:
        entries.append((Line2D([], [], linestyle="", marker="*", markersize=8,
                               markerfacecolor=FOCUS_COLOR, markeredgecolor="white"), label("capital", language)))
    if "towns" in layers:
        entries.append((Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(_basemap.TOWN_SIZE),
                               markerfacecolor="#333333", markeredgecolor="white"), label("town", language)))
    if "borders" in layers:
        entries.append((Line2D([], [], color=NEIGHBOUR_EDGE, linewidth=0.7), label("boundary_international", language)))
    for level in ("region", "department"):
        artist = layers.get(f"admin:{level}")
        if artist is not None:
            entries.append((Line2D([], [], color=artist.get_edgecolor()[0], linewidth=artist.get_linewidth()[0]),
                            layout.level_label("boundary_", level, language)))
    if "rivers" in layers or "lakes" in layers:
        entries.append((Patch(facecolor=WATER_FILL, edgecolor=WATER_COLOR, linewidth=0.8), label("rivers_lakes",
                                                                                                 language)))
    return (label("map_features", language), [h for h, _ in entries], [t for _, t in entries])



def _page_notes(sections, language):
    """Notes under the legends: approximate locations (when the legend shows them), disclaimer, production date."""
    notes = []
    if any(title == label("location_precision", language) for title, *_ in sections):
        notes.append(label("locations_approximate", language))
    if any(title == label("event_type", language) and handles for title, handles, _ in sections):
        notes.append(label("count_beside_symbol", language))
    return notes + [label("disclaimer", language), f"{label('produced', language)}: {layout.production_date()}"]



def without_repeats(items):
    """Drop point labels (towns) that repeat an area label's name.

    A town goes when an area label (not in capitals) has the same normalised
    name anywhere (department "Dosso", town "Dosso"), or when the town's name
    is a gazetteer alias of that area and the two are within
    :data:`DUPLICATE_KM` (department "Ayerou", town "Ayorou").
    """
    areas = [i for i in items if i.kind == "area" and i.names]
    names = {i.names[0] for i in areas}

    def repeats(item):
        name = admin.compact_name(item.text)
        return name in names or any(
            name in area.names and np.hypot(item.x - area.x, item.y - area.y) <= DUPLICATE_KM * 1000 for area in areas)

    return [i for i in items if i.kind == "area" or i.priority == 0 or not repeats(i)]
