"""The bundled boundary layers: official admin units and Natural Earth context.

Admin layers (OCHA COD-AB / IGNN 2023, CC BY-IGO 3.0) come back with uniform
columns whatever the source's field names:

``pcode``, ``name``, ``name_ascii``, ``level`` and, for every level above,
``region_pcode``/``region``, ``department_pcode``/``department``, plus
``area_km2`` and ``geometry`` (EPSG:4326).

Context layers (Natural Earth, public domain) are for display only: their
outline of Niger differs from the official one by up to ~19 km, so never join
on them.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from geo_coi.errors import InputError

ADMIN_LEVELS = {
    "country": ("ner_adm0_ocha_ignn_20230720.geojson", 0),
    "region": ("ner_adm1_ocha_ignn_20230720.geojson", 1),
    "department": ("ner_adm2_ocha_ignn_20230720.geojson", 2),
    "commune": ("ner_adm3_ocha_ignn_20230720.geojson", 3),
    "niamey_arrondissement": ("ner_niamey_arrondissements_ocha_ignn_20230720.geojson", 3),
}
CONTEXT_LAYERS = {
    "countries": "context/ne_10m_admin_0_countries_clip.geojson",
    "west_africa": "context/ne_110m_west_africa_clip.geojson",
    "rivers": "context/ne_10m_rivers_lake_centerlines_clip.geojson",
    "lakes": "context/ne_10m_lakes_clip.geojson",
    "lakes_historic": "context/ne_10m_lakes_historic_clip.geojson",
    "places": "context/ne_10m_populated_places_clip.geojson",
    "airports": "context/ne_10m_airports_clip.geojson",
    "geography_regions": "context/ne_10m_geography_regions_polys_clip.geojson",
    "border_lines": "context/ne_10m_admin_0_boundary_lines_land_clip.geojson",
    "admin_lines": "ner_admin_lines_ocha_ignn_20230720.geojson",
}
LAYERS = tuple(ADMIN_LEVELS) + tuple(CONTEXT_LAYERS)
CREDIT = "Boundaries: IGNN Niger / OCHA COD-AB (2023), via HDX (CC BY-IGO 3.0)"
CONTEXT_CREDIT = "Basemap: Natural Earth (public domain)"

# COD-AB field prefix of each level's own name and P-code.
_PARENTS = {1: "region", 2: "department"}


def data_dir() -> Path:
    """Folder holding the bundled boundary files (source checkout or installed wheel)."""
    checkout = Path(__file__).resolve().parent.parent / "boundaries"
    if (checkout / "PROVENANCE.md").is_file():
        return checkout
    # Installed wheel: the data package geo_coi._boundaries has no __init__.py,
    # and str() of importlib.resources.files() of such a package is not a path.
    return Path(__file__).resolve().parent / "_boundaries"


def ascii_name(name: str) -> str:
    """``name`` without accents (``Tillabéri`` -> ``Tillaberi``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load(layer: str):
    """Return a bundled layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    layer : str
        An admin level (``"country"``, ``"region"``, ``"department"``,
        ``"commune"``, ``"niamey_arrondissement"``) or a context layer
        (``"countries"``, ``"rivers"``, ``"lakes"``, ``"lakes_historic"``,
        ``"places"``, ``"airports"``, ``"geography_regions"``,
        ``"border_lines"``, ``"admin_lines"``, ``"west_africa"``).

    Returns
    -------
    geopandas.GeoDataFrame
        Loaded once and cached: callers get a copy they may modify.
    """
    return _load_cached(layer).copy()


@functools.cache
def _load_cached(layer: str):
    if layer in ADMIN_LEVELS:
        return _load_admin(layer)
    if layer in CONTEXT_LAYERS:
        frame = _read(CONTEXT_LAYERS[layer])
        if "name" not in frame and "NAME" in frame:
            frame.insert(0, "name", frame["NAME"])
        return frame
    raise InputError(f"unknown layer {layer!r}: choose one of {', '.join(LAYERS)}")


def _read(relative: str):
    import geopandas as gpd

    frame = gpd.read_file(data_dir() / relative, engine="pyogrio")
    return frame.set_crs(4326, allow_override=True)


def _load_admin(layer: str):
    import geopandas as gpd

    filename, level = ADMIN_LEVELS[layer]
    raw = _read(filename)
    columns = {
        "pcode": raw[f"ADM{level}_PCODE"],
        "name": raw[f"ADM{level}_FR"].replace({"Niger (the)": "Niger"}),
        "level": level,
    }
    for parent_level, parent in _PARENTS.items():
        if parent_level < level:
            columns[f"{parent}_pcode"] = raw[f"ADM{parent_level}_PCODE"]
            columns[parent] = raw[f"ADM{parent_level}_FR"]
    frame = gpd.GeoDataFrame(columns, geometry=raw.geometry.values, crs=4326)
    frame.insert(2, "name_ascii", frame["name"].map(ascii_name))
    if "AREA_SQKM" in raw:
        frame["area_km2"] = raw["AREA_SQKM"].astype(float)
    return frame.sort_values("pcode", ignore_index=True)
