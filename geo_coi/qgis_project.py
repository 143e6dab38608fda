"""The QGIS project beside the GeoPackage: styled layers and print layouts a cartographer can finish.

:func:`write_project` writes a ``.qgz`` (a zipped ``.qgs``) without QGIS: the
XML is generated here. The project

- points at the GeoPackage next to it by a relative path (``./<name>.gpkg``),
  so the folder can be moved or zipped whole;
- shows every layer with the QML of the GeoPackage's own ``layer_styles``
  (:mod:`geo_coi.geopackage`: the colours, shapes, fatality sizes and
  choropleth breaks of the print maps, one classification);
- holds one print layout per :class:`PrintLayout`: map frame, title and
  subtitle, legend, scale bar (km), north arrow (true north), locator and the
  credit lines, all in the report's language.

The XML is that of QGIS 3.22 (Debian 12's), which later versions read too.
Same inputs -> same bytes (stable ids, fixed ZIP member times).
"""

from __future__ import annotations

import io
import math
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from geo_coi.atomic import write_bytes
from geo_coi.crs import GEOGRAPHIC
from geo_coi.geopackage import QGIS_VERSION, qml_color, qml_symbol

PAGE_MM = {"A4-landscape": (297.0, 210.0), "A4-portrait": (210.0, 297.0)}
MARGIN_MM = 10.0
PANEL_MM = 78.0  # right-hand column: locator and legend
FONT = "DejaVu Sans"  # shipped with QGIS' Debian packages and with matplotlib
NORTH_ARROW = ":/images/north_arrows/layout_default_north_arrow.svg"  # QGIS' own resource
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ITEM = {"page": 65638, "map": 65639, "picture": 65640, "label": 65641, "legend": 65642, "scalebar": 65646}
_UUIDS = uuid.UUID("6f1e1c52-4a58-4c3e-9d0e-2a4c9b1f6a10")  # namespace of the project's stable ids


@dataclass(frozen=True)
class Labels:
    """Labels of a layer: a QGIS expression, drawn in :data:`FONT` with a white halo.

    Attributes
    ----------
    expression : str
        E.g. ``upper("name")``.
    size : float
        Points.
    color : str
        Hex colour.
    italic : bool
    spacing : float
        Letter spacing (points), e.g. for the spaced capitals of region names.
    """

    expression: str
    size: float = 7.0
    color: str = "#6b6b6b"
    italic: bool = False
    spacing: float = 0.0


@dataclass(frozen=True)
class ProjectLayer:
    """One GeoPackage layer as shown in the project.

    Attributes
    ----------
    table : str
        Layer name in the GeoPackage (also the layer's id in the project).
    title : str
        Name shown in QGIS' layer panel and legends.
    geometry : {"Point", "Line", "Polygon"}
    qml : str
        The layer's style (QML text, as stored in ``layer_styles``).
    visible : bool
    subset : str
        Filter expression of the layer (QGIS "Provider feature filter"), e.g. ``"in_report" = 1``.
    key : str
        Names the layer's id (``geo_coi_<key>``) when one table is shown twice (default: ``table``).
    labels : Labels, optional
        How the layer's features are named on the map.
    """

    table: str
    title: str
    geometry: str
    qml: str
    visible: bool = True
    subset: str = ""
    key: str = ""
    labels: Labels | None = None

    @property
    def layer_id(self) -> str:
        """The id in the project (QGIS replaces ids of 10 characters or fewer by random ones)."""
        return f"geo_coi_{self.key or self.table}"


