"""The analyst notebook runs top to bottom on the bundled data, in a fresh folder."""

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "niger_2025.ipynb"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return notebook, workdir


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_every_code_cell_ran_without_error(executed):
    notebook, _ = executed
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code)
    errors = [o for cell in code for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors


def test_notebook_writes_its_maps_in_the_working_folder(executed):
    _, workdir = executed
    png = workdir / "choropleth_region_en.png"
    html = workdir / "niger_map_en.html"
    assert png.read_bytes().startswith(b"\x89PNG")
    assert html.stat().st_size > 10_000
    assert "<script src=\"http" not in html.read_text(encoding="utf-8")


def test_notebook_shows_the_counts(executed):
    notebook, _ = executed
    outputs = "\n".join(_text(cell) for cell in notebook.cells if cell.cell_type == "code")
    assert "accepted" in outputs and "inside" in outputs
    assert "Tillabéri" in outputs  # the by-region table lists every region
    assert any("image/png" in o.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
               for o in cell.get("outputs", []))
