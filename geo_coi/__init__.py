"""geo_coi: conflict-event data to the maps, tables and charts of a COI security report.

The public API is imported lazily so that ``import geo_coi`` stays light (no
numpy or pandas) and ``geo-coi locate`` starts fast: ``from geo_coi import
locate`` only loads what ``locate`` needs.

Examples
--------
>>> from geo_coi import load_config, pipeline, summarize
>>> config = load_config()                      # doctest: +SKIP
>>> events = pipeline.load(config.events_file, config)  # read + join: Events  # doctest: +SKIP
>>> summarize(events.joined, config.current, by="region")  # the report's event types  # doctest: +SKIP
"""

from importlib import import_module

# public name -> module defining it
_API = {
    "load": "geo_coi.boundaries",
    "resolve": "geo_coi.gazetteer",
    "geocode": "geo_coi.gazetteer",
    "locate": "geo_coi.location",
    "locate_points": "geo_coi.location",
    "read_events": "geo_coi.sources",
    "join_admin": "geo_coi.join",
    "select": "geo_coi.events",
    "Period": "geo_coi.periods",
    "summarize": "geo_coi.stats",
    "by_unit": "geo_coi.stats",
    "table1": "geo_coi.stats",
    "table2": "geo_coi.stats",
    "interactive_map": "geo_coi.maps.html",
    "load_config": "geo_coi.config",
    "run_annex": "geo_coi.annex",
    "GeoCOIError": "geo_coi.errors",
}

__all__ = sorted(_API)


def __getattr__(name):
    if name == "__version__":  # the one version number: pyproject.toml's, as installed (also in the manifest)
        from importlib.metadata import version

        return version("geo_coi")
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'geo_coi' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_API) | {"__version__"})