@dataclass(frozen=True)
class PrintLayout:
    """A print layout: a page with one map and its furniture.

    Attributes
    ----------
    name : str
        Layout name in QGIS' layout manager.
    title, subtitle : str
    extent : (float, float, float, float)
        Map frame (project CRS); widened to the frame's shape, never cut.
    layers : sequence of str
        Keys (:attr:`ProjectLayer.key`, else table) of the layers drawn in the map, top first.
    legend : sequence of str
        Keys of the layers listed in the legend, in order.
    legend_title : str
    locator_layers : sequence of str
        Keys of the layers of the locator map, top first.
    locator_extent : (float, float, float, float)
    locator_frame : bool
        Draw the main map's extent on the locator.
    credits : sequence of str
        Credit lines, printed at the foot of the page.
    notes : sequence of str
        Lines printed under the legend (disclaimer, how to read the map).
    size : {"A4-landscape", "A4-portrait"}
    inset : (str, tuple, tuple), optional
        (title, extent, layer keys) of an inset map in the map frame's lower-right corner
        (e.g. Annex 2: the capital's sub-units).
    """

    name: str
    title: str
    subtitle: str
    extent: tuple
    layers: tuple
    legend: tuple
    legend_title: str
    locator_layers: tuple
    locator_extent: tuple
    locator_frame: bool = True
    credits: tuple = ()
    notes: tuple = ()
    size: str = "A4-landscape"
    scale_unit: str = "km"
    frame_color: str = "#cc3311"
    inset: tuple | None = None


def write_project(path, gpkg_name: str, layers, layouts, *, title: str, crs) -> str:
    """Write a QGIS project (``.qgz``) showing ``layers`` of the GeoPackage ``gpkg_name`` beside it.

    Parameters
    ----------
    path : path-like
        Target ``.qgz`` (or ``.qgs`` for plain XML); written atomically.
    gpkg_name : str
        File name of the GeoPackage, in the same folder as the project.
    layers : sequence of ProjectLayer
        In drawing order, top first.
    layouts : sequence of PrintLayout
    title : str
        Project title.
    crs : pyproj.CRS
        Project CRS (that of the print maps).

    Returns
    -------
    str
        The path written.
    """
    xml = project_xml(gpkg_name, layers, layouts, title=title, crs=crs)
    path = str(path)
    if path.endswith(".qgs"):
        write_bytes(path, xml)
    else:
        write_bytes(path, _zipped(xml, path.rsplit("/", 1)[-1][:-4] + ".qgs"))
    return path


def project_xml(gpkg_name: str, layers, layouts, *, title: str, crs) -> bytes:
    """The ``.qgs`` XML of :func:`write_project`, as UTF-8 bytes."""
    layers = list(layers)
    root = ET.Element("qgis", {"projectname": title, "version": f"{QGIS_VERSION}-Białowieża"})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "projectCrs").append(_spatialrefsys(crs))
    root.append(_layer_tree(layers, gpkg_name))
    root.append(_canvas(layouts[0].extent if layouts else None, crs))
    project_layers = ET.SubElement(root, "projectlayers")
    for layer in layers:
        project_layers.append(_map_layer(layer, gpkg_name))
    order = ET.SubElement(root, "layerorder")
    for layer in layers:
        ET.SubElement(order, "layer", {"id": layer.layer_id})
    properties = ET.SubElement(root, "properties")
    ET.SubElement(ET.SubElement(properties, "Paths"), "Absolute", {"type": "bool"}).text = "false"
    ET.SubElement(ET.SubElement(properties, "SpatialRefSys"), "ProjectionsEnabled", {"type": "int"}).text = "1"
    by_table = {layer.key or layer.table: layer for layer in layers}
    layout_root = ET.SubElement(root, "Layouts")
    for layout in layouts:
        layout_root.append(_layout(layout, by_table, gpkg_name))
    ET.indent(root)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode")
    return text.encode("utf-8")


# --- project: CRS, layers, canvas ----------------------------------------------------------------
def _spatialrefsys(crs) -> ET.Element:
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    element = ET.Element("spatialrefsys")
    ET.SubElement(element, "wkt").text = crs.to_wkt()
    authority = crs.to_authority()
    if authority:
        ET.SubElement(element, "authid").text = ":".join(authority)
    ET.SubElement(element, "description").text = crs.name
    ET.SubElement(element, "geographicflag").text = "true" if crs.is_geographic else "false"
    return element


def _source(layer: ProjectLayer, gpkg_name: str) -> str:
    source = f"./{gpkg_name}|layername={layer.table}"
    return f"{source}|subset={layer.subset}" if layer.subset else source


