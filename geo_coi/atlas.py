"""The region atlas: one A4 page per admin1 unit, like a QGIS Atlas, from one call.

:func:`write_atlas` writes ``atlas_<lang>.pdf`` (every page, live text) and one 300 dpi PNG per page
(``atlas_<lang>_<nn>_<region>.png``). Each page holds

- a map zoomed to the region: its departments and communes, the events aggregated per place
  (the symbols of Annex 1), towns, a locator, scale bar, north arrow, legends, and the region's
  own totals in the subtitle;
- a table of its departments (or, for the regions the config names in ``atlas.commune_tables``,
  its communes: Niamey's arrondissements): incidents, fatalities and civilian targeting, this
  period and the comparison period, with the change;
- a monthly chart of the region's incidents over the config's chart window;
- the indicator box (:func:`geo_coi.indicators.compute`), UCDP GED's deaths beside ACLED's;
- the credit lines (with the ACLED access date), notes and the production date.

The pages, their order and the map frame come from the config's ``[atlas]`` table (see
:func:`pages`). The map machinery is :mod:`geo_coi.maps.page` (over :mod:`geo_coi.maps.layout`),
:mod:`geo_coi.maps.admin` and :mod:`geo_coi.maps.markers`; the chart's bars and month axis are :mod:`geo_coi.charts`'.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from geo_coi import admin_index, charts, country, indicators, step_pool
from geo_coi.atomic import atomic_path
from geo_coi.boundaries import ascii_name
from geo_coi.crs import map_crs
from geo_coi.errors import InputError
from geo_coi.events import select
from geo_coi.gazetteer import resolve
from geo_coi.maps import admin, captions, layout, markers
from geo_coi.maps import basemap as _basemap
from geo_coi.maps.page import features_section, without_repeats
from geo_coi.style import boundary_credit, decimal_mark, label, localized_credit

SIZE = "A4-portrait"
# Axes rectangles (left, bottom, width, height), figure fractions of an A4 portrait page.
FRAMES = {
    "map": (0.04, 0.50, 0.60, 0.415),
    "inset": (0.665, 0.835, 0.295, 0.08),
    "panel": (0.665, 0.465, 0.295, 0.36),
    "table": (0.04, 0.265, 0.545, 0.195),
    "box": (0.605, 0.265, 0.355, 0.195),
    "chart": (0.085, 0.178, 0.875, 0.06),
}
NOTES_WIDTH = 54  # characters per line of the notes beside the credits
MASK_COLOR = "#ffffff"  # other regions are veiled in white so the region stands out
MASK_ALPHA = 0.6
FRAME_PAD = 0.06  # the map frame reaches this share beyond the region's bounds
TABLE_FONT_PT = 7.1
PDF_RC = {"pdf.fonttype": 42}  # live, embedded TrueType text, as layout.save writes the other maps


@dataclasses.dataclass(frozen=True)
class AtlasPage:
    """One page: the region (P-code, name) and the level of its table (``department`` or ``commune``)."""

    pcode: str
    name: str
    table_level: str


def pages(config) -> list[AtlasPage]:
    """The atlas's pages, in order, from the config's ``[atlas]`` table.

    ``atlas.regions`` lists the regions in page order (default: every region in P-code order, or
    the regions of ``atlas.extent`` when that names an extent); ``atlas.commune_tables`` lists the
    regions whose table shows communes instead of departments (Niamey: its arrondissements).
    """
    settings = config.atlas
    names = list(settings.regions)
    if not names and settings.extent:
        extent = config.extents.get(settings.extent)
        if extent is None:
            raise InputError(f"{config.path}: atlas.extent: no extent {settings.extent!r}; "
                             f"use one of {', '.join(config.extents)}")
        names = list(extent.regions)
    records = {r["pcode"]: r["name"] for r in admin_index.records("region")}
    codes = [resolve(name, "region") for name in names] if names else list(records)
    communes = {resolve(name, "region") for name in settings.commune_tables}
    if communes and not country.active().has_level("commune"):
        raise InputError(f"{config.path}: atlas.commune_tables: {country.active().name()}'s pack has no "
                         f"communes ({country.active().finest.display(plural=True)} are its finest units); "
                         "leave commune_tables out")
    return [AtlasPage(code, records[code], "commune" if code in communes else "department") for code in codes]


def write_atlas(events, config, out_dir, language: str = "en", ucdp_events=None, dpi: int = layout.PRINT_DPI,
                png: bool = True) -> list[Path]:
    """Write the atlas of one language: ``atlas_<lang>.pdf`` and a PNG per page.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined events, every type and date (:func:`geo_coi.join.join_admin`); ``attrs`` give the credit.
    config : geo_coi.config.ReportConfig
        Periods, event types, the pages (``[atlas]``) and extra credit lines.
    out_dir : path-like
        Folder of the files (created).
    language : {"nl", "fr", "en"}
    ucdp_events : geopandas.GeoDataFrame, optional
        Joined UCDP GED events, for UCDP's deaths in the indicator box.
    dpi : int
        Resolution of the PNGs.
    png : bool
        Also write one PNG per page.

    Returns
    -------
    list of pathlib.Path
        The PDF, then the PNGs in page order.
    """
    from matplotlib.backends.backend_pdf import PdfPages


    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = _Context.build(events, config, language, ucdp_events)
    pdf_path = out_dir / f"atlas_{language}.pdf"
    written = []
    import matplotlib

    with matplotlib.rc_context(PDF_RC), atomic_path(pdf_path) as temp:
        metadata = {"Title": label("atlas_title", language).format(country=config.country),
                    "Author": layout.AUTHOR, "Creator": None, "Producer": None, "CreationDate": None}
        with PdfPages(temp, metadata=metadata) as pdf:
            for number, page in enumerate(context.pages, start=1):
                fig = draw_page(context, page)
                layout._live_text(fig)  # haloed labels stay live text, as layout.save does for every map
                pdf.savefig(fig, facecolor="white")
                if png:
                    path = out_dir / f"atlas_{language}_{number:02d}_{_slug(page.name)}.png"
                    _save_png(fig, path, dpi)
                    written.append(path)
    return [pdf_path, *written]


def annex_step(run) -> None:
    """The annex's "region atlas" step: the atlas in every language of the config, into ``atlas/``."""
    ucdp = indicators.ucdp_events(run.config, run.events)
    names = [page.name for page in pages(run.config)]
    languages = run.config.languages
    for language, paths in zip(languages, write_atlases(run.events, run.config, run.staging / "atlas", languages,
                                                         ucdp), strict=True):
        run.captions[f"atlas/atlas_{language}"] = label("table:atlas", run.language) + f" ({language})"
        for path, name in zip(paths[1:], names, strict=True):
            run.captions[path.relative_to(run.staging).with_suffix("").as_posix()] = (
                label("table:atlas_page", run.language).format(region=name) + f" ({language})")


