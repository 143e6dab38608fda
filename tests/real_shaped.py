"""A real-shaped ACLED export for tests, made from the bundled synthetic demo.

Real exports are denser and more irregular than the demo, and they end where
the export ends. :func:`write_real_shaped` writes a CSV in ACLED's export
schema that

- ends mid-month (:data:`DATA_END`, 15 May 2024) and starts on 1 May 2023;
- stacks up to :data:`STACK` events on one coordinate (a few places);
- has many ``geo_precision`` 2 events (one in three) and some 3;
- has a ``timestamp`` column whose latest value is :data:`LAST_UPDATE`;
- is *not* marked synthetic in ``source`` (so it is treated as an ACLED export
  and needs an access date); ``notes`` still say SYNTHETIC, and the file
  only ever lives in a test's temporary folder.

It is seeded: the same call writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

DEMO = Path(str(files("geo_coi") / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"))
DATA_START = dt.date(2023, 5, 1)
DATA_END = dt.date(2024, 5, 15)
LAST_UPDATE = dt.date(2024, 5, 21)
STACK = 8
SOURCE = "Test export (real-shaped, made from geo_coi's synthetic demo)"


def write_real_shaped(path, seed: int = 10) -> Path:
    """Write the real-shaped export to ``path`` (CSV) and return the path."""
    rng = np.random.default_rng(seed)
    frame = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    dates = pd.to_datetime(frame["event_date"])
    frame = frame[(dates >= pd.Timestamp(DATA_START)) & (dates <= pd.Timestamp(DATA_END))].reset_index(drop=True)
    frame["source"] = SOURCE
    precision = np.where(np.arange(len(frame)) % 3 == 1, "2", frame["geo_precision"])
    precision[np.arange(len(frame)) % 17 == 5] = "3"
    frame["geo_precision"] = precision
    for place in rng.choice(len(frame) - STACK, size=4, replace=False):  # STACK events on one point
        rows = frame.index[place:place + STACK]
        frame.loc[rows, ["latitude", "longitude", "location", "admin1", "admin2", "admin3"]] = (
            frame.loc[rows[0], ["latitude", "longitude", "location", "admin1", "admin2", "admin3"]].to_numpy())
    updated = pd.Timestamp(LAST_UPDATE, tz="UTC")
    lags = rng.integers(0, 30 * 86400, size=len(frame))
    lags[rng.integers(len(frame))] = 0  # one row was updated on LAST_UPDATE itself
    frame["timestamp"] = [str(int(updated.timestamp()) - int(lag)) for lag in lags]
    path = Path(path)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