def _layer_tree(layers, gpkg_name: str, only=None) -> ET.Element:
    group = ET.Element("layer-tree-group")
    ET.SubElement(group, "customproperties")
    for layer in layers:
        if only is not None and (layer.key or layer.table) not in only:
            continue
        ET.SubElement(group, "layer-tree-layer", {
            "id": layer.layer_id, "name": layer.title, "source": _source(layer, gpkg_name), "providerKey": "ogr",
            "checked": "Qt::Checked" if layer.visible or only is not None else "Qt::Unchecked", "expanded": "1",
        })
    return group


def _canvas(extent, crs) -> ET.Element:
    canvas = ET.Element("mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "meters"
    if extent is not None:
        canvas.append(_extent_element("extent", extent, tags=True))
    ET.SubElement(canvas, "rotation").text = "0"
    ET.SubElement(canvas, "destinationsrs").append(_spatialrefsys(crs))
    return canvas


def _map_layer(layer: ProjectLayer, gpkg_name: str) -> ET.Element:
    element = ET.Element("maplayer", {"type": "vector", "geometry": layer.geometry, "wkbType": layer.geometry,
                                      "labelsEnabled": "1" if layer.labels else "0",
                                      "hasScaleBasedVisibilityFlag": "0",
                                      "styleCategories": "AllStyleCategories"})
    ET.SubElement(element, "id").text = layer.layer_id
    ET.SubElement(element, "datasource").text = _source(layer, gpkg_name)
    ET.SubElement(element, "layername").text = layer.title
    ET.SubElement(element, "srs").append(_spatialrefsys(GEOGRAPHIC))
    ET.SubElement(element, "provider", {"encoding": "UTF-8"}).text = "ogr"
    style = ET.fromstring(layer.qml.split("\n", 1)[1] if layer.qml.startswith("<!DOCTYPE") else layer.qml)
    for child in style:
        element.append(child)
    if layer.labels:
        element.append(_labeling(layer.labels))
    return element


def _labeling(labels: Labels) -> ET.Element:
    """QGIS' "single labels": the expression over the feature (polygons: inside, at the centroid)."""
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    text = ET.SubElement(settings, "text-style", {
        "fieldName": labels.expression, "isExpression": "1", "fontFamily": FONT, "fontSize": f"{labels.size:g}",
        "fontSizeUnit": "Point", "textColor": qml_color(labels.color), "textOpacity": "1",
        "fontItalic": "1" if labels.italic else "0", "fontWeight": "50", "fontLetterSpacing": f"{labels.spacing:g}",
        "fontWordSpacing": "0", "capitalization": "0", "multilineHeight": "1", "blendMode": "0", "namedStyle": "",
        "allowHtml": "0"})
    ET.SubElement(text, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.7", "bufferSizeUnits": "MM",
                                        "bufferColor": "255,255,255,255", "bufferOpacity": "0.85",
                                        "bufferNoFill": "1", "bufferJoinStyle": "128", "bufferBlendMode": "0"})
    ET.SubElement(settings, "text-format", {"wrapChar": "", "autoWrapLength": "12", "useMaxLineLengthForAutoWrap": "1",
                                            "multilineAlign": "1", "plussign": "0", "formatNumbers": "0"})
    ET.SubElement(settings, "placement", {"placement": "1", "centroidInside": "1", "centroidWhole": "0",
                                          "fitInPolygonOnly": "0", "priority": "5", "offsetType": "0"})
    ET.SubElement(settings, "rendering", {"obstacle": "1", "obstacleType": "1", "displayAll": "0",
                                          "upsidedownLabels": "0", "labelPerPart": "0", "mergeLines": "0",
                                          "minFeatureSize": "0", "limitNumLabels": "0", "maxNumLabels": "2000",
                                          "fontMinPixelSize": "3", "fontMaxPixelSize": "10000",
                                          "fontLimitPixelSize": "0", "scaleVisibility": "0", "drawLabels": "1"})
    return labeling


# --- layouts -------------------------------------------------------------------------------------
def _id(*parts: str) -> str:
    return "{" + str(uuid.uuid5(_UUIDS, "/".join(parts))) + "}"


