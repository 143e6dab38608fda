"""geo_coi.gallery on its own: sections, thumbnails, captions, escaping and same bytes twice."""

from __future__ import annotations

import re

import pytest

from geo_coi.errors import InputError
from geo_coi.gallery import GALLERY_NAME, render_gallery, write_gallery

OUTPUTS = ["maps/annex1_nl.png", "maps/annex1_nl.pdf", "tables/t1.csv", "manifest.json", "index.html",
           "charts/c<1>.png"]


def test_sections_thumbnails_and_file_lists():
    page = render_gallery(OUTPUTS, "Niger & co", captions={"maps/annex1_nl": "Annex 1"})
    assert page.startswith("<!DOCTYPE html>") and "<title>Niger &amp; co</title>" in page
    assert re.findall(r"<h2>([^<]*)</h2>", page) == ["Maps", "Charts", "Tables", "Other files"]
    assert '<img src="maps/annex1_nl.png" alt="Annex 1"' in page and '<a href="maps/annex1_nl.pdf">PDF</a>' in page
    assert "charts/c&lt;1&gt;.png" in page  # escaped
    assert '<li>t1: <a href="tables/t1.csv">CSV</a></li>' in page
    assert 'href="index.html"' not in page  # the gallery does not list itself


def test_french_page_has_french_headings_and_typography():
    page = render_gallery(["tables/t1.csv"], "Titre", warnings=["Attention: démo"], language="fr")
    assert '<html lang="fr">' in page and "Attention\u202f: démo" in page and "t1\u202f:" in page


def test_unknown_language_is_an_input_error():
    with pytest.raises(InputError, match="language 'de'"):
        render_gallery([], "x", language="de")


def test_written_page_is_the_rendered_one_and_reproducible(tmp_path):
    path = write_gallery(tmp_path, OUTPUTS, "T", credits=["Source: X"])
    first = (tmp_path / GALLERY_NAME).read_bytes()
    write_gallery(tmp_path, list(reversed(OUTPUTS)), "T", credits=["Source: X"])
    assert path == str(tmp_path / GALLERY_NAME) and (tmp_path / GALLERY_NAME).read_bytes() == first
    assert first.decode() == render_gallery(OUTPUTS, "T", credits=["Source: X"])
