"""The bundled boundary layers: official admin units and Natural Earth context.

Admin layers (OCHA COD-AB / IGNN 2023, CC BY-IGO 3.0) come back with uniform
columns whatever the source's field names:

``pcode``, ``name``, ``name_ascii``, ``level`` and, for every level above,
``region_pcode``/``region``, ``department_pcode``/``department``, plus
``area_km2`` and ``geometry`` (EPSG:4326).

Context layers (Natural Earth, public domain) are for display only: their
outline of a country differs from the official one (e.g. Niger's by up to ~19 km), so never join
on them.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from geo_coi import country as _country
from geo_coi.errors import InputError

LEVEL_LAYERS = ("country", "region", "department", "commune")  # admin levels 0-3, by their slot
CAPITAL_SUBUNITS = "capital_subunit"  # the generic name of every pack's [capital] subunit_slot layer


def admin_levels(country: str | None = None) -> dict:
    """``{layer: (file, depth)}`` of a pack's admin layers: its levels and the capital's sub-units.

    Parameters
    ----------
    country : str, optional
        ISO3 code; default the active pack (:func:`geo_coi.country.active`).
    """
    pack = _country.get(country)
    layers = {level.slot: (level.file, level.depth) for level in pack.levels}
    capital = pack.capital
    if capital is not None and capital.subunit_slot and capital.subunit_level:
        depth = int(capital.subunit_level.removeprefix("adm"))
        file = capital.subunit_file or pack.level(capital.subunit_level).file
        layers[capital.subunit_slot] = (file, depth)
    return layers


def context_layers(country: str | None = None) -> dict:
    """``{layer: file}`` of a pack's display-only layers (Natural Earth context, admin lines)."""
    pack = _country.get(country)
    layers = {name: path for name, path in pack.context.items() if name != "clip_box"}
    lines = pack.settings["boundaries"].get("lines")
    if lines:
        layers["admin_lines"] = lines
    return layers


def layers(country: str | None = None) -> tuple[str, ...]:
    """Every layer name :func:`load` accepts for a pack."""
    return tuple(admin_levels(country)) + tuple(context_layers(country))


def credit(country: str | None = None) -> str:
    """The boundary credit line of a pack."""
    return _country.get(country).boundary_credit


def data_dir(country: str | None = None) -> Path:
    """Folder of a pack (``geo_coi/countries/<iso3>``, in a checkout and in an installed wheel alike)."""
    return _country.get(country).folder


def ascii_name(name: str) -> str:
    """``name`` without accents (``Ségou`` -> ``Segou``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load(layer: str, country: str | None = None):
    """Return a bundled layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    layer : str
        An admin level by its slot (``"country"``, ``"region"``,
        ``"department"``, ``"commune"``), key (``"adm1"`` ...) or the pack's own
        name (``"province"``, ``"cercle"``); the capital's sub-units (the pack's
        ``[capital] subunit_slot``, or :data:`CAPITAL_SUBUNITS` in every pack); or a context layer (``"countries"``,
        ``"rivers"``, ``"lakes"``, ``"lakes_historic"``, ``"places"``,
        ``"airports"``, ``"geography_regions"``, ``"border_lines"``,
        ``"admin_lines"``, ``"west_africa"``).
    country : str, optional
        ISO3 code of the pack; default the active one (:func:`geo_coi.country.active`).

    Returns
    -------
    geopandas.GeoDataFrame
        Loaded once per pack and cached: callers get a copy they may modify.
    """
    pack = _country.get(country)
    return _load_cached(pack.iso3, _layer_name(pack, layer)).copy()


def _layer_name(pack, layer: str) -> str:
    if layer in admin_levels(pack.iso3) or layer in context_layers(pack.iso3):
        return layer
    if layer == CAPITAL_SUBUNITS and pack.capital is not None and pack.capital.subunit_slot:
        return pack.capital.subunit_slot
    if layer.startswith("adm") or pack.has_level(layer) or layer in LEVEL_LAYERS:
        return pack.level(layer).slot  # a clear error when the pack lacks the level
    raise InputError(f"unknown layer {layer!r}: choose one of {', '.join(layers(pack.iso3))}")


@functools.cache
def _load_cached(iso3: str, layer: str):
    admin, context = admin_levels(iso3), context_layers(iso3)
    if layer in admin:
        return _load_admin(iso3, layer)
    frame = _read(iso3, context[layer])
    if "name" not in frame and "NAME" in frame:
        frame.insert(0, "name", frame["NAME"])
    return frame


def _read(iso3: str, relative: str):
    import geopandas as gpd

    frame = gpd.read_file(data_dir(iso3) / relative, engine="pyogrio")
    return frame.set_crs(4326, allow_override=True)


def _load_admin(iso3: str, layer: str):
    import geopandas as gpd

    pack = _country.get(iso3)
    filename, depth = admin_levels(iso3)[layer]
    raw = _read(iso3, filename)
    fields = {level.depth: level for level in pack.levels}
    own = fields.get(depth) or pack.level(f"adm{depth}")
    columns = {
        "pcode": raw[own.pcode_field],
        "name": raw[own.name_field].replace(pack.name_fixes),
        "level": depth,
    }
    for parent in pack.levels:
        if 0 < parent.depth < depth and parent.slot in LEVEL_LAYERS:
            columns[f"{parent.slot}_pcode"] = raw[parent.pcode_field]
            columns[parent.slot] = raw[parent.name_field].replace(pack.name_fixes)
    frame = gpd.GeoDataFrame(columns, geometry=raw.geometry.values, crs=4326)
    frame.insert(2, "name_ascii", frame["name"].map(ascii_name))
    area = pack.settings["boundaries"].get("area_field", "AREA_SQKM")
    if area in raw:
        frame["area_km2"] = raw[area].astype(float)
    capital = pack.capital
    if capital is not None and layer == capital.subunit_slot and capital.subunit_parent:
        frame = frame[frame["pcode"].str.startswith(capital.subunit_parent)]
    return frame.sort_values("pcode", ignore_index=True)
