"""Report-ready text: numbers per language, every wording branch in nl/fr/en, bad templates, the demo's figures."""

import dataclasses
import datetime as dt
import functools
import re

import pytest

from geo_coi import numbers, report_text, stats
from geo_coi.errors import TemplateError
from geo_coi.periods import Period
from geo_coi.report_text import Figures, load_templates, render_sections, share_phrase

CURRENT = Period.parse("2024-09-01", "2025-05-30")
LANGUAGES = ("nl", "fr", "en")
SYNTHETIC = {"kind": "synthetic", "file": "demo.csv", "access_date": None, "export_date": None, "url": ""}
# a region as the report describes Dosso, and variations of it for each branch
BASE = Figures(name="Dosso", level="region", incidents=35, fatalities=86, previous_incidents=13,
               previous_fatalities=15,
               by_type=(("Battles", 20), ("Violence against civilians", 12), ("Explosions/Remote violence", 3)),
               units=(("Gaya", 11, 19), ("Dogondoutchi", 7, 30), ("Dioundiou", 5, 16), ("Loga", 4, 10),
                      ("Boboye", 0, 0), ("Tibiri", 0, 0)),
               civilian_incidents=12, civilian_fatalities=24,
               civilian_actors=(("Islamic State Sahel Province", 9, 20), ("Unidentified Armed Group (Niger)", 3, 4)))
DECREASE = {"nl": "daling", "fr": "baisse", "en": "decrease"}
INCREASE = {"nl": "stijging", "fr": "hausse", "en": "increase"}


@functools.cache
def templates(language):
    return load_templates(language)


def text(figures, language, source=SYNTHETIC):
    (section,) = render_sections([figures], templates(language), CURRENT, source=source)
    return section.text


# --- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("language, thousands, percent, change", [
    ("nl", "1.246", "37,5\u00a0%", "\u221248\u00a0%"),
    ("fr", "1\u202f246", "37,5\u202f%", "\u221248\u202f%"),
    ("en", "1,246", "37.5%", "\u221248%"),
])
def test_numbers_are_formatted_per_language(language, thousands, percent, change):
    assert numbers.integer(1246, language) == thousands
    assert numbers.percent(37.5, language, 1) == percent
    assert numbers.percent(-48.4, language, signed=True) == change
    assert numbers.percent(12, language, signed=True).startswith("+12")
    assert numbers.integer(2.5, language) == "3"  # half away from zero, not to even
    assert numbers.integer(-0.2, language) == "0"  # no "−0"


# --- each branch, each language -----------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
def test_counts_and_comparison_are_formatted_per_language(language):
    figures = dataclasses.replace(BASE, incidents=269, fatalities=977, previous_incidents=333,
                                  previous_fatalities=1246, name="Niger", level="country")
    paragraph = text(figures, language)
    assert numbers.integer(1246, language) in paragraph and "1246" not in paragraph
    assert "269" in paragraph and "977" in paragraph and "333" in paragraph
    assert DECREASE[language] in paragraph and INCREASE[language] not in paragraph
    assert numbers.percent(-19.2, language, signed=True) in paragraph  # 269 against 333


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("incidents, fatalities", [(30, 80), (40, 90), (30, 90), (40, 80), (13, 80), (30, 15),
                                                   (13, 15), (40, 15), (13, 90)])
def test_the_trend_word_follows_the_figures(language, incidents, fatalities):
    figures = dataclasses.replace(BASE, incidents=incidents, fatalities=fatalities, previous_incidents=13,
                                  previous_fatalities=15)
    figures = dataclasses.replace(figures, previous_incidents=20, previous_fatalities=50) \
        if (incidents, fatalities) != (13, 15) else figures
    sentence = text(figures, language).split(". ")[1]
    fell = incidents < figures.previous_incidents or fatalities < figures.previous_fatalities
    rose = incidents > figures.previous_incidents or fatalities > figures.previous_fatalities
    words = {"nl": ("daling", "daalt"), "fr": ("baisse",), "en": ("decrease",)}[language]
    up = {"nl": ("stijging", "stijgt"), "fr": ("hausse",), "en": ("increase",)}[language]
    assert any(w in sentence for w in words) == fell, sentence
    assert any(w in sentence for w in up) == rose, sentence
    if not fell and not rose:
        assert "%" not in sentence


