"""The report's charts (the COI Focus security reports' Grafiek 1–8), one function each.

=========================  ===========================================  =========
function                   shows                                        report
=========================  ===========================================  =========
:func:`monthly_by_type`    incidents per month, stacked by event type   Grafiek 1
:func:`type_share`         share of each event type (pie or 100 % bar)  Grafiek 2
:func:`incidents_fatalities`  incidents (bars) over fatalities (line)    Grafiek 3
                           per month
:func:`civilian_actors`    actors of civilian targeting                 Grafiek 4
:func:`regions_by_type`    incidents per region by event type           Grafiek 5
:func:`departments_by_type`  incidents per department of one region    Grafiek 6–8
=========================  ===========================================  =========

Every function takes canonical events (the region charts need the columns
added by :func:`geo_coi.join.join_admin`), a period (a
:class:`geo_coi.periods.Period`, a ``(start, end)`` pair or ``None`` for the
events' own date range) and ``language`` (nl, fr, en); it returns a matplotlib
Figure with title, period, legend and the events' credit line, and writes
``out``.png (300 dpi), .pdf and .svg, byte-identical for the same input, when
``out`` (a path stem) is given. Event-type colours are those of the maps
(:mod:`geo_coi.style`); types outside the style's palette are drawn together
as "Other". The counting is done by :mod:`geo_coi.stats`.
"""

from __future__ import annotations

import numbers
import textwrap

import numpy as np
import pandas as pd

from geo_coi import stats, style
from geo_coi.admin_index import records
from geo_coi.errors import InputError
from geo_coi.events import ACLED_EVENT_TYPES, UCDP_EVENT_TYPES
from geo_coi.gazetteer import resolve
from geo_coi.periods import Period, covered_part, data_range, format_date, is_month_end

CHART_SIZE_CM = (16.0, 9.5)
# Grafiek 3 (no event types): Paul Tol's "medium-contrast" blue; fatalities in near-black, far from
# every event-type colour (Battles is a red).
INCIDENTS_COLOR = "#6699CC"
FATALITIES_COLOR = "#222222"
PARTIAL_HATCH = "////"  # the last month when the data end inside it
TEXT_COLOR = "#222222"
GRID_COLOR = "#dddddd"
OTHER = "Other"
_TYPE_ORDER = ACLED_EVENT_TYPES + tuple(UCDP_EVENT_TYPES.values())
_CM_PER_INCH = 2.54
_MARGIN_CM = 0.2  # page edge to title and credit line
_TITLE_BLOCK_CM = 1.3  # title and period
_CREDIT_BLOCK_CM = 0.5
_MIN_BAR_SLOTS = 6  # horizontal bar charts keep bars as thin as with this many bars
_LABEL_WIDTH = 30  # characters per line of an actor or unit name
_MIN_SHARE_INSIDE = 12.0  # % below which a share's label goes above its bar segment


# ----------------------------------------------------------------------------- charts


def monthly_by_type(events, period=None, *, event_types=None, language="en", size_cm=CHART_SIZE_CM,
                    out=None, current=None, comparison=None):
    """Grafiek 1: incidents per month, stacked by event type.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events.
    period : Period or (start, end) or None
        Months shown (every month of the period, empty ones included).
    event_types : sequence of str, optional
        Types drawn, in this order (default: every type in the events).
    language : {"nl", "fr", "en"}
    size_cm : (float, float)
        Figure width and height in cm.
    out : str or Path, optional
        Path stem of the PNG/PDF/SVG files to write.
    current, comparison : Period or (start, end), optional
        The report's period and the one it is compared with: their months
        are shaded (:data:`PERIOD_SHADES`), with a legend entry each.

    Returns
    -------
    matplotlib.figure.Figure
    """
    asked, (period, cut) = _period(events, period), _data_period(events, period)
    table = _monthly_table(events, period, "incidents", _check_types(event_types))
    fig, ax = _new_chart(style.label("chart_monthly_by_type", language), asked, language, size_cm, cut)
    x = np.arange(len(table))
    containers = [_stacked(ax, x, table[[column]], language, horizontal=False, base=table.iloc[:, :i].sum(axis=1))
                  for i, column in enumerate(table.columns)]
    shades = _shade_periods(ax, table.index, {"current_period": current, "comparison_period": comparison}, language)
    _month_axis(ax, table.index, language)
    ax.set_ylabel(style.label("incidents", language))
    types = ax.get_legend_handles_labels()[0]
    partial = _mark_partial(containers, cut, language)
    # with shading (or a partial month): event types in the first column, the periods in the second
    _legend(fig, ax, language, types + shades + partial, ncols=2 if shades or partial else None)
    return _finish(fig, events, language, out)


