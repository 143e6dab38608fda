"""Interactive HTML map of the events: one self-contained file that opens offline.

The page (:mod:`geo_coi.maps.html_page`) carries the scripts and stylesheets
of ``geo_coi/data/vendor/`` (Leaflet release files from the npm registry, pinned in ``vendor/VERSIONS``; regenerate with
``scripts/vendor_assets.sh``) inline, or beside it with SRI hashes
(``assets="external"``, for a strict Content-Security-Policy), so it opens
with the network closed. ``vendor/geo_coi/map.js`` builds the map, its
layers, switcher, legend and language switcher from one JSON object. The
incidents travel as typed columns (:mod:`geo_coi.maps.event_payload`) and go
into one cluster index (``gridIndex`` in map.js, each zoom built when it is
first shown); after each move only the clusters and lone events in view are
drawn (a few hundred markers), so a million incidents draw in about a second.
This module builds that object, one per language.

Safety: every text from the data (place names, actors, notes) reaches the page
only through ``textContent``; the JSON is escaped for a ``<script>`` element
(``<``, ``>``, ``&`` written as ``\\u003c`` ...), and the few strings Leaflet
treats as HTML (layer names, tile attribution) are escaped with :func:`html.escape`. By default only the fields the map shows are embedded
(no ``notes``, no ``source``): a shared map is not a copy of the raw data.

Reproducible: boundaries are simplified once with their topology kept
(:func:`shapely.coverage_simplify`) and coordinates rounded to 5 decimals, so
the same input gives a byte-identical file.

In the page, ``window.geoCoi`` holds ``map``, ``incidents`` (``count``: the
events in the index; ``shown()``: the events the drawn markers stand for, a
cluster counting its events; ``layer``: the Leaflet layer of the drawn
markers, each with ``options.gcRow`` (the event's row) or
``options.gcCluster``), ``expected`` (events in the file), ``loaded`` (true
once the first view of the incidents is painted) and ``markersDrawnMs``
(``performance.now()`` at that moment): what the browser tests and load-time
benchmarks read.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import json
import math
from pathlib import Path

import numpy as np

from geo_coi import country, style
from geo_coi.maps import event_payload
from geo_coi.errors import CoordinateError, InputError

DECIMALS = 5
# Display simplification tolerances in degrees: admin units (~330 m, applied to the commune
# coverage every level is built from, topology kept) and the Natural Earth context (~2 km).
SIMPLIFY_DEGREES = {"commune": 0.003, "context": 0.02}
NIGER_BOUNDS = [[11.69, 0.16], [23.53, 16.0]]
VENDOR_CSS = ("leaflet/leaflet.css", "geo_coi/map.css")
DENSITY_CMAP = "YlOrRd"
DISPLACEMENT_COLOR = "#44AA99"
MEASURES = ("incidents", "fatalities", "fatalities_per_100k")


def interactive_map(events, period=None, *, language="en", languages=None, assets="inline", include_notes=False,
                    density=None, displacement=None, armed_groups=None, tiles=None, tiles_attribution=None,
                    title=None, measure="incidents", scheme="fisherjenks", k=5, event_rows=True, hexbin_size_km=None,
                    out=None) -> Path:
    """Write the interactive map of ``events`` as an HTML page (one self-contained file by default).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical event table (:mod:`geo_coi.events`), joined or not; its
        ``attrs`` give the credit line (:func:`geo_coi.style.event_credit`).
    period : geo_coi.periods.Period or (start, end), optional
        Only events in this inclusive period are drawn and counted; it is
        printed in the title. Default: every event.
    language : {"en", "fr", "nl"}
        Language the page opens in.
    languages : sequence of {"en", "fr", "nl"}, optional
        Languages of a switcher in the page header (``language`` first, then
        these in order): one file for several languages. Default: none.
    assets : {"inline", "external"}
        ``"inline"``: one self-contained file. ``"external"``: scripts,
        styles, data and images as files beside the page, with SRI hashes,
        for hosts with a strict Content-Security-Policy
        (:mod:`geo_coi.maps.html_page`).
    include_notes : bool
        Embed each event's ``notes`` in its popup. Off by default: ACLED's
        terms do not allow sharing its raw text, so only the fields the map
        shows are written to the file.
    density : path-like, optional
        A GeoTIFF from :func:`geo_coi.density.write_geotiff`, drawn as an
        image layer.
    displacement : geopandas.GeoDataFrame or True, optional
        Output of :func:`geo_coi.displacement.by_unit` (``name``, ``value``,
        geometry), drawn as proportional circles; ``True`` uses its default.
    armed_groups : geopandas.GeoDataFrame or True, optional
        Output of :func:`geo_coi.armed_groups.areas_of_operation` (``group``,
        ``region``, ``departments``, geometry); ``True`` uses the bundled file.
    tiles : str, optional
        A tile URL template (``https://.../{z}/{x}/{y}.png``), offered as an
        extra base layer (not shown until chosen in the layer switcher). It
        needs the network; the default vector basemap (Natural Earth) needs none.
    tiles_attribution : str, optional
        Credit line the tile provider requires (plain text), e.g.
        ``"© OpenStreetMap contributors"``. Default: ``"Tiles: <host>"``.
    title : str, optional
        Default: "Incidents in Niger" and the period, translated.
    measure : {"incidents", "fatalities", "fatalities_per_100k"}
        What the region and department choropleths colour.
    scheme, k : str, int
        Classification of the choropleths (:func:`geo_coi.classes.classify`,
        the same breaks as the printed maps and the GeoPackage style).
    event_rows : bool
        False writes no event into the file (the public sharing level,
        :mod:`geo_coi.sharing`): no incident markers, only aggregates.
    hexbin_size_km : float, optional
        Add a layer of incidents per hexagon of this size (:func:`geo_coi.density.hexbin_counts`).
    out : path-like, optional
        File to write (atomically). Default ``niger_map_<language>.html`` in
        the current folder.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        Unknown language or measure, missing columns, unreadable layers.
    CoordinateError
        An event in the period has no valid coordinates.
    """
    from geo_coi.maps.html_page import write_page

    codes = list(dict.fromkeys([style.check_language(language),
                                *(style.check_language(code) for code in (languages or ()))]))
    if measure not in MEASURES:
        raise InputError(f"measure {measure!r} is not supported: use one of {', '.join(MEASURES)}")
    selected = _select(events, period)
    layers = _Layers(selected, density, displacement, armed_groups)
    options = {"period": period, "include_notes": include_notes, "tiles": tiles, "title": title,
               "measure": measure, "scheme": scheme, "k": k, "event_rows": event_rows,
               "hexbin_size_km": hexbin_size_km,
               "tiles_credit": (tiles_attribution or _tile_attribution(tiles)) if tiles else None}
    payloads = {code: _payload(selected, layers, options, getattr(events, "attrs", {}) or {}, code)
                for code in codes}
    return write_page(payloads, out if out is not None else f"niger_map_{language}.html", assets)


class _Layers:
    """The inputs every language shares, read once: joined events, density surface, optional layers."""

    def __init__(self, selected, density, displacement, armed_groups):
        self.joined = selected if "region_pcode" in selected else _joined(selected)
        self.density = _density(density) if density is not None else None
        if displacement is True:
            from geo_coi.displacement import by_unit

            displacement = by_unit()
        if armed_groups is True:
            from geo_coi.armed_groups import areas_of_operation

            armed_groups = areas_of_operation()
        self.displacement, self.armed_groups = displacement, armed_groups


def _payload(selected, layers, options, attrs, language) -> dict:
    """The JSON object map.js draws the page from, in ``language``."""
    measure = options["measure"]
    data = {
        "lang": language,
        "title": options["title"] or _default_title(selected, options["period"], language),
        "bounds": NIGER_BOUNDS,
        "view": {"minZoom": 4, "maxZoom": 16, "background": style.COUNTRY_FILL},
        "ui": {key: style.label(f"html_{key}", language)
               for key in ("zoom_in", "zoom_out", "layers", "legend", "close", "ctrl_scroll", "cluster",
                           "language")},
        "types": _types(selected, language),
        "basemap": _basemap(country.active().iso3),
        "polygons": [],
        "legend": [],
        "credits": [],
    }
    shown = selected if options["event_rows"] else selected.iloc[0:0]  # public level: not one event in the file
    data["events"] = _points(shown, data["types"], language, options["include_notes"])
    layer_names = {}
    if options["event_rows"]:
        data["legend"].append(_incident_legend(data["types"], language))
        layer_names["incidents"] = style.label("incidents", language)
    for level in ("region", "department"):
        layer_names[level] = style.typography(f"{style.label(level, language)}: "
                                              f"{style.label(measure, language).lower()}", language)
    layer_names["arrondissement"] = style.label("niamey_arrondissements", language)
    _add_choropleths(data, layers.joined, measure, layer_names, language, options["scheme"], options["k"])
    if options["hexbin_size_km"]:
        _add_hexagons(data, selected, options["hexbin_size_km"], layer_names, language, options["scheme"],
                      options["k"])
    if layers.density is not None:
        data["density"] = {**layers.density, "units": style.label("events_per_km2", language)}
        data["legend"].append(_density_legend(data["density"], language))
        layer_names["density"] = style.label("density_title", language)
    credits = [style.event_credit(attrs, language), style.BOUNDARY_CREDIT]
    if layers.displacement is not None:
        data["displacement"], credit = _displacement(layers.displacement, language)
        data["legend"].append(data["displacement"].pop("legend"))
        layer_names["displacement"] = data["displacement"]["label"]
        credits.append(credit)
    if layers.armed_groups is not None:
        credit = _add_armed_groups(data, layers.armed_groups, language)
        layer_names["areas"] = style.label("areas_title", language)
        credits.append(credit)
    credits.append(style.BASEMAP_CREDIT)
    data["credits"] = [style.localized_credit(c, language) for c in dict.fromkeys(credits) if c]
    data["layers"] = _layer_list(layer_names, options["tiles"], options["tiles_credit"], language)
    return data


def _layer_list(layer_names, tiles, tiles_credit, language):
    """The switcher's entries: base layers (the offline basemap, opt-in tiles), then the overlays."""
    entries = [{"key": "basemap", "name": _html_label(style.label("basemap", language)), "base": True, "show": True}]
    if tiles:
        entries.append({"key": "tiles", "name": _html_label(tiles_credit), "base": True, "show": False,
                        "tiles": tiles, "attribution": _html_label(tiles_credit)})
    off_by_default = {"department", "density", "areas", "displacement"}
    entries += [{"key": key, "name": _html_label(name), "base": False, "show": key not in off_by_default}
                for key, name in layer_names.items()]
    return entries


def marker_count(events, period=None) -> int:
    """How many incident markers :func:`interactive_map` draws for ``events`` in ``period``."""
    return len(_select(events, period))


# --- events ---------------------------------------------------------------------------------


def _select(events, period):
    """Events in ``period`` with valid coordinates, in a fixed order (date, event_id)."""
    missing = [c for c in ("event_date", "event_type", "latitude", "longitude") if c not in events]
    if missing:
        raise InputError(f"event table lacks column(s) {', '.join(missing)}: read it with "
                         "geo_coi.sources.read_events (canonical schema, geo_coi/events.py)")
    if period is not None:
        from geo_coi.events import select

        events = select(events, period=period)
    bad = ~(np.isfinite(events["latitude"].to_numpy(dtype="float64"))
            & np.isfinite(events["longitude"].to_numpy(dtype="float64")))
    if bad.any():
        ids = ", ".join(map(str, events.loc[bad, "event_id"].head(5))) if "event_id" in events else "?"
        raise CoordinateError(f"{int(bad.sum())} event(s) without coordinates (event_id {ids}): "
                              "fix or drop them before mapping")
    order = np.lexsort((events["event_id"].astype(str).to_numpy(),
                        events["event_date"].astype(str).to_numpy())) if "event_id" in events else None
    return events if order is None else events.iloc[order]


def _period_label(period, language):
    """Translated "1 September 2024 – 30 May 2025", or None without a period."""
    if period is None:
        return None
    from geo_coi.periods import Period

    return Period.coerce(period).label(language)


def _default_title(events, period, language):
    when = _period_label(period, language)
    if when is None and len(events):
        dates = events["event_date"]
        when = f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}"
    head = style.label("annex1_title", language)
    return f"{head}, {when}" if when else head