def write_atlases(events, config, out_dir, languages, ucdp_events=None) -> list[list[Path]]:
    """:func:`write_atlas` for each language, the languages drawn side by side on the machine's cores.

    Returns
    -------
    list of list of pathlib.Path
        The files of each language, in the order of ``languages``.
    """
    jobs = [(events, config, out_dir, language, ucdp_events) for language in languages]
    workers = min(len(jobs), step_pool.workers())  # GEO_COI_WORKERS=1: one language after another
    if workers < 2:
        return [_write_job(job) for job in jobs]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=step_pool.die_with_parent) as pool:
        return list(pool.map(_write_job, jobs))


def _write_job(job) -> list[Path]:
    events, config, out_dir, language, ucdp_events = job
    return write_atlas(events, config, out_dir, language, ucdp_events=ucdp_events)


@dataclasses.dataclass
class _Context:
    """What every page of one language reads: events, indicators, periods, credits."""

    config: object
    language: str
    events: object  # the report's types, current period
    window_events: object  # the report's types, chart window
    regions: pd.DataFrame
    details: dict  # level -> indicator table
    ucdp: pd.DataFrame | None
    pages: list

    @classmethod
    def build(cls, events, config, language, ucdp_events):
        types = config.event_types
        current = select(events, period=config.current, event_types=types)
        window = select(events, period=config.chart_window, event_types=types)
        ucdp = indicators.ucdp_comparison(events, config, ucdp_events) if ucdp_events is not None else None
        details = {level: indicators.compute(events, config, level) for level in ("department", "commune")
                   if country.active().has_level(level)}  # Burkina Faso's pack stops at provinces
        return cls(config, language, current, window, indicators.compute(events, config, "region"), details, ucdp,
                   pages(config))


