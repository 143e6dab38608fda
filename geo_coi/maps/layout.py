"""Page furniture shared by every static map.

A :class:`Page` is an A4 figure with a title block, one map axes drawn in
the pack's map CRS (:func:`geo_coi.crs.map_crs`) (metres), a side panel holding the inset locator and
the legends, a credit block and a notes block (disclaimer, production date).
Helpers add a scale bar measured on the ellipsoid, a north arrow pointing to
true north, a locator (West Africa for national maps, a red box otherwise),
labels that overlap neither each other nor point symbols, and save
byte-identical PNG/PDF/SVG files.

Print rules: nothing within :data:`MARGIN_MM` of the paper's edge, no text
smaller than :data:`MIN_FONT_PT` (6 pt once a page is placed at 85 %).
Haloed text stays live text in PDF and SVG: the halo is drawn as outlines
and the text itself again on top (:func:`halo`, :func:`save`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg

from geo_coi import country
from geo_coi.atomic import atomic_path
from geo_coi.boundaries import load
from geo_coi.crs import GEOGRAPHIC, map_crs
from geo_coi.errors import InputError
from geo_coi.maps.pdf_fonts import cached_subsets
from geo_coi.style import COUNTRY_FILL, FOCUS_COLOR, NEIGHBOUR_EDGE, label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PRINT_DPI = 300
# A4 (297 x 210 mm) is 3508 x 2480 pixels at 300 dpi; sizes in inches give exactly that.
A4_PIXELS = (3508, 2480)
PAGE_SIZES = {
    "A4-landscape": (A4_PIXELS[0] / PRINT_DPI, A4_PIXELS[1] / PRINT_DPI),
    "A4-portrait": (A4_PIXELS[1] / PRINT_DPI, A4_PIXELS[0] / PRINT_DPI),
}
# Axes rectangles (left, bottom, width, height) in figure fractions per page.
_FRAMES = {
    "A4-landscape": {"map": (0.025, 0.10, 0.70, 0.785), "inset": (0.745, 0.685, 0.23, 0.20), "panel": (0.745, 0.20,
                                                                                                       0.23, 0.465)},
    "A4-portrait": {"map": (0.04, 0.31, 0.92, 0.605), "inset": (0.04, 0.09, 0.30, 0.20), "panel": (0.38, 0.09, 0.58,
                                                                                                   0.20)},
}
MARGIN_MM = 5.0  # nothing is drawn closer than this to the paper's edge
# Smallest text: a full-page map placed at about 85 % in a report must stay >= 6 pt.
MIN_FONT_PT = 7.1
SAVE_FORMATS = ("png", "pdf", "svg")
TEXT_COLOR = "#222222"
FRAME_COLOR = "#555555"
_NICE_KM = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500)
_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    "svg": {"Creator": None, "Date": None},
}
_RC = {"svg.hashsalt": "geo_coi", "svg.id": "geo_coi", "pdf.fonttype": 42, "svg.fonttype": "none"}
AUTHOR = "geo_coi"


@dataclass
class Page:
    """An A4 map page: figure, map axes, inset axes and legend panel."""

    fig: Figure
    ax: Axes
    inset: object
    panel: object
    size: str
    labels: list = field(default_factory=list)  # LabelItems placed together at the end
    credits: list = field(default_factory=list)  # basemap credit lines
    obstacles: list = field(default_factory=list)  # display Bboxes labels must avoid
    notes: list = field(default_factory=list)  # paragraphs for the notes block (notes_block)


def new_page(title: str, subtitle: str, size: str = "A4-landscape") -> Page:
    """An empty page with title and subtitle.

    Parameters
    ----------
    title, subtitle : str
    size : {"A4-landscape", "A4-portrait"}
    """
    from matplotlib.figure import Figure

    if size not in PAGE_SIZES:
        raise InputError(f"page size {size!r} is not supported: use one of {', '.join(PAGE_SIZES)}")
    fig = Figure(figsize=PAGE_SIZES[size], dpi=100)
    _MeasuringCanvas(fig)  # a renderer to measure text with (label placement, legends)
    frames = _FRAMES[size]
    ax = fig.add_axes(frames["map"])
    inset = fig.add_axes(frames["inset"])
    panel = fig.add_axes(frames["panel"])
    panel.set_axis_off()
    for axes in (ax, inset):
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_edgecolor(FRAME_COLOR)
            spine.set_linewidth(0.6)
    left, height = frames["map"][0], PAGE_SIZES[size][1]
    fig.text(left, 1 - 0.3 / height, title, fontsize=15, fontweight="bold", color=TEXT_COLOR, va="top", gid="title")
    fig.text(left, 1 - 0.6 / height, subtitle, fontsize=10.5, color=TEXT_COLOR, va="top", gid="subtitle")
    return Page(fig=fig, ax=ax, inset=inset, panel=panel, size=size)


class _MeasuringCanvas(FigureCanvasAgg):
    """Agg canvas that skips the redraw geopandas asks for after every layer (drawn once, when saved)."""

    def draw_idle(self, *args, **kwargs):
        pass


def set_extent(ax, bounds, pad=0.03, within=None):
    """Show ``bounds`` (minx, miny, maxx, maxy in map units) filling the axes at true scale.

    The shorter side is widened so that one map unit has the same length on
    both axes (no distortion added by the page). With ``within`` (a box in
    map units, e.g. where basemap data exist) the window is shifted to stay
    inside it where it fits.
    """
    minx, miny, maxx, maxy = bounds
    width, height = (maxx - minx) * (1 + 2 * pad), (maxy - miny) * (1 + 2 * pad)
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    box_aspect = (box.height * fig_h) / (box.width * fig_w)
    if height / width > box_aspect:
        width = height / box_aspect
    else:
        height = width * box_aspect
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if within is not None:
        cx = _shift_inside(cx, width, within[0], within[2])
        cy = _shift_inside(cy, height, within[1], within[3])
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_facecolor("white")


def _shift_inside(centre, length, low, high):
    """Move a window of ``length`` centred on ``centre`` into [low, high] when it fits."""
    if length >= high - low:
        return centre
    return min(max(centre, low + length / 2), high - length / 2)


def map_to_lonlat(x, y):
    """Map-CRS metres -> (lon, lat) arrays."""
    from pyproj import Transformer

    transformer = Transformer.from_crs(map_crs(), GEOGRAPHIC, always_xy=True)
    return transformer.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def lonlat_to_map(lon, lat):
    """(lon, lat) -> map-CRS metres arrays."""
    from pyproj import Transformer

    transformer = Transformer.from_crs(GEOGRAPHIC, map_crs(), always_xy=True)
    return transformer.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def scale_bar(ax, language="en", anchor=(0.04, 0.04)):
    """Draw a km scale bar whose length is true on the ellipsoid where it stands.

    The map projection's point scale factor at the bar is taken into account,
    so the bar's end points are the stated number of km apart (geodesic).

    Returns
    -------
    tuple
        ``(x0, x1, y)`` of the bar in map units, and its length in km.
    """
    from matplotlib.patches import Rectangle
    from pyproj import Proj

    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    x0 = xmin + anchor[0] * (xmax - xmin)
    y = ymin + anchor[1] * (ymax - ymin)
    target_km = (xmax - xmin) / 1000 / 5
    length_km = max(k for k in _NICE_KM if k <= max(target_km, 1))
    lon, lat = map_to_lonlat(x0, y)
    factor = float(Proj(map_crs()).get_factors(lon, lat).parallel_scale)
    # scale factor varies along the bar: evaluate it at the bar's middle
    mid_lon, mid_lat = map_to_lonlat(x0 + length_km * 500 * factor, y)
    factor = float(Proj(map_crs()).get_factors(mid_lon, mid_lat).parallel_scale)
    length = length_km * 1000 * factor
    height = (ymax - ymin) * 0.008
    for i, colour in enumerate((TEXT_COLOR, "white")):
        ax.add_patch(
            Rectangle((x0 + i * length / 2, y), length / 2, height, facecolor=colour, edgecolor=TEXT_COLOR,
                      linewidth=0.6, zorder=30, gid=f"scalebar-{i}")
        )
    ticks = [(0, "0"), (length / 2, _km(length_km / 2)), (length, f"{_km(length_km)} {label('scale_km', language)}")]
    inches = (ax.transData.transform((x0 + length, y))[0] - ax.transData.transform((x0, y))[0]) / ax.figure.dpi
    if inches < 0.8:  # a short bar has no room for the middle label
        del ticks[1]
    for dx, text in ticks:
        ax.text(x0 + dx, y + height * 1.6, text, ha="center", va="bottom", fontsize=MIN_FONT_PT, color=TEXT_COLOR,
                zorder=30,
                path_effects=halo(), gid="scalebar-label")
    ax.scale_bar = (x0, x0 + length, y, length_km)
    return ax.scale_bar


def furniture_boxes(ax) -> list:
    """Display boxes of the scale bar, north arrow and notes (gid ``note:…``) that labels must avoid."""
    renderer = ax.figure.canvas.get_renderer()
    artists = [a for a in ax.patches + ax.texts
               if (a.get_gid() or "").startswith(("scalebar", "north", "note:"))]
    return [a.get_window_extent(renderer).expanded(1.1, 1.2) for a in artists]


def _km(value: float) -> str:
    return f"{value:g}"


def north_arrow(ax, language="en", anchor=(0.955, 0.87)):
    """Draw an arrow pointing to true north at its own location (meridian convergence included)."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    x = xmin + anchor[0] * (xmax - xmin)
    y = ymin + anchor[1] * (ymax - ymin)
    lon, lat = map_to_lonlat(x, y)
    nx, ny = lonlat_to_map(lon, lat + 0.1)
    direction = np.array([nx - x, ny - y]) / np.hypot(nx - x, ny - y)
    length = (ymax - ymin) * 0.07
    tip = (x + direction[0] * length, y + direction[1] * length)
    ax.annotate("", xy=tip, xytext=(x, y), zorder=30, gid="north-arrow",
                arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.8", "color": TEXT_COLOR, "lw": 1.6})
    ax.text(tip[0], tip[1] + length * 0.08, label("north", language), ha="center", va="bottom", fontsize=10,
            fontweight="bold", color=TEXT_COLOR, zorder=30, path_effects=halo(), gid="north-label")
    return direction


def inset_locator(inset, extent_box):
    """Draw the locator map.

    A map of the whole country gets West Africa with the country highlighted; a map
    of part of it gets the country among its neighbours with the main map's extent in red.

    Parameters
    ----------
    inset : matplotlib Axes
    extent_box : tuple
        (minx, miny, maxx, maxy) of the main map in map units.
    """
    import shapely

    niger_box = shapely.box(*load("country").to_crs(map_crs()).total_bounds)
    box = shapely.box(*extent_box)
    national = box.intersection(niger_box).area >= NATIONAL_SHARE * niger_box.area
    countries = load("west_africa" if national else "countries").to_crs(map_crs())
    niger = countries["ADM0_A3"] == country.active().iso3  # the report's country
    countries[~niger].plot(ax=inset, color=COUNTRY_FILL, edgecolor=NEIGHBOUR_EDGE, linewidth=0.3)
    if national:
        countries[niger].plot(ax=inset, color=FOCUS_COLOR, edgecolor=TEXT_COLOR, linewidth=0.5, gid="inset-niger")
        set_extent(inset, countries.total_bounds, pad=0.0)
    else:
        countries[niger].plot(ax=inset, color="white", edgecolor=TEXT_COLOR, linewidth=0.6)
        inset.plot(*box.exterior.xy, color=FOCUS_COLOR, linewidth=1.2, gid="inset-extent")
        set_extent(inset, countries[niger].total_bounds, pad=0.25)
    inset.set_facecolor("#f4f8fb")


NATIONAL_SHARE = 0.9  # a main map showing this share of the country's box is national (West Africa locator)


def credit_block(fig, lines, size="A4-landscape"):
    """Write the credit lines at the foot of the page (one line each, small)."""
    unique = list(dict.fromkeys(line for line in lines if line))
    left = _FRAMES[size]["map"][0]
    fig.text(left, _margin(fig)[1], "\n".join(unique), fontsize=MIN_FONT_PT, color="#444444", va="bottom",
             ha="left", linespacing=1.3, gid="credits")
    return unique


def notes_block(fig, notes, size="A4-landscape", width=44):
    """Notes, the disclaimer and the production date under the legends (landscape) or the credits (portrait).

    Parameters
    ----------
    fig : matplotlib Figure
    notes : sequence of str
        Paragraphs, each wrapped to ``width`` characters on landscape pages.
    """
    import textwrap

    text = "\n".join(line for note in notes if note for line in textwrap.wrap(note, width))
    x = _FRAMES[size]["panel"][0] if size == "A4-landscape" else PORTRAIT_NOTES_X
    return fig.text(x, _margin(fig)[1], text, fontsize=MIN_FONT_PT, color="#444444", va="bottom", ha="left",
                    linespacing=1.3, gid="notes")


PORTRAIT_NOTES_X = 0.62  # left edge of the notes beside the credits on portrait pages


def production_date():
    """ISO date the map is made: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today (UTC)."""
    import datetime
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = (datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch
           else datetime.datetime.now(datetime.UTC))
    return now.date().isoformat()


def _margin(fig):
    """Figure fractions (x, y) of the page margin, plus 1 mm so that text never touches it."""
    width, height = fig.get_size_inches()
    inches = (MARGIN_MM + 1.0) / 25.4
    return inches / width, inches / height


def fit_panel(panel, below):
    """Stretch the legend panel down to just above the ``below`` text (e.g. the notes block)."""
    renderer = panel.figure.canvas.get_renderer()
    top_of_notes = panel.figure.transFigure.inverted().transform((0, below.get_window_extent(renderer).y1))[1]
    box = panel.get_position()
    bottom = top_of_notes + 0.02
    panel.set_position((box.x0, bottom, box.width, box.y1 - bottom))


def add_legends(panel, sections):
    """Stack legends in the side panel, top to bottom, starting a new column when one would overflow.

    Parameters
    ----------
    panel : matplotlib Axes (axis off)
    sections : list of (title, handles, labels)
        Empty sections are skipped.
    """
    renderer = panel.figure.canvas.get_renderer()
    to_panel = panel.transAxes.inverted()
    left, top, column_right = 0.0, 1.0, 0.0
    legends = []
    for title, handles, labels in sections:
        if not handles:
            continue
        legend = _legend(panel, handles, labels, title, (left, top))
        extent = legend.get_window_extent(renderer).transformed(to_panel)
        if extent.y0 < 0 and top < 1.0:  # overflows the panel: next column, else two columns here
            legend.remove()
            legend = _legend(panel, handles, labels, title, (column_right + 0.06, 1.0))
            extent = legend.get_window_extent(renderer).transformed(to_panel)
            if extent.x1 <= 1.0:
                left, top = column_right + 0.06, 1.0
            else:
                legend.remove()
                legend = _legend(panel, handles, labels, title, (left, top), ncols=2)
                extent = legend.get_window_extent(renderer).transformed(to_panel)
        column_right = max(column_right, extent.x1)
        top = extent.y0 - 0.04
        legends.append(legend)
    return legends


LEGEND_TITLE_WIDTH = 34  # characters per line of a legend title


def _legend(panel, handles, labels, title, anchor, ncols=1):
    import textwrap

    from matplotlib.legend import Legend

    title = "\n".join(textwrap.wrap(title, LEGEND_TITLE_WIDTH)) if title else title

    fontsize = 7.5
    # big proportional symbols need rows (and a handle column) as tall as they are
    biggest = max((h.get_markersize() for h in handles if hasattr(h, "get_markersize")), default=0.0)
    legend = Legend(panel, handles, labels, title=title, loc="upper left", bbox_to_anchor=anchor, frameon=False,
                    fontsize=fontsize, title_fontsize=8.5, alignment="left", borderaxespad=0.0, handletextpad=0.6,
                    labelspacing=max(0.55, biggest / fontsize - 0.6), handlelength=max(2.0, biggest / fontsize),
                    borderpad=0.2, ncols=ncols, columnspacing=1.0)
    panel.add_artist(legend)
    return legend


def legend_texts(fig) -> list[str]:
    """Every legend title and entry text on a figure (for checks and tests)."""
    from matplotlib.legend import Legend

    texts = []
    for legend in fig.findobj(Legend):
        texts.append(legend.get_title().get_text().replace("\n", " "))  # titles are wrapped
        texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


# ----------------------------------------------------------------------------- labels

_AREA_OFFSETS = tuple(((dx, dy), "center", "center") for dx, dy in (
    (0, 0), (0, 9), (0, -9), (14, 0), (-14, 0), (14, 9), (-14, 9), (14, -9), (-14, -9), (0, 18), (0, -18),
    (28, 0), (-28, 0)))


def point_offsets(radius_pt=1.5, gap_pt=3.5):
    """Candidate positions ((dx, dy) points, ha, va) of a label beside a point symbol of ``radius_pt``, best first.

    Every candidate keeps the label's box clear of the symbol's own box.
    """
    candidates = []
    for d in (radius_pt + gap_pt, radius_pt + gap_pt + FAR_PT):  # beside the symbol, then a little farther
        h = 0.6 * d
        candidates += [((d, h), "left", "bottom"), ((d, -h), "left", "top"), ((-d, h), "right", "bottom"),
                       ((-d, -h), "right", "top"), ((0, d), "center", "bottom"), ((0, -d), "center", "top"),
                       ((d, 0), "left", "center"), ((-d, 0), "right", "center")]
    return tuple(candidates)


FAR_PT = 6.0  # how much farther (points) the second ring of point-label positions lies


_POINT_OFFSETS = point_offsets()


@dataclass
class LabelItem:
    """A label to place: anchor in map units, text, priority (lower first) and style."""

    x: float
    y: float
    text: str
    priority: int = 5
    kind: str = "point"  # "point" (offset beside the anchor) or "area" (centred, nudged)
    style: dict = field(default_factory=dict)
    names: tuple = ()  # normalised names and aliases an area label stands for (duplicate town labels)
    offsets: tuple = ()  # own candidate positions ((dx, dy) points, ha, va); default by kind
    within: object = None  # shapely geometry (map units) the label's box must stay inside, e.g. its country


def letter_spaced(text, wide=True):
    """Caps spaced out for area labels: a hair space (thin space when ``wide``) between letters."""
    gap = "\u2009" if wide else "\u200a"
    return "\u2002".join(gap.join(word) for word in text.split(" "))


def unspaced(text):
    """The plain text of a :func:`letter_spaced` label ("T\u2009A\u2009H" -> "TAH")."""
    return text.replace("\u2009", "").replace("\u200a", "").replace("\u2002", " ")


def label_point(geometry):
    """Pole of inaccessibility of the largest part: a label point well inside the polygon."""
    from shapely.ops import polylabel

    part = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    return polylabel(part, tolerance=max(part.length / 2000, 1.0))


def place_labels(ax, items, obstacles=(), symbols=None):
    """Place labels greedily so that no two overlap and none covers a point symbol; drop those that cannot fit.

    Labels go in order of ``priority`` (then text, for reproducibility); each
    tries its candidate positions and keeps the first whose bounding box
    overlaps no placed label, no obstacle, no symbol, stays inside the axes
    and, for items with ``within``, inside that shape.

    Parameters
    ----------
    ax : matplotlib Axes (extent already set)
    items : iterable of LabelItem
    obstacles : iterable of matplotlib Bbox in display units (e.g. legends, insets)
    symbols : numpy.ndarray, optional
        ``(n, 4)`` display boxes (x0, y0, x1, y1) of point symbols (:func:`symbol_boxes`).

    Returns
    -------
    (placed, dropped) : (list of matplotlib Text, list of LabelItem)
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = list(obstacles)
    symbols = np.zeros((0, 4)) if symbols is None else np.asarray(symbols, dtype=float).reshape(-1, 4)
    placed, dropped = [], []
    for item in sorted(items, key=lambda i: (i.priority, i.text, i.x, i.y)):
        style = {"fontsize": MIN_FONT_PT, "color": TEXT_COLOR, "path_effects": halo(), **item.style}
        text = _try_positions(ax, item, style, renderer, frame, taken, symbols)
        smaller = max(MIN_FONT_PT, style["fontsize"] * SHRINK)
        if text is None and smaller < style["fontsize"]:  # crowded: a size smaller before giving up
            text = _try_positions(ax, item, {**style, "fontsize": smaller}, renderer, frame, taken, symbols)
        if text is None and item.priority == 0:  # the capital's name is never dropped: over small symbols then
            text = _try_positions(ax, item, style, renderer, frame, taken, np.zeros((0, 4)))
        if text is None:
            dropped.append(item)
        else:
            placed.append(text)
    return placed, dropped


SHRINK = 0.85  # font size factor of a label's second attempt
# Room kept around each label box (width, height factors).
LABEL_MARGIN = (1.12, 1.1)


def _try_positions(ax, item, style, renderer, frame, taken, symbols):
    """First candidate position where the label fits; adds its box to ``taken``."""
    offsets = item.offsets or (_AREA_OFFSETS if item.kind == "area" else _POINT_OFFSETS)
    for offset, ha, va in offsets:
        text = ax.annotate(item.text, (item.x, item.y), xytext=offset, textcoords="offset points", ha=ha, va=va,
                           zorder=25, annotation_clip=False, **style)
        box = text_box(text, renderer)
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
        if (inside and not _covers(box, symbols) and not any(box.overlaps(other) for other in taken)
                and _within(ax, box, item.within)):
            taken.append(box)
            text.set_gid("label")
            return text
        text.remove()
    return None


def text_box(text, renderer, margin=LABEL_MARGIN):
    """Display box of a label's text and its box, if any (not of a callout's leader line), widened by ``margin``."""
    from matplotlib.text import Text

    text.update_positions(renderer)  # an Annotation places its text when measured
    box = Text.get_window_extent(text, renderer)
    if text.get_bbox_patch() is not None:  # a callout's box: its padding around the text
        pad = text.get_bbox_patch().get_boxstyle().pad * text.get_fontsize() * text.figure.dpi / 72
        box = box.padded(pad)
    return box.expanded(*margin)


def _covers(box, symbols):
    """Whether display ``box`` overlaps any of the ``(n, 4)`` symbol boxes."""
    return bool(np.any((symbols[:, 0] < box.x1) & (symbols[:, 2] > box.x0)
                       & (symbols[:, 1] < box.y1) & (symbols[:, 3] > box.y0)))


def _within(ax, box, shape):
    """Whether display ``box`` lies inside ``shape`` (map units); True without a shape."""
    if shape is None:
        return True
    import shapely

    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(box.x0, box.y0), (box.x1, box.y1)])
    return bool(shape.contains(shapely.box(x0, y0, x1, y1)))


def symbol_boxes(ax, gids=("towns", "niamey", "events"), min_area=0.0):
    """Display boxes ``(n, 4)`` of the point symbols of scatter layers whose gid starts with one of ``gids``.

    Parameters
    ----------
    ax : matplotlib Axes
    gids : tuple of str
        Gid prefixes of the layers (e.g. ``"events"`` for every ``"events:…"`` layer).
    min_area : float
        Symbols smaller than this marker area (pt², matplotlib's ``s``) are left out.
    """
    from matplotlib.collections import PathCollection

    boxes = [np.zeros((0, 4))]
    pixels_per_pt = ax.figure.dpi / 72
    for layer in ax.collections:
        if not isinstance(layer, PathCollection) or not (layer.get_gid() or "").startswith(gids):
            continue
        offsets = layer.get_offset_transform().transform(layer.get_offsets())
        sizes = np.broadcast_to(layer.get_sizes(), (len(offsets),)) if len(layer.get_sizes()) else np.zeros(0)
        if not len(offsets) or not len(sizes):
            continue
        reach = float(np.abs(layer.get_paths()[0].vertices).max())  # marker path's half width (unit size)
        keep = sizes >= min_area
        half = (reach * np.sqrt(sizes[keep]) + layer.get_linewidths()[0] / 2) * pixels_per_pt
        xy = offsets[keep]
        boxes.append(np.column_stack([xy[:, 0] - half, xy[:, 1] - half, xy[:, 0] + half, xy[:, 1] + half]))
    return np.concatenate(boxes)


class _Halo(patheffects.Stroke):
    """A text's halo (see :func:`halo`): drawn as a stroke under the live text when saved."""


def halo():
    """White outline that keeps text legible over symbols and fills.

    The outline is a stroked copy of the glyphs; :func:`save` draws the text
    itself again on top as live text, so PDF and SVG text stays searchable.
    """
    return [_Halo(linewidth=2.2, foreground="white")]


def _live_text(fig):
    """Make every haloed text draw twice: the halo as outlines, then the text as live text."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        effects = text.get_path_effects()
        if getattr(text, "_live_halo", False) or not any(isinstance(e, _Halo) for e in effects):
            continue
        text.draw = _draw_twice(text, text.draw, effects)
        text._live_halo = True


def _draw_twice(text, draw, effects):
    def draw_halo_then_text(renderer):
        draw(renderer)  # halo (and glyph fill) as outlines
        text.set_path_effects([])
        draw(renderer)  # live text on top
        text.set_path_effects(effects)

    return draw_halo_then_text


# ----------------------------------------------------------------------------- saving


def save(fig, out, formats=SAVE_FORMATS, dpi=PRINT_DPI, title=None) -> list[Path]:
    """Write ``out``.png/.pdf/.svg, byte-identical for the same figure, each file atomically.

    Haloed text stays live text in the PDF and SVG; the PDF carries Title and
    Author metadata; the PNG is RGB with an sRGB chunk.

    Parameters
    ----------
    fig : matplotlib Figure
    out : str or Path
        Path stem; a suffix, if any, is replaced.
    formats : sequence of {"png", "pdf", "svg"}
    dpi : int
        Resolution of the PNG (300 for print).
    title : str, optional
        The PDF's and SVG's Title (default: the page title).

    Returns
    -------
    list of Path
    """
    import matplotlib

    stem = Path(out)
    stem = stem.with_suffix("") if stem.suffix.lower().lstrip(".") in SAVE_FORMATS else stem
    unknown = [f for f in formats if f not in SAVE_FORMATS]
    if unknown:
        raise InputError(f"cannot save maps as {', '.join(unknown)}: use {', '.join(SAVE_FORMATS)}")
    stem.parent.mkdir(parents=True, exist_ok=True)
    title = title if title is not None else _page_title(fig)
    _live_text(fig)
    paths = []
    with matplotlib.rc_context(_RC), cached_subsets():
        for fmt in formats:
            path = stem.parent / f"{stem.name}.{fmt}"
            with atomic_path(path) as temp:
                if fmt == "png":
                    _save_png(fig, temp, dpi)
                else:
                    metadata = {**_METADATA[fmt], "Title": title, ("Author" if fmt == "pdf" else "Creator"): AUTHOR}
                    fig.savefig(temp, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
            paths.append(path)
    return paths


def _page_title(fig):
    return next((t.get_text() for t in fig.texts if t.get_gid() == "title"), "")


def _save_png(fig, path, dpi):
    """PNG as RGB (no alpha) with an sRGB chunk (perceptual intent) and the print resolution.

    The figure is rendered once to raw RGBA and encoded once (as a PNG written by
    matplotlib and re-encoded as RGB holds the same pixels, in half the time).
    """
    import io

    from PIL import Image, PngImagePlugin

    buffer = io.BytesIO()
    fig.savefig(buffer, format="raw", dpi=dpi, facecolor="white")
    width, height = (int(v) for v in fig.get_size_inches() * dpi)  # the Agg canvas's size at that dpi
    if buffer.getbuffer().nbytes != width * height * 4:
        raise RuntimeError(f"raw figure of {buffer.getbuffer().nbytes} bytes is not {width} x {height} RGBA")
    info = PngImagePlugin.PngInfo()
    info.add(b"sRGB", b"\x00")
    image = Image.frombuffer("RGBA", (width, height), buffer.getbuffer(), "raw", "RGBA", 0, 1)
    image.convert("RGB").save(path, format="png", pnginfo=info, dpi=(dpi, dpi))


def level_label(prefix: str, slot: str, language: str = "en") -> str:
    """Label ``<prefix><level name>`` of the active pack's level ``slot``, e.g. ``boundary_`` + ``province``.

    Tables keep the slot names (``region``, ``department``, ``commune``) in every country; what a
    map prints is the pack's own name of the level (Burkina Faso's ``department`` slot holds
    provinces, Mali's cercles), looked up in translations.csv by its English name.
    """
    pack = country.active()
    name = pack.level(slot).names.get("en", slot) if pack.has_level(slot) else slot
    return label(f"{prefix}{name}", language)
