"""Target: the national HTML map with 1,000,000 events draws its markers in headless Chromium in < 2 s, heap < 300 MB.

Builds 50,000 events by resampling the default report's events file (read
and joined as the annex does, coordinates jittered by up to ~5 km, joined
again), writes the map with :func:`geo_coi.maps.html.interactive_map`, opens
it in Debian's headless Chromium (network blocked) and reads the time to the
``load`` event and to ``window.geoCoi.markersDrawnMs`` (the page's own
"all markers drawn" mark). Baseline in the same run: the same map with one
event (the fixed cost of the page: basemap, choropleths).

    python bench/bench_html.py [--events 5000 50000 250000 1000000] [--repeat 3]

The JS heap is the page's own (Chromium's ``Runtime.getHeapUsage`` after the
markers are drawn, then a forced garbage collection), plus that of any worker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
from _common import BENCH, WORK, machine, table, write_section

sys.path.insert(0, str(BENCH.parent / "tests"))
from browser import ARGS, CHROMIUM  # noqa: E402  (the tests' Chromium settings)


def events_like_the_report(n: int, seed: int = 0):
    """``n`` joined canonical events resampled from the default config's events file."""
    import geopandas as gpd

    from geo_coi.annex import _events_path
    from geo_coi.config import load_config
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    events = read_events(_events_path(load_config(), None)).events
    rng = np.random.default_rng(seed)
    drawn = n + n // 100 + 10  # a few land beyond the border tolerance and are rejected by the join
    sample = events.iloc[rng.integers(0, len(events), drawn)].reset_index(drop=True)
    sample["event_id"] = [f"BENCH{i}" for i in range(drawn)]
    sample["latitude"] = sample["latitude"] + rng.uniform(-0.05, 0.05, drawn)
    sample["longitude"] = sample["longitude"] + rng.uniform(-0.05, 0.05, drawn)
    sample = gpd.GeoDataFrame(
        sample, geometry=gpd.points_from_xy(sample["longitude"], sample["latitude"]), crs=4326
    )
    sample.attrs = dict(events.attrs)
    return join_admin(sample).events.iloc[:n]


def load_times(path: Path, repeat: int) -> tuple[list[float], list[float], list[float], int]:
    """(load-event ms, markers-drawn ms, JS heap MB, markers expected) per run, each in a fresh page."""
    from playwright.sync_api import sync_playwright

    loads, drawn, heaps = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for run in range(repeat + 1):  # run 0 warms the browser up, untimed
            page = browser.new_page(viewport={"width": 1200, "height": 850})
            page.route("**/*", _local_only)
            page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
            page.wait_for_function("window.geoCoi && window.geoCoi.loaded", timeout=120_000)
            if run:
                loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                drawn.append(page.evaluate("window.geoCoi.markersDrawnMs"))
                heaps.append(_heap_mb(page))
            expected = page.evaluate("window.geoCoi.expected")
            page.close()
        browser.close()
    return loads, drawn, heaps, expected


def _heap_mb(page) -> float:
    """Used JS heap of the page once the markers are drawn (garbage not yet collected), in MB."""
    session = page.context.new_cdp_session(page)
    used = session.send("Runtime.getHeapUsage")["usedSize"]
    session.detach()
    return used / 1e6


def _local_only(route):
    """Let the page read local files only (the map must work offline)."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[5_000, 50_000, 250_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from geo_coi.maps.html import interactive_map

    events = events_like_the_report(max(args.events))
    WORK.mkdir(exist_ok=True)
    rows = []
    sizes = [("1 event (baseline)", 1)] + [(f"{n:,} events", n) for n in sorted(args.events)]
    for label, n in sizes:
        path = interactive_map(events.iloc[:n], language="en", out=WORK / f"map_{n}.html")
        loads, drawn, heaps, expected = load_times(path, args.repeat)
        rows.append(
            {
                "map": label,
                "HTML MB": f"{path.stat().st_size / 1e6:.1f}",
                "markers": expected,
                "load event s (median)": f"{statistics.median(loads) / 1000:.2f}",
                "markers drawn s (median)": f"{statistics.median(drawn) / 1000:.2f}",
                "JS heap MB (median)": f"{statistics.median(heaps):.0f}",
            }
        )
        print(rows[-1], flush=True)
    full = float(rows[-1]["markers drawn s (median)"])
    heap = float(rows[-1]["JS heap MB (median)"])
    base = float(rows[0]["markers drawn s (median)"])
    write_section(
        "html",
        f"## 5. HTML map load in headless Chromium (bench/bench_html.py)\n\n{machine()}; "
        f"median of {args.repeat} fresh pages each after one untimed.\n\n{table(rows)}\n\n"
        f"Target ({rows[-1]['map']}: < 2 s to markers drawn, heap < 300 MB): "
        f"**{'met' if full < 2 and heap < 300 else 'NOT met'}** ({full:.2f} s, {heap:.0f} MB); "
        f"{full / base:.1f}x the one-event page.\n",
    )


if __name__ == "__main__":
    main()
