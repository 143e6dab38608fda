"""The annex for other countries (Burkina Faso, Mali) on their SYNTHETIC demo configs, opened.

Fast tests draw single maps through ``run_map`` (the core steps plus one map) and read them back:
pdftotext for the legend's level names and the credit lines, the map CRS from the pack; the
slow ones run the whole annex once per country and check the tables' unit counts, the outputs and
that every output says SYNTHETIC.
"""

from __future__ import annotations

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


# issue 12, open: the BFA/MLI annex does not run end to end yet (maps/static.py and maps/reference.py
# still ask for communes and Niger's capital sub-unit slot; the packs lack population_report).
NOT_YET = "issue 12, open: the Burkina Faso and Mali annexes do not run end to end yet"


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


@pytest.mark.xfail(strict=False, reason=NOT_YET)  # passes after some other tests ran: an unkeyed cache (issue 12)
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


@pytest.mark.xfail(strict=False, reason=NOT_YET)  # passes after some other tests ran: an unkeyed cache (issue 12)
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


@pytest.mark.xfail(run=False, reason=NOT_YET)
@pytest.mark.slow
@pytest.mark.parametrize(("iso3", "regions", "departments", "communes"), [("BFA", 17, 47, None), ("MLI", 10, 53, 701)])
def test_whole_annex_runs_for_the_country(tmp_path, iso3, regions, departments, communes):
    import pandas as pd

    manifest = run_annex(DEMO[iso3], out_dir=tmp_path)
    tables = tmp_path / "tables"
    assert len(pd.read_csv(tables / "by_region.csv")) == regions
    assert len(pd.read_csv(tables / "by_department.csv")) == departments
    if communes is None:
        assert not (tables / "by_commune.csv").exists()
    else:
        assert len(pd.read_csv(tables / "by_commune.csv")) == communes
    outputs = set(manifest.outputs)
    for expected in ("maps/annex1_en.png", "maps/annex2_en.pdf", "maps/kaart1_regions_map_en.svg",
                     "charts/grafiek1_monthly_by_type_en.png", "html/incidents_en.html", "tables/tables.xlsx",
                     f"data/{manifest.report_id}.gpkg", "index.html"):
        assert expected in outputs, expected
    record = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert record["source"]["synthetic"] is True
    assert record["config"]["iso3"] == iso3
    failed = [step["name"] for step in record["steps"] if step["status"] not in ("ok", "skipped")]
    assert failed == []
    assert "SYNTHETIC" in (tmp_path / "index.html").read_text(encoding="utf-8")
    name = country.get(iso3).name("en")
    assert name in (tmp_path / "tables" / "national_by_event_type.md").read_text(encoding="utf-8") or \
        name in (tmp_path / "index.html").read_text(encoding="utf-8")
