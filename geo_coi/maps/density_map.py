"""The kernel density map, drawn from the GeoTIFF of :func:`geo_coi.density.write_geotiff`."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from rasterio.warp import Resampling, calculate_default_transform, reproject

from geo_coi.classes import classify
from geo_coi.crs import map_crs
from geo_coi.density import lone_event_floor, read_geotiff
from geo_coi.maps import admin, capital, captions, layout
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.style import label


def density_map(geotiff_path, *, language="en", size="A4-landscape", out=None, basemap=None, scheme="fisherjenks",
                k=6, breaks=None, floor=None, events_attrs=None, period=None, dpi=layout.PRINT_DPI,
                credits=()) -> MapResult:
    """Kernel density of incidents drawn from a GeoTIFF written by :func:`geo_coi.density.write_geotiff`.

    Parameters
    ----------
    geotiff_path : str or Path
        Density in events per km² (equal-area CRS); its tags give the bandwidth.
    scheme, k
        Classification of the density above the floor (:func:`geo_coi.classes.classify`).
    breaks : sequence of float, optional
        Fixed upper bounds of the classes (incidents per 1,000 km²), e.g. from
        the config, so that maps of two periods compare; overrides ``scheme``.
    floor : float, optional
        Densities below it (per 1,000 km²) are left transparent. Default:
        :func:`geo_coi.density.lone_event_floor` of the surface's bandwidth.
    events_attrs : dict, optional
        ``attrs`` of the event table the surface came from (credit line).
    period : Period or (start, end), optional
        Only for the subtitle.
    language, size, out, basemap, dpi, credits
        As :func:`~geo_coi.maps.annex_maps.annex1`.
    """
    surface = read_geotiff(geotiff_path)
    grid, extent = _warp_to_map(surface)
    floor = lone_event_floor(surface.bandwidth_km) if not floor else float(floor)
    per_1000 = grid * 1000.0
    per_1000 = np.where(per_1000 < floor, 0.0, per_1000)  # NaN (outside the country) stays NaN
    note = _bandwidth_note(surface, language)
    page = start_page(label("density_title", language), f"{captions.period_text(period, language)} · {note}", size,
                      language, admin.bounds("country"), basemap)
    admin.country_fill(page.ax)
    classes = classify(per_1000[np.isfinite(per_1000)], "user" if breaks else scheme, k=k, breaks=breaks,
                       zero_label="", no_data_label="", decimals=2, language=language)
    _draw_grid(page.ax, per_1000, extent, classes)
    page.ax.text(0.015, 0.985, textwrap.fill(label("density_edge_note", language), 58), transform=page.ax.transAxes,
                 ha="left",
                 va="top", fontsize=layout.MIN_FONT_PT, zorder=30, path_effects=layout.halo(), gid="note:edge")
    admin.boundary_lines(page.ax, "region", linewidth=0.8)
    page.labels += admin.area_labels("region", page.ax, priority=1, upper=True, skip=admin.capital_units())
    page.labels += capital.star(page.ax, language)
    page.ax.text(0.97, 0.012, note, transform=page.ax.transAxes, ha="right", va="bottom", fontsize=7.5, zorder=30,
                 path_effects=layout.halo(), gid="note:bandwidth")
    handles = [admin.class_patch(c) for c in classes.colors[2:]]
    sections = [(label("per_1000_km2", language), handles, classes.labels[2:])]
    data_credits = [captions.attrs_credit(events_attrs or {}, language)]
    return finish_page(page, language, sections, data_credits, out, dpi, credits)



def _bandwidth_note(surface, language):
    note = (f"{label('bandwidth', language)}: {surface.bandwidth_km:g} km ({label(surface.kernel, language)}), "
            f"{label('cell', language)} {surface.cell_km:g} km")
    if surface.weight:
        note += f", {label('weighted_by', language)} {label(surface.weight, language).lower()}"
    return note



def _warp_to_map(surface):
    """Reproject a density surface to the map CRS; returns (grid, imshow extent)."""
    rows, cols = surface.values.shape
    left, top = surface.transform.c, surface.transform.f
    right, bottom = left + cols * surface.transform.a, top + rows * surface.transform.e
    transform, width, height = calculate_default_transform(surface.crs.to_wkt(), map_crs().to_wkt(), cols, rows,
                                                           left, bottom, right, top)
    grid = np.full((height, width), np.nan, dtype="float32")
    reproject(surface.values, grid, src_transform=surface.transform, src_crs=surface.crs.to_wkt(), src_nodata=np.nan,
              dst_transform=transform, dst_crs=map_crs().to_wkt(), dst_nodata=np.nan, resampling=Resampling.nearest)
    extent = (transform.c, transform.c + width * transform.a, transform.f + height * transform.e, transform.f)
    return grid, extent



def _draw_grid(ax, grid, extent, classes):
    index = classes.assign(np.where(np.isfinite(grid), grid, np.nan)).astype(float)
    index[~np.isfinite(grid)] = np.nan
    cmap = ListedColormap(["none", "none"] + classes.colors[2:])  # no data and below the floor: transparent
    cmap.set_bad(alpha=0)
    norm = BoundaryNorm(np.arange(-0.5, len(classes.colors)), cmap.N)
    ax.imshow(np.ma.masked_invalid(index), extent=extent, cmap=cmap, norm=norm, interpolation="nearest", zorder=4,
              origin="upper")
