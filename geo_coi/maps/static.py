"""The report's static maps, one function per map.

Every function draws in the pack's map CRS (:func:`geo_coi.crs.map_crs`) on an A4 page (see
:mod:`geo_coi.maps.layout`), returns the matplotlib Figure and, when ``out``
(a path stem) is given, writes ``out``.png (300 dpi), .pdf and .svg,
byte-identical for the same input. Each page carries a title and a subtitle
with the period, a legend, a km scale bar, a north arrow, an inset locator
and the credit lines of the data drawn.

Maps
----
:func:`annex1` (Bijlage 1), :func:`annex2` (Bijlage 2), :func:`choropleth`,
:func:`density_map`, :func:`hexbin_map`, :func:`displacement_map`,
:func:`armed_groups_map`.
"""

from __future__ import annotations

import numpy as np

from geo_coi.classes import SCHEMES, Classes, classify  # noqa: F401  (re-exported: static.classify)
from geo_coi.errors import InputError
from geo_coi.maps import basemap as _basemap
from geo_coi.maps import layout

# Fatality classes of the event symbols: lower bounds and marker areas (pt²).
FATALITY_BREAKS = (0, 1, 5, 20, 50)
FATALITY_SIZES = (9, 20, 42, 80, 150)
_GROUP_INSET_M = 3_000.0  # each overlapping group's outline is drawn this much inside the previous one
DUPLICATE_KM = 30.0  # a town label this close to its unit's label under another spelling is dropped
MEASURES = ("incidents_per_1000km2", "incidents", "fatalities", "incidents_per_100k", "fatalities_per_100k")


# ----------------------------------------------------------------------------- maps