def _types(events, language):
    """Event types in the data: the styled ones in style.py order, then the rest sorted."""
    present = set(_texts(events, "event_type"))
    ordered = [t for t in style.EVENT_SYMBOLS if t in present] + sorted(present - set(style.EVENT_SYMBOLS))
    return [{"name": t, "label": style.label(t or "Other", language), "color": style.event_color(t),
             "shape": style.event_shape(t), "index": i} for i, t in enumerate(ordered)]


def _text(value) -> str:
    """``value`` as stripped text, "" when missing (None, NaN, <NA>)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _points(events, types, language, include_notes):
    """The events payload (:mod:`geo_coi.maps.event_payload`): the columns the popup shows, typed.

    Built column by column (no loop over the events). The codes do not depend
    on ``language`` (so a page in several languages stores them once): only
    the sub-event types' dictionary is translated, and the precision codes are
    worded by map.js.
    """
    lab = functools.partial(style.label, language=language)
    text = functools.partial(_texts, events)
    actors = _join_texts([_with_partner(text("actor1"), text("assoc_actor_1")),
                          _with_partner(text("actor2"), text("assoc_actor_2"))], " – ")
    from geo_coi.gazetteer import display_name

    place, department, region = (_mapped(names, display_name) for names in  # one spelling per place
                                 (text("location"), _first_filled(text("department"), text("admin2_source")),
                                  _first_filled(text("region"), text("admin1_source"))))
    region = np.where((region == place) | (region == department), "", region)  # each name once
    department = np.where(department == place, "", department)
    import pandas as pd

    subtype_codes, subtypes = pd.factorize(text("sub_event_type"), sort=False)
    precision_codes, pairs = pd.factorize(text("geo_precision") + "|" + text("time_precision"), sort=False)
    type_index = {t["name"]: t["index"] for t in types}
    columns = {
        "lat": events["latitude"].to_numpy(dtype="float64"),
        "lon": events["longitude"].to_numpy(dtype="float64"),
        "type": [type_index[t] for t in text("event_type")],
        "date": _dates(events),
        "sub_event_type": {"values": [lab(name) if name else "" for name in subtypes], "codes": subtype_codes},
        "actors": actors,
        "fatalities": _whole_numbers(events, "fatalities"),
        "location": _join_texts([place, department, region], ", "),
        "precision": {"values": [[p or None, t or None] if p or t else None
                                 for p, t in (pair.split("|") for pair in pairs)], "codes": precision_codes},
        "notes": text("notes") if include_notes else np.full(len(events), "", dtype=object),
    }
    labels = {key: lab(key) for key in ("date", "event_type", "sub_event_type", "actors", "location",
                                        "precision", "precision_place", "precision_time")}
    labels["fatalities"] = lab("fatalities_size")
    return event_payload.encode(columns, DECIMALS, labels)


def _mapped(texts, func) -> np.ndarray:
    """``texts`` with ``func`` applied once per distinct non-empty value (a translation, a spelling)."""
    import pandas as pd

    codes, uniques = pd.factorize(texts, sort=False)
    return np.array([func(u) if u else u for u in uniques] + [""], dtype=object)[codes]


def _texts(events, column) -> np.ndarray:
    """``events[column]`` as stripped text, "" where missing (None, NaN, <NA>) or the column is absent."""
    if column not in events:
        return np.full(len(events), "", dtype=object)
    values = events[column].astype(object)
    return values.where(values.notna(), "").astype(str).str.strip().to_numpy(dtype=object)


def _with_partner(names, partners):
    """"name (partner)" where both are given, the name alone otherwise ("" without a name)."""
    return np.where((names != "") & (partners != ""), names + " (" + partners + ")", names)


def _first_filled(first, second):
    """``first`` where it is not empty, else ``second``."""
    return np.where(first != "", first, second)


def _join_texts(parts, sep):
    """Join the non-empty texts of each position of ``parts`` (arrays of equal length) with ``sep``."""
    joined = parts[0]
    for part in parts[1:]:
        joined = np.where((joined != "") & (part != ""), joined + sep + part, joined + part)
    return joined


def _dates(events) -> list[str]:
    """``event_date`` as ISO dates; InputError naming the events without a date."""
    import pandas as pd

    dates = pd.to_datetime(events["event_date"])
    if dates.isna().any():
        ids = ", ".join(map(str, events.loc[dates.isna().to_numpy(), "event_id"].head(5))) \
            if "event_id" in events else "?"
        raise InputError(f"{int(dates.isna().sum())} event(s) without event_date (event_id {ids}): "
                         "fix or drop them before mapping")
    return dates.dt.strftime("%Y-%m-%d").tolist()


def _whole_numbers(events, column) -> list[int | None]:
    """``events[column]`` as whole numbers, None (shown "–": unknown, not 0) where missing or not finite."""
    import pandas as pd

    if column not in events:
        return [None] * len(events)
    values = pd.to_numeric(events[column], errors="coerce").astype("float64").to_numpy()
    known = np.isfinite(values)
    whole = np.trunc(np.where(known, values, 0.0)).astype("int64").tolist()
    return [number if ok else None for number, ok in zip(whole, known.tolist())]


def _incident_legend(types, language):
    """Legend section of the incident symbols, one row per event type present."""
    items = [{"kind": "marker", "color": t["color"], "shape": t["shape"], "label": t["label"]} for t in types]
    return {"layer": "incidents", "title": style.label("event_type", language), "items": items}


# --- admin layers ---------------------------------------------------------------------------


def _add_choropleths(data, events, measure, layer_names, language, scheme="fisherjenks", k=5):
    """Region and department choropleths of ``measure`` plus Niamey's arrondissements."""
    from geo_coi import stats

    joined = events if "region_pcode" in events else _joined(events)
    for level, key in (("region", "region"), ("department", "department")):
        table = stats.by_unit(joined, level)
        values = table.set_index("pcode")[measure].map(_finite).astype(float)
        classes = _classes(values.to_numpy(), measure, language, scheme, k)
        index = classes.assign(values.to_numpy())
        klass = {pcode: int(i) - 1 if i else None for pcode, i in zip(values.index, index)}
        features = _features(level, klass.get, _tooltip_rows(table, language))
        data["polygons"].append({"layer": key, "pane": "gcChoropleth", "tooltips": True,
                                 "colors": classes.colors[1:], "geojson": features,
                                 "style": {"color": style.ADMIN_EDGE, "weight": 1 if level == "region" else 0.6,
                                           "fillOpacity": 0.7, "fillColor": style.NO_DATA_COLOR}})
        items = _class_items(classes, missing=values.isna().any())
        data["legend"].append({"layer": key, "title": layer_names[key], "items": items})
    table = stats.by_unit(joined, "niamey_arrondissement")
    data["polygons"].append({"layer": "arrondissement", "pane": "gcLines", "tooltips": True, "colors": [],
                             "geojson": _features("niamey_arrondissement", lambda pcode: None,
                                                  _tooltip_rows(table, language)),
                             "style": {"color": style.ADMIN_EDGE, "weight": 1.5, "fillOpacity": 0.05,
                                       "fillColor": "#ffffff", "dashArray": "4 3"}})


