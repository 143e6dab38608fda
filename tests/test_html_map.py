"""The interactive HTML map: self-contained, safe, light, reproducible, and it works in a browser.

Browser tests open the files in Debian's headless Chromium with every request
outside ``file:`` blocked (tests/browser.py).
"""

from __future__ import annotations

import io
import json
import re
from importlib.resources import files

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo_coi import pipeline
from geo_coi.errors import InputError
from geo_coi.events import CANONICAL_COLUMNS, select
from geo_coi.join import join_admin
from geo_coi.maps import event_payload
from geo_coi.maps.html import interactive_map, marker_count
from geo_coi.sources import read_events

UCDP_FILE = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
PERIOD = ("2022-01-01", "2023-12-31")
NOTE = ("</script><script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\"> "
        "'single' \"double\" & {{7*7}} NOTE-MARKER-8c1f")
ACTOR = "<img src=x onerror=window.__pwned=3>"
PLACE = "\"><svg onload=window.__pwned=4>'"
GROUP = "<img src=x onerror=\"window.__pwned=5\">Group"
TITLE = "<script>window.__pwned=6</script>Title & 'quotes'"


def _payload(page: str) -> dict:
    """The JSON object map.js builds the layers from."""
    match = re.search(r"^geoCoiMap\((\{.*\})\);$", page, re.MULTILINE)
    assert match, "geoCoiMap call not found in the page"
    return json.loads(match.group(1))


def _events(data: dict) -> list[dict]:
    """The page's events, one dict per event (decoded from its typed columns)."""
    return event_payload.decode(data["events"])


def _synthetic(notes=NOTE):
    """Four canonical events at known places, text fields carrying HTML/JS payloads."""
    rows = [
        ("S1", "2024-10-01", "Battles", "Armed clash", ACTOR, 13.5137, 2.1098, 3, "Niamey", notes),
        ("S2", "2024-11-15", "Violence against civilians", "Attack", "JNIM", 16.9733, 7.9911, 0, PLACE, notes),
        ("S3", "2025-01-20", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Niger",
         13.3154, 12.6113, 12, "Diffa", notes),
        ("S4", "2025-02-02", "<b onmouseover=window.__pwned=7>Riots</b>", "", "Rioters", 14.2, 1.45, 0, "Tera",
         notes),
    ]
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "event_type", "sub_event_type", "actor1",
                                        "latitude", "longitude", "fatalities", "location", "notes"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["source"] = "ACLED"
    frame["year"] = frame["event_date"].dt.year
    for column in ("assoc_actor_1", "assoc_actor_2", "admin1_source", "admin2_source", "admin3_source"):
        frame[column] = ""
    frame["actor2"] = "Civilians (Niger)"
    frame["civilian_targeting"] = frame["event_type"] == "Violence against civilians"
    frame["time_precision"] = pd.array([1, 1, 2, 1], dtype="Int64")
    frame["geo_precision"] = pd.array([1, 2, 1, 3], dtype="Int64")
    frame["src_source"] = "SOURCE-MARKER-41d2 (local newspaper)"
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326)
    events = events[[*CANONICAL_COLUMNS, "src_source"]]
    events.attrs.update(source="ACLED", synthetic=False, access_date="2025-06-05")
    return join_admin(events).events  # the maps take joined events only


def _moved(events, row, lon, lat):
    """``events`` with event ``row`` at (lon, lat): its geometry, the position, and the copy in the columns."""
    events = events.copy()
    events.loc[events.index[row], "geometry"] = shapely.Point(lon, lat)
    events.loc[events.index[row], ["latitude", "longitude"]] = [lat, lon]
    return events


def _groups():
    """An armed-groups table shaped like geo_coi.armed_groups.areas_of_operation, with a hostile name."""
    square = shapely.box(1.0, 13.5, 3.0, 15.0)
    return gpd.GeoDataFrame({"group": [GROUP], "region": ["Tillabéri"], "departments": ["Téra; Ouallam"]},
                            geometry=[square], crs=4326)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("html")


@pytest.fixture(scope="module")
def national(ucdp_joined, out):
    """The default national map of the bundled UCDP data: one call, nothing optional."""
    return interactive_map(ucdp_joined, out=out / "ucdp.html")


