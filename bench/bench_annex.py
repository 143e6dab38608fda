"""Target 4: the full default `geo-coi annex` in < 10 s wall, pooled vs serial, vs importing the libraries.

Runs the default annex (bundled demo data, default config) as a cold process,
``--repeat`` times with its process pool (one worker per core) and serially
(``GEO_COI_WORKERS=1``), and a cold ``import geopandas, folium, matplotlib,
rasterio, contextily`` as the baseline, interleaved; checks that the pooled
and the serial run wrote byte-identical files. Then profiles one serial run
in-process with pyinstrument (the workers of a pooled run are other
processes) and lists the steps of the manifest and the hotspots (cumulative
time of geo_coi functions, self time of everything).

    python bench/bench_annex.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
from collections import defaultdict
from pathlib import Path

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
    from geo_coi.step_pool import WORKERS_ENV

    os.environ[WORKERS_ENV] = "1"
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
        if _ours(path) and key not in active:
            cumulative[key] += frame.time  # not counted again inside its own recursion
            active = active | {key}
        for child in frame.children:
            walk(child, active, lib)

    walk(profiler.last_session.root_frame(), frozenset(), "python")
    top = lambda d: sorted(d.items(), key=lambda kv: -kv[1])[:15]  # noqa: E731
    return top(cumulative), top(own), top(library)


def _ours(path: str) -> bool:
    """True for a file of the geo_coi package itself (its own directory, not any path naming it:
    a venv at ``.../geo_coi/.venv/.../matplotlib`` is matplotlib)."""
    import geo_coi

    package = Path(geo_coi.__file__).resolve().parent
    return bool(path) and not path.startswith("<") and Path(path).resolve().is_relative_to(package)


def _library(path: str) -> str | None:
    """Top-level package of a source path (``site-packages/<pkg>/...``, ``geo_coi``), None for C code."""
    if not path or path.startswith("<"):
        return None
    if _ours(path):
        return "geo_coi"
    parts = path.replace("\\", "/").split("/")
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    return "python stdlib"


def _digests(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled in-process run")
    args = parser.parse_args()
    out, serial_out = WORK / "annex", WORK / "annex_serial"
    for folder in (out, serial_out):
        shutil.rmtree(folder, ignore_errors=True)
    times = interleaved(
        {
            "pooled": [GEO_COI, "annex", "--quiet", "--out", str(out)],
            "serial": ["env", "GEO_COI_WORKERS=1", GEO_COI, "annex", "--quiet", "--out", str(serial_out)],
            "imports": [PYTHON, "-c", IMPORTS],
        },
        args.repeat,
        may_fail={"pooled", "serial"},  # a failed optional step still leaves a manifest: report it
    )
    for folder in (out, serial_out):
        if not (folder / "manifest.json").is_file():
            raise SystemExit(f"geo-coi annex wrote no {folder / 'manifest.json'}; run it by hand to see why")
    pooled_files, serial_files = _digests(out), _digests(serial_out)
    differing = sorted(set(pooled_files) ^ set(serial_files)) + sorted(
        name for name in set(pooled_files) & set(serial_files) if pooled_files[name] != serial_files[name])
    manifest = json.loads((out / "manifest.json").read_text())
    failed = [s["name"] for s in manifest["steps"] if s["status"] == "failed"]
    steps = sorted(manifest["steps"], key=lambda s: -s["seconds"])
    step_rows = [{"step": s["name"], "seconds": f"{s['seconds']:.2f}", "status": s["status"]} for s in steps]
    cumulative, own, library = ([], [], []) if args.no_profile else profile(WORK / "annex_profiled")
    annex, serial, imports = (median(times[name]) for name in ("pooled", "serial", "imports"))
    lines = lambda pairs: "\n".join(f"- {sec:.2f} s {name}" for name, sec in pairs)  # noqa: E731
    same = "byte-identical to the serial run (manifest aside)"
    write_section(
        "annex",
        f"## 4. Full default `geo-coi annex` (bench/bench_annex.py)\n\n{machine()}; median of {args.repeat} "
        f"interleaved cold runs.\n\n"
        f"| run | median s | min s | ratio to serial |\n|---|---|---|---|\n"
        f"| geo-coi annex (process pool, {os.cpu_count()} workers) | {annex:.1f} | {min(times['pooled']):.1f} | "
        f"{annex / serial:.2f} |\n"
        f"| geo-coi annex, serial (GEO_COI_WORKERS=1) | {serial:.1f} | {min(times['serial']):.1f} | 1.00 |\n"
        f"| `{IMPORTS}` | {imports:.2f} | {min(times['imports']):.2f} | {imports / serial:.2f} |\n\n"
        f"Target (< 10 s on an idle machine): **{'met' if annex < 10 else 'NOT met'}** in this run; the pool "
        f"takes {annex / serial:.2f}x the serial run's time; {len(manifest['outputs'])} output files, "
        f"{'DIFFERING from the serial run: ' + ', '.join(differing) if differing else same}"
        f"{'; failed steps: ' + ', '.join(failed) if failed else ''}.\n\n"
        f"Steps (manifest.json of the last pooled run; a step's time is its worker's wall time):\n\n"
        f"{table(step_rows)}\n\n"
        + ("" if args.no_profile else
           f"pyinstrument, one serial in-process run: geo_coi functions by cumulative time\n{lines(cumulative)}\n\n"
           f"Self time per library (C code counted for the library that called it):\n{lines(library)}\n\n"
           f"Self time per function:\n{lines(own)}\n"),
    )


if __name__ == "__main__":
    main()
