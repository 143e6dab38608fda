"""One spelling per place on every map: gazetteer.display_name (COD-AB + the report's spellings)."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from matplotlib.text import Text

from geo_coi import country
from geo_coi.config import load_config
from geo_coi.gazetteer import display_name
from geo_coi.maps import annex_maps
from geo_coi.periods import Period

PERIOD = Period.coerce(("2024-09-01", "2025-05-30"))


def test_display_name_prefers_the_report_then_cod_ab():
    assert display_name("Ayerou") == "Ayorou"  # COD-AB -> the report's spelling
    assert display_name("Ayorou") == "Ayorou"
    assert display_name("Birni Nkonni") == "Birni N'Konni"  # Natural Earth -> COD-AB
    assert display_name("Nguigmi") == "N'Guigmi"
    assert display_name("Tillaberi") == "Tillabéri"
    assert display_name("Somewhere else") == "Somewhere else"


def test_spelling_table_names_its_sources():
    with country.get("NER").file("place_names").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(row["spelling"] and row["display"] and row["source"].strip() for row in rows)


@pytest.fixture(scope="module")
def events():
    from pathlib import Path

    from geo_coi.join import join_admin
    from geo_coi.sources import read_events
    from geo_coi.style import __file__ as style_file

    demo = Path(style_file).parent / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
    return join_admin(read_events(demo).events).events


def _figure_names(fig):
    from geo_coi.maps.layout import unspaced

    return {unspaced(t.get_text()) for t in fig.findobj(Text) if t.get_text().strip()}  # area labels: spaced caps


@pytest.fixture(scope="module")
def html_data(events, tmp_path_factory):
    """The HTML map's own data (after the vendored scripts), with armed-group areas."""
    from geo_coi.maps.html import interactive_map

    page = interactive_map(events, PERIOD, armed_groups=True, out=tmp_path_factory.mktemp("html") / "m.html")
    text = Path(page).read_text(encoding="utf-8")
    return text[text.index("geoCoiMap({"):]


@pytest.fixture(scope="module")
def names(events, html_data, tmp_path_factory):
    """Texts printed on Annex 1, Annex 2 and the HTML map (places and unit names)."""
    out = tmp_path_factory.mktemp("spellings")
    maps = {"annex1": _figure_names(annex_maps.annex1(events, PERIOD, out=out / "a1", dpi=30).fig),
            "annex2": _figure_names(annex_maps.annex2(events, PERIOD, out=out / "a2", dpi=30,
                                                   extent=load_config().extents["south_west"]).fig)}
    data = html_data
    places = re.search(r'"places":(\[\[.*?\]\])', data).group(1)
    html = {row[2] for row in json.loads(places)}
    html |= {json.loads(f'"{n}"') for n in re.findall(r'"n":"((?:[^"\\]|\\.)*)"', data)}
    maps["html"] = html
    return maps


def test_ayorou_is_spelled_as_the_report_on_every_map(names):
    for name, texts in names.items():
        folded = {text.casefold() for text in texts}  # unit labels are caps: "AYOROU"
        assert "ayorou" in folded, name
        assert "ayerou" not in folded, name
    assert "Birni Nkonni" not in names["annex1"] | names["html"]


def test_html_popups_and_tooltips_use_the_same_spelling(html_data):
    assert "Ayorou" in html_data
    assert "Ayerou" not in html_data  # event popups (joined department) and armed-group tooltips too


def _key(text):
    """Accents, case, apostrophes and spaces removed: "Birni N'Konni" and "Birni Nkonni" share a key."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", ascii_text)


def test_a_place_has_one_spelling_across_the_maps(names):
    places = {name: {t for t in texts if not re.search(r"[\d:·()]", t)}  # not legends, titles or numbers
              for name, texts in names.items()}
    spellings = defaultdict(set)
    for texts in places.values():
        for text in texts:
            spellings[_key(text)].add(text.casefold())
    assert len(spellings) > 100
    assert {key: found for key, found in spellings.items() if len(found) > 1} == {}
    printed = set().union(*places.values())
    assert sorted(t for t in printed if display_name(t).casefold() != t.casefold()) == []
