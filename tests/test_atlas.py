"""The region atlas, opened: pdftotext for the pages' titles and totals, PNG pixels for the page size."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest
from PIL import Image
from test_indicators import ROWS, config, events, joined  # noqa: F401  (fixtures: the hand-built table)

from geo_coi import atlas
from geo_coi.config import AtlasSettings
from geo_coi.errors import GeoCOIError

PAGES = ("Dosso", "Agadez", "Niamey")  # events; none; tabled by arrondissement


def pdftotext(path):
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing: .ci/run installs it")
        pytest.skip("pdftotext (poppler-utils) not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def small_config(config):  # noqa: F811
    return dataclasses.replace(config, atlas=AtlasSettings(regions=PAGES, commune_tables=("Niamey",)))


@pytest.fixture(scope="module")
def written(small_config, events, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("atlas")
    niamey = joined([("n1", "2024-11-02", "Battles", False, 3, 1, "Niamey II")])
    both = gpd.GeoDataFrame(pd.concat([events, niamey], ignore_index=True), crs=4326)
    both.attrs = dict(events.attrs)
    return atlas.write_atlas(both, small_config, folder, "fr")


def test_one_page_per_configured_unit(written):
    pdf, *pngs = written
    text = pdftotext(pdf)
    pages = text.split("\f")[: len(PAGES)]
    assert text.count("\f") == len(PAGES)  # pdftotext ends every page with a form feed
    for page, name in zip(pages, PAGES, strict=True):
        assert page.lstrip().startswith(name)  # the title, in the config's order
    assert [p.name for p in pngs] == ["atlas_fr_01_dosso.png", "atlas_fr_02_agadez.png", "atlas_fr_03_niamey.png"]


def test_pages_carry_the_region_totals(written):
    pages = pdftotext(written[0]).split("\f")
    # Dosso: c4 and c5 in the period (fatalities 0 + unknown), one targeting civilians
    assert "2 incidents, 0 victimes, 1 visant des civils" in pages[0]
    assert "Gaya" in pages[0] and "Total de la région" in pages[0]
    assert "0 incidents" in pages[1] and "Aucun incident enregistré dans cette région" in pages[1]
    assert "1 incidents, 3 victimes" in pages[2]
    assert all(f"Niamey {n}" in pages[2] for n in ("I", "II", "III", "IV", "V"))  # arrondissements, not departments


def test_pages_have_furniture_and_credits(written):
    page = pdftotext(written[0]).split("\f")[0]
    for text in ("Indicateurs", "Incidents avec au moins une victime", "Incidents par mois", "SYNTHÉTIQUES",
                 "COD-AB", "COD-PS", "Réalisé le", "km"):
        assert text in page, text


def test_pngs_are_a4_at_300_dpi(written):
    with Image.open(written[1]) as image:
        assert image.size == (2480, 3508)
        assert round(image.info["dpi"][0]) == 300
        # the map is drawn: the page is not blank white in the map frame
        left, bottom, width, height = atlas.FRAMES["map"]
        box = (int(left * 2480), int((1 - bottom - height) * 3508), int((left + width) * 2480),
               int((1 - bottom) * 3508))
        colours = image.crop(box).convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) > 50


def test_atlas_is_reproducible(small_config, events, tmp_path):  # noqa: F811
    one = atlas.write_atlas(events, small_config, tmp_path / "a", "en", png=False)
    two = atlas.write_atlas(events, small_config, tmp_path / "b", "en", png=False)
    assert one[0].read_bytes() == two[0].read_bytes()


def test_pages_from_an_extent(config):  # noqa: F811
    chosen = dataclasses.replace(config, atlas=AtlasSettings(extent="south_west"))
    assert [p.name for p in atlas.pages(chosen)] == ["Tillabéri", "Niamey", "Dosso"]
    every = dataclasses.replace(config, atlas=AtlasSettings())
    assert len(atlas.pages(every)) == 8


def test_unknown_region_is_a_one_line_error(config):  # noqa: F811
    bad = dataclasses.replace(config, atlas=AtlasSettings(regions=("Atlantis",)))
    with pytest.raises(GeoCOIError, match="Atlantis"):
        atlas.pages(bad)


def _config_file(tmp_path, atlas_table):
    from geo_coi.config import default_config_path

    text = default_config_path().read_text(encoding="utf-8")
    text = text[: text.index("[atlas]")] + atlas_table + text[text.index("[indicators]"):]
    path = tmp_path / "report.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_atlas_writes_one_language(tmp_path):
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    path = _config_file(tmp_path, '[atlas]\nregions = ["Agadez"]\n\n')
    result = CliRunner().invoke(cli, ["atlas", "--config", str(path), "--language", "en", "--quiet",
                                      "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["atlas_en.pdf", "atlas_en_01_agadez.png"]
    assert pdftotext(tmp_path / "out" / "atlas_en.pdf").lstrip().startswith("Agadez")


def test_cli_bad_atlas_key_is_one_line(tmp_path):
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    path = _config_file(tmp_path, '[atlas]\nregions = "Agadez"\n\n')
    result = CliRunner().invoke(cli, ["atlas", "--config", str(path), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code != 0 and "atlas.regions" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_page_keeps_the_furniture_rules(written, small_config, events):  # noqa: F811
    import numpy as np
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    from geo_coi.maps import layout

    with Image.open(written[1]) as image:
        pixels = np.asarray(image.convert("L"))
    rim = int(np.ceil(layout.MARGIN_MM / 25.4 * 300))
    edges = np.concatenate([pixels[:rim].ravel(), pixels[-rim:].ravel(), pixels[:, :rim].ravel(),
                            pixels[:, -rim:].ravel()])
    assert edges.min() == 255  # nothing printed within 5 mm of the paper's edge
    context = atlas._Context.build(events, small_config, "nl", None)
    fig = atlas.draw_page(context, context.pages[0])
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert min(sizes) >= layout.MIN_FONT_PT
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches() * fig.dpi
    margin = layout.MARGIN_MM / 25.4 * fig.dpi
    for legend in fig.findobj(Legend):
        box = legend.get_window_extent(renderer)
        assert margin <= box.x0 and box.x1 <= width - margin and margin <= box.y0 and box.y1 <= height - margin


def test_languages_side_by_side_give_the_same_files(config, events, tmp_path):  # noqa: F811
    one_page = dataclasses.replace(config, atlas=AtlasSettings(regions=("Dosso",)))
    together = atlas.write_atlases(events, one_page, tmp_path / "together", ("nl", "en"))
    assert [[p.name for p in files] for files in together] == [["atlas_nl.pdf", "atlas_nl_01_dosso.png"],
                                                                 ["atlas_en.pdf", "atlas_en_01_dosso.png"]]
    alone = atlas.write_atlas(events, one_page, tmp_path / "alone", "en")
    assert [p.read_bytes() for p in together[1]] == [p.read_bytes() for p in alone]
