"""locate(): admin units of a point, inside Niamey or not, geodesic distances, warnings."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely

import geo_coi
from geo_coi import admin_index, crs
from geo_coi.errors import CoordinateError, InputError
from geo_coi.location import BOUNDARY_TOLERANCE_KM, LOCATED_COLUMNS, Location, locate, locate_points


def unit_geometry(level, pcode):
    pcodes = [r["pcode"] for r in admin_index.records(level)]
    return admin_index.geometries(level)[pcodes.index(pcode)]


def geod_distance_to_outline_km(lat, lon, geometry):
    """Independent check: smallest pyproj Geod distance to the outline densified to ~10 m."""
    dense = shapely.segmentize(geometry.boundary, 0.0001)
    xy = shapely.get_coordinates(dense)
    _, _, metres = crs.GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    return metres.min() / 1000.0


@pytest.fixture(scope="module")
def seno():
    return locate(13.4716, 2.0886)


@pytest.fixture(scope="module")
def libore():
    return locate(13.45, 2.17)


@pytest.fixture(scope="module")
def mali():
    return locate(16.27, -0.04, country="NER")  # Gao, answered for Niger


def test_seno_is_in_niamey_v(seno):
    assert (seno.region, seno.region_pcode) == ("Niamey", "NE008")
    assert (seno.department, seno.department_pcode) == ("Ville de Niamey", "NE008001")
    assert (seno.commune, seno.arrondissement, seno.arrondissement_pcode) == ("Niamey V", "Niamey V", "NE008001005")
    assert seno.inside_niger and seno.inside_niamey
    assert seno.distance_to_niamey_km < 0
    assert seno.nearest_arrondissement is None and seno.nearest_region is None
    assert not seno.uncertain and seno.warnings == ()
    assert "inside Niamey" in seno.verdict()


def test_niamey_centre_is_niamey_ii():
    found = locate(13.513, 2.112)
    assert found.arrondissement == "Niamey II" and found.inside_niamey
    assert found.commune_pcode == "NE008001002"


def test_point_south_east_of_niamey_is_libore_outside(libore):
    assert (libore.region, libore.department, libore.commune) == ("Tillabéri", "Kollo", "Liboré")
    assert libore.commune_pcode == "NE006008008"
    assert not libore.inside_niamey and libore.arrondissement is None
    assert libore.distance_to_niamey_km > 0
    assert libore.nearest_arrondissement_pcode.startswith("NE008001")
    # the nearest arrondissement is reached through Niamey's outer boundary
    assert libore.nearest_arrondissement_km == pytest.approx(libore.distance_to_niamey_km, rel=1e-6)


@pytest.mark.parametrize(("lat", "lon"), [(13.45, 2.17), (13.4716, 2.0886), (14.01, 0.75), (13.513, 2.112)])
def test_distance_to_niamey_agrees_with_pyproj_geod(lat, lon):
    found = locate(lat, lon)
    _, _, metres = crs.GEOD.inv(lon, lat, found.niamey_boundary_longitude, found.niamey_boundary_latitude)
    assert abs(found.distance_to_niamey_km) == pytest.approx(metres / 1000, rel=0.005)
    brute = geod_distance_to_outline_km(lat, lon, unit_geometry("region", "NE008"))
    assert abs(found.distance_to_niamey_km) == pytest.approx(brute, rel=0.005)
    # the reported nearest point lies on Niamey's outline (segments are straight in the
    # projection, not in lon/lat: centimetres apart)
    near = shapely.Point(found.niamey_boundary_longitude, found.niamey_boundary_latitude)
    assert unit_geometry("region", "NE008").boundary.distance(near) < 1e-5  # ~1 m


def test_tera_town():
    found = locate(14.01, 0.75)
    assert (found.region, found.department, found.commune) == ("Tillabéri", "Téra", "Téra")
    assert found.department_pcode == "NE006011" and not found.inside_niamey
    assert found.distance_to_niamey_km > 100


def test_point_in_mali_is_an_answer_not_an_error(mali):
    assert not mali.inside_niger
    assert mali.region is None and mali.commune is None
    assert (mali.nearest_region, mali.nearest_region_pcode) == ("Tillabéri", "NE006")
    assert mali.verdict().startswith(f"outside Niger, nearest region Tillabéri at {mali.nearest_region_km:.1f} km")
    brute = geod_distance_to_outline_km(16.27, -0.04, unit_geometry("region", "NE006"))
    assert mali.nearest_region_km == pytest.approx(brute, rel=0.005)
    assert mali.boundary_distance_km == pytest.approx(mali.nearest_region_km, rel=1e-6)


def test_point_in_mali_answers_for_mali_unless_niger_is_forced(mali):
    found = locate(16.27, -0.04)
    assert (found.country, found.inside_country, found.region, found.department) == ("MLI", True, "Gao", "Gao")
    assert found.level_name("department") == "cercle" and found.capital == "Bamako"
    assert "inside_niamey" not in found.to_dict()  # the Niger aliases are Niger's only
    assert (mali.country, mali.inside_country, mali.to_dict()["inside_niger"]) == ("NER", False, False)


def test_swapped_coordinates_are_named():
    with pytest.raises(CoordinateError, match="swapped") as caught:
        locate(2.0886, 13.4716)
    assert "13.4716 2.0886" in str(caught.value)


def test_point_far_away_is_not_called_swapped():
    found = locate(48.85, 2.35)  # Paris: outside Niger both ways round
    assert not found.inside_niger


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        ("abc", 2.0, "latitude 'abc' is not a number"),
        (13.5, None, "longitude None is not a number"),
        ("13,5", "2.1", "decimal point"),
        (95.0, 2.0, "latitude 95.0 is out of range"),
        (13.0, 200.0, "longitude 200.0 is out of range"),
        (float("nan"), 2.0, "out of range"),
    ],
)
def test_bad_coordinates(lat, lon, message):
    with pytest.raises(CoordinateError, match=message):
        locate(lat, lon)


def test_strings_are_accepted():
    assert locate("13.4716", " 2.0886 ").arrondissement == "Niamey V"


def test_point_on_niamey_boundary_counts_as_inside():
    niamey = unit_geometry("region", "NE008")
    lon, lat = shapely.get_coordinates(niamey.boundary)[7]
    found = locate(lat, lon)
    assert found.inside_niamey
    assert found.region_pcode == "NE008" and found.arrondissement_pcode.startswith("NE008001")
    assert abs(found.distance_to_niamey_km) < 1e-6
    assert found.uncertain and any("Tillabéri" in w for w in found.warnings)


def test_near_boundary_warning_names_the_neighbour_and_level(libore):
    assert libore.boundary_distance_km < BOUNDARY_TOLERANCE_KM
    assert libore.uncertain
    (warning,) = libore.warnings
    assert "Niamey IV" in warning and "region" in warning


def test_far_from_boundaries_no_warning():
    found = locate(14.01, 0.75)
    assert found.boundary_distance_km > BOUNDARY_TOLERANCE_KM
    assert found.warnings == () and not found.uncertain


@pytest.mark.parametrize("precision", [2, 3, "2", 3.0])
def test_geo_precision_2_or_3_is_uncertain(precision):
    found = locate(13.4716, 2.0886, geo_precision=precision)
    assert found.uncertain and found.geo_precision == int(float(precision))
    assert any(w.startswith(f"geo_precision {found.geo_precision}") for w in found.warnings)
    assert found.verdict().startswith("uncertain: ")
    assert found.arrondissement == "Niamey V"  # the units are still given


def test_geo_precision_1_and_bad_values():
    assert not locate(13.4716, 2.0886, geo_precision=1).uncertain
    assert locate(13.4716, 2.0886, geo_precision="").geo_precision is None
    with pytest.raises(InputError, match="geo_precision 7"):
        locate(13.4716, 2.0886, geo_precision=7)


def test_to_dict_is_json_ready(seno, mali):
    for found in (seno, mali):
        data = json.loads(json.dumps(found.to_dict()))
        for key in ("region", "department", "commune", "arrondissement", "inside_niamey", "distance_to_niamey_km"):
            assert key in data
    assert json.loads(json.dumps(mali.to_dict()))["nearest_region"] == "Tillabéri"


def test_package_level_locate_is_callable_both_ways():
    assert isinstance(geo_coi.locate(13.513, 2.112), Location)
    from geo_coi import locate as again

    assert again(13.513, 2.112).arrondissement == "Niamey II"


def test_package_level_locate_stays_the_function_after_every_import():
    # In a fresh interpreter: importing the implementing module and the CLI first
    # must not turn geo_coi.locate into a module (a submodule called "locate" would).
    code = (
        "import inspect, geo_coi.location, geo_coi.cli.locate, geo_coi; from geo_coi import locate; "
        "assert locate is geo_coi.locate is geo_coi.location.locate, locate; "
        "assert inspect.isfunction(locate) and geo_coi.locate_points is geo_coi.location.locate_points; "
        "print(geo_coi.locate(13.4716, 2.0886).arrondissement, locate(13.513, 2.112).arrondissement)"
    )
    assert _fresh_python(code) == "Niamey V Niamey II"


# --- batch ------------------------------------------------------------------------------------

POINTS = pd.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e"],
        "latitude": [13.4716, "abc", 2.0886, 16.27, 13.45],
        "longitude": [2.0886, 2.0, 13.4716, -0.04, 2.17],
        "geo_precision": [1, None, None, 3, 2],
        "region": ["Western Africa"] * 5,  # ACLED's own column: must not be overwritten
    },
    index=[10, 11, 12, 13, 14],
)


@pytest.fixture(scope="module")
def located():
    return locate_points(POINTS)


def test_batch_keeps_every_row_and_column(located):
    assert list(located.index) == list(POINTS.index)
    assert list(located["id"]) == list(POINTS["id"])
    assert list(located["region"]) == ["Western Africa"] * 5
    assert list(located.columns[: len(POINTS.columns)]) == list(POINTS.columns)
    assert "region_located" in located.columns and "error" in located.columns
    assert len(located.columns) == len(POINTS.columns) + len(LOCATED_COLUMNS)


def test_batch_results_match_single_locate(located):
    row = located.loc[10]
    assert row["region_located"] == "Niamey" and row["capital_subunit"] == "Niamey V" and row["error"] == ""
    assert located.loc[13, "country"] == "MLI" and located.loc[13, "inside_country"] == True  # noqa: E712
    assert located.loc[13, "region_located"] == "Gao" and located.loc[13, "capital"] == "Bamako"
    assert located.loc[13, "uncertain"] == True  # noqa: E712  (geo_precision 3 from the column)
    single = locate(13.45, 2.17, 2)
    assert located.loc[14, "distance_to_capital_km"] == pytest.approx(single.distance_to_niamey_km)
    assert located.loc[14, "warnings"] == "; ".join(single.warnings)


def test_batch_bad_rows_get_an_error_not_dropped(located):
    assert "not a number" in located.loc[11, "error"]
    assert "swapped" in located.loc[12, "error"]
    assert pd.isna(located.loc[11, "commune"])


def test_batch_from_csv(tmp_path):
    path = tmp_path / "points.csv"
    POINTS.to_csv(path, index=False)
    table = locate_points(path)
    assert len(table) == len(POINTS)
    assert table["latitude"].tolist()[1] == "abc"  # input values written back as they were
    assert table["commune"].tolist()[0] == "Niamey V"


def test_batch_from_french_excel_csv(tmp_path):
    """Excel in a French locale saves CSV with ";" and Windows-1252: read it, keep the text."""
    path = tmp_path / "points_fr.csv"
    path.write_bytes("lieu;latitude;longitude\nSéno;13.4716;2.0886\nTéra;14.01;0.75\n".encode("cp1252"))
    table = locate_points(path)
    assert table["lieu"].tolist() == ["Séno", "Téra"]
    assert table["commune"].tolist() == ["Niamey V", "Téra"]
    assert table["error"].tolist() == ["", ""]


def test_batch_missing_columns_and_file(tmp_path):
    with pytest.raises(InputError, match="no column 'lat'.*columns are id, latitude"):
        locate_points(POINTS, lat="lat")
    with pytest.raises(InputError, match="cannot read the points file"):
        locate_points(tmp_path / "missing.csv")


def test_single_point_path_imports_no_heavy_library():
    code = (
        "import sys; from geo_coi.location import locate; import geo_coi.cli.locate, geo_coi.gazetteer; "
        "locate(13.4716, 2.0886); locate(16.27, -0.04); geo_coi.gazetteer.resolve('Tera', 'department'); "
        "print(sorted(m for m in ('pandas', 'geopandas', 'matplotlib', 'folium', 'rasterio') if m in sys.modules))"
    )
    assert _fresh_python(code) == "[]"


def _fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported or cached yet)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
