"""The look shared by every map and chart: colours, symbols, labels, credit lines.

Colours per event type (``data/event_symbols.csv``) come from Paul Tol's
"high-contrast" scheme for the report's three types and his "vibrant" scheme
for the others (safe for the common colour-vision deficiencies); each type
also has its own marker shape, so no map relies on colour alone. Labels are
translated from ``data/translations.csv`` (en, fr, nl), which users can edit.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib.resources import files

from geo_coi import boundaries
from geo_coi import country as _country
from geo_coi.languages import LANGUAGES as LANGUAGES  # re-exported: callers check languages through style
from geo_coi.languages import check_language as check_language
from geo_coi.periods import format_date, require_coverage, to_date
from geo_coi.sharing import internal_notice


@functools.cache
def _event_symbols() -> dict[str, dict[str, str]]:
    """Rows of data/event_symbols.csv by event type ("" is the row for any other type)."""
    path = files("geo_coi") / "data" / "event_symbols.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["event_type"]: row for row in csv.DictReader(handle)}


# One symbol per event type (data/event_symbols.csv), the same on the printed maps, the HTML map and
# the QGIS/SLD styles: ``color`` (hex), ``marker`` (matplotlib), ``shape`` (QGIS SimpleMarker name and
# the HTML map's CSS class gc-shape-<shape>), ``sld``/``sld_rotation`` (SLD WellKnownName).
EVENT_SYMBOLS = {name: row for name, row in _event_symbols().items() if name}
OTHER_SYMBOL = _event_symbols()[""]
# Types the charts draw under their own name (the report's three and their UCDP analogues); charts group
# the others as "Other".
EVENT_COLORS = {name: row["color"] for name, row in EVENT_SYMBOLS.items() if row["charts"] == "yes"}
OTHER_COLOR = OTHER_SYMBOL["color"]
EVENT_MARKERS = {name: row["marker"] for name, row in EVENT_SYMBOLS.items()}
OTHER_MARKER = OTHER_SYMBOL["marker"]



def boundary_credit() -> str:
    """The active country pack's boundary credit line (its ``country.toml``)."""
    return boundaries.credit()


def basemap_credit() -> str:
    """The active country pack's basemap (Natural Earth) credit line."""
    return _country.active().context_credit


UNHCR_CREDIT = "Displacement: UNHCR Refugee Population Statistics Database (CC BY 4.0)"
UCDP_CREDIT = "Events: UCDP GED 25.1 (CC BY 4.0)"
GEONAMES_CREDIT = "Place names: GeoNames (CC BY 4.0)"


def event_symbol(event_type: str) -> dict[str, str]:
    """The row of data/event_symbols.csv of an event type (the grey "other" row for unlisted types)."""
    return EVENT_SYMBOLS.get(event_type, OTHER_SYMBOL)


def event_color(event_type: str) -> str:
    """Hex colour of an event type (grey for types not in data/event_symbols.csv)."""
    return event_symbol(event_type)["color"]


def event_marker(event_type: str) -> str:
    """The matplotlib marker of an event type."""
    return event_symbol(event_type)["marker"]


def event_shape(event_type: str) -> str:
    """Shape name of an event type: QGIS SimpleMarker ``name`` and the HTML map's ``gc-shape-`` class."""
    return event_symbol(event_type)["shape"]


def marker_area(marker: str) -> float:
    """Area of a matplotlib marker's path at size 1 (``s=1``): circle π/4, square 1, triangle 1/2."""
    import numpy as np
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    path = style.get_path().transformed(style.get_transform())
    polygons = [np.asarray(q) for q in path.to_polygons()]
    return float(sum(0.5 * abs(np.dot(q[:, 0], np.roll(q[:, 1], 1)) - np.dot(q[:, 1], np.roll(q[:, 0], 1)))
                     for q in polygons))


def equal_area_size(marker: str, size: float) -> float:
    """The matplotlib ``s`` that gives ``marker`` the area of a circle of size ``size`` (honest symbol sizes)."""
    return size * marker_area("o") / marker_area(marker)


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


def label(key: str, language: str = "en") -> str:
    """Translated label for ``key``; unknown keys come back unchanged (place names, actors).

    French labels follow French typography (:func:`typography`). ``{country}`` in a
    label becomes the active country pack's name in ``language``.
    """
    check_language(language)
    row = _translations().get(key)
    if not row:
        return key
    text = row[language]
    if "{country}" in text:
        text = text.replace("{country}", _country.active().name(language))
    return typography(text, language)


# French: a narrow no-break space before ":", ";", "!" and "?" (not in "https://" or "12:30").
_FRENCH_PUNCTUATION = re.compile(r"[ \u00a0\u202f]?([:;!?])(?=\s|$)")


def typography(text: str, language: str = "en") -> str:
    """``text`` with the spacing rules of ``language``: in French, U+202F before ``: ; ! ?``."""
    return _FRENCH_PUNCTUATION.sub("\u202f\\1", text) if language == "fr" else text


