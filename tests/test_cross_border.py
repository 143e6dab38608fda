"""The Liptako-Gourma cross-border map and table (issue 12): drawn from three packs, opened and read back."""

import dataclasses
import os
import re
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from geo_coi import country, cross_border, pipeline
from geo_coi.cli.main import cli
from geo_coi.config import load_config
from geo_coi.errors import ConfigError
from geo_coi.maps import layout
from geo_coi.maps.cross_border import COUNTRY_TINTS, cross_border_map
from geo_coi.steps.cross_border import cross_border as cross_border_step
from geo_coi.style import label

NAME = "liptako_gourma"
COUNTRIES = ("BFA", "MLI", "NER")


def pdftotext(path):
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing: .ci/run installs it")
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def region(config):
    return config.regions[NAME]


@pytest.fixture(scope="module")
def loaded(config, region):
    """Each country's joined events: Niger's from the config's file, the others' from their packs' demo files."""
    return cross_border.region_events(region, config, "NER", pipeline.load(config.events_file, config))


@pytest.fixture(scope="module")
def chosen(config, loaded):
    """The report's events in the period per country."""
    return cross_border.selected(loaded, config.current)


@pytest.fixture(scope="module")
def drawn(region, chosen, config, tmp_path_factory):
    out = tmp_path_factory.mktemp("cross_border") / f"{NAME}_en"
    drawn = cross_border_map(cross_border.units(region), chosen, config.current, title=label(region.title, "en"),
                           credits=cross_border.credit_lines(chosen, "en"), language="en", out=out)
    return drawn, out


def test_the_config_block_names_units_of_all_three_packs(region):
    assert cross_border.countries(region) == list(COUNTRIES)
    units = cross_border.units(region)
    assert set(units["pcode"]) == set(region.units) and len(units) == len(region.units)
    by_name = dict(zip(units["name"], units["iso3"], strict=True))
    for name, iso3 in [("Tillabéri", "NER"), ("Tahoua", "NER"), ("Mopti", "MLI"), ("Gao", "MLI"),
                       ("Menaka", "MLI"), ("Liptako", "BFA"), ("Soum", "BFA")]:
        assert by_name[name] == iso3
    assert set(region.events) == {"BFA", "MLI"}
    assert all(path.is_file() and "SYNTHETIC" in path.name for path in region.events.values())


def test_the_map_has_each_countrys_tint(drawn):
    _, out = drawn
    pixels = np.asarray(Image.open(out.with_suffix(".png")).convert("RGB")).reshape(-1, 3)
    for i, _iso3 in enumerate(COUNTRIES):
        rgb = np.array([int(COUNTRY_TINTS[i][k:k + 2], 16) for k in (1, 3, 5)])
        assert (pixels == rgb).all(axis=1).sum() > 20_000, COUNTRY_TINTS[i]


def test_the_pdf_names_every_country_boundary_source_and_the_synthetic_data(drawn):
    _, out = drawn
    text = pdftotext(out.with_suffix(".pdf"))
    for iso3 in COUNTRIES:
        pack = country.get(iso3)
        assert pack.name("en").upper().replace(" ", "") in text.replace(" ", "").replace("\u2009", "")
        assert pack.boundary_credit in text, iso3
    assert "SYNTHETIC demonstration data" in text and "Burkina Faso, Mali, Niger" in text
    assert "Natural Earth" in text


def test_the_legend_lists_the_countries_and_the_event_types(drawn, chosen):
    fig = drawn[0].fig
    texts = layout.legend_texts(fig)
    assert "Burkina Faso: 11 regions" in texts and "Mali: 4 regions" in texts and "Niger: 3 regions" in texts
    assert label("cross_border_units", "en") in texts and "Outside the area" in texts
    assert "International boundary" in texts and "Region boundary" in texts
    types = set(pd.concat(chosen.values())["event_type"])
    assert types and types <= set(texts)
    assert "country" not in texts  # the old legend title


def test_no_two_placed_labels_overlap_and_every_unit_of_room_is_named(drawn):
    result, _ = drawn
    renderer = result.fig.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in result.placed_labels]
    assert len(boxes) > 15
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[i + 1:]), result.placed_labels[i].get_text()
    placed = {layout.unspaced(text.get_text()) for text in result.placed_labels}
    assert {"TILLABÉRI", "TAHOUA", "MOPTI", "GAO", "TOMBOUCTOU", "LIPTAKO", "SOUM"} <= placed
    assert "MÉNAKA" in placed and "MENAKA" not in placed  # Mali's spelling (its place_names.csv), Niger active
    assert {"BURKINA FASO", "MALI", "NIGER"} <= placed


def test_the_credits_clear_the_scale_bar_and_the_map_frame(drawn):
    fig = drawn[0].fig
    renderer = fig.canvas.get_renderer()
    credit_text = next(t for t in fig.texts if t.get_gid() == "credits")
    credits = credit_text.get_window_extent(renderer)
    ax = fig.axes[0]
    bar = [a.get_window_extent(renderer) for a in ax.patches + ax.texts
           if (a.get_gid() or "").startswith("scalebar")]
    assert len(bar) >= 4
    assert not any(credits.overlaps(box) for box in bar)
    assert credits.y1 < ax.get_window_extent(renderer).y0
    assert len(credit_text.get_text().split("\n")) >= 5  # the printed lines
    assert not ax.get_xlabel() and not ax.get_ylabel()  # no Easting/Northing


