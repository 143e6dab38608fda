"""The QGIS hand-off: one GeoPackage with the joined events and the aggregates per admin level.

Every layer carries a default style in the GeoPackage's ``layer_styles``
table (the table QGIS itself writes when you "Save style in database"): QML
for QGIS and SLD for other tools, ``useAsDefault = 1``, so the file opens
styled in QGIS - events coloured and shaped by event type (the colours and
markers of :mod:`geo_coi.style`), admin units shaded by number of incidents in
classes of the report's scheme (:func:`geo_coi.classes.classify`, the breaks
of the printed and HTML maps).

The file is reproducible: GDAL's "last change" stamps and the styles'
``update_time`` are set to a date given by the caller (the end of the
report's period), not the clock.

It opens without warnings in QGIS 3.22 and GDAL 3.6: it is written as
GeoPackage 1.2 (GDAL 3.7+ would write 1.4, which older readers call "only
partially supported"), date-only columns are stored as ``DATE`` and other
date-times in UTC with their ``Z`` (a ``DATETIME`` without one is
"non-conformant"), and the styles declare QGIS 3.22. Each layer's
description (``gpkg_contents.description``, shown by QGIS' layer properties)
says what it holds.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import xml.etree.ElementTree as ET

from geo_coi import style
from geo_coi.atomic import atomic_path
from geo_coi.errors import InputError

GEOMETRY_COLUMN = "geom"
STYLE_TABLE = "layer_styles"
_OUTLINE = "#232323"
GPKG_VERSION = "1.2"  # read without warnings by GDAL >= 2.2 and QGIS 3.x
QGIS_VERSION = "3.22.0"  # the oldest QGIS the styles are written for (Debian 12's)


def write_geopackage(path, layers: dict, styles: dict, timestamp: str, descriptions: dict | None = None) -> str:
    """Write ``layers`` and their styles to a new GeoPackage at ``path`` (atomically).

    Parameters
    ----------
    path : path-like
        Target ``.gpkg``; replaced if it exists.
    layers : dict of str -> geopandas.GeoDataFrame
        Layer name -> frame (any CRS; written as is), in writing order.
    styles : dict of str -> (str, str)
        Layer name -> (QML text, SLD text); layers without an entry get no style.
    timestamp : str
        ISO date-time written as every "last change" / ``update_time``
        (e.g. ``"2025-05-30T00:00:00Z"``), so reruns give the same bytes.
    descriptions : dict of str -> str, optional
        Layer name -> description (what period and event types it holds).

    Returns
    -------
    str
        The path written.
    """
    unknown = sorted(set(styles) - set(layers))
    if unknown:
        raise InputError(f"GeoPackage {path}: styles given for layers that are not written: {', '.join(unknown)}")
    stamp = _gdal_stamp(timestamp)
    descriptions = descriptions or {}
    with atomic_path(path) as temp, _gdal_date(stamp):
        for name, frame in layers.items():
            _conformant_dates(frame).to_file(temp, layer=name, driver="GPKG", engine="pyogrio", use_arrow=True,
                                             GEOMETRY_NAME=GEOMETRY_COLUMN, VERSION=GPKG_VERSION,
                                             DESCRIPTION=descriptions.get(name, ""))
        _write_styles(temp, styles, stamp)
    return str(path)


def _conformant_dates(frame):
    """Date-only columns as dates (GeoPackage ``DATE``), other naive date-times in UTC (``...Z``)."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(values):
            continue
        if getattr(values.dt, "tz", None) is None and (values.dropna() == values.dropna().dt.normalize()).all():
            frame[column] = values.astype("date32[pyarrow]")
        elif getattr(values.dt, "tz", None) is None:
            frame[column] = values.dt.tz_localize("UTC")
    return frame


