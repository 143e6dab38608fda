"""UNHCR displacement figures summed onto COD-AB units, and the report's October 2024 figures."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo_coi import country, displacement
from geo_coi.admin_index import records
from geo_coi.errors import InputError
from geo_coi.maps import displacement_map


@pytest.fixture(scope="module")
def raw():
    path = country.get("NER").file("displacement_locations")
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle)


def _raw_total(raw, year, pop_types, location=None):
    rows = raw[(raw["year"] == year) & raw["pop_type"].isin(pop_types)]
    if location is not None:
        rows = rows[rows["location"] == location]
    return float(rows["total"].sum())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tillabéri [Admin 1]", ("Tillabéri", "region")),
        ("Ayerou [Admin 2]", ("Ayerou", "department")),
        ("Mangaize [Admin 3: POC]", ("Mangaize", "commune")),
        ("Tillabery region", ("Tillabery", None)),
        ("Niamey : Capital district", ("Niamey", None)),
        ("Camp Abala : Point", ("Abala", None)),
    ],
)
def test_parse_location(text, expected):
    assert displacement.parse_location(text) == expected


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_region_totals_add_up_to_the_file(raw, year):
    frame = displacement.by_unit("region", year=year, pop_types=("IDP",))
    assert len(frame) == len(records("region"))
    assert frame.attrs["unresolved"] == []
    assert frame["value"].sum() + frame.attrs["unallocated"] == pytest.approx(_raw_total(raw, year, ["IDP"]))


def test_region_value_is_unhcr_admin1_row(raw):
    frame = displacement.by_unit("region", year=2024).set_index("name")
    assert frame.loc["Tillabéri", "value"] == _raw_total(raw, 2024, ["IDP"], "Tillabéri [Admin 1]")
    assert frame.attrs["year"] == 2024 and frame.attrs["pop_types"] == ("IDP",)
    assert "UNHCR" in frame.attrs["credit"]


def test_department_level_places_admin2_and_sites(raw):
    frame = displacement.by_unit("department", year=2025, pop_types=("REF",)).set_index("name")
    assert len(frame) == len(records("department"))
    assert frame.loc["Abala", "value"] == _raw_total(raw, 2025, ["REF"], "Abala [Admin 2]")
    # Ouallam department: UNHCR's "Ouallam [Admin 2]" plus the Mangaizé site inside it
    expected = (_raw_total(raw, 2025, ["REF"], "Ouallam [Admin 2]")
                + _raw_total(raw, 2025, ["REF"], "Mangaize [Admin 3: POC]"))
    assert frame.loc["Ouallam", "value"] == expected
    assert math.isnan(frame.loc["Bilma", "value"])  # nothing reported there: no data, not zero
    placed = frame["value"].sum()
    assert placed + frame.attrs["unallocated"] == pytest.approx(_raw_total(raw, 2025, ["REF"]))


def test_latest_year_by_default(raw):
    assert displacement.by_unit().attrs["year"] == int(raw["year"].max())


def test_errors_name_what_to_do():
    with pytest.raises(InputError, match="region, department"):
        displacement.by_unit("commune")
    with pytest.raises(InputError, match="pop_type"):
        displacement.by_unit(pop_types=("IDPS",))
    with pytest.raises(InputError, match="no rows for year 1900"):
        displacement.by_unit(year=1900)


def test_report_figures():
    figures = displacement.report_figures()
    assert set(figures["population"]) == {"IDP", "REF+ASY"}
    assert (figures["as_of"] == "2024-10").all() and figures["source"].str.contains("UNHCR").all()
    regions = {r["pcode"] for r in records("region")}
    idps = figures[figures["population"] == "IDP"]
    national = idps[idps["region_pcode"] == "NE"]["value"].iloc[0]
    by_region = idps[idps["region_pcode"] != "NE"]
    assert set(by_region["region_pcode"]) <= regions
    assert by_region["value"].sum() < national


# --- the map ----------------------------------------------------------------------------------


def test_a_july_2025_report_shows_end_2024_not_a_later_release(tmp_path):
    import datetime

    latest = int(displacement._unhcr_table()["year"].max())
    assert latest >= 2025  # the bundled file holds a release later than the report
    assert displacement.by_unit("region", before=datetime.date(2025, 7, 11)).attrs["year"] == 2024
    fig = displacement_map.displacement_map(figures="unhcr", report_date=datetime.date(2025, 7, 11), language="fr",
                                            dpi=30).fig
    texts = " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "fin 2024" in texts and f"fin {latest}" not in texts
    with pytest.raises(InputError, match="no end-of-year figures before 1990-01-01"):
        displacement.by_unit("region", before=datetime.date(1990, 1, 1))


def test_circles_are_opaque_with_a_halo_and_refugees_have_their_own_hue():
    from matplotlib.colors import to_rgb

    from geo_coi.classes import classify
    from geo_coi.style import DISPLACEMENT_CMAP

    fig = displacement_map.displacement_map(figures="report", dpi=30).fig
    circles = next(c for c in fig.axes[0].collections if c.get_gid() == "circles")
    assert circles.get_alpha() in (None, 1.0) and (circles.get_facecolors()[:, 3] == 1).all()
    assert (circles.get_edgecolors()[:, :3] == 1).all() and circles.get_linewidths()[0] >= 1
    violence = classify([1, 2, 3, 4], k=4).colors[2:]
    refugees = classify([1, 2, 3, 4], k=4, cmap=DISPLACEMENT_CMAP).colors[2:]
    for colour in refugees:
        r, g, b = to_rgb(colour)
        assert b > r and b > g  # purple-blue, not the yellow-brown violence ramp
    assert not set(refugees) & set(violence)