def localized_credit(line: str, language: str = "en") -> str:
    """A credit line in ``language``: its leading "Boundaries:"-style word and its phrases translated.

    The phrases are the translations.csv rows whose key starts with ``credit:``
    (the text as written in the English line, e.g. ``credit:(public domain)``).
    """
    check_language(language)
    prefix, sep, rest = line.partition(": ")
    if not sep:
        prefix, rest = "", line
    for key, row in _translations().items():
        if key.startswith("credit:") and key[len("credit:"):] in rest:
            rest = rest.replace(key[len("credit:"):], row[language])
    return typography(f"{label(prefix, language)}{sep}{rest}" if sep else rest, language)


def localized_table(df, language: str = "en"):
    """A copy of a table with its headers and event/sub-event types in ``language``.

    For the tables people read (XLSX; Markdown does the same in
    :func:`geo_coi.stats.to_markdown`); the CSVs, and English tables, keep the
    column keys, which scripts read. A column is translated by its key in
    translations.csv (``incidents``, ``region``, ``previous_incidents`` ...).
    """
    table = localized_values(df, language)
    if language != "en" and not hasattr(table.columns, "levels"):  # Tabel 1, 2 come translated
        table.columns = [label(str(column), language) for column in table.columns]
    return table


def localized_values(df, language: str = "en"):
    """A copy of a table with its ``event_type``, ``sub_event_type`` and ``source`` values in ``language``."""
    check_language(language)
    table = df.copy()
    for column in ("event_type", "sub_event_type", "source"):
        if column in table.columns:
            table[column] = [label(value, language) if isinstance(value, str) else value for value in table[column]]
    return table


def decimal_mark(language: str = "en") -> str:
    """"," in Dutch and French, "." in English."""
    return "." if check_language(language) == "en" else ","


def event_credit(attrs: dict, language: str = "en") -> str:
    """The credit line of an event table, from its ``attrs`` (see :mod:`geo_coi.events`).

    ACLED: "Source: ACLED, data accessed DATE, filters …"; UCDP: its citation line;
    the synthetic demo says so in every language.
    """
    source = attrs.get("source", "")
    if attrs.get("synthetic"):
        return typography(f"{label('source', language)}: {label('synthetic', language)}", language)
    if source.startswith("UCDP"):
        return localized_credit(UCDP_CREDIT, language)
    parts = [f"{label('source', language)}: ACLED (acleddata.com)"]
    if attrs.get("access_date"):
        parts.append(f"{label('data_accessed', language)} {_day(attrs['access_date'], language)}")
    if attrs.get("data_as_of"):
        parts.append(f"{label('data_as_of', language)} {_day(attrs['data_as_of'], language)}")
    if attrs.get("filters"):
        parts.append(str(attrs["filters"]))
    notice = internal_notice(attrs, language)
    return typography(", ".join(parts) + (f" · {notice}" if notice else ""), language)


def _day(value, language: str) -> str:
    """An ISO date as the report writes it (``5 June 2025``, ``5 juin 2025``)."""
    return format_date(to_date(value), language)


def check_coverage(events, period, what: str, source: str, language: str = "en") -> str | None:
    """Check that ``events`` cover ``period``; return a warning when they cover only part of it.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events (``event_date``).
    period : geo_coi.periods.Period
    what : str
        Name of the period in the messages (``"current period"``).
    source : str
        The events file, named in the messages.
    language : {"nl", "fr", "en"}
        Language of the returned warning (the error is for the terminal, in English).

    Returns
    -------
    str or None
        The partial-coverage note, None when the events cover the whole period.

    Raises
    ------
    InputError
        When no event falls in ``period`` (:func:`geo_coi.periods.require_coverage`).
    """
    covered = require_coverage(events, period, what, source)
    if covered is None:
        return None
    return label("partial_coverage_note", language).format(
        period=period.label(language), start=format_date(covered.start, language),
        end=format_date(covered.end, language))


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
FOCUS_COLOR = "#cc3311"  # inset extent box, capital marker
SEQUENTIAL_CMAP = "YlOrBr"  # choropleth classes (colour-blind safe, prints in grey)
ZERO_COLOR = "#f0f0f0"  # "no incidents recorded": neutral grey (no hue, unlike the first class) ...
ZERO_HATCH = ".."  # ... with a fine grey dot on static maps
ZERO_DOT_COLOR = "#a6a6a6"
NO_DATA_COLOR = "#ffffff"  # drawn with NO_DATA_HATCH
NO_DATA_HATCH = "////"
# Paul Tol's "muted" scheme, one colour per armed group, in file order.
GROUP_COLORS = ("#CC6677", "#332288", "#117733", "#88CCEE", "#DDCC77", "#AA4499", "#44AA99", "#882255")
# outlines of armed groups' areas: a line style per group (with GROUP_COLORS), readable where areas overlap
GROUP_LINESTYLES = ("solid", (0, (6, 2.5)), (0, (1.2, 1.8)), (0, (6, 2, 1.2, 2)), (0, (3, 3)),
                    (0, (9, 2, 2, 2, 2, 2)), (0, (1, 4)), (0, (4, 1, 1, 1)))
DISPLACEMENT_COLOR = "#2F5C9E"  # proportional circles of displaced people (contrasts with SEQUENTIAL_CMAP)
# refugees under the IDP circles: displacement's own hue (not the violence ramp), light so the circles stand out
DISPLACEMENT_CMAP = ("Purples", 0.12, 0.5)
