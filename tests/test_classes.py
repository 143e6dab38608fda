"""One classification (geo_coi.classes) for the printed maps, the HTML map and the GeoPackage's QGIS style."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import numpy as np
import pytest

from geo_coi.classes import FEW_UNITS, classify
from geo_coi.errors import InputError
from geo_coi.maps import choropleth

UCDP_FILE = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
PERIOD = ("2022-01-01", "2023-12-31")


@pytest.fixture(scope="module")
def events():
    from geo_coi.events import select
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    return join_admin(select(read_events(UCDP_FILE).events, period=PERIOD)).events


def _numbers(text):
    """The numbers in a class label ("1 234 – 2 000", "3,6 – 15,9", "≤ 5")."""
    return [float(n.replace("\u2009", "").replace(",", ".")) for n in re.findall(r"\d[\d\u2009]*(?:[.,]\d+)?", text)]


def _qml_ranges(qml):
    root = ET.fromstring(qml.split("\n", 1)[1])
    return [(float(r.get("lower")), float(r.get("upper")), r.get("label")) for r in root.iter("range")]


def test_png_html_and_geopackage_give_the_same_breaks(events, tmp_path):
    from geo_coi import geopackage, stats
    from geo_coi.maps import layout
    from geo_coi.maps.html import interactive_map

    table = stats.by_unit(events, "department")
    expected = classify(table["incidents"].to_numpy(dtype=float), "fisherjenks", k=5)
    assert len(expected.bins) >= 3
    # QGIS style: upper bounds and labels of the ranges above zero
    qml_ranges = _qml_ranges(geopackage.choropleth_style("department", table["incidents"], "incidents")[0])
    assert qml_ranges[0][:2] == (0.0, 0.0)
    assert [upper for _, upper, _ in qml_ranges[1:]] == list(expected.bins)
    assert [lower for lower, _, _ in qml_ranges[2:]] == list(expected.bins[:-1])
    qml_labels = [text for _, _, text in qml_ranges[1:]]
    # HTML: the department legend embedded in the page
    page = interactive_map(events, language="en", out=tmp_path / "map.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r"^geoCoiMap\((\{.*\})\);$", page, re.MULTILINE).group(1))
    legend = next(entry for entry in data["legend"] if entry["layer"] == "department")
    html_labels = [item["label"] for item in legend["items"]][1:1 + len(expected.bins)]
    # PNG: the legend of the printed map
    fig = choropleth.choropleth(events, "department", "incidents", out=tmp_path / "dep", dpi=40).fig
    png_texts = layout.legend_texts(fig)
    assert qml_labels == html_labels == expected.labels[2:]
    start = png_texts.index(qml_labels[0])
    assert png_texts[start:start + len(qml_labels)] == qml_labels
    # the highest class ends at the largest count everywhere
    assert _numbers(qml_labels[-1])[-1] == table["incidents"].max()


def test_headtail_breaks_style_the_geopackage():
    from geo_coi import geopackage

    values = np.arange(1, 80, dtype=float) ** 2
    ranges = _qml_ranges(geopackage.choropleth_style("units", values, "incidents", scheme="headtailbreaks")[0])
    assert [upper for _, upper, _ in ranges] == list(classify(values, "headtailbreaks").bins)
    assert ranges[-1][1] == values.max() and len(ranges) >= 3


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(InputError, match="'jenks' is not supported: use one of fisherjenks"):
        classify([1, 2, 3], "jenks")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_decimal_labels_leave_no_gaps(language):
    values = np.array([3.6, 4.2, 7.7, 15.9, 15.95, 16.1, 18.0, 21.2, 25.0, 33.3, 40.01, 41.0] * 3)
    classes = classify(values, "fisherjenks", k=4, decimals=1, language=language)
    bounds = [_numbers(text) for text in classes.labels[2:]]
    assert all(len(b) == 2 for b in bounds)
    for (_, previous_high), (low, _) in zip(bounds, bounds[1:], strict=False):
        assert low == previous_high  # "3.6 – 15.9 | 15.9 – 21.2": the classes touch
    for value, index in zip(values, classes.assign(values), strict=False):
        low, high = bounds[index - 2]
        assert low <= value <= high  # each value lies inside the label of its class
    assert ("," in classes.labels[2]) == (language == "fr")


def test_whole_number_labels_continue_one_above_the_previous_class():
    values = np.array([1, 2, 3, 5, 8, 9, 13, 14, 25, 26, 40, 41, 60, 61, 90, 95, 120, 130, 200, 210, 300, 5, 7])
    assert len(values) > FEW_UNITS
    classes = classify(values, "fisherjenks", k=5)
    bounds = [_numbers(text) for text in classes.labels[2:]]
    for previous, current in zip(bounds, bounds[1:], strict=False):
        assert current[0] == previous[-1] + 1
    for value, index in zip(values, classes.assign(values), strict=False):
        assert bounds[index - 2][0] <= value <= bounds[index - 2][-1]


def test_few_units_get_rounded_breaks_and_no_single_member_class():
    regions = np.array([3, 17, 24, 61, 137, 412, 905, 1333], dtype=float)  # 8 regions, an outlier at the top
    classes = classify(regions, "fisherjenks", k=5)
    counts = np.bincount(classes.assign(regions) - 2)
    assert len(counts) == len(classes.bins) >= 2 and counts.min() >= 2
    for upper in classes.bins[:-1]:
        digits = f"{int(upper)}".rstrip("0")
        assert len(digits) <= 2, f"break {upper} is not rounded to two significant digits"
    assert classes.bins[-1] == regions.max()


def test_region_choropleth_writes_each_value_on_its_region(events):
    from geo_coi import stats
    from geo_coi.gazetteer import display_name
    from geo_coi.maps import layout

    fig = choropleth.choropleth(events, "region", "incidents", language="fr", dpi=40).fig
    placed = [label.get_text() for label in fig.axes[0].texts]
    table = stats.by_unit(events, "region")
    for name, count in zip(table["name"], table["incidents"], strict=False):
        assert any(layout.unspaced(text.split("\n")[0]).upper() == display_name(name).upper()
                   and text.endswith(f"\n{count}") for text in placed), (
            f"{name}: value {count} not written")
    density = choropleth.choropleth(events, "region", language="fr", dpi=40).fig  # default: incidents per 1,000 km²
    texts = [t.get_text() for t in density.axes[0].texts if "\n" in t.get_text()]
    assert any(",0" in t or ",1" in t or "< 0,01" in t for t in texts)  # two decimals, decimal comma
    assert not any(t.endswith("\n0,00") for t in texts)  # zero is "0", a small value "< 0,01"


@pytest.mark.parametrize("values", [[0, 0, 7, 0], [7], [0, 3, 0, 3]])
def test_one_unit_or_one_value_above_zero_is_one_class(values):
    """A map with events in one unit only (a one-event page, a quiet period) still classifies."""
    values = np.array(values, dtype=float)
    classes = classify(values, "fisherjenks", k=5)
    assert list(classes.bins) == [values.max()]
    assigned = classes.assign(values)
    assert len(set(assigned[values > 0])) == 1 and len(set(assigned[values == 0])) <= 1
    assert set(assigned[values > 0]).isdisjoint(assigned[values == 0])


def test_one_unit_above_zero_is_one_class():
    """All events in one region (an ACLED export of one area): one class, not a crash."""
    found = classify([0, 0, 7, 0], k=5)
    assert list(found.bins) == [7.0] and found.labels[2:] == ["7"]
    assert list(found.assign([0, 7])) == [1, 2]
