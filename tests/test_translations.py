"""Every string of the outputs in the output's language, French typography.

Two checks: every label key the package asks for has en/fr/nl values in
translations.csv, and maps, tables and the HTML map rendered in nl and fr
carry none of the known English-only strings.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from geo_coi import style
from geo_coi.maps import annex_maps, armed_groups_map, hexbin_map
from geo_coi.periods import Period

PACKAGE = Path(style.__file__).resolve().parent
DEMO = PACKAGE / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
PERIOD = Period.coerce(("2024-09-01", "2025-05-30"))
# English that reached nl/fr outputs before (issue 10), matched case-sensitively.
ENGLISH_ONLY = ("(public domain)", "Map:", ", after ", "Kaart 2-3", "events per km", "Armed bandits", "Armed clash",
                "Remote explosive", "hexagons", "Boundaries:", "Basemap:", "projections as quoted", "sub_event_type",
                "fatalities_per_100k", "previous_incidents", "pct_change")
ALLOWED = {"nl": ("Kaart 2-3",)}  # the report's own (Dutch) figure names


def _rows():
    with (PACKAGE / "data" / "translations.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _english_in(text, language):
    return [s for s in ENGLISH_ONLY if s in text and s not in ALLOWED.get(language, ())]


def test_every_row_has_all_three_languages_and_unique_keys():
    rows = _rows()
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys))
    assert [row["key"] for row in rows if not all(row[lang].strip() for lang in style.LANGUAGES)] == []


def test_every_label_key_used_in_the_package_is_translated():
    keys = {row["key"] for row in _rows()}
    used = set()
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:label|_?title)\(\s*(?:run,\s*)?["']([^"'{}]+)["']\s*[,)]""", source))
    used -= set(style.LANGUAGES)  # Period.label("en") takes a language, not a key
    assert len(used) > 40  # the scan finds the calls
    assert sorted(used - keys) == []
    # keys built at run time
    built = {f"by_{level}" for level in ("region", "department")} | {f"month_short_{m:02d}" for m in range(1, 13)}
    built |= {f"table:{name}" for name in __import__("geo_coi.steps.tables").steps.tables.TABLES}
    assert sorted(built - keys) == []


def test_every_acled_type_and_sub_type_of_the_demo_is_translated():
    import pandas as pd

    demo = pd.read_csv(DEMO, usecols=["event_type", "sub_event_type"])
    keys = {row["key"] for row in _rows()}
    assert sorted((set(demo["event_type"]) | set(demo["sub_event_type"])) - keys) == []


def test_french_typography():
    assert style.label("chart_type_share", "fr") == "Niger\u202f: nature de la violence"
    assert style.localized_credit("Basemap: Natural Earth (public domain)", "fr") == \
        "Fond de carte\u202f: Natural Earth (domaine public)"
    assert style.typography("https://acleddata.com 12:30 ?", "fr") == "https://acleddata.com 12:30\u202f?"
    assert style.typography("Niger : x", "nl") == "Niger : x"
    assert style.label("hexagons_of", "fr").format(size="25") == "hexagones de 25 km"


def test_gallery_text_follows_the_language():
    from geo_coi.gallery import render_gallery

    captions = {"maps/annex1_fr": "Annexe 1: Incidents au Niger", "data/x": style.label("caption_geopackage", "fr")}
    page = render_gallery(["maps/annex1_fr.png", "data/x.gpkg"], "Titre", "Niger · ACLED", captions,
                          credits=[style.localized_credit("Basemap: Natural Earth (public domain)", "fr")],
                          language="fr")
    assert "Annexe 1\u202f: Incidents" in page and "GeoPackage pour QGIS\u202f: " in page
    assert "avec styles\u202f: <a" in page  # the colon before the file links too
    assert "<h2>Cartes</h2>" in page and "<h2>Données</h2>" in page
    assert _english_in(page, "fr") == []


@pytest.fixture(scope="module")
def events(demo_joined):
    return demo_joined


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_maps_carry_no_english(events, language, tmp_path):
    from geo_coi.armed_groups import areas_of_operation
    lines = ("Map: geo_coi, after CGRS-Cedoca COI Focus Niger (2025)",)
    annex_maps.annex1(events, PERIOD, language=language, out=tmp_path / "annex1", credits=lines, dpi=30)
    armed_groups_map.armed_groups_map(areas_of_operation(), language=language, out=tmp_path / "groups", dpi=30)
    hexbin_map.hexbin_map(events, period=PERIOD, language=language, out=tmp_path / "hexbin", dpi=30)
    for stem in ("annex1", "groups", "hexbin"):
        text = subprocess.run(["pdftotext", str(tmp_path / f"{stem}.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert style.label("Basemap", language) in text or stem == "hexbin" or "Natural Earth" in text
        assert _english_in(text, language) == [], stem
        svg = (tmp_path / f"{stem}.svg").read_text(encoding="utf-8")
        assert _english_in(svg, language) == [], stem
    # the config's credit line, translated (pdftotext turns U+202F into a space: read the SVG's text)
    expected = {"fr": "Carte\u202f: geo_coi, d'après CGRS", "nl": "Kaart: geo_coi, naar CGRS"}[language]
    assert expected in (tmp_path / "annex1.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_tables_have_translated_headers_and_types(events, language, tmp_path):
    from geo_coi import stats

    table = stats.summarize(events, PERIOD, by="sub_event_type", compare=True)
    csv_path, md_path = stats.write_table(table, tmp_path / "t", language=language)
    markdown = md_path.read_text(encoding="utf-8")
    assert _english_in(markdown.split("\n\n")[0] if markdown.startswith("**") else markdown.rsplit("\n\n", 1)[0],
                       language) == []
    assert style.label("Armed clash", language) in markdown
    assert style.label("pct_change_incidents", language) in markdown
    change = table["pct_change_incidents"].dropna().iloc[0]
    assert f"{change:+.1f}".replace(".", ",") in markdown  # Dutch and French decimal comma, sign kept
    assert csv_path.read_text(encoding="utf-8").startswith("event_type,sub_event_type,")  # scripts' keys stay


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_html_map_carries_no_english(events, language, tmp_path):
    from geo_coi.armed_groups import areas_of_operation
    from geo_coi.density import kde, write_geotiff
    from geo_coi.maps.html import interactive_map

    chosen = events[(events["event_date"] >= "2025-01-01")]
    tif = tmp_path / "d.tif"
    write_geotiff(kde(chosen), tif)
    path = interactive_map(chosen, language=language, armed_groups=areas_of_operation(), density=tif,
                           out=tmp_path / "m.html")
    page = Path(path).read_text(encoding="utf-8")
    data = page[page.index("\ngeoCoiMap({"):]  # our strings; the vendored Leaflet code comes before
    data = re.sub(r'"[a-z_]+":', "", data)  # JSON keys are not shown
    assert _english_in(data, language) == []
    assert style.label("events_per_km2", language) in data.encode().decode("unicode_escape", "ignore") or \
        style.label("events_per_km2", language) in data
