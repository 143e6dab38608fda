"""Areas of operation: from the bundled data file and from the events."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import shapely

from geo_coi import armed_groups
from geo_coi.admin_index import geometries, records
from geo_coi.errors import InputError, ResolveError
from geo_coi.maps import admin, armed_groups_map

UCDP = (Path(__file__).resolve().parent.parent / "geo_coi" / "countries" / "ner" / "events"
        / "ucdp_ged251_niger_2015_2024_gednames.csv")


@pytest.fixture(scope="module")
def areas():
    return armed_groups.areas_of_operation()


@pytest.fixture(scope="module")
def departments():
    return {r["pcode"]: (r, g) for r, g in zip(records("department"), geometries("department"), strict=False)}


@pytest.fixture(scope="module")
def events(ucdp_joined):
    return ucdp_joined


def test_one_row_per_group_in_file_order(areas):
    with open(armed_groups.default_path(), "rb") as handle:
        groups = list(tomllib.load(handle)["groups"])
    assert list(areas["group"]) == groups
    assert areas.crs.to_epsg() == 4326
    assert areas.attrs["credit"].startswith("Areas of operation")


def test_report_spellings_resolve_to_cod_ab_departments(areas):
    issp = areas.set_index("group").loc["ISSP", "departments"].split("; ")
    assert "Ayerou" in issp  # the report writes Ayorou
    diffa = areas.set_index("group").loc["ISWAP", "departments"].split("; ")
    assert "Maïné Soroa" in diffa  # the report writes Maïné-Soroa


def test_overlaps_are_kept_per_group(areas, departments):
    by_group = areas.set_index("group")
    jnim = set(by_group.loc["JNIM", "department_pcodes"].split("; "))
    issp = set(by_group.loc["ISSP", "department_pcodes"].split("; "))
    shared = {departments[p][0]["name"] for p in jnim & issp}
    assert {"Téra", "Kollo", "Dosso"} <= shared
    overlap = by_group.loc["JNIM", "geometry"].intersection(by_group.loc["ISSP", "geometry"])
    assert overlap.area > 0


def test_dissolved_shape_is_the_union_of_its_departments(areas, departments):
    for row in areas.itertuples():
        pcodes = row.department_pcodes.split("; ")
        union = shapely.union_all([departments[p][1] for p in pcodes])
        assert row.geometry.symmetric_difference(union).area < 1e-9 * union.area
        regions = sorted({departments[p][0]["region"] for p in pcodes})
        assert row.region == "; ".join(regions)


def test_custom_file_errors_name_file_and_group(tmp_path):
    bad_name = tmp_path / "areas.toml"
    bad_name.write_text('[groups."X"]\n"Tillabéri" = ["Nowhereville"]\n', encoding="utf-8")
    with pytest.raises(ResolveError, match=r"areas\.toml.*'X'.*Tillabéri"):
        armed_groups.areas_of_operation(bad_name)
    broken = tmp_path / "broken.toml"
    broken.write_text("[groups\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        armed_groups.areas_of_operation(broken)
    empty = tmp_path / "empty.toml"
    empty.write_text("[source]\n", encoding="utf-8")
    with pytest.raises(InputError, match="groups"):
        armed_groups.areas_of_operation(empty)
    with pytest.raises(InputError, match="not found"):
        armed_groups.areas_of_operation(tmp_path / "missing.toml")


def test_areas_from_events_match_the_joined_departments(events):
    chosen = events[events["year"] == 2024]
    areas = armed_groups.areas_from_events(chosen, actors=["JNIM", "IS"]).set_index("group")
    for actor in ("JNIM", "IS"):
        involved = chosen[(chosen["actor1"] == actor) | (chosen["actor2"] == actor)]
        expected = sorted(set(involved["department_pcode"].dropna()))
        assert areas.loc[actor, "department_pcodes"].split("; ") == expected
        assert areas.loc[actor, "incidents"] == len(involved)
        assert areas.loc[actor, "fatalities"] == involved["fatalities"].sum()


def test_areas_from_events_default_actors_skip_governments(events):
    areas = armed_groups.areas_from_events(events, top=3)
    assert len(areas) == 3
    assert not any(g.lower().startswith("government of") for g in areas["group"])


def test_areas_from_events_without_join_columns(events):
    plain = events.drop(columns=["department_pcode"])
    joined = armed_groups.areas_from_events(events, actors=["JNIM"])
    looked_up = armed_groups.areas_from_events(plain, actors=["JNIM"])
    assert list(joined["department_pcodes"]) == list(looked_up["department_pcodes"])


def test_areas_from_events_needs_actor_columns(events):
    with pytest.raises(InputError, match="actor1"):
        armed_groups.areas_from_events(events.drop(columns=["actor1"]))


# --- the map ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def group_map(areas, tmp_path_factory):
    out = tmp_path_factory.mktemp("groups") / "groups"
    return armed_groups_map.armed_groups_map(areas, language="fr", out=out, dpi=40).fig


def test_frame_shows_all_of_niger(group_map):
    from geo_coi.crs import MAP

    ax = group_map.axes[0]
    minx, miny, maxx, maxy = admin.units("country").to_crs(MAP).total_bounds
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < minx and maxx < x1 and y0 < miny and maxy < y1


def test_overlapping_groups_are_outlines_with_own_line_styles_and_names(group_map, areas):
    from matplotlib.collections import PatchCollection

    from geo_coi.style import label

    ax = group_map.axes[0]
    assert not any(c.get_hatch() for c in ax.findobj(PatchCollection))  # no hatch over hatch
    outlines = [c for c in ax.findobj(PatchCollection) if max(c.get_linewidths(), default=0) > 1.5]
    assert len(outlines) == len(areas)
    dashes = {str(c.get_linestyle()[0]) for c in outlines}
    assert len(dashes) == len(areas)  # JAS and ISWAP share their area: they differ by line style
    texts = [t.get_text() for t in ax.texts]
    for group in areas["group"]:
        assert label(group, "fr") in texts  # named on the map itself, not only in the legend


def test_note_gives_situation_sources_and_generalisation(group_map, areas):
    note = next(t.get_text() for t in group_map.axes[0].texts if t.get_gid() == "note:areas")
    assert f"mi-{areas.attrs['situation_year']}" in note
    assert "Jules Duhamel" in note and "ISW" in note
    assert "départements" in note
