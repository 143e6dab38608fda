"""`run_annex`: the whole output set, its manifest, reproducibility; and the helpers it is built on.

The default annex (bundled synthetic demo + Niger 2025 config) runs once per
session in this process; a second, identical run goes in a subprocess at the
same time (through the CLI, ``--quiet``) for the reproducibility check.
"""

import csv
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo_coi import annex as annex_module
from geo_coi import step_pool
from geo_coi.atomic import atomic_open, atomic_path, write_text
from geo_coi.config import load_config
from geo_coi.gallery import render_gallery
from geo_coi.manifest import read_manifest, sha256_file
from geo_coi.maps import annex_maps
from geo_coi.maps.extent import extent_bounds
from geo_coi.ooxml import reproducible_zip
from geo_coi.periods import Period
from geo_coi.progress import Progress, SkipStep
from geo_coi.style import label

LANGUAGE = "nl"  # the Niger 2025 config's report language
STATIC_MAPS = (
    "annex1", "annex2", "choropleth_region_incidents", "choropleth_region_fatalities",
    "choropleth_region_fatalities_per_100k", "choropleth_department_incidents", "choropleth_department_fatalities",
    "density", "hexbin", "displacement_unhcr", "displacement_report_2024-10", "armed_groups",
)
CHARTS = (
    "grafiek1_monthly_by_type", "grafiek2_type_share", "grafiek3_incidents_fatalities", "grafiek4_civilian_actors",
    "grafiek5_regions_by_type", "grafiek6_tillaberi_departments", "grafiek7_dosso_departments",
    "grafiek8_diffa_departments",
)
TABLES = (
    "national_by_event_type", "national_by_sub_event_type", "civilian_targeting_by_actor", "by_region",
    "by_region_and_event_type", "by_department", "by_commune", "niamey_by_arrondissement", "monthly_by_event_type",
    "all_events_by_region", "tillaberi_by_department", "dosso_by_department", "diffa_by_department",
    "table1_dosso", "table2_dosso", "admin_agreement",
)
GPKG_LAYERS = ("events", "region", "department", "commune")


