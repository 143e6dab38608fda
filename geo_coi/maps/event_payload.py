"""The HTML map's events as typed columns: the one schema that html.py writes and map.js reads.

A million events as JSON rows made a 100 MB page whose parse alone took seconds
and whose rows filled 600 MB of the browser's heap. Here every column is
binary instead, and each event costs a few bytes:

- ``lat``, ``lon``: whole multiples of ``1 / scale`` degrees (``scale`` =
  10**decimals), packed Int32, so a coordinate rounded to ``decimals`` decimals
  decodes exactly (``code / scale``);
- every other column is a *dictionary*: its distinct values in order of first
  appearance, plus one unsigned code per event (Uint8, Uint16 or Uint32, the
  smallest that holds the codes). Text columns use ``""`` for "none"; the
  ``fatalities`` dictionary holds ``null`` for "unknown".

A packed array is ``{"dtype": "u1"|"u2"|"u4"|"i4", "data": base64}`` of its
little-endian bytes; map.js turns it into the matching typed array and decodes
popup columns only when a popup first needs them. The payload is::

    {"n": N, "scale": 100000, "labels": {...},
     "columns": {"lat": packed, "lon": packed,
                 "type": {"values": [...], "codes": packed}, ...}}

:func:`decode` reads it back in Python (for tests and for anyone reading a
page's data without a browser).
"""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd

# Columns in the order map.js shows them; the first two are coordinates, the others dictionaries.
COORDINATES = ("lat", "lon")
DICTIONARIES = ("type", "date", "sub_event_type", "actors", "fatalities", "location", "precision", "notes")
_DTYPES = {"u1": "<u1", "u2": "<u2", "u4": "<u4", "i4": "<i4"}


def encode(columns: dict, decimals: int, labels: dict) -> dict:
    """The events payload of ``columns`` (one equal-length sequence per name in the schema).

    Parameters
    ----------
    columns : dict
        ``lat`` and ``lon`` as floats (degrees); every name of
        :data:`DICTIONARIES` as a sequence of JSON-able values (text, whole
        numbers, ``None``), or as a dictionary already made:
        ``{"values": [...], "codes": integer array}`` (e.g. codes of the raw
        values with translated values, so that codes do not depend on the
        language).
    decimals : int
        Decimals the coordinates keep.
    labels : dict
        Popup field labels, already translated.

    Returns
    -------
    dict
        JSON-able payload (see the module docstring).
    """
    scale = 10**decimals
    n = len(columns["lat"])
    packed: dict[str, dict] = {}
    for name in COORDINATES:
        # rounded as decimals are (``round``; ``np.round`` can differ in the last digit), then exact integers
        degrees = np.array([round(v, decimals) for v in np.asarray(columns[name], dtype="float64").tolist()])
        packed[name] = _pack(np.rint(degrees * scale).astype("<i4"), "i4")
    for name in DICTIONARIES:
        column = columns[name]
        made = isinstance(column, dict)
        if len(column["codes"] if made else column) != n:
            raise ValueError(f"event column {name!r} does not have one value per event ({n})")
        packed[name] = _coded(list(column["values"]), np.asarray(column["codes"])) if made else _dictionary(column)
    return {"n": n, "scale": scale, "labels": labels, "columns": packed}


def decode(payload: dict) -> list[dict]:
    """The events of a payload as one dict per event, keyed by the schema's names.

    Parameters
    ----------
    payload : dict
        Output of :func:`encode` (or the ``events`` member of a page's data).

    Returns
    -------
    list of dict
    """
    columns = payload["columns"]
    out = {name: (_unpack(columns[name]) / payload["scale"]).tolist() for name in COORDINATES}
    for name in DICTIONARIES:
        values = columns[name]["values"]
        out[name] = [values[code] for code in _unpack(columns[name]["codes"]).tolist()]
    names = COORDINATES + DICTIONARIES
    return [dict(zip(names, row, strict=True)) for row in zip(*(out[name] for name in names), strict=True)]


def _dictionary(values) -> dict:
    """``values`` as {"values": distinct values in order of appearance, "codes": packed codes}."""
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), sort=False, use_na_sentinel=False)
    return _coded([None if _missing(v) else _plain(v) for v in uniques], codes)


def _coded(distinct: list, codes: np.ndarray) -> dict:
    """{"values": distinct, "codes": codes packed in the smallest unsigned type that holds them}."""
    if len(codes) and (codes.min() < 0 or codes.max() >= len(distinct)):
        raise ValueError("a dictionary code points outside its values")
    dtype = "u1" if len(distinct) <= 1 << 8 else "u2" if len(distinct) <= 1 << 16 else "u4"
    return {"values": distinct, "codes": _pack(codes.astype(_DTYPES[dtype]), dtype)}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _plain(value):
    """A numpy scalar as the Python value ``json`` writes."""
    return value.item() if isinstance(value, np.generic) else value


def _pack(array: np.ndarray, dtype: str) -> dict:
    return {"dtype": dtype, "data": base64.b64encode(np.ascontiguousarray(array, _DTYPES[dtype]).tobytes()).decode()}


def _unpack(packed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(packed["data"]), dtype=_DTYPES[packed["dtype"]])
