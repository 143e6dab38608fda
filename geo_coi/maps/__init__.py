"""Maps: print-quality static maps (:mod:`geo_coi.maps.static`) and the interactive HTML map.

Static maps share their page furniture (:mod:`geo_coi.maps.layout`) and
basemaps (:mod:`geo_coi.maps.basemap`).
"""
