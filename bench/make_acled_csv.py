"""Write a large synthetic CSV in ACLED's full 31-column export schema, for bench_ingest.py.

Rows are the bundled SYNTHETIC demo events (``geo_coi/data/demo/``) drawn at random,
given new ids and coordinates moved by up to 0.05 degrees, so the file has the
shape, widths and quoting of a real export (about 390 bytes a row). Seeded:
the same arguments write the same bytes. Per million rows about 1,000 identical
duplicates, 200 duplicate ids with different content, 500 non-numeric
coordinates and 500 points far outside Niger, so every accounting path runs.

    python bench/make_acled_csv.py --rows 1000000 [--out bench/_work/acled_1M.csv]
"""

from __future__ import annotations

import argparse
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from _common import WORK

CHUNK = 500_000
DEMO = files("geo_coi") / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"


def _chunk(demo: pd.DataFrame, start: int, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = demo.iloc[rng.integers(0, len(demo), n)].reset_index(drop=True)
    rows["event_id_cnty"] = [f"SYN{i:08d}" for i in range(start, start + n)]
    for column in ("latitude", "longitude"):
        moved = rows[column].astype(float) + rng.uniform(-0.05, 0.05, n)
        rows[column] = np.round(moved, 4).astype(str)
    def per_million(k):
        return max(1, n * k // 1_000_000)

    bad = rng.choice(n, per_million(500), replace=False)
    rows.loc[bad, "latitude"] = "n/a"
    far = rng.choice(n, per_million(500), replace=False)
    rows.loc[far, "longitude"] = "40.0"
    copies = rng.choice(n - 1, per_million(1_200), replace=False)
    identical, conflicting = copies[: per_million(1_000)], copies[per_million(1_000):]
    extra = rows.iloc[identical].copy()
    clash = rows.iloc[conflicting].copy()
    clash["fatalities"] = (clash["fatalities"].astype(int) + 1).astype(str)
    return pd.concat([rows, extra, clash], ignore_index=True).sample(frac=1, random_state=seed)


def write(rows: int, out: Path) -> Path:
    """Write about ``rows`` ACLED-shaped rows (plus the duplicates) to ``out``."""
    demo = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    with open(tmp, "w", newline="") as handle:
        for number, start in enumerate(range(0, rows, CHUNK)):
            frame = _chunk(demo, start, min(CHUNK, rows - start), seed=number)
            frame.to_csv(handle, index=False, header=start == 0, lineterminator="\n")
    tmp.replace(out)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    label = f"{args.rows // 1_000_000}M" if args.rows % 1_000_000 == 0 else f"{args.rows // 1000}k"
    print(f"wrote {write(args.rows, args.out or WORK / f'acled_{label}.csv')}")