def draw_page(context: _Context, page: AtlasPage):
    """The Figure of one atlas page (see the module docstring)."""
    language = context.language
    region = context.regions.set_index("pcode").loc[page.pcode]
    chosen = context.events[context.events["region_pcode"] == page.pcode]
    fig_page = _new_page(page, region, context)
    _draw_map(fig_page, page, chosen, language)
    _draw_table(fig_page.fig.add_axes(FRAMES["table"]), page, context)
    _draw_box(fig_page.fig.add_axes(FRAMES["box"]), page, region, context)
    _draw_chart(fig_page.fig.add_axes(FRAMES["chart"]), page, context)
    _credits(fig_page, context, chosen)
    return fig_page.fig


# --- the page ---------------------------------------------------------------------------------
def _new_page(page, region, context):
    language = context.language
    subtitle = (f"{context.config.current.label(language)} · {_number(region['incidents'])} "
                f"{label('incidents', language).lower()}, {_number(region['fatalities'])} "
                f"{label('fatalities', language).lower()}, {_number(region['civilian_incidents'])} "
                f"{label('atlas_civilian_subtitle', language)}")
    sheet = layout.new_page(label("atlas_page_title", language).format(region=page.name), subtitle, SIZE)
    for axes, key in ((sheet.ax, "map"), (sheet.inset, "inset"), (sheet.panel, "panel")):
        axes.set_position(FRAMES[key])
    return sheet


def _draw_map(sheet, page, chosen, language):
    ax = sheet.ax
    regions = admin.units("region").to_crs(map_crs())
    shape = regions[regions["pcode"] == page.pcode]
    layout.set_extent(ax, admin.padded(shape.total_bounds, FRAME_PAD), within=_basemap.coverage())
    credits, towns = _basemap.draw(ax, None, language)
    sheet.credits += credits
    regions[regions["pcode"] != page.pcode].plot(ax=ax, color=MASK_COLOR, alpha=MASK_ALPHA, edgecolor="none",
                                                 zorder=7.5, gid="mask")
    if country.active().has_level("commune"):
        admin.boundary_lines(ax, "commune", linewidth=0.2, color="#b5b5b5")
    admin.boundary_lines(ax, "department", linewidth=0.5, color="#7a7a7a")
    admin.boundary_lines(ax, "region", linewidth=1.1)
    inside = [t for t in towns if shape.geometry.iloc[0].buffer(2_000).contains(_point(t))]
    sheet.labels += inside
    detail = page.table_level
    units = admin.units(detail)
    only = set(units.loc[units["region_pcode"] == page.pcode, "pcode"])
    sheet.labels += admin.area_labels(detail, ax, priority=2, only=only)
    sections, counts = markers.draw_events(ax, chosen, language)
    sheet.labels += counts
    if chosen.empty:
        ax.text(0.5, 0.5, label("atlas_no_events", language), transform=ax.transAxes, ha="center", va="center",
                fontsize=12, color=layout.TEXT_COLOR, zorder=30, gid="no_events",
                bbox={"facecolor": "white", "edgecolor": layout.FRAME_COLOR, "linewidth": 0.6, "pad": 6})
    layout.scale_bar(ax, language)
    layout.north_arrow(ax, language)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    layout.inset_locator(sheet.inset, (x0, y0, x1, y1))
    for axes in sheet.fig.axes:
        axes.set_xlabel("")
        axes.set_ylabel("")
    layout.add_legends(sheet.panel, sections + [features_section(ax, language)])
    obstacles = sheet.obstacles + layout.furniture_boxes(ax)
    symbols = np.concatenate([layout.symbol_boxes(ax, ("towns", "niamey")),
                              layout.symbol_boxes(ax, ("events",), markers.EVENT_OBSTACLE_AREA)])
    layout.place_labels(ax, without_repeats(sheet.labels), obstacles=obstacles, symbols=symbols)
    sheet.notes += [label("locations_approximate", language)] if len(chosen) else []