def event_style(layer: str, event_types, column: str = "event_type", language: str = "en",
                size_by: str | None = "fatalities", other: bool = True) -> tuple[str, str]:
    """QML and SLD of a point layer: one category per event type (colour + shape of ``data/event_symbols.csv``).

    Events of any other type fall in a grey "Other" category (unless ``other`` is false: a layer
    filtered to ``event_types``). With ``size_by``
    the QML sizes each symbol by that column in the fatality classes of the
    print maps (:data:`geo_coi.maps.markers.FATALITY_BREAKS`, same areas for
    every shape).
    """
    categories = [(value, style.label(value, language), style.event_symbol(value)) for value in event_types]
    if other:
        categories.append(("", style.label("Other", language), style.OTHER_SYMBOL))
    return (_categorized_qml(column, categories, size_by, style.label("fatalities_size", language)),
            _categorized_sld(layer, column, categories))


def fill_style(layer: str, fill: str | None, outline: str, width_mm: float = 0.2) -> tuple[str, str]:
    """QML and SLD of a polygon layer drawn in one fill (``None``: outline only), e.g. a context layer."""
    return (_qml_document(_single_renderer(_fill_symbol(0, fill, outline, width_mm))),
            _sld_document(layer, [_sld_rule(layer, None, _sld_polygon(fill, outline))]))


def line_style(layer: str, color: str, width_mm: float = 0.3) -> tuple[str, str]:
    """QML and SLD of a line layer drawn in one colour (rivers, boundary lines)."""
    symbol = qml_symbol(0, "line", "SimpleLine", {"line_color": qml_color(color), "line_width": _number(width_mm),
                                                      "line_width_unit": "MM", "capstyle": "round"})
    line = ET.Element("se:LineSymbolizer")
    stroke = ET.SubElement(line, "se:Stroke")
    _sld_param(stroke, "se:SvgParameter", "stroke", color)
    return _qml_document(_single_renderer(symbol)), _sld_document(layer, [_sld_rule(layer, None, line)])


def choropleth_style(layer: str, values, column: str, scheme: str = "fisherjenks", classes: int = 5,
                     language: str = "en") -> tuple[str, str]:
    """QML and SLD of a polygon layer shaded by ``column`` in the classes of the printed maps.

    Parameters
    ----------
    values : array-like of float
        The column's values; :func:`geo_coi.classes.classify` gives the breaks,
        colours and labels (zero its own class), as on the PNG and HTML maps.
    scheme, classes
        Classification scheme and number of classes above zero.
    language : {"en", "fr", "nl"}
        Language of the class labels.
    """
    ranges = _ranges(values, scheme, classes, language)
    return _graduated_qml(column, ranges), _graduated_sld(layer, column, ranges)


def _ranges(values, scheme, k, language):
    """(lower, upper, colour, label) of the zero class (when present) and of each class above zero."""
    import numpy as np

    from geo_coi.classes import classify

    values = np.asarray(values, dtype="float64")
    found = classify(values, scheme, k=k, zero_label="0", language=language)
    uppers = [float(b) for b in found.bins]
    ranges = [(0.0, 0.0, found.colors[1], found.labels[1])] if (values == 0).any() else []
    lowers = [0.0] + uppers[:-1]
    return ranges + list(zip(lowers, uppers, found.colors[2:], found.labels[2:], strict=False))


# --- layer_styles ---------------------------------------------------------------------------
_STYLE_COLUMNS = """
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
    f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
    useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
    update_time DATETIME DEFAULT CURRENT_TIMESTAMP
"""


