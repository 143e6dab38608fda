"""Reference maps the report uses: where the places it names are.

- :func:`regions_map` (the report's Kaart 1): the country's regions;
- :func:`region_map` (Kaart 4): one region's departments and communes (Niger: Tillabéri; the
  levels are the pack's: Mali's cercles and communes, Burkina Faso's provinces);
- :func:`capital_map` (Kaart 5): the capital's sub-units (Niamey's communal arrondissements,
  Bamako's communes), with the river between its banks (``geo_coi/data/capital_rivers.csv``).

They draw no event data; pages, legends, scale bar, locator and credits are
those of every static map (:mod:`geo_coi.maps.page`), and so are the outputs (PNG, PDF, SVG).
"""

from __future__ import annotations

import csv
import re
from importlib.resources import files

import geopandas as gpd
from matplotlib.lines import Line2D

from geo_coi import country
from geo_coi.admin_index import records
from geo_coi.boundaries import ascii_name
from geo_coi.crs import map_crs
from geo_coi.errors import InputError
from geo_coi.gazetteer import display_name, resolve
from geo_coi.maps import admin, capital, layout
from geo_coi.maps.basemap import Basemap
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.style import ADMIN_EDGE, WATER_COLOR, label

_COMMUNE_EDGE = "#8a8a8a"
_FILLS = ("#f3efe4", "#e4ecdc", "#e9e2ee", "#dfe9ef", "#f1e4dc", "#e7e7e7", "#eeeed8", "#dde8e4")  # pale, distinct


def regions_map(*, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
                credits=()) -> MapResult:
    """Kaart 1: the country's regions, each in its own pale tint and named.

    Parameters
    ----------
    language, size, out, basemap, dpi, credits
        As :func:`geo_coi.maps.annex_maps.annex1`.

    Returns
    -------
    geo_coi.maps.page.MapResult
    """
    page = start_page(label("regions_map_title", language), _note(language), size,
                          language, admin.padded(admin.bounds("country"), 0.02), basemap)
    _tinted(page.ax, admin.units("region"))
    admin.boundary_lines(page.ax, "region", linewidth=1.0)
    page.labels += admin.area_labels("region", page.ax, priority=1, upper=True, skip=admin.capital_units(),
                                        style={"fontsize": 10})
    page.labels += capital.star(page.ax, language)
    return finish_page(page, language, [_boundaries_section(("region",), language)], [], out, dpi, credits)


def region_map(region, *, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
               credits=()) -> MapResult:
    """Kaart 4: a region's departments (tinted, in capitals) and communes (outlined, named).

    ``region`` is a name or P-code (``"Tillabéri"``); the levels are the pack's (a pack without
    communes draws the departments only). Other parameters as :func:`regions_map`.
    """
    pcode = resolve(region, "region")
    with_communes = country.active().has_level("commune")
    departments = _in_region("department", pcode)
    page = _start_on(departments, region_map_title(pcode, language), size, language, basemap)
    _tinted(page.ax, departments)
    if with_communes:
        communes = _in_region("commune", pcode)
        communes.to_crs(map_crs()).boundary.plot(ax=page.ax, color=_COMMUNE_EDGE, linewidth=0.3,
                                                 zorder=8)  # its own only
    departments.to_crs(map_crs()).boundary.plot(ax=page.ax, color=ADMIN_EDGE, linewidth=0.8, zorder=8)
    admin.boundary_lines(page.ax, "region", linewidth=1.4)
    page.labels += admin.area_labels("department", page.ax, priority=1, upper=True,
                                        only=set(departments["pcode"]), style={"fontsize": 8, "color": "#555555"})
    if with_communes:
        page.labels += admin.area_labels("commune", page.ax, priority=3,
                                            only=set(communes["pcode"]), style={"fontsize": 6})
    page.labels += capital.star(page.ax, language)
    section = _boundaries_section(("region", "department", "commune")[:3 if with_communes else 2], language)
    return finish_page(page, language, [section], [], out, dpi, credits)


def region_map_title(pcode, language="en"):
    """"Tillabéri: departments and communes", in the pack's level names."""
    pack = country.active()
    name = next(display_name(r["name"]) for r in records("region") if r["pcode"] == pcode)
    department = pack.level("department").display(language, plural=True)
    if not pack.has_level("commune"):
        return f"{name}: {department}" if language != "fr" else f"{name}\u202f: {department}"
    commune = pack.level("commune").display(language, plural=True)
    return label("region_map_title", language).format(region=name, departments=department, communes=commune)


