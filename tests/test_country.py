"""Country packs: read from their country.toml, switched with country.use, found from coordinates."""

import numpy as np
import pytest

from geo_coi import boundaries, country, crs
from geo_coi.errors import ConfigError


@pytest.mark.parametrize("iso3", country.bundled())
def test_every_pack_nests_and_matches_its_toml(iso3):
    pack = country.get(iso3)
    outline = boundaries.load("country", iso3)
    assert outline["pcode"].tolist() == [pack.iso2]
    west, south, east, north = outline.total_bounds
    assert np.allclose([west, south, east, north], pack.bbox, atol=0.02)
    for level in pack.admin_levels:
        units = boundaries.load(level.slot, iso3)
        assert units["pcode"].str.startswith(pack.pcode_prefix).all()
        assert units["pcode"].is_unique
        for parent in pack.admin_levels:
            if parent.depth < level.depth:
                assert (units["pcode"].str.slice(0, len(units[f"{parent.slot}_pcode"].iloc[0]))
                        == units[f"{parent.slot}_pcode"]).all()
    assert crs.map_crs(iso3).is_projected


def test_a_pack_without_communes_says_so():
    with pytest.raises(ConfigError, match="Burkina Faso has no admin level 'commune'.*adm2 \\(province\\)"):
        boundaries.load("commune", "BFA")
    assert len(boundaries.load("province", "BFA")) == 47
    assert len(boundaries.load("cercle", "MLI")) == 53


def test_use_switches_the_active_pack_and_caches_are_per_country():
    assert country.active().iso3 == country.DEFAULT
    with country.use("mli"):
        assert len(boundaries.load("region")) == 10
        with country.use("BFA"):
            assert len(boundaries.load("region")) == 17
        assert boundaries.credit().startswith("Boundaries: DNCT Mali")
    assert country.active().iso3 == country.DEFAULT


def test_unknown_pack_is_a_one_line_error():
    with pytest.raises(ConfigError, match="no country pack 'XXX': bundled packs are BFA, MLI, NER"):
        country.get("XXX")


def test_find_gives_each_point_its_country():
    lon = [2.1086, -1.5197, -8.0029, 1.4078, 30.0, np.nan, -4.1827, -4.2979]
    lat = [13.5137, 12.3714, 12.6392, 18.4411, 10.0, 1.0, 14.4843, 11.1771]
    assert country.find(lon, lat).tolist() == ["NER", "BFA", "MLI", "MLI", "", "", "MLI", "BFA"]
    assert country.find(lon, lat, packs=("NER",)).tolist() == ["NER"] + [""] * 7
