"""Static maps, tested by opening what they write: pixels, sizes, legends, labels, scale."""

from __future__ import annotations

import hashlib
import http.server
import io
import itertools
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from matplotlib.legend import Legend
from PIL import Image

from geo_coi.classes import classify
from geo_coi.config import load_config
from geo_coi.crs import GEOD
from geo_coi.errors import InputError
from geo_coi.maps import (
    admin,
    annex_maps,
    armed_groups_map,
    captions,
    choropleth,
    density_map,
    displacement_map,
    hexbin_map,
    layout,
    markers,
)
from geo_coi.maps.basemap import Basemap
from geo_coi.maps.extent import extent_bounds
from geo_coi.maps.page import DUPLICATE_KM, without_repeats
from geo_coi.periods import Period
from geo_coi.style import label

UCDP = (Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "events"
        / "ucdp_ged251_niger_2015_2024_gednames.csv")
BASELINE_DIR = Path(__file__).resolve().parent / "baseline"
BASELINE_DPI = 30  # 351 x 248 pixels: small files, still a recognisable map
LOW_DPI = 40
PERIOD = Period.parse("2024-01-01", "2024-12-31")
TILE_RGB = (255, 0, 255)


@pytest.fixture(scope="module")
def events(ucdp_joined):
    return ucdp_joined


@pytest.fixture(scope="module")
def annex1_files(events, tmp_path_factory):
    """Annex 1 at full print resolution, written once for several tests."""
    out = tmp_path_factory.mktemp("annex1") / "annex1"
    result = annex_maps.annex1(events, PERIOD, out=out)
    return result, {p.suffix: p for p in result.files}


@pytest.fixture(scope="module")
def annex2_map(events):
    return annex_maps.annex2(events, PERIOD, language="fr", extent=load_config().extents["south_west"])


@pytest.fixture(scope="module")
def department_values(events):
    from geo_coi.stats import by_unit

    return by_unit(events, "department", period=PERIOD)


@pytest.fixture(scope="module")
def department_map(events, department_values, tmp_path_factory):
    out = tmp_path_factory.mktemp("choropleth") / "departments"
    return choropleth.choropleth(events, "department", "incidents", period=PERIOD, values=department_values, out=out,
                             dpi=LOW_DPI)


def _pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


def _label_boxes(result):
    """Label boxes, slightly widened."""
    renderer = result.fig.canvas.get_renderer()
    return [layout.text_box(t, renderer, margin=(1.1, 1.05)) for t in result.placed_labels]  # text, not leader lines


# ----------------------------------------------------------------------------- outputs


def test_annex1_png_is_a4_landscape_at_300_dpi_and_not_blank(annex1_files):
    _, files = annex1_files
    image = Image.open(files[".png"])
    assert image.size == (3508, 2480)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    pixels = _pixels(files[".png"])
    non_white = (pixels < 245).any(axis=2).mean()
    assert 0.2 < non_white < 0.95
    assert pixels.std() > 20


def test_annex1_writes_vector_pdf_and_svg(annex1_files):
    _, files = annex1_files
    assert files[".pdf"].read_bytes().startswith(b"%PDF")
    svg = files[".svg"].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<path" in svg  # vectors, not one embedded raster
    assert "<dc:date>" not in svg  # no timestamp


def test_annex1_legend_names_event_types_and_fatality_classes(annex1_files, events):
    fig = annex1_files[0].fig
    texts = layout.legend_texts(fig)
    present = set(markers.in_period(events, PERIOD)["event_type"])
    for event_type in present:
        assert label(event_type) in texts
    assert label("fatalities_size") in texts
    assert f"≥ {markers.FATALITY_BREAKS[-1]}" in texts


def test_annex1_title_subtitle_and_credits(annex1_files, events):
    fig = annex1_files[0].fig
    texts = {t.get_gid(): t.get_text() for t in fig.texts}
    assert texts["title"] == label("annex1_title")
    assert PERIOD.label("en") in texts["subtitle"]
    n = len(markers.in_period(events, PERIOD))
    assert f"{n} incidents" in texts["subtitle"]
    assert "UCDP GED" in texts["credits"] and "OCHA COD-AB" in texts["credits"] and "Natural Earth" in texts["credits"]