def _expected_files():
    files = []
    for folder, names in (("maps", STATIC_MAPS), ("charts", CHARTS)):
        files += [f"{folder}/{name}_{LANGUAGE}.{ext}" for name in names for ext in ("png", "pdf")]
    files += [f"tables/{name}.{ext}" for name in TABLES for ext in ("csv", "md")]
    files += ["tables/tables.xlsx", f"html/incidents_{LANGUAGE}.html", "data/rejects.csv",
              "data/density_25km.tif", "data/niger-2025.gpkg", "data/niger-2025.qgz", "index.html", "manifest.json"]
    files += [f"text/text_{lang}.md" for lang in ("nl", "fr", "en")] + ["word/tables.docx"]
    files += [f"word/sections_{lang}.docx" for lang in ("nl", "fr", "en")]
    return files


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """(first output folder, pooled; second output folder, serial; second run's CompletedProcess)."""
    first = tmp_path_factory.mktemp("annex_a") / "out"
    second = tmp_path_factory.mktemp("annex_b") / "out"
    # The second run is serial (no process pool), the first pooled: their files must be identical.
    other = subprocess.Popen([sys.executable, "-m", "geo_coi", "annex", "--quiet", "--out-dir", str(second)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, step_pool.WORKERS_ENV: "1"})
    pooled = os.environ.get(step_pool.WORKERS_ENV)
    os.environ[step_pool.WORKERS_ENV] = "2"  # a pool even on a one-core machine
    try:
        annex_module.run_annex(out_dir=first)
    finally:
        os.environ.pop(step_pool.WORKERS_ENV) if pooled is None else os.environ.update({step_pool.WORKERS_ENV: pooled})
        stdout, stderr = other.communicate(timeout=900)
    return first, second, (other.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def out(runs):
    return runs[0]


@pytest.fixture(scope="module")
def manifest(out):
    return read_manifest(out)


def _csv_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the output set ------------------------------------------------------------------------
@pytest.mark.slow
def test_every_expected_file_exists_and_is_not_empty(out):
    missing = [name for name in _expected_files() if not (out / name).is_file()]
    assert not missing, missing
    empty = [name for name in _expected_files() if (out / name).stat().st_size == 0]
    assert not empty, empty


@pytest.mark.slow
def test_no_step_was_skipped_or_failed(manifest):
    assert [step["name"] for step in manifest["steps"] if step["status"] != "ok"] == []
    assert all(step["seconds"] >= 0 for step in manifest["steps"])


@pytest.mark.slow
def test_no_partial_files_are_left(out):
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


@pytest.mark.slow
def test_pngs_are_300_dpi_and_pdfs_are_pdfs(out):
    from PIL import Image

    for name in STATIC_MAPS + CHARTS:
        folder = "maps" if name in STATIC_MAPS else "charts"
        with Image.open(out / folder / f"{name}_{LANGUAGE}.png") as image:
            assert round(image.info["dpi"][0]) == 300, name
            assert image.width > 1000
        assert (out / folder / f"{name}_{LANGUAGE}.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_density_geotiff_opens_and_integrates_to_the_report_events(out, manifest):
    import numpy as np
    import rasterio

    with rasterio.open(out / "data" / "density_25km.tif") as dataset:
        values = dataset.read(1)
        cell_km2 = abs(dataset.transform.a * dataset.transform.e) / 1e6
        assert dataset.crs is not None
    total = float(np.nansum(values, dtype="float64") * cell_km2)
    assert total == pytest.approx(manifest["counts"]["report_incidents"], rel=0.01)


@pytest.mark.slow
def test_geopackage_has_layers_and_default_qgis_styles(out, manifest):
    import pyogrio

    path = out / "data" / "niger-2025.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert set(GPKG_LAYERS) | {"layer_styles"} <= layers
    counts = manifest["counts"]
    assert pyogrio.read_info(path, layer="events")["features"] == counts["inside"] + counts["snapped"]
    assert pyogrio.read_info(path, layer="region")["features"] == 8
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML, styleSLD FROM layer_styles").fetchall()
        geometry_columns = dict(connection.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    finally:
        connection.close()
    styled = {row[0]: row for row in rows}
    assert set(styled) == layers - {"layer_styles"}  # every layer, the context too, opens styled
    for name, (_, geom_column, default, qml, sld) in styled.items():
        assert default == 1 and geom_column == geometry_columns[name]
        assert "<renderer-v2" in qml and "StyledLayerDescriptor" in sld
    assert 'attr="event_type"' in styled["events"][3] and "Battles" in styled["events"][3]
    assert 'type="graduatedSymbol"' in styled["region"][3]


@pytest.mark.slow
def test_workbook_has_a_sheet_per_table_with_the_csv_cells(out):
    import openpyxl

    book = openpyxl.load_workbook(out / "tables" / "tables.xlsx", read_only=True)
    assert set(book.sheetnames) == {name[:31] for name in TABLES}
    sheet = book["by_region"]
    rows = list(sheet.iter_rows(values_only=True))
    csv_rows = _csv_rows(out / "tables" / "by_region.csv")
    assert list(rows[0]) == [label(key, LANGUAGE) for key in csv_rows[0]]  # headers in the report's language
    assert len(rows) == len(csv_rows) + 1
    column = list(rows[0]).index(label("incidents", LANGUAGE))
    assert sum(int(r[column]) for r in rows[1:]) == sum(int(r["incidents"]) for r in csv_rows)


@pytest.mark.slow
def test_html_outputs_are_self_contained(out):
    import re

    for page in (out / f"html/incidents_{LANGUAGE}.html", out / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", text), page


@pytest.mark.slow
def test_gallery_links_every_output_relatively(out, manifest):
    text = (out / "index.html").read_text(encoding="utf-8")
    import re

    links = set(re.findall(r'href="([^"]+)"', text))
    assert links, "no links"
    assert all(not link.startswith(("/", "http")) and (out / link).is_file() for link in links)
    listed = {entry["path"] for entry in manifest["outputs"]} - {"index.html"}
    assert listed <= links | {"manifest.json"}
    from geo_coi.style import label

    assert label("synthetic", LANGUAGE) in text  # the note in the report's language
    assert f'<html lang="{LANGUAGE}">' in text and f"<h2>{label('gallery_maps', LANGUAGE)}</h2>" in text
    assert "<h2>Maps</h2>" not in text
    assert f"{label('annex', LANGUAGE)} 1: {label('annex1_title', LANGUAGE)}" in text  # captions too
    assert f"{label('chart', LANGUAGE)} 1: {label('chart_monthly_by_type', LANGUAGE)}" in text


# --- the manifest ------------------------------------------------------------------------
@pytest.mark.slow
def test_manifest_counts_agree_with_the_tables(out, manifest):
    counts = manifest["counts"]
    all_rows = _csv_rows(out / "tables" / "all_events_by_region.csv")
    assert counts["accepted"] == sum(int(r["incidents"]) for r in all_rows)
    assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["duplicates_merged"]
    assert counts["rejected"] == len(_csv_rows(out / "data" / "rejects.csv"))
    region_rows = _csv_rows(out / "tables" / "by_region.csv")
    assert counts["report_incidents"] == sum(int(r["incidents"]) for r in region_rows)
    assert counts["report_fatalities"] == sum(int(r["fatalities"]) for r in region_rows)
    national = _csv_rows(out / "tables" / "national_by_event_type.csv")
    assert counts["report_incidents"] == sum(int(r["incidents"]) for r in national)


@pytest.mark.slow
def test_manifest_records_inputs_versions_and_outputs(out, manifest):
    config = load_config()
    events = next(entry for entry in manifest["inputs"] if entry["role"] == "events")
    assert events["sha256"] == sha256_file(config.events_file)
    assert manifest["source"]["acled_access_date"] is None  # synthetic demo: no ACLED data, no access date used
    assert manifest["source"]["synthetic"] is True
    assert manifest["config"]["report_id"] == "niger-2025"
    assert manifest["period"]["current"] == "2024-09-01/2025-05-30"
    assert manifest["versions"]["geo_coi"] and manifest["versions"]["GDAL"]
    outputs = {entry["path"]: entry for entry in manifest["outputs"]}
    assert set(outputs) == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    for path, entry in outputs.items():
        assert entry["sha256"] == sha256_file(out / path), path


@pytest.mark.slow
def test_second_run_gives_byte_identical_files(runs):
    first, second, (code, stdout, stderr) = runs
    assert code == 0, stderr
    assert stdout == "" and stderr == ""  # --quiet prints nothing

    def digests(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"}

    a, b = digests(first), digests(second)
    assert set(a) == set(b)
    assert [name for name in a if a[name] != b[name]] == []


# --- building blocks (fast) ------------------------------------------------------------------
def test_atomic_write_interrupted_midway_leaves_no_target(tmp_path):
    target = tmp_path / "map.png"
    with pytest.raises(RuntimeError), atomic_open(target, "wb") as handle:
        handle.write(b"\x89PNG half")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_failure_keeps_the_previous_file(tmp_path):
    target = write_text(tmp_path / "table.md", "old\n")
    with pytest.raises(ValueError), atomic_path(target) as temp:
        assert temp.parent == target.parent and temp.suffix == ".md" and not temp.exists()
        temp.write_text("new, half")
        raise ValueError
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.md"]
    write_text(target, "new\n")
    assert target.read_text() == "new\n"


def test_progress_prints_one_line_per_step_only_when_enabled():
    stream = io.StringIO()
    progress = Progress(stream=stream, enabled=True)
    with progress.step("read events"):
        pass
    with progress.step("hexbin map"):
        raise SkipStep("renderer missing")
    with pytest.raises(KeyError), progress.step("broken"):
        raise KeyError("x")
    assert [s.status for s in progress.steps] == ["ok", "skipped", "failed"]
    lines = [line.split("\r")[-1] for line in stream.getvalue().split("\n") if line]
    assert len(lines) == 3 and "read events" in lines[0] and " s" in lines[0]
    assert "renderer missing" in lines[1]
    progress.detail("hidden unless verbose")
    assert "hidden" not in stream.getvalue()
    verbose = io.StringIO()
    Progress(stream=verbose, enabled=True, verbose=True).detail("maps/annex1_nl.png")
    assert verbose.getvalue() == "    maps/annex1_nl.png\n"
    silent = io.StringIO()
    with Progress(stream=silent).step("x"):  # StringIO is not a terminal
        pass
    assert silent.getvalue() == ""


def test_skipped_step_is_not_fatal_and_a_misspelt_module_is_a_failure(tmp_path):
    from geo_coi.progress import SkipStep

    def no_tables(run):
        raise SkipStep("no tables")

    def misspelt(run):
        from geo_coi.maps import not_yet  # noqa: F401 - a misspelt name fails, it is not skipped

    run = annex_module.AnnexRun(load_config(), "en", Path("x"), tmp_path, Progress.silent())
    run.events = object()  # past the core steps
    steps = [annex_module.Step("workbook", no_tables), annex_module.Step("future map", misspelt),
             annex_module.Step("broken map", lambda _run: 1 / 0)]
    failures = annex_module._run_steps(run, steps)
    assert [s.status for s in run.progress.steps] == ["skipped", "failed", "failed"]
    assert run.progress.steps[0].note == "no tables"
    assert [step.name for step, _ in failures] == ["future map", "broken map"]
    assert "ImportError" in run.progress.steps[1].note
    assert "ZeroDivisionError" in run.progress.steps[2].note


def test_reproducible_zip_fixes_times():
    def book(stamp):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(zipfile.ZipInfo("docProps/core.xml", date_time=stamp),
                             f"<x><dcterms:modified a='b'>{stamp[0]}-01-01T00:00:00Z</dcterms:modified></x>")
        return buffer.getvalue()

    first = reproducible_zip(book((2020, 1, 1, 0, 0, 0)), "2025-05-30")
    second = reproducible_zip(book((2024, 3, 4, 5, 6, 8)), "2025-05-30")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert b"2025-05-30T00:00:00Z" in archive.read("docProps/core.xml")


def test_gallery_headings_follow_the_language():
    page = render_gallery(["maps/a_fr.png", "charts/b_fr.png", "z.txt"], "T", language="fr")
    assert "<h2>Cartes</h2>" in page and "<h2>Graphiques</h2>" in page and "<h2>Autres fichiers</h2>" in page
    assert '<html lang="fr">' in page


@pytest.mark.slow
def test_config_extent_and_credit_lines_reach_the_maps(tmp_path, monkeypatch):
    """A custom bbox as the config's national extent frames Annex 1; its credit lines are printed."""
    import numpy as np

    from geo_coi.config import default_config_path
    text = default_config_path().read_text(encoding="utf-8")
    text = text.replace("[extents.national]\n# The whole country (Bijlage 1).\nregions = []",
                        "[extents.national]\nbbox = [1.0, 12.5, 4.0, 15.0]")
    text = text.replace('lines = ["Map: geo_coi', 'lines = ["Second line for the test", "Map: geo_coi')
    assert "bbox = [1.0, 12.5" in text and "Second line" in text
    config = tmp_path / "custom.toml"
    config.write_text(text, encoding="utf-8")
    drawn, original = [], annex_maps.annex1

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        drawn.append(result.fig)
        return result

    monkeypatch.setattr(annex_maps, "annex1", recording)
    written = annex_module.run_map("annex1", config=load_config(config), out_dir=tmp_path / "out")
    assert any(p.suffix == ".png" for p in written) and len(drawn) == 1
    ax = drawn[0].axes[0]
    minx, miny, maxx, maxy = extent_bounds((1.0, 12.5, 4.0, 15.0))
    national = extent_bounds(None)
    assert ax.get_xlim()[0] <= minx and maxx <= ax.get_xlim()[1]
    assert np.diff(ax.get_xlim())[0] < 0.5 * (national[2] - national[0])  # much smaller than the country
    credits = next(t.get_text() for t in drawn[0].texts if t.get_gid() == "credits")
    # the config's lines, in the report's language (nl)
    assert credits.endswith("Second line for the test\nKaart: geo_coi, naar CGRS-Cedoca COI Focus Niger (2025)")


def test_gallery_escapes_and_groups():
    page = render_gallery(["maps/a_en.png", "maps/a_en.pdf", "tables/t.csv", "data/x.gpkg"],
                          "Title <b>", captions={"maps/a_en": "Map & more"}, warnings=["SYNTHETIC"])
    assert "Title &lt;b&gt;" in page and "Map &amp; more" in page
    assert page.index("<h2>Maps</h2>") < page.index("<h2>Tables</h2>") < page.index("<h2>Data</h2>")
    assert 'src="maps/a_en.png"' in page and 'href="maps/a_en.pdf"' in page


@pytest.mark.slow
def test_manifest_file_is_json(out):
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["report_id"] == "niger-2025"


def test_ucdp_file_is_counted_by_its_own_event_types(tmp_path):
    from geo_coi.config import resolve_data_path
    from geo_coi.events import UCDP_EVENT_TYPES

    ucdp = resolve_data_path("events/ucdp_ged251_niger_2015_2024_reduced.csv")
    run = annex_module.AnnexRun(load_config(), "en", ucdp, tmp_path, Progress.silent())
    annex_module._read_events(run)
    annex_module._join(run)
    assert run.read.events.attrs["source"].startswith("UCDP")
    assert set(run.event_types) <= set(UCDP_EVENT_TYPES.values()) and run.event_types
    assert any("own types" in note for note in run.notes)
    assert len(annex_module._selected(run, load_config().comparison.previous_year())) > 0


def test_rejects_file_and_counts_cover_read_and_join_rejects(tmp_path):
    config = load_config().with_period(Period.parse("2023-05-01", "2023-05-31"))  # the 20 rows' month
    lines = config.events_file.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:21]
    bad_coordinates = rows[0].replace("NIG00001", "NIGBAD01").replace(",13.6688,8.2018,", ",,8.2018,")
    abroad = rows[0].replace("NIG00001", "NIGBAD02").replace(",13.6688,8.2018,", ",9.0,7.4,")  # Abuja
    events = tmp_path / "events.csv"
    events.write_text("\n".join([header, *rows, bad_coordinates, abroad]) + "\n", encoding="utf-8")
    run = annex_module.AnnexRun(config, "en", events, tmp_path / "stage", Progress.silent())
    annex_module._read_events(run)
    annex_module._join(run)
    annex_module._rejects(run)
    rejects = _csv_rows(tmp_path / "stage" / "data" / "rejects.csv")
    assert sorted(r["event_id"] for r in rejects) == ["NIGBAD01", "NIGBAD02"]
    assert all(r["reason"] for r in rejects)
    manifest = annex_module._new_manifest(run, tmp_path)
    annex_module._finish_manifest(manifest, run)
    counts = manifest.counts
    assert counts["read"] == 22 and counts["read_rejected"] == 1 and counts["join_rejected"] == 1
    assert counts["rejected"] == len(rejects) == 2
    assert counts["inside"] + counts["snapped"] == 20


def test_interrupted_run_leaves_no_file_in_the_output_folder(tmp_path, monkeypatch):
    def half_written_map(run):
        (run.staging / "maps").mkdir(parents=True)
        (run.staging / "maps" / "annex1_nl.png").write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt  # Ctrl-C in the middle of a map

    monkeypatch.setattr(annex_module, "STEPS", (annex_module.Step("annex 1 map", half_written_map),))
    with pytest.raises(KeyboardInterrupt):
        annex_module.run_annex(out_dir=tmp_path / "out")
    assert list((tmp_path / "out").rglob("*")) == []


def test_png_html_and_geopackage_of_the_annex_have_the_same_classes(out):
    """One classification (geo_coi.classes): the printed map, the HTML map and QGIS show the same class labels."""
    import re
    import xml.etree.ElementTree as ET

    connection = sqlite3.connect(out / "data" / "niger-2025.gpkg")
    try:
        qml = dict(connection.execute("SELECT f_table_name, styleQML FROM layer_styles"))["department"]
    finally:
        connection.close()
    qgis = [r.get("label") for r in ET.fromstring(qml.split("\n", 1)[1]).iter("range") if r.get("upper") != "0"]
    page = next((out / "html").glob("incidents_*.html")).read_text(encoding="utf-8")
    data = json.loads(re.search(r"^geoCoiMap\((\{.*\})\);$", page, re.MULTILINE).group(1))
    legend = next(entry for entry in data["legend"] if entry["layer"] == "department")
    html = [item["label"] for item in legend["items"]][1:1 + len(qgis)]
    pdf = next((out / "maps").glob("choropleth_department_incidents_??.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    printed = [line.strip() for line in text.splitlines()]
    assert len(qgis) >= 3 and qgis == html
    squeezed = [re.sub(r"\s", "", line) for line in printed]
    for name in qgis:  # pdftotext may drop the thin spaces around the dash
        assert re.sub(r"\s", "", name) in squeezed, f"class {name!r} is not in the printed legend"


def test_geopackage_writer_is_reproducible_and_styles_parse(tmp_path):
    import xml.etree.ElementTree as ET

    import geopandas as gpd
    import shapely

    from geo_coi import geopackage
    from geo_coi.classes import classify

    points = gpd.GeoDataFrame({"event_type": ["Battles", "Riots"]},
                              geometry=[shapely.Point(2, 13), shapely.Point(3, 14)], crs=4326)
    units = gpd.GeoDataFrame({"incidents": [0, 3, 9, 20]},
                             geometry=[shapely.box(i, 12, i + 1, 13) for i in range(4)], crs=4326)
    styles = {"events": geopackage.event_style("events", ["Battles", "Explosions/Remote violence"], language="fr"),
              "units": geopackage.choropleth_style("units", units["incidents"], "incidents", classes=3)}
    paths = [tmp_path / f"{i}.gpkg" for i in range(2)]
    for path in paths:
        geopackage.write_geopackage(path, {"events": points, "units": units}, styles, "2025-05-30")
    assert paths[0].read_bytes() == paths[1].read_bytes()
    qml, sld = styles["events"]
    root = ET.fromstring(qml.split("\n", 1)[1])
    assert [c.get("value") for c in root.iter("category")] == ["Battles", "Explosions/Remote violence", ""]
    assert root.find(".//category").get("label") == "Affrontements"
    ET.fromstring(sld.split("\n", 1)[1])
    ranges = list(ET.fromstring(styles["units"][0].split("\n", 1)[1]).iter("range"))
    assert [float(r.get("upper")) for r in ranges[1:]] == list(classify(units["incidents"], k=3).bins)
    assert ranges[0].get("upper") == "0" and float(ranges[-1].get("upper")) == 20
    from geo_coi.errors import InputError

    with pytest.raises(InputError, match="not written"):
        geopackage.write_geopackage(tmp_path / "x.gpkg", {"events": points}, {"other": styles["events"]}, "2025")


def test_atlas_and_indicator_sheet_in_every_language(out, manifest):
    """Issue 15: `geo-coi annex` writes the region atlas and the indicator sheet in nl, fr and en."""
    from geo_coi.atlas import pages
    from geo_coi.config import load_config

    regions = pages(load_config())
    outputs = {entry["path"] for entry in manifest["outputs"]}
    for language in ("nl", "fr", "en"):
        assert f"atlas/atlas_{language}.pdf" in outputs
        pages = [o for o in outputs if o.startswith(f"atlas/atlas_{language}_") and o.endswith(".png")]
        assert len(pages) == len(regions)
        assert f"tables/indicators_{language}.xlsx" in outputs
        assert f"tables/indicators_region_{language}.md" in outputs
    gallery = (out / "index.html").read_text(encoding="utf-8")
    assert "atlas/atlas_fr.pdf" in gallery and "tables/indicators_department.csv" in gallery
    import geopandas as gpd

    layer = gpd.read_file(out / "data" / "niger-2025.gpkg", layer="department")
    assert {"lethal_incidents", "spread_pct", "population_codps", "pct_change_incidents"} <= set(layer.columns)
