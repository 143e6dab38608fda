"""Report-ready text: the paragraph a writer would type for the country and each region, in nl, fr, en.

:func:`report_sections` counts (with :mod:`geo_coi.stats`, so the text's numbers
are the tables' numbers) and :func:`render_sections` words them with the
sentence templates of ``geo_coi/data/text/<language>.toml``, which writers
edit. Each paragraph says, in order:

1. incidents and fatalities in the period (a place without incidents gets its own sentence);
2. the same period a year earlier, with "decrease" only when a figure fell;
3. the share of each event type ("almost half (46 %)": :func:`share_phrase`);
4. the most affected departments (regions, for the country) and those without incidents;
5. civilian targeting (ACLED's flag), its share and main perpetrator;

and carries a footnote citing the source and its access date as the report does.
A template with an unknown placeholder, a broken brace or a missing key stops
with :class:`geo_coi.errors.TemplateError` naming the file, template and line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

from geo_coi import numbers, stats
from geo_coi.errors import TemplateError
from geo_coi.gazetteer import display_name
from geo_coi.periods import Period, format_date
from geo_coi.style import actor_name, check_language

TEXT_DIR = "text"  # under geo_coi/data/
TOP_UNITS = 3  # departments (regions) named as the most affected
LISTED_QUIET = 3  # units without incidents named one by one up to this many, else counted
_PERIOD = ("period_start", "period_end", "source", "place", "in_place")
_PREVIOUS = ("previous_start", "previous_end", "previous_incidents", "previous_deaths", "source", "place")
_COMPARE = (*_PREVIOUS, "incidents_change", "fatalities_change")
_DIRECTIONS = ("down", "up", "same")
# template name -> the placeholders it may use (the data files hold the wording)
TEMPLATES = {
    "opening.default": (*_PERIOD, "incidents", "fatalities"),
    "opening.no_fatalities": (*_PERIOD, "incidents"),
    "opening.zero": _PERIOD,
    **{f"comparison.{a}_{b}": _COMPARE for a in _DIRECTIONS for b in _DIRECTIONS},
    "comparison.none_before": _PREVIOUS,
    "comparison.zero_now": _PREVIOUS,
    "comparison.zero_before_too": _PREVIOUS,
    "change.percent": ("percent", "previous"),
    "change.times": ("times", "previous"),
    "change.from_zero": ("previous",),
    "change.to_zero": ("previous",),
    "shares.lead": ("share", "event_type", "percent", "source", "place", "in_place"),
    "shares.all": ("event_type", "source", "place", "in_place"),
    "shares.tied": ("event_types", "percent", "source", "place", "in_place"),
    "shares.rest": ("items", "source", "place", "in_place"),
    "shares.item": ("event_type", "percent", "incidents"),
    "share_phrases.about": ("fraction", "percent"),
    "share_phrases.almost": ("fraction", "percent"),
    "share_phrases.over": ("fraction", "percent"),
    "share_phrases.rounded": ("rounded", "percent"),
    **{f"{level}.{name}": fields for level in ("departments", "regions") for name, fields in (
        ("most", ("items", "source", "place")), ("one", ("unit", "source", "place")),
        ("item", ("unit", "incidents", "fatalities")), ("quiet", ("units", "source", "place")),
        ("quiet_many", ("count", "total", "source", "place")))},
    "civilians.share": ("share", "percent", "incidents", "civilian_deaths", "source", "place", "in_place"),
    "civilians.share_no_deaths": ("share", "percent", "incidents", "source", "place", "in_place"),
    "civilians.actor": ("actor", "incidents", "fatalities"),
    "civilians.none": ("source", "place", "in_place"),
    "place.country": ("name",),
    "place.region": ("name",),
    "footnote.acled": ("export_date", "access_date", "url", "file"),
    "footnote.synthetic": ("file",),
    "footnote.ucdp": ("file",),
}
WORDS = ("words.incidents", "words.fatalities", "words.deaths", "words.civilian_deaths")
SOURCES = ("source.acled", "source.synthetic", "source.ucdp")
NUMBERS = ("share_phrases.about_within", "share_phrases.near_within", "share_phrases.rounded_to",
           "civilians.decimals")


# --- what is counted ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Figures:
    """The numbers one paragraph states (all from :mod:`geo_coi.stats`).

    Attributes
    ----------
    name : str
        The country or the region.
    level : {"country", "region"}
    incidents, fatalities, previous_incidents, previous_fatalities : int
        The period and the comparison period (same days a year earlier).
    by_type : tuple of (str, int)
        Incidents per event type, most first (types without incidents left out).
    units : tuple of (str, int, int)
        Sub-units (regions of the country, departments of a region): name, incidents, fatalities,
        every unit, most incidents first.
    civilian_incidents, civilian_fatalities : int
        Events with ACLED's civilian-targeting flag.
    civilian_actors : tuple of (str, int, int)
        Their ``actor1``, incidents and fatalities, most incidents first.
    """

    name: str
    level: str
    incidents: int
    fatalities: int
    previous_incidents: int
    previous_fatalities: int
    by_type: tuple
    units: tuple
    civilian_incidents: int
    civilian_fatalities: int
    civilian_actors: tuple


@dataclasses.dataclass(frozen=True)
class Section:
    """One rendered paragraph: a heading (the place), its sentences and its footnote."""

    name: str
    level: str
    sentences: tuple
    footnote: str

    @property
    def text(self) -> str:
        """The paragraph: its sentences joined."""
        return " ".join(self.sentences)


def report_sections(events, current, comparison=None, *, country: str, event_types=None) -> list[Figures]:
    """The figures of the country's paragraph and of every region's, in P-code order.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Joined canonical events (:func:`geo_coi.join.join_admin`).
    current : Period or (start, end)
    comparison : Period or (start, end), optional
        Default: the same days one year earlier.
    country : str
        The country's name, as the config gives it.
    event_types : sequence of str, optional
        The types counted (the report's); default every type.

    Returns
    -------
    list of Figures
        The country first, then each region of the boundaries.
    """
    current = Period.coerce(current)
    comparison = Period.coerce(comparison) or current.previous_year()
    counts = _Counts(events, current, comparison, event_types)
    country_row = counts.total("country").iloc[0]
    sections = [counts.figures(country, "country", country_row["pcode"], "region")]
    for _, row in counts.total("region").iterrows():
        sections.append(counts.figures(row["name"], "region", row["pcode"], "department"))
    return sections


class _Counts:
    """Every count the paragraphs need, taken once from :mod:`geo_coi.stats`."""

    def __init__(self, events, current, comparison, event_types):
        filters = {"event_types": event_types}
        self.now = {level: stats.by_unit(events, level, current, **filters)
                    for level in ("country", "region", "department")}
        self.before = {level: stats.by_unit(events, level, comparison, **filters) for level in ("country", "region")}
        self.types = stats.summarize(events, current, by=["region", "event_type"], **filters)
        self.civilian = stats.summarize(events, current, by=["region", "actor"], civilian_targeting=True, **filters)

    def total(self, level):
        return self.now[level]

    def figures(self, name, level, pcode, unit_level) -> Figures:
        def pick(table):
            return table if level == "country" else table[table["region_pcode"] == pcode]

        now = self.now[level].set_index("pcode").loc[pcode]
        before = self.before[level].set_index("pcode").loc[pcode]
        types = pick(self.types).groupby("event_type", sort=False)["incidents"].sum()
        units = self.now[unit_level]
        if level != "country":
            units = units[units["region_pcode"] == pcode]
        units = units.sort_values(["incidents", "name"], ascending=[False, True], kind="stable")
        civilian = pick(self.civilian).groupby("actor", sort=True)[["incidents", "fatalities"]].sum()
        civilian = civilian.sort_values("incidents", ascending=False, kind="stable")
        return Figures(
            name=name, level=level, incidents=int(now["incidents"]), fatalities=_whole(now["fatalities"]),
            previous_incidents=int(before["incidents"]), previous_fatalities=_whole(before["fatalities"]),
            by_type=tuple((t, int(n)) for t, n in sorted(types.items(), key=lambda item: -item[1]) if n),
            units=tuple((_display(u["name"]), int(u["incidents"]), _whole(u["fatalities"]))
                        for _, u in units.iterrows()),
            civilian_incidents=int(civilian["incidents"].sum()),
            civilian_fatalities=_whole(civilian["fatalities"].sum()),
            civilian_actors=tuple((str(a), int(row["incidents"]), _whole(row["fatalities"]))
                                  for a, row in civilian.iterrows()),
        )


def _whole(value) -> int:
    """A count as int; unknown fatalities (<NA>: a file without them) count as 0 in the text."""
    import pandas as pd

    return 0 if value is None or value is pd.NA else int(value)


def _display(name: str) -> str:
    return display_name(name)


# --- templates ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Templates:
    """One language's sentence templates (:func:`load_templates`)."""

    language: str
    path: Path
    data: dict
    lines: dict

    def text(self, name: str) -> Any:
        """The template ``name`` (dotted path in the TOML file): a string, or the pair, list or number a few hold."""
        return _lookup(self.data, name)

    def fill(self, template: str, /, **values) -> str:
        """Template ``template`` filled in; a value it cannot take stops with the template's name and line."""
        try:
            filled = self.text(template).format(**values)
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
            raise TemplateError(f"{self.where(template)}: {exc}; fix the template") from None
        return _french_elision(filled) if self.language == "fr" else filled

    def forms(self, name: str, count: int) -> str:
        """``count`` and its noun: ``1 incident``, ``149 incidenten``."""
        singular, plural = self.text(name)
        return f"{numbers.integer(count, self.language)} {singular if count == 1 else plural}"

    def where(self, name: str) -> str:
        """Where template ``name`` is defined: file and line, for error messages."""
        return f"{self.path}, line {self.lines.get(name, '?')}: template {name}"


def load_templates(language: str, path=None) -> Templates:
    """Read and check a language's sentence templates.

    Parameters
    ----------
    language : {"nl", "fr", "en"}
    path : path-like, optional
        A TOML file of your own (same keys); default ``geo_coi/data/text/<language>.toml``.

    Returns
    -------
    Templates

    Raises
    ------
    TemplateError
        Bad TOML, a missing template, an unknown placeholder or a broken brace:
        the message names the file, the template and its line.
    """
    check_language(language)
    path = Path(path) if path is not None else Path(str(files("geo_coi") / "data" / TEXT_DIR / f"{language}.toml"))
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the sentence templates ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: not valid TOML ({exc}); fix the file") from None
    templates = Templates(language, path, data, _key_lines(raw))
    _check(templates)
    return templates


def _key_lines(raw: str) -> dict:
    """``section.key`` -> its line number in the TOML text (for the error messages)."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(raw.splitlines(), start=1):
        header = re.match(r"\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
            continue
        key = re.match(r'\s*"?([^"=\s]+)"?\s*=', line)
        if key:
            lines.setdefault(f"{section}.{key.group(1)}", number)
    return lines


def _lookup(data: dict, name: str):
    section, _, key = name.partition(".")
    return data.get(section, {}).get(key)


def _check(templates: Templates) -> None:
    formatter = string.Formatter()
    for name, allowed in TEMPLATES.items():
        text = templates.text(name)
        if not isinstance(text, str):
            raise TemplateError(f"{templates.path}: template {name} is missing (or not text); "
                                f"add it under [{name.partition('.')[0]}]")
        try:
            fields = [field for _, field, _, _ in formatter.parse(text) if field is not None]
        except ValueError as exc:
            raise TemplateError(f"{templates.where(name)}: {exc} (write a literal brace as {{{{ or }}}})") from None
        for field in fields:
            if field.split(".")[0].split("[")[0] not in allowed:
                raise TemplateError(f"{templates.where(name)}: unknown placeholder {{{field}}}; "
                                    f"it may use {', '.join('{' + f + '}' for f in allowed)}")
    for name in WORDS:
        forms = templates.text(name)
        if not (isinstance(forms, list) and len(forms) == 2 and all(isinstance(f, str) for f in forms)):
            raise TemplateError(f"{templates.where(name)}: give the singular and the plural, "
                                f'e.g. ["incident", "incidents"]')
    for name in (*SOURCES, "words.and"):
        if not isinstance(templates.text(name), str):
            raise TemplateError(f"{templates.where(name)}: {name} is missing (or not text)")
    for name in NUMBERS:
        if not isinstance(templates.text(name), (int, float)) or isinstance(templates.text(name), bool):
            raise TemplateError(f"{templates.where(name)}: {name} must be a number")
    fractions = templates.text("share_phrases.fractions")
    if not (isinstance(fractions, list) and all(isinstance(f, list) and len(f) == 2 and isinstance(f[1], str)
                                                 and isinstance(f[0], (int, float)) for f in fractions)):
        raise TemplateError(f"{templates.where('share_phrases.fractions')}: give [[0.5, \"half\"], ...]")


# --- wording -----------------------------------------------------------------------------------
def render_sections(figures, templates: Templates, current, comparison=None, *, source: dict) -> list[Section]:
    """Word each :class:`Figures` with the templates.

    Parameters
    ----------
    figures : list of Figures
        From :func:`report_sections`.
    templates : Templates
        From :func:`load_templates`.
    current, comparison : Period
        The periods counted (comparison default: a year earlier).
    source : dict
        ``kind`` ("acled", "synthetic", "ucdp"), ``access_date``, ``export_date`` (dates),
        ``url``, ``file``: what the footnote cites (:func:`source_info`).

    Returns
    -------
    list of Section
    """
    current = Period.coerce(current)
    comparison = Period.coerce(comparison) or current.previous_year()
    footnote = templates.fill(f"footnote.{source['kind']}", **{k: v for k, v in source.items() if k != "kind"})
    return [_Paragraph(f, templates, current, comparison, source["kind"]).section(footnote) for f in figures]


def source_info(attrs: dict, config=None) -> dict:
    """What the footnote cites, from the events' ``attrs`` and the config's ``[sources.acled]``."""
    acled = (config.sources.get("acled") if config is not None else None)
    access = _date(attrs.get("access_date")) or (acled.access_date if acled else None)
    export = (acled.export_date if acled else None) or _date(attrs.get("data_as_of")) or access
    kind = ("synthetic" if attrs.get("synthetic") else
            "ucdp" if str(attrs.get("source", "")).startswith("UCDP") else "acled")
    return {"kind": kind, "access_date": access, "export_date": export,
            "url": (acled.url if acled and acled.url else "https://acleddata.com/data/"),
            "file": Path(str(attrs.get("input_file", ""))).name}


def _date(value):
    return dt.date.fromisoformat(str(value)[:10]) if value else None


class _Paragraph:
    """The sentences of one place (private steps of :func:`render_sections`)."""

    def __init__(self, figures: Figures, templates: Templates, current, comparison, kind: str):
        self.f, self.t, self.lang = figures, templates, templates.language
        place = templates.fill(f"place.{figures.level}", name=figures.name)
        self.common = {"source": templates.text(f"source.{kind}"), "place": figures.name, "in_place": place}
        self.period = {"period_start": format_date(current.start, self.lang),
                       "period_end": format_date(current.end, self.lang)}
        self.previous = {"previous_start": format_date(comparison.start, self.lang),
                         "previous_end": format_date(comparison.end, self.lang),
                         "previous_incidents": templates.forms("words.incidents", figures.previous_incidents),
                         "previous_deaths": templates.forms("words.deaths", figures.previous_fatalities)}

    def section(self, footnote: str) -> Section:
        steps = (self._opening, self._comparison) if self.f.incidents == 0 else (
            self._opening, self._comparison, self._shares, self._units, self._civilians)
        sentences = [s for step in steps for s in step()]
        sentences = [_capitalised(s) for s in sentences]
        return Section(self.f.name, self.f.level, tuple(sentences), footnote)

    def fill(self, template, /, **values) -> str:
        return self.t.fill(template, **self.common, **values)

    def _opening(self):
        f = self.f
        values = dict(self.period, incidents=self.t.forms("words.incidents", f.incidents),
                      fatalities=self.t.forms("words.fatalities", f.fatalities))
        if f.incidents == 0:
            return [self.fill("opening.zero", **self.period)]
        if f.fatalities == 0:
            del values["fatalities"]
            return [self.fill("opening.no_fatalities", **values)]
        return [self.fill("opening.default", **values)]

    def _comparison(self):
        f = self.f
        if f.incidents == 0:
            name = "zero_before_too" if f.previous_incidents == 0 else "zero_now"
            return [self.fill(f"comparison.{name}", **self.previous)]
        if f.previous_incidents == 0:
            return [self.fill("comparison.none_before", **self.previous)]
        name = f"comparison.{_direction(f.previous_incidents, f.incidents)}_" \
               f"{_direction(f.previous_fatalities, f.fatalities)}"
        return [self.fill(name, **self.previous,
                          incidents_change=self._change(f.previous_incidents, f.incidents),
                          fatalities_change=self._change(f.previous_fatalities, f.fatalities))]

    def _change(self, before: int, now: int) -> str:
        previous = numbers.integer(before, self.lang)
        if before == 0:
            return self.t.fill("change.from_zero", previous=previous)
        if now == 0:
            return self.t.fill("change.to_zero", previous=previous)
        if now >= 2 * before:
            return self.t.fill("change.times", times=numbers.decimal(now / before, self.lang, 1), previous=previous)
        return self.t.fill("change.percent", previous=previous,
                           percent=numbers.percent((now - before) / before * 100, self.lang, signed=True))

    def _shares(self):
        f = self.f
        (lead, count), rest = f.by_type[0], f.by_type[1:]
        if not rest:
            return [self.fill("shares.all", event_type=self._type(lead))]
        tied = [t for t, n in f.by_type if n == count]
        if len(tied) > 1:  # no one type leads: say they are as frequent
            rest = [(t, n) for t, n in rest if n != count]
            sentences = [self.fill("shares.tied", event_types=_listed(map(self._type, tied), self.t),
                                   percent=self._percent(count))]
            return sentences + ([self.fill("shares.rest", items=self._items(rest))] if rest else [])
        sentences = [self.fill("shares.lead", event_type=self._type(lead), percent=self._percent(count),
                               share=share_phrase(count / f.incidents * 100, self.t))]
        return sentences + [self.fill("shares.rest", items=self._items(rest))]

    def _items(self, types) -> str:
        items = [self.t.fill("shares.item", event_type=self._type(t), percent=self._percent(n),
                             incidents=self.t.forms("words.incidents", n)) for t, n in types]
        return _listed(items, self.t)

    def _percent(self, count: int, digits: int = 0) -> str:
        return numbers.percent(count / self.f.incidents * 100, self.lang, _digits(count / self.f.incidents * 100,
                                                                                  digits))

    def _type(self, event_type: str) -> str:
        return self.t.data.get("event_types", {}).get(event_type, event_type)

    def _units(self):
        level = "regions" if self.f.level == "country" else "departments"
        units = self.f.units
        if len(units) < 2:
            return []
        hit = [u for u in units if u[1] > 0]
        sentences = []
        if len(hit) == 1:
            sentences.append(self.fill(f"{level}.one", unit=hit[0][0]))
        else:
            top = [u for u in hit if u[1] >= hit[min(TOP_UNITS, len(hit)) - 1][1]]  # ties at the cut stay
            items = [self.t.fill(f"{level}.item", unit=name, incidents=self.t.forms("words.incidents", n),
                                 fatalities=self.t.forms("words.fatalities", d)) for name, n, d in top]
            sentences.append(self.fill(f"{level}.most", items=_listed(items, self.t)))
        quiet = sorted(name for name, n, _ in units if n == 0)
        if len(quiet) > LISTED_QUIET:
            sentences.append(self.fill(f"{level}.quiet_many", count=numbers.integer(len(quiet), self.lang),
                                       total=numbers.integer(len(units), self.lang)))
        elif quiet:
            sentences.append(self.fill(f"{level}.quiet", units=_listed(quiet, self.t)))
        return sentences

    def _civilians(self):
        f = self.f
        if f.civilian_incidents == 0:
            return [self.fill("civilians.none")]
        digits = int(self.t.text("civilians.decimals"))
        share = f.civilian_incidents / f.incidents * 100
        values = {"share": share_phrase(share, self.t, _digits(share, digits)),
                  "percent": self._percent(f.civilian_incidents, digits),
                  "incidents": self.t.forms("words.incidents", f.civilian_incidents)}
        if f.civilian_fatalities:
            sentences = [self.fill("civilians.share", **values,
                                   civilian_deaths=self.t.forms("words.civilian_deaths", f.civilian_fatalities))]
        else:
            sentences = [self.fill("civilians.share_no_deaths", **values)]
        actor, count, deaths = f.civilian_actors[0]
        tied = [a for a, n, _ in f.civilian_actors if n == count]
        if len(tied) == 1 and count > 1:  # one actor leads: name it
            sentences.append(self.t.fill("civilians.actor", actor=actor_name(actor, self.lang),
                                         incidents=self.t.forms("words.incidents", count),
                                         fatalities=self.t.forms("words.fatalities", deaths)))
        return sentences


def share_phrase(percent: float, templates: Templates, digits: int = 0) -> str:
    """How the report says a share: "almost half (46 %)", "more than a third (37.5 %)", "some 40 %".

    Within ``about_within`` percentage points of a fraction of the templates'
    ``fractions``: "about"; up to ``near_within`` below it: "almost", above it:
    "more than" (the nearest fraction); else the share rounded to ``rounded_to`` percent.

    Parameters
    ----------
    percent : float
        The share, 0-100.
    templates : Templates
    digits : int
        Decimals of the printed percentage.

    Returns
    -------
    str
    """
    lang = templates.language
    printed = numbers.percent(percent, lang, digits)
    about, near = templates.text("share_phrases.about_within"), templates.text("share_phrases.near_within")
    nearest = min(templates.text("share_phrases.fractions"), key=lambda f: (abs(percent - f[0] * 100), f[0]))
    gap = percent - nearest[0] * 100
    if abs(gap) <= about:
        return templates.fill("share_phrases.about", fraction=nearest[1], percent=printed)
    if -near <= gap < 0:
        return templates.fill("share_phrases.almost", fraction=nearest[1], percent=printed)
    if 0 < gap <= near:
        return templates.fill("share_phrases.over", fraction=nearest[1], percent=printed)
    step = templates.text("share_phrases.rounded_to")
    rounded = numbers.percent(step * numbers.round_half_up(percent / step, 0), lang)
    return templates.fill("share_phrases.rounded", rounded=rounded, percent=printed)


def _digits(percent: float, digits: int) -> int:
    """Up to ``digits`` decimals: none when they would print as zeros (``20 %``, not ``20,0 %``)."""
    return 0 if numbers.round_half_up(percent, digits) == numbers.round_half_up(percent, 0) else digits


def _direction(before: int, now: int) -> str:
    return "down" if now < before else "up" if now > before else "same"


def _listed(items, templates: Templates) -> str:
    """``A, B and C`` in the templates' language."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {templates.text('words.and')} {items[-1]}"


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _french_elision(sentence: str) -> str:
    """``de Ansongo`` -> ``d'Ansongo``: ``de`` before a vowel (the templates' other words are the writer's)."""
    return re.sub(r"\b([Dd])e ([AEIOUÉÈÂÎÔaeiouéèâîô])", r"\1'\2", sentence)


# --- the files -------------------------------------------------------------------------------
def markdown(sections, title: str = "") -> str:
    """The sections as Markdown: a heading per place, its paragraph and a footnote.

    Parameters
    ----------
    sections : list of Section
    title : str, optional
        A first-level heading.

    Returns
    -------
    str
        Ends with a newline; footnotes are numbered ``[^1]``, ``[^2]``... in order.
    """
    lines = [f"# {title}", ""] if title else []
    for number, section in enumerate(sections, start=1):
        lines += [f"## {section.name}", "", f"{section.text}[^{number}]", "", f"[^{number}]: {section.footnote}", ""]
    return "\n".join(lines)
