"""geo_coi.manifest on its own: inputs and outputs hashed, sorted, written and read back."""

from __future__ import annotations

import hashlib
import json

from geo_coi.manifest import MANIFEST_NAME, Manifest, library_versions, read_manifest, sha256_file


def _manifest(tmp_path) -> Manifest:
    return Manifest(report_id="r", out_dir=tmp_path, language="en", period={"start": "2024-09-01"}, config={})


def test_sha256_file_matches_hashlib_across_chunks(tmp_path):
    path = tmp_path / "big.bin"
    data = bytes(range(256)) * 5000  # more than one 1 MiB chunk
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_outputs_are_relative_sorted_and_hashed(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "b.png").write_bytes(b"bb")
    (tmp_path / "a.csv").write_bytes(b"a")
    manifest = _manifest(tmp_path)
    manifest.record_outputs([tmp_path / "maps" / "b.png", "a.csv", "a.csv"])
    assert [(o["path"], o["bytes"]) for o in manifest.outputs] == [("a.csv", 1), ("maps/b.png", 2)]
    assert manifest.outputs[0]["sha256"] == hashlib.sha256(b"a").hexdigest()


def test_written_manifest_reads_back_without_out_dir(tmp_path):
    source = tmp_path / "events.csv"
    source.write_text("x\n")
    manifest = _manifest(tmp_path)
    manifest.add_input("events", source)
    manifest.steps = [{"name": "read", "status": "ok"}, {"name": "density", "status": "skipped"}]
    path = manifest.write()
    assert path == tmp_path / MANIFEST_NAME
    data = read_manifest(tmp_path)
    assert data == json.loads(path.read_text()) == read_manifest(path)
    assert "out_dir" not in data and data["finished"] and data["inputs"][0]["bytes"] == 2
    assert manifest.missing_steps() == [{"name": "density", "status": "skipped"}]


def test_library_versions_name_geo_coi_and_python():
    versions = library_versions()
    import geo_coi

    assert versions["geo_coi"] == geo_coi.__version__ and versions["python"].count(".") == 2
