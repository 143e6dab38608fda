"""The report's QGIS hand-off: ``<report-id>.gpkg`` and, beside it, ``<report-id>.qgz``.

The GeoPackage (:mod:`geo_coi.geopackage`) holds the joined events (every
type and date, with ``in_report`` marking the events the report counts), the
incidents per region, department and commune (the report's events only), the
country outline and the Natural Earth context; each layer says in its
description which period and event types it holds.

The project (:mod:`geo_coi.qgis_project`) shows these layers styled as on the
print maps and holds the print layouts of Annex 1 and Annex 2. Their text -
titles, subtitles, legend entries, credit lines with the ACLED access date -
comes from the strings of the print maps (:func:`geo_coi.style.label`, the
credit functions of :mod:`geo_coi.style`).
"""

from __future__ import annotations

from pathlib import Path

from geo_coi import geopackage, style
from geo_coi.geopackage import quoted
from geo_coi.qgis_project import (
    Labels,
    PrintLayout,
    ProjectLayer,
    frame_extent,
    write_project,
)

LEVELS = ("region", "department", "commune")
# Natural Earth context layers (geo_coi.boundaries names) and the columns kept from them.
CONTEXT = {"countries": ("ADM0_A3", "NAME", "NAME_EN", "NAME_FR", "NAME_NL"),
           "west_africa": ("ADM0_A3", "NAME", "NAME_EN", "NAME_FR", "NAME_NL"),
           "lakes": ("name", "name_en", "name_fr", "name_nl"),
           "rivers": ("name", "name_en", "name_fr", "name_nl")}
FRAME_PAD = 0.03  # the layouts' map frames: the extent plus this share on each side
LOCATOR_PAD = 0.25  # a regional map's locator: Niger plus this share on each side


def write_handoff(folder, name: str, events, event_types, period, *, language: str = "en",
                  scheme: str = "fisherjenks", classes: int = 5, extents=(None, None), credits=(),
                  title: str = "", event_rows: bool = True, unit_columns=None) -> tuple[Path, Path]:
    """Write ``<folder>/<name>.gpkg`` and the QGIS project ``<folder>/<name>.qgz`` that shows it.

    Parameters
    ----------
    folder : path-like
    name : str
        File stem (the report id).
    events : geopandas.GeoDataFrame
        Joined events (:func:`geo_coi.join.join_admin`), every type and date; ``attrs`` give the credit line.
    event_types : sequence of str
        The types the report counts.
    period : geo_coi.periods.Period
        The report's current period.
    language : {"nl", "fr", "en"}
    scheme, classes
        Classification of the choropleth layers (:func:`geo_coi.classes.classify`).
    extents : (Extent or None, Extent or None)
        Frames of Annex 1 and Annex 2 (config ``[extents.*]``; see :func:`geo_coi.maps.extent.extent_bounds`).
    credits : sequence of str
        The config's own credit lines, printed under the data credits.
    title : str
        Project title (the report's).
    event_rows : bool
        False at the public sharing level (:mod:`geo_coi.sharing`): no events
        layer in the GeoPackage, none in the project.
    unit_columns : callable, optional
        ``unit_columns(level, present_columns)`` -> a frame with ``pcode`` and
        more columns for that level's layer (the indicator sheet's).

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The GeoPackage and the project.
    """
    folder = Path(folder)
    in_report = _in_report(events, event_types, period)
    layers, styles, descriptions = _gpkg_layers(events, in_report, event_types, period, language, scheme, classes,
                                                unit_columns)
    all_styles = dict(styles)  # the project's layer list is built from every style, then cut to the layers written
    if not event_rows:
        for table in (layers, styles, descriptions):
            table.pop("events")
    gpkg = folder / f"{name}.gpkg"
    geopackage.write_geopackage(gpkg, layers, styles, period.end.isoformat(), descriptions)
    project_layers = [layer for layer in _project_layers(all_styles, event_types, language,
                                                          str(layers["country"]["name"].iloc[0]))
                      if layer.table in layers]
    layouts = _layouts(events[in_report], period, language, extents, credits,
                       {layer.key or layer.table for layer in project_layers})
    project = folder / f"{name}.qgz"
    from geo_coi.crs import map_crs

    write_project(project, gpkg.name, project_layers, layouts, title=title or name, crs=map_crs())
    return gpkg, project


# --- GeoPackage layers ---------------------------------------------------------------------------
def _in_report(events, event_types, period):
    """Boolean Series: the events the report counts (its types, in its period)."""
    from geo_coi.events import select

    return events.index.isin(select(events, period=period, event_types=event_types).index)


def _levels() -> tuple[str, ...]:
    """The :data:`LEVELS` the active pack has (Burkina Faso: no communes)."""
    from geo_coi import country

    return tuple(level for level in LEVELS if country.active().has_level(level))


