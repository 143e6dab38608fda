"""The look shared by every map and chart: colours, symbols, labels, credit lines.

Colours per event type come from Paul Tol's "high-contrast" scheme (safe for
the common colour-vision deficiencies and legible in greyscale), each type
also has its own marker shape, so no map relies on colour alone. Labels are
translated from ``data/translations.csv`` (en, fr, nl), which users can edit.
"""

from __future__ import annotations

import csv
import functools
from importlib.resources import files

from geo_coi.errors import InputError

LANGUAGES = ("nl", "fr", "en")

EVENT_COLORS = {
    "Battles": "#BB5566",
    "Explosions/Remote violence": "#004488",
    "Violence against civilians": "#DDAA33",
    # UCDP's typology, drawn like its nearest ACLED analogue (never relabelled)
    "State-based conflict": "#BB5566",
    "Non-state conflict": "#004488",
    "One-sided violence": "#DDAA33",
}
OTHER_COLOR = "#888888"
# matplotlib marker per event type; the HTML map uses the same shapes.
EVENT_MARKERS = {
    "Battles": "o",
    "Explosions/Remote violence": "^",
    "Violence against civilians": "s",
    "State-based conflict": "o",
    "Non-state conflict": "^",
    "One-sided violence": "s",
}
OTHER_MARKER = "D"

BOUNDARY_CREDIT = "Boundaries: IGNN Niger / OCHA COD-AB (2023), via HDX (CC BY-IGO 3.0)"
BASEMAP_CREDIT = "Basemap: Natural Earth (public domain)"
UNHCR_CREDIT = "Displacement: UNHCR Refugee Population Statistics Database (CC BY 4.0)"
UCDP_CREDIT = "Events: UCDP GED 25.1 (CC BY 4.0)"
GEONAMES_CREDIT = "Place names: GeoNames (CC BY 4.0)"


def event_color(event_type: str) -> str:
    """Hex colour of an event type (grey for types outside the report's three)."""
    return EVENT_COLORS.get(event_type, OTHER_COLOR)


def event_marker(event_type: str) -> str:
    """matplotlib marker of an event type."""
    return EVENT_MARKERS.get(event_type, OTHER_MARKER)


@functools.cache
def _data_table(name: str, key: str) -> dict[str, dict[str, str]]:
    """A CSV of geo_coi/data with one row per ``key`` and one column per language."""
    path = files("geo_coi") / "data" / name
    with path.open(encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def _translations() -> dict[str, dict[str, str]]:
    return _data_table("translations.csv", "key")


def actor_name(actor: str, language: str = "en") -> str:
    """The report's short name of an ACLED actor (``ISSP``, ``JNIM``…; data/actor_names.csv), else ``actor``."""
    check_language(language)
    row = _data_table("actor_names.csv", "actor").get(str(actor).strip())
    return row[language] if row else actor


def check_language(language: str) -> str:
    """Return ``language`` if supported, else raise a clear error."""
    if language not in LANGUAGES:
        raise InputError(f"language {language!r} is not supported: use one of {', '.join(LANGUAGES)}")
    return language


def label(key: str, language: str = "en") -> str:
    """Translated label for ``key``; unknown keys come back unchanged (place names, actors)."""
    check_language(language)
    row = _translations().get(key)
    return row[language] if row else key


def localized_credit(line: str, language: str = "en") -> str:
    """A credit line with its leading "Boundaries:"-style word translated (translations.csv)."""
    prefix, sep, rest = line.partition(": ")
    return f"{label(prefix, language)}{sep}{rest}" if sep else line


def event_credit(attrs: dict, language: str = "en") -> str:
    """The credit line of an event table, from its ``attrs`` (see :mod:`geo_coi.events`).

    ACLED: "Source: ACLED, data accessed DATE, filters …"; UCDP: its citation line;
    the synthetic demo says so in every language.
    """
    source = attrs.get("source", "")
    if attrs.get("synthetic"):
        return f"{label('source', language)}: {label('synthetic', language)}"
    if source.startswith("UCDP"):
        return UCDP_CREDIT
    parts = [f"{label('source', language)}: ACLED (acleddata.com)"]
    if attrs.get("access_date"):
        parts.append(f"{label('data_accessed', language)} {_day(attrs['access_date'], language)}")
    if attrs.get("data_as_of"):
        parts.append(f"{label('data_as_of', language)} {_day(attrs['data_as_of'], language)}")
    if attrs.get("filters"):
        parts.append(str(attrs["filters"]))
    return ", ".join(parts)

def _day(value, language: str) -> str:
    """An ISO date as the report writes it (``5 June 2025``, ``5 juin 2025``)."""
    from geo_coi.periods import format_date, to_date

    return format_date(to_date(value), language)


def data_as_of(events) -> str | None:
    """ISO date of the latest ACLED ``timestamp`` (Unix seconds, UTC) of ``events``; None without one."""
    import pandas as pd

    column = "timestamp" if "timestamp" in events else "src_timestamp" if "src_timestamp" in events else None
    if column is None:
        return None
    seconds = pd.to_numeric(events[column], errors="coerce").dropna()
    if seconds.empty:
        return None
    return pd.Timestamp(int(seconds.max()), unit="s", tz="UTC").date().isoformat()

# Static-map palette (geo_coi.maps): basemap, classes and armed groups.
COUNTRY_FILL = "#e4e4e4"  # neighbouring countries
NEIGHBOUR_EDGE = "#b4b4b4"
WATER_COLOR = "#8fb8d8"
WATER_FILL = "#d4e6f3"
ADMIN_EDGE = "#4d4d4d"
FOCUS_COLOR = "#cc3311"  # inset extent box, Niamey marker
SEQUENTIAL_CMAP = "YlOrBr"  # choropleth classes (colour-blind safe, prints in grey)
ZERO_COLOR = "#f0f0f0"  # "no incidents recorded": neutral grey (no hue, unlike the first class) ...
ZERO_HATCH = ".."  # ... with a fine grey dot on static maps
ZERO_DOT_COLOR = "#a6a6a6"
NO_DATA_COLOR = "#ffffff"  # drawn with NO_DATA_HATCH
NO_DATA_HATCH = "////"
# Paul Tol's "muted" scheme, one colour per armed group, in file order.
GROUP_COLORS = ("#CC6677", "#332288", "#117733", "#88CCEE", "#DDCC77", "#AA4499", "#44AA99", "#882255")
GROUP_HATCHES = ("///", "\\\\\\", "|||", "---", "xxx", "...", "+++", "ooo")
DISPLACEMENT_COLOR = "#2F5C9E"  # proportional circles of displaced people (contrasts with SEQUENTIAL_CMAP)
