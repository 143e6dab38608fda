"""Reference maps (Kaart 1, 4, 5): regions, Tillabéri's departments and communes, Niamey with the river."""

from __future__ import annotations

import pytest

from geo_coi.admin_index import records
from geo_coi.maps import admin, reference

LOW_DPI = 40
TILLABERI = "NE006"  # Kaart 4 is the config's [maps] region_map: Tillabéri in the report


def _texts(fig):
    from geo_coi.maps.layout import unspaced

    return {unspaced(t.get_text()).replace("\n", " ") for t in fig.axes[0].texts}  # area labels: spaced caps


def test_regions_map_names_every_region(tmp_path):
    fig = reference.regions_map(language="nl", out=tmp_path / "kaart1", dpi=LOW_DPI).fig
    texts = _texts(fig)
    for region in records("region"):
        name = region["name"]
        assert name.upper() in texts or name in texts, f"{name} is not named"
    assert (tmp_path / "kaart1.png").stat().st_size > 10_000
    assert "Regio's van Niger" in {t.get_text() for t in fig.texts}


def test_tillaberi_map_names_its_departments_and_communes():
    fig = reference.region_map(TILLABERI, language="fr", dpi=LOW_DPI).fig
    texts = _texts(fig)
    departments = [d["name"] for d in records("department") if d["pcode"].startswith(TILLABERI)]
    assert len(departments) >= 13
    from geo_coi.gazetteer import display_name

    texts = {text.upper() for text in texts}
    for name in departments:
        assert display_name(name).upper() in texts, f"department {name} is not named"
    communes = [c["name"] for c in records("commune") if c["pcode"].startswith(TILLABERI)]
    named = [c for c in communes if display_name(c).upper() in texts]
    assert len(named) >= 0.6 * len(communes)  # small ones may give way to the department names
    ax = fig.axes[0]
    from geo_coi.crs import map_crs
    minx, miny, maxx, maxy = admin.units("region").to_crs(map_crs()).set_index("pcode").loc[[TILLABERI]].total_bounds
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < minx and maxx < x1 and y0 < miny and maxy < y1  # all of Tillabéri in the frame


def test_niamey_map_has_five_arrondissements_and_the_river_between_the_banks():
    import shapely

    from geo_coi.crs import map_crs
    fig = reference.capital_map(language="en", dpi=LOW_DPI).fig
    texts = _texts(fig)
    for unit in records("niamey_arrondissement"):
        assert unit["name"].upper() in texts
    river = [c for c in fig.axes[0].collections if c.get_gid() == "river"]
    assert len(river) == 1
    shapes = admin.units("niamey_arrondissement").to_crs(map_crs()).set_index("name")
    line = shapely.MultiLineString([p.vertices for p in river[0].get_paths() if len(p.vertices) > 1])
    assert line.length > 5_000  # several km of river through the city
    assert line.distance(shapes.loc["Niamey V"].geometry) < 1 and line.distance(
        shapes.loc["Niamey I"].geometry) < 1
    from geo_coi.maps import layout

    assert "Niger river" in layout.legend_texts(fig)


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_reference_titles_are_translated(language):
    from geo_coi.style import label

    titles = {label(key, language) for key in ("regions_map_title", "region_map_title", "reference_map_note")}
    assert len(titles) == 3 and all(titles)
    if language != "en":
        assert label("regions_map_title", language) != label("regions_map_title", "en")
