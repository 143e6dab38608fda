"""Write a large synthetic event CSV (canonical column names) for bench_chunked.py.

Rows are a mix of uniform points in Niger's bounding box (a third) and points
clustered around the bundled UCDP event locations, with random dates, event
types and fatalities. Written in chunks, so memory stays small.

    python bench/make_events_csv.py [--rows 10000000] [--out bench/_work/events_10M.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from _common import WORK
from bench_join import points

CHUNK = 1_000_000
TYPES = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"])


def write(rows: int, out: Path) -> Path:
    """Write ``rows`` synthetic events to ``out`` (CSV with a header)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    with open(tmp, "w") as handle:
        for number, start in enumerate(range(0, rows, CHUNK)):
            n = min(CHUNK, rows - start)
            rng = np.random.default_rng(number)
            lon_u, lat_u = points("uniform", n // 3, seed=number)
            lon_c, lat_c = points("clustered", n - n // 3, seed=number)
            frame = pd.DataFrame(
                {
                    "event_id": [f"SYN{i}" for i in range(start, start + n)],
                    "event_date": (np.datetime64("2015-01-01") + rng.integers(0, 3650, n)).astype(str),
                    "event_type": TYPES[rng.integers(0, len(TYPES), n)],
                    "fatalities": rng.poisson(1.5, n),
                    "latitude": np.round(np.concatenate([lat_u, lat_c]), 5),
                    "longitude": np.round(np.concatenate([lon_u, lon_c]), 5),
                }
            )
            frame.to_csv(handle, index=False, header=start == 0)
    tmp.replace(out)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=WORK / "events_10M.csv")
    args = parser.parse_args()
    print(f"wrote {write(args.rows, args.out)}")
