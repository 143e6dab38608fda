"""The annex for other countries (Burkina Faso, Mali) on their SYNTHETIC demo configs, opened.

Fast tests draw single maps through ``run_map`` (the core steps plus one map) and read them back:
pdftotext for the legend's level names and the credit lines, the map CRS from the pack; the
slow ones run the whole annex once per country and check the tables' unit counts, the outputs and
that every output says SYNTHETIC.
"""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path

import pytest

from geo_coi import boundaries, country
from geo_coi.annex import run_annex, run_map
from geo_coi.config import load_config, with_country
from geo_coi.errors import ConfigError
from geo_coi.maps import annex_maps

PACKS = Path(__file__).resolve().parent.parent / "geo_coi" / "countries"
DEMO = {"BFA": PACKS / "bfa" / "configs" / "bfa_demo.toml", "MLI": PACKS / "mli" / "configs" / "mli_demo.toml"}
# (iso3, language) -> the department-level boundary's legend entry on Annex 2
DEPARTMENT_LEGEND = {
    ("BFA", "en"): "Province boundary", ("BFA", "fr"): "Limite de province", ("BFA", "nl"): "Provinciegrens",
    ("MLI", "en"): "Cercle boundary", ("MLI", "fr"): "Limite de cercle", ("MLI", "nl"): "Cerclegrens",
}


def _pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize("iso3", sorted(DEMO))
def test_demo_config_names_its_country(iso3):
    config = load_config(DEMO[iso3])
    assert config.iso3 == iso3
    assert config.events_file.is_file() and "SYNTHETIC" in config.events_file.name


def test_country_override_and_a_bad_country():
    config = load_config(DEMO["BFA"])
    assert with_country(config, "mali").iso3 == "MLI"
    with pytest.raises(ConfigError, match="--country: 'Atlantis' is no bundled country pack: give one of BFA"):
        with_country(config, "Atlantis")


def test_a_pack_without_communes_says_so():
    with pytest.raises(ConfigError) as caught:
        boundaries.load("commune", "BFA")
    message = str(caught.value)
    assert "\n" not in message and "Burkina Faso has no admin level 'commune'" in message and "province" in message


@pytest.mark.slow
@pytest.mark.parametrize(("iso3", "language"), sorted(DEPARTMENT_LEGEND))
def test_annex2_legend_uses_the_packs_level_names_and_credits(tmp_path, iso3, language):
    written = run_map("annex2", DEMO[iso3], out_dir=tmp_path, language=language)
    pdf = next(path for path in written if path.suffix == ".pdf")
    text = _pdf_text(pdf)
    assert DEPARTMENT_LEGEND[(iso3, language)] in text
    assert "Department boundary" not in text and "Limite de département" not in text
    assert "IGB Burkina Faso" in text if iso3 == "BFA" else "DNCT Mali" in text
    assert "IGNN Niger" not in text
    assert "SYNTHETIC" in text or "SYNTHÉTIQUES" in text or "SYNTHETISCHE" in text


