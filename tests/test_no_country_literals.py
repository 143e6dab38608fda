"""No Niger literal outside the Niger pack and the Niger configs (issue 12).

A second country needs no code change, only a pack folder and a report config.
So nothing of Niger may be written into the code or into the shared data files:

- scanned: every ``geo_coi/**/*.py`` outside ``geo_coi/countries/``, and every
  text file under ``geo_coi/data/`` except the Niger configs (``data/configs/niger_*``),
  the Niger demo data and its calibration (``data/demo/``) and vendored third-party
  code (``data/vendor/leaflet/``);
- a Niger literal is any of :data:`PATTERNS`: the names Niger and Niamey (any case,
  so ``niamey_`` and ``inside_niger`` too), ``NER`` as a word, ``NE0``-style P-codes,
  Niger's region names, ``arrondissement``, the numbers of Niger's bbox, ``INS``
  (Niger's statistics institute) and the names of files only the Niger pack has;
- Niger's facts live in ``geo_coi/countries/ner/`` (``country.toml`` and its files)
  or the report config; the default country is read from
  ``geo_coi/countries/default.toml``.

Exceptions, each with its reason:

- in a docstring or a comment, a literal that follows ``e.g.`` on its line is an
  example (``(e.g. Niger's 8 regions)``); in code strings and names it is not;
- :data:`ALLOWED`: a short list of (file, line pattern) entries, each with its reason;
  an entry that no longer matches anything fails the test, so the list only shrinks;
- :data:`PENDING`: files other helpers are changing at the time of writing; the lead
  removes each entry once its branch is merged (the test fails while a pending file
  has become clean, to say so).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "geo_coi"
PACKS = PACKAGE / "countries"

_NIGER_REGIONS = ("Agadez", "Diffa", "Dosso", "Maradi", "Tahoua", "Tillab[ée]ri", "Tillabery", "Zinder")


def _niger_only_files() -> tuple[str, ...]:
    """Names of the Niger pack's files that no other pack has (``unhcr_niger_...csv``, ``populations_ins_2023.csv``)."""
    def names(pack: Path) -> set[str]:
        return {path.name for path in pack.rglob("*") if path.is_file()}

    others = set().union(*(names(pack) for pack in PACKS.iterdir() if pack.is_dir() and pack.name != "ner"))
    return tuple(sorted(names(PACKS / "ner") - others))


PATTERNS: dict[str, re.Pattern] = {
    # Nigeria, Nigerien, Nigerees/Nigerese (Dutch) are not Niger; "nigérien" does not match
    "Niger": re.compile(r"niger(?!ia|ien|ee|es)", re.IGNORECASE),
    "Niamey": re.compile(r"niamey", re.IGNORECASE),
    "NER": re.compile(r"(?<![A-Za-z0-9])NER(?![A-Za-z0-9])"),
    "NE P-code": re.compile(r"(?<![A-Za-z0-9])NE\d{2,}"),
    "region": re.compile(r"|".join(_NIGER_REGIONS), re.IGNORECASE),
    "arrondissement": re.compile(r"arrondissement", re.IGNORECASE),
    "bbox": re.compile(r"(?<![\d.])(?:0\.16|11\.69|23\.53)(?!\d)"),
    "INS": re.compile(r"(?<![A-Za-z0-9])INS(?![A-Za-z0-9])"),
    "Niger-only file": re.compile("|".join(re.escape(name) for name in _niger_only_files())),
}

# Files under geo_coi/data/ that are Niger's own (its report config, its demo data) or not ours.
_NIGER_DATA = ("data/configs/niger_*", "data/demo/*", "data/vendor/leaflet/*")
_TEXT_SUFFIXES = {".csv", ".toml", ".md", ".txt", ".json", ".js", ".css", ".html", ".qml", ".sld"}

_PENDING_REASON = "issue 12: helper h12-annex / h13-split"
# changes.py, geopackage.py, ingest.py, location_batch.py and manifest.py (also being changed) hold no literal.
PENDING: dict[str, str] = dict.fromkeys((
    "maps/*.py", "qgis_report.py", "atlas.py", "steps/*.py", "annex.py", "cli/annex.py", "cross_border.py",
), _PENDING_REASON)

