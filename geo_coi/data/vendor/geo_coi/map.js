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
      var td = el("td");
      td.appendChild(el("bdi", null, row[1]));  // an RTL override in one value cannot flip its neighbours
      tr.appendChild(td);
      tbl.appendChild(tr);
    });
    return tbl;
  }

  function card(title, rows) {
    var box = el("div", "gc-popup");
    var head = el("strong");
    head.appendChild(el("bdi", null, title));
    box.appendChild(head);
    if (rows && rows.length) { box.appendChild(table(rows)); }
    return box;
  }

  function markerSwatch(type) {
    var sw = el("span", "gc-marker gc-shape-" + type.shape);
    sw.style.background = type.color;
    return sw;
  }

  /* A div icon coloured through the DOM (no inline style markup, so a strict CSP allows it). */
  var ColorIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var div = L.DivIcon.prototype.createIcon.call(this, old);
      div.style.background = this.options.gcColor;
      return div;
    }
  });

  var LIST_MAX = 200;  // events listed in the popup of a cluster that never splits

  /* The incidents: a cluster index of every event (gridIndex); on each move only the clusters and
   * lone events in view are drawn, as small DOM markers (a few hundred at most at any zoom).
   * Popups are built on click from the event's columns, text through textContent only. */

  /* The events as typed columns (geo_coi/maps/event_payload.py writes them): coordinates as Int32
   * multiples of 1/scale degree, every other field a dictionary of values plus one code per event.
   * Columns are unpacked from base64 the first time they are read: only lat, lon and type at load,
   * a popup's fields at the first popup. */
  var DTYPES = {u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, i4: Int32Array};

  function unpack(packed) {
    var bin = atob(packed.data), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new DTYPES[packed.dtype](bytes.buffer);
  }

  function eventColumns(spec) {
    var unpacked = {};
    function codes(name) {
      if (!unpacked[name]) {
        var c = spec.columns[name];
        unpacked[name] = unpack(c.codes || c);
      }
      return unpacked[name];
    }
    return {
      n: spec.n,
      lat: function (i) { return codes("lat")[i] / spec.scale; },
      lon: function (i) { return codes("lon")[i] / spec.scale; },
      /* The value of dictionary column `name` for event i. */
      get: function (name, i) { return spec.columns[name].values[codes(name)[i]]; }
    };
  }

  /* The cluster index: for each zoom a user visits, the events grouped into cells of RADIUS pixels,
   * each cell merged into a neighbour whose centre lies within RADIUS, in typed arrays.
   * (Not Supercluster, which this page used before: it builds every zoom up front, O(n log n) each,
   * about 4 s for a million events; this builds one zoom in one O(n) pass when it is first shown.)
   * The interface is Supercluster's: getClusters, getClusterExpansionZoom, getLeaves. */
  var RADIUS = 45;

  function gridIndex(ev, minZoom, maxZoom) {
    var n = ev.n, xs = new Float64Array(n), ys = new Float64Array(n), levels = {};
    for (var i = 0; i < n; i++) { xs[i] = mercX(ev.lon(i)); ys[i] = mercY(ev.lat(i)); }

    function mercX(lon) { return lon / 360 + 0.5; }
    function mercY(lat) {
      var s = Math.sin(lat * Math.PI / 180), y = 0.5 - 0.25 * Math.log((1 + s) / (1 - s)) / Math.PI;
      return y < 0 ? 0 : y > 1 ? 1 : y;
    }
    function lonOf(x) { return (x - 0.5) * 360; }
    function latOf(y) { return 360 * Math.atan(Math.exp((180 - y * 360) * Math.PI / 180)) / Math.PI - 90; }
    function cellSize(z) { return RADIUS / (256 * Math.pow(2, z)); }

    /* Zoom z: clusters as arrays (x, y centre, count, first member in `order`), members in `order`. */
    function level(z) {
      if (levels[z]) { return levels[z]; }
      var size = cellSize(z), side = Math.ceil(1 / size) + 1, cells = new Map();
      var cellOf = new Int32Array(n), kx = [], ky = [], count = [], sx = [], sy = [];
      for (var i = 0; i < n; i++) {
        var cx = Math.floor(xs[i] / size), cy = Math.floor(ys[i] / size), key = cx * side + cy;
        var c = cells.get(key);
        if (c === undefined) { c = count.length; cells.set(key, c); kx.push(cx); ky.push(cy); count.push(0); sx.push(0); sy.push(0); }
        cellOf[i] = c; count[c]++; sx[c] += xs[i]; sy[c] += ys[i];
      }
      // merge each cell into an earlier neighbour whose centre is within RADIUS of its own
      var m = count.length, parent = new Int32Array(m).fill(-1), limit = size * size;
      for (c = 0; c < m; c++) {
        for (var dx = -1; dx <= 1 && parent[c] < 0; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            var d = cells.get((kx[c] + dx) * side + ky[c] + dy);
            if (d === undefined || d >= c || parent[d] >= 0) { continue; }
            var ex = sx[c] / count[c] - sx[d] / count[d], ey = sy[c] / count[c] - sy[d] / count[d];
            if (ex * ex + ey * ey < limit) { parent[c] = d; break; }
          }
        }
      }
      var id = new Int32Array(m), k = 0;
      for (c = 0; c < m; c++) { id[c] = parent[c] < 0 ? k++ : id[parent[c]]; }
      var total = new Int32Array(k), cxs = new Float64Array(k), cys = new Float64Array(k);
      for (c = 0; c < m; c++) { total[id[c]] += count[c]; cxs[id[c]] += sx[c]; cys[id[c]] += sy[c]; }
      var start = new Int32Array(k + 1);
      for (c = 0; c < k; c++) { start[c + 1] = start[c] + total[c]; cxs[c] /= total[c]; cys[c] /= total[c]; }
      var fill = start.slice(0, k), order = new Int32Array(n);
      for (i = 0; i < n; i++) { cellOf[i] = id[cellOf[i]]; order[fill[cellOf[i]]++] = i; }
      levels[z] = {x: cxs, y: cys, start: start, order: order, of: cellOf};  // of: each event's cluster
      return levels[z];
    }
    function zoomOf(zoom) { return Math.max(minZoom, Math.min(maxZoom, Math.floor(zoom))); }
    function members(clusterId) {
      var lv = level(clusterId % 32), c = Math.floor(clusterId / 32);
      return lv.order.subarray(lv.start[c], lv.start[c + 1]);
    }
    return {
      getClusters: function (bbox, zoom) {
        var z = zoomOf(zoom), lv = level(z), items = [];
        var x0 = mercX(bbox[0]), x1 = mercX(bbox[2]), y0 = mercY(bbox[3]), y1 = mercY(bbox[1]);
        for (var c = 0; c < lv.x.length; c++) {
          if (lv.x[c] < x0 || lv.x[c] > x1 || lv.y[c] < y0 || lv.y[c] > y1) { continue; }
          var size = lv.start[c + 1] - lv.start[c];
          if (size === 1) {
            var i = lv.order[lv.start[c]];
            items.push({properties: {i: i}, geometry: {coordinates: [ev.lon(i), ev.lat(i)]}});
          } else {
            items.push({properties: {cluster: true, cluster_id: c * 32 + z, point_count: size},
                        geometry: {coordinates: [lonOf(lv.x[c]), latOf(lv.y[c])]}});
          }
        }
        return items;
      },
      /* The first zoom at which the cluster's events fall into more than one cluster; maxZoom + 1 if none
       * (its events share one place). */
      getClusterExpansionZoom: function (clusterId) {
        var own = members(clusterId);
        for (var z = clusterId % 32 + 1; z <= maxZoom; z++) {
          var of = level(z).of, first = of[own[0]];
          for (var j = 1; j < own.length; j++) { if (of[own[j]] !== first) { return z; } }
        }
        return maxZoom + 1;
      },
      getLeaves: function (clusterId, limit) {
        return Array.prototype.slice.call(members(clusterId), 0, limit).map(function (i) { return {properties: {i: i}}; });
      }
    };
  }

  function incidentLayer(map, data, group) {
    var ev = eventColumns(data.events), L_ = data.events.labels;
    var icons = data.types.map(function (t) {
      return new ColorIcon({className: "gc-marker gc-shape-" + t.shape + " gc-type-" + t.index,
                            html: "", iconSize: [12, 12], gcColor: t.color});
    });
    var popupOptions = {autoPanPaddingTopLeft: [60, 70], maxWidth: 380, minWidth: 260, maxHeight: 420, offset: [0, -2]};
    function precision(pair) {
      return L_.precision_place + " " + (pair[0] === null ? "\u2013" : pair[0]) + ", " +
             L_.precision_time + " " + (pair[1] === null ? "\u2013" : pair[1]);
    }
    function eventCard(i) {
      var type = data.types[ev.get("type", i)], fatalities = ev.get("fatalities", i), pair = ev.get("precision", i);
      var lines = [[L_.date, ev.get("date", i)], [L_.event_type, type.label]];
      if (ev.get("sub_event_type", i)) { lines.push([L_.sub_event_type, ev.get("sub_event_type", i)]); }
      lines.push([L_.actors, ev.get("actors", i)], [L_.fatalities, fatalities === null ? "\u2013" : fatalities],  // null: unknown
                 [L_.location, ev.get("location", i)]);
      if (pair !== null) { lines.push([L_.precision, precision(pair)]); }
      var box = card(type.label, lines);
      if (ev.get("notes", i)) {
        var notes = el("div", "gc-notes");
        notes.appendChild(el("bdi", null, ev.get("notes", i)));
        box.appendChild(notes);
      }
      return box;
    }

    var started = performance.now();
    var index = gridIndex(ev, map.getMinZoom(), map.getMaxZoom());
    var indexMs = performance.now() - started;
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
        var n = item.properties.point_count;
        // keyboard: Tab reaches it, Enter opens it (the same handler as a click)
        return L.marker(latlng, {icon: clusterIcon(n), keyboard: true, title: data.ui.cluster.replace("{n}", n),
                                 gcCluster: item.properties.cluster_id, gcCount: n});
      }
      var i = item.properties.i, type = ev.get("type", i);
      // a lone event is drawn above every cluster icon, so none hides it
      return L.marker(latlng, {icon: icons[type], keyboard: true, title: data.types[type].label + ", " + ev.get("date", i),
                               zIndexOffset: 1000, gcRow: i, gcCount: 1});
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
    function open(e) {
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
      if (o.gcCount > LIST_MAX) { list.appendChild(el("div", "gc-more", "\u2026 +" + (o.gcCount - LIST_MAX))); }
      map.openPopup(list, marker.getLatLng(), popupOptions);
    }
    layer.on("click", open);
    layer.on("keypress", function (e) {
      if (e.originalEvent.key === "Enter" || e.originalEvent.key === " ") { open(e); }
    });
    map.on("moveend", redraw);
    return {
      count: ev.n,
      indexMs: indexMs,  // time to build the cluster index (bench/bench_html.py reports it)
      lat: ev.lat,  // event i's coordinates, as drawn
      lon: ev.lon,
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
    if (spec.fade) {  // the context layers fade out before the edge of their clip box
      spec.fade.rings.forEach(function (ring) {
        function box(b) { return [[b[1], b[0]], [b[3], b[0]], [b[3], b[2]], [b[1], b[2]]]; }
        group.addLayer(L.polygon([box(ring[0]), box(ring[1])], {pane: "gcBasemap", interactive: false, stroke: false,
          fillColor: spec.fade.color, fillOpacity: ring[2]}));
      });
    }
    spec.places.forEach(function (p) {
      var dot = L.circleMarker([p[0], p[1]], {pane: "gcTowns", radius: p[3] ? 3.5 : 2.5, weight: 1,
        color: "#222222", fillColor: p[3] ? "#222222" : "#ffffff", fillOpacity: 1, interactive: false});
      dot.bindTooltip(el("bdi", null, p[2]), {permanent: true, direction: "right", offset: [4, 0],
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

  /* The legend: one section per layer, shown only while that layer is on; a button folds it away. */
  function legendControl(map, data, layers) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = el("div", "gc-legend");
      var button = el("button", "gc-legend-toggle", data.ui.legend);
      button.type = "button";
      button.setAttribute("aria-expanded", "true");
      var body = el("div", "gc-legend-body");
      body.id = "gc-legend-body";
      button.setAttribute("aria-controls", body.id);
      button.addEventListener("click", function () { control.setOpen(box.classList.contains("gc-folded")); });
      box.appendChild(button);
      box.appendChild(body);
      data.legend.forEach(function (section) {
        var part = el("div", "gc-legend-section");
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
          if (item.label !== undefined) { row.appendChild(el("bdi", null, item.label)); }
          part.appendChild(row);
        });
        var layer = layers[section.layer];
        part.gcSync = function () { part.style.display = layer && map.hasLayer(layer) ? "" : "none"; };
        part.gcSync();
        body.appendChild(part);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      control.box = box;
      control.body = body;
      control.button = button;
      return box;
    };
    control.setOpen = function (open) {
      control.box.classList.toggle("gc-folded", !open);
      control.button.setAttribute("aria-expanded", open ? "true" : "false");
      control.userChoice = open;
    };
    control.sync = function () {
      var parts = control.body.children, any = false;
      for (var i = 0; i < parts.length; i++) { parts[i].gcSync(); any = any || parts[i].style.display !== "none"; }
      control.box.style.display = any ? "" : "none";
    };
    control.addTo(map);
    control.sync();
    return control;
  }

  function rect(node) { return node.getBoundingClientRect(); }
  function overlaps(a, b) {
    return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  }

  var WIDE = 900;  // map width (px) from which the layer switcher stays open

  /* Keep the controls apart at any size: the switcher folds below WIDE px (or when it would take more
   * than 40 % of the height), the legend scrolls inside the room the other controls leave, and folds
   * when even that is too little or it would cover more than a fifth of the map. */
  function arrange(map, state) {
    var box = map.getContainer().getBoundingClientRect(), w = box.width, h = box.height;
    if (!w || !h) { return; }
    var wantOpen = w >= WIDE;
    if (state.switcherOpen !== wantOpen) { state.switcherOpen = wantOpen; state.makeSwitcher(wantOpen); }
    if (wantOpen) {
      var list = state.switcher.getContainer();
      if (list.offsetHeight > 0.4 * h) { state.switcherOpen = false; state.makeSwitcher(false); }
    }
    var legend = state.legend, lbox = legend.box;
    if (lbox.style.display === "none") { return; }
    var open = legend.userChoice !== undefined ? legend.userChoice : w >= 480;
    lbox.classList.toggle("gc-folded", !open);
    legend.button.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { return; }
    var top = rect(state.switcher.getContainer()).bottom - box.top, corner = lbox.parentNode;
    var below = box.bottom - rect(lbox).bottom;  // attribution under the legend
    var scale = map.getContainer().querySelector(".leaflet-control-scale");
    var scaleRight = scale ? rect(scale).right - box.left : 0;
    lbox.style.maxWidth = Math.max(140, Math.min(300, w - scaleRight - 30)) + "px";
    var room = h - top - below - 20 - legend.button.offsetHeight;
    var share = 0.2 * w * h / Math.max(lbox.offsetWidth, 1);  // at most a fifth of the map
    legend.body.style.maxHeight = Math.max(0, Math.floor(Math.min(room, share))) + "px";
    var others = map.getContainer().querySelectorAll(".leaflet-control");
    var clash = room < 70;
    for (var i = 0; i < others.length && !clash; i++) {
      if (others[i] !== lbox && others[i].offsetWidth && overlaps(rect(lbox), rect(others[i]))) { clash = true; }
    }
    if (clash) { lbox.classList.add("gc-folded"); legend.button.setAttribute("aria-expanded", "false"); }
  }

  /* The page scrolls over an embedded map: the wheel zooms only after a click on the map or with Ctrl
   * (a map that fills the window zooms with the wheel at once). */
  function guardWheel(map, ui, root) {
    var container = map.getContainer();
    // embedded: in an iframe, or the page is taller or smaller than the window (it scrolls, or sits in a host page)
    var embedded = window.self !== window.top || root.offsetHeight < window.innerHeight - 4 ||
      root.offsetWidth < window.innerWidth - 4 || document.documentElement.scrollHeight > window.innerHeight + 4;
    if (!embedded) { return; }
    map.scrollWheelZoom.disable();
    var hint = el("div", "gc-wheel-hint", ui.ctrl_scroll), timer = null;
    hint.setAttribute("aria-hidden", "true");
    container.appendChild(hint);
    container.addEventListener("wheel", function (e) {
      if (map.scrollWheelZoom.enabled()) { return; }
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();  // (no page zoom)
        var point = map.mouseEventToContainerPoint(e);
        map.setZoomAround(point, map.getZoom() + (e.deltaY < 0 ? 1 : -1));
        return;
      }
      hint.classList.add("gc-shown");
      clearTimeout(timer);
      timer = setTimeout(function () { hint.classList.remove("gc-shown"); }, 1500);
    }, {passive: false});
    map.on("click", function () { map.scrollWheelZoom.enable(); hint.classList.remove("gc-shown"); });
    container.addEventListener("mouseleave", function () { map.scrollWheelZoom.disable(); });
  }

  function layersIcon() {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    ["M12 3 2 8l10 5 10-5z", "M2 12.5l10 5 10-5", "M2 17l10 5 10-5"].forEach(function (d, i) {
      var path = document.createElementNS(ns, "path");
      path.setAttribute("d", d);
      path.setAttribute("class", i ? "gc-icon-line" : "gc-icon-fill");
      svg.appendChild(path);
    });
    return svg;
  }

  /* `data` in `language`: the [path, value] pairs of its patch (html.py) set on a copy; only the
   * objects along the patched paths are copied, the shared bulk (events, shapes) is not. */
  function localized(data, language) {
    var patch = data.i18n && data.i18n.patches[language];
    if (!patch || !patch.length) { return data; }
    var out = Object.assign({}, data), copied = new Set([out]);
    patch.forEach(function (pair) {
      var path = pair[0], node = out;
      for (var i = 0; i < path.length - 1; i++) {
        var child = node[path[i]];
        if (!copied.has(child)) {
          child = Array.isArray(child) ? child.slice() : Object.assign({}, child);
          copied.add(child);
          node[path[i]] = child;
        }
        node = child;
      }
      node[path[path.length - 1]] = pair[1];
    });
    return out;
  }

  function header(root, data, language, rebuild) {
    var head = el("header", "gc-header");
    head.appendChild(el("h1", "gc-title", data.title));
    if (data.i18n) {
      var nav = el("nav", "gc-languages");
      nav.setAttribute("aria-label", data.ui.language);
      data.i18n.languages.forEach(function (code) {
        var b = el("button", null, code.toUpperCase());
        b.type = "button";
        b.lang = code;
        b.setAttribute("aria-pressed", code === language ? "true" : "false");
        b.addEventListener("click", function () { rebuild(code); });
        nav.appendChild(b);
      });
      head.appendChild(nav);
    }
    root.appendChild(head);
  }

  /* Build the page in `root` in `language`: header, map, credits footer. */
  function build(root, source, language, view, state) {
    var data = localized(source, language);
    while (root.firstChild) { root.removeChild(root.firstChild); }
    document.documentElement.lang = data.lang;
    document.title = data.title;
    header(root, data, language, function (code) {
      var center = state.map.getCenter(), zoom = state.map.getZoom();
      var on = Object.keys(state.groups).filter(function (k) { return state.map.hasLayer(state.groups[k]); });
      state.map.remove();
      build(root, source, code, {center: center, zoom: zoom, on: on}, state);
    });
    var mapDiv = el("div", "gc-map");
    mapDiv.id = "gc-map";
    root.appendChild(mapDiv);
    var foot = el("footer", "gc-credits");
    data.credits.forEach(function (line) { foot.appendChild(el("span", null, line)); });
    root.appendChild(foot);

    var map = L.map(mapDiv, {minZoom: data.view.minZoom, maxZoom: data.view.maxZoom, zoomControl: false});
    mapDiv.style.background = data.view.background;
    L.control.zoom({zoomInTitle: data.ui.zoom_in, zoomOutTitle: data.ui.zoom_out}).addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({imperial: false, maxWidth: root.offsetWidth < 600 ? 90 : 150}).addTo(map);
    [["gcBasemap", 250], ["gcChoropleth", 350], ["gcDensity", 360], ["gcAreas", 370], ["gcLines", 380],
     ["gcSymbols", 390], ["gcTowns", 395], ["gcTownLabels", 396]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("gcTownLabels").style.pointerEvents = "none";
    var layers = {}, bases = {}, overlays = {};
    data.layers.forEach(function (spec) {
      var group = spec.tiles ? L.tileLayer(spec.tiles, {attribution: spec.attribution}) : L.featureGroup();
      layers[spec.key] = group;
      (spec.base ? bases : overlays)[spec.name] = group;
      var on = view ? (spec.base ? spec.show : view.on.indexOf(spec.key) >= 0) : spec.show;
      if (on) { group.addTo(map); }
    });
    state.map = map;
    state.groups = layers;
    state.data = data;
    state.language = language;
    if (layers.basemap) { basemap(data.basemap, layers.basemap); }
    data.polygons.forEach(function (spec) { polygonLayer(spec, layers[spec.layer], spec.pane); });
    if (data.density) { densityLayer(data.density, layers.density); }
    if (data.displacement) { displacementLayer(data.displacement, layers.displacement); }
    // no incidents layer at the public sharing level: the file holds aggregates only
    state.incidents = layers.incidents ? incidentLayer(map, data, layers.incidents) : null;
    if (state.incidents) {
      state.lat = state.incidents.lat;  // event i's coordinates, as drawn
      state.lon = state.incidents.lon;
    }
    state.makeSwitcher = function (open) {
      if (state.switcher) { state.switcher.remove(); }
      state.switcher = L.control.layers(bases, overlays, {collapsed: !open, position: "topright"}).addTo(map);
      var link = state.switcher.getContainer().querySelector(".leaflet-control-layers-toggle");
      link.title = data.ui.layers;
      link.setAttribute("aria-label", data.ui.layers);
      link.appendChild(layersIcon());
    };
    state.switcherOpen = undefined;
    state.makeSwitcher(root.offsetWidth >= WIDE);
    state.legend = legendControl(map, data, layers);
    var relayout = function () { state.legend.sync(); arrange(map, state); };
    map.on("overlayadd overlayremove resize", relayout);
    state.arrange = relayout;
    guardWheel(map, data.ui, root);
    map.on("popupopen", function (e) {  // Leaflet's own "Close popup", in the page's language
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", data.ui.close); close.title = data.ui.close; }
    });
    if (view) { map.setView(view.center, view.zoom); } else { map.fitBounds(data.bounds); }  // moveend draws
    if (state.incidents) { state.incidents.redraw(); }  // (also when the view did not move)
    relayout();
  }

  /* Density surface: a PNG file beside the page (assets "external") or PNG bytes in the payload drawn
   * on a canvas (inline: a data: image would need img-src data: in the host's Content-Security-Policy). */
  var CanvasOverlay = L.ImageOverlay.extend({
    _initImage: function () {
      var canvas = this._image = L.DomUtil.create("canvas", "leaflet-image-layer");
      if (this._zoomAnimated) { L.DomUtil.addClass(canvas, "leaflet-zoom-animated"); }
      var bytes = atob(this._url), buffer = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
      var self = this;
      createImageBitmap(new Blob([buffer], {type: "image/png"})).then(function (bitmap) {
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
        canvas.getContext("2d").drawImage(bitmap, 0, 0);
        self.fire("load");
      });
    }
  });

  function densityLayer(spec, group) {
    var options = {pane: "gcDensity", opacity: 0.8, interactive: false};
    group.addLayer(spec.png ? new CanvasOverlay(spec.png, spec.bounds, options)
                            : L.imageOverlay(spec.url, spec.bounds, options));
  }

  /* Build the map from the payload html.py wrote (inline, or in the .data.js file beside the page). */
  window.geoCoiMap = function (data) {
    var state = {expected: data.events.n, loaded: false, markersDrawnMs: null};
    window.geoCoi = state;
    var root = document.getElementById("geo-coi");
    build(root, data, data.lang, null, state);
    window.addEventListener("resize", function () { if (state.arrange) { state.arrange(); } });
    if (window.parent !== window) {  // a host page that listens can size its iframe to the map's wish
      window.parent.postMessage({geoCoi: "size", minHeight: 420}, "*");
    }
    // "drawn" once the browser has painted the frame with the markers
    requestAnimationFrame(function () {
      setTimeout(function () { state.markersDrawnMs = performance.now(); state.loaded = true; }, 0);
    });
    state.setLanguage = function (code) {
      var button = root.querySelector('.gc-languages button[lang="' + code + '"]');
      if (button) { button.click(); }
    };
    return state;
  };
  if (window.geoCoiData) { window.geoCoiMap(window.geoCoiData); }
}());