def _add_hexagons(data, events, size_km, layer_names, language, scheme, k):
    """Incidents per hexagon (cut at the border, as on the printed hexbin map), classed like the choropleths."""
    from geo_coi import admin_index
    from geo_coi.density import hexbin_counts

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
        features.append({"type": "Feature", "geometry": _geojson(geom),
                         "properties": {"n": "", "v": rows, "c": int(index) - 1}})
    data["polygons"].append({"layer": "hexagons", "pane": "gcChoropleth", "tooltips": True,
                             "colors": classes.colors[1:], "style": {"color": "#ffffff", "weight": 0.5,
                                                                     "fillOpacity": 0.8},
                             "geojson": {"type": "FeatureCollection", "features": features}})
    layer_names["hexagons"] = f"{style.label('hexbin_title', language)} " \
                              f"({style.label('hexagons_of', language).format(size=f'{size_km:g}')})"
    data["legend"].append({"layer": "hexagons", "title": layer_names["hexagons"],
                           "items": _class_items(classes, missing=False)})


def _joined(events):
    """Events with admin units attached (geo_coi.join), for the choropleth counts only."""
    from geo_coi.join import join_admin

    return join_admin(events).events


def _tooltip_rows(table, language):
    """pcode -> [[label, text], ...] for a stats.by_unit table."""
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
    from geo_coi.classes import classify

    return classify(values, scheme, k=k, zero_label="0", no_data_label=style.label("no_data", language),
                    decimals=1 if measure == "fatalities_per_100k" else 0, language=language)