@pytest.fixture(scope="module")
def full(ucdp_joined, out):
    """Every optional layer, a period, French."""
    from geo_coi import density

    tif = density.write_geotiff(density.kde(select(ucdp_joined, period=PERIOD)), out / "density.tif")
    return interactive_map(ucdp_joined, PERIOD, language="fr", density=tif, displacement=True, armed_groups=True,
                           out=out / "full.html")


@pytest.fixture(scope="module")
def hostile(out):
    return interactive_map(_synthetic(), event_types=None, include_notes=True, armed_groups=_groups(), title=TITLE,
                           out=out / "hostile.html")


def _open(browser, path):
    before = (len(browser.requests_blocked), len(browser.console_errors))
    page = browser.open(path)
    page.wait_for_function("window.geoCoi && window.geoCoi.loaded === true", timeout=60_000)
    return page, before


# --- the file ----------------------------------------------------------------------------------


def test_file_has_no_external_resource(national, full):
    for path in (national, full):
        page = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", page), "a script is loaded instead of inlined"
        assert not re.search(r"<link[^>]+href=", page), "a stylesheet is linked instead of inlined"
        assert not re.search(r"url\(\s*['\"]?(https?:|//)", page), "CSS pulls a remote resource"
        assert "cdn." not in page and "cdnjs" not in page
        assert "function gridIndex" in page and "Leaflet" in page


def test_default_national_map_is_light(national):
    assert national.stat().st_size < 2_000_000


def test_same_input_gives_byte_identical_file(ucdp_joined, national, out):
    again = interactive_map(ucdp_joined, out=out / "ucdp_again.html")
    assert again.read_bytes() == national.read_bytes()
    assert not re.search(r"_[0-9a-f]{32}", national.read_text(encoding="utf-8")), "random folium id left"


def test_points_match_the_events_and_are_rounded(ucdp_joined, national, full):
    data = _payload(national.read_text(encoding="utf-8"))
    assert len(_events(data)) == data["events"]["n"] == len(ucdp_joined) == marker_count(ucdp_joined)
    data = _payload(full.read_text(encoding="utf-8"))
    expected = select(ucdp_joined, period=PERIOD)
    rows = _events(data)
    assert len(rows) == len(expected) == marker_count(ucdp_joined, PERIOD) > 0
    assert sum(row["fatalities"] for row in rows) == int(expected["fatalities"].sum())
    wanted = sorted(zip(expected["event_date"].dt.strftime("%Y-%m-%d"), [round(v, 5) for v in expected["latitude"]],
                        [round(v, 5) for v in expected["longitude"]], expected["fatalities"], strict=True))
    assert sorted((r["date"], r["lat"], r["lon"], r["fatalities"]) for r in rows) == wanted
    assert "2022" in data["title"] and "2023" in data["title"]


def test_events_or_their_joined_frame_give_one_file(out):
    """interactive_map takes pipeline.Events as well as its joined frame: the same bytes."""
    loaded = pipeline.load(UCDP_FILE)
    from_events = interactive_map(loaded, PERIOD, out=out / "from_events.html")
    from_frame = interactive_map(loaded.joined, PERIOD, out=out / "from_frame.html")
    assert from_events.read_bytes() == from_frame.read_bytes()
    assert marker_count(loaded, PERIOD) == len(loaded.selected(PERIOD)) > 0


def test_default_event_types_are_the_reports():
    """One default everywhere: the report's types (as the CLI and the annex), None for every type."""
    events = _synthetic()
    report = [t for t in events["event_type"] if t in ("Battles", "Violence against civilians",
                                                        "Explosions/Remote violence")]
    assert marker_count(events) == len(report) == 3
    assert marker_count(events, event_types=None) == len(events) == 4


def test_choropleth_counts_and_topology(ucdp_joined, full):
    data = _payload(full.read_text(encoding="utf-8"))
    regions = next(p for p in data["polygons"] if p["layer"] == "region")
    features = regions["geojson"]["features"]
    assert len(features) == 8
    joined = select(ucdp_joined, period=PERIOD)
    by_name = joined.groupby("region").size()
    for feature in features:
        shown = int(feature["properties"]["v"][0][1].replace("\u202f", ""))
        assert shown == by_name.get(feature["properties"]["n"], 0)
    # the busiest region is in the darkest class, quiet ones in the zero class
    top = max(features, key=lambda f: by_name.get(f["properties"]["n"], 0))
    assert top["properties"]["c"] == len(regions["colors"]) - 1
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    assert shapely.coverage_is_valid(geoms), "simplified regions overlap (slivers)"
    from geo_coi.boundaries import load

    original = load("region").geometry.union_all().area
    simplified = shapely.union_all(geoms).area
    assert abs(simplified - original) / original < 0.005  # the outline survives simplification


