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


def test_step_entries_take_each_product_s_folder_and_formats_from_the_registry():
    from geo_coi import products
    from geo_coi.manifest import step_entries
    from geo_coi.progress import StepRecord

    registry = dict(products.PRODUCTS)
    registry["flows map"] = products.Product("flows map", lambda _run: None, "maps", (".svg",), kind="flows")
    records = [StepRecord("read events", 1.23456), StepRecord("choropleth maps", 0.5, "skipped", "no units"),
               StepRecord("flows map", 2.0)]
    entries = step_entries(records, registry)
    assert entries[0] == {"name": "read events", "seconds": 1.235, "status": "ok", "note": ""}
    choropleth = products.PRODUCTS["choropleth maps"]
    assert entries[1] == {"name": "choropleth maps", "seconds": 0.5, "status": "skipped", "note": "no units",
                          "folder": choropleth.folder, "formats": list(choropleth.formats)}
    assert (entries[2]["folder"], entries[2]["formats"]) == ("maps", [".svg"])
    assert step_entries(records, {}) == [{k: v for k, v in e.items() if k not in ("folder", "formats")}
                                         for e in entries]


def test_a_new_product_appears_in_the_manifest_of_a_run(tmp_path, monkeypatch):
    """One registry entry is enough: the run makes it and manifest.json lists its step, folder and formats."""
    from geo_coi import annex, products

    def flows(run):
        stem = run.stem("maps", "flows", "flows between departments")
        stem.with_suffix(".svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")

    new = products.Product("flows map", flows, "maps", (".svg",), kind="flows")
    monkeypatch.setitem(products.PRODUCTS, new.step, new)
    monkeypatch.setattr(annex, "STEPS", (*(s for s in annex.STEPS if s.core), annex.Step(new.step, new.draw)))
    annex.run_annex(out_dir=tmp_path / "out")
    data = read_manifest(tmp_path / "out")
    steps = {step["name"]: step for step in data["steps"]}
    assert list(steps) == ["read events", "join admin units", "flows map"]
    assert (steps["flows map"]["status"], steps["flows map"]["folder"], steps["flows map"]["formats"]) == (
        "ok", "maps", [".svg"])
    assert "folder" not in steps["read events"] and "formats" not in steps["join admin units"]
    written = [o["path"] for o in data["outputs"] if o["path"].startswith("maps/")]
    assert written == [f"maps/flows_{data['language']}.svg"]
