"""Map steps: Annex 1 and 2, choropleths, density, hexbin, displacement, armed groups, reference maps, HTML map."""

from __future__ import annotations

from collections.abc import Callable

from geo_coi import density as kde
from geo_coi.armed_groups import areas_of_operation
from geo_coi.displacement import by_unit, report_figures
from geo_coi.errors import InputError
from geo_coi.maps import annex_maps, reference
from geo_coi.maps.armed_groups_map import armed_groups_map
from geo_coi.maps.choropleth import choropleth
from geo_coi.maps.density_map import density_map
from geo_coi.maps.displacement_map import displacement_map
from geo_coi.maps.hexbin_map import hexbin_map
from geo_coi.maps.html import interactive_map
from geo_coi.steps.common import (
    extent,
    has_data,
    leave_out,
    map_options,
    number,
    report_date,
    require_data,
    selected,
    title,
)

# Measures known per region only (populations are known per region).
REGION_ONLY_SUFFIX = "_per_100k"


def events_map(draw: Callable, name: str, caption: str) -> Callable:
    """The step of a map kind that draws the report's events: ``draw`` into ``maps/<name>``.

    Parameters
    ----------
    draw : callable
        ``draw(events, period, *, language, size, credits, out)``, a map function of
        :mod:`geo_coi.maps` (one module over :mod:`geo_coi.maps.page`).
    name : str
        Stem of the files (``maps/<name>_<language>.png`` ...).
    caption : str
        The translations.csv key of the gallery caption.

    Returns
    -------
    callable
        ``step(run)``, for a :class:`geo_coi.products.Product`.
    """
    def step(run) -> None:
        draw(selected(run), run.config.current, **map_options(run), out=run.stem("maps", name, title(run, caption)))

    step.__doc__ = f"The {name} map: the report's events in its period ({draw.__module__}.{draw.__name__})."
    return step


def annex1(run) -> None:
    """Annex 1: the report's incidents over the whole country."""
    annex_maps.annex1(selected(run), run.config.current, extent=extent(run, 1), **map_options(run),
                      out=run.stem("maps", "annex1", f"{title(run, 'annex')} 1: {title(run, 'annex1_title')}"))


def annex2(run) -> None:
    """Annex 2: the report's incidents in the config's second frame."""
    annex_maps.annex2(selected(run), run.config.current, extent=extent(run, 2), title=run.config.maps.annex2_title,
                      **map_options(run),
                      out=run.stem("maps", "annex2", f"{title(run, 'annex')} 2: {title(run, 'annex2_title')}"))


def choropleth_pairs(levels, measures) -> list[tuple[str, str]]:
    """The (level, measure) pairs drawn: a rate per 100,000 only per region."""
    return [(level, measure) for level in levels for measure in measures
            if not (measure.endswith(REGION_ONLY_SUFFIX) and level != "region")]


def choropleths(run) -> None:
    """One choropleth per level and measure of the config."""
    events = selected(run)
    maps = run.config.maps
    for level, measure in choropleth_pairs(maps.choropleth_levels, maps.choropleth_measures):
        caption = f"{title(run, measure)} ({title(run, level)})"
        choropleth(events, level, measure, scheme=maps.scheme, k=maps.classes, period=run.config.current,
                   **map_options(run), out=run.stem("maps", f"choropleth_{level}_{measure}", caption))


def density(run) -> None:
    """The kernel density surface (GeoTIFF, kept on the run for the HTML map) and its map."""
    maps = run.config.maps
    surface = kde.kde(selected(run), bandwidth_km=maps.density_bandwidth_km, cell_km=maps.density_cell_km)
    name = f"density_{number(maps.density_bandwidth_km)}km"
    run.density_tif = run.stem("data", name, title(run, "caption_density_tif"), localized=False)
    run.density_tif = run.density_tif.with_name(run.density_tif.name + ".tif")
    kde.write_geotiff(surface, run.density_tif)
    density_map(run.density_tif, events_attrs=run.events.attrs, period=run.config.current, breaks=maps.density_breaks,
                floor=maps.density_floor, **map_options(run),
                out=run.stem("maps", "density", title(run, "density_title")))


def hexbin(run) -> None:
    """Incidents per hexagon."""
    hexbin_map(selected(run), size_km=run.config.maps.hexbin_size_km, period=run.config.current,
               scheme=run.config.maps.scheme, k=run.config.maps.classes, **map_options(run),
               out=run.stem("maps", "hexbin", title(run, "hexbin_title")))


def displacement(run) -> None:
    """Two maps: UNHCR's latest end-of-year figures, and the report's own (October 2024) figures."""
    require_data("displacement")
    as_of = str(report_figures()["as_of"].iloc[0])
    displacement_map(figures="unhcr", report_date=report_date(run), **map_options(run),
                     out=run.stem("maps", "displacement_unhcr", f"{title(run, 'idps')} (UNHCR)"))
    displacement_map(figures="report", year=run.config.figures_year, **map_options(run),
                     out=run.stem("maps", f"displacement_report_{as_of}", f"{title(run, 'idps')} ({as_of})"))


def armed_groups(run) -> None:
    """Areas of operation of armed groups."""
    require_data("areas_of_operation", run.config.areas_file)
    armed_groups_map(areas_of_operation(run.config.areas_file), **map_options(run),
                     out=run.stem("maps", "armed_groups", title(run, "areas_title")))


def reference_maps(run) -> None:
    """The report's reference maps: Kaart 1 (regions), Kaart 4 (``[maps] region_map``), Kaart 5 (the capital)."""
    for number_, function, name, caption in reference.reference_maps(run.config.maps.region_map, run.language):
        getattr(reference, function)(**map_options(run), **({"region": name} if number_ == 4 else {}),
                                     out=run.stem("maps", f"kaart{number_}_{reference.file_name(number_, name)}",
                                                  f"{title(run, 'map_number')} {number_}: {caption}"))


def interactive(run) -> None:
    """The interactive map (at the public sharing level: aggregates, no incident markers)."""
    out = run.stem("html", "incidents", title(run, "caption_interactive"))
    aggregates = leave_out(run, "incident markers of the interactive map")
    interactive_map(selected(run), run.config.current, language=run.language, density=run.density_tif,
                    event_rows=not aggregates, hexbin_size_km=run.config.maps.hexbin_size_km if aggregates else None,
                    displacement=by_unit(before=report_date(run)) if has_data("displacement") else None,
                    armed_groups=areas_of_operation(run.config.areas_file)
                    if has_data("areas_of_operation", run.config.areas_file) else None,
                    scheme=run.config.maps.scheme, k=run.config.maps.classes, out=out.with_name(out.name + ".html"),
                    languages=run.config.maps.html_languages, assets=run.config.maps.html_assets)


def check_choropleth(config) -> None:
    """Refuse levels and measures that leave no choropleth to draw (a rate per 100,000 below the region)."""
    maps = config.maps
    if not choropleth_pairs(maps.choropleth_levels, maps.choropleth_measures):
        measures = ", ".join(maps.choropleth_measures)
        raise InputError(f"no choropleth to draw: {measures} is known per region only (populations are known per "
                         f"region), not per {', '.join(maps.choropleth_levels)}; use --level region, or a count "
                         "(--measure incidents or fatalities) or incidents_per_1000km2 with this level")
