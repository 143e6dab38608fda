r"""Interactive HTML map of the events: one self-contained file that opens offline.

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
This module builds that object, one per language, from its parts:
:mod:`~geo_coi.maps.html_events` (the incidents), :mod:`~geo_coi.maps.html_layers`
(choropleths, hexagons, displacement, armed groups), :mod:`~geo_coi.maps.html_density`,
:mod:`~geo_coi.maps.html_basemap` over :mod:`~geo_coi.maps.html_geometry`; the page is
:mod:`~geo_coi.maps.html_page`.

Safety: every text from the data (place names, actors, notes) reaches the page
only through ``textContent``; the JSON is escaped for a ``<script>`` element
(``<``, ``>``, ``&`` written as ``\\u003c`` ...), and the few strings Leaflet
treats as HTML (layer names, tile attribution) are escaped with :func:`html.escape`.
By default only the fields the map shows are embedded
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

import html
from pathlib import Path

from geo_coi import country, style
from geo_coi.armed_groups import areas_of_operation
from geo_coi.displacement import by_unit
from geo_coi.errors import InputError
from geo_coi.events import joined_frame
from geo_coi.maps import html_layers
from geo_coi.maps.html_basemap import basemap
from geo_coi.maps.html_density import density_layer, density_legend
from geo_coi.maps.html_events import incident_legend, points, select_events, type_entries
from geo_coi.maps.html_page import write_page
from geo_coi.periods import Period

MEASURES = ("incidents", "fatalities", "fatalities_per_100k")


def interactive_map(events, period=None, *, language="en", languages=None, assets="inline", include_notes=False,
                    density=None, displacement=None, armed_groups=None, tiles=None, tiles_attribution=None,
                    title=None, measure="incidents", scheme="fisherjenks", k=5, event_rows=True, hexbin_size_km=None,
                    event_types="report", out=None) -> Path:
    """Write the interactive map of ``events`` as an HTML page (one self-contained file by default).

    Parameters
    ----------
    events : geo_coi.pipeline.Events or geopandas.GeoDataFrame
        The events of :func:`geo_coi.pipeline.load`, or a joined frame
        (:func:`geo_coi.join.join_admin`); its ``attrs`` give the credit line
        (:func:`geo_coi.style.event_credit`).
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
    event_types : collection of str, "report" or None
        ``"report"`` (the default): the types the report counts
        (:func:`geo_coi.stats.default_event_types`, as the CLI and the annex); None: every type.
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
        Unknown language or measure, missing columns, events not joined, unreadable layers.
    CoordinateError
        An event in the period has no valid coordinates.
    """
    codes = list(dict.fromkeys([style.check_language(language),
                                *(style.check_language(code) for code in (languages or ()))]))
    if measure not in MEASURES:
        raise InputError(f"measure {measure!r} is not supported: use one of {', '.join(MEASURES)}")
    events = joined_frame(events, "interactive_map")
    selected = select_events(events, period, event_types)
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
        self.joined = selected
        self.density = density_layer(density) if density is not None else None
        if displacement is True:
            displacement = by_unit()
        if armed_groups is True:
            armed_groups = areas_of_operation()
        self.displacement, self.armed_groups = displacement, armed_groups


def _payload(selected, layers, options, attrs, language) -> dict:
    """The JSON object map.js draws the page from, in ``language``."""
    measure = options["measure"]
    data = {
        "lang": language,
        "title": options["title"] or _default_title(selected, options["period"], language),
        "bounds": _bounds(),
        "view": {"minZoom": 4, "maxZoom": 16, "background": style.COUNTRY_FILL},
        "ui": {key: style.label(f"html_{key}", language)
               for key in ("zoom_in", "zoom_out", "layers", "legend", "close", "ctrl_scroll", "cluster",
                           "language")},
        "types": type_entries(selected, language),
        "basemap": basemap(),
        "polygons": [],
        "legend": [],
        "credits": [],
    }
    shown = selected if options["event_rows"] else selected.iloc[0:0]  # public level: not one event in the file
    data["events"] = points(shown, data["types"], language, options["include_notes"])
    layer_names = {}
    if options["event_rows"]:
        data["legend"].append(incident_legend(data["types"], language))
        layer_names["incidents"] = style.label("incidents", language)
    for level in ("region", "department"):
        layer_names[level] = style.typography(f"{style.label(level, language)}: "
                                              f"{style.label(measure, language).lower()}", language)
    subunits = _capital_subunits(language)
    if subunits:
        layer_names["arrondissement"] = subunits
    html_layers.add_choropleths(data, layers.joined, measure, layer_names, language, options["scheme"], options["k"])
    if options["hexbin_size_km"]:
        html_layers.add_hexagons(data, selected, options["hexbin_size_km"], layer_names, language, options["scheme"],
                      options["k"])
    if layers.density is not None:
        data["density"] = {**layers.density, "units": style.label("events_per_km2", language)}
        data["legend"].append(density_legend(data["density"], language))
        layer_names["density"] = style.label("density_title", language)
    credits = [style.event_credit(attrs, language), style.boundary_credit()]
    if layers.displacement is not None:
        data["displacement"], credit = html_layers.displacement_layer(layers.displacement, language)
        data["legend"].append(data["displacement"].pop("legend"))
        layer_names["displacement"] = data["displacement"]["label"]
        credits.append(credit)
    if layers.armed_groups is not None:
        credit = html_layers.add_armed_groups(data, layers.armed_groups, language)
        layer_names["areas"] = style.label("areas_title", language)
        credits.append(credit)
    credits.append(style.basemap_credit())
    data["credits"] = [style.localized_credit(c, language) for c in dict.fromkeys(credits) if c]
    data["layers"] = _layer_list(layer_names, options["tiles"], options["tiles_credit"], language)
    return data


def _bounds():
    """The map's first view: the active pack's outline box as ``[[south, west], [north, east]]``."""
    west, south, east, north = country.active().bbox
    return [[south, west], [north, east]]


def _capital_subunits(language):
    """The layer name of the capital's sub-units ("Niamey: communal arrondissements"); None without sub-units."""
    pack = country.active()
    if pack.capital is None or not pack.capital.subunit_slot:
        return None
    name = style.label(f"capital_inset:{pack.iso3}", language)
    return pack.capital.name if name.startswith("capital_inset:") else name


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


def marker_count(events, period=None, event_types="report") -> int:
    """How many incident markers :func:`interactive_map` draws for ``events`` in ``period``."""
    return len(select_events(joined_frame(events, "marker_count"), period, event_types))


def _period_label(period, language):
    """Translated "1 September 2024 – 30 May 2025", or None without a period."""
    if period is None:
        return None
    return Period.coerce(period).label(language)


def _default_title(events, period, language):
    when = _period_label(period, language)
    if when is None and len(events):
        dates = events["event_date"]
        when = f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}"
    head = style.label("annex1_title", language)
    return f"{head}, {when}" if when else head


def _html_label(text: str) -> str:
    """Text for the few places Leaflet reads as HTML (layer names, tile attribution)."""
    return html.escape(text)


def _tile_attribution(tiles: str) -> str:
    """Default credit of an opt-in tile layer: its host name."""
    from urllib.parse import urlsplit

    return f"Tiles: {urlsplit(tiles).netloc or tiles}"