def test_outputs_are_byte_identical_across_runs(events, tmp_path):
    first = annex_maps.annex1(events, PERIOD, out=tmp_path / "a" / "map", dpi=LOW_DPI).files
    second = annex_maps.annex1(events, PERIOD, out=tmp_path / "b" / "map", dpi=LOW_DPI).files
    for a, b in zip(first, second, strict=False):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_outputs_are_byte_identical_in_a_fresh_process(tmp_path):
    from geo_coi.sources import read_events

    code = (
        "import sys; from geo_coi.sources import read_events; from geo_coi.maps import annex_maps; "
        f"ev = read_events({str(UCDP)!r}).events; "
        "annex_maps.annex1(ev, ('2024-01-01', '2024-12-31'), out=sys.argv[1], dpi=20)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other" / "m")], check=True)
    here = annex_maps.annex1(read_events(UCDP).events, PERIOD, out=tmp_path / "here" / "m", dpi=20).files
    for path in here:
        other = tmp_path / "other" / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(other.read_bytes()).digest(), path.name


# ----------------------------------------------------------------------------- furniture


@pytest.mark.parametrize("which", ["annex1", "annex2"])
def test_scale_bar_length_is_true_on_the_ellipsoid(which, annex1_files, annex2_map):
    fig = (annex1_files[0] if which == "annex1" else annex2_map).fig
    x0, x1, y, km = fig.axes[0].scale_bar
    lon, lat = layout.map_to_lonlat([x0, x1], [y, y])
    _, _, metres = GEOD.inv(lon[0], lat[0], lon[1], lat[1])
    assert metres == pytest.approx(km * 1000, rel=0.002)
    # and the bar is not simply km * 1000 map units: the projection's scale factor is applied
    assert (x1 - x0) != pytest.approx(km * 1000, rel=1e-6)


def test_north_arrow_points_to_true_north(annex1_files):
    ax = annex1_files[0].fig.axes[0]
    arrow = next(a for a in ax.texts if a.get_gid() == "north-arrow")
    (bx, by), (tx, ty) = arrow.xyann, arrow.xy
    lon, lat = layout.map_to_lonlat([bx, tx], [by, ty])
    assert lat[1] > lat[0]
    assert lon[1] == pytest.approx(lon[0], abs=1e-6)


def test_inset_locator_shows_the_main_extent(annex2_map):
    inset = annex2_map.fig.axes[1]
    box = next(line for line in inset.lines if line.get_gid() == "inset-extent")
    xs, ys = box.get_data()
    main = annex2_map.fig.axes[0]
    assert min(xs) == pytest.approx(main.get_xlim()[0]) and max(ys) == pytest.approx(main.get_ylim()[1])


def test_labels_never_overlap(annex1_files, annex2_map, department_map):
    for result in (annex1_files[0], annex2_map, department_map):
        boxes = _label_boxes(result)
        assert len(boxes) > 10
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b)


def test_place_labels_drops_what_cannot_fit():
    page = layout.new_page("t", "s")
    layout.set_extent(page.ax, (0, 0, 1000, 1000))
    items = [layout.LabelItem(500, 500, f"Label number {i}") for i in range(40)]
    placed, dropped = layout.place_labels(page.ax, items)
    assert placed and dropped and len(placed) + len(dropped) == 40
    renderer = page.fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in placed]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_annex2_covers_the_south_west_with_niamey_inset(annex2_map):
    from geo_coi.admin_index import records

    ax = annex2_map.fig.axes[0]
    minx, miny, maxx, maxy = extent_bounds(load_config().extents["south_west"])
    assert ax.get_xlim()[0] <= minx and ax.get_xlim()[1] >= maxx
    assert ax.get_ylim()[0] <= miny and ax.get_ylim()[1] >= maxy
    inset_labels = {t.get_text() for t in annex2_map.inset_labels}
    assert inset_labels == {r["name"] for r in records("niamey_arrondissement")}
    placed = {t.get_text() for t in annex2_map.placed_labels}
    assert {layout.letter_spaced(n.upper(), wide=False) for n in ("Téra", "Torodi", "Gaya")} <= placed  # departments
    assert "Conflit impliquant un État" in layout.legend_texts(annex2_map.fig)


def test_synthetic_input_says_so_in_the_credits(events):
    demo = events.copy()
    demo.attrs = {**events.attrs, "synthetic": True, "source": "ACLED-schema synthetic demo"}
    fig = annex_maps.annex1(demo, PERIOD, language="nl").fig
    credits = next(t.get_text() for t in fig.texts if t.get_gid() == "credits")
    assert "SYNTHETISCHE" in credits


# ----------------------------------------------------------------------------- choropleths


