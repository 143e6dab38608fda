"""Map furniture on real-shaped (dense, stacked, imprecise) events: labels, symbols, legend, locator, print.

The events are made here, seeded: ACLED-like types, up to 8 events on one
coordinate, many ``geo_precision`` 2 and some 3, around real towns.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from geo_coi.classes import classify
from geo_coi.config import load_config
from geo_coi.maps import annex_maps, choropleth, layout, markers
from geo_coi.style import label

TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
STACK = 8  # events on the most stacked coordinate
# (lon, lat) of places with events: Niamey's outskirts, Tillabéri, Ayorou, Téra, Diffa, Tahoua, Agadez ...
PLACES = ((2.05, 13.60), (1.45, 14.21), (0.92, 14.73), (0.75, 14.01), (12.61, 13.32), (5.27, 14.89),
          (7.99, 16.97), (3.20, 12.25), (1.10, 13.40), (2.60, 14.10), (8.99, 13.80), (4.20, 13.50))
PERIOD = ("2024-01-01", "2024-05-15")


def dense_events(seed=7, n=160):
    """Seeded ACLED-shaped events: stacked coordinates, mostly geo_precision 2, some 3."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        if i < STACK:  # the same Battles coordinate eight times (an ACLED "town centroid")
            lon, lat, kind = 1.45, 14.21, "Battles"
        else:
            lon, lat = PLACES[rng.integers(len(PLACES))]
            lon, lat = (lon, lat) if rng.random() < 0.5 else (lon + rng.normal(0, 0.3), lat + rng.normal(0, 0.3))
            kind = TYPES[rng.integers(3)]
        rows.append({
            "event_id": f"NER{i:05d}",
            "event_date": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(135))),
            "event_type": kind, "fatalities": int(rng.choice([0, 0, 1, 2, 4, 7, 12, 25, 60])),
            "geo_precision": int(rng.choice([1, 2, 2, 2, 3])), "longitude": lon, "latitude": lat,
        })
    frame = pd.DataFrame(rows)
    frame["fatalities"] = frame["fatalities"].astype("Int64")
    frame["geo_precision"] = frame["geo_precision"].astype("Int64")
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326)
    events.attrs = {"source": "ACLED", "synthetic": True}
    return events


@pytest.fixture(scope="module")
def events():
    return dense_events()


@pytest.fixture(scope="module")
def annex1_nl(events, tmp_path_factory):
    out = tmp_path_factory.mktemp("furniture") / "annex1"
    return annex_maps.annex1(events, language="nl", out=out, dpi=40)


@pytest.fixture(scope="module")
def annex2_en(events):
    return annex_maps.annex2(events, language="en", extent=load_config().extents["south_west"])


def _label_boxes(result):
    renderer = result.fig.canvas.get_renderer()
    return [(t.get_text(), layout.text_box(t, renderer, margin=(1, 1))) for t in result.placed_labels]


def _symbols(ax):
    return np.concatenate([layout.symbol_boxes(ax, ("towns", "niamey")),
                           layout.symbol_boxes(ax, ("events",), markers.EVENT_OBSTACLE_AREA)])


# ----------------------------------------------------------------------------- labels


@pytest.mark.parametrize("which", ["annex1_nl", "annex2_en"])
def test_no_label_covers_a_point_symbol(which, request):
    result = request.getfixturevalue(which)
    ax = result.fig.axes[0]
    symbols = _symbols(ax)
    assert len(symbols) > 10  # towns, the star and the big event symbols are all there
    for text, box in _label_boxes(result):
        hit = ((symbols[:, 0] < box.x1) & (symbols[:, 2] > box.x0)
               & (symbols[:, 1] < box.y1) & (symbols[:, 3] > box.y0))
        assert not hit.any(), f"label {text!r} covers a point symbol"