def _layout(spec: PrintLayout, layers: dict, gpkg_name: str) -> ET.Element:
    width, height = PAGE_MM[spec.size]
    layout = ET.Element("Layout", {"name": spec.name, "units": "mm", "printResolution": "300", "worldFileMap": ""})
    pages = ET.SubElement(layout, "PageCollection")
    pages.append(_item("page", _id(spec.name, "page"), (0, 0, width, height), z=0, background=True))
    ET.SubElement(pages, "GuideCollection", {"visible": "1"})
    frame = _map_frame(spec.size)
    map_id = _id(spec.name, "map")
    items = [_map_item(spec, map_id, frame, layers, gpkg_name)]
    items += _text_items(spec, frame)
    items += _locator_and_legend(spec, map_id, frame, layers, gpkg_name)
    if spec.inset:
        items += _inset(spec, frame, layers, gpkg_name)
    items.append(_scale_bar(spec, map_id, frame))
    items.append(_north_arrow(spec, map_id, frame))
    for z, item in enumerate(items, start=1):
        item.set("zValue", str(z))
        layout.append(item)
    properties = ET.SubElement(ET.SubElement(layout, "customproperties"), "Option", {"type": "Map"})
    # PDF export: text as text (searchable, editable in a vector editor), not outlines
    ET.SubElement(properties, "Option", {"name": "pdfTextFormat", "type": "int", "value": "1"})
    return layout


def frame_extent(extent, size: str = "A4-landscape") -> tuple:
    """The extent a layout's map frame shows for ``extent``: widened to the frame's shape."""
    _, _, width, height = _map_frame(size)
    return _fitted(extent, width, height)


def _map_frame(size: str) -> tuple:
    """(x, y, width, height) of the map frame on the page, in mm."""
    width, height = PAGE_MM[size]
    top, bottom = 24.0, 26.0  # title and subtitle above, credit lines below
    return (MARGIN_MM, top, width - 2 * MARGIN_MM - PANEL_MM - 5.0, height - top - bottom)


def _item(kind: str, item_id: str, rect, *, z: int = 0, background: bool = False, frame: bool = False,
          name: str = "", **attributes) -> ET.Element:
    x, y, w, h = rect
    element = ET.Element("LayoutItem", {
        "type": str(_ITEM[kind]), "uuid": item_id, "templateUuid": item_id, "id": name, "zValue": str(z),
        "position": f"{_mm(x)},{_mm(y)},mm", "positionOnPage": f"{_mm(x)},{_mm(y)},mm",
        "size": f"{_mm(w)},{_mm(h)},mm", "referencePoint": "0", "visibility": "1", "opacity": "1",
        "frame": "true" if frame else "false", "background": "true" if background else "false",
        "outlineWidthM": "0.3,mm", "frameJoinStyle": "miter", "itemRotation": "0", "positionLock": "false",
        "excludeFromExports": "0", "blendMode": "0", "groupUuid": "",
        **{key: str(value) for key, value in attributes.items()},
    })
    ET.SubElement(element, "FrameColor", {"red": "0", "green": "0", "blue": "0", "alpha": "255"})
    ET.SubElement(element, "BackgroundColor", {"red": "255", "green": "255", "blue": "255", "alpha": "255"})
    return element


