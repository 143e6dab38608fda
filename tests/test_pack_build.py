"""geo-coi country build: COD-AB files as downloaded from HDX -> a country pack.

The raw input is made from the bundled packs (their level files written back as
HDX-named shapefiles or GeoJSON), so the test needs no extra data and checks that
building gives back the bundled pack.
"""

import re
import tomllib

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Polygon, box

from geo_coi import boundaries, country, pack_build
from geo_coi.cli.main import cli
from geo_coi.errors import ConfigError, InputError


def _hdx_files(iso3: str, folder, stem: str, suffix: str) -> None:
    """The bundled pack's level files, written as HDX names them (shapefiles keep Date fields as dates)."""
    folder.mkdir()
    pack = country.get(iso3)
    for level in pack.levels:
        raw = gpd.read_file(pack.path(level.file), engine="pyogrio")
        if suffix == ".shp":
            for column in raw.columns:
                if pd.api.types.is_datetime64_any_dtype(raw[column]):
                    raw[column] = raw[column].dt.date
        raw.to_file(folder / f"{stem.format(n=level.depth)}{suffix}", engine="pyogrio")


def _proj(text: str) -> dict:
    return dict(re.findall(r"\+(\w+)=([-\d.]+)", text))


def test_build_reproduces_the_mali_pack(tmp_path):
    _hdx_files("MLI", tmp_path / "raw", "mli_admbnda_adm{n}_1m_gov_20211220", ".shp")
    result = CliRunner().invoke(cli, ["country", "build", str(tmp_path / "raw"), "--out", str(tmp_path / "mli")])
    assert result.exit_code == 0, result.output
    assert "MLI: wrote" in result.output and "adm3 701" in result.output

    bundled = country.get("MLI")
    with (tmp_path / "mli" / "country.toml").open("rb") as handle:
        settings = tomllib.load(handle)
    built = country.from_settings(settings, tmp_path / "mli")
    for key in ("iso3", "iso2", "pcode_prefix", "name_language", "name_fixes"):
        assert settings[key] == bundled.settings[key], key
    assert built.names == bundled.names
    assert settings["boundaries"]["vintage"] == bundled.settings["boundaries"]["vintage"] == "2021-12-20"
    assert all(abs(a - b) <= 0.011 for a, b in zip(built.bbox, bundled.bbox, strict=False))
    mine, theirs = _proj(built.map_crs), _proj(bundled.map_crs)
    assert [mine[k] for k in ("lat_0", "lat_1", "lat_2")] == [theirs[k] for k in ("lat_0", "lat_1", "lat_2")]
    assert abs(float(mine["lon_0"]) - float(theirs["lon_0"])) <= 0.05
    assert [(lv.key, lv.slot, lv.pcode_field, lv.name_field) for lv in built.levels] == \
        [(lv.key, lv.slot, lv.pcode_field, lv.name_field) for lv in bundled.levels]
    for level in built.levels:
        mine = gpd.read_file(built.path(level.file), engine="pyogrio")
        theirs = boundaries.load(level.slot, "MLI")
        assert mine[level.pcode_field].tolist() == theirs["pcode"].tolist()
        assert mine[level.name_field].replace(built.name_fixes).tolist() == theirs["name"].tolist()
        assert shapely.equals(mine.geometry.values, theirs.geometry.values).all()
        assert (mine["AREA_SQKM"] == theirs["area_km2"]).all()
        for parent in built.admin_levels:
            if parent.depth < level.depth:
                assert mine[parent.pcode_field].tolist() == theirs[f"{parent.slot}_pcode"].tolist()


def test_build_reads_lower_case_fields_and_a_pack_that_stops_at_provinces(tmp_path):
    _hdx_files("BFA", tmp_path / "raw", "bfa_admbnda_adm{n}_ocha_20250801_v03", ".geojson")
    built = pack_build.build(tmp_path / "raw", out=tmp_path / "bfa")
    assert built.iso3 == "BFA" and built.counts == {"adm0": 1, "adm1": 17, "adm2": 47}
    text = (tmp_path / "bfa" / "country.toml").read_text(encoding="utf-8")
    settings = tomllib.loads(text)
    assert [(lv["key"], lv["pcode_field"], lv["name_field"]) for lv in settings["levels"]] == \
        [("adm0", "adm0_pcode", "adm0_name"), ("adm1", "adm1_pcode", "adm1_name"), ("adm2", "adm2_pcode", "adm2_name")]
    assert "# other name fields: adm1_name1" in text  # the French names (Koulsé) are one edit away
    assert settings["boundaries"]["area_field"] == "area_sqkm"
    assert settings["boundaries"]["vintage"] == "2025-08-01"
    assert settings["map"]["crs"] == country.get("BFA").map_crs


# --- bad input: one error naming the file and the problem ---------------------------
def _unit(depth: int, pcode: str, geometry) -> dict:
    row = {f"ADM{d}_PCODE": pcode[: 2 + 2 * d] for d in range(depth + 1)}
    row.update({f"ADM{d}_FR": f"Unit {pcode[: 2 + 2 * d]}" for d in range(depth + 1)})
    return {**row, "geometry": geometry}


