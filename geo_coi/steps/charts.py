"""The charts step: Grafiek 1-5 (national) and one departments chart per region of ``department_breakdowns``."""

from __future__ import annotations

from geo_coi import charts as draw
from geo_coi.steps.common import selected, slug, title


def _window(run):
    """The chart window as asked (the charts say where the data stop)."""
    return run.asked_window or run.config.chart_window


def _monthly_by_type(charts, run, out):
    cfg = run.config
    return charts.monthly_by_type(run.events, _window(run), event_types=run.event_types, language=run.language,
                                  out=out, current=cfg.current, comparison=cfg.comparison)


def _type_share(charts, run, out):
    return charts.type_share(selected(run), run.config.current, event_types=run.event_types, language=run.language,
                             out=out)


def _incidents_fatalities(charts, run, out):
    window = _window(run)
    return charts.incidents_fatalities(selected(run, window), window, language=run.language, out=out)


def _civilian_actors(charts, run, out):
    return charts.civilian_actors(selected(run), run.config.current, language=run.language, out=out)


def _regions_by_type(charts, run, out):
    return charts.regions_by_type(run.events, run.config.current, event_types=run.event_types,
                                  language=run.language, out=out)


# The national charts in their report order (Grafiek 1-5): output name, caption key, draw(charts, run, out).
NATIONAL = (
    ("grafiek1_monthly_by_type", "chart_monthly_by_type", _monthly_by_type),
    ("grafiek2_type_share", "chart_type_share", _type_share),
    ("grafiek3_incidents_fatalities", "chart_incidents_fatalities", _incidents_fatalities),
    ("grafiek4_civilian_actors", "chart_civilian_actors", _civilian_actors),
    ("grafiek5_regions_by_type", "chart_regions_by_type", _regions_by_type),
)
DEPARTMENTS_KEY = "chart_departments_by_type"


def charts(run) -> None:
    """Grafiek 1-5, then Grafiek 6, 7 ... : the departments of each region of ``department_breakdowns``."""
    for number, (name, key, chart) in enumerate(NATIONAL, start=1):
        chart(draw, run, run.stem("charts", name, _caption(run, number, key)))
    for number, region in enumerate(run.config.department_breakdowns, start=len(NATIONAL) + 1):
        caption = _caption(run, number, DEPARTMENTS_KEY).format(region=region)
        draw.departments_by_type(run.events, run.config.current, region, event_types=run.event_types,
                                 language=run.language, out=run.stem("charts", f"grafiek{number}_{slug(region)}_"
                                                                     "departments", caption))


def _caption(run, number: int, key: str) -> str:
    """Gallery caption of a chart: "Grafiek 1: <its title>" in the run's language."""
    return f"{title(run, 'chart')} {number}: {title(run, key)}"
