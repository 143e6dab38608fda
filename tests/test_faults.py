"""Faults: unexpected exceptions, kills, full disks and read-only folders give one line and a whole output set.

The kill and disk tests run ``geo-coi annex`` with the cheap steps only
(:func:`test_publish.cheap_annex`): the same CLI, lock, staging and swap as a
full run, in a few seconds per run.
"""

import contextlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_publish import CHEAP_STEPS, ROOT, cheap_annex, check_complete_set, folder_files

from geo_coi.cli.main import cli
from geo_coi.manifest import MANIFEST_NAME, read_manifest

EVENTS = ROOT / "tests" / "data" / "events"
KILL_SEED = 11
KILL_BUDGET_SECONDS = 60
MAX_KILLS = 20


# --- the last-resort handler -------------------------------------------------------------------
def test_unexpected_exception_is_one_line_and_exit_70(monkeypatch):
    import geo_coi.annex

    def broken(*args, **kwargs):
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr(geo_coi.annex, "run_annex", broken)
    result = CliRunner().invoke(cli, ["annex", "--quiet"])
    assert result.exit_code == 70
    assert result.output == "Error: internal error, rerun with --debug (KeyError: 'boom\\nsecond line')\n"
    debug = CliRunner().invoke(cli, ["--debug", "annex", "--quiet"])
    assert isinstance(debug.exception, KeyError) and "internal error" not in debug.output