# Shading of the report's periods on Grafiek 1 (behind the bars): key -> (face colour, hatch).
PERIOD_SHADES = {"current_period": ("#d6e3f0", None), "comparison_period": ("#ececec", None)}


def _month_span(period, language):
    """``"sep 2024 – mei 2025"``: the months of a period, short."""
    def month(day):
        return f"{style.label(f'month_short_{day.month:02d}', language)} {day.year}"

    return f"{month(period.start)} – {month(period.end)}"


def _shade_periods(ax, months, periods, language):
    """Shade the months of each given period; return their legend handles."""
    from matplotlib.patches import Patch


    handles = []
    for key, period in periods.items():
        period = Period.coerce(period)
        if period is None:
            continue
        inside = [i for i, month in enumerate(months) if month in set(period.months())]
        if not inside:
            continue
        colour, hatch = PERIOD_SHADES[key]
        text = f"{style.label(key, language)} ({_month_span(period, language)})"
        ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, facecolor=colour, hatch=hatch, edgecolor="none", zorder=0,
                   gid=f"shade:{key}")
        handles.append(Patch(facecolor=colour, hatch=hatch, edgecolor="none", label=text))
    return handles


def type_share(events, period=None, *, kind="pie", event_types=None, language="en", size_cm=CHART_SIZE_CM,
               out=None):
    """Grafiek 2: share of each event type in the period's incidents.

    Parameters
    ----------
    kind : {"pie", "bar"}
        A pie, or one 100 % horizontal bar.
    events, period, event_types, language, size_cm, out
        As for :func:`monthly_by_type`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if kind not in ("pie", "bar"):
        raise InputError(f"kind {kind!r} is not supported: use 'pie' or 'bar'")
    period = _period(events, period)
    counts = _counts_table(events, period, None, _check_types(event_types)).iloc[0]
    counts = counts[counts > 0]
    fig, ax = _new_chart(style.label("chart_type_share", language), period, language, size_cm)
    if counts.sum() == 0:
        _no_incidents(ax, language)
        return _finish(fig, events, language, out)
    shares = 100.0 * counts / counts.sum()
    labels = [f"{n} ({_percent(s, language)})" for n, s in zip(counts, shares, strict=False)]
    colors = [_color(t) for t in counts.index]
    if kind == "pie":
        wedges, _ = ax.pie(counts.to_numpy(), colors=colors, labels=labels, startangle=90, counterclock=False,
                           wedgeprops={"edgecolor": "white", "linewidth": 1.0},
                           textprops={"fontsize": 8, "color": TEXT_COLOR})
        for wedge, event_type in zip(wedges, counts.index, strict=False):
            wedge.set_label(_type_label(event_type, language))
            wedge.set_gid(f"share:{event_type}")
        ax.set_aspect("equal")
        _legend(fig, ax, language)  # above the pie, like every chart (a legend beside it was cut off in French)
    else:
        left = 0.0
        for event_type, share, text in zip(counts.index, shares, labels, strict=False):
            ax.barh([0], [share], 0.5, left=left, color=_color(event_type), edgecolor="white",
                    label=_type_label(event_type, language), gid=f"share:{event_type}")
            inside = share >= _MIN_SHARE_INSIDE
            ax.text(left + share / 2, 0.0 if inside else 0.3, text, ha="center", va="center" if inside else "bottom",
                    fontsize=8, color="white" if inside else TEXT_COLOR, fontweight="bold" if inside else "normal")
            left += share
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.45, 0.7)
        ax.set_yticks([])
        ax.set_xlabel(style.label("share_of_incidents", language) + " (%)")
        _tidy_axes(ax, grid_axis="x")
        _legend(fig, ax, language)
    return _finish(fig, events, language, out)


def incidents_fatalities(events, period=None, *, language="en", size_cm=CHART_SIZE_CM, out=None):
    """Grafiek 3: incidents per month (bars, top panel) and fatalities (line, bottom panel), one time axis.

    Parameters
    ----------
    events, period, language, size_cm, out
        As for :func:`monthly_by_type`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    asked, (period, cut) = _period(events, period), _data_period(events, period)
    totals = stats.monthly(events, period, by=None).set_index("month")
    incidents, fatalities = totals["incidents"], totals["fatalities"]
    fig, top = _new_chart(style.label("chart_incidents_fatalities", language), asked, language, size_cm, cut)
    grid = fig.add_gridspec(2, 1)
    top.set_subplotspec(grid[0])
    bottom = fig.add_subplot(grid[1], sharex=top)
    x = np.arange(len(incidents))
    bars = top.bar(x, incidents.to_numpy(), color=INCIDENTS_COLOR, width=0.7,
                   label=style.label("incidents", language), gid="incidents")
    # a file without fatalities gives <NA> months: no line there, not zeros
    fatalities = fatalities.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    bottom.plot(x, fatalities, color=FATALITIES_COLOR, marker="o", markersize=3, linewidth=1.5,
                label=style.label("fatalities", language), gid="fatalities")
    for axis, values, key in ((top, incidents.to_numpy(dtype="float64"), "incidents"), (bottom, fatalities,
                                                                                        "fatalities")):
        axis.set_ylim(0, max(1.0, np.nanmax(values) if np.isfinite(values).any() else 1.0) * 1.1)
        axis.set_ylabel(style.label(key, language), fontsize=8)
        _month_axis(axis, incidents.index, language)
    top.tick_params(labelbottom=False)
    partial = _mark_partial([bars], cut, language)
    if partial and np.isfinite(fatalities[-1]):
        bottom.plot(x[-1:], fatalities[-1:], marker="o", markersize=5, markerfacecolor="white",
                    markeredgecolor=FATALITIES_COLOR, linestyle="none", gid="fatalities:partial")
    handles = top.get_legend_handles_labels()[0] + bottom.get_legend_handles_labels()[0] + partial
    _legend(fig, top, language, handles=handles)
    return _finish(fig, events, language, out)