def test_notes_and_sources_are_left_out_by_default(out):
    default = interactive_map(_synthetic(), event_types=None, out=out / "default.html").read_text(encoding="utf-8")
    assert "NOTE-MARKER-8c1f" not in default
    assert "SOURCE-MARKER-41d2" not in default
    assert "5 June 2025" in default  # the ACLED access date is always credited
    explicit = interactive_map(_synthetic(), event_types=None, include_notes=True,
                               out=out / "notes.html").read_text(encoding="utf-8")
    assert "NOTE-MARKER-8c1f" in explicit
    assert "SOURCE-MARKER-41d2" not in explicit


def test_payloads_are_escaped_in_the_file(hostile):
    page = hostile.read_text(encoding="utf-8")
    script = page[page.index("geoCoiMap("):]
    for payload in (NOTE, ACTOR, PLACE, GROUP, TITLE):
        assert payload not in page
    assert "</script><script>window.__pwned" not in page
    assert "\\u003c/script\\u003e" in script


def test_clear_errors(ucdp_joined, out):
    with pytest.raises(InputError, match="language"):
        interactive_map(ucdp_joined, language="de", out=out / "x.html")
    with pytest.raises(InputError, match="measure"):
        interactive_map(ucdp_joined, measure="deaths", out=out / "x.html")
    with pytest.raises(InputError, match="geometry"):
        interactive_map(pd.DataFrame(ucdp_joined.drop(columns=["geometry"])), out=out / "x.html")
    with pytest.raises(InputError, match="not joined"):  # the map never joins on its own
        interactive_map(read_events(UCDP_FILE).events, out=out / "x.html")
    with pytest.raises(InputError, match="value"):
        interactive_map(ucdp_joined, displacement=_groups(), out=out / "x.html")
    assert not (out / "x.html").exists()


# --- in the browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_national_map_opens_offline(browser, ucdp_joined, national, out):
    page, (blocked, errors) = _open(browser, national)
    assert browser.requests_blocked[blocked:] == []
    assert browser.console_errors[errors:] == []
    assert page.evaluate("geoCoi.incidents.count") == len(ucdp_joined)
    assert page.evaluate("geoCoi.expected") == len(ucdp_joined)
    # the national view shows every event once, most of them in clusters
    assert page.evaluate("geoCoi.incidents.shown()") == len(ucdp_joined)
    drawn = page.evaluate("geoCoi.incidents.layer.getLayers().length")
    assert 0 < drawn < len(ucdp_joined) / 3
    assert page.locator(".gc-cluster").count() > 0
    assert page.locator(".leaflet-control-scale").count() == 1
    legend = page.locator(".gc-legend").inner_text()
    assert "State-based conflict" in legend
    credits = page.locator(".gc-credits").inner_text()
    assert "UCDP" in credits and "COD-AB" in credits and "Natural Earth" in credits
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=float)
    assert pixels.std() > 20, "screenshot is (nearly) blank"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200
    page.close()


def _center(page, marker_js):
    """Screen position of the centre of the marker ``marker_js`` evaluates to."""
    return page.evaluate(f"""() => {{
        const r = ({marker_js}).getElement().getBoundingClientRect();
        return [r.x + r.width / 2, r.y + r.height / 2];
    }}""")