def _class_items(classes, missing):
    """Legend rows: zero, one row per class, no data when ``missing``."""
    rows = list(zip(classes.colors[1:], classes.labels[1:]))
    if missing:
        rows.append((classes.colors[0], classes.labels[0]))
    return [{"kind": "swatch", "color": color, "label": text} for color, text in rows]


def _features(level, klass, tooltips):
    """GeoJSON of the simplified ``level`` with name, tooltip rows and class per unit."""
    from geo_coi.gazetteer import display_name

    geoms, records = _simplified(level)
    features = []
    for geom, rec in zip(geoms, records):
        cls = klass(rec["pcode"])
        props = {"n": display_name(rec["name"]), "v": tooltips.get(rec["pcode"], [])}
        if cls is not None:
            props["c"] = cls
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


@functools.cache
def _simplified(level):
    """Admin ``level`` for display, rounded, as GeoJSON dicts, with the records in the same order.

    Every level is read off one simplified commune coverage (shared edges stay
    shared), so regions, departments and Niamey's arrondissements line up
    exactly at every zoom.
    """
    import shapely

    from geo_coi.admin_index import records

    units = records(level)
    communes = _simplified_communes()
    if level in ("commune", "niamey_arrondissement"):
        by_pcode = dict(zip((r["pcode"] for r in records("commune")), communes))
        geoms = [by_pcode[u["pcode"]] for u in units]
    else:
        parent = {"country": None, "region": "region_pcode", "department": "department_pcode"}[level]
        members = {}
        for rec, geom in zip(records("commune"), communes):
            members.setdefault(rec[parent] if parent else units[0]["pcode"], []).append(geom)
        # snap-rounded union: valid, on the rounding grid, edges shared with the communes
        geoms = [shapely.union_all(members[u["pcode"]], grid_size=10.0**-DECIMALS) for u in units]
    return tuple(_geojson(g) for g in geoms), tuple(units)