def civilian_actors(events, period=None, *, top=8, language="en", size_cm=CHART_SIZE_CM, out=None):
    """Grafiek 4: incidents targeting civilians per actor (``actor1``), most active first.

    Parameters
    ----------
    top : int
        Actors shown by name; the others are summed as "Other actors".
    events, period, language, size_cm, out
        As for :func:`monthly_by_type`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise InputError(f"top must be a whole number >= 1, got {top!r}")
    period = _period(events, period)
    counts = stats.summarize(events, period, by="actor", civilian_targeting=True).set_index("actor")["incidents"]
    counts = counts[counts > 0]
    if len(counts) > top:
        other = counts.iloc[top:].sum()
        counts = pd.concat([counts.iloc[:top], pd.Series({style.label("other_actors", language): other})])
    fig, ax = _new_chart(style.label("chart_civilian_actors", language), period, language, size_cm)
    if counts.empty:
        _no_incidents(ax, language)
        return _finish(fig, events, language, out)
    y = _bar_slots(ax, len(counts))
    ax.set_xlim(0, counts.max() * 1.08)
    color = style.event_color("Violence against civilians")
    bars = ax.barh(y, counts.to_numpy(), color=color, height=0.65,
                   label=style.label("civilian_targeting_incidents", language), gid="actors")
    ax.bar_label(bars, fontsize=7.5, padding=2, color=TEXT_COLOR)
    ax.set_yticks(y, [_wrap(style.actor_name(a, language)) if str(a).strip() else style.label("no_data", language)
                      for a in counts.index])
    ax.set_xlabel(style.label("civilian_targeting_incidents", language))
    _tidy_axes(ax, grid_axis="x")
    return _finish(fig, events, language, out)


def regions_by_type(events, period=None, *, event_types=None, language="en", size_cm=CHART_SIZE_CM, out=None):
    """Grafiek 5: incidents per region, stacked by event type; every region shown, most incidents on top.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events joined to the admin units (:func:`geo_coi.join.join_admin`).
    period, event_types, language, size_cm, out
        As for :func:`monthly_by_type`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    period = _period(events, period)
    units = [(r["pcode"], r["name"]) for r in _records("region")]
    table = _unit_table(events, period, "region", units, _check_types(event_types))
    fig, ax = _new_chart(style.label("chart_regions_by_type", language), period, language, size_cm)
    _unit_bars(ax, table, language)
    _legend(fig, ax, language)
    return _finish(fig, events, language, out)


