"""Target 4: the full default `geo-coi annex` in < 30 s wall, vs importing the libraries.

Runs the default annex (bundled demo data, default config) as a cold process,
``--repeat`` times, and a cold ``import geopandas, folium, matplotlib,
rasterio, contextily`` as the baseline, interleaved. Then profiles one run
in-process with pyinstrument and lists the steps of the manifest and the
hotspots (cumulative time of geo_coi functions, self time of everything).

    python bench/bench_annex.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections import defaultdict

from _common import GEO_COI, PYTHON, WORK, interleaved, machine, median, table, write_section

IMPORTS = "import geopandas, folium, matplotlib, matplotlib.pyplot, rasterio, contextily"


def profile(out_dir) -> tuple[list, list, list]:
    """Hotspots of one profiled annex run, top 15 ``(name, seconds)`` each.

    geo_coi functions by cumulative time, all functions by self time, and self
    time per library (C code counted for the library that called it).
    """
    from pyinstrument import Profiler

    from geo_coi.annex import run_annex
    from geo_coi.errors import GeoCOIError

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        run_annex(out_dir=out_dir)
    except GeoCOIError as exc:  # a failed optional step: the rest was run and is profiled
        print(f"annex: {exc}")
    profiler.stop()
    cumulative, own, library = defaultdict(float), defaultdict(float), defaultdict(float)

    def walk(frame, active, caller_library):
        key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        path = frame.file_path or ""
        lib = _library(path) or caller_library
        alone = frame.time - sum(child.time for child in frame.children)  # "[self]" frames hold it
        own[key] += alone
        library[lib] += alone
        if "geo_coi" in path and key not in active:
            cumulative[key] += frame.time  # not counted again inside its own recursion
            active = active | {key}
        for child in frame.children:
            walk(child, active, lib)

    walk(profiler.last_session.root_frame(), frozenset(), "python")
    top = lambda d: sorted(d.items(), key=lambda kv: -kv[1])[:15]  # noqa: E731
    return top(cumulative), top(own), top(library)


def _library(path: str) -> str | None:
    """Top-level package of a source path (``site-packages/<pkg>/...``, ``geo_coi``), None for C code."""
    if not path or path.startswith("<"):
        return None
    parts = path.replace("\\", "/").split("/")
    for marker in ("site-packages", "geo_coi"):
        if marker in parts:
            i = parts.index(marker)
            return "geo_coi" if marker == "geo_coi" else parts[i + 1].removesuffix(".py")
    return "python stdlib"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    out = WORK / "annex"
    shutil.rmtree(out, ignore_errors=True)
    times = interleaved(
        {"geo-coi annex": [GEO_COI, "annex", "--quiet", "--out", str(out)], "imports": [PYTHON, "-c", IMPORTS]},
        args.repeat,
        may_fail={"geo-coi annex"},  # a failed optional step still leaves a manifest: report it
    )
    if not (out / "manifest.json").is_file():
        raise SystemExit(f"geo-coi annex wrote no {out / 'manifest.json'}; run it by hand to see why")
    manifest = json.loads((out / "manifest.json").read_text())
    failed = [s["name"] for s in manifest["steps"] if s["status"] == "failed"]
    steps = sorted(manifest["steps"], key=lambda s: -s["seconds"])
    step_rows = [{"step": s["name"], "seconds": f"{s['seconds']:.2f}", "status": s["status"]} for s in steps]
    cumulative, own, library = profile(WORK / "annex_profiled")
    annex, imports = median(times["geo-coi annex"]), median(times["imports"])
    lines = lambda pairs: "\n".join(f"- {sec:.2f} s {name}" for name, sec in pairs)  # noqa: E731
    write_section(
        "annex",
        f"## 4. Full default `geo-coi annex` (bench/bench_annex.py)\n\n{machine()}; median of {args.repeat} "
        f"interleaved cold runs.\n\n"
        f"| run | median s | min s |\n|---|---|---|\n"
        f"| geo-coi annex | {annex:.1f} | {min(times['geo-coi annex']):.1f} |\n"
        f"| `{IMPORTS}` | {imports:.2f} | {min(times['imports']):.2f} |\n\n"
        f"Target (< 30 s): **{'met' if annex < 30 else 'NOT met'}**; the run takes {annex / imports:.1f}x "
        f"the library imports; {len(manifest['outputs'])} output files"
        f"{'; failed steps: ' + ', '.join(failed) if failed else ''}.\n\n"
        f"Steps (manifest.json, last timed run):\n\n{table(step_rows)}\n\n"
        f"pyinstrument, one in-process run: geo_coi functions by cumulative time\n{lines(cumulative)}\n\n"
        f"Self time per library (C code counted for the library that called it):\n{lines(library)}\n\n"
        f"Self time per function:\n{lines(own)}\n",
    )


if __name__ == "__main__":
    main()