def _capital_slot() -> str | None:
    """The layer of the capital's sub-units (``niamey_arrondissement``, ``capital_commune``); None without them."""
    from geo_coi import country

    capital = country.active().capital
    return capital.subunit_slot if capital is not None else None


def _gpkg_layers(events, in_report, event_types, period, language, scheme, classes, unit_columns=None):
    """(layers, styles, descriptions) of the GeoPackage, in writing order."""
    import geopandas as gpd

    from geo_coi import admin_index, stats
    from geo_coi.boundaries import load
    from geo_coi.maps.layout import level_label

    types = ", ".join(style.label(t, language) for t in event_types)
    when = period.label(language)
    frame = _shared_columns(events)
    frame["in_report"] = in_report
    layers = {"events": frame}
    styles = {"events": geopackage.event_style("events", _types_in(events, event_types), language=language)}
    source = style.event_credit(events.attrs, language)  # the events' credit: SYNTHETIC, or ACLED with its access date
    descriptions = {"events": f'{style.label("gpkg_events_description", language).format(types=types, period=when)}. '
                              f"{source}"}
    for level in _levels():
        table = stats.by_unit(events, level, period, event_types=event_types)
        if unit_columns is not None:
            table = table.merge(unit_columns(level, table.columns), on="pcode", how="left")
        shapes = dict(zip((unit["pcode"] for unit in admin_index.records(level)), admin_index.geometries(level),
                          strict=True))
        layers[level] = gpd.GeoDataFrame(table, geometry=[shapes[p] for p in table["pcode"]], crs=4326)
        styles[level] = geopackage.choropleth_style(level, layers[level]["incidents"], "incidents", scheme=scheme,
                                                    classes=classes, language=language)
        descriptions[level] = style.label("gpkg_units_description", language).format(
            level=level_label("", level, language).lower(), types=types, period=when) + f". {source}"
    slot = _capital_slot()
    if slot:  # the capital's sub-units (Niamey's arrondissements, Bamako's communes); none in Burkina Faso's pack
        from geo_coi.maps.capital import layer as capital_layer

        layers[slot] = capital_layer()[["pcode", "name", "geometry"]]
        styles[slot] = geopackage.fill_style(slot, "#ffffff", style.ADMIN_EDGE, 0.25)
        descriptions[slot] = style.localized_credit(style.boundary_credit(), language)
    layers["country"] = load("country")[["pcode", "name", "geometry"]]
    styles["country"] = geopackage.fill_style("country", "#ffffff", style.ADMIN_EDGE, 0.35)
    descriptions["country"] = style.localized_credit(style.boundary_credit(), language)
    for name, columns in CONTEXT.items():
        context = load(name)
        layers[f"ne_{name}"] = context[[c for c in columns if c in context] + ["geometry"]]
        styles[f"ne_{name}"] = _context_style(f"ne_{name}")
        descriptions[f"ne_{name}"] = style.localized_credit(style.basemap_credit(), language)
    return layers, styles, descriptions


def _types_in(events, event_types) -> list:
    """The report's types, then every other type of ``events`` (in ``data/event_symbols.csv`` order)."""
    others = set(events["event_type"].dropna()) - set(event_types)
    order = {name: index for index, name in enumerate(style.EVENT_SYMBOLS)}
    return list(event_types) + sorted(others, key=lambda name: (order.get(name, len(order)), name))


def _shared_columns(events):
    """The canonical and joined columns, without ``notes`` (ACLED's text is not for sharing)."""
    from geo_coi.events import CANONICAL_COLUMNS, JOINED_COLUMNS

    return events[[c for c in (*CANONICAL_COLUMNS, *JOINED_COLUMNS) if c in events and c != "notes"]].copy()


def _context_style(table: str) -> tuple[str, str]:
    """The print maps' look of a Natural Earth layer (:mod:`geo_coi.maps.basemap`)."""
    if table == "ne_rivers":
        return geopackage.line_style(table, style.WATER_COLOR, 0.3)
    if table == "ne_lakes":
        return geopackage.fill_style(table, style.WATER_FILL, style.WATER_COLOR, 0.25)
    return geopackage.fill_style(table, style.COUNTRY_FILL, style.NEIGHBOUR_EDGE, 0.15)