def departments_by_type(events, period, region, *, include_empty=True, event_types=None, language="en",
                        size_cm=CHART_SIZE_CM, out=None):
    """Grafiek 6–8: incidents per department of one region, stacked by event type.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events joined to the admin units (:func:`geo_coi.join.join_admin`).
    period : Period or (start, end) or None
    region : str
        Region name (accents and case forgiven) or P-code, e.g. ``"Tillabéri"`` or ``"NE006"`` in Niger.
    include_empty : bool
        Show departments without incidents (with a 0); the report left them out
        and said so in its text.
    event_types, language, size_cm, out
        As for :func:`monthly_by_type`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    period = _period(events, period)
    region_pcode, region_name = _region(region)
    units = [(r["pcode"], r["name"]) for r in _records("department") if r["region_pcode"] == region_pcode]
    table = _unit_table(events, period, "department", units, _check_types(event_types))
    if not include_empty:
        table = table[table.sum(axis=1) > 0]
    title = style.label("chart_departments_by_type", language).format(region=region_name)
    fig, ax = _new_chart(title, period, language, size_cm)
    if table.empty:
        _no_incidents(ax, language)
    else:
        _unit_bars(ax, table, language)
        _legend(fig, ax, language)
    return _finish(fig, events, language, out)


# ----------------------------------------------------------------------------- data (via stats)


def _period(events, period):
    """A Period from ``period``, or the events' own first-to-last date when ``None``."""
    period = Period.coerce(period)
    if period is not None:
        return period
    if "event_date" not in events or events["event_date"].isna().all():
        raise InputError("events have no dates: pass canonical events (geo_coi.sources.read_events) or a period")
    dates = pd.to_datetime(events["event_date"])
    return Period.parse(dates.min(), dates.max())


def _data_period(events, period):
    """``(period, cut)``: the period cut to the events' own dates, and the date the data end when
    they end before the period or on its last day (else None).
    """
    asked, period = Period.coerce(period), _period(events, period)
    covered = data_range(events)
    if asked is None or covered is None or period.clip(covered) is None:
        return period, None
    clipped = covered_part(period, covered)
    return clipped, clipped.end if clipped.end < period.end or clipped.end == covered.end else None


def _mark_partial(containers, end, language):
    """Hatch the last month's bars when the data end (``end``, None if not cut) inside it; return the legend handle."""
    from matplotlib.patches import Patch


    if end is None or is_month_end(end):
        return []
    for container in containers:
        if container is not None and len(container.patches):
            bar = container.patches[-1]
            bar.set_hatch(PARTIAL_HATCH)
            bar.set_edgecolor("white")
            bar.set_linewidth(0)
    text = style.label("partial_month", language).format(days=_partial_days(end, language))
    return [Patch(facecolor="#bbbbbb", hatch=PARTIAL_HATCH, edgecolor="white", label=text)]


def _partial_days(end, language):
    """``1–15 May``: the days of a partial last month."""
    return f"1–{end.day} {style.label(f'month_short_{end.month:02d}', language)}"


def _counts_table(events, period, by, event_types):
    """Wide table of incidents from :func:`geo_coi.stats.summarize`.

    One row per P-code of ``by`` (``"region"`` or ``"department"``), or a single
    row when ``by`` is None; one column per drawn event type.
    """
    keys = [by, "event_type"] if by else ["event_type"]
    tidy = stats.summarize(events, period, by=keys, event_types=event_types)
    if by:
        return _wide(tidy, f"{by}_pcode", "incidents", event_types)
    return _wide(tidy, np.zeros(len(tidy), dtype=int), "incidents", event_types).reindex([0], fill_value=0)


def _monthly_table(events, period, measure, event_types=None):
    """Wide table of ``measure`` per month (``YYYY-MM``, every month of the period) and event type."""
    tidy = stats.monthly(events, period, by="event_type", event_types=event_types)
    return _wide(tidy, "month", measure, event_types).reindex(period.months(), fill_value=0)


def _wide(tidy, index, measure, event_types):
    """Pivot a tidy stats table to one column per drawn type, in the style's order.

    Without ``event_types``, types absent from the table (or all zero) are
    left out, so the legend lists only what is drawn.
    """
    tidy = tidy.assign(event_type=tidy["event_type"].map(_drawn_type))
    wide = pd.pivot_table(tidy, index=index, columns="event_type", values=measure, aggfunc="sum", fill_value=0,
                          observed=True)
    if event_types is not None:
        return wide.reindex(columns=list(event_types), fill_value=0)
    present = [t for t in wide.columns if (tidy.loc[tidy["event_type"] == t, "incidents"] > 0).any()]
    return wide.reindex(columns=_ordered(present), fill_value=0)