@pytest.mark.browser
def test_clicks_on_clusters_and_events(browser, ucdp_joined, national):
    page, (blocked, errors) = _open(browser, national)
    data = _payload(national.read_text(encoding="utf-8"))
    # a real click on a cluster zooms in to where it splits
    zoom = page.evaluate("geoCoi.map.getZoom()")
    biggest = "geoCoi.incidents.layer.getLayers().reduce((a, b) => b.options.gcCount > a.options.gcCount ? b : a)"
    page.evaluate("void (window.__zoomed = new Promise(done => geoCoi.map.once('zoomend', () => done())))")
    page.mouse.click(*_center(page, biggest))
    page.evaluate("window.__zoomed")  # the zoom animation has ended: a setView now is not undone by it
    assert page.evaluate("geoCoi.map.getZoom()") > zoom
    # a lone event: drawn with its type's shape and colour (style.py); a real click opens its card
    # around Niamey at zoom 10 (at 13 its UCDP events share places: clusters only, no lone event)
    page.evaluate("void geoCoi.map.setView([13.51, 2.11], 10, {animate: false})")
    lone = "geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined)"
    row = _events(data)[page.evaluate(f"({lone}).options.gcRow")]
    kind = data["types"][row["type"]]
    classes = page.evaluate(f"({lone}).getElement().className")
    assert f"gc-shape-{kind['shape']}" in classes and f"gc-type-{kind['index']}" in classes
    color = page.evaluate(f"getComputedStyle(({lone}).getElement()).backgroundColor")
    assert color == "rgb({}, {}, {})".format(*(int(kind["color"][i:i + 2], 16) for i in (1, 3, 5)))
    page.mouse.click(*_center(page, lone))
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "Date" in text and "Reported fatalities" in text and row["date"] in text
    assert browser.console_errors[errors:] == [] and browser.requests_blocked[blocked:] == []
    page.close()


@pytest.mark.browser
def test_cluster_index_counts_every_event_once_at_every_zoom(browser, ucdp_joined, national):
    """map.js's gridIndex: at each zoom the clusters and lone events hold every event exactly once, each
    cluster's centre lies among its events, and a cluster splits at its expansion zoom."""
    page, (blocked, errors) = _open(browser, national)
    rows = _events(_payload(national.read_text(encoding="utf-8")))
    report = page.evaluate("""() => {
        const idx = geoCoi.incidents.index, map = geoCoi.map, out = [];
        for (let z = map.getMinZoom(); z <= map.getMaxZoom(); z++) {
            const items = idx.getClusters([-180, -85, 180, 85], z), seen = [];
            let badCentre = 0, notSplit = 0;
            for (const it of items) {
                if (!it.properties.cluster) { seen.push(it.properties.i); continue; }
                const leaves = idx.getLeaves(it.properties.cluster_id, Infinity).map(l => l.properties.i);
                if (leaves.length !== it.properties.point_count) { badCentre += 1000; }
                seen.push(...leaves);
                const lons = leaves.map(i => geoCoi.lon(i)), lats = leaves.map(i => geoCoi.lat(i));
                const [x, y] = it.geometry.coordinates, eps = 1e-9;
                if (x < Math.min(...lons) - eps || x > Math.max(...lons) + eps ||
                    y < Math.min(...lats) - eps || y > Math.max(...lats) + eps) { badCentre++; }
                const at = idx.getClusterExpansionZoom(it.properties.cluster_id);
                if (at <= map.getMaxZoom()) {
                    const inView = new Set(idx.getClusters([-180, -85, 180, 85], at).flatMap(c => c.properties.cluster
                        ? idx.getLeaves(c.properties.cluster_id, Infinity).filter(l => leaves.includes(l.properties.i))
                              .slice(0, 1).map(() => c.properties.cluster_id)
                        : (leaves.includes(c.properties.i) ? ["e" + c.properties.i] : [])));
                    if (inView.size < 2) { notSplit++; }
                }
            }
            out.push({zoom: z, count: items.length, seen: seen.sort((a, b) => a - b), badCentre, notSplit});
        }
        return out;
    }""")
    everyone = list(range(len(rows)))
    for level in report:
        assert level["seen"] == everyone, f"zoom {level['zoom']}: events lost or counted twice"
        assert level["badCentre"] == 0 and level["notSplit"] == 0, level
    counts = [level["count"] for level in report]
    assert counts == sorted(counts) and counts[0] < counts[-1], "zooming in must split clusters"
    assert browser.console_errors[errors:] == [] and browser.requests_blocked[blocked:] == []
    page.close()


