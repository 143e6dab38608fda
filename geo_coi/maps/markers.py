"""Events on a map: which are drawn, their symbols by type and fatalities, and proportional circles.

Events on one coordinate and of one type are one symbol sized by their total
fatalities, with their count beside it; area-coded events are hollow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from geo_coi.crs import map_crs
from geo_coi.events import select
from geo_coi.maps import admin, captions, layout
from geo_coi.style import DISPLACEMENT_COLOR, EVENT_SYMBOLS, equal_area_size, event_color, event_marker, label

# Fatality classes of the event symbols: lower bounds and marker areas (pt²).
FATALITY_BREAKS = (0, 1, 5, 20, 50)
FATALITY_SIZES = (9, 20, 42, 80, 150)
HOLLOW_WIDTH = 1.1  # outline width (pt) of area-coded (geo_precision 3) event symbols
EVENT_OBSTACLE_AREA = FATALITY_SIZES[2]  # event symbols this big (pt²) or bigger keep labels off


def in_period(events, period):
    """The events in ``period`` (``None``: all of them)."""
    return select(events, period=period)



def in_frame(events, ax):
    """Events whose point lies inside the axes' visible window."""
    points = events.to_crs(map_crs()).geometry
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = ((points.x >= x0) & (points.x <= x1) & (points.y >= y0) & (points.y <= y1)).to_numpy()
    return events[inside]



def fatality_labels() -> list[str]:
    """Legend labels of the fatality classes (:data:`FATALITY_BREAKS`): "0", "1 – 4", ..., "≥ 50"."""
    labels = [f"{lo}" if hi - lo == 1 else f"{lo} – {hi - 1}" for lo, hi in zip(FATALITY_BREAKS, FATALITY_BREAKS[1:],
                                                                                strict=False)]
    return labels + [f"≥ {FATALITY_BREAKS[-1]}"]



def size_class(fatalities):
    """Index of the fatality class (:data:`FATALITY_BREAKS`) of each value."""
    return np.searchsorted(FATALITY_BREAKS, np.asarray(fatalities, dtype=float), side="right") - 1



def draw_events(ax, events, language, crs=None):
    """Event symbols, one per place and type: colour and shape by type, area by fatality class.

    Events on the same coordinates and of the same type are drawn as one
    symbol sized by their total fatalities, with their count beside it (a
    label). Area-coded events (``geo_precision`` 3) get a hollow symbol.
    Every shape of one class has the same area.

    Returns
    -------
    (sections, labels) : legend sections and the count labels to place
    """
    if events.empty:
        return [(label("event_type", language), [], [])], []
    places = _co_located(events, crs)
    types = [t for t in EVENT_SYMBOLS if t in set(places["event_type"])]
    types += sorted(set(places["event_type"]) - set(types))
    for event_type in types:
        for hollow in (False, True):
            part = places[(places["event_type"] == event_type) & (places["hollow"] == hollow)]
            if part.empty:
                continue
            marker, colour = event_marker(event_type), event_color(event_type)
            style = ({"facecolors": "none", "edgecolors": colour, "linewidths": HOLLOW_WIDTH} if hollow else
                     {"color": colour, "edgecolors": "white", "linewidths": 0.35, "alpha": 0.85})
            ax.scatter(part["x"], part["y"], s=[equal_area_size(marker, a) for a in part["area"]], marker=marker,
                       zorder=12 + hollow * 0.1, gid=f"events:{event_type}{':area' if hollow else ''}", **style)
    type_handles = [Line2D([], [], linestyle="", marker=event_marker(t), markerfacecolor=event_color(t),
                           markersize=np.sqrt(equal_area_size(event_marker(t), 49)), markeredgecolor="white")
                    for t in types]
    size_labels = fatality_labels()
    size_handles = [Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(s), markerfacecolor="#9a9a9a",
                           markeredgecolor="white") for s in FATALITY_SIZES]
    sections = [
        (label("event_type", language), type_handles, [label(t, language) for t in types]),
        (label("fatalities_size", language), size_handles, size_labels),
    ]
    precision = _precision(events)
    if (precision >= 2).any():
        entries = [(False, label("location_point", language)), (True, label("location_area", language))]
        handles = [Line2D([], [], linestyle="", marker="o", markersize=7,
                          markerfacecolor="none" if hollow else "#9a9a9a",
                          markeredgecolor="#555555" if hollow else "white",
                              markeredgewidth=HOLLOW_WIDTH if hollow else 0.5)
                   for hollow, _ in entries if hollow is False or (precision >= 3).any()]
        sections.append((label("location_precision", language), handles, [t for _, t in entries][: len(handles)]))
    count_style = {"fontsize": layout.MIN_FONT_PT, "color": "#333333"}
    labels = [layout.LabelItem(row.x, row.y, str(row.count), priority=7, style=count_style,
                               offsets=layout.point_offsets(np.sqrt(row.area) / 2, 1.0))
              for row in places.itertuples() if row.count > 1]
    return sections, labels



