"""The data files of every bundled country pack: named in country.toml, documented, consistent with the boundaries."""

import csv

import pandas as pd
import pytest

from geo_coi import boundaries, country
from geo_coi.errors import ConfigError


@pytest.mark.parametrize("iso3", country.bundled())
def test_every_named_file_exists_and_every_folder_has_its_provenance(iso3):
    pack = country.get(iso3)
    for role, relative in pack.settings["files"].items():
        assert pack.file(role).is_file(), f"{iso3} [files] {role} = {relative}"
    for folder in sorted(p for p in pack.folder.iterdir() if p.is_dir()):
        documented = (folder / "PROVENANCE.md").is_file() or (pack.folder / "PROVENANCE.md").is_file()
        assert documented, f"{folder} has no PROVENANCE.md"
    for name in ("aliases", "place_names"):  # the gazetteer's editable tables: a header at least
        with pack.file(name).open(encoding="utf-8") as handle:
            assert next(csv.reader(handle))


def test_a_missing_role_is_a_one_line_error():
    assert not country.get("MLI").has_file("ucdp_events")  # events/PROVENANCE.md: none could be obtained
    with pytest.raises(ConfigError, match=r"Mali has no ucdp_events file: its pack \(mli/country.toml\) names none"):
        country.get("MLI").file("ucdp_events")


def _population(pack, depth: int) -> pd.DataFrame | None:
    """The pack's table for admin level ``depth``, None where none is published (Mali's communes)."""
    folder = pack.path(pack.settings["population"]["folder"])
    paths = list(folder.glob(f"{pack.iso3.lower()}_population_adm{depth}_*.csv"))
    assert len(paths) <= 1, paths
    return pd.read_csv(paths[0], dtype={f"adm{depth}_pcode": str}) if paths else None


@pytest.mark.parametrize("iso3", country.bundled())
def test_populations_sit_on_the_packs_units(iso3):
    pack = country.get(iso3)
    year = pack.settings["population"]["year"]
    assert _population(pack, 1) is not None and _population(pack, 2) is not None
    for level in pack.admin_levels:
        table = _population(pack, level.depth)
        if table is None:
            continue
        units = boundaries.load(level.slot, iso3).set_index("pcode")
        pcodes = table[f"adm{level.depth}_pcode"]
        assert pcodes.is_unique and pcodes.isin(units.index).all()
        assert (table["year"] == year).all() and (table["population"] > 0).all()
        assert (table["population_female"] + table["population_male"] == table["population"]).all()
        assert (table[f"adm{level.depth}_name"].to_numpy() == units.loc[pcodes, "name"].to_numpy()).all()


@pytest.mark.parametrize(("iso3", "national"), [("BFA", "bfa_admpop_adm0_2023_5yr.csv"),
                                                ("MLI", "mli_pop_adm0_v2.csv")])
def test_derived_regions_keep_the_national_total(iso3, national):
    pack = country.get(iso3)
    total = int(pd.read_csv(pack.path(f"population/source/{national}"))["T_TL"].iloc[0])
    regions = _population(pack, 1)
    assert regions["population"].sum() == total
    assert len(regions) == len(boundaries.load("region", iso3))  # every région of the pack has its figure


def test_mali_menaka_is_taken_out_of_gao():
    pack = country.get("MLI")
    source = pd.read_csv(pack.path("population/source/mli_pop_adm2_v2.csv")).set_index("admin2Pcode")
    regions = _population(pack, 1).set_index("adm1_pcode")["population"]
    gao_2018 = pd.read_csv(pack.path("population/source/mli_pop_adm1_v2.csv")).set_index("admin1Pcode")["T_TL"]["ML07"]
    assert regions["ML10"] == source.loc["ML0704", "T_TL"]
    assert regions["ML07"] + regions["ML10"] == gao_2018


def test_burkina_provinces_only_where_the_2025_reform_left_them_whole():
    pack = country.get("BFA")
    provinces = set(_population(pack, 2)["adm2_pcode"])
    crosswalk = pd.read_csv(pack.file("crosswalk_2020"), dtype=str)
    pairs = crosswalk[["ADM2_PCODE_2020", "adm2_pcode_2025"]].drop_duplicates()
    split = set(pairs.loc[pairs["ADM2_PCODE_2020"].duplicated(keep=False), "adm2_pcode_2025"])
    merged = set(pairs.loc[pairs["adm2_pcode_2025"].duplicated(keep=False), "adm2_pcode_2025"])
    assert split and not provinces & (split | merged)
    assert provinces | split | merged == set(boundaries.load("province", "BFA")["pcode"])


@pytest.mark.slow
def test_the_package_data_stays_well_under_the_wheel_limit():
    """What the wheel ships, deflated as a wheel deflates it: under 40 MB with every pack (7.9 MB measured)."""
    import zlib
    from pathlib import Path

    import geo_coi

    root = Path(geo_coi.__file__).parent
    shipped = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    deflated = sum(len(zlib.compress(p.read_bytes(), 6)) for p in shipped)
    assert any(p.suffix == ".geojson" for p in shipped) and deflated < 40e6