_SCHEMA = ("the canonical column of the capital's sub-units in every pack (events.JOINED_COLUMNS), written in "
           "Niger's tables and GeoPackage: a rename changes Niger's annex bytes and the modules of PENDING")
_PENDING_KEYS = "asked for by key in maps/, atlas.py, indicator_sheet.py (PENDING): move with them to the report config"
# (file under geo_coi/, regular expression the line matches, reason). Keep it short: move a fact to its pack instead.
ALLOWED: tuple[tuple[str, str, str], ...] = (
    ("events.py", r'^    "arrondissement(_pcode)?",', _SCHEMA),
    ("join.py", r'^            "arrondissement(_pcode)?": ', _SCHEMA),
    ("data/translations.csv", r"^(arrondissement|arrondissements_boundary|boundary_arrondissement),",
     "labels of that column and of its boundary line in the legends"),
    ("data/translations.csv", r"^(annex2_title|tillaberi_map_title|niamey|niamey_arrondissements),",
     "captions of the Niger report's maps (report text belongs in translations.csv), " + _PENDING_KEYS),
    ("data/translations.csv", r"^(atlas_population_note|indicators_note_population|glossary:population),",
     "the Niger report's notes on its population sources (INS), " + _PENDING_KEYS),
    ("data/translations.csv", r"^capital_inset:NER,", "one row per pack, keyed by its ISO3 code (maps/static.py)"),
    ("data/translations.csv", r"^river_niger,", "the river Niger (Mali's capital lies on it too), not the country"),
    ("data/capital_rivers.csv", r"^(NER|MLI),[^,]*,river_niger$",
     "one row per pack, keyed by its ISO3 code, naming the river Niger; read by maps/reference.py (PENDING): "
     "move to the packs' [capital] tables with it"),
    ("data/actor_names.csv", r"Forces of Niger \(|\(Niger\),", "ACLED's actor names, which name the actor's country"),
    ("data/vendor/geo_coi/map.js", r'"niger"',
     "the HTML map's outline layer key, given by maps/html_basemap.py (PENDING): rename to \"country\" with it"),
)


@dataclass(frozen=True)
class Hit:
    """One Niger literal: file (relative to ``geo_coi/``), line number, pattern name and the line."""

    path: str
    line: int
    pattern: str
    text: str

    def __str__(self) -> str:
        return f"geo_coi/{self.path}:{self.line}: {self.pattern}: {self.text.strip()}"


def scanned_files(package: Path = PACKAGE) -> list[Path]:
    """The files the rule applies to: modules outside ``countries/`` and the shared data files."""
    modules = [path for path in package.rglob("*.py") if "countries" not in path.relative_to(package).parts]
    data = [path for path in (package / "data").rglob("*")
            if path.is_file() and path.suffix in _TEXT_SUFFIXES
            and not any(path.relative_to(package).match(glob) for glob in _NIGER_DATA)]
    return sorted(modules + data)