@pytest.mark.slow
@pytest.mark.parametrize("iso3", sorted(DEMO))
def test_annex1_is_drawn_in_the_packs_crs_and_frames_the_country(iso3):
    from geo_coi.crs import map_crs
    from geo_coi.events import select
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    config = load_config(DEMO[iso3])
    with country.use(iso3):
        events = join_admin(read_events(config.events_file).events).events
        fig = annex_maps.annex1(select(events, period=config.current), config.current, dpi=50).fig
        assert map_crs().to_proj4() == country.get(iso3).map_crs.replace(" +no_defs", "") or \
            map_crs() == map_crs(iso3)
        outline = boundaries.load("country").to_crs(map_crs(iso3)).total_bounds
    ax = fig.axes[0]
    (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
    # the frame holds the whole official outline in the pack's CRS, with little more around it
    assert xmin <= outline[0] and outline[2] <= xmax and ymin <= outline[1] and outline[3] <= ymax
    assert (xmax - xmin) < 1.6 * (outline[2] - outline[0]) or (ymax - ymin) < 1.6 * (outline[3] - outline[1])
    highlighted = [a for a in fig.axes[1].collections if a.get_gid() == "inset-niger"]  # the locator's focus
    assert highlighted, "the locator highlights the report's country"


# --- one process, three countries: every cache keyed by the active pack --------------------------

@pytest.mark.slow
def test_one_process_draws_burkina_faso_then_niger_then_mali(tmp_path):
    """Each map carries its own country's credits and level names, whatever was drawn before it."""
    expected = {  # iso3 -> (its boundary credit, its department-level legend entry)
        "BFA": ("IGB Burkina Faso", "Province boundary"),
        "NER": ("IGNN Niger", "Department boundary"),
        "MLI": ("DNCT Mali", "Cercle boundary"),
    }
    for iso3 in ("BFA", "NER", "MLI"):  # --country alone: the pack's demo config (Niger's: the bundled one)
        written = run_map("annex2", None, out_dir=tmp_path / iso3, language="en", country=iso3)
        text = _pdf_text(next(path for path in written if path.suffix == ".pdf"))
        credit, legend = expected[iso3]
        assert credit in text and legend in text, iso3
        others = [other for code, (other, _) in expected.items() if code != iso3]
        assert not any(other in text for other in others), (iso3, others)
        assert "SYNTHETIC" in text


@pytest.mark.parametrize("iso3", sorted(DEMO))
def test_context_country_names_are_not_double_encoded(iso3):
    """French labels of the neighbours print as "BÉNIN", never "BÃ©NIN" (as once in the BFA/MLI clips)."""
    names = boundaries.load("countries", iso3).set_index("ADM0_A3")
    assert names.loc["BEN", "NAME_FR"] == "Bénin" and names.loc["CIV", "NAME_FR"] == "Côte d'Ivoire"
    assert not any("Ã" in value for value in names["NAME_FR"])


@pytest.mark.parametrize(("iso3", "year"), [("NER", "2023"), ("BFA", "2025"), ("MLI", "2021")])
def test_reference_map_note_names_the_packs_boundary_year(iso3, year):
    from geo_coi.maps import reference

    with country.use(iso3):
        assert reference._note("fr") == f"Carte de référence\u202f: unités administratives (COD-AB {year})"


def test_country_alone_names_the_packs_demo_config():
    from geo_coi.config import country_config_path, default_config_path

    assert country_config_path("BFA") == DEMO["BFA"]
    assert country_config_path("mali") == DEMO["MLI"]
    assert country_config_path("NER") == default_config_path()
    with pytest.raises(ConfigError, match="no bundled country pack"):
        country_config_path("Atlantis")


@pytest.mark.parametrize("iso3", sorted(DEMO))
def test_a_pack_without_a_report_population_uses_its_cod_ps_figures(iso3):
    import pandas as pd

    from geo_coi import stats

    pack = country.get(iso3)
    year = pack.settings["population"]["year"]
    cod_ps = pd.read_csv(pack.path(f"population/{iso3.lower()}_population_adm1_{year}.csv"))
    with country.use(iso3):
        table = stats.populations()
        regions = stats.by_unit(stats_events(iso3), "region")
        national = stats.by_unit(stats_events(iso3), "country")
    assert sorted(table["region_pcode"]) == sorted(cod_ps["adm1_pcode"])
    assert dict(zip(table["region_pcode"], table["population_2023"], strict=True)) == \
        dict(zip(cod_ps["adm1_pcode"], cod_ps["population"], strict=True))
    assert set(table["source"]) == {f"{pack.settings['population']['source']}, {year}"}
    assert regions["population"].notna().all() and regions["incidents_per_100k"].notna().all()
    assert national.loc[0, "population"] == cod_ps["population"].sum()


def stats_events(iso3):
    """A few joined events of the pack's demo file (enough for by_unit)."""
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    config = load_config(DEMO[iso3])
    with country.use(iso3):
        return join_admin(read_events(config.events_file).events.head(200)).events


def test_gazetteer_levels_and_names_are_the_active_packs():
    from geo_coi import gazetteer

    assert gazetteer.levels("NER") == ("region", "department", "commune", "niamey_arrondissement")
    assert gazetteer.levels("BFA") == ("region", "department")
    assert gazetteer.levels("MLI") == ("region", "department", "commune", "capital_commune")
    with country.use("NER"):
        niger = gazetteer.resolve("Tillabéri", "region")
    with country.use("BFA"):
        kadiogo = gazetteer.resolve("Kadiogo", "department")
        with pytest.raises(ConfigError, match="Burkina Faso has no admin level 'commune'"):
            gazetteer.resolve("Ouagadougou", "commune")
    with country.use("NER"):
        assert gazetteer.resolve("Tillabéri", "region") == niger
    assert niger.startswith("NE") and kadiogo.startswith("BF")


# --- the whole annex, once per country ----------------------------------------------------------
# Outputs drawn without events (reference, displacement and armed-group maps) and the data files of
# rows the run did not use name no source; every other output names SYNTHETIC.
NO_EVENTS = ("maps/kaart", "maps/displacement", "maps/armed_groups", "data/rejects", "data/duplicates")
SYNTHETIC_WORDS = ("SYNTHETIC", "SYNTHÉTIQUE", "SYNTHETISCH")
UNIT_COUNTS = {"BFA": (17, 47, None), "MLI": (10, 53, 701)}


@pytest.fixture(scope="module", params=sorted(DEMO))
def annex(request, tmp_path_factory):
    """(iso3, output folder, manifest record): the pack's demo annex, built once per module."""
    iso3 = request.param
    out = tmp_path_factory.mktemp(f"annex_{iso3.lower()}")
    run_annex(DEMO[iso3], out_dir=out)
    return iso3, out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_whole_annex_has_no_failed_step(annex):
    iso3, out, record = annex
    assert record["config"]["iso3"] == iso3 and record["source"]["synthetic"] is True
    failed = [(step["name"], step["note"]) for step in record["steps"] if step["status"] not in ("ok", "skipped")]
    assert failed == []
    for expected in ("maps/annex1_en.png", "maps/annex2_en.pdf", "maps/kaart1_regions_map_en.svg",
                     "maps/density_en.pdf", "maps/hexbin_en.pdf", "charts/grafiek1_monthly_by_type_en.png",
                     "html/incidents_en.html", "tables/tables.xlsx", f"data/{record['report_id']}.gpkg",
                     f"data/{record['report_id']}.qgz", "index.html"):
        assert expected in {output["path"] for output in record["outputs"]}, expected


@pytest.mark.slow
@pytest.mark.browser
def test_whole_annex_html_map_opens_on_the_country(annex, browser):
    iso3, out, _ = annex
    page = browser.open(out / "html" / "incidents_en.html")
    page.wait_for_function("window.geoCoi && window.geoCoi.loaded === true", timeout=60_000)
    west, south, east, north = country.get(iso3).bbox
    shown = page.evaluate("(() => { const b = geoCoi.map.getBounds(); "
                          "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
    # the first view holds the country's outline box and is centred on it (not on Niger)
    assert shown[0] <= west and shown[1] <= south and east <= shown[2] and north <= shown[3]
    assert abs((shown[0] + shown[2]) / 2 - (west + east) / 2) < 2
    assert abs((shown[1] + shown[3]) / 2 - (south + north) / 2) < 2
    names = page.evaluate("Array.from(document.querySelectorAll('.leaflet-control-layers-list label'))"
                          ".map(l => l.textContent.trim())")
    subunits = country.get(iso3).capital.subunit_slot
    assert len(names) > 2 and any("Bamako" in name for name in names) == bool(subunits), names
    assert [error for error in browser.console_errors if "favicon" not in error] == []


@pytest.mark.slow
def test_whole_annex_tables_have_the_packs_units(annex):
    import pandas as pd

    iso3, out, _ = annex
    regions, departments, communes = UNIT_COUNTS[iso3]
    tables = out / "tables"
    assert len(pd.read_csv(tables / "by_region.csv")) == regions
    assert len(pd.read_csv(tables / "by_department.csv")) == departments
    by_region = pd.read_csv(tables / "by_region.csv")
    assert by_region["population"].notna().all()  # the pack's COD-PS figures: every region has a rate
    if communes is None:
        assert not (tables / "by_commune.csv").exists()
    else:
        assert len(pd.read_csv(tables / "by_commune.csv")) == communes
    assert country.get(iso3).name("en") in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_whole_annex_says_synthetic_in_every_output(annex):
    _, out, record = annex
    names = [output["path"] for output in record["outputs"]]
    silent = [name for name in names if not name.startswith(NO_EVENTS) and not _says_synthetic(out / name)]
    assert silent == []


@pytest.mark.slow
def test_a_pack_without_communes_says_why_in_the_manifest_and_gallery(annex):
    iso3, out, record = annex
    notes = " ".join(record["source"]["notes"])
    gallery = (out / "index.html").read_text(encoding="utf-8")
    if country.get(iso3).has_level("commune"):
        assert "no commune polygons" not in notes and "no commune polygons" not in gallery
        return
    assert "Burkina Faso's pack has no commune polygons" in notes
    assert "Burkina Faso&#x27;s pack has no commune polygons" in gallery or \
        "Burkina Faso's pack has no commune polygons" in gallery


def _says_synthetic(path: Path) -> bool:
    """True when the file's text names the synthetic data (PNGs: their PDF twin; archives: their XML)."""
    import sqlite3
    import zipfile

    if path.suffix == ".png":
        twin = path.with_suffix(".pdf")
        return not twin.exists() or _says_synthetic(twin)
    if path.suffix == ".tif":
        return True  # a raster of densities: its maps say it
    if path.suffix == ".csv" and len(path.read_text(encoding="utf-8").splitlines()) < 2:
        return True  # a header without rows holds no event (e.g. no admin-name disagreement): nothing to label
    if path.suffix == ".pdf":
        text = _pdf_text(path)
    elif path.suffix in (".xlsx", ".docx", ".qgz"):
        with zipfile.ZipFile(path) as archive:
            text = html.unescape(" ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()))
    elif path.suffix == ".gpkg":
        with sqlite3.connect(path) as db:
            text = " ".join(str(row) for row in db.execute("SELECT description FROM gpkg_contents"))
    else:
        text = path.read_text(encoding="utf-8")
    return any(word in text.upper() for word in SYNTHETIC_WORDS)