def test_classify_zero_and_no_data_have_their_own_classes():
    values = np.array([np.nan, 0, 0, 1, 2, 3, 10, 50, 51, 200])
    classes = classify(values, "quantiles", k=3, zero_label="none", no_data_label="n/a")
    index = classes.assign(values)
    assert index[0] == 0 and list(index[1:3]) == [1, 1]
    assert (index[3:] >= 2).all() and index[-1] == len(classes.colors) - 1
    assert classes.labels[:2] == ["n/a", "none"]
    assert classes.hatches[0] and classes.colors[1] != classes.colors[2]


def test_classify_user_breaks_and_errors():
    classes = classify([0, 3, 7, 30], "user", breaks=[5, 10])
    assert list(classes.bins) == [5, 10, 30]
    assert list(classes.assign([3, 7, 30])) == [2, 3, 4]
    assert classes.labels[2:] == ["3 – 5", "6 – 10", "11 – 30"]
    with pytest.raises(InputError, match="breaks"):
        classify([1, 2], "user")
    with pytest.raises(InputError, match="scheme"):
        classify([1, 2], "jenks")


def test_choropleth_by_department_shows_zero_class(events, department_map):
    texts = layout.legend_texts(department_map.fig)
    assert label("no_incidents") in texts
    assert label("no_data") not in texts  # every department has a count
    fig = choropleth.choropleth(events, "region", "fatalities_per_100k", "user", breaks=[1, 10, 50], period=PERIOD,
                            language="fr").fig
    texts = layout.legend_texts(fig)
    assert label("fatalities_per_100k", "fr") in texts
    assert any(t.endswith(" – 10,0") for t in texts)  # user break, French decimal comma
    credits = next(t.get_text() for t in fig.texts if t.get_gid() == "credits")
    assert "Population\u202f: INS Niger 2023 projections citées dans" in credits  # French credit, U+202F


def test_choropleth_fills_each_department_with_its_class_colour(department_map, department_values):
    import shapely
    from matplotlib.colors import to_rgb

    from geo_coi.crs import MAP

    units = admin.units("department").to_crs(MAP).merge(department_values[["pcode", "incidents"]], on="pcode")
    classes = classify(units["incidents"].to_numpy(dtype=float), "fisherjenks", k=5)
    pixels = _pixels(next(p for p in department_map.files if p.suffix == ".png"))
    ax, scale = department_map.fig.axes[0], LOW_DPI / department_map.fig.dpi
    indices = classes.assign(units["incidents"])
    for row, index in zip(units.itertuples(), indices, strict=False):
        inner = row.geometry.buffer(-5000)
        if inner.area < 5e9:  # too small to sample at this resolution
            continue
        xmin, ymin, xmax, ymax = inner.bounds
        grid = shapely.points(*np.meshgrid(np.linspace(xmin, xmax, 12), np.linspace(ymin, ymax, 12)))
        inside = [p for p in grid.ravel() if inner.contains(p)]
        xy = ax.transData.transform([(p.x, p.y) for p in inside]) * scale
        samples = pixels[(pixels.shape[0] - xy[:, 1]).astype(int), xy[:, 0].astype(int)]
        colours, counts = np.unique(samples.round(), axis=0, return_counts=True)
        commonest = colours[counts.argmax()]
        expected = np.array(to_rgb(classes.colors[index])) * 255
        if classes.hatches[index]:  # the zero class's grey dots darken its grey a little at this low dpi
            assert np.ptp(commonest) < 3 and 0 <= (expected - commonest).max() < 20, row.name
            continue
        assert np.abs(commonest - expected).max() < 6, row.name
    assert {1, 2} <= set(indices.tolist())  # zero and at least one class above zero were drawn


def test_choropleth_rejects_unknown_measure(events):
    with pytest.raises(InputError, match="measure"):
        choropleth.choropleth(events, "region", "deaths")


# ----------------------------------------------------------------------------- density, hexbin


def test_density_map_reads_bandwidth_from_the_geotiff(events, tmp_path):
    from matplotlib.colors import to_rgb

    from geo_coi.density import kde, write_geotiff

    chosen = markers.in_period(events, PERIOD)
    path = write_geotiff(kde(chosen, bandwidth_km=40, cell_km=10), tmp_path / "density.tif")
    fig = density_map.density_map(path, events_attrs=events.attrs, period=PERIOD, out=tmp_path / "density",
                                  dpi=LOW_DPI).fig
    note = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note:bandwidth")
    assert "40 km" in note
    assert label("per_1000_km2") in layout.legend_texts(fig)
    pixels = _pixels(tmp_path / "density.png")
    darkest = np.array(to_rgb(classify([1, 2], k=1).colors[-1])) * 255
    assert (np.abs(pixels - darkest).sum(axis=2) < 30).any()  # the top class is drawn somewhere


