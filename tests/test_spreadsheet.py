"""Tables out (geo_coi.spreadsheet): hostile text from the data stays inert in the CSVs and in tables.xlsx."""

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo_coi import stats
from geo_coi.spreadsheet import csv_text, escape_control, xlsx_bytes

HOSTILE = ["=HYPERLINK(\"http://x.invalid\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "a\rb", "nul\x00here",
           "tab\x0bvt", "plain"]
README = Path(__file__).resolve().parent.parent / "README.md"


def _frame():
    return pd.DataFrame({"actor": HOSTILE, "incidents": range(len(HOSTILE))})


def test_csv_is_a_data_file_holding_every_value_exactly():
    text = stats.to_csv(_frame())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in rows[1:]] == HOSTILE  # no "'" prefix: CSVs are data files (README)
    assert len(rows) == len(HOSTILE) + 1  # the bare CR did not split a row
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["actor"].tolist() == HOSTILE and back["incidents"].tolist() == list(range(len(HOSTILE)))


def test_bare_carriage_return_is_quoted_and_other_tables_keep_minimal_quoting():
    assert '"a\rb"' in csv_text(pd.DataFrame({"x": ["a\rb"]}))
    assert "\r" not in csv_text(pd.DataFrame({"x": ["a\rb"]})).replace('"a\rb"', "")
    assert csv_text(pd.DataFrame({"x": ["a", "b,c"], "n": [1, 2]})) == 'x,n\na,1\n"b,c",2\n'
    # pandas alone writes the CR bare: the reason for csv_text
    assert '"a\rb"' not in pd.DataFrame({"x": ["a\rb"]}).to_csv(index=False, lineterminator="\n")


def test_xlsx_text_cells_are_strings_never_formulas(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"by_actor": _frame()}))
    sheet = openpyxl.load_workbook(path)["by_actor"]
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    assert [cell.data_type for cell in cells] == ["s"] * len(HOSTILE)
    # openpyxl writes through lxml (a dependency of python-docx), which keeps a carriage return as &#13;:
    # every text comes back exactly
    assert [cell.value for cell in cells] == [escape_control(v) for v in HOSTILE]
    assert cells[0].value.startswith("=HYPERLINK") and cells[5].value == "nul\\x00here"
    assert cells[6].value == "tab\\x0bvt" and cells[4].value == "a\rb"
    assert [sheet.cell(row=i + 2, column=2).value for i in range(len(HOSTILE))] == list(range(len(HOSTILE)))
    assert sheet.cell(row=2, column=2).data_type == "n"


def test_plain_pandas_would_have_stored_a_live_formula(tmp_path):
    """The failure xlsx_bytes prevents: pandas/openpyxl turn a leading '=' into a formula."""
    path = tmp_path / "plain.xlsx"
    pd.DataFrame({"a": [HOSTILE[0]]}).to_excel(path, index=False)
    assert openpyxl.load_workbook(path).active.cell(row=2, column=1).data_type == "f"


def test_control_characters_in_headers_do_not_break_the_workbook(tmp_path):
    frame = pd.DataFrame({"bad\x00name": ["x\x1fy"]})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": frame})))["s"]
    assert (sheet.cell(row=1, column=1).value, sheet.cell(row=2, column=1).value) == ("bad\\x00name", "x\\x1fy")


def test_readme_says_csvs_are_data_files_and_xlsx_is_for_spreadsheets():
    text = README.read_text(encoding="utf-8")
    assert "CSVs are data files" in text and "tables.xlsx" in text


def test_libreoffice_evaluates_no_formula(tmp_path):
    """Convert with LibreOffice Calc and check the formula text survived as text (.ci/run installs Calc)."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    office = shutil.which("soffice") or shutil.which("libreoffice")
    # Calc's core library beside soffice: without it LibreOffice "converts" an XLSX to nothing
    if office is None or not (Path(os.path.realpath(office)).parent / "libsclo.so").is_file():
        problem = "LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx_bytes({"s": pd.DataFrame({"a": HOSTILE[:4]})}))
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "csv",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=300)
    values = [row[0] for row in csv.reader((tmp_path / "t.csv").open(encoding="utf-8"))]
    assert values == ["a", *HOSTILE[:4]]  # "+1+1" would read 2 and "-2+3" 1 had they been evaluated