@functools.cache
def _simplified_communes():
    import shapely

    from geo_coi.admin_index import geometries

    simplified = shapely.coverage_simplify(geometries("commune"), SIMPLIFY_DEGREES["commune"])
    return tuple(shapely.transform(g, lambda xy: np.round(xy, DECIMALS)) for g in simplified)


def _geojson(geom):
    """GeoJSON geometry dict of ``geom`` with coordinates rounded to DECIMALS."""
    import shapely

    rounded = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return json.loads(shapely.to_geojson(rounded))


# --- basemap --------------------------------------------------------------------------------


@functools.cache
def _basemap(iso3: str):
    """Offline vector basemap of pack ``iso3``: neighbours, the country, lakes, rivers, towns (Natural Earth + COD-AB)."""
    import shapely

    from geo_coi.boundaries import load

    tol = SIMPLIFY_DEGREES["context"]

    def collection(geoms):
        feats = [{"type": "Feature", "properties": {}, "geometry": _geojson(g)} for g in geoms
                 if g is not None and not g.is_empty]
        return {"type": "FeatureCollection", "features": feats}

    # h12-split: the pack's own country (Natural Earth ADM0_A3 = ISO3), not a Niger literal; cached per pack
    countries = load("countries")
    countries = countries[countries["ADM0_A3"] != iso3].sort_values("ADM0_A3")
    niger = shapely.union_all(_simplified_communes(), grid_size=10.0**-DECIMALS)
    borders = load("border_lines")  # between neighbours only: Niger's own outline is COD-AB's
    borders = borders[(borders["adm0_a3_l"] != iso3) & (borders["adm0_a3_r"] != iso3)]
    lakes = load("lakes")
    rivers = load("rivers").sort_values("name", kind="mergesort")
    from geo_coi.gazetteer import display_name

    places = load("places")
    keep = (places["ADM0_A3"] == iso3) | (places["SCALERANK"] <= 4)
    places = places[keep].sort_values(["POP_MAX", "name"], ascending=[False, True])
    return {
        "countries": collection(shapely.simplify(countries.geometry.values, tol)),
        "borders": collection(shapely.simplify(borders.geometry.values, tol)),
        "niger": collection([niger]),
        "lakes": collection(shapely.simplify(lakes.geometry.values, tol / 4)),
        "rivers": collection(shapely.simplify(rivers.geometry.values, tol / 4)),
        "fade": _edge_fade(countries.total_bounds),
        "places": [[round(p.y, DECIMALS), round(p.x, DECIMALS), display_name(str(name)), int(cap == 1)]
                   for p, name, cap in zip(places.geometry, places["name"], places["ADM0CAP"])],
        "styles": {
            "countries": {"stroke": False, "fillColor": style.COUNTRY_FILL, "fillOpacity": 1},
            "borders": {"color": style.NEIGHBOUR_EDGE, "weight": 1, "fill": False},
            "niger": {"color": style.ADMIN_EDGE, "weight": 2, "fillColor": "#ffffff", "fillOpacity": 1},
            "lakes": {"color": style.WATER_COLOR, "weight": 0.5, "fillColor": style.WATER_FILL, "fillOpacity": 1},
            "rivers": {"color": style.WATER_COLOR, "weight": 1.2, "fill": False},
        },
    }


