"""The cross-border map: admin1 units of several country packs and their events on one page.

Each country's units of the region are filled in its own tint, the rest of the three (or more)
countries in grey, their neighbours paler; country borders are drawn heavier than the admin1
lines. Events are drawn by type and fatalities with the symbols of Annex 1. The page has the
furniture of every static map (:mod:`geo_coi.maps.layout`): legends, scale bar, north arrow,
locator, notes and the credit lines of every source. The map CRS is the active pack's
(:func:`geo_coi.crs.map_crs`): the scale bar and north arrow are measured in it.
"""

from __future__ import annotations

from geo_coi import boundaries, country
from geo_coi.crs import map_crs
from geo_coi.gazetteer import display_name
from geo_coi.maps import captions, layout, markers
from geo_coi.maps.page import MapResult
from geo_coi.style import COUNTRY_FILL, FOCUS_COLOR, NEIGHBOUR_EDGE, check_language, label, typography

COUNTRY_TINTS = ("#f1ddb3", "#cfe3c1", "#cdd6ee", "#efcfcf")  # one pale fill per country, in ISO3 order
REST_FILL = "#d6d6d6"  # the countries' units outside the region
NEIGHBOUR_FILL = "#f2f2f2"
BORDER_STYLE = {"color": "#333333", "linewidth": 1.3}  # country borders: heavier than the admin1 lines
UNIT_EDGE = {"edgecolor": "#6b6b6b", "linewidth": 0.5}
LABEL_OVERHANG_M = 20_000  # a unit's label may reach this far over its boundary (small units at this scale)
REST_LABEL_SHARE = 0.05  # a country's name goes in its part outside the region when that is this share of it
CREDIT_GAP = 0.012  # figure fraction kept between the credit block and the map frame
COUNTRY_LABEL_STYLE = {"fontsize": 10.5, "color": "#444444", "fontweight": "bold"}
UNIT_LABEL_STYLE = {"fontsize": layout.MIN_FONT_PT, "color": "#4d4d4d"}


def cross_border_map(shapes, events: dict, period=None, *, title: str, credits=(), language="en",
                     size="A4-landscape", out=None, dpi=layout.PRINT_DPI):
    """One map of a cross-border region: each country's units in its tint and the events by type.

    Parameters
    ----------
    shapes : geopandas.GeoDataFrame
        The region's admin1 units (``iso3``, ``pcode``, ``name``, geometry), as
        :func:`geo_coi.cross_border.units` gives them.
    events : dict of str -> geopandas.GeoDataFrame or None
        Joined events to draw per ISO3 (already the report's types and period); only those in
        ``shapes`` are drawn. None: no events for that country.
    period : geo_coi.periods.Period or (start, end), optional
        For the subtitle.
    title : str
        The page title.
    credits : sequence of str
        Credit lines, printed as given (:func:`geo_coi.cross_border.credit_lines` and the config's).
    language : {"en", "fr", "nl"}
    size : {"A4-landscape", "A4-portrait"}
    out : str or Path, optional
        Path stem of the PNG/PDF/SVG files to write.
    dpi : int
        PNG resolution when saving.

    Returns
    -------
    geo_coi.maps.page.MapResult
        The figure, the files written and the labels placed (:func:`geo_coi.maps.layout.place_labels`).
    """
    import pandas as pd

    check_language(language)
    proj = map_crs()
    drawn = shapes.to_crs(proj)
    given = [frame for frame in events.values() if frame is not None]
    shown = pd.concat([frame[frame["region_pcode"].isin(drawn["pcode"])] for frame in given]) if given else None
    page = layout.new_page(title, captions.annex_subtitle(shown, period, language) if shown is not None else "", size)
    layout.credit_block(page.fig, credits, size)
    _clear_of_credits(page)
    layout.set_extent(page.ax, drawn.total_bounds, pad=0.03)
    frame = _frame(page.ax)
    handles = _countries(page, drawn, frame, language)
    sections, counts = markers.draw_events(page.ax, shown, language, crs=proj) if shown is not None else ([], [])
    page.labels += counts
    layout.scale_bar(page.ax, language)
    layout.north_arrow(page.ax, language)
    _locator(page.inset, drawn, page.ax)
    for axes in page.fig.axes:  # geopandas names the CRS axes; a map needs no axis titles
        axes.set_xlabel("")
        axes.set_ylabel("")
    notes = layout.notes_block(page.fig, _notes(sections, language), size)
    if size == "A4-landscape":
        layout.fit_panel(page.panel, notes)
    layout.add_legends(page.panel, [handles, *sections])
    placed, dropped = _place_labels(page)
    files = layout.save(page.fig, out, dpi=dpi) if out is not None else []
    return MapResult(page.fig, files, placed, dropped)


def _place_labels(page):
    """Area labels (countries, units) first, over the event symbols; then the counts, clear of symbols and labels."""
    furniture = layout.furniture_boxes(page.ax)
    areas = [item for item in page.labels if item.kind == "area"]
    placed, dropped = layout.place_labels(page.ax, areas, obstacles=furniture)
    renderer = page.fig.canvas.get_renderer()
    symbols = layout.symbol_boxes(page.ax, ("events",), markers.EVENT_OBSTACLE_AREA)
    counts = layout.place_labels(page.ax, [item for item in page.labels if item.kind != "area"],
                                 obstacles=furniture + [layout.text_box(text, renderer) for text in placed],
                                 symbols=symbols)
    return placed + counts[0], dropped + counts[1]


