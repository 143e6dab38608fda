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

  function incidentLayer(data, group, state) {
    var P = data.points, S = data.strings, L_ = P.labels;
    var icons = data.types.map(function (t) {
      return L.divIcon({className: "gc-marker gc-shape-" + t.shape + " gc-type-" + t.index,
                        html: "", iconSize: [12, 12]});
    });
    function str(i) { return i < 0 ? "" : S[i]; }
    function popup(layer) {
      var r = P.rows[layer.options.gcRow];
      var rows = [[L_.date, r[3]], [L_.event_type, data.types[r[2]].label]];
      if (r[4] >= 0) { rows.push([L_.sub_event_type, str(r[4])]); }
      rows.push([L_.actors, str(r[5])], [L_.fatalities, r[6]], [L_.location, str(r[7])]);
      if (r[8] >= 0) { rows.push([L_.precision, str(r[8])]); }
      var box = card(data.types[r[2]].label, rows);
      if (r[9] >= 0) { box.appendChild(el("div", "gc-notes", str(r[9]))); }
      return box;
    }
    var cluster = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false,
      maxClusterRadius: 45, chunkProgress: function (done, total) {
        // (also called with 0 of 0 when the group is added to the map before its markers)
        if (done === total && total === P.rows.length) {
          state.markersDrawnMs = performance.now();
          state.loaded = true;
        }
      }});
    var markers = new Array(P.rows.length);
    for (var i = 0; i < P.rows.length; i++) {
      var r = P.rows[i];
      markers[i] = L.marker([r[0], r[1]], {icon: icons[r[2]], keyboard: false, gcRow: i});
    }
    // One listener on the group; a marker's popup is bound on its first click (cheap for 50,000 markers).
    cluster.on("click", function (e) {
      var marker = e.propagatedFrom || e.layer;
      if (!marker.getPopup()) {
        marker.bindPopup(popup, {autoPanPaddingTopLeft: [60, 70], maxWidth: 360}).openPopup();
      }
    });
    group.addLayer(cluster);
    if (markers.length === 0) { state.markersDrawnMs = performance.now(); state.loaded = true; }
    cluster.addLayers(markers);
    return cluster;
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
    state.incidents = incidentLayer(data, layers.incidents, state);
    legendControl(map, data.legend, layers);
    creditsControl(map, data.credits);
    map.fitBounds(data.bounds);
    return state;
  };
}());