def test_hexbin_map_legend(events):
    fig = hexbin_map.hexbin_map(events, 50, period=PERIOD).fig
    texts = layout.legend_texts(fig)
    assert any(t.startswith(label("incidents")) and "50 km" in t for t in texts)


# ----------------------------------------------------------------------------- displacement, armed groups


def test_displacement_map_report_figures_show_their_date():
    fig = displacement_map.displacement_map(figures="report", language="en", size="A4-portrait").fig
    date = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note:figure-date")
    assert "October 2024" in date
    texts = layout.legend_texts(fig)
    assert f"{label('idps')} (October 2024)" in texts
    assert any(t.startswith(label("refugees")) for t in texts)
    credits = next(t for t in fig.texts if t.get_gid() == "credits")
    assert "UNHCR" in credits.get_text()
    # the legends (two columns on a portrait page) stay on the page and above the credits
    renderer = fig.canvas.get_renderer()
    page, foot = fig.bbox, credits.get_window_extent(renderer)
    for legend in fig.findobj(Legend):
        box = legend.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y0 > foot.y1


def test_armed_groups_map_both_variants(events):
    from geo_coi.armed_groups import areas_of_operation

    fig = armed_groups_map.armed_groups_map(language="nl").fig
    assert {label(g, "nl") for g in areas_of_operation()["group"]} <= set(layout.legend_texts(fig))
    fig = armed_groups_map.armed_groups_map(events=events, period=PERIOD, actors=["IS", "JNIM"]).fig
    assert {"IS", "JNIM"} <= set(layout.legend_texts(fig))
    assert "UCDP" in next(t.get_text() for t in fig.texts if t.get_gid() == "credits")


def test_zero_class_is_neutral_dotted_and_distinct_from_the_first_class_and_no_data(department_map,
                                                                                      department_values):
    from matplotlib.colors import to_rgb

    from geo_coi.crs import MAP

    classes = classify([0, 1, 5, 9, np.nan], "quantiles", k=3)
    no_data, zero, first = (np.array(to_rgb(c)) * 255 for c in classes.colors[:3])
    assert np.ptp(zero) < 3  # grey: no hue that could pass for the first (yellow) class
    assert first[0] - first[2] > 40 and np.abs(zero - first).max() > 30
    assert classes.hatches[1] and classes.hatches[0] and classes.hatches[1] != classes.hatches[0]
    assert np.abs(zero - no_data).max() > 10  # no data is white and hatched, zero grey and dotted
    # on the printed map: pixels of zero departments are neutral grey, of the first class clearly yellow
    units = admin.units("department").to_crs(MAP).merge(department_values[["pcode", "incidents"]], on="pcode")
    index = classify(units["incidents"].to_numpy(dtype=float), "fisherjenks", k=5).assign(units["incidents"])
    pixels = _pixels(next(p for p in department_map.files if p.suffix == ".png"))
    ax, scale = department_map.fig.axes[0], LOW_DPI / department_map.fig.dpi

    def colour_at(geometry):  # commonest colour on a grid inside the unit (labels and symbols are rarer)
        import shapely

        inner = geometry.buffer(-5000)
        xmin, ymin, xmax, ymax = inner.bounds
        grid = shapely.points(*np.meshgrid(np.linspace(xmin, xmax, 12), np.linspace(ymin, ymax, 12)))
        xy = ax.transData.transform([(p.x, p.y) for p in grid.ravel() if inner.contains(p)]) * scale
        samples = pixels[(pixels.shape[0] - xy[:, 1]).astype(int), xy[:, 0].astype(int)]
        colours, counts = np.unique(samples.round(), axis=0, return_counts=True)
        return colours[counts.argmax()]

    zeros = [colour_at(g) for g, i in zip(units.geometry, index, strict=False) if i == 1 and g.area > 5e9]
    firsts = [colour_at(g) for g, i in zip(units.geometry, index, strict=False) if i == 2 and g.area > 5e9]
    assert zeros and firsts
    assert all(np.ptp(c) < 6 for c in zeros)
    assert all(c[0] - c[2] > 40 for c in firsts)