def annex1(events, period=None, *, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
           extent=None, credits=()):
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
    matplotlib.figure.Figure
    """
    from geo_coi.style import label

    chosen = _in_period(events, period)
    page = _start(label("annex1_title", language), _subtitle(chosen, period, language), size, language,
                  extent_bounds(extent), basemap)
    _admin(page.ax, "region", linewidth=0.9)
    page.labels += _area_labels("region", page.ax, priority=1, upper=True, skip=_capital_units())
    sections, counts = _draw_events(page.ax, chosen, language)
    page.labels += _niamey(page.ax, language) + counts
    return _finish(page, language, sections, [_event_credit(events, language)], out, dpi, credits)


def annex2(events, period=None, *, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
           extent=None, credits=(), title="annex2_title"):
    """Annex 2: incidents in part of the country by department, the capital in an inset.

    The frame is ``extent`` (a report config's ``[maps] annex2_extent``; default
    the whole country); the inset shows the capital's sub-units (Niamey's
    arrondissements, Bamako's communes) or, where the pack has none, its own
    unit (Ouagadougou: Kadiogo province). ``title`` is a translations.csv key.
    Parameters and return value as :func:`annex1`.
    """
    from geo_coi.style import ADMIN_EDGE, label

    chosen = _in_period(events, period)
    page = _start(label(title, language), "", size, language, extent_bounds(extent), basemap)
    shown = _in_frame(chosen, page.ax)  # the subtitle counts what this map shows, not the whole country
    subtitle = next(t for t in page.fig.texts if t.get_gid() == "subtitle")
    subtitle.set_text(f"{_subtitle(shown, period, language)} {label('in_map_area', language)}")
    _admin(page.ax, "department", linewidth=0.35, color="#8c8c8c")
    _admin(page.ax, "region", linewidth=1.0)
    page.labels += _area_labels("department", page.ax, priority=2, skip=_capital_units())
    page.labels += _area_labels("region", page.ax, priority=1, upper=True, skip=_capital_units(),
                                style={"fontsize": 9.5})
    sections, counts = _draw_events(page.ax, chosen, language)
    page.labels += counts
    if _capital_in_frame(page.ax):
        inset = _capital_inset(page, chosen, language)
        renderer = page.fig.canvas.get_renderer()
        frame = inset.get_window_extent(renderer)
        corner = page.ax.transData.inverted().transform((frame.x0, frame.y1))
        _connect_capital(page.ax, corner, ADMIN_EDGE)
        page.obstacles.append(inset.get_tightbbox(renderer).expanded(1.02, 1.04))
    page.labels += _niamey(page.ax, language)
    return _finish(page, language, sections, [_event_credit(events, language)], out, dpi, credits)


def choropleth(events, level="region", measure="incidents_per_1000km2", scheme="fisherjenks", *, k=5, breaks=None,
               period=None,
               values=None, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
               credits=()):
    """Incidents per 1,000 km² (default), counts or rates per 100,000 inhabitants per region or department.

    Departments range from 74 to 277,706 km², so the default is a density;
    raw counts mislead. On the regions map each region carries its value.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events (used for the values unless ``values`` is given, and for the credit line).
    level : {"region", "department"}
    measure : {"incidents_per_1000km2", "incidents", "fatalities", "incidents_per_100k", "fatalities_per_100k"}
        Rates per 100,000 need populations (regions only).
    scheme : str
        Classification of the values above zero (:func:`geo_coi.classes.classify`).
    k : int
        Number of classes above zero.
    breaks : sequence of float, optional
        Upper bounds of the classes for ``scheme="user"``.
    period : Period or (start, end), optional
    values : pandas.DataFrame, optional
        Precomputed :func:`geo_coi.stats.by_unit` table (``pcode`` and ``measure`` columns).
    language, size, out, basemap, dpi, credits
        As :func:`annex1`.

    Returns
    -------
    matplotlib.figure.Figure
        Zero gets its own class ("no incidents recorded" / "no fatalities
        recorded"), missing values (e.g. no population) a hatched "no data" class.
    """
    from geo_coi.style import label

    if measure not in MEASURES:
        raise InputError(f"choropleth measure {measure!r} is not supported: use one of {', '.join(MEASURES)}")
    if values is None:
        from geo_coi.stats import by_unit

        values = by_unit(events, level, period=period)
    units = _units(level).merge(_values_column(values, measure, level), on="pcode", how="left")
    title = f"{label(measure, language)} {layout.level_label('by_', level, language)}"
    subtitle = _subtitle(_in_period(events, period), period, language)
    page = _start(title, subtitle, size, language, _bounds("country"), basemap)
    decimals = 2 if measure.endswith("km2") else 1 if measure.endswith("100k") else 0
    classes = classify(units["value"].to_numpy(dtype=float), scheme, k=k, breaks=breaks,
                       zero_label=label("no_incidents" if measure.startswith("incidents") else "no_fatalities",
                                        language),
                       no_data_label=label("no_data", language), decimals=decimals, language=language)
    handles = _fill_classes(page.ax, units, classes)
    if level == "department":
        _admin(page.ax, "region", linewidth=1.0)
    names = _unit_labels(level, page.ax) + _niamey(page.ax, language, fill=_niamey_fill(units, classes))
    page.labels += _with_values(names, units, decimals, language) if level == "region" else names
    shown = _present(classes, units["value"])
    sections = [(label(measure, language), [handles[i] for i in shown], [classes.labels[i] for i in shown])]
    data_credits = [_event_credit(events, language)]
    if measure.endswith("100k"):
        data_credits.append(_population_credit(language))
    return _finish(page, language, sections, data_credits, out, dpi, credits)


def density_map(geotiff_path, *, language="en", size="A4-landscape", out=None, basemap=None, scheme="fisherjenks",
                k=6, breaks=None, floor=None, events_attrs=None, period=None, dpi=layout.PRINT_DPI, credits=()):
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
        As :func:`annex1`.
    """
    from geo_coi.density import lone_event_floor, read_geotiff
    from geo_coi.style import label

    surface = read_geotiff(geotiff_path)
    grid, extent = _warp_to_map(surface)
    floor = lone_event_floor(surface.bandwidth_km) if not floor else float(floor)
    per_1000 = grid * 1000.0
    per_1000 = np.where(per_1000 < floor, 0.0, per_1000)  # NaN (outside the country) stays NaN
    note = _bandwidth_note(surface, language)
    page = _start(label("density_title", language), f"{_period_text(period, language)} · {note}", size, language,
                  _bounds("country"), basemap)
    _units_fill(page.ax)
    classes = classify(per_1000[np.isfinite(per_1000)], "user" if breaks else scheme, k=k, breaks=breaks,
                       zero_label="", no_data_label="", decimals=2, language=language)
    _draw_grid(page.ax, per_1000, extent, classes)
    import textwrap

    page.ax.text(0.015, 0.985, textwrap.fill(label("density_edge_note", language), 58), transform=page.ax.transAxes,
                 ha="left",
                 va="top", fontsize=layout.MIN_FONT_PT, zorder=30, path_effects=layout.halo(), gid="note:edge")
    _admin(page.ax, "region", linewidth=0.8)
    page.labels += _area_labels("region", page.ax, priority=1, upper=True, skip=_capital_units())
    page.labels += _niamey(page.ax, language)
    page.ax.text(0.97, 0.012, note, transform=page.ax.transAxes, ha="right", va="bottom", fontsize=7.5, zorder=30,
                 path_effects=layout.halo(), gid="note:bandwidth")
    handles = [_patch(c) for c in classes.colors[2:]]
    sections = [(label("per_1000_km2", language), handles, classes.labels[2:])]
    return _finish(page, language, sections, [_event_credit_attrs(events_attrs or {}, language)], out, dpi, credits)


def hexbin_map(events, size_km=25.0, *, period=None, measure="count", scheme="fisherjenks", k=5, language="en",
               size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()):
    """Incidents (or fatalities) per hexagon of ``size_km`` (:func:`geo_coi.density.hexbin_counts`).

    Parameters
    ----------
    measure : {"count", "fatalities"}
    Others as :func:`annex1` and :func:`choropleth`.
    """
    from geo_coi.crs import map_crs
    from geo_coi.density import hexbin_counts
    from geo_coi.style import label

    if measure not in ("count", "fatalities"):
        raise InputError(f"hexbin measure {measure!r} is not supported: use 'count' or 'fatalities'")
    chosen = _in_period(events, period)
    # hexagons cut at the border: counts are of events inside the country, the shapes say so too
    hexes = hexbin_counts(chosen, size_km=size_km).to_crs(map_crs()).clip(_units("country").to_crs(map_crs()))
    hexes = hexes.sort_values(["count", "hex_id"], kind="stable")
    note = label("hexagons_of", language).format(size=f"{size_km:g}")
    page = _start(label("hexbin_title", language), f"{_subtitle(chosen, period, language)} · {note}", size, language,
                  _bounds("country"), basemap)
    _units_fill(page.ax)
    classes = classify(hexes[measure].to_numpy(dtype=float), scheme, k=k, zero_label="", no_data_label="")
    colors = [classes.colors[i] for i in classes.assign(hexes[measure].to_numpy(dtype=float))]
    hexes.plot(ax=page.ax, color=colors, edgecolor="white", linewidth=0.2, zorder=6)
    _admin(page.ax, "region", linewidth=0.8)
    page.labels += _area_labels("region", page.ax, priority=1, upper=True, skip=_capital_units())
    page.labels += _niamey(page.ax, language)
    key = "incidents" if measure == "count" else "fatalities"
    sections = [(f"{label(key, language)} ({note})", [_patch(c) for c in classes.colors[2:]], classes.labels[2:])]
    return _finish(page, language, sections, [_event_credit(events, language)], out, dpi, credits)


def displacement_map(level="region", year=None, *, figures="unhcr", report_date=None, language="en",
                     size="A4-landscape", out=None, basemap=None, scheme="fisherjenks", k=4, dpi=layout.PRINT_DPI,
                     credits=()):
    """Displaced people: IDPs as proportional circles over a choropleth of refugees and asylum-seekers.

    Parameters
    ----------
    level : {"region", "department"}
    year : int, optional
        UNHCR year (default: the latest, or with ``report_date`` the latest end of year before it).
    report_date : datetime.date, optional
        The report's date: its map never shows UNHCR figures released after it.
    figures : {"unhcr", "report"}
        Source of the IDP circles: UNHCR's end-of-year statistics, or the
        report's October 2024 figures (regions only).
    Others as :func:`annex1`.
    """
    from geo_coi.crs import map_crs
    from geo_coi.displacement import by_unit, report_figures
    from geo_coi.style import DISPLACEMENT_CMAP, UNHCR_CREDIT, label

    if figures not in ("unhcr", "report"):
        raise InputError(f"displacement figures {figures!r} not supported: use 'unhcr' or 'report'")
    if figures == "report" and year is None:
        year = int(str(report_figures()["as_of"].iloc[0])[:4])  # UNHCR's year beside the report's own figures
    refugees = by_unit(level, year=year, pop_types=("REF", "ASY"), before=report_date).to_crs(map_crs())
    year = refugees.attrs["year"]
    unhcr_date = f"{label('unhcr_end_year', language)} {year}"
    if figures == "report":
        if level != "region":
            raise InputError("the report's displacement figures are by region: "
                             "use level='region' with figures='report'")
        report = report_figures()
        report = report[report["population"] == "IDP"]
        idps = refugees[["pcode", "geometry"]].merge(report[["region_pcode", "value", "as_of", "source"]],
                                                     left_on="pcode", right_on="region_pcode", how="left")
        idp_date, idp_credit = _month_text(report["as_of"].iloc[0], language), str(report["source"].iloc[0])
        # the report names a national total larger than the regions it lists: say so on the map
        total = report.loc[~report["region_pcode"].isin(refugees["pcode"]), "value"]
        note = f"{label('as_of', language)} {idp_date}"
        if len(total):
            note += f" · {label('idps_total', language)}: {_number(total.iloc[0])} {label('idps', language).lower()}"
    else:
        idps = by_unit(level, year=year, pop_types=("IDP",)).to_crs(map_crs())
        idp_date, idp_credit = unhcr_date, UNHCR_CREDIT
        note = f"{label('as_of', language)} {idp_date}"
    subtitle = (f"{label('idps', language)}: {label('as_of', language)} {idp_date} · "
                f"{label('refugees', language)}: {unhcr_date}")
    page = _start(label("displacement_title", language), subtitle, size, language, _bounds("country"), basemap)
    classes = classify(refugees["value"].to_numpy(dtype=float), scheme, k=k, zero_label=label("no_data", language),
                       no_data_label=label("no_data", language), language=language, cmap=DISPLACEMENT_CMAP)
    fill = _fill_classes(page.ax, refugees, classes)
    if level == "department":
        _admin(page.ax, "region", linewidth=1.0)
    circles, anchors = _proportional_circles(page.ax, idps)
    page.labels += _clear_of_circles(page, _unit_labels(level, page.ax), anchors)
    page.labels += _niamey(page.ax, language, fill=_niamey_fill(refugees, classes))
    page.ax.text(0.97, 0.012, note, transform=page.ax.transAxes, ha="right",
                 va="bottom", fontsize=8, fontweight="bold", zorder=30, path_effects=layout.halo(),
                     gid="note:figure-date")
    sections = [
        (f"{label('idps', language)} ({idp_date})", *circles),
        (f"{label('refugees', language)} ({unhcr_date})", fill[:1] + fill[2:], classes.labels[:1] + classes.labels[2:]),
    ]
    return _finish(page, language, sections, [UNHCR_CREDIT, idp_credit], out, dpi, credits)


def armed_groups_map(areas=None, *, events=None, period=None, actors=None, language="en", size="A4-landscape",
                     out=None, basemap=None, dpi=layout.PRINT_DPI, credits=()):
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
    Others as :func:`annex1`.
    """
    from geo_coi.armed_groups import areas_from_events, areas_of_operation
    from geo_coi.style import label, localized_credit, typography

    data_credits = []
    if events is not None:
        chosen = _in_period(events, period)
        areas = areas_from_events(chosen, actors=actors)
        title = label("areas_events_title", language)
        subtitle = f"{_subtitle(chosen, period, language)} · {label('areas_events_note', language)}"
        data_credits.append(_event_credit(events, language))
    else:
        areas = areas_of_operation() if areas is None else areas
        title = label("areas_title", language)
        citation = areas.attrs.get("credit", "")
        cited = localized_credit(citation.partition(": ")[2] or citation, language)
        subtitle = typography(f"{label('source', language)}: {cited}", language) if citation else ""
        data_credits.append(citation)
    if areas.empty:
        raise InputError("no area of operation to draw: no group has a located event in the period")
    page = _start(title, subtitle, size, language, _padded(_bounds("country"), 0.02), basemap)
    _units_fill(page.ax)
    _admin(page.ax, "department", linewidth=0.3, color="#a0a0a0")
    _admin(page.ax, "region", linewidth=1.0)
    handles, names = _group_outlines(page, areas, language)
    named = sorted({p for codes in areas["department_pcodes"] for p in codes.split("; ")})
    page.labels += _area_labels("department", page.ax, priority=3, only=named)
    page.labels += _area_labels("region", page.ax, priority=2, upper=True, skip=_capital_units(), style={"fontsize": 9})
    page.labels += _niamey(page.ax, language)
    page.ax.text(0.015, 0.985, _areas_note(areas, events is None, language), transform=page.ax.transAxes,
                 ha="left", va="top", fontsize=layout.MIN_FONT_PT, zorder=30, path_effects=layout.halo(),
                 gid="note:areas")
    sections = [(label("areas_title", language) if events is None else label("actor", language), handles, names)]
    return _finish(page, language, sections, data_credits, out, dpi, credits)


def _group_outlines(page, areas, language):
    """Draw each group's outline (inset by group, own line style) and its name; return legend handles and names."""
    from matplotlib.lines import Line2D

    from geo_coi.crs import map_crs
    from geo_coi.style import GROUP_COLORS, GROUP_LINESTYLES, label

    handles, names = [], []
    for i, row in enumerate(areas.to_crs(map_crs()).itertuples()):
        colour, dashes = GROUP_COLORS[i % len(GROUP_COLORS)], GROUP_LINESTYLES[i % len(GROUP_LINESTYLES)]
        inset = row.geometry.buffer(-_GROUP_INSET_M * (i % 4)) if i % 4 else row.geometry
        outline = inset if not inset.is_empty else row.geometry
        _polygon(page.ax, outline, zorder=6 + i * 0.01, facecolor="none", edgecolor=colour, linewidth=1.8,
                 linestyle=dashes)
        name = label(row.group, language)
        point = _label_point(outline)
        page.labels.append(layout.LabelItem(point.x, point.y, name, priority=1, kind="area",
                                            style={"fontsize": 8.5, "fontweight": "bold", "color": colour}))
        handles.append(Line2D([], [], color=colour, linewidth=1.8, linestyle=dashes))
        names.append(name)
    return handles, names


def _areas_note(areas, from_file, language):
    """"Situation mid-2024 · primary sources: … · areas generalised to whole departments"."""
    from geo_coi.style import label

    parts = []
    if from_file and areas.attrs.get("situation_year"):
        parts.append(label("areas_situation", language).format(year=areas.attrs["situation_year"]))
    if from_file and areas.attrs.get("primary_sources"):
        parts.append(f"{label('primary_sources', language)}: {areas.attrs['primary_sources']}")
    parts.append(label("areas_generalised", language))
    return "\n".join(parts)


# ----------------------------------------------------------------------------- page steps


def _start(title, subtitle, size, language, bounds, basemap):
    from geo_coi.style import check_language

    check_language(language)
    page = layout.new_page(title, subtitle, size)
    layout.set_extent(page.ax, bounds, within=_basemap.coverage())
    credits, labels = _basemap.draw(page.ax, basemap, language)
    page.labels += labels
    page.credits += credits
    return page


def _finish(page, language, sections, data_credits, out, dpi, extra_credits=()):
    from geo_coi.style import boundary_credit, localized_credit

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
    layout.add_legends(page.panel, sections + [_features_section(ax, language)])
    obstacles = page.obstacles + layout.furniture_boxes(ax)
    symbols = np.concatenate([layout.symbol_boxes(ax, ("towns", "niamey")),
                              layout.symbol_boxes(ax, ("events",), EVENT_OBSTACLE_AREA)])
    placed, dropped = layout.place_labels(ax, _without_repeats(page.labels), obstacles=obstacles, symbols=symbols)
    page.fig.placed_labels, page.fig.dropped_labels = placed, dropped
    lines = [localized_credit(line, language) for line in data_credits + [boundary_credit()] + page.credits]
    layout.credit_block(page.fig, lines + [localized_credit(line, language) for line in extra_credits], page.size)
    if out is not None:
        page.fig.saved_files = layout.save(page.fig, out, dpi=dpi)
    return page.fig


def _features_section(ax, language):
    """Legend of the map's reference features, each entry drawn like the layer it names (found by gid)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from geo_coi.style import FOCUS_COLOR, NEIGHBOUR_EDGE, WATER_COLOR, WATER_FILL, label

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
    from geo_coi.style import label

    notes = []
    if any(title == label("location_precision", language) for title, *_ in sections):
        notes.append(label("locations_approximate", language))
    if any(title == label("event_type", language) and handles for title, handles, _ in sections):
        notes.append(label("count_beside_symbol", language))
    return notes + [label("disclaimer", language), f"{label('produced', language)}: {layout.production_date()}"]


def extent_bounds(extent=None):
    """Map-CRS bounds (minx, miny, maxx, maxy) of a map frame.

    Parameters
    ----------
    extent : geo_coi.config.Extent or (min_lon, min_lat, max_lon, max_lat), optional
        Whole regions, departments within a region and/or a lon/lat box (their
        union); ``None`` or an extent naming nothing is the whole country.

    Returns
    -------
    numpy.ndarray
    """
    import geopandas as gpd
    import shapely

    from geo_coi.config import Extent
    from geo_coi.crs import map_crs
    from geo_coi.gazetteer import resolve

    if extent is None:
        return _bounds("country")
    if not isinstance(extent, Extent):
        extent = Extent(name="bbox", bbox=_checked_bbox(extent))
    if extent.is_national:
        return _bounds("country")
    regions, departments = _units("region"), _units("department")
    parts = list(regions[regions["pcode"].isin([resolve(r, "region") for r in extent.regions])].geometry)
    for region, names in extent.departments:
        wanted = [resolve(name, "department", within=region) for name in names]
        parts += list(departments[departments["pcode"].isin(wanted)].geometry)
    if extent.bbox is not None:
        box = _checked_bbox(extent.bbox)
        parts.append(shapely.box(*box).segmentize(0.1))  # densified: edges curve in the map CRS
    return gpd.GeoSeries(parts, crs=4326).to_crs(map_crs()).total_bounds


def _checked_bbox(bbox):
    try:
        values = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 4 or not (values[0] < values[2] and values[1] < values[3]):
        raise InputError(f"map extent {bbox!r} is not a box: give (min_lon, min_lat, max_lon, max_lat) "
                         "with min < max, or a geo_coi.config.Extent")
    return values


def _without_repeats(items):
    """Drop point labels (towns) that repeat an area label's name.

    A town goes when an area label (not in capitals) has the same normalised
    name anywhere (department "Dosso", town "Dosso"), or when the town's name
    is a gazetteer alias of that area and the two are within
    :data:`DUPLICATE_KM` (department "Ayerou", town "Ayorou").
    """
    areas = [i for i in items if i.kind == "area" and i.names]
    names = {i.names[0] for i in areas}

    def repeats(item):
        name = _compact_name(item.text)
        return name in names or any(
            name in area.names and np.hypot(item.x - area.x, item.y - area.y) <= DUPLICATE_KM * 1000 for area in areas)

    return [i for i in items if i.kind == "area" or i.priority == 0 or not repeats(i)]


def _compact_name(text):
    from geo_coi.gazetteer import normalize

    return normalize(text).replace(" ", "")


def _alias_names(pcode):
    """Compact normalised aliases of a unit from the gazetteer's alias table."""
    from geo_coi.gazetteer import aliases_of

    return aliases_of(pcode)


def _in_period(events, period):
    from geo_coi.events import select

    return select(events, period=period)


def _period_text(period, language):
    from geo_coi.periods import Period
    from geo_coi.style import label

    period = Period.coerce(period)
    return period.label(language) if period is not None else label("all_periods", language)


def _in_frame(events, ax):
    """Events whose point lies inside the axes' visible window."""
    from geo_coi.crs import map_crs

    points = events.to_crs(map_crs()).geometry
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = ((points.x >= x0) & (points.x <= x1) & (points.y >= y0) & (points.y <= y1)).to_numpy()
    return events[inside]


def fatality_labels() -> list[str]:
    """Legend labels of the fatality classes (:data:`FATALITY_BREAKS`): "0", "1 – 4", ..., "≥ 50"."""
    labels = [f"{lo}" if hi - lo == 1 else f"{lo} – {hi - 1}" for lo, hi in zip(FATALITY_BREAKS, FATALITY_BREAKS[1:],
                                                                                strict=False)]
    return labels + [f"≥ {FATALITY_BREAKS[-1]}"]


def annex_subtitle(events, period, language="en"):
    """Subtitle of an annex map: the period, and the incidents and fatalities of ``events``."""
    return _subtitle(events, period, language)


def _subtitle(chosen, period, language):
    from geo_coi.style import label

    fatalities = int(chosen["fatalities"].fillna(0).sum()) if "fatalities" in chosen else 0
    counts = (f"{_number(len(chosen))} {label('incidents', language).lower()}, "
              f"{_number(fatalities)} {label('fatalities', language).lower()}")
    return f"{_period_text(period, language)} · {counts}"


def _number(value) -> str:
    """Whole number with a thin space between thousands (reads the same in en, fr and nl)."""
    return f"{value:,.0f}".replace(",", "\u2009")


def _population_credit(language):
    from geo_coi.stats import populations
    from geo_coi.style import label

    sources = sorted(set(populations()["source"]))
    return f"{label('population', language)}: {'; '.join(sources)}"


def _event_credit(events, language):
    return _event_credit_attrs(getattr(events, "attrs", {}) or {}, language)


def _event_credit_attrs(attrs, language):
    from geo_coi.style import event_credit

    return event_credit(attrs, language) if attrs else ""


def _bounds(level):
    from geo_coi.crs import map_crs

    return _units(level).to_crs(map_crs()).total_bounds


def _padded(bounds, fraction):
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * fraction, (maxy - miny) * fraction
    return (minx - dx, miny - dy, maxx + dx, maxy + dy)


def _units(level):
    """Units of ``level`` (pcode, name, region, geometry) in EPSG:4326."""
    import geopandas as gpd

    from geo_coi.admin_index import geometries, records

    rows = records(level)
    return gpd.GeoDataFrame(rows, geometry=list(geometries(level)), crs=4326)


def _values_column(values, measure, level):
    if measure == "incidents_per_1000km2" and "incidents" in values and measure not in values:
        from geo_coi.crs import EQUAL_AREA

        units = _units(level)
        area = dict(zip(units["pcode"], units.to_crs(EQUAL_AREA).area / 1e6, strict=False))  # km²
        values = values.assign(**{measure: values["incidents"].astype(float) / values["pcode"].map(area) * 1000})
    if "pcode" not in values or measure not in values:
        raise InputError(f"choropleth values need columns 'pcode' and {measure!r} (from geo_coi.stats.by_unit)")
    table = values[["pcode", measure]].rename(columns={measure: "value"})
    unknown = sorted(set(table["pcode"]) - set(_units(level)["pcode"]))
    if unknown:
        raise InputError(f"choropleth values: P-code(s) {', '.join(unknown[:5])} are not {level}s")
    return table


def _admin(ax, level, linewidth=0.8, color=None):
    from geo_coi.crs import map_crs
    from geo_coi.style import ADMIN_EDGE

    _units(level).to_crs(map_crs()).boundary.plot(ax=ax, color=color or ADMIN_EDGE, linewidth=linewidth, zorder=8,
                                            gid=f"admin:{level}")


def _units_fill(ax):
    from geo_coi.crs import map_crs

    _units("country").to_crs(map_crs()).plot(ax=ax, color="white", edgecolor="none", zorder=1.5)


def _area_labels(level, ax, priority, upper=False, skip=(), only=None, style=None):
    from geo_coi.crs import map_crs
    from geo_coi.gazetteer import display_name

    units = _units(level).to_crs(map_crs())
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    style = {**AREA_LABEL_STYLE, "fontsize": 8.5 if level == "region" else layout.MIN_FONT_PT, **(style or {})}
    items = []
    for row in units.itertuples():
        if row.pcode in skip or (only is not None and row.pcode not in only):
            continue
        point = _label_point(row.geometry)
        if not (xmin <= point.x <= xmax and ymin <= point.y <= ymax):
            continue
        name = display_name(row.name)  # the one spelling of every map (gazetteer)
        text = layout.letter_spaced(name.upper(), wide=upper)
        names = () if upper else (_compact_name(name), _compact_name(row.name), *_alias_names(row.pcode))
        items.append(layout.LabelItem(point.x, point.y, text, priority=priority, kind="area", style=style,
                                      names=names))
    return items


def _unit_labels(level, ax):
    """Labels of a choropleth's units: regions in capitals, departments as written."""
    if level == "region":
        return _area_labels("region", ax, priority=1, upper=True, skip=_capital_units())
    return _area_labels("department", ax, priority=1, skip=_capital_units())  # Niamey is marked


def _with_values(items, units, decimals, language):
    r"""Region labels with the mapped value on a second line ("TAHOUA\n12.4")."""
    import dataclasses

    from geo_coi.classes import number_text
    from geo_coi.gazetteer import display_name

    by_name = {display_name(row.name).upper(): row.value for row in units.itertuples()}
    out = []
    for item in items:
        value = by_name.get(layout.unspaced(item.text).upper())
        if value is not None and np.isfinite(value):
            shown = number_text(value, decimals, language) if value else "0"
            if 0 < value < 10.0 ** -decimals:  # not "0.00" for a unit with incidents
                shown = f"< {number_text(10.0 ** -decimals, decimals, language)}"
            item = dataclasses.replace(item, text=f"{item.text}\n{shown}")
        out.append(item)
    return out


def _present(classes, values):
    """Classes worth a legend entry: every class, but "no data" only when some unit has no data."""
    index = set(classes.assign(np.asarray(values, dtype=float)).tolist())
    return [i for i in range(len(classes.colors)) if i != 0 or 0 in index]


def _label_point(geometry):
    """Pole of inaccessibility of the largest part (:func:`geo_coi.maps.layout.label_point`)."""
    return layout.label_point(geometry)


def _capital_units() -> tuple[str, ...]:
    """P-codes of the capital's own unit and its departments (Niamey: NE008, NE008001): the star names them."""
    from geo_coi import country
    from geo_coi.admin_index import records

    capital = country.active().capital
    if capital is None:
        return ()
    return (capital.pcode, *(r["pcode"] for r in records("department") if r["pcode"].startswith(capital.pcode)))


def _capital_point():
    """The capital's Natural Earth place (map CRS), or None when the pack names no capital."""
    from geo_coi import country
    from geo_coi.boundaries import load
    from geo_coi.crs import map_crs

    capital = country.active().capital
    city = load("places").to_crs(map_crs())
    found = city[city["name"] == capital.name] if capital is not None else city.iloc[0:0]
    return found.geometry.iloc[0] if len(found) else None


def _niamey(ax, language, fill=None):  # noqa: ARG001 (the label is the pack's capital name in any language)
    """The capital's star and its label; with ``fill`` (its unit's class colour) the label is a callout.

    On choropleths the star would hide the capital's own small unit: the label
    then stands a little away, boxed in its class colour, with a leader
    line to the star.
    """
    from geo_coi import country
    from geo_coi.style import FOCUS_COLOR

    point = _capital_point()
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


CALLOUT_PT = (12.0, 30.0, 50.0)  # distances (points) tried for the capital's callout box from its star


def _niamey_fill(units, classes):
    """Class colour of the capital's unit (Niger: region NE008 or department NE008001) on a choropleth, if drawn."""
    row = units[units["pcode"].isin(_capital_units())]
    return None if row.empty else classes.colors[int(classes.assign(row["value"].to_numpy(dtype=float)[:1])[0])]


STAR_SIZE = 120  # marker area (pt²) of the capital's star
AREA_LABEL_STYLE = {"fontsize": layout.MIN_FONT_PT, "color": "#6b6b6b"}  # regions, departments: grey caps


def _size_class(fatalities):
    return np.searchsorted(FATALITY_BREAKS, np.asarray(fatalities, dtype=float), side="right") - 1


def _draw_events(ax, events, language, crs=None):
    """Event symbols, one per place and type: colour and shape by type, area by fatality class.

    Events on the same coordinates and of the same type are drawn as one
    symbol sized by their total fatalities, with their count beside it (a
    label). Area-coded events (``geo_precision`` 3) get a hollow symbol.
    Every shape of one class has the same area.

    Returns
    -------
    (sections, labels) : legend sections and the count labels to place
    """
    from matplotlib.lines import Line2D

    from geo_coi.style import EVENT_SYMBOLS, equal_area_size, event_color, event_marker, label

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


HOLLOW_WIDTH = 1.1  # outline width (pt) of area-coded (geo_precision 3) event symbols
EVENT_OBSTACLE_AREA = FATALITY_SIZES[2]  # event symbols this big (pt²) or bigger keep labels off


def _precision(events):
    """``geo_precision`` as floats (NaN where unknown)."""
    if "geo_precision" not in events:
        return np.full(len(events), np.nan)
    return events["geo_precision"].astype("Float64").fillna(np.nan).to_numpy(dtype=float)


def _co_located(events, crs=None):
    """One row per coordinate, event type and precision kind (point / area-coded), drawing order fixed.

    Columns: x, y (map units), event_type, hollow, count, fatalities, area (pt², by total fatalities).
    """
    import pandas as pd

    from geo_coi.crs import map_crs

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
    places["area"] = np.asarray(FATALITY_SIZES)[_size_class(places["fatalities"])]
    # big symbols first, so that small ones stay visible on top
    return places.sort_values(["fatalities", "first"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _capital_layer():
    """The capital's sub-units (Niamey's arrondissements, Bamako's communes), else its own finest unit (Kadiogo)."""
    from geo_coi import country

    capital = country.active().capital
    if capital.subunit_slot:
        return _units(capital.subunit_slot)
    units = _units(country.active().finest.slot)
    return units[units["pcode"].str.startswith(capital.pcode)]


def _capital_in_frame(ax) -> bool:
    """True when the pack has a capital and its star lies inside the map frame."""
    point = _capital_point()
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    return point is not None and xmin <= point.x <= xmax and ymin <= point.y <= ymax


def _capital_inset_title(language):
    """"Niamey: communal arrondissements" (translations ``capital_inset:<ISO3>``), else the capital's name."""
    from geo_coi import country
    from geo_coi.style import label

    pack = country.active()
    title = label(f"capital_inset:{pack.iso3}", language)
    return pack.capital.name if title.startswith("capital_inset:") else title


def _capital_inset(page, events, language):
    """The capital's sub-units (or own unit) with their incidents, in the map's lower-right corner."""
    from matplotlib.patches import Rectangle

    from geo_coi.crs import map_crs
    from geo_coi.style import ADMIN_EDGE, label

    box = page.ax.get_position()
    inset = page.fig.add_axes((box.x1 - box.width * 0.3 - 0.004, box.y0 + 0.006, box.width * 0.3, box.height * 0.36))
    inset.set_xticks([])
    inset.set_yticks([])
    arrondissements = _capital_layer().to_crs(map_crs())
    arrondissements.plot(ax=inset, color="white", edgecolor=ADMIN_EDGE, linewidth=0.7)
    layout.set_extent(inset, arrondissements.total_bounds, pad=0.08)
    inset.add_patch(Rectangle((0, 0), 1, 1, transform=inset.transAxes, facecolor="#f3f3f3", zorder=-1))
    _basemap.draw_water(inset)  # the river through the city
    outline = arrondissements.union_all()
    inside = events[events.to_crs(map_crs()).within(outline).to_numpy()]
    counts = _draw_events(inset, inside, language)[1]
    inset.set_title(_capital_inset_title(language), fontsize=7.5, loc="left", pad=3)
    if inside.empty:
        inset.text(0.5, 0.93, label("no_incidents", language), transform=inset.transAxes, ha="center", va="top",
                   fontsize=layout.MIN_FONT_PT, color="#555555", zorder=30, gid="note:no-incidents")
    items = [layout.LabelItem(p.x, p.y, name, kind="area", style=AREA_LABEL_STYLE)
             for p, name in zip(map(_label_point, arrondissements.geometry), arrondissements["name"], strict=False)]
    symbols = layout.symbol_boxes(inset, ("events",), EVENT_OBSTACLE_AREA)
    page.fig.niamey_labels = layout.place_labels(inset, items + counts, symbols=symbols)[0]
    layout.scale_bar(inset, language, anchor=(0.05, 0.05))
    return inset


def _connect_capital(ax, inset_corner, colour):
    """Outline the capital on the main map and draw a leader line to the inset."""
    from geo_coi.crs import map_crs

    x0, y0, x1, y1 = _capital_layer().to_crs(map_crs()).total_bounds
    ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color=colour, linewidth=0.8, zorder=21)
    ax.plot([x1, inset_corner[0]], [y0, inset_corner[1]], color=colour, linewidth=0.6, linestyle=(0, (3, 2)), zorder=21)


def _fill_classes(ax, units, classes):
    """Fill units by class; return one legend handle per class."""
    from geo_coi.crs import map_crs
    from geo_coi.style import ZERO_DOT_COLOR

    shapes = units.to_crs(map_crs())
    index = classes.assign(shapes["value"].to_numpy(dtype=float))
    for i in sorted(set(index)):
        part = shapes[index == i]
        dots = {"hatchcolor": ZERO_DOT_COLOR, "hatch_linewidth": 0.6} if i == 1 and classes.hatches[1] else {}
        part.plot(ax=ax, color=classes.colors[i], hatch=classes.hatches[i] or "", edgecolor="#7a7a7a", linewidth=0.4,
                  zorder=5, **dots)
    return [_patch(c, hatch=h, dots=i == 1) for i, (c, h) in enumerate(zip(classes.colors, classes.hatches,
                                                                           strict=False))]


def _patch(colour, hatch=None, dots=False):
    """Legend handle of a filled class (hatched classes get a grey hatch and outline; the zero class light dots)."""
    from matplotlib.patches import Patch

    from geo_coi.style import ZERO_DOT_COLOR

    edge = "#7a7a7a"
    extra = {"hatchcolor": ZERO_DOT_COLOR, "hatch_linewidth": 0.6} if dots and hatch else {}
    return Patch(facecolor=colour, edgecolor=edge, hatch=hatch, linewidth=0.6 if hatch else 0.4, **extra)


def _polygon(ax, geometry, zorder, **style):
    import geopandas as gpd

    gpd.GeoSeries([geometry]).plot(ax=ax, zorder=zorder, **style)


def _proportional_circles(ax, frame):
    """Circles with area proportional to ``value`` at each unit's label point; legend handles."""
    from matplotlib.lines import Line2D

    from geo_coi.style import DISPLACEMENT_COLOR

    values = frame["value"].to_numpy(dtype=float)
    present = np.isfinite(values) & (values > 0)
    if not present.any():
        return ([], []), []
    biggest = values[present].max()
    max_area = 900.0  # pt² of the biggest circle
    points = [_label_point(g) for g in frame.geometry[present]]
    areas = values[present] / biggest * max_area
    order = np.argsort(-areas, kind="stable")
    ax.scatter([points[i].x for i in order], [points[i].y for i in order], s=areas[order], color=DISPLACEMENT_COLOR,
               edgecolors="white", linewidths=1.4, zorder=14, gid="circles")  # opaque, a white halo
    steps = _nice_steps(biggest)
    handles = [Line2D([], [], linestyle="", marker="o", markersize=np.sqrt(v / biggest * max_area),
                      markerfacecolor=DISPLACEMENT_COLOR, markeredgecolor="white", markeredgewidth=1.0) for v in steps]
    anchors = [(point.x, point.y, np.sqrt(area) / 2) for point, area in zip(points, areas, strict=False)]
    return (handles, [_number(v) for v in steps]), anchors


def _clear_of_circles(page, items, anchors, gap_pt=3.0):
    """Keep unit labels off the proportional circles drawn at their own label points.

    Each circle becomes an obstacle for label placement, and a label anchored at
    a circle's centre is tried below, above, right and left of it instead.

    Parameters
    ----------
    page : layout.Page
    items : list of layout.LabelItem
    anchors : list of (x, y, radius in points)
    """
    from matplotlib.transforms import Bbox

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


def _month_text(as_of, language):
    """``"2024-10"`` -> ``"October 2024"`` in ``language``."""
    from geo_coi.periods import format_month, to_date

    return format_month(to_date(f"{as_of}-01", "as_of"), language)


def _bandwidth_note(surface, language):
    from geo_coi.style import label

    note = (f"{label('bandwidth', language)}: {surface.bandwidth_km:g} km ({label(surface.kernel, language)}), "
            f"{label('cell', language)} {surface.cell_km:g} km")
    if surface.weight:
        note += f", {label('weighted_by', language)} {label(surface.weight, language).lower()}"
    return note


def _warp_to_map(surface):
    """Reproject a density surface to the map CRS; returns (grid, imshow extent)."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    from geo_coi.crs import map_crs

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
    from matplotlib.colors import BoundaryNorm, ListedColormap

    index = classes.assign(np.where(np.isfinite(grid), grid, np.nan)).astype(float)
    index[~np.isfinite(grid)] = np.nan
    cmap = ListedColormap(["none", "none"] + classes.colors[2:])  # no data and below the floor: transparent
    cmap.set_bad(alpha=0)
    norm = BoundaryNorm(np.arange(-0.5, len(classes.colors)), cmap.N)
    ax.imshow(np.ma.masked_invalid(index), extent=extent, cmap=cmap, norm=norm, interpolation="nearest", zorder=4,
              origin="upper")
