"""Target 3: 10 M events from CSV joined to communes and aggregated in < 2 GB peak RSS.

Runs :func:`geo_coi.chunked.aggregate_csv` on a generated 10 M-row CSV in a
fresh process and reads its peak RSS (``resource.getrusage``). Baseline in the
same run: the plain pipeline a user would write (``pandas.read_csv`` of the
whole file, a GeoDataFrame, ``geopandas.sjoin``, ``groupby``) on the first
``--baseline-rows`` rows and on half as many; the growth of its peak RSS
between the two is extrapolated linearly to the full file.

    python bench/make_events_csv.py            # once, ~1 GB in bench/_work/
    python bench/bench_chunked.py [--csv bench/_work/events_10M.csv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from _common import PYTHON, WORK, machine, table, write_section

_START = """
import json, resource, sys, time
t = time.perf_counter()
"""
# Each snippet sets `result` (a dict); this prints it with the time and peak RSS.
_REPORT = """
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(dict(result, seconds=time.perf_counter() - t, rss_mb=rss_mb)))
"""

CHUNKED = _START + """
from geo_coi.chunked import aggregate_csv
table = aggregate_csv(sys.argv[1], level="commune", tolerance_km=float(sys.argv[2]))
result = {"rows": table.attrs["rows_read"], "assigned": int(table["incidents"].sum()),
          "snapped": table.attrs["rows_snapped"]}
""" + _REPORT

NAIVE = _START + """
import geopandas as gpd, pandas as pd
from geo_coi import boundaries
events = pd.read_csv(sys.argv[1], nrows=int(sys.argv[2]))
points = gpd.GeoDataFrame(events, geometry=gpd.points_from_xy(events.longitude, events.latitude), crs=4326)
joined = gpd.sjoin(points, boundaries.load("commune")[["pcode", "geometry"]], predicate="intersects")
joined = joined.sort_values("pcode").groupby(level=0).first()
table = joined.groupby("pcode").agg(incidents=("event_id", "size"), fatalities=("fatalities", "sum"))
result = {"rows": len(events), "assigned": int(table["incidents"].sum())}
""" + _REPORT


def run(code: str, *args) -> dict:
    out = subprocess.run([PYTHON, "-c", code, *map(str, args)], capture_output=True, text=True, check=True, cwd="/tmp")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=WORK / "events_10M.csv")
    parser.add_argument("--baseline-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.csv.is_file():
        raise SystemExit(f"{args.csv} not found: generate it with `python bench/make_events_csv.py`")
    exact = run(CHUNKED, args.csv.resolve(), 0)
    ours = run(CHUNKED, args.csv.resolve(), 10)
    naive = run(NAIVE, args.csv.resolve(), args.baseline_rows)
    half = run(NAIVE, args.csv.resolve(), args.baseline_rows // 2)
    per_row = (naive["rss_mb"] - half["rss_mb"]) / (naive["rows"] - half["rows"])
    extrapolated = naive["rss_mb"] + per_row * (ours["rows"] - naive["rows"])
    rows = [
        {
            "pipeline": f"geo_coi.chunked.aggregate_csv, tolerance_km={tolerance} (whole file)",
            "rows": f"{result['rows']:,}",
            "seconds": f"{result['seconds']:.1f}",
            "rows/s": f"{result['rows'] / result['seconds']:,.0f}",
            "peak RSS MB": f"{result['rss_mb']:,.0f}",
        }
        for tolerance, result in ((0, exact), (10, ours))
    ] + [
        {
            "pipeline": "pandas.read_csv + sjoin + groupby (baseline)",
            "rows": f"{naive['rows']:,}",
            "seconds": f"{naive['seconds']:.1f}",
            "rows/s": f"{naive['rows'] / naive['seconds']:,.0f}",
            "peak RSS MB": f"{naive['rss_mb']:,.0f} (~{extrapolated:,.0f} extrapolated to {ours['rows']:,} rows)",
        },
    ]
    verdict = "met" if max(ours["rss_mb"], exact["rss_mb"]) < 2048 else "NOT met"
    speedup = (exact["rows"] / exact["seconds"]) / (naive["rows"] / naive["seconds"])
    write_section(
        "chunked",
        f"## 3. {ours['rows']:,} events from CSV in bounded memory (bench/bench_chunked.py)\n\n{machine()}; "
        f"file {args.csv.stat().st_size / 1e9:.2f} GB.\n\n{table(rows)}\n\n"
        f"Target (< 2 GB peak RSS): **{verdict}**; rows/s {speedup:.1f}x "
        "the baseline's without snapping (the same work as the baseline). "
        f"Events counted in a commune: {ours['assigned']:,}, of which {ours['snapped']:,} snapped from within "
        "10 km outside the outline as join_admin does (the baseline does not snap).\n",
    )


if __name__ == "__main__":
    main()