def _unit_table(events, period, level, units, event_types):
    """Incidents per unit of ``level`` and event type, every unit of ``units`` kept, unit names as index."""
    wide = _counts_table(events, period, level, event_types)
    wide = wide.reindex(index=[p for p, _ in units], fill_value=0)
    wide.index = [name for _, name in units]
    if event_types is None:  # types seen elsewhere in the country but not in these units stay out of the legend
        wide = wide.loc[:, wide.sum(axis=0) > 0]
    return wide


def _check_types(event_types):
    """``event_types`` as a list (one name may be given as a string); refuse types without a colour."""
    if event_types is None:
        return None
    if isinstance(event_types, str):
        event_types = [event_types]
    unknown = [t for t in event_types if _drawn_type(t) != t]
    if unknown:
        raise InputError(f"event type(s) {', '.join(map(repr, unknown))} have no chart colour: use some of "
                         f"{', '.join(style.EVENT_COLORS)}")
    return list(event_types)


def _drawn_type(event_type):
    """The type as drawn: types without a style colour are grouped as "Other"."""
    return event_type if event_type in style.EVENT_COLORS else OTHER


def _ordered(types):
    """Event types in drawing order: ACLED's, UCDP's, any others alphabetically, "Other" last."""
    types = set(types)
    known = [t for t in _TYPE_ORDER if t in types]
    rest = sorted(types - set(known) - {OTHER})
    return known + rest + ([OTHER] if OTHER in types else [])


def _records(level):
    return records(level)


def _region(region):
    """(P-code, name) of a region given by name (accents/case forgiven) or P-code.

    Raises :class:`geo_coi.errors.ResolveError` (from :func:`geo_coi.gazetteer.resolve`)
    listing the candidates when the name is unknown or ambiguous.
    """
    pcode = resolve(str(region), "region")
    return pcode, next(r["name"] for r in _records("region") if r["pcode"] == pcode)


# ----------------------------------------------------------------------------- drawing


def _new_chart(title, period, language, size_cm, cut=None):
    """Figure with title and period above, room for the credit line below, and one axes.

    Constrained layout fits the axes, tick labels and legend between the
    title block and the credit line. ``cut`` (a date) adds "data up to <cut>"
    to the period.
    """
    from matplotlib.figure import Figure

    style.check_language(language)
    width, height = size_cm
    if not (width > 0 and height > 0):
        raise InputError(f"size_cm must be two positive numbers (width, height), got {size_cm!r}")
    fig = Figure(figsize=(width / _CM_PER_INCH, height / _CM_PER_INCH), dpi=100, layout="constrained")
    top, bottom = _TITLE_BLOCK_CM / height, _CREDIT_BLOCK_CM / height
    fig.get_layout_engine().set(rect=(0.0, bottom, 1.0, 1.0 - top - bottom), h_pad=0.05, w_pad=0.05)
    left = _MARGIN_CM / width
    fig.text(left, 1 - _MARGIN_CM / height, title, fontsize=11, fontweight="bold", color=TEXT_COLOR, va="top",
             gid="title")
    subtitle = period.label(language)
    if cut is not None:
        subtitle += f" ({style.label('data_up_to', language).format(date=format_date(cut, language))})"
    fig.text(left, 1 - (_MARGIN_CM + 0.55) / height, subtitle, fontsize=8.5, color=TEXT_COLOR,
             va="top", gid="subtitle")
    return fig, fig.add_subplot()


def _finish(fig, events, language, out):
    """Add the credit line, write the files when ``out`` is given, return the figure."""
    width, height = (v * _CM_PER_INCH for v in fig.get_size_inches())
    fig.text(_MARGIN_CM / width, _MARGIN_CM / height, style.event_credit(events.attrs, language), fontsize=6,
             color="#444444", va="bottom", gid="credits")
    if out is not None:
        from geo_coi.maps.layout import save  # lazy: maps.layout loads matplotlib, charts.py only when drawing

        save(fig, out)
    return fig


