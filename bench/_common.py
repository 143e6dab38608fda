"""Helpers shared by the bench scripts: machine description, timing, RESULTS.md sections.

Every bench measures its own baseline in the same run and reports ratios:
the machine is shared and noisy, so absolute times only say where we are.
Each script rewrites its own section of ``bench/RESULTS.md`` (between
``<!-- name -->`` markers) and leaves the others alone.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work"  # generated inputs and outputs, gitignored
RESULTS = BENCH / "RESULTS.md"
PYTHON = sys.executable
GEO_COI = str(Path(sys.executable).with_name("geo-coi"))  # the real entry point, not a pyenv shim


def machine() -> str:
    """One line: date, CPU, cores, memory, load, Python and library versions."""
    import numpy
    import shapely

    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    if Path("/proc/meminfo").is_file():
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024**2:.0f} GB RAM"
    load = ", load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {cpu}, {os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, shapely {shapely.__version__}"
    )


def wall(command: list[str], cwd: str = "/tmp", env=None, check: bool = True) -> float:
    """Wall seconds of one cold run of ``command`` (output discarded); exits if it fails and ``check``."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode and check:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds


def interleaved(commands: dict[str, list[str]], repeat: int, may_fail=()) -> dict[str, list[float]]:
    """Run every command ``repeat`` times, interleaved so load changes hit all alike.

    Commands named in ``may_fail`` are timed even when they exit non-zero.
    """
    times = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(wall(command, check=name not in may_fail))
    return times


def median(values) -> float:
    return statistics.median(values)


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section ``name`` of RESULTS.md with ``body``."""
    text = RESULTS.read_text() if RESULTS.is_file() else "# Benchmark results\n\nRegenerate: `bash bench/run_all.sh`.\n"
    block = f"<!-- {name} -->\n{body.strip()}\n<!-- /{name} -->"
    pattern = re.compile(rf"<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
    print(body)


def table(rows: list[dict]) -> str:
    """A markdown table of ``rows`` (dicts with the same keys)."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)
