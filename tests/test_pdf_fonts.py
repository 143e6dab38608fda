"""PDF font subsets cached per process: text stays live and searchable, figures share one subset per font."""

from __future__ import annotations

import shutil
import subprocess

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from geo_coi.maps import layout, pdf_fonts

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def _save(tmp_path, name, text):
    fig = plt.figure(figsize=(3, 2))
    fig.text(0.1, 0.5, text)
    paths = layout.save(fig, tmp_path / name, formats=("pdf",))
    plt.close(fig)
    return subprocess.run(["pdftotext", str(paths[0]), "-"], capture_output=True, text=True, check=True).stdout


def test_text_stays_live_and_figures_share_a_subset(tmp_path):
    assert "Tillabéri : 12 incidents" in _save(tmp_path, "a", "Tillabéri : 12 incidents").replace("\u202f", " ")
    before = pdf_fonts._subset.cache_info()
    assert "Zinder – 3 décès" in _save(tmp_path, "b", "Zinder – 3 décès")
    after = pdf_fonts._subset.cache_info()
    assert after.hits > before.hits and after.misses == before.misses  # the same subset served the second figure


def test_a_character_outside_the_repertoire_gets_its_own_subset(tmp_path):
    assert "\u014a" not in pdf_fonts.REPERTOIRE
    before = pdf_fonts._subset.cache_info().misses
    assert "Ŋaŋa" in _save(tmp_path, "c", "Ŋaŋa")
    assert pdf_fonts._subset.cache_info().misses == before + 1


def test_matplotlib_subsetting_is_restored_after_saving(tmp_path):
    from matplotlib.backends import _backend_pdf_ps

    original = _backend_pdf_ps.get_glyphs_subset
    _save(tmp_path, "d", "x")
    assert _backend_pdf_ps.get_glyphs_subset is original
