"""Target 2: point -> commune with admin_index.lookup vs geopandas.sjoin, identical answers.

For 1 M and 10 M points, uniform in Niger's bounding box, clustered around the
bundled UCDP event locations (0.1-10 km spread), and clustered like real ACLED
data ("real": a quarter exactly on published event coordinates, the rest
jittered 10 m to 10 km):
points per second of ``admin_index.lookup`` and of
``geopandas.sjoin(points, communes, predicate="intersects")`` (points built
into a GeoDataFrame first, as a user would; sjoin run per 1 M points to keep
memory flat), and the number of points whose commune differs (lowest P-code
among sjoin's matches). At 1 M points, department and region are also
compared with sjoin on those layers.

Border snapping: on 100k points just outside the outline, the nearest
commune and distance of :func:`geo_coi.snapping.nearest_commune` (segments of
the border communes) against the former search over all commune polygons.

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
UCDP = Path(__file__).resolve().parent.parent / "geo_coi/countries/ner/events/ucdp_ged251_niger_2015_2024_reduced.csv"


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
    if kind == "real":  # a quarter on the published coordinates themselves
        spread = np.where(rng.random(n) < 0.25, 0.0, rng.choice([0.0001, 0.001, 0.01, 0.1], size=n))
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
        for kind in ("uniform", "clustered", "real"):
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
    snap = snapping_rows()
    cold = first_call_seconds()
    write_section(
        "join",
        f"## 2. Point -> commune vs geopandas.sjoin (bench/bench_join.py)\n\n{machine()}; best of "
        f"{args.repeat} interleaved runs up to 1 M points, one run above.\n\n{table(rows)}\n\n"
        "Higher levels (department/region of the commune vs sjoin on those layers, "
        f"{min(args.sizes):,} points): " + "; ".join(checks) + ".\n\n"
        f"A fresh process importing admin_index and assigning 1 M uniform points (shapely import and grid "
        f"load included, numpy already imported): {cold:.2f} s; geopandas.sjoin alone needs about "
        f"{1e6 / float(rows[0]['sjoin pts/s'].replace(',', '')):.2f} s for as many points.\n\n"
        "Border snapping (points outside Niger within about 20 km of its outline; best of 3; goal >= 3x, "
        f"identical answers):\n\n{table(snap)}\n",
    )


def polygon_search(lon, lat):
    """The former border snapping: nearest whole commune polygon (EQUAL_AREA), then the geodesic distance."""
    import shapely
    from pyproj import Transformer

    from geo_coi import admin_index
    from geo_coi.crs import EQUAL_AREA, GEOD, GEOGRAPHIC

    to_area = Transformer.from_crs(GEOGRAPHIC, EQUAL_AREA, always_xy=True)
    to_geo = Transformer.from_crs(EQUAL_AREA, GEOGRAPHIC, always_xy=True)
    polygons = shapely.transform(admin_index.geometries("commune"), to_area.transform, interleaved=False)
    tree = shapely.STRtree(polygons)
    start = time.perf_counter()
    points = shapely.points(*to_area.transform(lon, lat))
    point_idx, unit_idx = tree.query_nearest(points, all_matches=True)
    nearest = np.full(len(lon), len(polygons))
    np.minimum.at(nearest, point_idx, unit_idx)
    end = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(points, polygons[nearest]), 1))
    _, _, metres = GEOD.inv(lon, lat, *to_geo.transform(end[:, 0], end[:, 1]))
    return time.perf_counter() - start, nearest, np.asarray(metres) / 1000.0


def snapping_rows(n: int = 100_000, repeat: int = 3) -> list[dict]:
    """Border snapping, segment search vs polygon search, on points outside within ~20 km of the outline."""
    import shapely

    from geo_coi import admin_index, snapping

    rng = np.random.default_rng(1)
    outline = shapely.get_coordinates(admin_index.geometries("country")[0].boundary)
    k = rng.integers(0, len(outline), 3 * n)
    lon = outline[k, 0] + rng.normal(0, 0.05, 3 * n)
    lat = outline[k, 1] + rng.normal(0, 0.05, 3 * n)
    outside = admin_index.lookup(lon, lat) == admin_index.NO_UNIT
    lon, lat = lon[outside][:n], lat[outside][:n]
    snapping.nearest_commune(lon[:10], lat[:10])  # build the segment index once
    ours_s, theirs_s = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ours, km = snapping.nearest_commune(lon, lat)
        ours_s.append(time.perf_counter() - start)
        seconds, theirs, their_km = polygon_search(lon, lat)
        theirs_s.append(seconds)
    return [{
        "points": f"{len(lon):,}",
        "polygon search pts/s": f"{len(lon) / min(theirs_s):,.0f}",
        "segment search pts/s": f"{len(lon) / min(ours_s):,.0f}",
        "speed-up": f"{min(theirs_s) / min(ours_s):.1f}x",
        "communes differing": int((ours != theirs).sum()),
        "max km difference": f"{np.abs(km - their_km).max():.1e}",
    }]


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
