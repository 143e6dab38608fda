"""Open a QGIS project with PyQGIS, check its layers, export its print layouts to PDF; print a JSON report.

Run by tests/test_qgis_project.py under Debian's Python (``/usr/bin/python3``, where PyQGIS lives),
with ``QT_QPA_PLATFORM=offscreen``::

    python3 tests/qgis_check.py PROJECT.qgz OUT_FOLDER
"""

import json
import sys
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsProject,
    QgsRenderContext,
)


def main(project_path: str, out: str) -> dict:
    messages = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: messages.append(f"{tag}: {message}") if level >= Qgis.Warning else None)
    project = QgsProject.instance()
    report = {"qgis": Qgis.QGIS_VERSION, "read": project.read(project_path), "layers": {}, "layouts": {}}
    report["crs"] = project.crs().toProj()
    for layer_id, layer in project.mapLayers().items():
        renderer = layer.renderer()
        report["layers"][layer_id] = {
            "valid": layer.isValid(), "name": layer.name(), "features": layer.featureCount(),
            "renderer": renderer.type() if renderer else None, "subset": layer.subsetString(),
            "legend": [item.label() for item in renderer.legendSymbolItems()] if renderer else [],
            "source": layer.source(),
        }
    for layout in project.layoutManager().printLayouts():
        items = layout.items()
        pdf = str(Path(out) / f"{layout.name().replace(' ', '_')}.pdf")
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.rasterizeWholeImage = False
        settings.forceVectorOutput = True
        settings.textRenderFormat = QgsRenderContext.TextFormatAlwaysText  # the project's own PDF setting
        result = QgsLayoutExporter(layout).exportToPdf(pdf, settings)
        maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
        report["layouts"][layout.name()] = {
            "pdf": pdf, "export": int(result), "pages": layout.pageCollection().pageCount(),
            "maps": {m.id(): {"layers": [layer.id() for layer in m.layers()], "overviews": m.overviews().size(),
                              "extent": [m.extent().xMinimum(), m.extent().yMinimum(), m.extent().xMaximum(),
                                         m.extent().yMaximum()]} for m in maps},
            "pdf_text_format": layout.customProperty("pdfTextFormat"),
            "legends": len([i for i in items if isinstance(i, QgsLayoutItemLegend)]),
            "scalebars": [i.units() == 1 for i in items if isinstance(i, QgsLayoutItemScaleBar)],
            "pictures": [i.picturePath() for i in items if isinstance(i, QgsLayoutItemPicture)],
        }
    report["messages"] = messages
    report["gdal_warnings"] = _gdal_warnings(sorted({layer.source().split("|")[0]
                                                     for layer in project.mapLayers().values()}))
    return report


def _gdal_warnings(paths) -> list:
    """Warnings GDAL gives while reading every feature of every layer of ``paths``."""
    from osgeo import gdal, ogr

    found = []
    gdal.PushErrorHandler(lambda level, _number, message: found.append(message) if level >= gdal.CE_Warning else None)
    try:
        for path in paths:
            dataset = ogr.Open(path)
            for layer in dataset:
                for _ in layer:
                    pass
    finally:
        gdal.PopErrorHandler()
    return found


if __name__ == "__main__":
    app = QgsApplication([], False)
    app.initQgis()
    try:
        print(json.dumps(main(sys.argv[1], sys.argv[2])))
    finally:
        app.exitQgis()
