"""geo_coi.atomic on its own: a file is replaced whole or not at all, and no temporary file is left."""

from __future__ import annotations

import pytest

from geo_coi.atomic import TEMP_MARKER, atomic_open, atomic_path, temp_path_for, write_bytes, write_text


def test_temp_path_is_hidden_fresh_and_keeps_the_suffix(tmp_path):
    target = tmp_path / "layers.gpkg"
    first, second = temp_path_for(target), temp_path_for(target)
    assert first.parent == tmp_path and first.name.startswith(".layers.gpkg" + TEMP_MARKER)
    assert first.suffix == ".gpkg" and first != second and not first.exists()


def test_write_text_uses_lf_and_utf8_and_creates_the_folder(tmp_path):
    target = tmp_path / "new" / "note.md"
    assert write_text(target, "a\nÉ\n") == target
    assert target.read_bytes() == "a\nÉ\n".encode()


def test_write_bytes_replaces_the_old_file(tmp_path):
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    write_bytes(target, b"\x00new")
    assert target.read_bytes() == b"\x00new"
    assert list(tmp_path.iterdir()) == [target]


def test_an_error_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half a table")
        raise RuntimeError("writer failed")
    assert target.read_text() == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_path_removes_sidecars_and_keeps_target_when_nothing_written(tmp_path):
    target = tmp_path / "d.gpkg"
    with atomic_path(target) as temp:
        (temp.parent / f"{temp.name}-journal").write_text("sqlite journal")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_atomic_open_refuses_append(tmp_path):
    with pytest.raises(ValueError, match="mode must be"), atomic_open(tmp_path / "x", "a"):
        pass
