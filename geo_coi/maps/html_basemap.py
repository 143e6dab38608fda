"""The HTML map's offline vector basemap: neighbours, the country, lakes, rivers, towns (Natural Earth + COD-AB)."""

from __future__ import annotations

import functools

from geo_coi import country, style
from geo_coi.boundaries import load
from geo_coi.gazetteer import display_name
from geo_coi.maps.html_geometry import DECIMALS, SIMPLIFY_DEGREES, geojson, simplified_communes


def basemap():
    """Offline vector basemap of the active pack: neighbours, the country, lakes, rivers, towns."""
    return _basemap(country.active().iso3)


@functools.cache
def _basemap(iso3: str):
    """The basemap of pack ``iso3`` (Natural Earth's ADM0_A3 is the ISO3 code), made once per process."""
    import shapely

    tol = SIMPLIFY_DEGREES["context"]

    def collection(geoms):
        feats = [{"type": "Feature", "properties": {}, "geometry": geojson(g)} for g in geoms
                 if g is not None and not g.is_empty]
        return {"type": "FeatureCollection", "features": feats}

    countries = load("countries")
    countries = countries[countries["ADM0_A3"] != iso3].sort_values("ADM0_A3")
    niger = shapely.union_all(simplified_communes(), grid_size=10.0**-DECIMALS)
    borders = load("border_lines")  # between neighbours only: Niger's own outline is COD-AB's
    borders = borders[(borders["adm0_a3_l"] != iso3) & (borders["adm0_a3_r"] != iso3)]
    lakes = load("lakes")
    rivers = load("rivers").sort_values("name", kind="mergesort")
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
                   for p, name, cap in zip(places.geometry, places["name"], places["ADM0CAP"], strict=True)],
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
