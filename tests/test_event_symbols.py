"""One symbol per event type (geo_coi/data/event_symbols.csv), shared by the print maps, the HTML map and QGIS."""

from __future__ import annotations

import re
from importlib.resources import files

from matplotlib.markers import MarkerStyle

from geo_coi import style
from geo_coi.maps import markers

ACLED_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments")
UCDP_TYPES = ("State-based conflict", "Non-state conflict", "One-sided violence")
# QGIS SimpleMarker names (qgsmarkersymbollayer.cpp) and SLD 1.1 WellKnownNames
QGIS_SHAPES = {"circle", "triangle", "square", "diamond", "star", "cross_fill", "hexagon", "pentagon"}
SLD_NAMES = {"circle", "triangle", "square", "star", "cross", "x"}


def test_every_acled_type_has_its_own_colour_and_shape():
    symbols = [style.event_symbol(t) for t in ACLED_TYPES] + [style.OTHER_SYMBOL]
    assert len({s["color"].lower() for s in symbols}) == len(symbols)
    assert len({s["shape"] for s in symbols}) == len(symbols)
    assert len({s["marker"] for s in symbols}) == len(symbols)
    assert all(t in style.EVENT_SYMBOLS for t in ACLED_TYPES + UCDP_TYPES)
    assert style.event_symbol("Something else") == style.OTHER_SYMBOL


def test_symbols_are_valid_for_matplotlib_qgis_sld_and_css():
    css = (files("geo_coi") / "data" / "vendor" / "geo_coi" / "map.css").read_text(encoding="utf-8")
    for row in [*style.EVENT_SYMBOLS.values(), style.OTHER_SYMBOL]:
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", row["color"])
        assert MarkerStyle(row["marker"]).get_path().vertices.size  # a filled matplotlib marker
        assert style.marker_area(row["marker"]) > 0.2
        assert row["shape"] in QGIS_SHAPES and row["sld"] in SLD_NAMES
        assert float(row["sld_rotation"]) in (0.0, 45.0)
        assert f".gc-shape-{row['shape']}" in css or row["shape"] in ("circle", "square")


def test_ucdp_types_are_drawn_like_their_acled_analogue():
    for ucdp, acled in zip(UCDP_TYPES, ACLED_TYPES[:3], strict=True):
        assert style.event_color(ucdp) == style.event_color(acled)
        assert style.event_marker(ucdp) == style.event_marker(acled)


def test_charts_keep_the_report_types():
    assert set(style.EVENT_COLORS) == set(ACLED_TYPES[:3] + UCDP_TYPES)


def test_print_map_draws_each_type_with_its_symbol():
    import geopandas as gpd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    types = list(ACLED_TYPES)
    events = gpd.GeoDataFrame({"event_id": [f"E{i}" for i in range(len(types))], "event_type": types,
                               "fatalities": [1] * len(types),
                               "geo_precision": [1] * len(types)},
                              geometry=gpd.points_from_xy([2 + i for i in range(len(types))], [14.0] * len(types)),
                              crs=4326)
    fig, ax = plt.subplots()
    sections, _ = markers.draw_events(ax, events, "en")
    _, handles, labels = sections[0]
    assert labels == types
    for handle, event_type in zip(handles, types, strict=True):
        assert handle.get_marker() == style.event_marker(event_type)
        assert to_hex(handle.get_markerfacecolor()).lower() == style.event_color(event_type).lower()
    drawn = {c.get_gid(): to_hex(c.get_facecolor()[0]).lower() for c in ax.collections}
    assert all(drawn[f"events:{t}"] == style.event_color(t).lower() for t in types)
    plt.close(fig)
