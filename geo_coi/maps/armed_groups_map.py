"""Areas of operation of armed groups: one outline per group, in its own colour and line style."""

from __future__ import annotations

import geopandas as gpd
from matplotlib.lines import Line2D

from geo_coi.armed_groups import areas_from_events, areas_of_operation
from geo_coi.crs import map_crs
from geo_coi.errors import InputError
from geo_coi.maps import admin, capital, captions, layout, markers
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.style import GROUP_COLORS, GROUP_LINESTYLES, label, localized_credit, typography

_GROUP_INSET_M = 3_000.0  # each overlapping group's outline is drawn this much inside the previous one


def armed_groups_map(areas=None, *, events=None, period=None, actors=None, language="en", size="A4-landscape",
                     out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()) -> MapResult:
    """Areas of operation of armed groups: one outline per group, each in its own colour and line style.

    Overlapping areas stay readable: no fill or hatch, each outline drawn a
    little inside the previous group's, and each group named on its area.
    The frame shows the whole country; a note gives the situation's date, the
    primary sources and that the areas are generalised to departments.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame, optional
        From :func:`geo_coi.armed_groups.areas_of_operation` (the default) or
        :func:`geo_coi.armed_groups.areas_from_events`.
    events : geopandas.GeoDataFrame, optional
        Draw the variant derived from the events instead: the departments
        where each actor was active in ``period``.
    actors : sequence of str, optional
        Actors for the events variant (default: the most active).
    Others as :func:`~geo_coi.maps.annex_maps.annex1`.
    """
    data_credits = []
    if events is not None:
        chosen = markers.in_period(events, period)
        areas = areas_from_events(chosen, actors=actors)
        title = label("areas_events_title", language)
        subtitle = f"{captions.subtitle(chosen, period, language)} · {label('areas_events_note', language)}"
        data_credits.append(captions.events_credit(events, language))
    else:
        areas = areas_of_operation() if areas is None else areas
        title = label("areas_title", language)
        citation = areas.attrs.get("credit", "")
        cited = localized_credit(citation.partition(": ")[2] or citation, language)
        subtitle = typography(f"{label('source', language)}: {cited}", language) if citation else ""
        data_credits.append(citation)
    if areas.empty:
        raise InputError("no area of operation to draw: no group has a located event in the period")
    page = start_page(title, subtitle, size, language, admin.padded(admin.bounds("country"), 0.02), basemap)
    admin.country_fill(page.ax)
    admin.boundary_lines(page.ax, "department", linewidth=0.3, color="#a0a0a0")
    admin.boundary_lines(page.ax, "region", linewidth=1.0)
    handles, names = _group_outlines(page, areas, language)
    named = sorted({p for codes in areas["department_pcodes"] for p in codes.split("; ")})
    page.labels += admin.area_labels("department", page.ax, priority=3, only=named)
    page.labels += admin.area_labels("region", page.ax, priority=2, upper=True, skip=admin.capital_units(),
                                     style={"fontsize": 9})
    page.labels += capital.star(page.ax, language)
    page.ax.text(0.015, 0.985, _areas_note(areas, events is None, language), transform=page.ax.transAxes,
                 ha="left", va="top", fontsize=layout.MIN_FONT_PT, zorder=30, path_effects=layout.halo(),
                 gid="note:areas")
    sections = [(label("areas_title", language) if events is None else label("actor", language), handles, names)]
    return finish_page(page, language, sections, data_credits, out, dpi, credits)



def _group_outlines(page, areas, language):
    """Draw each group's outline (inset by group, own line style) and its name; return legend handles and names."""
    handles, names = [], []
    for i, row in enumerate(areas.to_crs(map_crs()).itertuples()):
        colour, dashes = GROUP_COLORS[i % len(GROUP_COLORS)], GROUP_LINESTYLES[i % len(GROUP_LINESTYLES)]
        inset = row.geometry.buffer(-_GROUP_INSET_M * (i % 4)) if i % 4 else row.geometry
        outline = inset if not inset.is_empty else row.geometry
        _polygon(page.ax, outline, zorder=6 + i * 0.01, facecolor="none", edgecolor=colour, linewidth=1.8,
                 linestyle=dashes)
        name = label(row.group, language)
        point = admin.label_point(outline)
        page.labels.append(layout.LabelItem(point.x, point.y, name, priority=1, kind="area",
                                            style={"fontsize": 8.5, "fontweight": "bold", "color": colour}))
        handles.append(Line2D([], [], color=colour, linewidth=1.8, linestyle=dashes))
        names.append(name)
    return handles, names



def _areas_note(areas, from_file, language):
    """"Situation mid-2024 · primary sources: … · areas generalised to whole departments"."""
    parts = []
    if from_file and areas.attrs.get("situation_year"):
        parts.append(label("areas_situation", language).format(year=areas.attrs["situation_year"]))
    if from_file and areas.attrs.get("primary_sources"):
        parts.append(f"{label('primary_sources', language)}: {areas.attrs['primary_sources']}")
    parts.append(label("areas_generalised", language))
    return "\n".join(parts)



def _polygon(ax, geometry, zorder, **style):
    gpd.GeoSeries([geometry]).plot(ax=ax, zorder=zorder, **style)