def _precision(events):
    """``geo_precision`` as floats (NaN where unknown)."""
    if "geo_precision" not in events:
        return np.full(len(events), np.nan)
    return events["geo_precision"].astype("Float64").fillna(np.nan).to_numpy(dtype=float)



def _co_located(events, crs=None):
    """One row per coordinate, event type and precision kind (point / area-coded), drawing order fixed.

    Columns: x, y (map units), event_type, hollow, count, fatalities, area (pt², by total fatalities).
    """
    points = events.to_crs(crs or map_crs())  # ``crs``: another map's (a cross-border map)
    table = pd.DataFrame({
        "x": points.geometry.x.round(0).to_numpy(), "y": points.geometry.y.round(0).to_numpy(),
        "event_type": points["event_type"].astype(str).to_numpy(),
        "hollow": _precision(points) >= 3,
        "fatalities": points["fatalities"].fillna(0).to_numpy(dtype=float),
        "event_id": points["event_id"].astype(str).to_numpy(),
    })
    places = (table.groupby(["x", "y", "event_type", "hollow"], sort=True)
              .agg(count=("event_id", "size"), fatalities=("fatalities", "sum"), first=("event_id", "min"))
              .reset_index())
    places["area"] = np.asarray(FATALITY_SIZES)[size_class(places["fatalities"])]
    # big symbols first, so that small ones stay visible on top
    return places.sort_values(["fatalities", "first"], ascending=[False, True], kind="stable").reset_index(drop=True)



def proportional_circles(ax, frame):
    """Circles with area proportional to ``value`` at each unit's label point; legend handles."""
    values = frame["value"].to_numpy(dtype=float)
    present = np.isfinite(values) & (values > 0)
    if not present.any():
        return ([], []), []
    biggest = values[present].max()
    max_area = 900.0  # pt² of the biggest circle
    points = [admin.label_point(g) for g in frame.geometry[present]]
    areas = values[present] / biggest * max_area
    order = np.argsort(-areas, kind="stable")
    ax.scatter([points[i].x for i in order], [points[i].y for i in order], s=areas[order], color=DISPLACEMENT_COLOR,
               edgecolors="white", linewidths=1.4, zorder=14, gid="circles")  # opaque, a white halo
    steps = _nice_steps(biggest)
    handles = [Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(v / biggest * max_area),
                      markerfacecolor=DISPLACEMENT_COLOR, markeredgecolor="white", markeredgewidth=1.0) for v in steps]
    anchors = [(point.x, point.y, np.sqrt(area) / 2) for point, area in zip(points, areas, strict=False)]
    return (handles, [captions.number(v) for v in steps]), anchors



def clear_of_circles(page, items, anchors, gap_pt=3.0):
    """Keep unit labels off the proportional circles drawn at their own label points.

    Each circle becomes an obstacle for label placement, and a label anchored at
    a circle's centre is tried below, above, right and left of it instead.

    Parameters
    ----------
    page : layout.Page
    items : list of layout.LabelItem
    anchors : list of (x, y, radius in points)
    """
    ax = page.ax
    pixels_per_pt = ax.figure.dpi / 72
    radius_at = {(x, y): r for x, y, r in anchors}
    for x, y, r in anchors:
        cx, cy = ax.transData.transform((x, y))
        half = r * pixels_per_pt
        page.obstacles.append(Bbox.from_extents(cx - half, cy - half, cx + half, cy + half))
    for item in items:
        r = radius_at.get((item.x, item.y))
        if r is not None:
            d = r + gap_pt
            item.offsets = (((0, -d), "center", "top"), ((0, d), "center", "bottom"),
                            ((d, 0), "left", "center"), ((-d, 0), "right", "center"))
    return items



def _nice_steps(biggest):
    """Three round legend values up to ``biggest`` (e.g. 50 000, 100 000, 200 000)."""
    top = float(f"{biggest:.1g}")
    top = top if top <= biggest else top / 2
    return [top / 4, top / 2, top]