FADE_DEGREES, FADE_STEPS = 0.6, 6  # the context layers fade out over this band inside their clip box


def _edge_fade(bounds):
    """Rings in the page background's colour that fade the context layers out towards their clip box.

    The Natural Earth layers are clipped to a box (boundaries/PROVENANCE.md):
    without this, rivers and borders would stop in straight lines. Each ring is
    [outer box, inner box, opacity], boxes as [west, south, east, north]; the
    first covers everything outside the box.
    """
    west, south, east, north = (round(float(v), DECIMALS) for v in bounds)
    step = FADE_DEGREES / FADE_STEPS
    rings = [[[-180.0, -85.0, 180.0, 85.0], [west, south, east, north], 1.0]]
    for i in range(FADE_STEPS):
        outer, inner = i * step, (i + 1) * step
        rings.append([[round(west + outer, DECIMALS), round(south + outer, DECIMALS), round(east - outer, DECIMALS),
                       round(north - outer, DECIMALS)],
                      [round(west + inner, DECIMALS), round(south + inner, DECIMALS), round(east - inner, DECIMALS),
                       round(north - inner, DECIMALS)], round(1 - (i + 1) / (FADE_STEPS + 1), 3)])
    return {"color": style.COUNTRY_FILL, "rings": rings}


# --- optional layers ------------------------------------------------------------------------


