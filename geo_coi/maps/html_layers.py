"""The HTML map's polygon and point layers: choropleths, hexagons, displacement circles, armed-group areas.

Classes come from :func:`geo_coi.classes.classify`, the same breaks as the printed
maps and the GeoPackage style.
"""

from __future__ import annotations

import math

import numpy as np

from geo_coi import admin_index, country, stats, style
from geo_coi.armed_groups import areas_of_operation
from geo_coi.classes import classify
from geo_coi.density import hexbin_counts
from geo_coi.displacement import by_unit
from geo_coi.errors import InputError
from geo_coi.events import joined_frame
from geo_coi.gazetteer import display_name
from geo_coi.maps.html_events import plain_text
from geo_coi.maps.html_geometry import DECIMALS, SIMPLIFY_DEGREES, geojson, simplified

DISPLACEMENT_COLOR = "#44AA99"


def add_choropleths(data, events, measure, layer_names, language, scheme="fisherjenks", k=5):
    """Region and department choropleths of ``measure`` plus the capital's sub-units (Niamey's arrondissements)."""
    joined = joined_frame(events, "interactive_map")
    for level, key in (("region", "region"), ("department", "department")):
        table = stats.by_unit(joined, level)
        values = table.set_index("pcode")[measure].map(_finite).astype(float)
        classes = _classes(values.to_numpy(), measure, language, scheme, k)
        index = classes.assign(values.to_numpy())
        klass = {pcode: int(i) - 1 if i else None for pcode, i in zip(values.index, index, strict=True)}
        features = _features(level, klass.get, _tooltip_rows(table, language))
        data["polygons"].append({"layer": key, "pane": "gcChoropleth", "tooltips": True,
                                 "colors": classes.colors[1:], "geojson": features,
                                 "style": {"color": style.ADMIN_EDGE, "weight": 1 if level == "region" else 0.6,
                                           "fillOpacity": 0.7, "fillColor": style.NO_DATA_COLOR}})
        items = _class_items(classes, missing=values.isna().any())
        data["legend"].append({"layer": key, "title": layer_names[key], "items": items})
    capital = country.active().capital
    if capital is None or not capital.subunit_slot:  # Burkina Faso: no sub-units of Ouagadougou
        return
    table = stats.by_unit(joined, capital.subunit_slot)
    data["polygons"].append({"layer": "arrondissement", "pane": "gcLines", "tooltips": True, "colors": [],
                             "geojson": _features(capital.subunit_slot, lambda _pcode: None,
                                                  _tooltip_rows(table, language)),
                             "style": {"color": style.ADMIN_EDGE, "weight": 1.5, "fillOpacity": 0.05,
                                       "fillColor": "#ffffff", "dashArray": "4 3"}})


def add_hexagons(data, events, size_km, layer_names, language, scheme, k):
    """Incidents per hexagon (cut at the border, as on the printed hexbin map), classed like the choropleths."""
    hexes = hexbin_counts(events, size_km=size_km)
    country = admin_index.geometries("country")[0]
    hexes = hexes.assign(geometry=hexes.geometry.intersection(country).simplify(0.005)).sort_values("hex_id")
    values = hexes["count"].to_numpy(dtype=float)
    classes = _classes(values, "incidents", language, scheme, k)
    features = []
    for geom, count, fatalities, index in zip(hexes.geometry, hexes["count"], hexes["fatalities"],
                                              classes.assign(values), strict=True):
        rows = [[style.label("incidents", language), _number(count)],
                [style.label("fatalities", language), _number(fatalities)]]
        features.append({"type": "Feature", "geometry": geojson(geom),
                         "properties": {"n": "", "v": rows, "c": int(index) - 1}})
    data["polygons"].append({"layer": "hexagons", "pane": "gcChoropleth", "tooltips": True,
                             "colors": classes.colors[1:], "style": {"color": "#ffffff", "weight": 0.5,
                                                                     "fillOpacity": 0.8},
                             "geojson": {"type": "FeatureCollection", "features": features}})
    layer_names["hexagons"] = f"{style.label('hexbin_title', language)} " \
                              f"({style.label('hexagons_of', language).format(size=f'{size_km:g}')})"
    data["legend"].append({"layer": "hexagons", "title": layer_names["hexagons"],
                           "items": _class_items(classes, missing=False)})


def _tooltip_rows(table, language):
    """Pcode -> [[label, text], ...] for a stats.by_unit table."""
    rows = {}
    for rec in table.to_dict("records"):
        lines = [[style.label("incidents", language), _number(rec.get("incidents"))],
                 [style.label("fatalities", language), _number(rec.get("fatalities"))]]
        per = _finite(rec.get("fatalities_per_100k"))
        if per is not None:
            lines.append([style.label("fatalities_per_100k", language),
                          f"{per:.1f}".replace(".", style.decimal_mark(language))])
        rows[rec["pcode"]] = lines
    return rows


