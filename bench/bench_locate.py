"""Target 1: a cold `geo-coi locate LAT LON` vs a cold `python -c "import geopandas"`.

Both are run as fresh processes, interleaved, ``--repeat`` times; the section
of RESULTS.md gives medians and the ratio, plus the slowest imports of
`locate` (``python -X importtime``).

    python bench/bench_locate.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import subprocess

from _common import GEO_COI, PYTHON, interleaved, machine, median, table, write_section

POINT = ("13.4716", "2.0886")  # Niamey V


def slowest_imports(n: int = 12) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the ``n`` slowest top-level imports of locate."""
    run = subprocess.run(
        [PYTHON, "-X", "importtime", "-m", "geo_coi", "locate", *POINT],
        capture_output=True, text=True, check=True, cwd="/tmp",
    )
    rows = []
    for line in run.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            if depth <= 1:
                rows.append((int(parts[1]), name.strip()))
    return sorted(rows, reverse=True)[:n]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    commands = {
        "geo-coi locate": [GEO_COI, "locate", *POINT],
        'python -c "import geopandas"': [PYTHON, "-c", "import geopandas"],
        'python -c "pass"': [PYTHON, "-c", "pass"],
        "admin_index.lookup only": [
            PYTHON, "-c", f"from geo_coi import admin_index as a; a.lookup({POINT[1]}, {POINT[0]})",
        ],
    }
    warm_up(commands)
    times = interleaved(commands, args.repeat)
    base = median(times['python -c "import geopandas"'])
    rows = [
        {
            "command (cold process)": name,
            "median s": f"{median(t):.3f}",
            "min s": f"{min(t):.3f}",
            "ratio to import geopandas": f"{median(t) / base:.2f}",
        }
        for name, t in times.items()
    ]
    locate = median(times["geo-coi locate"])
    verdict = (
        f"{'met' if locate < 0.35 else 'NOT met'} in absolute terms ({locate:.3f} s median), "
        f"{'met' if locate < base else 'NOT met'} relative to importing geopandas ({locate / base:.2f}x)"
    )
    imports = "\n".join(f"- {us / 1000:.0f} ms {name}" for us, name in slowest_imports())
    write_section(
        "locate",
        f"## 1. Cold `geo-coi locate` (bench/bench_locate.py)\n\n{machine()}; {args.repeat} interleaved runs each.\n\n"
        f"{table(rows)}\n\nTarget (< 0.35 s, faster than importing geopandas): {verdict}.\n\n"
        f"Slowest top-level imports of `python -X importtime -m geo_coi locate` (cumulative):\n{imports}\n",
    )


def warm_up(commands):
    """One untimed run of each, so the OS file cache is warm for all alike."""
    interleaved(commands, 1)


if __name__ == "__main__":
    main()
