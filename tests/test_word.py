"""Word files: reopened with python-docx (cells, captions, styles, footnotes, images) and printed by LibreOffice."""

import os
import shutil
import subprocess
import zipfile

import docx
import pytest

from geo_coi import annex, numbers, report_text, stats
from geo_coi.config import load_config
from geo_coi.report_files import write_report_files
from geo_coi.style import event_credit, label, typography
from geo_coi.word import STYLES, WordSection, WordTable, sections_docx, tables_docx

DATE = "2025-05-30"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """An annex run through its read, join and tables steps, then the text and Word step."""
    folder = tmp_path_factory.mktemp("word")
    config = load_config()
    run, _ = annex._prepare(config, None, folder / "out", None, None, None)
    run.staging = folder / "staging"
    steps = [step for step in annex.STEPS if step.name in ("read events", "join admin units", "tables")]
    assert annex._run_steps(run, steps) == []
    write_report_files(run)
    return run


@pytest.fixture(scope="module")
def events(run):
    return run.events


def _style(item):
    return item.style.name


def test_tables_docx_holds_every_table_with_caption_cells_and_source(run):
    document = docx.Document(run.staging / "word" / "tables.docx")
    assert len(document.tables) == len(run.tables)
    captions = [p.text for p in document.paragraphs if _style(p) == STYLES["caption"][0]]
    assert len(captions) == len(run.tables)
    assert captions[0] == "Tabel 1: Dosso, de periode tegenover een jaar eerder"  # the report's Tabel 1 leads
    assert captions[1].startswith("Tabel 2: Dosso") and captions[2].startswith("Tabel 3: ")
    sources = [p.text for p in document.paragraphs if _style(p) == STYLES["source"][0]]
    assert len(sources) == len(run.tables) and set(sources) == {event_credit(run.events.attrs, "nl")}
    table1 = run.tables["table1_dosso"]
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells[0][0] == "DOSSO" and cells[0][1] == cells[0][2] == table1.columns[0][0]  # merged over its two
    assert cells[1][1:] == [str(c[1]) for c in table1.columns]
    assert cells[-1] == ["Totaal", *(numbers.integer(v, "nl") for v in table1.loc["Totaal"])]
    assert "-" in cells[4]  # the report prints no explosions a year earlier as "-"
    assert all(t.style.name == STYLES["table"][0] for t in document.tables)
    first_rows = [p.paragraph_format.keep_with_next for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert first_rows == [True]  # Tabel 1 is never split over two pages


def test_tables_docx_numbers_are_the_reports_format(events, tmp_path):
    frame = stats.summarize(events, ("2023-05-01", "2025-05-30"), by="event_type", compare=False)
    frame.loc[0, "fatalities"] = 1246
    frame["pct_change_incidents"] = -19.24
    for language, thousands, change in (("nl", "1.246", "\u221219,2\u00a0%"), ("fr", "1\u202f246", "\u221219,2\u202f%"),
                                        ("en", "1,246", "\u221219.2%")):
        path = tables_docx([WordTable("x", frame, "src")], tmp_path / f"t_{language}.docx", language=language,
                           date=DATE)
        table = docx.Document(path).tables[0]
        assert table.rows[1].cells[2].text == thousands
        assert table.rows[1].cells[3].text == change
        assert table.rows[0].cells[1].text == label("incidents", language)  # headers translated
        assert table.rows[1].cells[0].text == label(frame.loc[0, "event_type"], language)


def test_sections_docx_in_every_language_paragraph_table_chart_in_order(run):
    for language in ("nl", "fr", "en"):
        path = run.staging / "word" / f"sections_{language}.docx"
        document = docx.Document(path)
        headings = [p.text for p in document.paragraphs if _style(p) == STYLES["heading"][0]]
        assert headings[0] == run.config.country and "Tillabéri" in headings and len(headings) == 9
        body = [p.text for p in document.paragraphs if _style(p) == STYLES["body"][0]]
        figures = report_text.report_sections(run.events, run.config.current, run.config.comparison,
                                              country=run.config.country, event_types=run.event_types)
        expected = report_text.render_sections(figures, report_text.load_templates(language), run.config.current,
                                               run.config.comparison,
                                               source=report_text.source_info(run.events.attrs, run.config))
        assert body == [section.text for section in expected]
        assert len(document.tables) == 9  # the country's table and each region's Tabel 1
        assert len(document.inline_shapes) == 1 + len(run.config.department_breakdowns)
        with zipfile.ZipFile(path) as archive:
            notes = archive.read("word/footnotes.xml").decode("utf-8")
            images = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert notes.count("<w:footnote ") == 9 + 2 and "SYNTH" in notes  # 9 notes + the two separators
        assert all(archive_image.endswith(".png") for archive_image in images) and len(images) == 4
        order = [child.tag.rsplit("}", 1)[1] for child in document.element.body.iterchildren()]
        assert order.index("tbl") < order.index("p", order.index("tbl"))  # paragraph, then table, then more
        captions = [p.text for p in document.paragraphs if _style(p) == STYLES["caption"][0]]
        assert typography(f"{label('chart', language)} 1: {label('chart_type_share', language)}", language) in captions
        assert any("Dosso" in c and c.startswith(label("table", language)) for c in captions)


def test_styles_are_named_for_a_writers_template(run):
    names = {style.name for style in docx.Document(run.staging / "word" / "sections_fr.docx").styles}
    assert {name for name, _, _ in STYLES.values()} <= names


def test_text_markdown_in_every_language(run):
    for language in ("nl", "fr", "en"):
        text = (run.staging / "text" / f"text_{language}.md").read_text(encoding="utf-8")
        assert text.count("\n## ") == 9 and "[^1]: " in text and "[^9]: " in text
    assert "1.246" in (run.staging / "text" / "text_nl.md").read_text(encoding="utf-8")
    assert "1\u202f246" in (run.staging / "text" / "text_fr.md").read_text(encoding="utf-8")


def test_word_files_are_byte_identical_for_the_same_content(events, tmp_path):
    frame = stats.table1(events, "Diffa", ("2024-09-01", "2025-05-30"), language="en")
    png = _png_bytes()
    section = WordSection("Diffa", "Text.", "Note.", WordTable("Diffa", frame, "src"), png, "chart")
    first = sections_docx([section], tmp_path / "a.docx", language="en", date=DATE)
    second = sections_docx([section], tmp_path / "b.docx", language="en", date=DATE)
    assert first.read_bytes() == second.read_bytes()
    assert docx.Document(first).core_properties.created.date().isoformat() == DATE


def _png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#bb5566").save(buffer, format="PNG")
    return buffer.getvalue()


def _office():
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        problem = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    return office


def test_libreoffice_prints_the_sections_with_their_footnotes(run, tmp_path):
    source = run.staging / "word" / "sections_nl.docx"
    subprocess.run([_office(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", str(tmp_path / "sections_nl.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    for piece in ("Tijdens de onderzoeksperiode", "333 incidenten met 1.246 doden", "Tillabéri",
                  "SYNTHETISCHE demonstratiegegevens in het formaat van ACLED", "Tabel 1:", "Grafiek 1:"):
        assert piece in flat, piece
