"""The HTML map embedded in other pages (issue 16): sizes, scrolling, CSP, keyboard, languages.

Every test opens the page in Debian's headless Chromium (tests/browser.py):
controls are measured by their bounding boxes, CSPs are sent as the HTTP
header of pages answered from disk, keys and wheels are real input events.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from geo_coi import style
from geo_coi.events import select
from geo_coi.join import join_admin
from geo_coi.maps.html import interactive_map

pytestmark = pytest.mark.browser

UCDP_FILE = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
PERIOD = ("2022-01-01", "2023-12-31")
SIZES = ((1280, 900), (1024, 768), (800, 500), (640, 480), (375, 667))
STRICT = "default-src 'self'"
INLINE_CSP = "default-src 'self' 'unsafe-inline'"

# every visible control of the map: its class, its box, and the share of the map they cover together
MEASURE = """() => {
  const map = document.querySelector('.gc-map').getBoundingClientRect();
  const controls = [...document.querySelectorAll('.gc-map .leaflet-control')]
    .filter(c => c.offsetWidth > 0 && getComputedStyle(c).display !== 'none')
    .map(c => ({name: c.className, r: c.getBoundingClientRect()}));
  const overlaps = [];
  for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
    const a = controls[i].r, b = controls[j].r;
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      overlaps.push([controls[i].name, controls[j].name]);
  }
  let covered = 0, total = 0;
  for (let x = map.left + 1; x < map.right; x += 2) for (let y = map.top + 1; y < map.bottom; y += 2) {
    total++;
    if (controls.some(c => x >= c.r.left && x < c.r.right && y >= c.r.top && y < c.r.bottom)) covered++;
  }
  const inside = controls.every(c => c.r.left >= map.left - 0.5 && c.r.right <= map.right + 0.5
                                      && c.r.top >= map.top - 0.5 && c.r.bottom <= map.bottom + 0.5);
  return {overlaps, share: covered / total, inside, count: controls.length};
}"""
# a label is visible when the point at its centre belongs to it (not hidden under another control)
LABEL_VISIBLE = """(label) => {
  label.scrollIntoView({block: 'nearest'});
  const r = label.getBoundingClientRect(), map = document.querySelector('.gc-map').getBoundingClientRect();
  if (r.width === 0 || r.top < map.top || r.bottom > map.bottom) return false;
  const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 40), r.top + r.height / 2);
  return label.contains(hit);
}"""


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("embed")


@pytest.fixture(scope="module")
def density_tif(ucdp_joined, out):
    from geo_coi import density

    return density.write_geotiff(density.kde(select(ucdp_joined, period=PERIOD)), out / "density.tif")


@pytest.fixture(scope="module")
def full(ucdp_joined, out, density_tif):
    """Every optional layer, French (the longest labels after Dutch)."""
    return interactive_map(ucdp_joined, PERIOD, language="fr", density=density_tif, displacement=True,
                           armed_groups=True, out=out / "full.html")


@pytest.fixture(scope="module")
def external(ucdp_joined, out, density_tif):
    folder = out / "external"
    folder.mkdir()
    return interactive_map(ucdp_joined, PERIOD, language="nl", density=density_tif, displacement=True,
                           armed_groups=True, assets="external", out=folder / "kaart.html")


@pytest.fixture(scope="module")
def trilingual(ucdp_joined, out):
    return interactive_map(ucdp_joined, PERIOD, language="nl", languages=["fr", "en"], armed_groups=True,
                           out=out / "nl_fr_en.html")


def _loaded(page):
    page.wait_for_function("window.geoCoi && window.geoCoi.loaded === true", timeout=60_000)
    return page


def _all_layers_on(page):
    """Tick every overlay in the switcher as a user would: open it (when folded), click, close it."""
    folded = not page.evaluate("geoCoi.switcherOpen")
    if folded:
        _open_switcher(page)
    for box in page.locator(".leaflet-control-layers-overlays input").all():
        if not box.is_checked():
            box.click()
    if folded:
        page.mouse.click(5, page.viewport_size["height"] - 5)  # outside the switcher: it folds again
        page.mouse.move(page.viewport_size["width"] / 2, page.viewport_size["height"] / 2)
    page.wait_for_timeout(300)


def _open_switcher(page):
    """Open the folded layer switcher from the keyboard (Enter on its button; a mouse opens it on hover)."""
    page.locator(".leaflet-control-layers-toggle").focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-control-layers-list").wait_for(state="visible", timeout=5_000)
    page.locator(".leaflet-control-layers-list").hover()  # (Leaflet ignores a click in the same tick as mouseenter)
    page.wait_for_timeout(50)


# --- layout at embed sizes -----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("layers", ["default", "all"])
def test_controls_never_overlap(browser, full, size, layers):
    page = _loaded(browser.open(full, viewport=size))
    if layers == "all":
        _all_layers_on(page)
        assert page.evaluate("Object.values(geoCoi.groups).filter(g => geoCoi.map.hasLayer(g)).length") == 8
    measured = page.evaluate(MEASURE)
    assert measured["count"] >= 5  # zoom, switcher, scale, legend, attribution
    assert measured["overlaps"] == []
    assert measured["inside"]
    assert measured["share"] <= 0.35, measured
    if size == (800, 500):
        assert measured["share"] <= 0.25, measured
    # the title is in the header, above the map, never over it
    title, mapbox = page.locator(".gc-title").bounding_box(), page.locator(".gc-map").bounding_box()
    assert title["y"] + title["height"] <= mapbox["y"] + 0.5
    # every switcher label is visible, or reachable by opening the folded switcher
    if not page.evaluate("geoCoi.switcherOpen"):
        assert page.locator(".leaflet-control-layers-list").is_hidden()
        _open_switcher(page)
    labels = page.locator(".leaflet-control-layers-list label")
    assert labels.count() == 8  # basemap + 7 overlays
    hidden = [labels.nth(i).inner_text() for i in range(labels.count())
              if not labels.nth(i).evaluate(LABEL_VISIBLE)]
    assert hidden == []
    page.close()


def test_legend_shows_the_visible_layers_and_folds(browser, full):
    page = _loaded(browser.open(full, viewport=(1024, 768)))
    legend = page.locator(".gc-legend")
    titles = legend.locator("h4:visible").all_inner_texts()
    by_region = style.typography(f"{style.label('region', 'fr')}: incidents", "fr")
    assert titles == [style.label("event_type", "fr"), by_region]
    page.locator(".leaflet-control-layers-overlays label", has_text=style.label("areas_title", "fr")).click()
    assert style.label("areas_title", "fr") in legend.locator("h4:visible").all_inner_texts()
    toggle = legend.locator(".gc-legend-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and legend.locator(".gc-legend-body").is_hidden()
    toggle.press("Enter")  # a button: the keyboard opens it again
    assert legend.locator(".gc-legend-body").is_visible()
    page.close()
    small = _loaded(browser.open(full, viewport=(375, 667)))
    assert small.locator(".gc-legend-body").is_hidden()  # a phone starts with the map, the legend a tap away
    small.locator(".gc-legend-toggle").click()
    assert small.locator(".gc-legend-body").is_visible()
    assert small.evaluate(MEASURE)["overlaps"] == []
    small.close()


def test_viewport_allows_pinch_zoom_and_page_has_its_language(full):
    page = full.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', page).group(1)
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport


# --- scrolling over an embedded map ---------------------------------------------------------------


def _host(out, src, style_attr=""):
    host = out / f"host_{abs(hash((src, style_attr)))}.html"
    filler = "<p>" + "text of the report page " * 200 + "</p>"
    host.write_text(f'<!DOCTYPE html><html><body>{filler}<iframe src="{src}" {style_attr}></iframe>{filler}'
                    "</body></html>", encoding="utf-8")
    return host


def test_wheel_scrolls_the_page_until_the_map_is_clicked(browser, full, out):
    page = browser.open(_host(out, full.name, 'style="width:700px;height:450px"'), viewport=(1000, 700))
    page.evaluate("document.querySelector('iframe').scrollIntoView({block: 'center'})")
    frame = page.frame_locator("iframe")
    inner = page.frames[1]
    inner.wait_for_function("window.geoCoi && window.geoCoi.loaded === true", timeout=60_000)
    box = page.locator("iframe").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom, scrolled = inner.evaluate("geoCoi.map.getZoom()"), page.evaluate("window.scrollY")
    page.mouse.move(*centre)
    page.mouse.wheel(0, -100)
    page.wait_for_timeout(400)
    assert inner.evaluate("geoCoi.map.getZoom()") == zoom
    assert page.evaluate("window.scrollY") < scrolled  # the report page scrolled instead
    hint = frame.locator(".gc-wheel-hint")
    assert hint.inner_text() == style.label("html_ctrl_scroll", "fr")
    assert float(hint.evaluate("e => getComputedStyle(e).opacity")) > 0.5
    box = page.locator("iframe").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -120)
    page.keyboard.up("Control")
    page.wait_for_timeout(500)
    assert inner.evaluate("geoCoi.map.getZoom()") == zoom + 1
    page.mouse.click(*centre)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(600)
    assert inner.evaluate("geoCoi.map.getZoom()") > zoom + 1
    page.close()


def test_full_window_map_zooms_with_the_wheel(browser, full):
    page = _loaded(browser.open(full, viewport=(1000, 700)))
    zoom = page.evaluate("geoCoi.map.getZoom()")
    page.mouse.move(500, 350)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(600)
    assert page.evaluate("geoCoi.map.getZoom()") > zoom
    page.close()


def test_iframe_without_a_size_still_gets_a_usable_map(browser, full, out):
    page = browser.open(_host(out, full.name), viewport=(1000, 700))
    inner = page.frames[1]
    inner.wait_for_function("window.geoCoi && window.geoCoi.loaded === true", timeout=60_000)
    height = inner.evaluate("document.querySelector('.gc-map').getBoundingClientRect().height")
    assert height >= 300  # an iframe of no size is 150 px tall: the page keeps its own minimum
    assert inner.evaluate("geoCoi.incidents.shown()") > 0
    page.close()


# --- Content-Security-Policy ---------------------------------------------------------------------


def _painted_density(page):
    page.wait_for_function("document.querySelector('.leaflet-image-layer') && "
                           "(document.querySelector('.leaflet-image-layer').naturalWidth || "
                           "document.querySelector('.leaflet-image-layer').width) > 0", timeout=10_000)
    return page.evaluate("""() => {
        const layer = document.querySelector('.leaflet-image-layer');
        const canvas = document.createElement('canvas');
        canvas.width = layer.naturalWidth || layer.width; canvas.height = layer.naturalHeight || layer.height;
        canvas.getContext('2d').drawImage(layer, 0, 0);
        const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) painted++; }
        return painted;
    }""")


def _works(page):
    _loaded(page)
    assert page.evaluate("window.__csp") == []
    assert page.evaluate("geoCoi.incidents.shown()") == page.evaluate("geoCoi.expected") > 0
    assert page.locator(".gc-cluster").count() > 0
    # the type colours and the layers icon come through the DOM, not inline style markup
    assert page.evaluate("getComputedStyle(document.querySelector('.gc-legend .gc-marker')).backgroundColor") \
        != "rgba(0, 0, 0, 0)"
    assert page.locator(".leaflet-control-layers-toggle svg").count() == 1
    _open_switcher(page)
    page.locator(".leaflet-control-layers-overlays label", has_text=page.evaluate(
        "geoCoi.data.layers.find(l => l.key === 'density').name")).click()
    assert _painted_density(page) > 100


def test_inline_page_runs_under_unsafe_inline_csp(browser, full):
    page = browser.open_served(full, csp=INLINE_CSP, viewport=(800, 500))
    _works(page)
    assert page.evaluate("window.__csp") == []
    page.close()


def test_inline_page_is_refused_by_a_strict_csp(browser, full):
    """The control: a strict CSP does block the inline page (so the test above could fail)."""
    page = browser.open_served(full, csp=STRICT, viewport=(800, 500))
    page.wait_for_timeout(1500)
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    assert page.evaluate("typeof window.geoCoi") == "undefined"
    page.close()


def test_external_assets_run_under_strict_csp(browser, external):
    folder = external.parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["geo_coi_map.css", "geo_coi_map.js", "kaart.data.js", "kaart.density.png", "kaart.html",
                     "leaflet.css", "leaflet.js"]
    page_text = external.read_text(encoding="utf-8")
    assert "<style" not in page_text and not re.search(r"<script>", page_text) and " style=" not in page_text
    assert len(re.findall(r'integrity="sha384-[A-Za-z0-9+/=]{64}"', page_text)) == 5  # 2 styles, 3 scripts
    page = browser.open_served(external, csp=STRICT, viewport=(800, 500))
    _works(page)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.evaluate("window.__csp") == []
    page.close()


def test_tampered_asset_is_refused(browser, external, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(external.parent, copy)
    script = copy / "geo_coi_map.js"
    script.write_text(script.read_text(encoding="utf-8") + "\nwindow.__tampered = 1;\n", encoding="utf-8")
    page = browser.open_served(copy / external.name, csp=STRICT, viewport=(800, 500))
    page.wait_for_timeout(1500)
    assert page.evaluate("typeof window.__tampered") == "undefined"
    assert page.evaluate("typeof window.geoCoi") == "undefined"
    page.close()


# --- keyboard and text direction ---------------------------------------------------------------


def test_markers_and_clusters_work_with_the_keyboard(browser, full):
    page = _loaded(browser.open(full, viewport=(1024, 768)))
    page.locator(".gc-map").focus()
    seen = set()
    for _ in range(60):  # Tab through the controls to the first marker
        page.keyboard.press("Tab")
        kind = page.evaluate("document.activeElement.classList.contains('gc-cluster') ? 'cluster' : "
                             "document.activeElement.classList.contains('gc-marker') ? 'marker' : ''")
        if kind:
            seen.add(kind)
            break
    assert seen, "Tab never reached a marker or cluster"
    if "cluster" in seen:
        zoom = page.evaluate("geoCoi.map.getZoom()")
        assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
        assert re.search(r"\d+ incidents", page.evaluate("document.activeElement.title"))
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)
        assert page.evaluate("geoCoi.map.getZoom()") > zoom
    # a lone event: focus it, Enter opens its popup
    page.evaluate("""() => {
        const lone = geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined);
        geoCoi.map.setView(lone.getLatLng(), 14, {animate: false});
    }""")
    page.wait_for_timeout(300)
    page.evaluate("geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined).getElement().focus()")
    assert page.evaluate("document.activeElement.classList.contains('gc-marker')")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert style.label("date", "fr") in popup.inner_text()
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Fermer"
    page.close()


def test_zoom_buttons_and_switcher_are_translated(browser, full):
    page = _loaded(browser.open(full, viewport=(800, 500)))
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom avant"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "Zoom arrière"
    assert page.locator(".leaflet-control-layers-toggle").get_attribute("aria-label") == "Couches"
    assert page.locator(".gc-legend-toggle").inner_text().startswith("Légende")
    page.close()


def test_lone_marker_is_drawn_above_clusters(browser, full):
    page = _loaded(browser.open(full, viewport=(1024, 768)))
    z = page.evaluate("""() => {
        const z = m => Number(m.getElement().style.zIndex);
        const all = geoCoi.incidents.layer.getLayers();
        return [Math.min(...all.filter(m => m.options.gcRow !== undefined).map(z)),
                Math.max(...all.filter(m => m.options.gcCluster !== undefined).map(z))];
    }""")
    assert z[0] > z[1]
    # the cluster badge: white digits on dark grey, ringed in white against the darkest class
    colours = page.evaluate("""() => {
        const d = getComputedStyle(document.querySelector('.gc-cluster div'));
        return [d.color, d.backgroundColor, d.borderTopColor, d.borderTopWidth];
    }""")
    assert colours[0] == "rgb(255, 255, 255)" and colours[2] == "rgb(255, 255, 255)"
    assert float(colours[3].rstrip("px")) >= 2
    grey = [int(v) for v in re.findall(r"\d+", colours[1])[:3]]
    assert max(grey) <= 0x40  # contrast with white text above 10:1
    page.close()


def test_each_value_is_isolated_in_bdi(browser, out):
    import geopandas as gpd
    import pandas as pd

    from geo_coi.events import CANONICAL_COLUMNS

    frame = pd.DataFrame({"event_id": ["R1", "R2", "R3", "R4"], "event_date": pd.to_datetime(["2024-10-01"] * 4),
                          "event_type": ["Battles"] * 4, "sub_event_type": ["Armed clash"] * 4,
                          "actor1": ["\u202eRTL override", "A", "B", "C"], "actor2": ["Military Forces of Niger"] * 4,
                          "latitude": [13.5, 16.97, 13.32, 14.2], "longitude": [2.1, 7.99, 12.61, 1.45],
                          "fatalities": [3, 0, 1, 2], "location": ["Niamey", "Agadez", "Diffa", "Tera"]})
    for column in CANONICAL_COLUMNS:
        if column not in frame:
            frame[column] = pd.NA
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326)
    path = interactive_map(join_admin(events[[*CANONICAL_COLUMNS]]).events, language="nl", out=out / "rtl.html")
    page = _loaded(browser.open(path, viewport=(1024, 768)))
    page.evaluate("void geoCoi.map.setView([13.5, 2.1], 14, {animate: false})")
    page.wait_for_timeout(300)
    page.evaluate("geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined).getElement().focus()")
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content").wait_for(timeout=5_000)
    cells = page.locator(".gc-popup td")
    assert cells.count() >= 5
    assert all(cells.nth(i).locator("bdi").count() == 1 for i in range(cells.count()))
    # the override stays inside its value: the next row's label keeps its order
    rows = page.locator(".gc-popup tr").all_inner_texts()
    assert any(row.startswith(style.label("fatalities_size", "nl")) for row in rows)
    assert page.locator(".gc-popup td bdi", has_text="RTL override").count() == 1
    assert style.label("Armed clash", "nl") in page.locator(".gc-popup").inner_text()  # sub-event translated
    page.close()


def _payload(path):
    import json

    return json.loads(re.search(r"^geoCoiMap\((\{.*\})\);$", path.read_text(encoding="utf-8"), re.MULTILINE).group(1))


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_decimal_mark_follows_the_language(ucdp_joined, out, density_tif, language):
    path = interactive_map(ucdp_joined, PERIOD, language=language, density=density_tif, measure="fatalities_per_100k",
                           out=out / f"rates_{language}.html")
    data = _payload(path)
    key = style.label("fatalities_per_100k", language)
    rates = [value for spec in data["polygons"] for feature in spec["geojson"]["features"]
             for label, value in feature["properties"]["v"] if label == key]
    assert rates and all(re.fullmatch(r"\d+" + re.escape(style.decimal_mark(language)) + r"\d", r) for r in rates)
    [high] = [section["items"][0]["high"] for section in data["legend"] if section["layer"] == "density"]
    assert ("." in high) == (language == "en") or not re.search(r"[.,]", high)


# --- one file, three languages -------------------------------------------------------------------


VISIBLE_TEXTS = """() => {
  const texts = [];
  const add = (selector, attr) => document.querySelectorAll(selector).forEach(e => {
    if (e.offsetWidth === 0 && !attr) return;
    const t = (attr ? e.getAttribute(attr) : e.innerText).trim();
    if (t) texts.push(t);
  });
  add('.gc-title'); add('.gc-legend-toggle'); add('.gc-legend h4'); add('.gc-legend-row bdi');
  add('.leaflet-control-layers-list label'); add('.gc-credits span');
  add('.leaflet-control-zoom-in', 'title'); add('.leaflet-control-zoom-out', 'title');
  add('.leaflet-control-layers-toggle', 'aria-label'); add('.gc-languages', 'aria-label');
  add('.gc-wheel-hint');
  return texts;
}"""
# texts that are the same in every language: numbers, class ranges, the names of armed groups
SAME_EVERYWHERE = re.compile(r"^[\d\s–,.≥]*$|JNIM|ISSP|ISWAP|Lakurawa|Boko|Mahmuda|Ansaroul|ISGS|Islamic")


def test_language_switcher_changes_every_visible_string(browser, trilingual):
    page = _loaded(browser.open(trilingual, viewport=(1280, 900)))
    switcher = page.locator(".gc-languages button")
    assert switcher.all_inner_texts() == ["NL", "FR", "EN"]
    before = page.evaluate(VISIBLE_TEXTS)
    assert style.label("html_legend", "nl") in before[1]
    seen = {"nl": before}
    for code in ("fr", "en", "nl"):
        page.locator(f'.gc-languages button[lang="{code}"]').click()
        page.wait_for_function(f"document.documentElement.lang === '{code}'")
        seen[code] = page.evaluate(VISIBLE_TEXTS)
        assert page.locator(f'.gc-languages button[lang="{code}"]').get_attribute("aria-pressed") == "true"
        assert page.evaluate("document.title") == page.locator(".gc-title").inner_text()
    assert seen["nl"] == before  # back to Dutch: the same page again
    for a, b in (("nl", "fr"), ("fr", "en"), ("nl", "en")):
        assert len(seen[a]) == len(seen[b])
        unchanged = [x for x, y in zip(seen[a], seen[b], strict=True) if x == y and not SAME_EVERYWHERE.search(x)]
        # a few words are spelled alike in two languages (fr/en "Incidents"): they must be so in translations.csv
        allowed = {row for key in ("incidents", "Battles") for row in (style.label(key, a),)
                   if style.label(key, a) == style.label(key, b)}
        assert [x for x in unchanged if not any(word in x for word in allowed)] == [], (a, b)
    assert style.label("html_zoom_in", "en") in seen["en"] and style.label("html_zoom_in", "fr") in seen["fr"]
    # the view and the layers stay as they were, and popups follow the language
    page.locator(".gc-languages button[lang='fr']").click()
    page.evaluate("""() => {
        const lone = geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined)
                  || geoCoi.incidents.layer.getLayers()[0];
        geoCoi.map.setView(lone.getLatLng(), 16, {animate: false});
    }""")
    page.wait_for_timeout(300)
    page.evaluate("geoCoi.incidents.layer.getLayers().find(m => m.options.gcRow !== undefined).getElement().focus()")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert style.label("date", "fr") in text and style.label("fatalities_size", "fr") in text
    zoom = page.evaluate("geoCoi.map.getZoom()")
    page.locator(".gc-languages button[lang='en']").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.evaluate("geoCoi.map.getZoom()") == zoom
    page.close()


def test_one_file_stores_the_events_once(ucdp_joined, trilingual, out):
    single = _payload(interactive_map(ucdp_joined, PERIOD, language="nl", armed_groups=True, out=out / "nl_only.html"))
    data = _payload(trilingual)
    assert data["events"] == single["events"]
    patched = {tuple(path[:4]) for code in ("fr", "en") for path, _ in data["i18n"]["patches"][code]}
    assert ("events", "labels") in {p[:2] for p in patched}
    # the languages differ in labels and the translated sub-event types only: no event codes or coordinates
    columns = {p[2:4] for p in patched if p[:2] == ("events", "columns")}
    assert columns <= {("sub_event_type", "values")}, columns
    assert not [p for p in patched if p[:1] == ("basemap",)]
    assert trilingual.stat().st_size < 1.25 * (out / "nl_only.html").stat().st_size


def test_external_and_trilingual_pages_are_reproducible(ucdp_joined, tmp_path):
    written = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        interactive_map(ucdp_joined, PERIOD, language="en", languages=["nl", "fr"], assets="external",
                        out=folder / "map.html")
        written.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert written[0] == written[1] and len(written[0]) == 6  # page, data, 2 scripts, 2 styles; no density: no PNG


def test_layout_follows_a_resized_window(browser, full):
    page = _loaded(browser.open(full, viewport=(1280, 900)))
    assert page.evaluate("geoCoi.switcherOpen") is True
    page.set_viewport_size({"width": 640, "height": 480})
    page.wait_for_timeout(500)
    assert page.evaluate("geoCoi.switcherOpen") is False
    measured = page.evaluate(MEASURE)
    assert measured["overlaps"] == [] and measured["inside"] and measured["share"] <= 0.35
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)
    assert page.evaluate("geoCoi.switcherOpen") is True
    assert page.locator(".leaflet-control-layers-list label").count() == 8
    page.close()