def _density(path):
    """The density GeoTIFF reprojected to Web Mercator as a PNG data: URI with its bounds."""
    from geo_coi.density import UNITS, read_geotiff

    surface = read_geotiff(path)
    values, bounds = _to_web_mercator(surface)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    rgba = _colorize(values, top)
    return {"png": _png_base64(rgba), "bounds": bounds, "max": top, "units": UNITS}


def _to_web_mercator(surface):
    from pyproj import Transformer
    from rasterio.transform import array_bounds
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    height, width = surface.values.shape
    west, south, east, north = array_bounds(height, width, surface.transform)
    from geo_coi.crs import GEOGRAPHIC, WEB_MERCATOR

    dst_crs = WEB_MERCATOR
    transform, dst_w, dst_h = calculate_default_transform(surface.crs, dst_crs, width, height,
                                                         left=west, bottom=south, right=east, top=north)
    out = np.full((dst_h, dst_w), np.nan, dtype="float32")
    reproject(surface.values, out, src_transform=surface.transform, src_crs=surface.crs,
              dst_transform=transform, dst_crs=dst_crs, src_nodata=np.nan, dst_nodata=np.nan,
              resampling=Resampling.bilinear)
    to_geo = Transformer.from_crs(dst_crs, GEOGRAPHIC, always_xy=True)
    x0, y0, x1, y1 = array_bounds(dst_h, dst_w, transform)
    (lon0, lon1), (lat0, lat1) = to_geo.transform([x0, x1], [y0, y1])
    bounds = [[round(lat0, DECIMALS), round(lon0, DECIMALS)], [round(lat1, DECIMALS), round(lon1, DECIMALS)]]
    return out, bounds


def _colorize(values, top):
    """RGBA image of a density grid: colour and opacity grow with the value, transparent outside."""
    from matplotlib import colormaps

    scaled = np.where(np.isfinite(values), values / top if top > 0 else 0.0, 0.0)
    rgba = colormaps[DENSITY_CMAP](np.clip(scaled, 0, 1))
    # transparent outside Niger and where the density is negligible, then opaque with the value
    rgba[..., 3] = np.where(scaled > 0.01, 0.35 + 0.6 * np.sqrt(np.clip(scaled, 0, 1)), 0.0)
    return (rgba * 255).round().astype("uint8")