def test_town_labels_stay_next_to_their_own_dot(annex1_nl):
    from geo_coi.boundaries import load
    from geo_coi.crs import MAP

    ax = annex1_nl.fig.axes[0]
    places = load("places").to_crs(MAP).set_index("name")
    dots = [t for t in annex1_nl.placed_labels if t.get_text() in places.index and t.get_text() != "Niamey"]
    assert len(dots) >= 8
    renderer = annex1_nl.fig.canvas.get_renderer()
    max_gap = 16 * annex1_nl.fig.dpi / 72  # 16 points (two rings of positions round the dot) in pixels
    for text in dots:
        point = places.loc[text.get_text()].geometry
        point = point.iloc[0] if hasattr(point, "iloc") else point
        x, y = ax.transData.transform((point.x, point.y))
        box = text.get_window_extent(renderer)
        gap = np.hypot(max(box.x0 - x, 0, x - box.x1), max(box.y0 - y, 0, y - box.y1))
        assert gap <= max_gap, f"{text.get_text()} is {gap:.1f} px from its dot"


def test_neighbour_labels_lie_inside_their_country_and_off_niger(annex1_nl):
    import shapely

    from geo_coi.boundaries import load
    from geo_coi.crs import MAP

    ax = annex1_nl.fig.axes[0]
    countries = load("countries").to_crs(MAP)
    niger = load("country").to_crs(MAP).geometry.union_all()
    names = {row.NAME_NL.upper(): row.geometry for row in countries.itertuples() if row.ADM0_A3 != "NER"}
    renderer = annex1_nl.fig.canvas.get_renderer()
    inverse = ax.transData.inverted()
    found = 0
    for text in annex1_nl.placed_labels:
        if text.get_text() not in names:
            continue
        box = text.get_window_extent(renderer)
        (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
        shape = shapely.box(x0, y0, x1, y1)
        assert names[text.get_text()].contains(shape), text.get_text()
        assert not shape.intersects(niger), text.get_text()
        found += 1
    assert found >= 4  # Mali, Algeria, Libya, Chad, Nigeria, ...


def test_area_labels_are_grey_spaced_caps_and_town_labels_dark(annex2_en):
    from matplotlib.colors import to_hex, to_rgb

    texts = {t.get_text(): t for t in annex2_en.placed_labels}
    region = texts[layout.letter_spaced("DOSSO")]
    assert to_hex(region.get_color()) == "#6b6b6b" and "\u2009" in region.get_text()
    towns = [t for t in annex2_en.placed_labels if t.get_text()[:1].isupper() and t.get_text()[1:2].islower()]
    assert towns and all(max(to_rgb(t.get_color())) < 0.2 for t in towns)  # dark text beside a dot


# ----------------------------------------------------------------------------- symbols


def _marker_area(layer):
    """Drawn areas (pt²) of a scatter layer's symbols: shoelace area of its marker path times ``s``."""
    polygons = layer.get_paths()[0].to_polygons()
    unit = sum(0.5 * abs(np.dot(q[:, 0], np.roll(q[:, 1], 1)) - np.dot(q[:, 1], np.roll(q[:, 0], 1))) for q in polygons)
    return unit * layer.get_sizes()


def test_square_triangle_and_circle_of_one_class_have_the_same_area():
    import geopandas as gpd
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    events = dense_events(n=30)
    events["fatalities"] = pd.array([7] * len(events), dtype="Int64")  # one class: 5-19 ...
    events["longitude"] += np.arange(len(events)) * 0.01  # ... and no two on one place
    events = events.set_geometry(gpd.points_from_xy(events["longitude"], events["latitude"]), crs=4326)
    events["geo_precision"] = pd.array([1] * len(events), dtype="Int64")
    markers.draw_events(ax, events, "en")
    areas = {layer.get_gid(): np.unique(np.round(_marker_area(layer), 6))
             for layer in ax.collections if (layer.get_gid() or "").startswith("events:")}
    assert set(areas) == {f"events:{t}" for t in TYPES}
    values = np.concatenate(list(areas.values()))
    assert len(values) == 3 and values.max() / values.min() == pytest.approx(1.0, abs=0.01)


def test_co_located_events_become_one_symbol_with_their_count(events):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    one_place = events.iloc[:STACK].copy()
    one_place["geo_precision"] = pd.array([1] * STACK, dtype="Int64")
    _, counts = markers.draw_events(ax, one_place, "en")
    layers = [c for c in ax.collections if (c.get_gid() or "").startswith("events:")]
    assert [len(c.get_offsets()) for c in layers] == [1]
    assert [c.text for c in counts] == [str(STACK)]
    total = int(one_place["fatalities"].sum())
    expected = markers.FATALITY_SIZES[int(markers.size_class([total])[0])]
    assert layers[0].get_sizes()[0] == pytest.approx(expected / 1.0, rel=0.01)  # circles: sized by total fatalities


def test_area_coded_events_are_hollow_and_the_legend_says_locations_are_approximate(annex1_nl):
    ax = annex1_nl.fig.axes[0]
    hollow = [c for c in ax.collections if (c.get_gid() or "").endswith(":area")]
    assert hollow and all(len(c.get_facecolors()) == 0 or c.get_facecolors()[:, 3].max() == 0 for c in hollow)
    texts = layout.legend_texts(annex1_nl.fig)
    assert label("location_area", "nl") in texts and label("location_point", "nl") in texts
    notes = next(t for t in annex1_nl.fig.texts if t.get_gid() == "notes").get_text().replace("\n", " ")
    assert label("locations_approximate", "nl")[:40] in notes


# ----------------------------------------------------------------------------- legend, locator, subtitles


def test_legend_lists_capital_towns_boundaries_and_water(annex2_en):
    texts = layout.legend_texts(annex2_en.fig)
    for key in ("capital", "town", "boundary_international", "boundary_region", "boundary_department",
                "rivers_lakes"):
        assert label(key, "en") in texts, key


def test_national_maps_locate_niger_in_west_africa_sub_national_maps_keep_the_red_box(annex1_nl, annex2_en):
    national = {c.get_gid() for c in annex1_nl.fig.axes[1].collections + annex1_nl.fig.axes[1].lines}
    sub = {c.get_gid() for c in annex2_en.fig.axes[1].collections + annex2_en.fig.axes[1].lines}
    assert "inset-niger" in national and "inset-extent" not in national
    assert "inset-extent" in sub and "inset-niger" not in sub
    width = np.diff(annex1_nl.fig.axes[1].get_xlim())[0]
    assert width > 3_000_000  # West Africa, not Niger alone (~1,900 km)


def test_annex2_subtitle_counts_the_events_of_its_own_extent(events, annex2_en):
    ax = annex2_en.fig.axes[0]
    shown = markers.in_frame(events, ax)
    assert 0 < len(shown) < len(events)  # Diffa and Agadez are outside the frame
    subtitle = next(t for t in annex2_en.fig.texts if t.get_gid() == "subtitle").get_text()
    assert f"{len(shown)} incidents" in subtitle and label("in_map_area", "en") in subtitle
    assert f"{len(events)} incidents" not in subtitle


def test_niamey_inset_says_when_it_has_no_incidents(events):
    far = events[events["longitude"] > 8]
    fig = annex_maps.annex2(far, language="fr", extent=load_config().extents["south_west"]).fig
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "note:no-incidents"]
    assert notes == [label("no_incidents", "fr")]
    assert not [t for ax in annex_maps.annex2(events).fig.axes for t in ax.texts if t.get_gid() == "note:no-incidents"]


