"""The HTML map's incidents: events checked and ordered, their popup columns typed (:mod:`geo_coi.maps.event_payload`).

Every column is built at once (no loop over the events); the codes do not depend on the
language, so a page in several languages stores them once.
"""

from __future__ import annotations

import functools

import numpy as np

from geo_coi import style
from geo_coi.errors import CoordinateError, InputError
from geo_coi.events import lonlat, select
from geo_coi.gazetteer import display_name
from geo_coi.maps import event_payload
from geo_coi.maps.html_geometry import DECIMALS
from geo_coi.stats import resolve_event_types


def select_events(events, period, event_types="report"):
    """Events of ``event_types`` in ``period`` with valid coordinates, in a fixed order (date, event_id)."""
    missing = [c for c in ("event_date", "event_type", "geometry") if c not in events]
    if missing:
        raise InputError(f"event table lacks column(s) {', '.join(missing)}: load it with "
                         "geo_coi.pipeline.load (canonical schema, geo_coi/events.py)")
    events = select(events, period=period, event_types=resolve_event_types(events, event_types))
    lon, lat = lonlat(events)
    bad = ~(np.isfinite(lat) & np.isfinite(lon))
    if bad.any():
        ids = ", ".join(map(str, events.loc[bad, "event_id"].head(5))) if "event_id" in events else "?"
        raise CoordinateError(f"{int(bad.sum())} event(s) without coordinates (event_id {ids}): "
                              "fix or drop them before mapping")
    order = np.lexsort((events["event_id"].astype(str).to_numpy(),
                        events["event_date"].astype(str).to_numpy())) if "event_id" in events else None
    return events if order is None else events.iloc[order]


def type_entries(events, language):
    """Event types in the data: the styled ones in style.py order, then the rest sorted."""
    present = set(_texts(events, "event_type"))
    ordered = [t for t in style.EVENT_SYMBOLS if t in present] + sorted(present - set(style.EVENT_SYMBOLS))
    return [{"name": t, "label": style.label(t or "Other", language), "color": style.event_color(t),
             "shape": style.event_shape(t), "index": i} for i, t in enumerate(ordered)]


def plain_text(value) -> str:
    """``value`` as stripped text, "" when missing (None, NaN, <NA>)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def points(events, types, language, include_notes):
    """The events payload (:mod:`geo_coi.maps.event_payload`): the columns the popup shows, typed.

    Built column by column (no loop over the events). The codes do not depend
    on ``language`` (so a page in several languages stores them once): only
    the sub-event types' dictionary is translated, and the precision codes are
    worded by map.js.
    """
    lab = functools.partial(style.label, language=language)
    text = functools.partial(_texts, events)
    actors = _join_texts([_with_partner(text("actor1"), text("assoc_actor_1")),
                          _with_partner(text("actor2"), text("assoc_actor_2"))], " – ")
    place, department, region = (_mapped(names, display_name) for names in  # one spelling per place
                                 (text("location"), _first_filled(text("department"), text("admin2_source")),
                                  _first_filled(text("region"), text("admin1_source"))))
    region = np.where((region == place) | (region == department), "", region)  # each name once
    department = np.where(department == place, "", department)
    import pandas as pd

    subtype_codes, subtypes = pd.factorize(text("sub_event_type"), sort=False)
    precision_codes, pairs = pd.factorize(text("geo_precision") + "|" + text("time_precision"), sort=False)
    type_index = {t["name"]: t["index"] for t in types}
    lon, lat = lonlat(events)  # the position is the geometry (geo_coi/events.py)
    columns = {
        "lat": lat,
        "lon": lon,
        "type": [type_index[t] for t in text("event_type")],
        "date": _dates(events),
        "sub_event_type": {"values": [lab(name) if name else "" for name in subtypes], "codes": subtype_codes},
        "actors": actors,
        "fatalities": _whole_numbers(events, "fatalities"),
        "location": _join_texts([place, department, region], ", "),
        "precision": {"values": [[p or None, t or None] if p or t else None
                                 for p, t in (pair.split("|") for pair in pairs)], "codes": precision_codes},
        "notes": text("notes") if include_notes else np.full(len(events), "", dtype=object),
    }
    labels = {key: lab(key) for key in ("date", "event_type", "sub_event_type", "actors", "location",
                                        "precision", "precision_place", "precision_time")}
    labels["fatalities"] = lab("fatalities_size")
    return event_payload.encode(columns, DECIMALS, labels)


def _mapped(texts, func) -> np.ndarray:
    """``texts`` with ``func`` applied once per distinct non-empty value (a translation, a spelling)."""
    import pandas as pd

    codes, uniques = pd.factorize(texts, sort=False)
    return np.array([func(u) if u else u for u in uniques] + [""], dtype=object)[codes]


def _texts(events, column) -> np.ndarray:
    """``events[column]`` as stripped text, "" where missing (None, NaN, <NA>) or the column is absent."""
    if column not in events:
        return np.full(len(events), "", dtype=object)
    values = events[column].astype(object)
    return values.where(values.notna(), "").astype(str).str.strip().to_numpy(dtype=object)


def _with_partner(names, partners):
    """"name (partner)" where both are given, the name alone otherwise ("" without a name)."""
    return np.where((names != "") & (partners != ""), names + " (" + partners + ")", names)


def _first_filled(first, second):
    """``first`` where it is not empty, else ``second``."""
    return np.where(first != "", first, second)


def _join_texts(parts, sep):
    """Join the non-empty texts of each position of ``parts`` (arrays of equal length) with ``sep``."""
    joined = parts[0]
    for part in parts[1:]:
        joined = np.where((joined != "") & (part != ""), joined + sep + part, joined + part)
    return joined


def _dates(events) -> list[str]:
    """``event_date`` as ISO dates; InputError naming the events without a date."""
    import pandas as pd

    dates = pd.to_datetime(events["event_date"])
    if dates.isna().any():
        ids = ", ".join(map(str, events.loc[dates.isna().to_numpy(), "event_id"].head(5))) \
            if "event_id" in events else "?"
        raise InputError(f"{int(dates.isna().sum())} event(s) without event_date (event_id {ids}): "
                         "fix or drop them before mapping")
    return dates.dt.strftime("%Y-%m-%d").tolist()


def _whole_numbers(events, column) -> list[int | None]:
    """``events[column]`` as whole numbers, None (shown "–": unknown, not 0) where missing or not finite."""
    import pandas as pd

    if column not in events:
        return [None] * len(events)
    values = pd.to_numeric(events[column], errors="coerce").astype("float64").to_numpy()
    known = np.isfinite(values)
    whole = np.trunc(np.where(known, values, 0.0)).astype("int64").tolist()
    return [number if ok else None for number, ok in zip(whole, known.tolist(), strict=True)]


def incident_legend(types, language):
    """Legend section of the incident symbols, one row per event type present."""
    items = [{"kind": "marker", "color": t["color"], "shape": t["shape"], "label": t["label"]} for t in types]
    return {"layer": "incidents", "title": style.label("event_type", language), "items": items}
