"""The bundled boundary layers: counts, uniform columns, CRS, P-code hierarchy, caching."""

from __future__ import annotations

import pytest

from geo_coi import boundaries
from geo_coi.errors import InputError

ADMIN_COUNTS = {"country": 1, "region": 8, "department": 67, "commune": 266, "niamey_arrondissement": 5}
PARENTS = {
    "country": (),
    "region": (),
    "department": ("region",),
    "commune": ("region", "department"),
    "niamey_arrondissement": ("region", "department"),
}


@pytest.fixture(scope="module")
def layers():
    return {layer: boundaries.load(layer) for layer in ADMIN_COUNTS}


@pytest.mark.parametrize("layer", list(ADMIN_COUNTS))
def test_admin_layer_counts_columns_and_crs(layers, layer):
    frame = layers[layer]
    assert len(frame) == ADMIN_COUNTS[layer]
    expected = {"pcode", "name", "name_ascii", "level", "geometry", "area_km2"}
    for parent in PARENTS[layer]:
        expected |= {parent, f"{parent}_pcode"}
    assert expected <= set(frame.columns)
    assert frame.crs.to_epsg() == 4326
    assert frame["pcode"].is_unique
    assert list(frame["pcode"]) == sorted(frame["pcode"])
    assert frame["name"].notna().all() and (frame["name"].str.len() > 0).all()
    assert frame.geometry.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert (frame["area_km2"] > 0).all()
    # name_ascii is name without accents
    assert frame["name_ascii"].map(str.isascii).all()
    assert (frame["name_ascii"] == frame["name"].map(boundaries.ascii_name)).all()


def test_country_and_region_names(layers):
    assert layers["country"]["name"].tolist() == ["Niger"]
    assert sorted(layers["region"]["name"]) == sorted(
        ["Agadez", "Diffa", "Dosso", "Maradi", "Niamey", "Tahoua", "Tillabéri", "Zinder"]
    )
    villes = layers["department"][layers["department"]["name"].str.startswith("Ville de ")]
    assert sorted(villes["name"]) == ["Ville de Maradi", "Ville de Niamey", "Ville de Tahoua", "Ville de Zinder"]
    assert sorted(layers["niamey_arrondissement"]["name"]) == [f"Niamey {n}" for n in ("I", "II", "III", "IV", "V")]


@pytest.mark.parametrize("layer", ["department", "commune", "niamey_arrondissement"])
def test_pcode_hierarchy(layers, layer):
    frame = layers[layer]
    for parent in PARENTS[layer]:
        parents = layers[parent].set_index("pcode")["name"]
        # every parent P-code exists, is a prefix of the child's, and names agree
        assert frame[f"{parent}_pcode"].isin(parents.index).all()
        assert all(p.startswith(q) for p, q in zip(frame["pcode"], frame[f"{parent}_pcode"], strict=False))
        assert (frame[parent].to_numpy() == parents.loc[frame[f"{parent}_pcode"]].to_numpy()).all()
    lengths = {"department": 8, "commune": 11, "niamey_arrondissement": 11}
    assert (frame["pcode"].str.len() == lengths[layer]).all()


def test_arrondissements_are_the_niamey_communes(layers):
    communes = layers["commune"]
    niamey = communes[communes["region_pcode"] == "NE008"]
    arrondissements = layers["niamey_arrondissement"]
    assert niamey["pcode"].tolist() == arrondissements["pcode"].tolist()
    assert niamey["name"].tolist() == arrondissements["name"].tolist()


def test_niamey_region_is_the_union_of_its_arrondissements(layers):
    region = layers["region"].set_index("pcode").geometry["NE008"]
    union = layers["niamey_arrondissement"].geometry.union_all()
    assert region.symmetric_difference(union).area < 1e-9


def test_communes_tile_their_region(layers):
    """Communes add up to regions (areas within 1 %): the layers are one consistent set."""
    communes = layers["commune"].groupby("region_pcode")["area_km2"].sum()
    regions = layers["region"].set_index("pcode")["area_km2"]
    assert (abs(communes / regions.loc[communes.index] - 1) < 0.01).all()


@pytest.mark.parametrize("layer", sorted(boundaries.context_layers()))
def test_every_context_layer_loads(layer):
    frame = boundaries.load(layer)
    assert len(frame) > 0
    assert frame.crs.to_epsg() == 4326
    assert not frame.geometry.isna().any()


def test_context_layers_contain_the_niger_river_and_lake_chad():
    rivers = boundaries.load("rivers")
    lakes = boundaries.load("lakes")
    assert rivers["name"].fillna("").str.contains("Niger").any()
    assert lakes["name"].fillna("").str.contains("Chad").any()


def test_unknown_layer_names_the_choices():
    with pytest.raises(InputError, match="unknown layer 'regions'.*region"):
        boundaries.load("regions")


def test_cache_returns_copies(layers):
    first = boundaries.load("region")
    first.loc[0, "name"] = "changed"
    first.loc[1, "pcode"] = "XX"
    again = boundaries.load("region")
    assert len(again) == 8
    assert "changed" not in set(again["name"])
    assert "XX" not in set(again["pcode"])
    assert again is not first


def test_provenance_and_licence_are_bundled():
    folder = boundaries.data_dir()
    assert (folder / "PROVENANCE.md").is_file()
    assert "CC BY-IGO" in (folder / "LICENSE.md").read_text(encoding="utf-8")