def test_the_table_sums_are_the_joined_events_per_country(region, chosen):
    table = cross_border.cross_border_table(region, chosen, "en")
    pcodes = set(region.units)
    for iso3 in COUNTRIES:
        rows = table[table["iso3"] == iso3]
        units, total = rows.iloc[:-1], rows.iloc[-1]
        events = chosen[iso3]
        inside = events[events["region_pcode"].isin(pcodes)]
        assert len(inside) > 0
        assert units["incidents"].sum() == total["incidents"] == len(inside)
        assert units["fatalities"].sum() == total["fatalities"] == int(inside["fatalities"].fillna(0).sum())
        assert total["region"] == f"Total {country.get(iso3).name()}"
        assert set(units["region_pcode"]) == {p for p in pcodes if cross_border.pack_of(p) == iso3}
        for unit in units.itertuples():
            assert unit.incidents == (events["region_pcode"] == unit.region_pcode).sum()


def _config_with_units(tmp_path, units):
    text = load_config().path.read_text(encoding="utf-8")
    start = text.index("units = [", text.index("[regions.liptako_gourma]"))
    end = text.index("]", start) + 1
    path = tmp_path / "report.toml"
    path.write_text(text[:start] + f"units = {units}" + text[end:], encoding="utf-8")
    return path


def test_a_pcode_of_no_pack_is_a_one_line_config_error(tmp_path):
    path = _config_with_units(tmp_path, '["NE006", "XX01"]')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert "regions.liptako_gourma.units[1]" in message and "'XX01'" in message and "\n" not in message


def test_a_pcode_that_is_no_region_of_its_pack_names_the_config_key(tmp_path):
    region = load_config(_config_with_units(tmp_path, '["NE006", "ML99"]')).regions[NAME]
    with pytest.raises(ConfigError, match=r"regions\.liptako_gourma\.units\[1\]: 'ML99' is no region of Mali"):
        cross_border.units(region)


def test_a_config_without_regions_makes_nothing(tmp_path):
    run = SimpleNamespace(config=dataclasses.replace(load_config(), regions={}), staging=tmp_path, notes=[])
    cross_border_step(run)
    assert list(tmp_path.iterdir()) == [] and run.notes == []


def test_the_map_command_refuses_a_config_without_regions(runner, tmp_path):
    text = load_config().path.read_text(encoding="utf-8")
    path = tmp_path / "report.toml"
    path.write_text(text[:text.index("[regions.liptako_gourma]")], encoding="utf-8")
    result = runner.invoke(cli, ["map", "cross-border", "--config", str(path), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no [regions.<name>] block" in lines[0] and str(path) in lines[0]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_the_map_command_writes_the_map_and_the_translated_table(runner, tmp_path):
    result = runner.invoke(cli, ["map", "cross-border", "--language", "fr", "--out-dir", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [f"{NAME}.csv", f"{NAME}.md", f"{NAME}_fr.pdf", f"{NAME}_fr.png", f"{NAME}_fr.svg"]
    markdown = (tmp_path / f"{NAME}.md").read_text(encoding="utf-8")
    assert "| Pays" in markdown and "Victimes" in markdown and "Total Burkina Faso" in markdown
    assert "Liptako-Gourma\u202f: incidents et victimes par pays et par région" in markdown
    # every event source's credit under the table (the demo: SYNTHETIC for all three countries, in French)
    credit = [line for line in markdown.splitlines() if "SYNTHÉTIQUES" in line]
    assert len(credit) == 1 and all(name in credit[0] for name in ("Burkina Faso", "Mali", "Niger")), credit
    csv = pd.read_csv(tmp_path / f"{NAME}.csv")
    assert list(csv.columns) == ["country", "iso3", "region_pcode", "region", "incidents", "fatalities", "source"]
    assert re.search(r"Burkina Faso\s*: 11 régions", pdftotext(tmp_path / f"{NAME}_fr.pdf"))


def test_every_row_of_the_other_countries_files_is_accounted_for(loaded):
    notes = cross_border.accounting_notes(loaded, "NER")
    assert len(notes) == 2
    for note, iso3 in zip(notes, ("BFA", "MLI"), strict=True):
        counts = loaded[iso3].summary
        assert counts["read"] == (counts["accepted"] + counts.get("other_countries", 0) + counts["rejected"]
                                  + counts["duplicates_merged"])
        assert f"({iso3}): read {counts['read']}, accepted {counts['accepted']}" in note
        assert country.get(iso3).iso3 == iso3 and (loaded[iso3].joined["region_pcode"].str[:2]
                                                   == country.get(iso3).pcode_prefix).all()


def test_an_acled_source_is_credited_with_its_access_date_and_countries():
    acled = pd.DataFrame({"event_type": []})
    acled.attrs.update(source="ACLED", access_date="2025-06-05")
    demo = pd.DataFrame({"event_type": []})
    demo.attrs.update(source="ACLED-schema synthetic demo", synthetic=True)
    lines = cross_border.credit_lines({"BFA": demo, "MLI": None, "NER": acled}, "nl")
    assert lines[0].startswith("Bron: SYNTHETISCHE") and lines[0].endswith("· Burkina Faso")
    assert lines[1].startswith("Bron: ACLED (acleddata.com), gegevens geraadpleegd op 5 juni 2025 · ")
    assert lines[1].endswith("intern gebruik: bevat ACLED-incidentgegevens · Niger")  # the sharing level's notice
    assert sum(line.startswith("Grenzen:") for line in lines) == 3  # every pack's boundaries, Mali's too
