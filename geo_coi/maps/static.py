"""The report's static maps (a facade kept for one release: import from the product modules instead).

Every map draws in the pack's map CRS (:func:`geo_coi.crs.map_crs`) on an A4
page (:mod:`geo_coi.maps.page` over :mod:`geo_coi.maps.layout`) and returns a
:class:`~geo_coi.maps.page.MapResult`; with ``out`` (a path stem) it writes
``out``.png (300 dpi), .pdf and .svg, byte-identical for the same input.

Maps
----
:func:`~geo_coi.maps.annex_maps.annex1` (Bijlage 1), :func:`~geo_coi.maps.annex_maps.annex2` (Bijlage 2),
:func:`~geo_coi.maps.choropleth.choropleth`, :func:`~geo_coi.maps.density_map.density_map`,
:func:`~geo_coi.maps.hexbin_map.hexbin_map`, :func:`~geo_coi.maps.displacement_map.displacement_map`,
:func:`~geo_coi.maps.armed_groups_map.armed_groups_map`.
"""

from __future__ import annotations

from geo_coi.classes import SCHEMES, Classes, classify
from geo_coi.maps.annex_maps import annex1, annex2
from geo_coi.maps.armed_groups_map import armed_groups_map
from geo_coi.maps.captions import annex_subtitle
from geo_coi.maps.choropleth import MEASURES, choropleth
from geo_coi.maps.density_map import density_map
from geo_coi.maps.displacement_map import displacement_map
from geo_coi.maps.extent import extent_bounds
from geo_coi.maps.hexbin_map import hexbin_map
from geo_coi.maps.markers import FATALITY_BREAKS, FATALITY_SIZES, fatality_labels
from geo_coi.maps.page import MapResult

__all__ = ["FATALITY_BREAKS", "FATALITY_SIZES", "MEASURES", "SCHEMES", "Classes", "MapResult", "annex1", "annex2",
           "annex_subtitle", "armed_groups_map", "choropleth", "classify", "density_map", "displacement_map",
           "extent_bounds", "fatality_labels", "hexbin_map"]