def test_unexpected_exception_in_a_subprocess_prints_no_traceback():
    driver = ("import sys, geo_coi.ingest as s\n"  # what validate reads a file with
              "def deep(*a, **k): raise RecursionError('maximum recursion depth exceeded')\n"
              "s.check_file = deep\n"
              "from geo_coi.cli.main import cli\n"
              "cli.main(sys.argv[1:], prog_name='geo-coi')\n")
    result = subprocess.run([sys.executable, "-c", driver, "validate", str(EVENTS / "acled_partial.csv")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 70
    assert result.stderr.splitlines() == [
        "Error: internal error, rerun with --debug (RecursionError: maximum recursion depth exceeded)"]
    assert "Traceback" not in result.stdout + result.stderr


def test_geo_coi_errors_keep_their_own_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["annex", "--quiet", "--out-dir", str(blocker / "out")])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: cannot create the output folder {blocker / 'out'}")


# --- validate --rejects ------------------------------------------------------------------------
def test_validate_refuses_to_write_the_rejects_over_its_input(tmp_path, monkeypatch):
    events = tmp_path / "events.csv"
    shutil.copy(EVENTS / "acled_partial.csv", events)
    before = events.read_bytes()
    monkeypatch.chdir(tmp_path)
    for spelling in (str(events), "./events.csv", "../" + tmp_path.name + "/events.csv"):
        result = CliRunner().invoke(cli, ["validate", str(events), "--rejects", spelling])
        assert result.exit_code == 1
        assert result.output == (f"Error: --rejects {spelling} is the input file itself; "
                                 "write the rejects to another file\n")
    assert events.read_bytes() == before


def test_validate_writes_the_rejects_atomically(tmp_path):
    rejects = tmp_path / "rejects.csv"
    rejects.write_text("previous run\n")
    result = CliRunner().invoke(cli, ["validate", str(EVENTS / "acled_partial.csv"), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    text = rejects.read_text(encoding="utf-8")
    assert text.startswith("row_number,event_id,reason,field,value,") and "previous run" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["duplicates.csv", "rejects.csv"]  # no temporary file left


# --- kills -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_the_old_or_the_new_complete_set(tmp_path):
    """Kill annex at seeded random moments; after each kill the folder holds one complete set."""
    out = tmp_path / "out"
    started = time.monotonic()
    first = cheap_annex(out, "--language", "en")
    assert first.returncode == 0, first.stderr
    timed = time.monotonic()
    second = cheap_annex(out, "--language", "nl")  # a replacing run, like the killed ones, sets the time scale
    assert second.returncode == 0, second.stderr
    duration = time.monotonic() - timed
    sets = [check_complete_set(out)["started"]]
    rng = random.Random(KILL_SEED)
    outcomes = {"old set": 0, "new set": 0, "finished before the kill": 0}
    languages = ("fr", "en", "nl")
    while sum(outcomes.values()) < MAX_KILLS and time.monotonic() - started < KILL_BUDGET_SECONDS:
        language = languages[sum(outcomes.values()) % 3]
        process = cheap_annex(out, "--language", language, popen=True)
        # every other kill near the end of a run, where the gallery, manifest and swap happen
        late = sum(outcomes.values()) % 2
        delay = rng.uniform(0.8 * duration if late else 0.0, duration * 1.2)
        launched = time.monotonic()
        while process.poll() is None and time.monotonic() - launched < delay:
            time.sleep(0.005)
        killed = process.poll() is None
        process.send_signal(signal.SIGKILL)
        # the machine's load changes: follow the runs' real length so late kills stay late
        if not killed:
            duration = (duration + time.monotonic() - launched) / 2
        elif late and read_manifest(out)["started"] == sets[-1]:
            duration *= 1.1
        process.communicate(timeout=60)
        manifest = check_complete_set(out)  # the invariant: one whole set, checksums match, nothing else
        if not killed:
            assert process.returncode == 0
            outcomes["finished before the kill"] += 1
        elif manifest["started"] == sets[-1]:
            outcomes["old set"] += 1
        else:
            assert manifest["language"] == language
            outcomes["new set"] += 1
        if manifest["started"] != sets[-1]:
            sets.append(manifest["started"])
    print(f"kills: {outcomes} in {time.monotonic() - started:.0f} s (one run {duration:.1f} s)")
    assert outcomes["old set"] >= 1 and sum(outcomes.values()) >= 5
    # the next run removes what the killed runs left beside the folder, and takes over their lock
    last = cheap_annex(out, "--language", "en")
    assert last.returncode == 0, last.stderr
    check_complete_set(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


# --- full and read-only disks ------------------------------------------------------------------
@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int):
    """A tmpfs of ``size_kb`` mounted on ``folder``; skip the test where mounting is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_keeps_the_old_set_and_says_so_in_one_line(tmp_path):
    """Room for one set and a half: the first run fits, the second fills the disk while staging."""
    steps = CHEAP_STEPS + ("density surface and map",)  # a GeoTIFF, PNG, PDF and SVG too
    probe = cheap_annex(tmp_path / "probe", steps=steps)
    assert probe.returncode == 0, probe.stderr
    size = sum(p.stat().st_size for p in (tmp_path / "probe").rglob("*") if p.is_file())
    with tmpfs(tmp_path / "disk", size_kb=int(size * 1.5 / 1024)) as disk:
        out = disk / "out"
        first = cheap_annex(out, steps=steps)
        assert first.returncode == 0, first.stderr
        before = {path: (out / path).read_bytes() for path in folder_files(out)}
        second = cheap_annex(out, "--language", "fr", steps=steps)
        assert second.returncode == 1
        lines = second.stderr.splitlines()
        assert len(lines) == 1 and "No space left on device" in lines[0], second.stderr
        assert lines[0].startswith("Error: ") and "Nothing was published" in lines[0]
        check_complete_set(out)
        assert {path: (out / path).read_bytes() for path in folder_files(out)} == before
        assert sorted(p.name for p in disk.iterdir()) == [".out.lock", "out"]  # the staging is gone


@pytest.mark.slow
def test_a_read_only_disk_is_one_line_and_nothing_is_written(tmp_path):
    with tmpfs(tmp_path / "disk", size_kb=1024) as disk:
        (disk / "out").mkdir()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = cheap_annex(disk / "out")
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"Error: cannot write in {disk} (Read-only file system); choose another --out-dir"]
        assert list(disk.rglob("*")) == [disk / "out"]


def test_a_read_only_mount_point_as_out_is_refused_before_any_work(tmp_path):
    with tmpfs(tmp_path / "out", size_kb=256) as out:
        (out / MANIFEST_NAME).write_text("{}")
        result = CliRunner().invoke(cli, ["annex", "--quiet", "--out-dir", str(out)])
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {out} is a mount point")
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        result = CliRunner().invoke(cli, ["annex", "--quiet", "--out-dir", str(out)])
        assert result.output == f"Error: {out} is read-only; choose another --out-dir\n"
        assert read_manifest(out) == {}
