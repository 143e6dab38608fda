"""geo_coi.geopackage on its own: layers, dates, styles and timestamps of a small GeoPackage."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from geo_coi import style
from geo_coi.errors import InputError
from geo_coi.geopackage import (
    GEOMETRY_COLUMN,
    STYLE_TABLE,
    choropleth_style,
    event_style,
    fill_style,
    qml_color,
    write_geopackage,
)

STAMP = "2025-05-30T00:00:00Z"


@pytest.fixture
def layers():
    points = gpd.GeoDataFrame({"event_type": ["Battles", "Riots"], "fatalities": [3, 0],
                               "event_date": pd.to_datetime(["2025-01-02", "2025-03-04"])},
                              geometry=[Point(2.1, 13.5), Point(8.0, 17.0)], crs="EPSG:4326")
    units = gpd.GeoDataFrame({"pcode": ["A", "B"], "rate": [0.0, 4.5]},
                             geometry=[box(0, 11, 5, 15), box(5, 11, 10, 15)], crs="EPSG:4326")
    return {"events": points, "units": units}


def _styles(layers):
    return {"events": event_style("events", ["Battles", "Riots"]),
            "units": choropleth_style("units", layers["units"]["rate"], "rate", classes=2)}


def test_layers_dates_and_styles_round_trip(tmp_path, layers):
    path = tmp_path / "report.gpkg"
    assert write_geopackage(path, layers, _styles(layers), STAMP, {"events": "Events 2025"}) == str(path)
    assert [name for name, _ in pyogrio.list_layers(path)] == ["events", "units", STYLE_TABLE]
    back = gpd.read_file(path, layer="events")
    assert back["fatalities"].tolist() == [3, 0] and back.geometry.x.round(6).tolist() == [2.1, 8.0]
    with sqlite3.connect(path) as db:
        kinds = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
        styled = db.execute(f"SELECT f_table_name, f_geometry_column, styleQML FROM {STYLE_TABLE} "
                            "ORDER BY f_table_name").fetchall()
        contents = dict(db.execute("SELECT table_name, last_change FROM gpkg_contents").fetchall())
        described = db.execute("SELECT description FROM gpkg_contents WHERE table_name='events'").fetchone()
    assert kinds["event_date"] == "DATE" and kinds["fatalities"].startswith(("INT", "MEDIUMINT"))
    assert [(name, geom) for name, geom, _ in styled] == [("events", GEOMETRY_COLUMN), ("units", GEOMETRY_COLUMN)]
    assert set(contents.values()) == {"2025-05-30T00:00:00.000Z"} and described == ("Events 2025",)
    ET.fromstring(styled[0][2].split("\n", 1)[1])  # the QML after its DOCTYPE line is XML


def test_same_input_same_bytes(tmp_path, layers):
    first, second = tmp_path / "a.gpkg", tmp_path / "b.gpkg"
    write_geopackage(first, layers, _styles(layers), STAMP)
    write_geopackage(second, layers, _styles(layers), STAMP)
    assert first.read_bytes() == second.read_bytes()


def test_style_for_a_missing_layer_is_an_input_error_and_writes_nothing(tmp_path, layers):
    path = tmp_path / "x.gpkg"
    with pytest.raises(InputError, match="not written: rivers"):
        write_geopackage(path, layers, {"rivers": fill_style("rivers", None, "#0000ff")}, STAMP)
    assert list(tmp_path.iterdir()) == []


def test_event_style_uses_the_event_symbols_and_an_other_class():
    qml, sld = event_style("events", ["Battles"])
    battles = qml_color(style.event_color("Battles"))
    assert battles in qml and 'value=""' in qml and style.label("Other") in qml
    assert style.event_color("Battles") in sld and "<se:Name>events</se:Name>" in sld
    only, _ = event_style("events", ["Battles"], other=False)
    assert style.label("Other") not in only


def test_qml_color():
    assert qml_color("#ff0080") == "255,0,128,255"
