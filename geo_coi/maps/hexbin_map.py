"""Incidents (or fatalities) per hexagon."""

from __future__ import annotations

from geo_coi.classes import classify
from geo_coi.crs import map_crs
from geo_coi.density import hexbin_counts
from geo_coi.errors import InputError
from geo_coi.maps import admin, capital, captions, layout, markers
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.style import label


def hexbin_map(events, size_km=25.0, *, period=None, measure="count", scheme="fisherjenks", k=5, language="en",
               size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()) -> MapResult:
    """Incidents (or fatalities) per hexagon of ``size_km`` (:func:`geo_coi.density.hexbin_counts`).

    Parameters
    ----------
    measure : {"count", "fatalities"}
    Others as :func:`~geo_coi.maps.annex_maps.annex1` and :func:`~geo_coi.maps.choropleth.choropleth`.
    """
    if measure not in ("count", "fatalities"):
        raise InputError(f"hexbin measure {measure!r} is not supported: use 'count' or 'fatalities'")
    chosen = markers.in_period(events, period)
    # hexagons cut at the border: counts are of events inside the country, the shapes say so too
    hexes = hexbin_counts(chosen, size_km=size_km).to_crs(map_crs()).clip(admin.units("country").to_crs(map_crs()))
    hexes = hexes.sort_values(["count", "hex_id"], kind="stable")
    note = label("hexagons_of", language).format(size=f"{size_km:g}")
    page = start_page(label("hexbin_title", language), f"{captions.subtitle(chosen, period, language)} · {note}", size,
                      language, admin.bounds("country"), basemap)
    admin.country_fill(page.ax)
    classes = classify(hexes[measure].to_numpy(dtype=float), scheme, k=k, zero_label="", no_data_label="")
    colors = [classes.colors[i] for i in classes.assign(hexes[measure].to_numpy(dtype=float))]
    hexes.plot(ax=page.ax, color=colors, edgecolor="white", linewidth=0.2, zorder=6)
    admin.boundary_lines(page.ax, "region", linewidth=0.8)
    page.labels += admin.area_labels("region", page.ax, priority=1, upper=True, skip=admin.capital_units())
    page.labels += capital.star(page.ax, language)
    key = "incidents" if measure == "count" else "fatalities"
    handles = [admin.class_patch(c) for c in classes.colors[2:]]
    sections = [(f"{label(key, language)} ({note})", handles, classes.labels[2:])]
    return finish_page(page, language, sections, [captions.events_credit(events, language)], out, dpi, credits)