def _prose(source: str) -> dict[int, int]:
    """Line -> column from which the line is prose (docstring or comment) in a Python module."""
    prose: dict[int, int] = {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
                for line in range(first.lineno, (first.end_lineno or first.lineno) + 1):
                    prose[line] = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            prose.setdefault(token.start[0], token.start[1])
    return prose


def scan(path: Path, package: Path = PACKAGE) -> list[Hit]:
    """Every Niger literal in ``path`` that is not an ``e.g.`` example in prose."""
    source = path.read_text(encoding="utf-8")
    prose = _prose(source) if path.suffix == ".py" else {}
    relative = path.relative_to(package).as_posix()
    hits = []
    for number, text in enumerate(source.splitlines(), start=1):
        for name, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                start = prose.get(number)
                if start is not None and start <= match.start() and "e.g." in text[start:match.start()]:
                    continue
                hits.append(Hit(relative, number, name, text))
    return hits


def _pending(path: str) -> bool:
    return any(Path(path).match(glob) and glob.count("/") == path.count("/") for glob in PENDING)


def _allowed(hit: Hit) -> bool:
    return any(hit.path == path and re.search(pattern, hit.text) for path, pattern, _ in ALLOWED)


@pytest.fixture(scope="module")
def hits() -> list[Hit]:
    return [hit for path in scanned_files() for hit in scan(path)]


def test_no_niger_literal_outside_the_niger_pack(hits):
    left = [str(hit) for hit in hits if not _pending(hit.path) and not _allowed(hit)]
    assert not left, ("Niger literals outside geo_coi/countries/ner/ (move them to the pack's country.toml or "
                      "files, the report config or translations.csv; see this module's docstring):\n"
                      + "\n".join(left))


def test_every_allowed_entry_is_still_needed(hits):
    stale = [(path, pattern) for path, pattern, _ in ALLOWED
             if not any(hit.path == path and re.search(pattern, hit.text) for hit in hits)]
    assert not stale, f"ALLOWED entries that match nothing any more, remove them: {stale}"
    assert all(reason.strip() for _, _, reason in ALLOWED)


def test_every_pending_file_still_has_literals(hits):
    for glob in PENDING:
        assert list(PACKAGE.glob(glob)), f"PENDING names {glob}, which matches no file: remove it"
    dirty = {glob for glob in PENDING for hit in hits
             if Path(hit.path).match(glob) and glob.count("/") == hit.path.count("/")}
    clean = sorted(set(PENDING) - dirty)
    assert not clean, f"PENDING files without Niger literals now, remove them from PENDING: {clean}"


def test_the_patterns_catch_niger_literals(tmp_path):
    package = tmp_path / "geo_coi"
    (package / "data").mkdir(parents=True)
    (package / "countries" / "ner").mkdir(parents=True)
    module = package / "capital.py"
    module.write_text('"""The capital (e.g. Niamey) of the active pack."""\n\n'
                      'CAPITAL = "Niamey"  # e.g. the capital\n'
                      'LABEL = "e.g. Niamey"\n'
                      'PCODE = "NE008"  # the region of Niamey\n'
                      'def inside_niger(x):\n    return x\n', encoding="utf-8")
    (package / "countries" / "ner" / "pack.py").write_text('NAME = "Niamey"\n', encoding="utf-8")
    (package / "data" / "captions.csv").write_text("key,en\nannex2,Incidents in Tillabéri\n", encoding="utf-8")
    (package / "data" / "configs").mkdir()
    (package / "data" / "configs" / "niger_2025.toml").write_text('title = "Niger"\n', encoding="utf-8")
    files = scanned_files(package)
    assert [path.relative_to(package).as_posix() for path in files] == ["capital.py", "data/captions.csv"]
    hits = [hit for path in files for hit in scan(path, package)]
    assert [(hit.line, hit.pattern) for hit in hits] == [
        (3, "Niamey"), (4, "Niamey"), (5, "Niamey"), (5, "NE P-code"), (6, "Niger"), (2, "region")]
    assert [hit for hit in hits if not _pending(hit.path) and not _allowed(hit)] == hits  # the rule test would fail


def test_moved_literals_are_read_from_the_packs():
    from dataclasses import fields

    from geo_coi import country
    from geo_coi.location import Location, json_aliases

    assert country.DEFAULT in country.bundled()
    assert (PACKAGE / "data" / "configs" / country.DEFAULT_REPORT_CONFIG).is_file()
    names = {field.name for field in fields(Location)}
    for iso3 in country.bundled():
        assert set(json_aliases(iso3).values()) <= names, iso3
    assert json_aliases("NER") and not json_aliases("MLI")


def test_other_countries_names_are_not_niger():
    text = "Nigeria, armée nigérienne, Nigerees leger, Mali's Commune V, NERICA rice, MINES, NE-border"
    assert not [name for name, pattern in PATTERNS.items() if pattern.search(text)]
    assert PATTERNS["Niger-only file"].search("displacement/unhcr_niger_demographics_by_location_2001_2025.csv")
