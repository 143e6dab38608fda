"""Hand-off steps: rejects, GeoPackage and QGIS project, indicator sheet, atlas, report text and Word files."""

from __future__ import annotations

from geo_coi import atlas as region_atlas
from geo_coi import indicator_sheet as sheet
from geo_coi import indicators
from geo_coi.qgis_report import write_handoff
from geo_coi.report_files import write_report_files
from geo_coi.steps.common import extent, leave_out, title


def rejects(run) -> None:
    """Rows not used, with reasons (``data/rejects.csv``, ``data/duplicates.csv``)."""
    from geo_coi.annex import _rejects  # cycle: annex -> products -> steps; written with the reading and joining

    _rejects(run)


def geopackage(run) -> None:
    """The QGIS hand-off: the GeoPackage and the QGIS project beside it (:mod:`geo_coi.qgis_report`)."""
    config, maps = run.config, run.config.maps
    name = config.report_id
    run.captions[f"data/{name}"] = f"{title(run, 'caption_geopackage')} · {title(run, 'caption_qgis_project')}"
    write_handoff(run.staging / "data", name, run.events, run.event_types, config.current, language=run.language,
                  scheme=maps.scheme, classes=maps.classes, credits=config.credits, title=config.title,
                  extents=(extent(run, 1), extent(run, 2)),
                  event_rows=not leave_out(run, "events layer of the GeoPackage"),
                  unit_columns=lambda level, present: _indicator_columns(run, level, present))


def _indicator_columns(run, level: str, present):
    """The indicator sheet's columns for a GeoPackage aggregate layer (:func:`geo_coi.indicator_sheet.gpkg_columns`)."""
    return sheet.gpkg_columns(indicators.compute(run.events, run.config, level), present)


def indicator_sheet(run) -> None:
    """CSV, Markdown and XLSX per level, in every language (:func:`geo_coi.indicator_sheet.annex_step`)."""
    sheet.annex_step(run)


def atlas(run) -> None:
    """One page per region, in every language (:func:`geo_coi.atlas.annex_step`)."""
    region_atlas.annex_step(run)


def report_files(run) -> None:
    """The report-ready text in every language and the Word files (:mod:`geo_coi.report_files`)."""
    write_report_files(run)