def capital_map(*, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
                credits=()) -> MapResult:
    """Kaart 5: the capital's sub-units and the river through the city (Niamey's five arrondissements).

    Where ``geo_coi/data/capital_rivers.csv`` names the sub-units of one bank, the river is drawn as
    the boundary between the banks (Niamey V; Bamako's Communes V and VI on the right bank):
    Natural Earth's river is too coarse at this scale (it would cross Niamey I), so the offline
    basemap is left out by default.
    """
    city = country.active().capital
    slot = city.subunit_slot if city is not None else None
    subunits = admin.units(slot) if slot else None
    if subunits is None or subunits.empty:
        raise InputError(f"{country.active().name()}'s pack has no sub-units of its capital: no capital map")
    page = _start_on(subunits, capital.inset_title(language), size, language,
                     basemap or Basemap(source="none"))
    _tinted(page.ax, subunits)
    admin.boundary_lines(page.ax, slot, linewidth=0.8)
    river = _river_between_banks(page.ax, subunits)
    page.labels += admin.area_labels(slot, page.ax, priority=1, upper=True,
                                        style={"fontsize": 10, "color": "#555555"})
    section = _boundaries_section(("arrondissement",), language, river=river)
    return finish_page(page, language, [section], [], out, dpi, credits)


def reference_maps(region=None, language="en") -> list[tuple]:
    """The reference maps the active pack allows: ``[(number, function name, unit name, title)]``.

    Kaart 1 always, Kaart 4 for ``region`` (a config's ``[maps] region_map``), Kaart 5 when the
    capital has sub-units.
    """
    maps = [(1, "regions_map", None, label("regions_map_title", language))]
    if region:
        maps.append((4, "region_map", region, region_map_title(resolve(region, "region"), language)))
    city = country.active().capital
    if city is not None and city.subunit_slot:
        maps.append((5, "capital_map", city.name, capital.inset_title(language)))
    return maps


def file_name(number: int, name: str | None) -> str:
    """Output name of a reference map: ``regions_map``, ``tillaberi_map``, ``niamey_map``."""
    return "regions_map" if number == 1 else re.sub(r"[^a-z0-9]+", "_", ascii_name(name).lower()).strip("_") + "_map"


# ----------------------------------------------------------------------------- steps


def _note(language):
    """"Reference map: administrative units (COD-AB 2023)", with the year of the pack's boundaries."""
    year = str(country.active().settings["boundaries"]["vintage"])[:4]
    return label("reference_map_note", language).format(year=year)


def _in_region(level, region_pcode):
    units = admin.units(level)
    return units[units["pcode"].str.startswith(region_pcode)]


def _start_on(units, title, size, language, basemap):
    return start_page(title, _note(language), size, language,
                          admin.padded(units.to_crs(map_crs()).total_bounds, 0.06), basemap)


def _river_between_banks(ax, subunits):
    """The river in the city: the shared boundary of one bank's sub-units and the others'.

    Returns the river's label key, or None when ``capital_rivers.csv`` has no line for the pack.
    """
    with files("geo_coi").joinpath("data/capital_rivers.csv").open(encoding="utf-8") as handle:
        rows = {row["iso3"]: row for row in csv.DictReader(handle)}
    row = rows.get(country.active().iso3)
    if row is None:
        return None
    shapes = subunits.to_crs(map_crs())
    right = shapes["name"].isin(row["bank"].split(";"))
    river = shapes[right].union_all().boundary.intersection(shapes[~right].union_all().boundary)
    gpd.GeoSeries([river], crs=map_crs()).plot(ax=ax, color=WATER_COLOR, linewidth=3.0, zorder=9, gid="river")
    return row["river"]


def _tinted(ax, units):
    """Fill each unit with a pale tint of its own (neighbours differ), under the basemap's water."""
    shapes = units.to_crs(map_crs()).reset_index(drop=True)
    colours = [_FILLS[i % len(_FILLS)] for i in range(len(shapes))]
    shapes.plot(ax=ax, color=colours, edgecolor="none", zorder=2)


def _boundary_name(level, language):
    """"Province boundary": the pack's name of an admin level, or of the capital's sub-units (``arrondissement``)."""
    if level != "arrondissement":
        return layout.level_label("boundary_", level, language)
    names = country.active().capital.subunit_names
    return label(f"boundary_{names.get('en', 'arrondissement')}", language)


def _boundaries_section(levels, language, river=None):
    """Legend section of the boundaries (and the river: its label key) drawn."""
    widths = {"region": 1.4, "department": 0.8, "commune": 0.3, "arrondissement": 0.8}
    handles = [Line2D([], [], color=ADMIN_EDGE if level != "commune" else _COMMUNE_EDGE, linewidth=widths[level])
               for level in levels]
    names = [_boundary_name(level, language) for level in levels]
    if river:
        handles.append(Line2D([], [], color=WATER_COLOR, linewidth=3.0))
        names.append(label(river, language))
    return label("legend_boundaries_water" if river else "legend_boundaries", language), handles, names