def _write_styles(path, styles: dict, stamp: str) -> None:
    """Create QGIS' ``layer_styles`` table (registered as an attributes table) and fill it."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(f"CREATE TABLE {STYLE_TABLE} ({_STYLE_COLUMNS})")
            connection.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
                " VALUES (?, 'attributes', ?, 'QGIS layer styles', ?)",
                (STYLE_TABLE, STYLE_TABLE, stamp),
            )
            for name in sorted(styles):
                qml, sld = styles[name]
                connection.execute(
                    f"INSERT INTO {STYLE_TABLE} (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                    " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)"
                    " VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
                    (name, GEOMETRY_COLUMN, name, qml, sld, f"geo_coi default style of {name}", stamp),
                )
    finally:
        connection.close()


def _gdal_stamp(timestamp: str) -> str:
    """``2025-05-30`` or ``2025-05-30T00:00:00Z`` -> GeoPackage's ``2025-05-30T00:00:00.000Z``."""
    text = str(timestamp).rstrip("Z")
    date, _, time = text.partition("T")
    time = (time or "00:00:00")[:8]
    return f"{date}T{time}.000Z"


@contextlib.contextmanager
def _gdal_date(stamp: str):
    """Make GDAL stamp ``stamp`` instead of the clock (``OGR_CURRENT_DATE``), then restore."""
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