def test_extent_sets_the_frame(events):
    from geo_coi.config import Extent

    national = annex_maps.annex1(events, PERIOD).fig.axes[0]
    box = (0.0, 12.0, 4.5, 16.0)
    fig = annex_maps.annex1(events, PERIOD, extent=box, credits=["Map: a test line"]).fig
    ax = fig.axes[0]
    minx, miny, maxx, maxy = extent_bounds(box)
    assert ax.get_xlim()[0] <= minx < maxx <= ax.get_xlim()[1]
    assert ax.get_ylim()[0] <= miny < maxy <= ax.get_ylim()[1]
    width = np.diff(ax.get_xlim())[0]
    assert width < 0.6 * np.diff(national.get_xlim())[0]
    assert "Map: a test line" in next(t.get_text() for t in fig.texts if t.get_gid() == "credits")
    # regions and departments: the union of their outlines
    dosso = extent_bounds(Extent("d", regions=("Dosso",)))
    with_tahoua = extent_bounds(Extent("d", regions=("Dosso",), departments=(("Tahoua", ("Tahoua",)),)))
    assert with_tahoua[3] > dosso[3] and with_tahoua[0] <= dosso[0]
    assert np.allclose(extent_bounds(Extent("n")), admin.bounds("country"))
    with pytest.raises(InputError, match="min_lon"):
        extent_bounds((5, 12, 1, 16))


def test_town_label_repeating_a_unit_under_another_spelling_is_dropped(annex2_map):
    placed = [t.get_text() for t in annex2_map.placed_labels]
    # one spelling (the report's): the department label says AYOROU, the town of the same name is dropped
    assert placed.count(layout.letter_spaced("AYOROU", wide=False)) == 1 and "Ayorou" not in placed
    assert not any("AYEROU" in text.replace("\u200a", "") or "Ayerou" in text for text in placed)
    unit = layout.LabelItem(0, 0, "Ayerou", kind="area", names=("ayerou", "ayorou"))
    near, far = layout.LabelItem(9000, 0, "Ayorou"), layout.LabelItem(DUPLICATE_KM * 1000 + 1, 0, "Ayorou")
    kept = without_repeats([unit, near, far, layout.LabelItem(0, 0, "Tillabéri")])
    assert [i.text for i in kept] == ["Ayerou", "Ayorou", "Tillabéri"] and far in kept


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_no_english_text_on_nl_and_fr_maps(language):
    from matplotlib.text import Text

    fig = armed_groups_map.armed_groups_map(language=language).fig
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    for english in ("Areas of operation", "Boundaries", "Basemap", "Armed bandits", "Self-defence"):
        assert english not in texts, english
    subtitle = next(t.get_text() for t in fig.texts if t.get_gid() == "subtitle")
    assert subtitle == {"nl": "Bron: CGRS-Cedoca, COI Focus Niger (2025), Kaart 2-3",
                        "fr": "Source\u202f: CGRS-Cedoca, COI Focus Niger (2025), cartes 2 et 3"}[language]
    credits = next(t.get_text() for t in fig.texts if t.get_gid() == "credits")
    expected = {"nl": "Operatiegebieden: CGRS-Cedoca", "fr": "Zones d'opération\u202f: CGRS-Cedoca"}
    assert credits.startswith(expected[language])
    assert label("Armed bandits", language) in layout.legend_texts(fig)


def test_displacement_report_map_states_the_national_total():
    from geo_coi.displacement import report_figures

    fig = displacement_map.displacement_map(figures="report", language="nl").fig
    note = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note:figure-date")
    report = report_figures()
    total = report[(report["population"] == "IDP") & (report["region_pcode"] == "NE")]["value"].iloc[0]
    assert "oktober 2024" in note and captions.number(total) in note and label("idps_total", "nl") in note
    unhcr = displacement_map.displacement_map(figures="unhcr", language="nl").fig
    assert label("idps_total", "nl") not in next(t.get_text() for t in unhcr.axes[0].texts
                                                 if t.get_gid() == "note:figure-date")


