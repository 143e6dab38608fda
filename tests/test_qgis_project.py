"""The QGIS hand-off (geo_coi.qgis_report): the GeoPackage and the project beside it, opened in real QGIS.

The QGIS tests run ``tests/qgis_check.py`` under Debian's Python (PyQGIS 3.22,
``QT_QPA_PLATFORM=offscreen``): it opens the project, reports every layer's
validity, renderer and legend, exports both print layouts to PDF and reads
the GeoPackage with GDAL 3.6, collecting its warnings. The PDFs are then read
with pdftotext and their pixels checked. Without QGIS the tests skip, and
fail under ``CI=true`` (``.ci/run`` installs qgis and python3-qgis).
"""

import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fake_acled import make_rows

from geo_coi import style
from geo_coi.classes import classify
from geo_coi.config import load_config
from geo_coi.join import join_admin
from geo_coi.periods import Period
from geo_coi.qgis_report import write_handoff
from geo_coi.sources import read_events
from geo_coi.stats import by_unit

QGIS_PYTHON = "/usr/bin/python3"
CHECK_SCRIPT = Path(__file__).with_name("qgis_check.py")
PERIOD = Period.coerce(("2024-09-01", "2025-05-30"))
ACCESS_DATE = "2025-06-05"


def _require(problem):
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


def _require_qgis():
    problem = None
    if not Path(QGIS_PYTHON).is_file():
        problem = f"{QGIS_PYTHON} not found: PyQGIS runs under Debian's Python (apt-get install qgis python3-qgis)"
    elif subprocess.run([QGIS_PYTHON, "-c", "import qgis.core, osgeo.gdal"], capture_output=True,
                        check=False).returncode:
        problem = "PyQGIS is not installed: apt-get install qgis python3-qgis"
    elif shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        problem = "pdftotext/pdftoppm not found: apt-get install poppler-utils"
    _require(problem)


def _acled_events(tmp_path):
    """Joined events read from an ACLED-schema CSV (not the synthetic demo): the credit names the access date."""
    rows = make_rows(240)
    for i, row in enumerate(rows):  # spread over the south-west (Tillabéri), so every type shows
        row["latitude"], row["longitude"] = f"{13.1 + (i % 16) * 0.1:.4f}", f"{0.9 + (i // 16) * 0.12:.4f}"
    path = tmp_path / "acled.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    events = join_admin(read_events(path).events).events
    events.attrs["access_date"] = ACCESS_DATE
    return events


def _demo_events():
    config = load_config()
    return join_admin(read_events(config.events_file).events).events, config


@pytest.fixture(scope="module")
def demo():
    events, config = _demo_events()
    return events, config


def _handoff(folder, events, config, language):
    folder.mkdir(parents=True, exist_ok=True)
    return write_handoff(folder, config.report_id, events, config.event_types, PERIOD, language=language,
                         scheme=config.maps.scheme, classes=config.maps.classes, credits=config.credits,
                         title=config.title, extents=(config.extents.get("national"),
                                                      config.extents.get("south_west")))


