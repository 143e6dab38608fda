"""Annex 1 (Bijlage 1, every incident in the country) and Annex 2 (Bijlage 2, part of it, the capital inset)."""

from __future__ import annotations

from geo_coi.maps import admin, capital, captions, layout, markers
from geo_coi.maps.extent import extent_bounds
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.style import ADMIN_EDGE, label


def annex1(events, period=None, *, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
           extent=None, credits=()) -> MapResult:
    """Annex 1: every incident in the country for a period, by event type and fatalities.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events (:mod:`geo_coi.events`); ``attrs`` give the credit line.
    period : geo_coi.periods.Period or (start, end), optional
        Inclusive; ``None`` keeps every event.
    language : {"en", "fr", "nl"}
    size : {"A4-landscape", "A4-portrait"}
    out : str or Path, optional
        Path stem of the PNG/PDF/SVG files to write.
    basemap : geo_coi.maps.basemap.Basemap, optional
        Offline Natural Earth layers by default.
    dpi : int
        PNG resolution when saving.
    extent : geo_coi.config.Extent or (min_lon, min_lat, max_lon, max_lat), optional
        Frame of the map (:func:`extent_bounds`); default the whole country.
    credits : sequence of str
        Extra credit lines printed under the data credits (a config's ``credits.lines``).

    Returns
    -------
    MapResult
        The figure, the files written and the labels placed (:class:`geo_coi.maps.page.MapResult`).
    """
    chosen = markers.in_period(events, period)
    page = start_page(label("annex1_title", language), captions.subtitle(chosen, period, language), size, language,
                  extent_bounds(extent), basemap)
    admin.boundary_lines(page.ax, "region", linewidth=0.9)
    page.labels += admin.area_labels("region", page.ax, priority=1, upper=True, skip=admin.capital_units())
    sections, counts = markers.draw_events(page.ax, chosen, language)
    page.labels += capital.star(page.ax, language) + counts
    return finish_page(page, language, sections, [captions.events_credit(events, language)], out, dpi, credits)



def annex2(events, period=None, *, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
           extent=None, credits=(), title="annex2_title") -> MapResult:
    """Annex 2: incidents in part of the country by department, the capital in an inset.

    The frame is ``extent`` (a report config's ``[maps] annex2_extent``; default
    the whole country); the inset shows the capital's sub-units (Niamey's
    arrondissements, Bamako's communes) or, where the pack has none, its own
    unit (Ouagadougou: Kadiogo province). ``title`` is a translations.csv key.
    Parameters and return value as :func:`annex1`.
    """
    chosen = markers.in_period(events, period)
    page = start_page(label(title, language), "", size, language, extent_bounds(extent), basemap)
    shown = markers.in_frame(chosen, page.ax)  # the subtitle counts what this map shows, not the whole country
    subtitle = next(t for t in page.fig.texts if t.get_gid() == "subtitle")
    subtitle.set_text(f"{captions.subtitle(shown, period, language)} {label('in_map_area', language)}")
    admin.boundary_lines(page.ax, "department", linewidth=0.35, color="#8c8c8c")
    admin.boundary_lines(page.ax, "region", linewidth=1.0)
    page.labels += admin.area_labels("department", page.ax, priority=2, skip=admin.capital_units())
    page.labels += admin.area_labels("region", page.ax, priority=1, upper=True, skip=admin.capital_units(),
                                style={"fontsize": 9.5})
    sections, counts = markers.draw_events(page.ax, chosen, language)
    page.labels += counts
    inset_labels: list = []
    if capital.in_frame(page.ax):
        inset, inset_labels = capital.draw_inset(page, chosen, language)
        renderer = page.fig.canvas.get_renderer()
        frame = inset.get_window_extent(renderer)
        corner = page.ax.transData.inverted().transform((frame.x0, frame.y1))
        capital.connect(page.ax, corner, ADMIN_EDGE)
        page.obstacles.append(inset.get_tightbbox(renderer).expanded(1.02, 1.04))
    page.labels += capital.star(page.ax, language)
    return finish_page(page, language, sections, [captions.events_credit(events, language)], out, dpi, credits,
                       inset_labels=inset_labels)