# --- colours ----------------------------------------------------------------------------------
def qml_color(hex_color: str) -> str:
    """``#rrggbb`` -> QGIS' ``r,g,b,255``."""
    hex_color = hex_color.lstrip("#")
    return ",".join(str(int(hex_color[i:i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _number(value: float) -> str:
    return f"{value:.6g}"


# --- QML ------------------------------------------------------------------------------------
def _qml_document(renderer: ET.Element) -> str:
    root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology"})
    root.append(renderer)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")


def qml_symbol(index: int, kind: str, layer_class: str, options: dict) -> ET.Element:
    """A QGIS ``<symbol>`` of one symbol layer (``SimpleMarker``, ``SimpleFill``, ``SimpleLine``) with ``options``."""
    symbol = ET.Element("symbol", {"type": kind, "name": str(index), "alpha": "1", "clip_to_extent": "1",
                                   "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1", "pass": "0", "locked": "0"})
    option_map = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in options.items():
        ET.SubElement(option_map, "Option", {"name": key, "type": "QString", "value": value})
    return symbol


def _single_renderer(symbol: ET.Element) -> ET.Element:
    renderer = ET.Element("renderer-v2", {"type": "singleSymbol", "symbollevels": "0", "enableorderby": "0",
                                          "forceraster": "0"})
    ET.SubElement(renderer, "symbols").append(symbol)
    return renderer


def _fill_symbol(index: int, fill: str | None, outline: str, width_mm: float = 0.2) -> ET.Element:
    return qml_symbol(index, "fill", "SimpleFill", {
        "color": qml_color(fill or "#ffffff"), "style": "solid" if fill else "no", "outline_color": qml_color(outline),
        "outline_width": _number(width_mm), "outline_width_unit": "MM",
    })


def _size_property(expression: str) -> ET.Element:
    """A symbol layer's ``data_defined_properties`` with a data-defined size (points)."""
    properties = ET.Element("data_defined_properties")
    outer = ET.SubElement(properties, "Option", {"type": "Map"})
    ET.SubElement(outer, "Option", {"name": "name", "type": "QString", "value": ""})
    size = ET.SubElement(ET.SubElement(outer, "Option", {"name": "properties", "type": "Map"}),
                         "Option", {"name": "size", "type": "Map"})
    ET.SubElement(size, "Option", {"name": "active", "type": "bool", "value": "true"})
    ET.SubElement(size, "Option", {"name": "expression", "type": "QString", "value": expression})
    ET.SubElement(size, "Option", {"name": "type", "type": "int", "value": "3"})
    ET.SubElement(outer, "Option", {"name": "type", "type": "QString", "value": "collection"})
    return properties


def _size_expression(size_by: str, column: str, categories) -> str:
    """Marker size (pt) by fatality class, times each type's shape factor: every shape of a class has one area.

    One expression for every category, so QGIS can draw the fatality classes in the legend.
    """
    from geo_coi.maps.markers import FATALITY_BREAKS, FATALITY_SIZES

    classes = " ".join(f'WHEN coalesce("{size_by}", 0) >= {low} THEN {_number(math.sqrt(area))}'
                       for low, area in reversed(list(zip(FATALITY_BREAKS, FATALITY_SIZES, strict=True))))
    def factor(symbol):
        return _number(math.sqrt(style.equal_area_size(symbol["marker"], 1)))

    shapes = " ".join(f'WHEN "{column}" = {quoted(value)} THEN {factor(symbol)}'
                      for value, _, symbol in categories if value)
    return f"(CASE {classes} END) * (CASE {shapes} ELSE {factor(style.OTHER_SYMBOL)} END)"


def quoted(text: str) -> str:
    """A QGIS expression string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _size_legend(title: str) -> ET.Element:
    """QGIS' legend of the data-defined sizes: one grey circle per fatality class, as on the print maps."""
    from geo_coi.maps.markers import FATALITY_SIZES, fatality_labels

    legend = ET.Element("data-defined-size-legend", {"type": "separated", "valign": "center", "title": title})
    legend.append(qml_symbol(0, "marker", "SimpleMarker", {
        "color": qml_color("#9a9a9a"), "name": "circle", "outline_color": "255,255,255,255",
        "outline_width": "0.35", "outline_width_unit": "Point", "size": "4", "size_unit": "Point"}))
    legend[-1].set("name", "source")
    text_style = ET.SubElement(legend, "text-style", {"align": "1", "color": "0,0,0,255"})
    ET.SubElement(text_style, "font", {"family": "DejaVu Sans", "size": "7", "weight": "50", "italic": "0"})
    classes = ET.SubElement(legend, "classes")
    for area, text in zip(FATALITY_SIZES, fatality_labels(), strict=True):
        ET.SubElement(classes, "class", {"size": _number(math.sqrt(area)), "label": text})
    return legend


def _layer_of(symbol: ET.Element) -> ET.Element:
    """The ``<layer>`` of a QML ``<symbol>`` (:func:`qml_symbol` always writes one)."""
    layer = symbol.find("layer")
    if layer is None:
        raise ValueError("a QML symbol without its <layer>")
    return layer


def _categorized_qml(column: str, categories, size_by: str | None = None, size_title: str = "") -> str:
    renderer = ET.Element("renderer-v2", {"type": "categorizedSymbol", "attr": column, "symbollevels": "0",
                                          "enableorderby": "0", "forceraster": "0"})
    cats, symbols = ET.SubElement(renderer, "categories"), ET.SubElement(renderer, "symbols")
    expression = _size_expression(size_by, column, categories) if size_by else None
    for index, (value, label, row) in enumerate(categories):
        ET.SubElement(cats, "category", {"value": value, "label": label, "symbol": str(index), "render": "true"})
        symbol = qml_symbol(index, "marker", "SimpleMarker", {
            "color": qml_color(row["color"]), "name": row["shape"],
            "outline_color": "255,255,255,255", "outline_width": "0.35", "outline_width_unit": "Point",
            "size": _number(math.sqrt(style.equal_area_size(row["marker"], 49))), "size_unit": "Point",
        })
        if expression:
            _layer_of(symbol).append(_size_property(expression))
        symbols.append(symbol)
    if expression:
        source = ET.SubElement(renderer, "source-symbol")
        source.append(qml_symbol(0, "marker", "SimpleMarker", {"color": qml_color("#9a9a9a"), "name": "circle",
                                                               "size": "4", "size_unit": "Point"}))
        _layer_of(source[-1]).append(_size_property(expression))
        renderer.append(_size_legend(size_title))
    return _qml_document(renderer)


def _graduated_qml(column: str, ranges) -> str:
    renderer = ET.Element("renderer-v2", {"type": "graduatedSymbol", "attr": column,
                                          "graduatedMethod": "GraduatedColor", "symbollevels": "0",
                                          "enableorderby": "0", "forceraster": "0"})
    ranges_el, symbols = ET.SubElement(renderer, "ranges"), ET.SubElement(renderer, "symbols")
    for index, (low, high, color, label) in enumerate(ranges):
        ET.SubElement(ranges_el, "range", {"lower": _number(low), "upper": _number(high), "label": label,
                                           "symbol": str(index), "render": "true"})
        symbols.append(_fill_symbol(index, color, _OUTLINE))
    return _qml_document(renderer)


# --- SLD ------------------------------------------------------------------------------------
_SLD_NS = {"xmlns": "http://www.opengis.net/sld", "xmlns:ogc": "http://www.opengis.net/ogc",
           "xmlns:se": "http://www.opengis.net/se", "version": "1.1.0"}


def _sld_document(layer: str, rules) -> str:
    root = ET.Element("StyledLayerDescriptor", _SLD_NS)
    named = ET.SubElement(root, "NamedLayer")
    ET.SubElement(named, "se:Name").text = layer
    feature_style = ET.SubElement(ET.SubElement(named, "UserStyle"), "se:FeatureTypeStyle")
    for rule in rules:
        feature_style.append(rule)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _sld_rule(title: str, condition: ET.Element | None, symbolizer: ET.Element) -> ET.Element:
    rule = ET.Element("se:Rule")
    ET.SubElement(rule, "se:Name").text = title
    if condition is None:
        ET.SubElement(rule, "se:ElseFilter")
    else:
        ogc_filter = ET.SubElement(rule, "ogc:Filter")
        ogc_filter.append(condition)
    rule.append(symbolizer)
    return rule


def _sld_compare(operator: str, column: str, value) -> ET.Element:
    element = ET.Element(f"ogc:{operator}")
    ET.SubElement(element, "ogc:PropertyName").text = column
    ET.SubElement(element, "ogc:Literal").text = str(value)
    return element


def _sld_param(parent: ET.Element, tag: str, name: str, value: str) -> None:
    ET.SubElement(parent, tag, {"name": name}).text = value


def _categorized_sld(layer: str, column: str, categories) -> str:
    rules = []
    for value, label, row in categories:
        point = ET.Element("se:PointSymbolizer")
        graphic = ET.SubElement(point, "se:Graphic")
        mark = ET.SubElement(graphic, "se:Mark")
        ET.SubElement(mark, "se:WellKnownName").text = row["sld"]
        _sld_param(ET.SubElement(mark, "se:Fill"), "se:SvgParameter", "fill", row["color"])
        _sld_param(ET.SubElement(mark, "se:Stroke"), "se:SvgParameter", "stroke", _OUTLINE)
        ET.SubElement(graphic, "se:Size").text = "7"
        if float(row["sld_rotation"] or 0):
            ET.SubElement(graphic, "se:Rotation").text = row["sld_rotation"]
        condition = _sld_compare("PropertyIsEqualTo", column, value) if value else None
        rules.append(_sld_rule(label, condition, point))
    return _sld_document(layer, rules)


def _sld_polygon(fill: str | None, outline: str) -> ET.Element:
    polygon = ET.Element("se:PolygonSymbolizer")
    if fill:
        _sld_param(ET.SubElement(polygon, "se:Fill"), "se:SvgParameter", "fill", fill)
    _sld_param(ET.SubElement(polygon, "se:Stroke"), "se:SvgParameter", "stroke", outline)
    return polygon


def _graduated_sld(layer: str, column: str, ranges) -> str:
    rules = []
    for index, (low, high, color, label) in enumerate(ranges):
        polygon = _sld_polygon(color, _OUTLINE)
        condition = ET.Element("ogc:And")
        condition.append(_sld_compare("PropertyIsGreaterThanOrEqualTo" if index == 0 else "PropertyIsGreaterThan",
                                      column, _number(low)))
        condition.append(_sld_compare("PropertyIsLessThanOrEqualTo", column, _number(high)))
        rules.append(_sld_rule(label, condition, polygon))
    return _sld_document(layer, rules)
