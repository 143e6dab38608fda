"""Choropleths per region or department: incidents per 1,000 km², counts, rates per 100,000."""

from __future__ import annotations

import dataclasses

import numpy as np

from geo_coi.classes import classify, number_text
from geo_coi.crs import EQUAL_AREA
from geo_coi.errors import InputError
from geo_coi.gazetteer import display_name
from geo_coi.maps import admin, capital, captions, layout, markers
from geo_coi.maps.page import MapResult, finish_page, start_page
from geo_coi.stats import by_unit
from geo_coi.style import label

MEASURES = ("incidents_per_1000km2", "incidents", "fatalities", "incidents_per_100k", "fatalities_per_100k")


def choropleth(events, level="region", measure="incidents_per_1000km2", scheme="fisherjenks", *, k=5, breaks=None,
               period=None,
               values=None, language="en", size="A4-landscape", out=None, basemap=None, dpi=layout.PRINT_DPI,
               credits=()) -> MapResult:
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
        As :func:`~geo_coi.maps.annex_maps.annex1`.

    Returns
    -------
    MapResult
        The figure, the files written and the labels placed (:class:`geo_coi.maps.page.MapResult`).
        Zero gets its own class ("no incidents recorded" / "no fatalities
        recorded"), missing values (e.g. no population) a hatched "no data" class.
    """
    if measure not in MEASURES:
        raise InputError(f"choropleth measure {measure!r} is not supported: use one of {', '.join(MEASURES)}")
    if values is None:
        values = by_unit(events, level, period=period)
    units = admin.units(level).merge(_values_column(values, measure, level), on="pcode", how="left")
    title = f"{label(measure, language)} {layout.level_label('by_', level, language)}"
    subtitle = captions.subtitle(markers.in_period(events, period), period, language)
    page = start_page(title, subtitle, size, language, admin.bounds("country"), basemap)
    decimals = 2 if measure.endswith("km2") else 1 if measure.endswith("100k") else 0
    classes = classify(units["value"].to_numpy(dtype=float), scheme, k=k, breaks=breaks,
                       zero_label=label("no_incidents" if measure.startswith("incidents") else "no_fatalities",
                                        language),
                       no_data_label=label("no_data", language), decimals=decimals, language=language)
    handles = admin.fill_classes(page.ax, units, classes)
    if level == "department":
        admin.boundary_lines(page.ax, "region", linewidth=1.0)
    names = admin.unit_labels(level, page.ax) + capital.star(page.ax, language, fill=capital.class_fill(units, classes))
    page.labels += _with_values(names, units, decimals, language) if level == "region" else names
    shown = _present(classes, units["value"])
    sections = [(label(measure, language), [handles[i] for i in shown], [classes.labels[i] for i in shown])]
    data_credits = [captions.events_credit(events, language)]
    if measure.endswith("100k"):
        data_credits.append(captions.population_credit(language))
    return finish_page(page, language, sections, data_credits, out, dpi, credits)



def _values_column(values, measure, level):
    if measure == "incidents_per_1000km2" and "incidents" in values and measure not in values:
        units = admin.units(level)
        area = dict(zip(units["pcode"], units.to_crs(EQUAL_AREA).area / 1e6, strict=False))  # km²
        values = values.assign(**{measure: values["incidents"].astype(float) / values["pcode"].map(area) * 1000})
    if "pcode" not in values or measure not in values:
        raise InputError(f"choropleth values need columns 'pcode' and {measure!r} (from geo_coi.stats.by_unit)")
    table = values[["pcode", measure]].rename(columns={measure: "value"})
    unknown = sorted(set(table["pcode"]) - set(admin.units(level)["pcode"]))
    if unknown:
        raise InputError(f"choropleth values: P-code(s) {', '.join(unknown[:5])} are not {level}s")
    return table



def _with_values(items, units, decimals, language):
    r"""Region labels with the mapped value on a second line ("TAHOUA\n12.4")."""
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
