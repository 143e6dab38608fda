"""The registry of products: what an annex run makes, in order, and what ``geo-coi map`` can draw.

Each :class:`Product` is one step of the run (``draw(run)``, :mod:`geo_coi.steps`);
:mod:`geo_coi.annex` runs them all in this order (after reading and joining),
``geo-coi map KIND`` runs the one whose ``kind`` is KIND and takes only the options
it lists, and the gallery groups the files by :data:`FOLDERS`. Adding a map kind is
one module (its drawing) and one entry here; see DEVELOPING.md.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable

from geo_coi.config import CHOROPLETH_LEVELS, CHOROPLETH_MEASURES, HTML_ASSETS
from geo_coi.errors import InputError
from geo_coi.steps import charts, cross_border, handoff, maps, tables

# Output folders in the gallery's order, each with the translations.csv key of its heading.
FOLDERS = {
    "maps": "gallery_maps",
    "charts": "gallery_charts",
    "html": "gallery_html",
    "tables": "gallery_tables",
    "data": "gallery_data",
}
# Options of ``geo-coi map``: name -> the values it takes (None: any, checked by the CLI).
MAP_OPTIONS = {
    "level": CHOROPLETH_LEVELS,
    "measure": CHOROPLETH_MEASURES,
    "assets": HTML_ASSETS,
    "languages": None,
}


@dataclasses.dataclass(frozen=True)
class Product:
    """One product of the run.

    Attributes
    ----------
    step : str
        The step's name (progress lines, the manifest's ``steps``, the gallery's "not produced" notes).
    draw : callable
        ``draw(run)``: writes the product's files under ``run.staging``.
    folder : str
        Where its files go: a key of :data:`FOLDERS` (the atlas and text files have their own folders).
    formats : tuple of str
        File suffixes it writes.
    needs : tuple of str
        Attributes of the run it reads besides ``config``, ``events`` and ``event_types``
        (set by an earlier step; absent in ``geo-coi map``, the product draws without them).
    kind : str, optional
        Name in ``geo-coi map KIND``; None when the product is made only by ``geo-coi annex``.
    summary : str
        One line for ``geo-coi map --help`` (empty: drawn by its own command, e.g. ``geo-coi atlas``).
    options : tuple of str
        The ``geo-coi map`` options (keys of :data:`MAP_OPTIONS`) it takes; any other is refused.
    check : callable, optional
        ``check(config)`` raises :class:`~geo_coi.errors.InputError` when the options leave nothing to draw.
    """

    step: str
    draw: Callable
    folder: str
    formats: tuple = ()
    needs: tuple = ()
    kind: str | None = None
    summary: str = ""
    options: tuple = ()
    check: Callable | None = None


STATIC = (".png", ".pdf", ".svg")
TABLE = (".csv", ".md")

PRODUCTS = {product.step: product for product in (
    Product("tables", tables.tables, "tables", TABLE),
    Product("changes since the last edition", tables.changes, "tables", TABLE + (".xlsx",), needs=("tables",)),
    Product("XLSX workbook", tables.workbook, "tables", (".xlsx",), needs=("tables",)),
    Product("rejects file", handoff.rejects, "data", (".csv",)),
    Product("annex 1 map", maps.annex1, "maps", STATIC, kind="annex1",
            summary="incidents in the country (Bijlage 1)"),
    Product("annex 2 map", maps.annex2, "maps", STATIC, kind="annex2",
            summary="incidents in the config's second frame (Bijlage 2)"),
    Product("choropleth maps", maps.choropleths, "maps", STATIC, kind="choropleth",
            summary="incidents per 1,000 km², counts or rates per 100,000 by unit",
            options=("level", "measure"), check=maps.check_choropleth),
    Product("density surface and map", maps.density, "maps", STATIC + (".tif",), kind="density",
            summary="kernel density of incidents (also writes the GeoTIFF)"),
    Product("hexbin map", maps.hexbin, "maps", STATIC, kind="hexbin", summary="incidents per hexagon"),
    Product("displacement map", maps.displacement, "maps", STATIC, kind="displacement",
            summary="internally displaced persons (UNHCR)"),
    Product("armed groups map", maps.armed_groups, "maps", STATIC, kind="armed-groups",
            summary="areas of operation of armed groups"),
    Product("reference maps", maps.reference_maps, "maps", STATIC, kind="reference",
            summary="Kaart 1 (regions), 4 and 5 (the config's reference maps)"),
    Product("cross-border maps", cross_border.cross_border, "maps", STATIC + TABLE, kind="cross-border",
            summary="the config's [regions.*] across country packs (Liptako-Gourma), with its table",
            check=cross_border.check),
    Product("charts", charts.charts, "charts", STATIC),
    Product("interactive map", maps.interactive, "html", (".html",), needs=("density_tif",), kind="html",
            summary="the interactive map, one self-contained HTML file", options=("assets", "languages")),
    Product("GeoPackage", handoff.geopackage, "data", (".gpkg", ".qgz")),
    Product("indicator sheet", handoff.indicator_sheet, "tables", TABLE + (".xlsx",)),
    Product("region atlas", handoff.atlas, "atlas", (".pdf", ".png"), kind="atlas"),
    Product("report text and Word files", handoff.report_files, "word", (".md", ".docx")),
)}
"""Step name -> :class:`Product`, in the order the annex runs them."""


def map_kinds(command: bool = False) -> dict[str, Product]:
    """``geo-coi map`` kinds -> their product (``command``: only those the ``map`` command lists)."""
    return {p.kind: p for p in PRODUCTS.values() if p.kind and (p.summary or not command)}


def map_product(kind: str, **options) -> Product:
    """The product ``geo-coi map KIND`` draws, once its options are checked.

    Parameters
    ----------
    kind : str
        A kind of :func:`map_kinds`.
    **options
        ``geo-coi map`` options by name (:data:`MAP_OPTIONS`); None or empty means not given.

    Raises
    ------
    InputError
        Unknown kind (with the closest names), an option the kind does not take, or a value it does not know.
    """
    kinds = map_kinds()
    if kind not in kinds:
        close = difflib.get_close_matches(kind, list(kinds), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(f"unknown map kind {kind!r}: {hint}choose one of {', '.join(kinds)}")
    product = kinds[kind]
    for name, value in options.items():
        if name not in MAP_OPTIONS:
            raise InputError(f"geo-coi map has no option {name!r}")
        if not value:
            continue
        if name not in product.options:
            takers = [p.kind for p in kinds.values() if name in p.options and p.kind]
            raise InputError(f"map {kind!r} takes no --{name} (only {', '.join(takers)} does); leave it out")
        allowed = MAP_OPTIONS[name]
        if allowed is not None and value not in allowed:
            raise InputError(f"--{name} {value!r} is not known: choose one of {', '.join(allowed)}")
    return product
