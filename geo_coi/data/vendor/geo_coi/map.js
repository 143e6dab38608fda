/* geo_coi's own script for the interactive map (MIT, part of geo_coi).
 *
 * Builds every data layer from one JSON object written by geo_coi/maps/html.py.
 * Text from the data only ever reaches the page through textContent (never
 * innerHTML), so names, actors and notes cannot inject markup or scripts.
 */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function table(rows) {
    var tbl = el("table");
    rows.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      tbl.appendChild(tr);
    });
    return tbl;
  }

  function card(title, rows) {
    var box = el("div", "gc-popup");
    box.appendChild(el("strong", null, title));
    if (rows && rows.length) { box.appendChild(table(rows)); }
    return box;
  }

  function markerSwatch(type) {
    var sw = el("span", "gc-marker gc-shape-" + type.shape);
    sw.style.background = type.color;
    return sw;
  }

  var LIST_MAX = 200;  // events listed in the popup of a cluster that never splits

  /* The incidents: a Supercluster index of every event; on each move only the clusters and
   * lone events in view are drawn, as small DOM markers (a few hundred at most at any zoom).
   * Popups are built on click from the event's row, text through textContent only. */

  function incidentLayer(map, data, group) {
    var P = data.points, S = data.strings, L_ = P.labels, rows = P.rows;
    var icons = data.types.map(function (t) {
      return L.divIcon({className: "gc-marker gc-shape-" + t.shape + " gc-type-" + t.index,
                        html: "", iconSize: [12, 12]});
    });
    var popupOptions = {autoPanPaddingTopLeft: [60, 70], maxWidth: 380, minWidth: 260, maxHeight: 420, offset: [0, -2]};
    function str(i) { return i < 0 ? "" : S[i]; }
    function eventCard(i) {
      var r = rows[i];
      var lines = [[L_.date, r[3]], [L_.event_type, data.types[r[2]].label]];
      if (r[4] >= 0) { lines.push([L_.sub_event_type, str(r[4])]); }
      lines.push([L_.actors, str(r[5])], [L_.fatalities, r[6] === null ? "\u2013" : r[6]],  // null: unknown
                 [L_.location, str(r[7])]);
      if (r[8] >= 0) { lines.push([L_.precision, str(r[8])]); }
      var box = card(data.types[r[2]].label, lines);
      if (r[9] >= 0) { box.appendChild(el("div", "gc-notes", str(r[9]))); }
      return box;
    }

    var features = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      features[i] = {type: "Feature", properties: {i: i}, geometry: {type: "Point", coordinates: [rows[i][1], rows[i][0]]}};
    }
    var index = new Supercluster({radius: 45, minZoom: map.getMinZoom(), maxZoom: map.getMaxZoom()}).load(features);
    var layer = L.featureGroup().addTo(group);  // (a feature group: its markers' clicks reach it)
    var drawn = {};  // key -> marker now on the layer

    function clusterIcon(count) {
      var inner = el("div");
      inner.appendChild(el("span", null, count));
      return L.divIcon({className: "gc-cluster", html: inner, iconSize: [40, 40]});
    }
    function makeMarker(item) {
      var xy = item.geometry.coordinates, latlng = [xy[1], xy[0]];
      if (item.properties.cluster) {
        return L.marker(latlng, {icon: clusterIcon(item.properties.point_count), keyboard: false,
                                 gcCluster: item.properties.cluster_id, gcCount: item.properties.point_count});
      }
      var i = item.properties.i;
      return L.marker(latlng, {icon: icons[rows[i][2]], keyboard: false, gcRow: i, gcCount: 1});
    }
    function redraw() {
      var b = map.getBounds().pad(0.15);
      var items = index.getClusters([Math.max(b.getWest(), -180), Math.max(b.getSouth(), -85),
                                     Math.min(b.getEast(), 180), Math.min(b.getNorth(), 85)], map.getZoom());
      var next = {};
      items.forEach(function (item) {
        var key = item.properties.cluster ? "c" + item.properties.cluster_id : "e" + item.properties.i;
        var marker = drawn[key];
        if (!marker) { marker = makeMarker(item); layer.addLayer(marker); }
        next[key] = marker;
      });
      Object.keys(drawn).forEach(function (key) { if (!next[key]) { layer.removeLayer(drawn[key]); } });
      drawn = next;
    }
    // One listener on the layer: a lone event opens its card; a cluster zooms in until it splits,
    // or, when its events share one place even at the last zoom, lists them in one popup.
    layer.on("click", function (e) {
      var marker = e.propagatedFrom || e.layer, o = marker.options;
      if (o.gcRow !== undefined) {
        map.openPopup(eventCard(o.gcRow), marker.getLatLng(), popupOptions);
        return;
      }
      var zoom = index.getClusterExpansionZoom(o.gcCluster);
      if (zoom <= map.getMaxZoom()) {
        map.setView(marker.getLatLng(), zoom);
        return;
      }
      var list = el("div", "gc-list");
      index.getLeaves(o.gcCluster, LIST_MAX).forEach(function (leaf) {
        list.appendChild(eventCard(leaf.properties.i));
      });
      if (o.gcCount > LIST_MAX) { list.appendChild(el("div", "gc-more", "… +" + (o.gcCount - LIST_MAX))); }
      map.openPopup(list, marker.getLatLng(), popupOptions);
    });
    map.on("moveend", redraw);
    return {
      count: rows.length,
      layer: layer,
      index: index,
      redraw: redraw,
      /* Events the drawn markers stand for (clusters count their events). */
      shown: function () {
        return layer.getLayers().reduce(function (sum, m) { return sum + m.options.gcCount; }, 0);
      }
    };
  }

  function polygonLayer(spec, group, pane) {
    var layer = L.geoJSON(spec.geojson, {
      pane: pane,
      style: function (f) {
        var style = Object.assign({}, spec.style);
        if (f.properties.c !== undefined && f.properties.c !== null) {
          style.fillColor = spec.colors[f.properties.c];
          if (spec.outlineByClass) { style.color = spec.colors[f.properties.c]; }
        }
        return style;
      },
      onEachFeature: function (f, lyr) {
        if (spec.tooltips) {
          lyr.bindTooltip(function () { return card(f.properties.n, f.properties.v); }, {sticky: true});
        }
      }
    });
    group.addLayer(layer);
    return layer;
  }

  function basemap(spec, group) {
    var styles = spec.styles;
    ["countries", "borders", "niger", "lakes", "rivers"].forEach(function (key) {
      if (spec[key]) {
        group.addLayer(L.geoJSON(spec[key], {pane: "gcBasemap", interactive: false, style: styles[key]}));
      }
    });
    spec.places.forEach(function (p) {
      var dot = L.circleMarker([p[0], p[1]], {pane: "gcTowns", radius: p[3] ? 3.5 : 2.5, weight: 1,
        color: "#222222", fillColor: p[3] ? "#222222" : "#ffffff", fillOpacity: 1, interactive: false});
      dot.bindTooltip(el("span", null, p[2]), {permanent: true, direction: "right", offset: [4, 0],
        className: "gc-town", pane: "gcTownLabels"});
      group.addLayer(dot);
    });
  }

  function displacementLayer(spec, group) {
    spec.points.forEach(function (p) {
      var c = L.circleMarker([p[0], p[1]], {pane: "gcSymbols", radius: p[2], weight: 1, color: "#ffffff",
        fillColor: spec.color, fillOpacity: 0.75});
      c.bindTooltip(function () { return card(p[3], [[spec.label, p[4]]]); }, {sticky: true});
      group.addLayer(c);
    });
  }

  function legendControl(map, sections, layers) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = el("div", "gc-legend");
      sections.forEach(function (section) {
        var part = el("div");
        part.appendChild(el("h4", null, section.title));
        section.items.forEach(function (item) {
          var row = el("div", "gc-legend-row");
          if (item.kind === "marker") {
            row.appendChild(markerSwatch(item));
          } else if (item.kind === "ramp") {
            var ramp = el("div", "gc-ramp");
            ramp.style.background = "linear-gradient(to right, " + item.colors.join(", ") + ")";
            var col = el("div");
            col.appendChild(ramp);
            var labels = el("div", "gc-ramp-labels");
            labels.appendChild(el("span", null, item.low));
            labels.appendChild(el("span", null, item.high));
            col.appendChild(labels);
            row.appendChild(col);
          } else {
            var sw = el("span", "gc-swatch");
            sw.style.background = item.color;
            if (item.kind === "circle") { sw.style.borderRadius = "50%"; sw.style.width = "12px"; }
            row.appendChild(sw);
          }
          if (item.label !== undefined) { row.appendChild(el("span", null, item.label)); }
          part.appendChild(row);
        });
        var layer = layers[section.layer];
        function sync() { part.style.display = layer && map.hasLayer(layer) ? "" : "none"; }
        map.on("overlayadd overlayremove", sync);
        sync();
        box.appendChild(part);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function creditsControl(map, lines) {
    var control = L.control({position: "bottomleft"});
    control.onAdd = function () {
      var box = el("div", "gc-credits");
      lines.forEach(function (line) { box.appendChild(el("div", null, line)); });
      return box;
    };
    control.addTo(map);
  }

  /* Build the map. `layers` maps layer keys to folium's (empty) L.featureGroup objects. */
  window.geoCoiMap = function (map, layers, data) {
    var state = {expected: data.points.rows.length, loaded: false, markersDrawnMs: null};
    window.geoCoi = state;
    state.map = map;
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({imperial: false, maxWidth: 150}).addTo(map);
    [["gcBasemap", 250], ["gcChoropleth", 350], ["gcDensity", 360], ["gcAreas", 370], ["gcLines", 380],
     ["gcSymbols", 390], ["gcTowns", 395], ["gcTownLabels", 396]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("gcTownLabels").style.pointerEvents = "none";
    var title = el("div", "gc-title", data.title);
    map.getContainer().appendChild(title);
    document.title = data.title;

    if (layers.basemap) { basemap(data.basemap, layers.basemap); }
    data.polygons.forEach(function (spec) { polygonLayer(spec, layers[spec.layer], spec.pane); });
    if (data.density) {
      layers.density.addLayer(L.imageOverlay(data.density.url, data.density.bounds,
        {pane: "gcDensity", opacity: 0.8, interactive: false}));
    }
    if (data.displacement) { displacementLayer(data.displacement, layers.displacement); }
    // no incidents layer at the public sharing level: the file holds aggregates only
    state.incidents = layers.incidents ? incidentLayer(map, data, layers.incidents) : null;
    legendControl(map, data.legend, layers);
    creditsControl(map, data.credits);
    map.fitBounds(data.bounds);  // fires moveend: the incidents are drawn
    if (state.incidents) { state.incidents.redraw(); }  // (also when fitBounds did not move the map)
    // "drawn" once the browser has painted the frame with the markers
    requestAnimationFrame(function () {
      setTimeout(function () { state.markersDrawnMs = performance.now(); state.loaded = true; }, 0);
    });
    return state;
  };
}());