@pytest.mark.parametrize("figures", ["report", "unhcr"])
def test_displacement_circles_are_not_hidden_under_unit_labels(figures):
    # Maradi's 18,697 IDPs (report figures) are a small circle at the region's label point
    fig = displacement_map.displacement_map(figures=figures, language="nl").fig
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    circles = next(c for c in ax.collections if c.get_gid() == "circles")
    radii = np.sqrt(circles.get_sizes()) / 2 * fig.dpi / 72  # pixels
    centres = ax.transData.transform(circles.get_offsets())
    labels = [t for t in ax.texts if t.get_gid() == "label" and t.get_text().isupper()]
    assert labels
    for label_box in (t.get_window_extent(renderer) for t in labels):
        for (x, y), r in zip(centres, np.broadcast_to(radii, len(centres)), strict=False):
            nearest_x = min(max(x, label_box.x0), label_box.x1)
            nearest_y = min(max(y, label_box.y0), label_box.y1)
            assert np.hypot(x - nearest_x, y - nearest_y) >= r, "a unit label covers a displacement circle"


# ----------------------------------------------------------------------------- basemaps


class _TileHandler(http.server.BaseHTTPRequestHandler):
    requests: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests.append(self.path)
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), TILE_RGB).save(buffer, "PNG")
        body = buffer.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tile_server():
    _TileHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()
    server.server_close()


def test_web_tiles_from_a_local_server(events, tile_server, tmp_path):
    basemap = Basemap("tiles", url=tile_server, attribution="Tiles: local test server", zoom=3)
    fig = annex_maps.annex1(events, PERIOD, basemap=basemap, out=tmp_path / "tiles", dpi=LOW_DPI).fig
    assert _TileHandler.requests and all(r.startswith("/3/") for r in _TileHandler.requests)
    assert "Tiles: local test server" in next(t.get_text() for t in fig.texts if t.get_gid() == "credits")
    pixels = _pixels(tmp_path / "tiles.png")
    assert (np.abs(pixels - TILE_RGB).sum(axis=2) < 10).mean() > 0.05


def test_local_geotiff_basemap(events, tmp_path):
    import rasterio
    from rasterio.transform import from_bounds

    path = tmp_path / "basemap.tif"
    profile = {"driver": "GTiff", "width": 60, "height": 50, "count": 3, "dtype": "uint8", "crs": "EPSG:4326",
               "transform": from_bounds(-2, 9, 18, 26, 60, 50)}
    with rasterio.open(path, "w", **profile) as dst:
        for band, value in enumerate((20, 200, 120), start=1):
            dst.write(np.full((50, 60), value, dtype="uint8"), band)
    annex_maps.annex1(events, PERIOD, basemap=Basemap("geotiff", path=str(path), attribution="Relief: test"),
                  out=tmp_path / "relief", dpi=LOW_DPI)
    pixels = _pixels(tmp_path / "relief.png")
    assert (np.abs(pixels - (20, 200, 120)).sum(axis=2) < 12).mean() > 0.05


def test_basemap_and_page_errors(events):
    with pytest.raises(InputError, match=r"\{z\}"):
        Basemap("tiles", url="http://127.0.0.1/tiles.png", attribution="x")
    with pytest.raises(InputError, match="attribution"):
        Basemap("tiles", url="http://127.0.0.1/{z}/{x}/{y}.png")
    with pytest.raises(InputError, match="source"):
        Basemap("openstreetmap")
    with pytest.raises(InputError, match="A4-portrait"):
        annex_maps.annex1(events, PERIOD, size="A3")
    with pytest.raises(InputError, match="language"):
        annex_maps.annex1(events, PERIOD, language="de")


# ----------------------------------------------------------------------------- baselines


@pytest.mark.parametrize("name", ["annex1_portrait", "choropleth_region", "armed_groups"])
def test_matches_committed_baseline(name, events, tmp_path):
    from matplotlib.testing.compare import compare_images

    maps = {
        "annex1_portrait": lambda out: annex_maps.annex1(events, PERIOD, size="A4-portrait", out=out, dpi=BASELINE_DPI),
        "choropleth_region": lambda out: choropleth.choropleth(events, "region", "incidents", period=PERIOD, out=out,
                                                           dpi=BASELINE_DPI),
        "armed_groups": lambda out: armed_groups_map.armed_groups_map(out=out, dpi=BASELINE_DPI),
    }
    result = maps[name](tmp_path / name)
    actual = next(p for p in result.files if p.suffix == ".png")
    expected = BASELINE_DIR / f"{name}.png"
    if os.environ.get("GEO_COI_UPDATE_BASELINES") == "1":
        BASELINE_DIR.mkdir(exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.is_file(), f"no baseline {expected}: run with GEO_COI_UPDATE_BASELINES=1 and review it"
    assert compare_images(str(expected), str(actual), tol=8) is None