@pytest.mark.browser
def test_events_at_one_place_are_listed(browser, out):
    """Events sharing their coordinates stay one cluster at the last zoom: a click lists them all."""
    events = _synthetic()
    events = _moved(events, 1, events.iloc[0]["longitude"], events.iloc[0]["latitude"])
    path = interactive_map(events, event_types=None, out=out / "same_place.html")
    page, (blocked, errors) = _open(browser, path)
    assert page.evaluate("geoCoi.incidents.shown()") == len(events)
    page.evaluate(f"void geoCoi.map.setView([{events.iloc[0]['latitude']}, {events.iloc[0]['longitude']}], "
                  "geoCoi.map.getMaxZoom(), {animate: false})")
    cluster = "geoCoi.incidents.layer.getLayers().find(m => m.options.gcCluster !== undefined)"
    assert page.evaluate(f"({cluster}).options.gcCount") == 2
    page.mouse.click(*_center(page, cluster))
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert page.locator(".leaflet-popup-content .gc-popup").count() == 2
    assert "2024-10-01" in popup.inner_text() and "2024-11-15" in popup.inner_text()
    assert browser.console_errors[errors:] == [] and browser.requests_blocked[blocked:] == []
    page.close()


@pytest.mark.browser
def test_full_map_layers(browser, ucdp_joined, full):
    page, (blocked, errors) = _open(browser, full)
    assert page.evaluate("geoCoi.incidents.count") == len(select(ucdp_joined, period=PERIOD))
    assert page.evaluate("geoCoi.incidents.shown()") == len(select(ucdp_joined, period=PERIOD))
    names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert len(names) == 7, names  # incidents, regions, departments, Niamey, density, IDPs, armed groups
    page.evaluate("""() => document.querySelectorAll('.leaflet-control-layers-overlays input')
                      .forEach(input => { if (!input.checked) input.click(); })""")
    # drawn on a canvas from the PNG bytes: no data: URI, which a host's CSP may refuse
    assert page.locator("canvas.leaflet-image-layer").count() == 1
    page.wait_for_function("document.querySelector('canvas.leaflet-image-layer').width > 0", timeout=10_000)
    assert page.evaluate("""() => {
        const c = document.querySelector('canvas.leaflet-image-layer');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) painted++; }
        return painted;
    }""") > 100
    assert "data:image/png" not in full.read_text(encoding="utf-8")  # (leaflet.js keeps a blank GIF for tiles)
    assert page.evaluate("document.querySelectorAll('.leaflet-gcSymbols-pane path').length") > 0
    assert "Densité" in page.locator(".gc-legend").inner_text()
    assert browser.requests_blocked[blocked:] == []
    assert browser.console_errors[errors:] == []
    page.close()


@pytest.mark.browser
def test_nothing_injected_runs(browser, hostile):
    page, (blocked, errors) = _open(browser, hostile)
    texts = []
    for i, row in enumerate(_events(_payload(hostile.read_text(encoding="utf-8")))):
        # "void": setView returns the Leaflet map, and serialising that object graph back to Python took
        # 3-6 s a call (the test ran 26 s one time, 51 s the next, with the machine's load); that delay
        # also hid the waits below (a zoom animation running, a popup fading out)
        page.evaluate(f"void geoCoi.map.setView([{row['lat']}, {row['lon']}], 14, {{animate: false}})")
        page.mouse.click(*_center(page, f"geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow === {i})"))
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        texts.append(popup.text_content())
        page.evaluate("void geoCoi.map.closePopup()")
        page.wait_for_function("!document.querySelector('.leaflet-popup')", timeout=10_000)  # faded out (200 ms)
    assert len(texts) == 4
    joined = "\n".join(texts)
    assert NOTE in joined  # shown literally, quotes and template braces included
    assert ACTOR in joined and PLACE.strip() in joined
    assert page.locator(".gc-legend").text_content().count(GROUP) == 1
    assert page.evaluate("document.title") == TITLE
    assert page.locator(".gc-title").inner_text() == TITLE
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('.leaflet-container img:not(.leaflet-image-layer), "
                         ".leaflet-container svg[onload], .gc-popup b').length") == 0
    assert browser.requests_blocked[blocked:] == []
    assert browser.console_errors[errors:] == []
    page.close()


def test_tiles_only_when_asked(national, out):
    assert not [layer for layer in _payload(national.read_text(encoding="utf-8"))["layers"] if "tiles" in layer]
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = interactive_map(_synthetic(), event_types=None, tiles=template, tiles_attribution="© Example <contributors>",
                           out=out / "tiles.html").read_text(encoding="utf-8")
    [tiles] = [layer for layer in _payload(page)["layers"] if "tiles" in layer]
    assert tiles["tiles"] == template and tiles["base"] and not tiles["show"]
    assert "<contributors>" not in page  # Leaflet reads attributions as HTML: escaped
    assert tiles["attribution"] == "© Example &lt;contributors&gt;"


