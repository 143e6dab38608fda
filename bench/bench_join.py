"""Target 2: point -> commune with admin_index.lookup vs geopandas.sjoin, identical answers.

For 1 M and 10 M points, uniform in Niger's bounding box and clustered like
real events (around the bundled UCDP event locations, 0.1-10 km spread):
points per second of ``admin_index.lookup`` and of
``geopandas.sjoin(points, communes, predicate="intersects")`` (points built
into a GeoDataFrame first, as a user would; sjoin run per 1 M points to keep
memory flat), and the number of points whose commune differs (lowest P-code
among sjoin's matches). At 1 M points, department and region are also
compared with sjoin on those layers.

    python bench/bench_join.py [--sizes 1000000 10000000]
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

import numpy as np

from _common import PYTHON, machine, table, write_section

SJOIN_CHUNK = 1_000_000
UCDP = Path(__file__).resolve().parent.parent / "geo_coi/data/events/ucdp_ged251_niger_2015_2024_reduced.csv"


def points(kind: str, n: int, seed: int = 0):
    """``n`` (lon, lat): uniform in the commune bounding box, or clustered around real events."""
    import pandas as pd

    from geo_coi import admin_index

    rng = np.random.default_rng(seed)
    if kind == "uniform":
        import shapely

        minx, miny, maxx, maxy = shapely.total_bounds(admin_index.geometries("commune"))
        return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    events = pd.read_csv(UCDP, usecols=["latitude", "longitude"])
    centre = rng.integers(0, len(events), n)
    spread = rng.choice([0.001, 0.01, 0.1], size=n)
    return (
        events["longitude"].to_numpy()[centre] + rng.normal(0, spread),
        events["latitude"].to_numpy()[centre] + rng.normal(0, spread),
    )


def sjoin_lowest(lon, lat, layer):
    """(seconds, lowest matching row per point or -1) with geopandas.sjoin, per 1 M points."""
    import geopandas as gpd

    result = np.full(len(lon), len(layer), dtype="int64")
    seconds = 0.0
    for start in range(0, len(lon), SJOIN_CHUNK):
        part = slice(start, start + SJOIN_CHUNK)
        t0 = time.perf_counter()
        frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon[part], lat[part]), crs=4326)
        joined = gpd.sjoin(frame, layer, predicate="intersects")
        seconds += time.perf_counter() - t0
        np.minimum.at(result, joined.index.to_numpy() + start, joined["index_right"].to_numpy())
    result[result == len(layer)] = -1
    return seconds, result


def first_call_seconds() -> float:
    """Cold process (numpy already imported): import admin_index, look up 1 M uniform points."""
    code = (
        "import time, numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "lon, lat = rng.uniform(0.2, 16, 1_000_000), rng.uniform(11.7, 23.5, 1_000_000)\n"
        "t = time.perf_counter()\n"
        "from geo_coi import admin_index\n"
        "admin_index.lookup(lon, lat)\n"
        "print(time.perf_counter() - t)\n"
    )
    return float(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs (best of) for sizes up to 1 M")
    args = parser.parse_args()

    from geo_coi import admin_index, boundaries

    communes = boundaries.load("commune")
    admin_index.lookup(np.zeros(10_000), np.zeros(10_000))  # load the grid once
    rows, checks = [], []
    for n in args.sizes:
        for kind in ("uniform", "clustered"):
            lon, lat = points(kind, n)
            ours_s, theirs_s = [], []
            for _ in range(args.repeat if n <= 1_000_000 else 1):  # interleaved, best of
                t0 = time.perf_counter()
                ours = admin_index.lookup(lon, lat)
                ours_s.append(time.perf_counter() - t0)
                seconds, theirs = sjoin_lowest(lon, lat, communes)
                theirs_s.append(seconds)
            ours_s, sjoin_s = min(ours_s), min(theirs_s)
            rows.append(
                {
                    "points": f"{n:,}",
                    "distribution": kind,
                    "in a commune": f"{(ours >= 0).mean():.1%}",
                    "sjoin pts/s": f"{n / sjoin_s:,.0f}",
                    "lookup pts/s": f"{n / ours_s:,.0f}",
                    "speed-up": f"{sjoin_s / ours_s:.1f}x",
                    "communes differing": int((ours != theirs).sum()),
                }
            )
            print(rows[-1], flush=True)
            if n == min(args.sizes):
                checks += higher_levels(lon, lat, ours, kind)
    cold = first_call_seconds()
    write_section(
        "join",
        f"## 2. Point -> commune vs geopandas.sjoin (bench/bench_join.py)\n\n{machine()}; best of "
        f"{args.repeat} interleaved runs up to 1 M points, one run above.\n\n{table(rows)}\n\n"
        "Higher levels (department/region of the commune vs sjoin on those layers, "
        f"{min(args.sizes):,} points): " + "; ".join(checks) + ".\n\n"
        f"A fresh process importing admin_index and assigning 1 M uniform points (shapely import and grid "
        f"load included, numpy already imported): {cold:.2f} s; geopandas.sjoin alone needs about "
        f"{1e6 / float(rows[0]['sjoin pts/s'].replace(',', '')):.2f} s for as many points.\n",
    )


def higher_levels(lon, lat, ours, kind) -> list[str]:
    """Department and region read off our commune vs sjoin on the department and region layers."""
    from geo_coi import admin_index, boundaries

    out = []
    for level in ("department", "region"):
        layer = boundaries.load(level)
        _, theirs = sjoin_lowest(lon, lat, layer)
        parent = {u["pcode"]: i for i, u in enumerate(admin_index.records(level))}
        of_commune = np.array([parent[c[f"{level}_pcode"]] for c in admin_index.records("commune")] + [-1])
        out.append(f"{kind} {level}s differing: {int((of_commune[ours] != theirs).sum())}")
    return out


if __name__ == "__main__":
    main()