def _png_base64(rgba):
    """PNG (deterministic, no metadata) in base64 (drawn on a canvas by map.js: no data: URI)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _density_legend(density, language):
    """Legend section of the density layer: a colour ramp from 0 to the maximum."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    colors = [to_hex(c) for c in colormaps[DENSITY_CMAP](np.linspace(0, 1, 6))]
    return {"layer": "density", "title": f"{style.label('density_title', language)} ({density['units']})",
            "items": [{"kind": "ramp", "colors": colors, "low": "0",
                       "high": f"{density['max']:.3g}".replace(".", style.decimal_mark(language))}]}


def _displacement(frame, language):
    """Proportional circles at each unit's representative point; units without a value left out."""
    if frame is True:
        from geo_coi.displacement import by_unit

        frame = by_unit()
    _require(frame, ("name", "value", "geometry"), "displacement", "geo_coi.displacement.by_unit")
    frame = frame[np.isfinite(frame["value"].astype(float)) & (frame["value"].astype(float) > 0)]
    top = float(frame["value"].max()) if len(frame) else 1.0
    pop_types = tuple(frame.attrs.get("pop_types", ("IDP",)))
    label = style.label("idps", language) if pop_types == ("IDP",) else ", ".join(pop_types)
    if frame.attrs.get("year"):
        label = f"{label} ({frame.attrs['year']})"
    points = []
    for rec, point in zip(frame.to_dict("records"), frame.geometry.representative_point()):
        value = float(rec["value"])
        points.append([round(point.y, DECIMALS), round(point.x, DECIMALS),
                       round(4 + 22 * math.sqrt(value / top), 2), _text(rec["name"]), _number(value)])
    legend = {"layer": "displacement", "title": label,
              "items": [{"kind": "circle", "color": DISPLACEMENT_COLOR, "label": f"max {_number(top)}"}]}
    spec = {"points": points, "color": DISPLACEMENT_COLOR, "label": label, "legend": legend}
    return spec, frame.attrs.get("credit", style.UNHCR_CREDIT)


def _add_armed_groups(data, frame, language):
    """Add the armed-group areas (one colour per group, style.GROUP_COLORS); return their credit."""
    import shapely

    from geo_coi.gazetteer import display_name

    if frame is True:
        from geo_coi.armed_groups import areas_of_operation

        frame = areas_of_operation()
    _require(frame, ("group", "geometry"), "armed_groups", "geo_coi.armed_groups.areas_of_operation")
    colors = [style.GROUP_COLORS[i % len(style.GROUP_COLORS)] for i in range(len(frame))]
    features = []
    for i, (rec, geom) in enumerate(zip(frame.to_dict("records"), frame.geometry)):
        departments = "; ".join(display_name(name) for name in _text(rec.get("departments")).split("; ") if name)
        rows = [[style.label("region", language), _text(rec.get("region"))],
                [style.label("department", language), departments]]
        shape = _geojson(shapely.simplify(geom, SIMPLIFY_DEGREES["commune"]))
        features.append({"type": "Feature", "geometry": shape,
                         "properties": {"n": _text(style.label(rec["group"], language)), "v": [r for r in rows if r[1]], "c": i}})
    data["polygons"].append({"layer": "areas", "pane": "gcAreas", "tooltips": True, "colors": colors,
                             "outlineByClass": True,
                             "geojson": {"type": "FeatureCollection", "features": features},
                             "style": {"weight": 2, "fillOpacity": 0.18}})
    data["legend"].append({"layer": "areas", "title": style.label("areas_title", language),
                           "items": [{"kind": "swatch", "color": c, "label": _text(style.label(g, language))}
                                     for c, g in zip(colors, frame["group"])]})
    return frame.attrs.get("credit", "")


def _require(frame, columns, argument, producer):
    """Raise InputError naming ``argument`` and the missing columns of an optional layer."""
    missing = [c for c in columns if c not in getattr(frame, "columns", ())]
    if missing:
        raise InputError(f"interactive_map({argument}=...): the table lacks column(s) {', '.join(missing)}; "
                         f"pass the output of {producer}() or True")


# --- page -----------------------------------------------------------------------------------


def _html_label(text: str) -> str:
    """Text for the few places Leaflet reads as HTML (layer names, tile attribution)."""
    return html.escape(text)


def _tile_attribution(tiles: str) -> str:
    """Default credit of an opt-in tile layer: its host name."""
    from urllib.parse import urlsplit

    return f"Tiles: {urlsplit(tiles).netloc or tiles}"