@pytest.mark.browser
def test_period_without_events(browser, out):
    path = interactive_map(_synthetic(), ("2030-01-01", "2030-12-31"), event_types=None, out=out / "empty.html")
    data = _payload(path.read_text(encoding="utf-8"))
    assert _events(data) == [] and data["events"]["n"] == 0 and "2030" in data["title"]
    page, (blocked, errors) = _open(browser, path)
    assert page.evaluate("geoCoi.incidents.count") == 0 and page.evaluate("geoCoi.incidents.shown()") == 0
    assert browser.requests_blocked[blocked:] == [] and browser.console_errors[errors:] == []
    page.close()


@pytest.mark.browser
def test_dutch_popup_values_fit_and_clusters_are_neutral(browser, out):
    """Long Dutch labels wrap: every value stays inside the popup; clusters use no event-type colour."""
    from geo_coi import style

    events = _synthetic(notes="")
    events.loc[events.index[0], "actor1"] = "JNIM: Jama'at Nasr al-Islam wal Muslimin and Military Forces of Niger"
    events = _moved(events, 1, 2.12, 13.52)  # two events near Niamey: a cluster
    path = interactive_map(events, event_types=None, language="nl", out=out / "popup_nl.html")
    page, (blocked, errors) = _open(browser, path)
    page.evaluate("void geoCoi.map.setView([13.51, 2.11], 5, {animate: false})")
    cluster = "geoCoi.incidents.layer.getLayers().find(m => m.options.gcCluster !== undefined)"
    colours = page.evaluate(f"""() => {{ const e = ({cluster}).getElement();
        return [getComputedStyle(e).backgroundColor, getComputedStyle(e.firstChild).backgroundColor]; }}""")
    for colour in colours:
        channels = [int(v) for v in re.findall(r"\d+", colour)[:3]]
        assert max(channels) - min(channels) < 16, colour  # a grey
    for hex_colour in style.EVENT_COLORS.values():
        assert "rgb({}, {}, {})".format(*(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))) not in colours
    page.evaluate("void geoCoi.map.setView([13.5137, 2.1098], 16, {animate: false})")
    page.mouse.click(*_center(page, "geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow === 0)"))
    page.locator(".leaflet-popup-content").wait_for(timeout=10_000)
    overflow = page.evaluate("""() => {
        const box = document.querySelector('.leaflet-popup-content').getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-popup-content .gc-popup td')].filter(td => {
            const r = td.getBoundingClientRect();
            return r.right > box.right + 1 || td.scrollWidth > td.clientWidth + 1 || r.width < 100;
        }).map(td => td.textContent); }""")
    assert overflow == []
    assert page.locator(".leaflet-popup-content .gc-popup td").first.inner_text() == "2024-10-01"  # one line
    assert browser.requests_blocked[blocked:] == [] and browser.console_errors[errors:] == []
    page.close()


@pytest.mark.browser
def test_unknown_fatalities_show_a_dash_not_zero(browser, out):
    """Events from a file without fatalities: the popup says "–" (unknown), never 0."""
    events = _synthetic(notes="")
    events["fatalities"] = pd.array([pd.NA, 0, 12, pd.NA], dtype="Int64")
    path = interactive_map(events, event_types=None, out=out / "unknown_fatalities.html")
    assert [row["fatalities"] for row in _events(_payload(path.read_text(encoding="utf-8")))] == [None, 0, 12, None]
    page, (blocked, errors) = _open(browser, path)
    page.evaluate("void geoCoi.map.setView([13.5137, 2.1098], 16, {animate: false})")
    page.mouse.click(*_center(page, "geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow === 0)"))
    page.locator(".leaflet-popup-content").wait_for(timeout=10_000)
    cells = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.leaflet-popup-content tr')]
                              .map(tr => [tr.cells[0].textContent, tr.cells[1].textContent]))""")
    assert cells["Reported fatalities"] == "\u2013"
    assert browser.requests_blocked[blocked:] == [] and browser.console_errors[errors:] == []
    page.close()