def _toy_country(folder, skip=(), rows=None, driver_suffix=".geojson", crs=4326):
    """Xland: one square, two regions, four departments, as HDX-named files."""
    folder.mkdir()
    levels = {
        0: [_unit(0, "XX", box(0, 0, 2, 2))],
        1: [_unit(1, "XX01", box(0, 0, 1, 2)), _unit(1, "XX02", box(1, 0, 2, 2))],
        2: [_unit(2, "XX0101", box(0, 0, 1, 1)), _unit(2, "XX0102", box(0, 1, 1, 2)),
            _unit(2, "XX0201", box(1, 0, 2, 1)), _unit(2, "XX0202", box(1, 1, 2, 2))],
    }
    levels.update(rows or {})
    paths = {}
    for depth, units in levels.items():
        if depth in skip:
            continue
        frame = gpd.GeoDataFrame(units, crs=4326).to_crs(crs)
        paths[depth] = folder / f"xxx_admbnda_adm{depth}_test_20250101{driver_suffix}"
        frame.to_file(paths[depth], engine="pyogrio")
    return paths


def test_a_missing_level_is_named(tmp_path):
    _toy_country(tmp_path / "raw", skip=(1,))
    with pytest.raises(InputError, match=r"raw: level adm1 is missing \(found adm0 .*, adm2 .*\); add its "
                                         r"\*_admbnda_adm1_\* file"):
        pack_build.build(tmp_path / "raw", out=tmp_path / "out")


def test_pcodes_that_do_not_nest_are_named(tmp_path):
    orphan = {**_unit(2, "XX0301", box(0, 0, 1, 1)), "ADM1_PCODE": "XX03"}
    _toy_country(tmp_path / "a", rows={2: [orphan]})
    with pytest.raises(InputError, match=r"xxx_admbnda_adm2_test_20250101.geojson: row 1: P-code XX0301: its "
                                         r"ADM1_PCODE 'XX03' is not a P-code of xxx_admbnda_adm1_"):
        pack_build.build(tmp_path / "a", out=tmp_path / "out")
    misfiled = {**_unit(2, "XX0201", box(0, 0, 1, 1)), "ADM1_PCODE": "XX01"}
    _toy_country(tmp_path / "b", rows={2: [_unit(2, "XX0101", box(0, 1, 1, 2)), misfiled]})
    with pytest.raises(InputError, match=r"adm2_test_20250101.geojson: row 2: P-code XX0201 does not start with "
                                         r"its parent's P-code XX01"):
        pack_build.build(tmp_path / "b", out=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing written before the checks pass


def test_an_invalid_geometry_is_named(tmp_path):
    bow_tie = Polygon([(0, 0), (1, 2), (1, 0), (0, 2), (0, 0)])
    _toy_country(tmp_path / "raw", rows={1: [_unit(1, "XX01", bow_tie), _unit(1, "XX02", box(1, 0, 2, 2))]})
    with pytest.raises(InputError, match=r"adm1_test_20250101.geojson: row 1: P-code XX01 has an invalid geometry "
                                         r"\(Self-intersection.*\); repair it"):
        pack_build.build(tmp_path / "raw", out=tmp_path / "out")


def test_a_projected_shapefile_needs_its_prj(tmp_path):
    paths = _toy_country(tmp_path / "raw", driver_suffix=".shp", crs=32631)  # UTM 31N, metres
    built = pack_build.build(tmp_path / "raw", out=tmp_path / "with_prj")  # with .prj: reprojected
    assert any("reprojected from EPSG:32631 to EPSG:4326" in note for note in built.notes)
    rebuilt = gpd.read_file(tmp_path / "with_prj" / "boundaries" / "xxx_admbnda_adm0_test_20250101.geojson")
    assert rebuilt.crs.to_epsg() == 4326 and abs(rebuilt.total_bounds - [0, 0, 2, 2]).max() < 1e-6
    paths[1].with_suffix(".prj").unlink()
    with pytest.raises(InputError, match=r"xxx_admbnda_adm1_test_20250101.shp: no .prj and the coordinates "
                                         r"\(x \d+ to \d+, y 0 to \d+\) are not longitude/latitude"):
        pack_build.build(tmp_path / "raw", out=tmp_path / "without_prj")


def test_the_cli_prints_one_line(tmp_path):
    _toy_country(tmp_path / "raw", skip=(0,))
    result = CliRunner().invoke(cli, ["country", "build", str(tmp_path / "raw"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ") and "level adm0 is missing" in \
        result.output
    good = tmp_path / "good"
    _toy_country(good)
    assert CliRunner().invoke(cli, ["country", "build", str(good), "--out", str(tmp_path / "xx")]).exit_code == 0
    again = CliRunner().invoke(cli, ["country", "build", str(good), "--out", str(tmp_path / "xx")])
    assert again.exit_code == 1 and "already holds a country pack" in again.output


def test_a_built_pack_loads_like_a_bundled_one(tmp_path, monkeypatch):
    _toy_country(tmp_path / "raw")
    pack_build.build(tmp_path / "raw", out=tmp_path / "packs" / "xxx")
    monkeypatch.setattr(country, "PACKS_DIR", tmp_path / "packs")
    pack = country.get("XXX")
    assert (pack.iso2, pack.pcode_prefix, [lv.key for lv in pack.levels]) == ("XX", "XX", ["adm0", "adm1", "adm2"])
    departments = boundaries.load("department", "XXX")
    assert departments["pcode"].tolist() == ["XX0101", "XX0102", "XX0201", "XX0202"]
    assert departments["region_pcode"].tolist() == ["XX01", "XX01", "XX02", "XX02"]
    assert departments["name"].iloc[0] == "Unit XX0101"
    with pytest.raises(ConfigError, match="has no admin level 'commune'"):
        boundaries.load("commune", "XXX")
    assert country.find([0.5, 1.5, 3.0], [0.5, 1.5, 0.5], packs=("XXX",)).tolist() == ["XXX", "XXX", ""]