# ----------------------------------------------------------------------------- print


def test_margins_and_smallest_text(annex1_nl):
    from matplotlib.text import Text

    png = next(p for p in annex1_nl.files if p.suffix == ".png")
    pixels = np.asarray(Image.open(png).convert("L"))
    rim = int(np.ceil(layout.MARGIN_MM / 25.4 * 40))  # 40 dpi
    edges = np.concatenate([pixels[:rim].ravel(), pixels[-rim:].ravel(),
                            pixels[:, :rim].ravel(), pixels[:, -rim:].ravel()])
    assert edges.min() == 255  # nothing printed within 5 mm of the edge
    sizes = [t.get_fontsize() for t in annex1_nl.fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert min(sizes) >= layout.MIN_FONT_PT  # >= 6 pt once placed at 85 %
    notes = next(t for t in annex1_nl.fig.texts if t.get_gid() == "notes").get_text()
    assert label("produced", "nl") in notes and label("disclaimer", "nl")[:20] in notes.replace("\n", " ")


def test_png_is_rgb_with_an_srgb_chunk(annex1_nl):
    png = next(p for p in annex1_nl.files if p.suffix == ".png")
    with Image.open(png) as image:
        assert image.mode == "RGB"
        assert image.info.get("srgb") == 0
    assert b"sRGB" in png.read_bytes()[:200]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_text_is_live_with_title_and_author(annex1_nl):
    pdf = next(p for p in annex1_nl.files if p.suffix == ".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    placed = [t.get_text() for t in annex1_nl.placed_labels]
    towns = [name for name in ("Agadez", "Tahoua", "Zinder", "Diffa", "Niamey") if name in placed]
    assert len(towns) >= 3
    for name in towns:
        assert name in text, name
    x0, x1, y, km = annex1_nl.fig.axes[0].scale_bar
    assert f"{km:g} km" in text and "\nN\n" in f"\n{text}\n"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {label('annex1_title', 'nl')}" in info and "Author:          geo_coi" in info


def test_svg_text_is_live(annex1_nl):
    svg = next(p for p in annex1_nl.files if p.suffix == ".svg").read_text(encoding="utf-8")
    assert svg.count("<text") > 20 and ">Agadez</text>" in svg.replace("\n", "")


@pytest.mark.parametrize("which", ["annex1_nl", "annex2_en"])
def test_legends_stay_on_the_page_inside_the_margins(which, request):
    from matplotlib.legend import Legend

    fig = request.getfixturevalue(which).fig
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches() * fig.dpi
    margin = layout.MARGIN_MM / 25.4 * fig.dpi
    legends = fig.findobj(Legend)
    assert len(legends) >= 3
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert margin <= box.x0 and box.x1 <= width - margin and margin <= box.y0 and box.y1 <= height - margin


def test_the_niger_river_shows_inside_niger_on_a_choropleth(events, tmp_path):
    from matplotlib.colors import to_rgb

    from geo_coi.admin_index import records
    from geo_coi.boundaries import load
    from geo_coi.crs import MAP
    from geo_coi.style import WATER_COLOR

    values = pd.DataFrame({"pcode": [r["pcode"] for r in records("region")], "incidents": 50})
    fig = choropleth.choropleth(events, values=values, out=tmp_path / "choropleth", dpi=100).fig
    assert "rivers" in {c.get_gid() for c in fig.axes[0].collections}
    river = load("rivers").to_crs(MAP)
    niger = load("country").to_crs(MAP).geometry.union_all().buffer(-30_000)
    inside = river[river["name"].str.contains("Niger", na=False)].geometry.intersection(niger).union_all()
    assert not inside.is_empty
    pixels = np.asarray(Image.open(tmp_path / "choropleth.png").convert("RGB"), dtype=float)
    ax = fig.axes[0]
    water = np.array(to_rgb(WATER_COLOR)) * 255
    hits = 0
    for fraction in np.linspace(0.1, 0.9, 9):
        point = inside.interpolate(fraction, normalized=True)
        x, y = ax.transData.transform((point.x, point.y))
        row, col = int(round(pixels.shape[0] - y)), int(round(x))
        window = pixels[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3)
        hits += bool((np.abs(window - water).sum(axis=1) < 40).any())
    assert hits >= 7  # the river is drawn over the class fills


def test_niamey_is_a_callout_in_its_class_colour_on_a_choropleth(events):
    from matplotlib.colors import to_hex

    from geo_coi.admin_index import records

    codes = [r["pcode"] for r in records("department")]
    values = pd.DataFrame({"pcode": codes, "incidents": [40 if c == "NE008001" else i % 7
                                                          for i, c in enumerate(codes)]})
    result = choropleth.choropleth(events, level="department", values=values)
    fig = result.fig
    niamey = next(t for t in result.placed_labels if t.get_text() == label("niamey", "en"))
    patch = niamey.get_bbox_patch()
    assert patch is not None and niamey.arrow_patch is not None  # boxed, with a leader line to the star
    top = max(range(len(values)), key=lambda i: values["incidents"][i])
    classes = classify(values["incidents"].to_numpy(dtype=float), "fisherjenks", k=5)
    assert to_hex(patch.get_facecolor()) == to_hex(classes.colors[int(classes.assign([values["incidents"][top]])[0])])
    renderer = fig.canvas.get_renderer()
    star = layout.symbol_boxes(fig.axes[0], ("niamey",))[0]
    box = layout.text_box(niamey, renderer, margin=(1, 1))
    assert box.x1 < star[0] or box.x0 > star[2] or box.y1 < star[1] or box.y0 > star[3]