def _legend(fig, ax, language, handles=None, ncols=None):  # noqa: ARG001 (the callers' common signature)
    """One-row legend just above the plot, left-aligned (kept clear of the credit line by the layout)."""
    handles = handles if handles is not None else ax.get_legend_handles_labels()[0]
    if handles:
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncols=ncols or min(len(handles), 4),
                  frameon=False, fontsize=7.5, handlelength=1.2, columnspacing=1.5, borderaxespad=0.0,
                  borderpad=0.0)


def _stacked(ax, positions, table, language, horizontal, base=None):
    """Bars stacked by event type (columns of ``table``, from ``base``); returns the last container."""
    base = np.zeros(len(table)) if base is None else np.asarray(base, dtype="float64")
    container = None
    for event_type in table.columns:
        values = table[event_type].to_numpy(dtype="float64")
        draw = ax.barh if horizontal else ax.bar
        extent = {"left": base} if horizontal else {"bottom": base}
        container = draw(positions, values, 0.7, color=_color(event_type), label=_type_label(event_type, language),
                         gid=f"type:{event_type}", **extent)
        base = base + values
    return container


def _unit_bars(ax, table, language):
    """Horizontal stacked bars per unit, most incidents on top, totals at the bar ends."""
    totals = table.sum(axis=1)
    table = table.loc[sorted(table.index, key=lambda name: (-totals[name], name))]
    y = _bar_slots(ax, len(table))
    last = _stacked(ax, y, table, language, horizontal=True)
    totals = table.sum(axis=1)
    if last is not None:
        ax.bar_label(last, labels=[str(int(v)) for v in totals], fontsize=7.5, padding=2, color=TEXT_COLOR)
    ax.set_xlim(0, max(1, totals.max()) * 1.08)
    ax.set_yticks(y, [_wrap(name) for name in table.index])
    ax.set_xlabel(style.label("incidents", language))
    _tidy_axes(ax, grid_axis="x")


def _bar_slots(ax, count):
    """Positions of ``count`` horizontal bars, top first; few bars stay thin and centred."""
    extra = max(0, _MIN_BAR_SLOTS - count) / 2
    ax.set_ylim(-0.6 - extra, count - 0.4 + extra)
    return np.arange(count)[::-1]


def _month_axis(ax, months, language):
    """Month ticks ("Sep", "Oct" …) with the year under the first month and every January.

    Up to 30 months every month is named (every other month when the names are
    long, as French "sept.", and there are more than 18); up to 72 every
    quarter; beyond, only the years. The first month is always named.
    """
    step = 1 if len(months) <= 30 else 3 if len(months) <= 72 else 12
    longest = max(len(style.label(f"month_short_{m:02d}", language)) for m in range(1, 13))
    if step == 1 and len(months) > 18 and longest > 4:
        step = 2
    labels = []
    for i, month in enumerate(months):
        year, number = month.split("-")
        first = i == 0 or number == "01"
        if step == 12:
            text = year if number == "01" else ""
        elif (int(number) - 1) % step and not first:
            text = ""
        else:
            text = style.label(f"month_short_{number}", language) + (f"\n{year}" if first else "")
        labels.append(text)
    ax.set_xticks(np.arange(len(months)), labels, fontsize=7)
    ax.set_xlim(-0.6, len(months) - 0.4)
    _tidy_axes(ax, grid_axis="y")


def _tidy_axes(ax, grid_axis):
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=7.5, colors=TEXT_COLOR)
    ax.set_axisbelow(True)
    ax.grid(axis=grid_axis, color=GRID_COLOR, linewidth=0.6)
    ax.xaxis.label.set_size(8)
    ax.yaxis.label.set_size(8)
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if grid_axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def _no_incidents(ax, language):
    ax.set_axis_off()
    ax.text(0.5, 0.5, style.label("no_incidents", language), ha="center", va="center", fontsize=10,
            color=TEXT_COLOR, transform=ax.transAxes, gid="no_incidents")


def _color(event_type):
    return style.event_color(event_type)


def _type_label(event_type, language):
    return style.label(event_type, language)


def _wrap(name):
    """A long actor or unit name over several lines."""
    return textwrap.fill(str(name), _LABEL_WIDTH, break_long_words=False)


def _percent(value, language):
    """``45%`` in English, ``45 %`` (narrow no-break space) in French and Dutch."""
    return f"{value:.0f}%" if language == "en" else f"{value:.0f}\u202f%"
