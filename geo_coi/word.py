"""Word files where the report is written: ``tables.docx`` and ``sections_<language>.docx``.

- :func:`tables_docx`: every report table as a real Word table, each with a
  caption ("Tabel 1: …"), the report's number format (:mod:`geo_coi.numbers`)
  and a source line under it;
- :func:`sections_docx`: per place (country, then each region) its heading, its
  paragraph (:mod:`geo_coi.report_text`) with the source as a real footnote, its
  table and its chart, in order, ready to paste.

Everything carries a named style (:data:`STYLES`: "COI Body", "COI Caption",
"COI Table" ...) so a writer's template restyles it. Same content -> same bytes
(fixed document dates and ZIP times, :func:`geo_coi.ooxml.reproducible_zip`).
"""

from __future__ import annotations

import dataclasses
import io
import numbers as _numbers
import re
from pathlib import Path

import docx
import pandas as pd
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

from geo_coi import numbers
from geo_coi.atomic import write_bytes
from geo_coi.ooxml import reproducible_zip
from geo_coi.style import label, localized_values, typography

# role -> (style name, kind, based on): the names a writer's template can restyle
STYLES = {
    "heading": ("COI Heading", WD_STYLE_TYPE.PARAGRAPH, "Heading 2"),
    "body": ("COI Body", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    "caption": ("COI Caption", WD_STYLE_TYPE.PARAGRAPH, "Caption"),
    "source": ("COI Source", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    "figure": ("COI Figure", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    "table": ("COI Table", WD_STYLE_TYPE.TABLE, "Table Grid"),
    "footnote_text": ("Footnote Text", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    "footnote_reference": ("Footnote Reference", WD_STYLE_TYPE.CHARACTER, None),
}
FIGURE_WIDTH_CM = 16.0
KEEP_TOGETHER_ROWS = 25  # tables up to this many rows are kept on one page
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_NUMBERED = re.compile(r"^\S+ \d+\s?:\s*")  # "Tabel 1: " at the start of a caption


@dataclasses.dataclass(frozen=True)
class WordTable:
    """A table for Word: its caption (without its number), the table, and its source line."""

    caption: str
    frame: pd.DataFrame
    source: str = ""


@dataclasses.dataclass(frozen=True)
class WordSection:
    """One place's part of ``sections_<language>.docx``: heading, paragraph, footnote, table, chart."""

    heading: str
    text: str
    footnote: str
    table: WordTable | None = None
    chart: bytes | None = None  # a PNG
    chart_caption: str = ""


def tables_docx(tables, path, *, language: str, date: str, title: str = "") -> Path:
    """Write every table into one DOCX, numbered "Tabel 1", "Tabel 2"… in order.

    Parameters
    ----------
    tables : sequence of WordTable
    path : path-like
        The ``.docx`` to write (atomically).
    language : {"nl", "fr", "en"}
        Headers, event types and number format.
    date : str
        ISO date stored as the document's date (reproducible output).
    title : str, optional
        The document's title (its first line and its properties).

    Returns
    -------
    pathlib.Path
    """
    document = _new_document(title, language)
    for number, table in enumerate(tables, start=1):
        _add_table(document, table, number, language)
    return _save(document, path, date)


def sections_docx(sections, path, *, language: str, date: str, title: str = "") -> Path:
    """Write the report-ready sections: per place its paragraph, table and chart, in order.

    Parameters
    ----------
    sections : sequence of WordSection
    path : path-like
    language : {"nl", "fr", "en"}
    date : str
        ISO date stored as the document's date.
    title : str, optional

    Returns
    -------
    pathlib.Path
    """
    document = _new_document(title, language)
    footnotes = _Footnotes(document)
    table_number = chart_number = 0
    for section in sections:
        document.add_paragraph(section.heading, style=STYLES["heading"][0])
        paragraph = document.add_paragraph(section.text, style=STYLES["body"][0])
        footnotes.add(paragraph, section.footnote)
        if section.table is not None:
            table_number += 1
            _add_table(document, section.table, table_number, language)
        if section.chart is not None:
            chart_number += 1
            document.add_paragraph(style=STYLES["figure"][0]).add_run().add_picture(
                io.BytesIO(section.chart), width=Cm(FIGURE_WIDTH_CM))
            document.add_paragraph(typography(f"{label('chart', language)} {chart_number}: {section.chart_caption}",
                                              language), style=STYLES["caption"][0])
    footnotes.write()
    return _save(document, path, date)


# --- private steps -----------------------------------------------------------------------------
def _new_document(title: str, language: str):
    document = docx.Document()
    styles = document.styles
    for name, kind, base in STYLES.values():
        if name in [s.name for s in styles]:
            continue
        style = styles.add_style(name, kind)
        if base:
            style.base_style = styles[base]
    styles[STYLES["source"][0]].font.size = Pt(8)
    styles[STYLES["source"][0]].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    styles[STYLES["footnote_text"][0]].font.size = Pt(8)
    styles[STYLES["table"][0]].font.size = Pt(8)  # the report's wide tables fit a portrait page
    for role in ("caption", "figure", "heading"):  # a caption stays with its table, a chart with its caption
        styles[STYLES[role][0]].paragraph_format.keep_with_next = True
    styles[STYLES["footnote_reference"][0]].font.superscript = True
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, "geo_coi", language
    properties.revision = 1
    if title:
        document.add_paragraph(typography(title, language), style="Title")
    return document


def _add_table(document, table: WordTable, number: int, language: str) -> None:
    caption = _NUMBERED.sub("", table.caption)
    document.add_paragraph(typography(f"{label('table', language)} {number}: {caption}", language),
                           style=STYLES["caption"][0])
    header_rows, body, numeric = _cells(table.frame, language)
    grid = document.add_table(rows=len(header_rows) + len(body), cols=len(numeric), style=STYLES["table"][0])
    # row by row: python-docx's table.cell(r, c) rebuilds the whole grid on every call
    for r, (row, texts) in enumerate(zip(grid.rows, header_rows + body, strict=True)):
        for cell, text, is_number in zip(row.cells, texts, numeric, strict=True):
            cell.text = text
            if is_number and r >= len(header_rows):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if len(grid.rows) <= KEEP_TOGETHER_ROWS:  # a short table is never split over two pages
        for row in grid.rows[:-1]:
            for paragraph in (p for cell in row.cells for p in cell.paragraphs):
                paragraph.paragraph_format.keep_with_next = True
    if isinstance(table.frame.columns, pd.MultiIndex):
        _merge_periods(grid, table.frame.columns, offset=len(numeric) - len(table.frame.columns))
    for r in range(len(header_rows)):
        _repeat_header(grid.rows[r])
        for run in (run for cell in grid.rows[r].cells for p in cell.paragraphs for run in p.runs):
            run.bold = True
    if table.source:
        document.add_paragraph(table.source, style=STYLES["source"][0])


def _merge_periods(grid, columns, offset: int) -> None:
    """One top-row cell over each period's columns (Tabel 1: "September 2023 – May 2024" over two)."""
    start = 0
    for position in range(1, len(columns) + 1):
        if position == len(columns) or columns[position][0] != columns[start][0]:
            if position - start > 1:
                text = grid.cell(0, offset + start).text
                merged = grid.cell(0, offset + start).merge(grid.cell(0, offset + position - 1))
                merged.text = text
            start = position


def _repeat_header(row) -> None:
    """Mark a row as a header row, repeated on each page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))


def _cells(frame: pd.DataFrame, language: str):
    """(header rows, body rows, numeric flags) of a table, as the report prints them."""
    two_level = isinstance(frame.columns, pd.MultiIndex)
    table = frame if two_level else localized_values(frame, language)
    has_index = frame.index.name is not None
    zero = frame.attrs.get("zero")
    keys = [str(c[-1]) if isinstance(c, tuple) else str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    if two_level:
        top, seen = [], set()
        for column in table.columns:
            top.append("" if column[0] in seen else str(column[0]))
            seen.add(column[0])
        headers = [[str(frame.index.name), *top], ["", *(str(c[-1]) for c in table.columns)]]
    else:
        # people read these: headers translated in English too (the CSVs keep the keys)
        headers = [([str(frame.index.name)] if has_index else []) + [label(str(c), language) for c in table.columns]]
    body = []
    for index, row in zip(table.index, table.itertuples(index=False), strict=True):
        cells = [_text(value, key, zero, language) for value, key in zip(row, keys, strict=True)]
        body.append(([str(index)] if has_index else []) + cells)
    return headers, body, ([False] if has_index else []) + numeric


def _text(value, column: str, zero, language: str) -> str:
    """A cell: counts with thousands separators, changes signed in percent, rates with two decimals."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, _numbers.Integral):
        return zero if (zero and value == 0) else numbers.integer(value, language)
    if isinstance(value, _numbers.Real):
        if column.startswith("pct_change"):
            return numbers.percent(value, language, 1, signed=True)
        return numbers.decimal(value, language, 2)
    return str(value)


class _Footnotes:
    """Real Word footnotes (python-docx has no API for them): a footnotes part and its references."""

    def __init__(self, document):
        self.document, self.notes = document, []

    def add(self, paragraph, text: str) -> None:
        if not text:
            return
        self.notes.append(text)
        run = paragraph.add_run()
        run.style = self.document.styles[STYLES["footnote_reference"][0]]
        reference = parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{len(self.notes)}"/>')
        run._r.append(reference)

    def write(self) -> None:
        if not self.notes:
            return
        styles = self.document.styles
        text_id = styles[STYLES["footnote_text"][0]].style_id
        reference_id = styles[STYLES["footnote_reference"][0]].style_id
        notes = "".join(
            f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="{text_id}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{reference_id}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {_escape(text)}</w:t></w:r></w:p></w:footnote>'
            for n, text in enumerate(self.notes, start=1))
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
               '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
               '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
               f'</w:r></w:p></w:footnote>{notes}</w:footnotes>')
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode("utf-8"), self.document.part.package)
        self.document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _save(document, path, date: str) -> Path:
    path = Path(path)
    buffer = io.BytesIO()
    document.save(buffer)
    write_bytes(path, reproducible_zip(buffer.getvalue(), date))
    return path