def _clear_of_credits(page) -> None:
    """Raise the map frame's bottom above the credit block (a cross-border map has many credit lines)."""
    renderer = page.fig.canvas.get_renderer()
    credits = next(t for t in page.fig.texts if t.get_gid() == "credits")
    top = page.fig.transFigure.inverted().transform((0, credits.get_window_extent(renderer).y1))[1] + CREDIT_GAP
    box = page.ax.get_position()
    if top > box.y0:
        page.ax.set_position((box.x0, top, box.width, box.y1 - top))


def _frame(ax):
    """The axes' visible window as a shapely box (map units)."""
    import shapely

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return shapely.box(x0, y0, x1, y1)


def _countries(page, drawn, frame, language):
    """Neighbours, the countries (rest grey, units tinted), borders and labels; returns the legend section."""
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax, proj = page.ax, map_crs()
    codes = sorted(set(drawn["iso3"]))
    context = pd.concat([boundaries.load("countries", iso3) for iso3 in codes], ignore_index=True)
    neighbours = context.dissolve(by="ADM0_A3", sort=True).reset_index().to_crs(proj)
    ax.set_facecolor(NEIGHBOUR_FILL)
    neighbours.clip(frame).plot(ax=ax, color=NEIGHBOUR_FILL, edgecolor=NEIGHBOUR_EDGE, linewidth=0.5, zorder=1,
                                gid="neighbours")
    handles, names = [], []
    for i, iso3 in enumerate(codes):
        pack = country.get(iso3)
        whole = boundaries.load("country", iso3).to_crs(proj)
        rest = boundaries.load("region", iso3).to_crs(proj)
        rest = rest[~rest["pcode"].isin(drawn["pcode"])]
        whole.plot(ax=ax, color=REST_FILL, linewidth=0, zorder=1.5, gid=f"country:{iso3}")
        rest.plot(ax=ax, facecolor="none", zorder=1.6, gid=f"rest:{iso3}", **UNIT_EDGE)
        own = drawn[drawn["iso3"] == iso3]
        tint = COUNTRY_TINTS[i % len(COUNTRY_TINTS)]
        own.plot(ax=ax, color=tint, zorder=2, gid=f"units:{iso3}", **UNIT_EDGE)
        whole.boundary.plot(ax=ax, zorder=3, gid=f"border:{iso3}", **BORDER_STYLE)
        # each pack's own spellings (gazetteer.display_name of that pack, not of the active one)
        page.labels += [layout.LabelItem(point.x, point.y, display_name(row.name, iso3).upper(), priority=1,
                                         kind="area", style=UNIT_LABEL_STYLE,
                                         within=row.geometry.buffer(LABEL_OVERHANG_M))
                        for row in own.itertuples() if frame.contains(point := layout.label_point(row.geometry))]
        page.labels.append(_country_label(whole.geometry.iloc[0], own.union_all(), frame, pack.name(language)))
        handles.append(Patch(facecolor=tint, **UNIT_EDGE))
        level = pack.level("region").display(language, len(own) > 1)
        names.append(typography(f"{pack.name(language)}: {len(own)} {level}", language))
    handles += [Patch(facecolor=REST_FILL, **UNIT_EDGE), Line2D([], [], **BORDER_STYLE),
                Line2D([], [], color=UNIT_EDGE["edgecolor"], linewidth=UNIT_EDGE["linewidth"])]
    names += [label("cross_border_rest", language), label("boundary_international", language),
              label("boundary_region", language)]
    return label("cross_border_units", language), handles, names


def _country_label(whole, area, frame, name):
    """The country's name, centred in its grey part outside the region when there is one, inside the country."""
    inside = whole.intersection(frame)
    rest = inside.difference(area)
    shape = rest if rest.area >= REST_LABEL_SHARE * inside.area else inside
    point = layout.label_point(shape)
    return layout.LabelItem(point.x, point.y, layout.letter_spaced(name.upper()), priority=3, kind="area",
                            style=COUNTRY_LABEL_STYLE, within=inside)


def _locator(inset, drawn, ax) -> None:
    """West Africa, the region's countries in white, the main map's frame in red."""
    import shapely

    africa = boundaries.load("west_africa").to_crs(map_crs())
    ours = africa["ADM0_A3"].isin(set(drawn["iso3"]))
    africa[~ours].plot(ax=inset, color=COUNTRY_FILL, edgecolor=NEIGHBOUR_EDGE, linewidth=0.3)
    africa[ours].plot(ax=inset, color="white", edgecolor=layout.TEXT_COLOR, linewidth=0.5, gid="inset-countries")
    box = shapely.box(*_frame(ax).bounds)
    inset.plot(*box.exterior.xy, color=FOCUS_COLOR, linewidth=1.2, gid="inset-extent")
    layout.set_extent(inset, africa[ours].total_bounds, pad=0.12)
    inset.set_facecolor("#f4f8fb")


def _notes(sections, language) -> list[str]:
    """Notes under the legends: the count beside a symbol (when events are drawn), disclaimer, production date.

    The precision of the locations is in the legend ("Location of the event"); its note is left out, so that
    the legends of three countries fit beside the map in every language.
    """
    notes = [label("count_beside_symbol", language)] if any(handles for _, handles, _ in sections) else []
    produced = typography(f"{label('produced', language)}: {layout.production_date()}", language)
    return [*notes, label("disclaimer", language), produced]