def _save_png(fig, path, dpi):
    """The page as an RGB PNG with an sRGB chunk and its resolution, as layout.save writes (one encoding)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image, PngImagePlugin


    shown = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        info = PngImagePlugin.PngInfo()
        info.add(b"sRGB", b"\x00")
        with atomic_path(path) as temp:
            image.convert("RGB").save(temp, format="png", pnginfo=info, dpi=(dpi, dpi))
    finally:
        fig.set_dpi(shown)


def _point(item):
    import shapely

    return shapely.Point(item.x, item.y)


def _draw_table(ax, page, context):
    """Units of the region: incidents, fatalities, civilian targeting; this period, comparison, change."""
    language = context.language
    table = context.details[page.table_level]
    rows = table[table["region_pcode"] == page.pcode]
    measures = (("incidents", "incidents"), ("fatalities", "atlas_fatalities_short"),
                ("civilian_incidents", "atlas_civilian_short"))
    header = [layout.level_label("", page.table_level, language)]  # the pack's name: Burkina Faso's provinces
    for _, key in measures:
        header += [label(key, language), "", ""]
    sub = [""] + [label("atlas_now", language), label("atlas_before", language), "Δ %"] * len(measures)
    body = []
    for row in rows.itertuples():
        cells = [row.name]
        for column, _ in measures:
            cells += [_number(getattr(row, column)), _number(getattr(row, f"comparison_{column}")),
                      _change_text(getattr(row, f"pct_change_{column}"), language)]
        body.append(cells)
    totals = context.regions.set_index("pcode").loc[page.pcode]
    total = [label("atlas_total", language)]
    for column, _ in measures:
        total += [_number(totals[column]), _number(totals[f"comparison_{column}"]),
                  _change_text(totals[f"pct_change_{column}"], language)]
    ax.set_axis_off()
    cell_text = [sub, *body, total]
    widths = [0.19] + [0.09] * (3 * len(measures))
    drawn = ax.table(cellText=cell_text, colLabels=header, colWidths=widths, loc="upper left", cellLoc="right",
                     edges="horizontal")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(TABLE_FONT_PT)
    height = min(0.075, 1.0 / (len(cell_text) + 1))
    for (r, c), cell in drawn.get_celld().items():
        cell.set_height(height)
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.4)
        cell.PAD = 0.04
        if c == 0:
            cell.set_text_props(ha="left")
            cell._loc = "left"
        if r == 0:
            cell.set_text_props(fontweight="bold", ha="left")
            cell._loc = "left"
        if r == len(cell_text):
            cell.set_text_props(fontweight="bold")
    ax.set_title(layout.level_label("atlas_table_", page.table_level, language), loc="left", fontsize=9,
                 fontweight="bold", color=layout.TEXT_COLOR, pad=4)
    drawn.set_gid("units_table")


def _draw_box(ax, page, region, context):
    """The indicator box: the region's indicators, this period with the comparison period in brackets."""
    language = context.language
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(layout.FRAME_COLOR)
        spine.set_linewidth(0.6)
    year = region["population_year"]
    year = str(int(year)) if pd.notna(year) else "–"
    lines = [(label(key, language).format(year=year), _pair(region, column, language)) for key, column in BOX_ROWS]
    idps = region["idps"]
    lines.append((label("idps", language) + (f" ({int(region['idps_year'])})" if pd.notna(idps) else ""),
                  _number(idps) if pd.notna(idps) else "–"))
    if context.ucdp is not None:
        ucdp = context.ucdp[(context.ucdp["region_pcode"] == page.pcode) & (context.ucdp["period"] == "current")]
        if len(ucdp):
            row = ucdp.iloc[0]
            lines.append((label("atlas_ucdp", language).format(end=_month(row["end"], language)),
                          f"{_number(row['ucdp_best'])} / {_number(row['acled_fatalities'])}"))
    ax.text(0.04, 0.96, label("atlas_box_title", language), transform=ax.transAxes, va="top", fontsize=9,
            fontweight="bold", color=layout.TEXT_COLOR)
    ax.text(0.04, 0.875, label("atlas_box_note", language), transform=ax.transAxes, va="top",
            fontsize=layout.MIN_FONT_PT, color="#555555")
    step = 0.76 / max(len(lines), 1)
    for i, (name, value) in enumerate(lines):
        y = 0.78 - i * step
        ax.text(0.04, y, name, transform=ax.transAxes, va="top", fontsize=layout.MIN_FONT_PT, color=layout.TEXT_COLOR,
                gid="indicator")
        ax.text(0.96, y, value, transform=ax.transAxes, va="top", ha="right", fontsize=layout.MIN_FONT_PT,
                color=layout.TEXT_COLOR, gid="indicator_value")


