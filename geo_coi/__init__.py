"""geo_coi: conflict-event data to the maps, tables and charts of a COI security report.

The public API is imported lazily so that ``geo-coi locate`` starts fast:
``from geo_coi import locate`` only loads what ``locate`` needs.
"""

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "load": "geo_coi.boundaries",
    "resolve": "geo_coi.gazetteer",
    "geocode": "geo_coi.gazetteer",
    "locate": "geo_coi.location",
    "locate_points": "geo_coi.location",
    "read_events": "geo_coi.sources",
    "join_admin": "geo_coi.join",
    "summarize": "geo_coi.stats",
    "GeoCOIError": "geo_coi.errors",
}

__all__ = sorted(_API)


def __getattr__(name):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'geo_coi' has no attribute {name!r}")