def _finite(value) -> float | None:
    """``value`` as a float, or None when it is missing (None, NaN, <NA>)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _number(value) -> str:
    """Whole number with a thin space between thousands; "–" when missing."""
    number = _finite(value)
    return "–" if number is None else f"{round(number):,}".replace(",", "\u202f")


def _classes(values, measure, language, scheme, k):
    """Classes of ``values`` (:func:`geo_coi.classes.classify`, as on the printed maps); zero is class 0 here."""
    return classify(values, scheme, k=k, zero_label="0", no_data_label=style.label("no_data", language),
                    decimals=1 if measure == "fatalities_per_100k" else 0, language=language)


def _class_items(classes, missing):
    """Legend rows: zero, one row per class, no data when ``missing``."""
    rows = list(zip(classes.colors[1:], classes.labels[1:], strict=True))
    if missing:
        rows.append((classes.colors[0], classes.labels[0]))
    return [{"kind": "swatch", "color": color, "label": text} for color, text in rows]


def _features(level, klass, tooltips):
    """GeoJSON of the simplified ``level`` with name, tooltip rows and class per unit."""
    geoms, records = simplified(level)
    features = []
    for geom, rec in zip(geoms, records, strict=True):
        cls = klass(rec["pcode"])
        props = {"n": display_name(rec["name"]), "v": tooltips.get(rec["pcode"], [])}
        if cls is not None:
            props["c"] = cls
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


def displacement_layer(frame, language):
    """Proportional circles at each unit's representative point; units without a value left out."""
    if frame is True:
        frame = by_unit()
    _require(frame, ("name", "value", "geometry"), "displacement", "geo_coi.displacement.by_unit")
    frame = frame[np.isfinite(frame["value"].astype(float)) & (frame["value"].astype(float) > 0)]
    top = float(frame["value"].max()) if len(frame) else 1.0
    pop_types = tuple(frame.attrs.get("pop_types", ("IDP",)))
    label = style.label("idps", language) if pop_types == ("IDP",) else ", ".join(pop_types)
    if frame.attrs.get("year"):
        label = f"{label} ({frame.attrs['year']})"
    points = []
    for rec, point in zip(frame.to_dict("records"), frame.geometry.representative_point(), strict=True):
        value = float(rec["value"])
        points.append([round(point.y, DECIMALS), round(point.x, DECIMALS),
                       round(4 + 22 * math.sqrt(value / top), 2), plain_text(rec["name"]), _number(value)])
    legend = {"layer": "displacement", "title": label,
              "items": [{"kind": "circle", "color": DISPLACEMENT_COLOR, "label": f"max {_number(top)}"}]}
    spec = {"points": points, "color": DISPLACEMENT_COLOR, "label": label, "legend": legend}
    return spec, frame.attrs.get("credit", style.UNHCR_CREDIT)


def add_armed_groups(data, frame, language):
    """Add the armed-group areas (one colour per group, style.GROUP_COLORS); return their credit."""
    import shapely

    if frame is True:
        frame = areas_of_operation()
    _require(frame, ("group", "geometry"), "armed_groups", "geo_coi.armed_groups.areas_of_operation")
    colors = [style.GROUP_COLORS[i % len(style.GROUP_COLORS)] for i in range(len(frame))]
    features = []
    for i, (rec, geom) in enumerate(zip(frame.to_dict("records"), frame.geometry, strict=True)):
        departments = "; ".join(display_name(name) for name in plain_text(rec.get("departments")).split("; ") if name)
        rows = [[style.label("region", language), plain_text(rec.get("region"))],
                [style.label("department", language), departments]]
        shape = geojson(shapely.simplify(geom, SIMPLIFY_DEGREES["commune"]))
        features.append({"type": "Feature", "geometry": shape,
                         "properties": {"n": plain_text(style.label(rec["group"], language)),
                                        "v": [r for r in rows if r[1]], "c": i}})
    data["polygons"].append({"layer": "areas", "pane": "gcAreas", "tooltips": True, "colors": colors,
                             "outlineByClass": True,
                             "geojson": {"type": "FeatureCollection", "features": features},
                             "style": {"weight": 2, "fillOpacity": 0.18}})
    data["legend"].append({"layer": "areas", "title": style.label("areas_title", language),
                           "items": [{"kind": "swatch", "color": c, "label": plain_text(style.label(g, language))}
                                     for c, g in zip(colors, frame["group"], strict=True)]})
    return frame.attrs.get("credit", "")


def _require(frame, columns, argument, producer):
    """Raise InputError naming ``argument`` and the missing columns of an optional layer."""
    missing = [c for c in columns if c not in getattr(frame, "columns", ())]
    if missing:
        raise InputError(f"interactive_map({argument}=...): the table lacks column(s) {', '.join(missing)}; "
                         f"pass the output of {producer}() or True")