def _qgis(project, out):
    """Run the PyQGIS check on ``project``; its JSON report."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(out))
    done = subprocess.run([QGIS_PYTHON, str(CHECK_SCRIPT), str(project), str(out)], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pdf_text(path):
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"[ \u00a0\u202f\u2009]+", " ", text.replace("\ufb00", "ff").replace("\ufb01", "fi")
                  .replace("\ufb03", "ffi"))


def _pdf_pixels(path, tmp_path):
    from PIL import Image

    stem = tmp_path / Path(path).stem
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(stem)], check=True)
    with Image.open(f"{stem}.png") as image:
        return np.asarray(image.convert("RGB")).astype(int)


def _has_colour(pixels, hex_color, tolerance=12):
    target = np.array([int(hex_color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(pixels - target).max(axis=2) <= tolerance).sum())


# --- the GeoPackage, without QGIS ------------------------------------------------------------------
def test_geopackage_is_1_2_with_dates_descriptions_and_in_report(tmp_path, demo):
    events, config = demo
    gpkg, _ = _handoff(tmp_path, events, config, "en")
    connection = sqlite3.connect(gpkg)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 10200
        declared = {row[1]: row[2] for row in connection.execute("PRAGMA table_info(events)")}
        assert declared["event_date"] == "DATE" and declared["in_report"] == "BOOLEAN"
        dates = [row[0] for row in connection.execute("SELECT event_date FROM events")]
        in_report = sum(row[0] for row in connection.execute("SELECT in_report FROM events"))
        descriptions = dict(connection.execute("SELECT table_name, description FROM gpkg_contents"))
        qml_versions = {re.search(r'<qgis version="([^"]+)"', row[0]).group(1)
                        for row in connection.execute("SELECT styleQML FROM layer_styles")}
        region_incidents = sum(row[0] for row in connection.execute("SELECT incidents FROM region"))
        styled = {row[0] for row in connection.execute("SELECT f_table_name FROM layer_styles")}
    finally:
        connection.close()
    assert len(dates) == len(events) and all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in dates)
    assert min(dates) == events["event_date"].min().date().isoformat()
    assert 0 < in_report < len(events)  # the events layer holds all events; in_report marks the report's
    assert in_report == region_incidents  # ... and the polygons count exactly those
    assert qml_versions == {"3.22.0"}
    for table in ("events", "region", "department", "commune"):
        assert "1 September 2024 – 30 May 2025" in descriptions[table], descriptions[table]
        assert "Violence against civilians" in descriptions[table]
    assert "in_report = 1" in descriptions["events"]
    assert "Natural Earth" in descriptions["ne_countries"] and "COD-AB" in descriptions["country"]
    assert styled == {t for t in descriptions if t != "layer_styles"}  # every layer opens styled


def test_project_is_reproducible_relative_and_uses_the_geopackage_styles(tmp_path, demo):
    events, config = demo
    first = _handoff(tmp_path / "a", events, config, "fr")
    second = _handoff(tmp_path / "b", events, config, "fr")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    with zipfile.ZipFile(first[1]) as archive:
        assert archive.namelist() == [f"{config.report_id}.qgs"]
        root = ET.fromstring(archive.read(archive.namelist()[0]).split(b"\n", 1)[1])
    sources = [element.text for element in root.iter("datasource")]
    assert sources and all(s.startswith(f"./{config.report_id}.gpkg|layername=") for s in sources)
    assert root.find("properties/Paths/Absolute").text == "false"
    layouts = [layout.get("name") for layout in root.iter("Layout")]
    assert layouts == ["Annexe 1", "Annexe 2"]
    # the department layer's classes are the GeoPackage's (one classification, geo_coi.classes)
    connection = sqlite3.connect(first[0])
    try:
        stored = dict(connection.execute("SELECT f_table_name, styleQML FROM layer_styles"))["department"]
    finally:
        connection.close()
    layer = next(m for m in root.iter("maplayer") if m.find("id").text == "geo_coi_department")
    ranges = [(r.get("lower"), r.get("upper"), r.get("label")) for r in layer.iter("range")]
    assert ranges == [(r.get("lower"), r.get("upper"), r.get("label"))
                      for r in ET.fromstring(stored.split("\n", 1)[1]).iter("range")]
    table = by_unit(events, "department", PERIOD, event_types=config.event_types)
    expected = classify(table["incidents"].to_numpy(dtype=float), config.maps.scheme, k=config.maps.classes,
                        language="fr")
    assert [float(r[1]) for r in ranges[1:]] == list(expected.bins)


# --- in QGIS -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def opened(tmp_path_factory, demo):
    """(language -> (folder, QGIS report, events)) for the demo in Dutch and an ACLED-schema file in French."""
    _require_qgis()
    events, config = demo
    results = {}
    for language, frame in (("nl", events), ("fr", _acled_events(tmp_path_factory.mktemp("acled")))):
        folder = tmp_path_factory.mktemp(f"qgis_{language}")
        _, project = _handoff(folder, frame, config, language)
        results[language] = (folder, _qgis(project, folder), frame, config)
    return results


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_layer_is_valid_and_styled_in_qgis(opened, language):
    folder, report, events, config = opened[language]
    assert report["read"] and report["qgis"].startswith("3.")
    assert report["gdal_warnings"] == []  # GeoPackage 1.2, dates conformant: GDAL 3.6 says nothing
    assert report["messages"] == []
    assert "+proj=lcc" in report["crs"]
    layers = report["layers"]
    assert len(layers) == 14 and all(layer["valid"] for layer in layers.values()), layers
    assert all(layer["source"].startswith(str(folder)) for layer in layers.values())  # relative path resolved
    types = [style.label(t, language) for t in config.event_types]
    report_layer = layers["geo_coi_events_report"]
    assert report_layer["renderer"] == "categorizedSymbol"
    legend = report_layer["legend"]
    assert legend[-len(types):] == types  # the print maps' event types, in order, and no "Other"
    # the fatality classes of the print maps (size legend), then the categories
    assert legend[:legend.index(types[0])] == [style.label("fatalities_size", language), "0", "1 – 4", "5 – 19",
                                                 "20 – 49", "≥ 50"]
    assert report_layer["subset"] == '"in_report" = 1'
    assert layers["geo_coi_events"]["features"] == len(events)
    # "All events": every type of the file under its own label (data/event_symbols.csv gives its symbol)
    assert {style.label(t, language) for t in events["event_type"]} <= set(layers["geo_coi_events"]["legend"])
    in_report = events["event_type"].isin(config.event_types) & events["event_date"].between(
        pd.Timestamp(PERIOD.start), pd.Timestamp(PERIOD.end))
    assert report_layer["features"] == int(in_report.sum())
    table = by_unit(events, "region", PERIOD, event_types=config.event_types)
    classes = classify(table["incidents"].to_numpy(dtype=float), config.maps.scheme, k=config.maps.classes,
                       zero_label="0", language=language)
    assert layers["geo_coi_region"]["renderer"] == "graduatedSymbol"
    shown = classes.labels[1:] if (table["incidents"] == 0).any() else classes.labels[2:]
    assert layers["geo_coi_region"]["legend"] == shown
    assert layers["geo_coi_region"]["features"] == 8 and layers["geo_coi_commune"]["features"] == 266


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_both_layouts_export_to_pdf_with_title_legend_and_credits(opened, language, tmp_path):
    _, report, events, _ = opened[language]
    layouts = report["layouts"]
    assert list(layouts) == [f"{style.label('annex', language)} {n}" for n in (1, 2)]
    credit = style.event_credit(events.attrs, language)
    for number, (name, layout) in enumerate(layouts.items(), start=1):
        assert layout["export"] == 0 and layout["pages"] == 1, layout
        assert layout["pdf_text_format"] == 1  # the layout exports text as text
        # Annex 2 has Niamey's arrondissements in an inset, as on the print map
        assert set(layout["maps"]) == {"map", "locator"} | ({"inset"} if number == 2 else set())
        assert layout["legends"] == 1
        assert layout["scalebars"] == [True] and layout["pictures"][0].endswith("north_arrow.svg")
        assert layout["maps"]["locator"]["overviews"] == (number == 2)  # Annex 2's frame shown on the locator
        text = _pdf_text(layout["pdf"])
        squeezed = re.sub(r"\s+", " ", text)
        for expected in (style.label(f"annex{number}_title", language), style.label("event_type", language),
                         style.label("Battles", language), style.label("boundary_region", language),
                         style.label("fatalities_size", language), style.label("rivers_lakes", language),
                         credit, style.localized_credit(style.boundary_credit(), language),
                         style.localized_credit(style.basemap_credit(), language), PERIOD.label(language), "km"):
            expected = re.sub(r"[\s\u202f\u2009]+", " ", expected)
            assert expected in squeezed, f"{name}: {expected!r} not in the PDF"
        if number == 2:
            assert re.sub(r"[\s\u202f]+", " ", style.label("niamey_arrondissements", language)) in squeezed
        pixels = _pdf_pixels(layout["pdf"], tmp_path)
        assert _has_colour(pixels, style.event_color("Battles")) > 20  # event symbols drawn
        assert _has_colour(pixels, style.FOCUS_COLOR) > 50  # Niger (Annex 1) or the frame (Annex 2) on the locator
        assert _has_colour(pixels, style.COUNTRY_FILL, 3) > 5000  # Natural Earth neighbours
    if language == "fr":  # an ACLED file: the credit line names the access date
        assert "5 juin 2025" in credit and "ACLED" in credit
        assert "\u202f:" in credit  # French typography, as on the print maps
