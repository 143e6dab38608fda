"""Publishing an output set as one step (:mod:`geo_coi.publish`) and reopening each output (:mod:`geo_coi.verify`)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo_coi import annex as annex_module
from geo_coi import publish
from geo_coi.cli.main import cli
from geo_coi.errors import OutputError
from geo_coi.manifest import MANIFEST_NAME, read_manifest, sha256_file
from geo_coi.verify import verify_output

ROOT = Path(__file__).resolve().parents[1]
# `geo-coi` with the cheap steps only (tables, workbook, rejects; optionally the interactive map):
# the same CLI and publishing, a run of a few seconds.
CHEAP_STEPS = ("read events", "join admin units", "tables", "XLSX workbook", "rejects file")
DRIVER = textwrap.dedent("""
    import os, sys
    from geo_coi import annex
    keep = set(os.environ["GEO_COI_TEST_STEPS"].split(","))
    annex.STEPS = tuple(step for step in annex.STEPS if step.name in keep)
    from geo_coi.cli.main import cli
    cli.main(sys.argv[1:], prog_name="geo-coi")
""")


def cheap_annex(out, *args, steps=CHEAP_STEPS, popen=False):
    """Run ``geo-coi annex --quiet --out OUT ARGS`` with only ``steps``, in a subprocess."""
    command = [sys.executable, "-c", DRIVER, "annex", "--quiet", "--out-dir", str(out), *args]
    env = dict(os.environ, GEO_COI_TEST_STEPS=",".join(steps))
    if popen:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def folder_files(out: Path) -> set:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def check_complete_set(out: Path) -> dict:
    """Assert ``out`` holds exactly its manifest's files, each with the manifest's checksum; return the manifest."""
    manifest = read_manifest(out)
    listed = {entry["path"] for entry in manifest["outputs"]}
    assert folder_files(out) == listed | {MANIFEST_NAME}
    bad = [e["path"] for e in manifest["outputs"] if sha256_file(out / e["path"]) != e["sha256"]]
    assert bad == []
    return manifest


# --- the whole set in one step -----------------------------------------------------------------
def test_swap_replaces_the_whole_folder_and_drops_old_files(tmp_path):
    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    (out / "maps" / "old_nl.png").write_bytes(b"old")
    (out / MANIFEST_NAME).write_text("{}")
    staging = publish.staging_path(out)
    assert staging.parent == tmp_path and staging.name.startswith(".out.staging-")
    (staging / "maps").mkdir(parents=True)
    (staging / "maps" / "new_en.png").write_bytes(b"new")
    inode = out.stat().st_ino
    publish.swap_in(staging, out)
    assert folder_files(out) == {"maps/new_en.png"}
    assert out.stat().st_ino != inode  # a different folder took the name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the old set is deleted


def test_swap_into_a_new_folder_renames_the_staging_folder(tmp_path):
    out = tmp_path / "new"
    staging = publish.staging_path(out)
    staging.mkdir()
    (staging / "a.csv").write_text("x\n")
    publish.swap_in(staging, out)
    assert folder_files(out) == {"a.csv"} and not staging.exists()


def test_swap_without_renameat2_falls_back_to_two_renames(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda _first, _second: False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.csv").write_text("old\n")
    staging = publish.staging_path(out)
    staging.mkdir()
    (staging / "new.csv").write_text("new\n")
    publish.swap_in(staging, out)
    assert folder_files(out) == {"new.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_stale_staging_folders_are_cleaned(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [tmp_path / ".out.staging-123-abcdef", tmp_path / ".out.old-9-000000", out / ".partial-77-aaaaaa"]
    for folder in stale:
        (folder / "data").mkdir(parents=True)
        (folder / "data" / "rejects.csv").write_text("raw rows\n")
    other = tmp_path / ".other.staging-1-000000"  # another output folder's: not ours to delete
    other.mkdir()
    assert publish.clean_stale(out) == sorted(stale)
    assert not any(folder.exists() for folder in stale) and other.exists()


def test_a_folder_without_a_manifest_is_not_replaced(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="no manifest.json"):
        publish.check_replaceable(home)
    publish.check_replaceable(tmp_path / "absent")  # new folders and empty ones are fine
    (tmp_path / "empty").mkdir()
    publish.check_replaceable(tmp_path / "empty")


# --- the lock ----------------------------------------------------------------------------------
def test_a_second_run_into_the_same_folder_fails_in_one_line(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from geo_coi import publish\n"
         "with publish.folder_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)", str(out)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["annex", "--quiet", "--out-dir", str(out)])
        assert result.exit_code == 1
        assert result.output.strip() == (f"Error: {out} is being written by another run (pid {holder.pid}); "
                                         "wait for it to finish or choose another --out-dir")
    finally:
        holder.kill()
        holder.wait()
    # the holder died without unlocking: its lock is taken over, and the pid in the file is ours
    with publish.folder_lock(out) as lock:
        assert lock.read_text().strip() == str(os.getpid())


def test_the_lock_is_released_after_the_block(tmp_path):
    with publish.folder_lock(tmp_path / "out"):
        pass
    busy = pytest.raises(OutputError, match="being written by another run")
    with publish.folder_lock(tmp_path / "out"), busy, publish.folder_lock(tmp_path / "out"):
        pass


# --- a run through the CLI ---------------------------------------------------------------------
@pytest.mark.slow
def test_rerun_in_another_language_publishes_exactly_the_manifest_files(tmp_path):
    out = tmp_path / "out"
    steps = CHEAP_STEPS + ("interactive map",)
    first = cheap_annex(out, "--language", "nl", steps=steps)
    assert first.returncode == 0, first.stderr
    assert check_complete_set(out)["language"] == "nl" and "html/incidents_nl.html" in folder_files(out)
    (tmp_path / ".out.staging-1-dead00").mkdir()  # a killed run's staging folder
    second = cheap_annex(out, "--language", "fr", steps=steps)
    assert second.returncode == 0, second.stderr
    manifest = check_complete_set(out)
    assert manifest["language"] == "fr"
    assert "html/incidents_fr.html" in folder_files(out) and "html/incidents_nl.html" not in folder_files(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_failed_step_publishes_none_of_its_files(tmp_path, monkeypatch):
    def good(run):
        (run.staging / "tables").mkdir(parents=True, exist_ok=True)
        (run.staging / "tables" / "good.csv").write_text("a\n1\n")

    def bad(run):
        (run.staging / "maps").mkdir(parents=True, exist_ok=True)
        (run.staging / "maps" / "half_nl.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        raise RuntimeError("renderer crashed")

    steps = _core_steps(annex_module.Step("good", good), annex_module.Step("bad map", bad))
    monkeypatch.setattr(annex_module, "STEPS", steps)
    with pytest.raises(Exception, match="1 step\\(s\\) failed: bad map"):
        annex_module.run_annex(out_dir=tmp_path / "out")
    manifest = check_complete_set(tmp_path / "out")
    assert "tables/good.csv" in folder_files(tmp_path / "out")
    assert "maps/half_nl.png" not in folder_files(tmp_path / "out")
    assert [s["status"] for s in manifest["steps"] if s["name"] == "bad map"] == ["failed"]


def test_a_file_that_does_not_reopen_fails_its_step(tmp_path, monkeypatch):
    def truncated(run):
        (run.staging / "maps").mkdir(parents=True, exist_ok=True)
        (run.staging / "maps" / "cut_nl.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g>")

    monkeypatch.setattr(annex_module, "STEPS", _core_steps(annex_module.Step("svg map", truncated)))
    with pytest.raises(Exception, match="svg map \\(OutputError: cut_nl.svg does not reopen"):
        annex_module.run_annex(out_dir=tmp_path / "out")
    assert "maps/cut_nl.svg" not in folder_files(tmp_path / "out")
    check_complete_set(tmp_path / "out")


# --- verifying each output ---------------------------------------------------------------------
def _good_files(folder: Path) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import geopandas as gpd
    import matplotlib.pyplot as plt
    import numpy as np
    import rasterio
    import shapely
    from openpyxl import Workbook

    figure, axes = plt.subplots(figsize=(1, 1))
    axes.plot([0, 1], [0, 1])
    files = {}
    for suffix in ("png", "pdf", "svg"):
        files[suffix] = folder / f"figure.{suffix}"
        figure.savefig(files[suffix])
    plt.close(figure)
    files["tif"] = folder / "grid.tif"
    with rasterio.open(files["tif"], "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=rasterio.Affine(1, 0, 0, 0, -1, 4)) as dst:
        dst.write(np.ones((1, 4, 4), dtype="uint8"))
    files["gpkg"] = folder / "layers.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(2, 13)], crs=4326).to_file(files["gpkg"])
    files["json"] = folder / "manifest.json"
    files["json"].write_text(json.dumps({"outputs": []}))
    files["xlsx"] = folder / "tables.xlsx"
    Workbook().save(files["xlsx"])
    files["html"] = folder / "index.html"
    files["html"].write_text("<!DOCTYPE html><html><body>x</body></html>\n")
    return files


def test_every_format_reopens_whole_and_fails_when_cut(tmp_path):
    for _suffix, path in _good_files(tmp_path).items():
        verify_output(path)  # the whole file passes
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])  # a disk that filled up halfway
        with pytest.raises(OutputError, match=f"{path.name} does not reopen"):
            verify_output(path)
        path.write_bytes(b"")
        with pytest.raises(OutputError, match=f"{path.name} was written empty"):
            verify_output(path)


def test_out_dot_stages_beside_the_current_folder(tmp_path, monkeypatch):
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    staging = publish.staging_path(".")
    assert staging.parent == tmp_path and staging.name.startswith(".here.staging-")
    with publish.folder_lock(".") as lock:
        assert lock == tmp_path / ".here.lock"


def _core_steps(*extra):
    return tuple(s for s in annex_module.STEPS if s.core) + extra


def test_a_full_disk_while_writing_the_gallery_publishes_nothing(tmp_path, monkeypatch):
    import errno

    out = tmp_path / "out"
    monkeypatch.setattr(annex_module, "STEPS", _core_steps())
    annex_module.run_annex(out_dir=out)
    before = check_complete_set(out)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "index.html")

    monkeypatch.setattr(annex_module, "_write_gallery", full_disk)
    with pytest.raises(OutputError) as caught:
        annex_module.run_annex(out_dir=out, language="fr")
    assert str(caught.value) == (f"gallery and manifest: cannot write in {tmp_path} (No space left on device); "
                                 "free space or choose another --out. Nothing was published: the output folder "
                                 "is as it was")
    assert check_complete_set(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_closed_file_after_a_read_only_error_is_one_line(tmp_path, monkeypatch):
    import errno

    def read_only(run):
        try:
            raise OSError(errno.EROFS, "Read-only file system", "maps/annex1_nl.png")
        finally:
            raise ValueError("I/O operation on closed file.")  # what matplotlib raised next

    monkeypatch.setattr(annex_module, "STEPS", _core_steps(annex_module.Step("annex 1 map", read_only)))
    with pytest.raises(OutputError, match=r"^annex 1 map: cannot write in .* \(Read-only file system\)"):
        annex_module.run_annex(out_dir=tmp_path / "out")
    assert list((tmp_path / "out").rglob("*")) == []