BOX_ROWS = (  # translations.csv key of the line, indicator column
    ("incidents", "incidents"),
    ("fatalities", "fatalities"),
    ("civilian_incidents", "civilian_incidents"),
    ("atlas_civilian_fatalities", "civilian_fatalities"),
    ("lethal_incidents", "lethal_incidents"),
    ("fatalities_per_incident", "fatalities_per_incident"),
    ("atlas_per_100k", "incidents_per_100k"),
    ("atlas_fatalities_per_100k", "fatalities_per_100k"),
    ("spread_pct", "spread_pct"),
    ("atlas_imprecise", "imprecise_pct"),
)


def _draw_chart(ax, page, context):
    """The region's incidents per month over the chart window, stacked by event type, periods shaded."""
    language, config = context.language, context.config
    window = config.chart_window
    events = context.window_events[context.window_events["region_pcode"] == page.pcode]
    table = charts._monthly_table(events, window, "incidents", list(config.event_types))
    x = np.arange(len(table))
    for i, column in enumerate(table.columns):
        charts._stacked(ax, x, table[[column]], language, horizontal=False, base=table.iloc[:, :i].sum(axis=1))
    shades = charts._shade_periods(ax, table.index, {"current_period": config.current,
                                                     "comparison_period": config.comparison}, language)
    ax.legend(handles=shades, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=len(shades) or 1, frameon=False,
              fontsize=layout.MIN_FONT_PT, handlelength=1.2, borderaxespad=0.2)
    charts._month_axis(ax, table.index, language)
    ax.set_title(label("atlas_chart_title", language), loc="left", fontsize=9, fontweight="bold",
                 color=layout.TEXT_COLOR, pad=4)
    ax.tick_params(labelsize=layout.MIN_FONT_PT)


def _credits(sheet, context, chosen):  # noqa: ARG001 (one signature for every page part)
    language = context.language
    notes = sheet.notes + [_population_note(language), label("disclaimer", language),
                           f"{label('produced', language)}: {layout.production_date()}"]
    population = context.regions.attrs.get("population_source", indicators.POPULATION_CREDIT)  # the pack's COD-PS
    lines = [captions.events_credit(context.events, language), boundary_credit(), population,
             *sheet.credits, *context.config.credits]
    if context.ucdp is not None:
        lines.insert(1, context.ucdp.attrs.get("ucdp_credit", ""))
    text = [localized_credit(line, language) for line in lines if line]
    layout.credit_block(sheet.fig, text, SIZE)
    layout.notes_block(sheet.fig, notes, SIZE, width=NOTES_WIDTH)


# --- small helpers ----------------------------------------------------------------------------
def _population_note(language):
    """Which populations the rates use: Niger's note (COD-PS 2024 beside INS 2023), else the pack's COD-PS year."""
    pack = country.active()
    if pack.has_file("population_report"):
        return label("atlas_population_note", language)
    return label("atlas_population_note:cod_ps", language).format(year=pack.settings["population"]["year"])


def _pair(row, column, language):
    return f"{_value(row[column], column, language)} ({_value(row[f'comparison_{column}'], column, language)})"


def _value(value, column, language):
    if value is None or pd.isna(value):
        return "–"
    if column.endswith("_pct"):
        return f"{float(value):.1f} %".replace(".", decimal_mark(language))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.2f}".replace(".", decimal_mark(language))
    return _number(value)


def _change_text(value, language):
    if pd.isna(value):
        return "–"
    return "0" if round(float(value)) == 0 else f"{float(value):+.0f}".replace(".", decimal_mark(language))


def _number(value) -> str:
    return "–" if value is None or pd.isna(value) else captions.number(value)


def _month(iso: str, language: str) -> str:
    """``"déc. 2024"``: the month of an ISO date, short."""
    return f"{label(f'month_short_{iso[5:7]}', language)} {iso[:4]}"


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in ascii_name(name).lower()).strip("_")
