"""Maps: print-quality static maps, one module per product, and the interactive HTML map.

The print maps (:mod:`~geo_coi.maps.annex_maps`, :mod:`~geo_coi.maps.choropleth`,
:mod:`~geo_coi.maps.density_map`, :mod:`~geo_coi.maps.hexbin_map`, :mod:`~geo_coi.maps.displacement_map`,
:mod:`~geo_coi.maps.armed_groups_map`, :mod:`~geo_coi.maps.reference`) share their page
(:mod:`geo_coi.maps.page` over :mod:`geo_coi.maps.layout`), units (:mod:`geo_coi.maps.admin`),
event symbols (:mod:`geo_coi.maps.markers`), capital (:mod:`geo_coi.maps.capital`) and basemaps
(:mod:`geo_coi.maps.basemap`). The interactive map is :mod:`geo_coi.maps.html`.
"""