def _mm(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _fitted(extent, width: float, height: float) -> tuple:
    """``extent`` widened (about its centre) to the shape ``width`` x ``height``, as QGIS' "zoom to extent"."""
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    cx, cy, dx, dy = (xmin + xmax) / 2, (ymin + ymax) / 2, xmax - xmin, ymax - ymin
    if dx / dy < width / height:
        dx = dy * width / height
    else:
        dy = dx * height / width
    return (cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)


def _extent_element(tag: str, extent, tags: bool = False) -> ET.Element:
    names = ("xmin", "ymin", "xmax", "ymax")
    if not tags:
        return ET.Element(tag, {name: repr(float(value)) for name, value in zip(names, extent, strict=True)})
    element = ET.Element(tag)
    for name, value in zip(names, extent, strict=True):
        ET.SubElement(element, name).text = repr(float(value))
    return element


def _map_item(spec, map_id, frame, layers, gpkg_name, *, extent=None, keep=None, name="map") -> ET.Element:
    _, _, w, h = frame
    item = _item("map", map_id, frame, background=True, frame=True, name=name, keepLayerSet="true",
                 drawCanvasItems="true", mapRotation="0", followPreset="false", followPresetName="",
                 labelMargin="0,mm", mapFlags="0", isTemporal="0")
    item.append(_extent_element("Extent", _fitted(spec.extent if extent is None else extent, w, h)))
    layer_set = ET.SubElement(item, "LayerSet")
    for table in keep or spec.layers:
        layer = layers[table]
        ET.SubElement(layer_set, "Layer", {"name": layer.title, "provider": "ogr",
                                           "source": _source(layer, gpkg_name)}).text = layer.layer_id
    ET.SubElement(item, "AtlasMap", {"atlasDriven": "0", "margin": "0.1", "scalingMode": "2"})
    return item


def _font(size: float, bold: bool = False) -> str:
    """Qt font description (``QFont.toString``) of :data:`FONT`."""
    return f"{FONT},{size:g},-1,5,{75 if bold else 50},0,0,0,0,0"


def _label(spec, key, rect, text, size, *, bold=False, color="0,0,0", valign=32, halign=1) -> ET.Element:
    item = _item("label", _id(spec.name, key), rect, name=key, labelText=text, htmlState="0", marginX="0",
                 marginY="0", halign=halign, valign=valign)
    ET.SubElement(item, "LabelFont", {"description": _font(size, bold), "style": "Bold" if bold else ""})
    red, green, blue = color.split(",")
    ET.SubElement(item, "FontColor", {"red": red, "green": green, "blue": blue, "alpha": "255"})
    return item


def _text_items(spec: PrintLayout, frame) -> list:
    width, height = PAGE_MM[spec.size]
    inner = width - 2 * MARGIN_MM
    items = [_label(spec, "title", (MARGIN_MM, 7.0, inner, 8.0), spec.title, 16, bold=True),
             _label(spec, "subtitle", (MARGIN_MM, 15.5, inner, 6.0), spec.subtitle, 10, color="77,77,77")]
    credits_top = frame[1] + frame[3] + 3.0
    items.append(_label(spec, "credits", (MARGIN_MM, credits_top, inner, height - credits_top - 5.0),
                        "\n".join(spec.credits), 6.5, color="64,64,64"))
    return items


def _locator_and_legend(spec, map_id, frame, layers, gpkg_name) -> list:
    width, _ = PAGE_MM[spec.size]
    left = width - MARGIN_MM - PANEL_MM
    locator_rect = (left, frame[1], PANEL_MM, PANEL_MM * 0.62)
    locator = _map_item(spec, _id(spec.name, "locator"), locator_rect, layers, gpkg_name,
                        extent=spec.locator_extent, keep=spec.locator_layers, name="locator")
    if spec.locator_frame:
        overview = ET.Element("ComposerMapOverview", {
            "uuid": _id(spec.name, "locator", "overview"), "name": "extent", "frameMap": map_id, "show": "1",
            "position": "3", "centered": "0", "inverted": "0", "blendMode": "0"})
        overview.append(qml_symbol(0, "fill", "SimpleFill", {
            "style": "no", "color": "0,0,0,0", "outline_style": "solid", "outline_color": qml_color(spec.frame_color),
            "outline_width": "0.6", "outline_width_unit": "MM"}))
        atlas_map = locator.find("AtlasMap")
        assert atlas_map is not None  # _map_item wrote it
        locator.insert(list(locator).index(atlas_map), overview)
    legend_top = locator_rect[1] + locator_rect[3] + 5.0
    legend = _item("legend", _id(spec.name, "legend"), (left, legend_top, PANEL_MM, 80.0), name="legend",
                   title=spec.legend_title, map_uuid=map_id, resizeToContents="1", columnCount="1",
                   symbolWidth="5", symbolHeight="3.5", boxSpace="1", columnSpace="2", titleAlignment="1",
                   symbolAlignment="1", wrapChar="", equalColumnWidth="0", splitLayer="0", lineSpacing="1",
                   rasterBorder="0", legendFilterByAtlas="0", legendFilterByMap="0", fontColor="#000000")
    styles = ET.SubElement(legend, "styles")
    for name, size, bold, top in (("title", 10, True, 0), ("group", 8, True, 2), ("subgroup", 8, True, 2),
                                  ("symbol", 7, False, 1.2), ("symbolLabel", 7, False, 1.2)):
        style = ET.SubElement(styles, "style", {"name": name, "alignment": "1", "marginTop": str(top),
                                                "marginBottom": "2" if name == "title" else "0",
                                                "marginLeft": "1.5" if name == "symbolLabel" else "0"})
        ET.SubElement(style, "styleFont", {"description": _font(size, bold), "style": "Bold" if bold else ""})
    legend.append(_layer_tree([layers[table] for table in spec.legend], gpkg_name, only=set(spec.legend)))
    items = [locator, legend]
    if spec.notes:
        notes_top = legend_top + 82.0
        items.append(_label(spec, "notes", (left, notes_top, PANEL_MM, frame[1] + frame[3] - notes_top),
                            "\n".join(spec.notes), 6.5, color="64,64,64", valign=64))
    return items


def _inset(spec: PrintLayout, frame, layers, gpkg_name) -> list:
    """The inset map (framed, lower-right corner of the map frame) and its title above it."""
    assert spec.inset is not None  # called only for a layout with an inset
    title, extent, keys = spec.inset
    x, y, w, h = frame
    rect = (x + w * 0.69 - 1.0, y + h * 0.6 - 1.0, w * 0.31, h * 0.4)
    item = _map_item(spec, _id(spec.name, "inset"), rect, layers, gpkg_name, extent=extent, keep=keys,
                     name="inset")
    heading = _label(spec, "inset_title", (rect[0], rect[1] - 8.0, rect[2], 7.5), title, 6.5, bold=True,
                     valign=64)
    heading.set("background", "true")
    return [item, heading]


def _scale_bar(spec: PrintLayout, map_id: str, frame) -> ET.Element:
    """A single-box scale bar in km, its segments a round length, about a fifth of the map's width."""
    x, y, w, h = frame
    extent = _fitted(spec.extent, w, h)
    metres_per_mm = (extent[2] - extent[0]) / w
    segment_km = _round_length(metres_per_mm * w / 5 / 2 / 1000)
    segment_mm = segment_km * 1000 / metres_per_mm
    item = _item("scalebar", _id(spec.name, "scalebar"), (x + 4.0, y + h - 12.0, 2 * segment_mm + 14.0, 9.0),
                 background=True, name="scalebar", mapUuid=map_id, style="Single Box", unitType="km",
                 unitLabel=spec.scale_unit, numUnitsPerSegment=_mm(segment_km), numMapUnitsPerScaleBarUnit="1",
                 numSegments="2", numSegmentsLeft="0", segmentSizeMode="0", height="2", labelBarSpace="1.5",
                 boxContentSpace="1", alignment="0", outlineWidth="0.3", numSubdivisions="1",
                 subdivisionsHeight="1.5", minBarWidth="50", maxBarWidth="150", segmentMillimeters=_mm(segment_mm),
                 lineJoinStyle="miter", lineCapStyle="square")
    ET.SubElement(item, "text-style", {"fontFamily": FONT, "fontSize": "7", "fontSizeUnit": "Point",
                                       "textColor": "0,0,0,255", "fontWeight": "50", "textOpacity": "1"})
    return item


def _round_length(km: float) -> float:
    """``km`` rounded down to 1, 2 or 5 times a power of ten."""
    power = 10.0 ** math.floor(math.log10(km))
    return max(step * power for step in (1, 2, 5) if step * power <= km)


def _north_arrow(spec: PrintLayout, map_id: str, frame) -> ET.Element:
    x, y, w, _ = frame
    return _item("picture", _id(spec.name, "north"), (x + w - 14.0, y + 3.0, 10.0, 14.0), name="north_arrow",
                 file=NORTH_ARROW, mode="0", resizeMode="0", anchorPoint="0", pictureWidth="10",
                 pictureHeight="14", pictureRotation="0", mapUuid=map_id, northMode="1", northOffset="0",
                 svgFillColor="0,0,0,255", svgBorderColor="0,0,0,255", svgBorderWidth="0.2")


def _zipped(xml: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, xml)
    return out.getvalue()