@pytest.mark.parametrize("language", LANGUAGES)
def test_large_rises_are_said_as_multiples_and_zero_before_without_percent(language):
    paragraph = text(BASE, language)  # 13 -> 35, 15 -> 86: the report's "bijna drie maal", "meer dan vijf keer"
    assert numbers.decimal(35 / 13, language) in paragraph and numbers.decimal(86 / 15, language) in paragraph
    new = text(dataclasses.replace(BASE, previous_incidents=0, previous_fatalities=0), language)
    assert "%" not in new.split(". ")[1]
    assert {"nl": "geen incidenten", "fr": "aucun incident", "en": "no incidents"}[language] in new.split(". ")[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_region_without_incidents_gets_its_own_sentence(language):
    quiet = dataclasses.replace(BASE, incidents=0, fatalities=0, by_type=(), civilian_incidents=0,
                                civilian_actors=(), units=tuple((n, 0, 0) for n, _, _ in BASE.units))
    paragraph = text(quiet, language)
    none = {"nl": "geen incidenten", "fr": "aucun incident", "en": "no incidents"}[language]
    assert none in paragraph.split(". ")[0]
    assert "100" not in paragraph and "%" not in paragraph and "0 incident" not in paragraph
    assert numbers.integer(13, language) in paragraph  # a year earlier there were 13
    also = text(dataclasses.replace(quiet, previous_incidents=0, previous_fatalities=0), language)
    assert "13" not in also and also.count(none) == 2


@pytest.mark.parametrize("language, half, third, about", [
    ("nl", "Bijna de helft (46\u00a0%)", "meer dan een derde (37,5\u00a0%)", "Zo'n 40\u00a0%"),
    ("fr", "Près de la moitié (46\u202f%)", "plus d'un tiers (37,5\u202f%)", "Environ 40\u202f%"),
    ("en", "Almost half (46%)", "more than a third (37.5%)", "Some 40%"),
])
def test_shares_are_phrased_as_the_report_rounds_them(language, half, third, about):
    t = templates(language)
    assert share_phrase(123 / 269 * 100, t).lower() == half.lower()  # the report: "bijna de helft (45 %)"
    assert share_phrase(101 / 269 * 100, t, 1).lower() == third.lower()  # "meer dan een derde (37,5 %)"
    assert share_phrase(13 / 32 * 100, t).lower() == about.lower()  # Diffa: "zo'n 40 %"
    assert "(50" in share_phrase(50.4, t)  # about half
    national = dataclasses.replace(BASE, incidents=269, by_type=(("Battles", 123), ("Violence against civilians", 94),
                                                                 ("Explosions/Remote violence", 52)))
    assert half in text(national, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_type_and_tied_types(language):
    alone = text(dataclasses.replace(BASE, by_type=(("Battles", 35),)), language)
    assert {"nl": "Al het", "fr": "Toutes les", "en": "All the"}[language] in alone
    tied = text(dataclasses.replace(BASE, incidents=30, by_type=(("Battles", 13), ("Violence against civilians", 13),
                                                                  ("Explosions/Remote violence", 4))), language)
    assert numbers.percent(13 / 30 * 100, language) in tied and numbers.percent(4 / 30 * 100, language) in tied
    assert {"nl": "even vaak", "fr": "aussi fréquents", "en": "equally frequent"}[language] in tied


@pytest.mark.parametrize("language", LANGUAGES)
def test_most_affected_and_quiet_departments(language):
    paragraph = text(BASE, language)
    assert paragraph.index("Gaya") < paragraph.index("Dogondoutchi") < paragraph.index("Dioundiou")
    assert "Loga" not in paragraph  # the top three only
    assert "Boboye" in paragraph and "Tibiri" in paragraph
    one = text(dataclasses.replace(BASE, units=(("Gaya", 35, 86), ("Boboye", 0, 0))), language)
    assert {"nl": "Alle incidenten", "fr": "Tous les incidents", "en": "All incidents"}[language] in one
    many = text(dataclasses.replace(BASE, units=(("Gaya", 35, 86),) + tuple((f"D{i}", 0, 0) for i in range(5))),
                language)
    assert "5" in many and "6" in many and "D1" not in many


@pytest.mark.parametrize("language", LANGUAGES)
def test_civilian_targeting_branches(language):
    paragraph = text(BASE, language)
    assert "ISSP" in paragraph and "24" in paragraph  # the report's short name, civilian deaths
    assert numbers.percent(12 / 35 * 100, language, 1) in paragraph
    none = text(dataclasses.replace(BASE, civilian_incidents=0, civilian_fatalities=0, civilian_actors=()), language)
    assert "ISSP" not in none and "civilian targeting" in none
    no_deaths = text(dataclasses.replace(BASE, civilian_fatalities=0), language)
    assert {"nl": "zonder dodelijke", "fr": "sans faire de victime", "en": "with no deaths"}[language] in no_deaths
    tie = text(dataclasses.replace(BASE, civilian_actors=(("A", 6, 1), ("B", 6, 1))), language)
    assert "ISSP" not in tie  # no single main perpetrator: none named


@pytest.mark.parametrize("language, cited", [
    ("nl", "ACLED, via export tool geraadpleegde update: 30/05/2025, geraadpleegd op 05/06/2025"),
    ("fr", "consulté le 05/06/2025"),
    ("en", "accessed 05/06/2025"),
])
def test_footnote_cites_source_and_access_date(language, cited):
    acled = {"kind": "acled", "access_date": dt.date(2025, 6, 5), "export_date": dt.date(2025, 5, 30),
             "url": "https://acleddata.com/data/", "file": "x.csv"}
    (section,) = render_sections([BASE], templates(language), CURRENT, source=acled)
    assert cited in section.footnote and "https://acleddata.com/data/" in section.footnote
    assert "ACLED" in section.text and "SYNT" not in section.text.upper()
    (demo,) = render_sections([BASE], templates(language), CURRENT, source=SYNTHETIC)
    assert "SYNTH" in demo.footnote.upper() and "SYNTH" in demo.text.upper()
    (ucdp,) = render_sections([BASE], templates(language), CURRENT, source={**SYNTHETIC, "kind": "ucdp"})
    assert "UCDP" in ucdp.footnote and "UCDP" in ucdp.text


def test_french_elides_de_before_a_vowel():
    assert "région d'Agadez" in text(dataclasses.replace(BASE, name="Agadez"), "fr")


# --- bad templates -----------------------------------------------------------------------------
def _broken(tmp_path, old, new, language="nl"):
    source = report_text.files("geo_coi") / "data" / "text" / f"{language}.toml"
    raw = source.read_text(encoding="utf-8")
    assert old in raw
    path = tmp_path / f"{language}.toml"
    path.write_text(raw.replace(old, new, 1), encoding="utf-8")
    line = raw[:raw.index(old)].count("\n") + 1
    return path, line


@pytest.mark.parametrize("old, new, expected", [
    ("{previous_deaths}) is een daling", "{previous_doden}) is een daling", "unknown placeholder {previous_doden}"),
    ("{source} {incidents} op {in_place}", "{source {incidents} op {in_place}", "{{"),
    ('zero = "Tijdens', 'nul = "Tijdens', "missing"),
])
def test_a_bad_template_names_file_template_and_line(tmp_path, old, new, expected):
    path, line = _broken(tmp_path, old, new)
    with pytest.raises(TemplateError) as error:
        load_templates("nl", path)
    message = str(error.value)
    assert str(path) in message and expected in message
    if expected != "missing":
        assert f"line {line}" in message and "template " in message
    else:
        assert "opening.zero" in message


def test_bad_toml_and_bad_word_forms_are_one_line_errors(tmp_path):
    path, line = _broken(tmp_path, 'and = "en"', 'and = "en')
    with pytest.raises(TemplateError, match=f"not valid TOML.*line {line}"):
        load_templates("nl", path)
    path, line = _broken(tmp_path, '["incident", "incidenten"]', '"incidenten"')
    with pytest.raises(TemplateError, match=f"line {line}: template words.incidents.*singular"):
        load_templates("nl", path)


def test_a_bad_format_spec_fails_when_filled_naming_the_template(tmp_path):
    path, line = _broken(tmp_path, "op {access_date:%d/%m/%Y}", "op {access_date:%d/%m/%Y}{url:d}")
    bad = load_templates("nl", path)
    acled = {"kind": "acled", "access_date": dt.date(2025, 6, 5), "export_date": dt.date(2025, 5, 30),
             "url": "u", "file": "f"}
    with pytest.raises(TemplateError, match=f"line {line}: template footnote.acled"):
        render_sections([BASE], bad, CURRENT, source=acled)


# --- the demo's figures are the tables' figures and the report's --------------------------------
@pytest.fixture(scope="module")
def demo():
    from geo_coi import join_admin, read_events
    from geo_coi.config import load_config

    config = load_config()
    events = join_admin(read_events(config.events_file).events).events
    figures = report_text.report_sections(events, config.current, config.comparison, country=config.country,
                                          event_types=config.event_types)
    return config, events, {f.name: f for f in figures}


def test_demo_paragraph_figures_are_the_tables_figures(demo):
    config, events, figures = demo
    table = stats.by_unit(events, "region", config.current, event_types=config.event_types).set_index("name")
    before = stats.by_unit(events, "region", config.comparison, event_types=config.event_types).set_index("name")
    assert list(figures) == [config.country, *table.index]
    for name, row in table.iterrows():
        f = figures[name]
        assert (f.incidents, f.fatalities) == (row["incidents"], row["fatalities"])
        assert (f.previous_incidents, f.previous_fatalities) == tuple(before.loc[name, ["incidents", "fatalities"]])
        assert sum(n for _, n in f.by_type) == f.incidents
        assert sum(n for _, n, _ in f.units) == f.incidents


@pytest.mark.parametrize("region, incidents, fatalities, previous, previous_deaths, quiet", [
    ("Tillabéri", 148, 603, 198, 956, ("Balleyara", "Banibangou")),  # the report: 149 (its battles 55 vs 54)
    ("Dosso", 35, 86, 13, 15, ("Boboye", "Tibiri")),
    ("Diffa", 32, 89, 62, 139, ("Goudoumaria",)),
])
@pytest.mark.parametrize("language", LANGUAGES)
def test_demo_regions_carry_the_reports_figures(demo, region, incidents, fatalities, previous, previous_deaths,
                                                quiet, language):
    config, events, figures = demo
    f = figures[region]
    assert (f.incidents, f.fatalities, f.previous_incidents, f.previous_fatalities) == (
        incidents, fatalities, previous, previous_deaths)
    (section,) = render_sections([f], templates(language), config.current, config.comparison,
                                 source=report_text.source_info(events.attrs, config))
    for number in (incidents, fatalities, previous, previous_deaths):
        assert re.search(rf"(?<![\d.,\u202f]){re.escape(numbers.integer(number, language))}(?![\d]|[.,\u202f]\d)",
                         section.text), number
    assert DECREASE[language] in section.text if region != "Dosso" else INCREASE[language] in section.text
    assert all(name in section.text for name in quiet)


def test_demo_country_paragraph(demo):
    config, events, figures = demo
    (section,) = render_sections([figures[config.country]], templates("nl"), config.current, config.comparison,
                                 source=report_text.source_info(events.attrs, config))
    for piece in ("269 incidenten", "977 dodelijke slachtoffers", "333 incidenten met 1.246 doden", "Bijna de helft",
                  "Meer dan een derde (37,5\u00a0%)", "262 burgerdoden", "ISSP", "Tillabéri", "1 september 2024"):
        assert piece in section.text, piece


def test_a_config_names_the_writers_own_templates(tmp_path):
    from geo_coi.config import default_config_path, load_config
    from geo_coi.errors import ConfigError
    from geo_coi.report_files import templates_for

    folder = tmp_path / "wording"
    folder.mkdir()
    own, _ = _broken(tmp_path, 'zero = "Tijdens', 'zero = "Helemaal niets. Tijdens')
    own.rename(folder / "nl.toml")
    config_text = default_config_path().read_text(encoding="utf-8") + f'\n[text]\ntemplates = "{folder}"\n'
    (tmp_path / "report.toml").write_text(config_text, encoding="utf-8")
    config = load_config(tmp_path / "report.toml")
    assert config.text_templates == folder
    assert templates_for(config, "nl").text("opening.zero").startswith("Helemaal niets.")
    assert templates_for(config, "fr").path.name == "fr.toml" and templates_for(config, "fr").path.parent != folder
    (tmp_path / "bad.toml").write_text(config_text.replace(str(folder), str(tmp_path / "nowhere")), encoding="utf-8")
    with pytest.raises(ConfigError, match="text.templates.*not a folder"):
        load_config(tmp_path / "bad.toml")