# --- project layers ------------------------------------------------------------------------------
def _project_layers(styles, event_types, language, country) -> list:
    """Every GeoPackage layer in the project (top first), plus the outline-only views the layouts draw.

    ``country`` is the report country's name (not labelled among the neighbours).
    """
    def qml(table):
        return styles[table][0]

    def outline(table, color, width):
        return geopackage.fill_style(table, None, color, width)[0]

    from geo_coi.maps.capital import inset_title
    from geo_coi.maps.layout import level_label

    label = style.label
    return [
        ProjectLayer("events", label("event_type", language), "Point",
                     geopackage.event_style("events", event_types, language=language, other=False)[0],
                     subset='"in_report" = 1',
                     key="events_report"),
        ProjectLayer("events", label("qgis_all_events", language), "Point", qml("events"), visible=False),
        ProjectLayer("region", level_label("boundary_", "region", language), "Polygon",
                     outline("region", style.ADMIN_EDGE, 0.32), key="region_lines",
                     labels=Labels('upper("name")', size=8.5, spacing=0.8)),
        ProjectLayer("department", level_label("boundary_", "department", language), "Polygon",
                     outline("department", "#8c8c8c", 0.12), key="department_lines", visible=False,
                     labels=Labels('upper("name")', size=5.5, color="#8c8c8c")),
        *[ProjectLayer(level, f"{label('incidents', language)} ({level_label('', level, language)})", "Polygon",
                       qml(level),
                       visible=False) for level in _levels()],
        *[ProjectLayer(slot, inset_title(language), "Polygon", qml(slot), visible=False,
                       labels=Labels('"name"', size=6, color="#333333")) for slot in filter(None, [_capital_slot()])],
        ProjectLayer("ne_rivers", label("rivers_lakes", language), "Line", qml("ne_rivers")),
        ProjectLayer("ne_lakes", label("rivers_lakes", language), "Polygon", qml("ne_lakes")),
        ProjectLayer("country", label("boundary_international", language), "Polygon", qml("country")),
        ProjectLayer("country", label("boundary_international", language), "Polygon",
                     geopackage.fill_style("country", style.FOCUS_COLOR, style.ADMIN_EDGE, 0.2)[0],
                     key="country_focus", visible=False),
        ProjectLayer("ne_countries", label("map_features", language), "Polygon", qml("ne_countries"),
                     labels=Labels(f"CASE WHEN \"NAME\" <> {quoted(country)} "
                                   f"THEN upper(\"NAME_{language.upper()}\") END",
                                   size=7, color="#7a7a7a", italic=True, spacing=0.5)),
        ProjectLayer("ne_west_africa", label("map_features", language), "Polygon", qml("ne_west_africa"),
                     visible=False),
    ]


# --- layouts -------------------------------------------------------------------------------------
def _layouts(report_events, period, language, extents, credits, available=None) -> list:
    """The print layouts of Annex 1 (whole country) and Annex 2 (the south-west, departments drawn).

    ``available``: the project's layer keys (a layout draws only those; without events at the public level).
    """
    from geo_coi.boundaries import load
    from geo_coi.crs import map_crs
    from geo_coi.maps.captions import annex_subtitle
    from geo_coi.maps.extent import extent_bounds

    label = style.label
    lines = [style.event_credit(report_events.attrs, language)]
    lines += [style.localized_credit(line, language) for line in (style.boundary_credit(), style.basemap_credit(),
                                                                  *credits)]
    notes = (label("disclaimer", language),)
    niger = load("country").to_crs(map_crs()).total_bounds
    from geo_coi.maps.capital import inset_title
    from geo_coi.maps.capital import layer as capital_layer

    niamey = capital_layer().to_crs(map_crs()).total_bounds
    base = ("region_lines", "ne_rivers", "ne_lakes", "country", "ne_countries")
    layouts = []
    for number, extent in enumerate(extents, start=1):
        national = number == 1
        bounds = _padded(extent_bounds(extent), FRAME_PAD)
        shown = report_events if national else _within(report_events, frame_extent(bounds))
        subtitle = annex_subtitle(shown, period, language)
        if not national:
            subtitle = f"{subtitle} {label('in_map_area', language)}"
        layers = ("events_report", *base) if national else ("events_report", "department_lines", *base)
        layers = tuple(key for key in layers if available is None or key in available)
        layouts.append(PrintLayout(
            name=f"{label('annex', language)} {number}", title=label(f"annex{number}_title", language),
            subtitle=subtitle, extent=bounds, layers=layers,
            legend=tuple(layer for layer in layers if layer not in ("ne_lakes", "ne_countries")),
            legend_title="",
            locator_layers=("country_focus" if national else "country", "ne_west_africa"),
            locator_extent=(load("west_africa").to_crs(map_crs()).total_bounds if national
                            else _padded(niger, LOCATOR_PAD)),
            locator_frame=not national, credits=tuple(lines), notes=notes, frame_color=style.FOCUS_COLOR,
            inset=None if national else (inset_title(language), _padded(niamey, 0.08),
                                         tuple(key for key in ("events_report", _capital_slot(), "ne_rivers")
                                               if key and (available is None or key in available)))))
    return layouts


def _padded(bounds, share: float) -> tuple:
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    dx, dy = (xmax - xmin) * share, (ymax - ymin) * share
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def _within(events, bounds):
    """Events inside ``bounds`` (map CRS): what a regional map shows."""
    from geo_coi.crs import map_crs

    points = events.geometry.to_crs(map_crs())
    xmin, ymin, xmax, ymax = bounds
    return events[((points.x >= xmin) & (points.x <= xmax) & (points.y >= ymin) & (points.y <= ymax)).to_numpy()]
