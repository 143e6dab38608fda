"""The annex run's report-ready text and Word files (step "report text and Word files").

For every language of the config (``report.languages``, the run's own first):

- ``text/text_<language>.md``: the country's and each region's paragraph with its footnote
  (:mod:`geo_coi.report_text`);
- ``word/sections_<language>.docx``: the same paragraphs, each followed by its table (the
  country's by event type, each region's Tabel 1) and its chart (the country's Grafiek 2, the
  department charts of ``tables.department_breakdowns``), ready to paste (:mod:`geo_coi.word`);

and, in the run's language, ``word/tables.docx``: every table of the run as a Word table.
The figures come from :mod:`geo_coi.stats`, as the tables' do.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from geo_coi import charts, report_text, stats
from geo_coi.atomic import write_text
from geo_coi.events import select
from geo_coi.maps.layout import save
from geo_coi.style import event_credit, label
from geo_coi.word import WordSection, WordTable, sections_docx, tables_docx

CHART_DPI = 200  # charts drawn for the Word files (the charts/ folder keeps its 300 dpi files)
FIRST_TABLES = ("table1_", "table2_")  # the report's numbered tables lead tables.docx


def write_report_files(run) -> None:
    """Write the text and Word files of an annex run into its staging folder.

    Parameters
    ----------
    run : geo_coi.annex.AnnexRun
        After the "tables" step (its ``tables`` and captions are used).
    """
    config = run.config
    figures = report_text.report_sections(run.events, config.current, config.comparison,
                                          country=config.country, event_types=run.event_types)
    source = report_text.source_info(run.events.attrs, config)
    date = config.current.end.isoformat()
    for language in _languages(run):
        templates = templates_for(config, language)
        sections = report_text.render_sections(figures, templates, config.current, config.comparison,
                                               source=source)
        title = f"{config.title}: {label('report_text', language)}"
        text = run.stem("text", f"text_{language}", label("caption_report_text", language), localized=False)
        write_text(text.with_name(text.name + ".md"), report_text.markdown(sections, title))
        word = run.stem("word", f"sections_{language}", label("caption_sections_docx", language), localized=False)
        sections_docx([_word_section(run, section, language) for section in sections],
                      word.with_name(word.name + ".docx"), language=language, date=date, title=title)
    if run.tables:
        out = run.stem("word", "tables", label("caption_tables_docx", run.language), localized=False)
        tables_docx(_word_tables(run), out.with_name(out.name + ".docx"), language=run.language, date=date,
                    title=config.title)


def templates_for(config, language: str):
    """A language's sentence templates: the config's own (``[text] templates``, a folder) when it
    holds ``<language>.toml``, else the bundled ones.
    """
    own = config.text_templates / f"{language}.toml" if config.text_templates else None
    return report_text.load_templates(language, own if own is not None and own.is_file() else None)


def _languages(run) -> list[str]:
    return [run.language] + [lang for lang in run.config.languages if lang != run.language]


def _word_tables(run) -> list[WordTable]:
    names = sorted(run.tables, key=lambda name: not name.startswith(FIRST_TABLES))  # stable: run order kept
    return [WordTable(run.captions.get(f"tables/{name}", name.replace("_", " ")), run.tables[name],
                      event_credit(run.tables[name].attrs or run.events.attrs, run.language))
            for name in names]


def _word_section(run, section, language: str) -> WordSection:
    """One place's paragraph with its table and (when drawn) its chart, in ``language``."""
    config, events, types = run.config, run.events, run.event_types
    credit = event_credit(events.attrs, language)
    if section.level == "country":
        frame = stats.summarize(events, config.current, by="event_type", compare=True, event_types=types)
        table = WordTable(label("table:national_by_event_type", language), frame, credit)
        chart = charts.type_share(_selected(run), config.current, event_types=types, language=language)
        caption = label("chart_type_share", language)
    else:
        frame = stats.table1(events, section.name, config.current, language=language)
        table = WordTable(frame.attrs["title"], frame, credit)
        chart, caption = None, ""
        if section.name in config.department_breakdowns:
            chart = charts.departments_by_type(events, config.current, section.name, event_types=types,
                                               language=language)
            caption = label("chart_departments_by_type", language).format(region=section.name)
    return WordSection(section.name, section.text, section.footnote, table, _png(chart), caption)


def _selected(run):
    return select(run.events, period=run.config.current, event_types=run.event_types)


def _png(figure) -> bytes | None:
    """A chart as PNG bytes, saved as the charts/ folder's are (:func:`geo_coi.maps.layout.save`); closed after."""
    if figure is None:
        return None
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as folder:
        (path,) = save(figure, Path(folder) / "chart", formats=("png",), dpi=CHART_DPI)
        data = path.read_bytes()
    plt.close(figure)
    return data
