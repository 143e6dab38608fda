"""Names -> P-codes, and place names -> coordinates.

Every source spells a country's places its own way (e.g. ACLED ``Tillaberi``,
e.g. UNHCR ``Tillabéry`` and ``Tillaberi [Admin 2]``, e.g. UCDP ``Tera department``,
e.g. a report's ``Ouallem``, where COD-AB writes ``Tillabéri``, ``Téra``, ``Ouallam``).
:func:`resolve` maps any of them to one P-code of the pack, in this order:

1. the alias table of the country pack (``geo_coi/countries/<iso3>/aliases.csv``) (data: add a line to teach it
   a new spelling; columns ``alias, level, pcode, name, note``);
2. an exact match of the normalised name (see :func:`normalize`);
3. the same after dropping a leading "Ville de" (a capital's name -> its
   "Ville de ..." department, but a department named after a town stays that
   department, not the town's "Ville de ..." unit);
4. fuzzy matching (rapidfuzz ``ratio`` on the normalised names) with a score
   of at least :data:`THRESHOLD` and a lead of at least :data:`MARGIN` points
   over the next unit.

It never guesses: two units found by the same step (a department and a
commune of one name; two communes of one name in two regions), or
no unit good enough, raise :class:`~geo_coi.errors.ResolveError` listing the
candidates with their parents.

:func:`geocode` looks a place up in the pack's GeoNames gazetteer (CC BY 4.0)
and, where the pack has them, in the places named by UCDP GED events (places
GeoNames lacks), and gives each candidate its admin units.

Per country: every function takes ``country`` (an ISO3 code; default the active
pack, :func:`geo_coi.country.active`), and every cache is keyed by it, so one
process can draw names of several packs (a cross-border map).

pandas (:func:`geocode`) and rapidfuzz (:func:`match`, :func:`geocode`) are imported
inside the functions that use them so that ``geo-coi locate``, which imports this
module, starts fast (tests/test_locate.py); the geo_coi modules sit at module level.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from geo_coi import admin_index
from geo_coi import country as _country
from geo_coi.admin_index import CAPITAL_SUBUNITS
from geo_coi.errors import InputError, ResolveError

LEVELS = ("region", "department", "commune", CAPITAL_SUBUNITS)  # generic; a pack's own: levels()
THRESHOLD = 85.0
"""Lowest fuzzy score accepted. A typo in a long name (one letter wrong in nine) scores about 86-89,
while a one-letter change in a five-letter name scores 80 and is refused."""
MARGIN = 5.0
"""A fuzzy winner must lead the next unit by this many points."""

GEONAMES_CREDIT = "Place names: GeoNames (CC BY 4.0)"
UCDP_CREDIT = "UCDP GED 25.1 (CC BY 4.0)"

_ADMIN_TAG = re.compile(r"\[\s*admin[^\]]*\]")  # UNHCR's tags, e.g. "Tillaberi [Admin 2]", "[Admin 3: PRP]"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PREFIXES = (
    "commune urbaine de ",
    "commune rurale de ",
    "commune de ",
    "departement de ",
    "region de ",
)  # then each bundled pack's own ([gazetteer] name_prefixes in its country.toml): see _prefixes
_SUFFIXES = (" region", " department", " departement", " dept", " commune", " municipality")
_VILLE = "ville de "
_ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}
_PARENTS = (("department", "department_pcode"), ("region", "region_pcode"))
# Rank of a match step (lower wins); "fuzzy" candidates carry their own score.
_STEPS = ("P-code", "alias", "exact", "without 'Ville de'", "fuzzy")


def normalize(name) -> str:
    """Normalise a place or unit name for matching.

    Lower case, accents removed, apostrophes/hyphens/punctuation turned into
    single spaces, UNHCR tags (``[Admin 2]``, ``: Point``) dropped, the words
    "Commune de", "Région de", "region", "department", "département",
    "commune", "municipality" dropped at the start or end (and the words the
    bundled packs name in ``[gazetteer] name_prefixes``), and a final number 1-5
    written in Roman numerals (e.g. ``Niamey 1`` -> ``niamey i``).
    "Ville de" is dropped too.

    Parameters
    ----------
    name : str

    Returns
    -------
    str
        e.g. ``"Tillabéri region"`` -> ``"tillaberi"``, ``"Birni N'Konni"`` ->
        ``"birni n konni"``. Matching compares these with spaces removed, so
        ``Birni Nkonni`` and ``Maine-Soroa`` match too.
    """
    return _strip_ville(_clean(name))


def _clean(name) -> str:
    """:func:`normalize` without dropping "Ville de"."""
    if not isinstance(name, str):
        raise InputError(f"a place name must be text, got {name!r}")
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _ADMIN_TAG.sub(" ", text).split(":")[0]
    text = " " + _NOT_ALNUM.sub(" ", text).strip() + " "
    for prefix in _prefixes():
        if text.startswith(" " + prefix):
            text = text[len(prefix) :]
    for suffix in _SUFFIXES:
        if text.endswith(suffix + " "):
            text = text[: -len(suffix)]
    words = text.split()
    if len(words) > 1 and words[-1] in _ROMAN:
        words[-1] = _ROMAN[words[-1]]
    return " ".join(words)


@functools.cache
def _prefixes() -> tuple[str, ...]:
    """The words :func:`normalize` drops at the start: the generic ones, then every bundled pack's own."""
    own = (f"{word.strip().lower()} " for code in _country.bundled()
           for word in _country.get(code).settings.get("gazetteer", {}).get("name_prefixes", ()))
    return tuple(dict.fromkeys((*_PREFIXES, *own)))


def display_name(name: str, country: str | None = None) -> str:
    """The one spelling every map prints for a place or unit name.

    COD-AB's spelling (e.g. ``Birni Nkonni`` -> ``Birni N'Konni``), except where the
    report spells the place otherwise: those spellings are in the pack's
    ``place_names.csv`` (e.g. ``Ayerou`` -> ``Ayorou``), with their source. A name
    matching neither comes back unchanged.

    Parameters
    ----------
    name : str
        Any spelling: COD-AB, Natural Earth, ACLED.
    country : str, optional
        ISO3 code of the pack whose spellings apply; default the active pack. A map of
        several packs passes each unit's own.

    Returns
    -------
    str
    """
    key = _compact(_clean(name))
    return _display_names_of(_iso3(country)).get(key, name)


def levels(country: str | None = None) -> tuple[str, ...]:
    """The unit levels names resolve to in a pack: its admin levels below the country, then its capital's sub-units.

    The capital's sub-units by the pack's own slot (:data:`LEVELS` names them generically,
    :data:`~geo_coi.admin_index.CAPITAL_SUBUNITS`, e.g. Mali's ``capital_commune``); Burkina
    Faso: ``region``, ``department`` (no communes).
    """
    return tuple(level for level in admin_index.levels(country) if level != "country")


def _iso3(country: str | None) -> str:
    """ISO3 code of ``country`` (any case), or of the active pack: the key of every cache here."""
    return _country.get(country).iso3


@functools.cache
def _display_names_of(iso3: str) -> dict[str, str]:
    """Compact key -> display spelling: COD-AB names (coarsest level first), then the report's table."""
    names: dict[str, str] = {}
    for level in levels(iso3):
        for unit in _units_of(level, iso3):
            names.setdefault(unit["full"], unit["name"])
    with _country.get(iso3).file("place_names").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = {_compact(_clean(row["spelling"])): row["display"] for row in rows}
    for key, display in table.items():  # every spelling of a renamed place gets the report's one
        names.update({k: display for k, v in names.items() if _compact(_clean(v)) == key})
        names[key] = names[_compact(_clean(display))] = display
    return names


def _strip_ville(cleaned: str) -> str:
    return cleaned[len(_VILLE) :] if cleaned.startswith(_VILLE) else cleaned


def _compact(normalized: str) -> str:
    return normalized.replace(" ", "")


@dataclass(frozen=True)
class Candidate:
    """One admin unit a name could mean.

    Attributes
    ----------
    pcode, name, level : str
    parents : str
        e.g. ``"Téra department, Tillabéri region"`` (empty for a region).
    score : float
        100 for P-code, alias and exact matches, the rapidfuzz ratio otherwise.
    step : str
        How it was found: ``"P-code"``, ``"alias"``, ``"exact"``,
        ``"without 'Ville de'"`` or ``"fuzzy"``.
    """

    pcode: str
    name: str
    level: str
    parents: str
    score: float
    step: str

    def describe(self) -> str:
        """``"<name> (<level> <P-code>, in <parents>; <step>)"``, e.g. ``"Téra (commune NE006011005, ...; exact)"``."""
        where = f", in {self.parents}" if self.parents else ""
        how = self.step if self.step != "fuzzy" else f"fuzzy score {self.score:.0f}"
        return f"{self.name} ({self.level} {self.pcode}{where}; {how})"


def resolve(name: str, level: str | None, within: str | None = None, country: str | None = None) -> str:
    """The P-code of the admin unit called ``name``, or a clear error.

    Parameters
    ----------
    name : str
        Any spelling (e.g. ``"Tillaberi"``, ``"Tera department"``, ``"Tillaberi [Admin 2]"``);
        or a P-code of ``level``.
    level : str or None
        One of the pack's :func:`levels` (or :data:`LEVELS`' generic ``capital_subunit``).
        None searches every level: a name shared by a department and its
        commune is then ambiguous and raises.
    within : str, optional
        A parent unit, as P-code or name (tried as a region, then as a
        department): only units inside it are considered.
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    str
        The P-code, e.g. ``resolve("Tera", "department") == "NE006011"``.

    Raises
    ------
    ResolveError
        When no unit matches well enough or two units match equally well; the
        message lists the candidates with their parents.
    """
    iso3 = _iso3(country)
    candidates = match(name, level, within, iso3)
    best = [c for c in candidates if _rank(c) == _rank(candidates[0])] if candidates else []
    where = f" within {within!r}" if within else ""
    what = f"a {level}" if level else "an admin unit"
    if not best or (best[0].step == "fuzzy" and best[0].score < THRESHOLD):
        shown = "; ".join(c.describe() for c in candidates[:3]) or "none"
        raise ResolveError(
            f"cannot resolve {name!r} as {what}{where}: no name is close enough "
            f"(best: {shown}; threshold {THRESHOLD:.0f}). Check the spelling, or add a line "
            f"to {_country.get(iso3).file('aliases')} (alias,level,pcode,name,note)."
        )
    if best[0].step == "fuzzy":
        best = [c for c in candidates if c.score > best[0].score - MARGIN]
    if len({c.pcode for c in best}) > 1:
        shown = "; ".join(c.describe() for c in best)
        hint = "a level, " if level is None else ""
        raise ResolveError(
            f"{name!r} is ambiguous as {what}{where}: {shown}. Pass {hint}within= a parent "
            f"region or department, or the P-code."
        )
    return best[0].pcode


def match(name: str, level: str | None = None, within: str | None = None,
          country: str | None = None) -> list[Candidate]:
    """Every unit ``name`` could mean, best first (the evidence behind :func:`resolve`).

    Parameters
    ----------
    name : str
    level : str or None
        One of the pack's :func:`levels`, or None for all of them.
    within : str, optional
        Parent P-code or name, as in :func:`resolve`.
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    list of Candidate
        P-code, alias and exact matches first, then fuzzy matches by score; fuzzy
        matches below 60 are left out.
    """
    from rapidfuzz.fuzz import ratio

    iso3 = _iso3(country)
    levels = _check_level(level, iso3)
    parent = _parent_pcode(within, iso3) if within else ""
    cleaned = _clean(name)
    full, key = _compact(cleaned), _compact(_strip_ville(cleaned))
    if not key:
        raise ResolveError(f"cannot resolve {name!r}: the name is empty after normalisation")
    aliases = _aliases_of(iso3)
    found = []
    for lvl in levels:
        for unit in _units_of(lvl, iso3):
            if not unit["pcode"].startswith(parent):
                continue
            if name.strip().upper() == unit["pcode"]:
                step, score = "P-code", 100.0
            elif (key, lvl, unit["pcode"]) in aliases:
                step, score = "alias", 100.0
            elif full == unit["full"]:
                step, score = "exact", 100.0
            elif key == unit["key"]:
                step, score = "without 'Ville de'", 100.0
            else:
                step, score = "fuzzy", ratio(key, unit["key"])
                if score < 60:
                    continue
            found.append(Candidate(unit["pcode"], unit["name"], lvl, unit["parents"], score, step))
    return sorted(found, key=lambda c: (_rank(c), c.pcode))


def _rank(candidate: Candidate):
    return (_STEPS.index(candidate.step), -candidate.score)


def _check_level(level, iso3: str) -> tuple[str, ...]:
    """The levels to search: all of the pack's (None), or ``level`` as the pack names it."""
    known = levels(iso3)
    if level is None:
        return known
    if level == CAPITAL_SUBUNITS:  # the generic name: the pack's own slot, or its one-line error
        return (admin_index.layer(level, iso3),)
    if level not in known:
        if level in LEVELS:  # a level another pack has (communes in Burkina Faso): the pack's one-line error
            _country.get(iso3).level(level)
        raise InputError(f"unknown level {level!r}: choose one of {', '.join(known)}")
    return (level,)


def _parent_pcode(within: str, iso3: str) -> str:
    """P-code of ``within`` (a P-code, a region name or a department name)."""
    code = within.strip().upper()
    if any(unit["pcode"] == code for level in ("region", "department") for unit in _units_of(level, iso3)):
        return code
    try:
        return resolve(within, "region", country=iso3)
    except ResolveError:
        pass
    try:
        return resolve(within, "department", country=iso3)
    except ResolveError as exc:
        raise ResolveError(f"within={within!r} is neither a region nor a department: {exc}") from None


@functools.cache
def _units_of(level: str, iso3: str) -> tuple[dict, ...]:
    """Units of ``level`` of pack ``iso3`` with their match keys and a readable parent string."""
    units = []
    for record in admin_index.records(level, iso3):
        cleaned = _clean(record["name"])
        parents = ", ".join(
            f"{record[name]} {name}" for name, code in _PARENTS if record.get(code) and record[code] != record["pcode"]
        )
        units.append(
            {
                "pcode": record["pcode"],
                "name": record["name"],
                "parents": parents,
                "full": _compact(cleaned),
                "key": _compact(_strip_ville(cleaned)),
            }
        )
    return tuple(units)


def aliases_of(pcode: str, country: str | None = None) -> tuple[str, ...]:
    """Normalised aliases of the unit ``pcode`` in the alias table, sorted.

    Parameters
    ----------
    pcode : str
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    tuple of str
    """
    return tuple(sorted(alias for alias, _level, code in _aliases_of(_iso3(country)) if code == pcode))


@functools.cache
def _aliases_of(iso3: str) -> frozenset:
    """(normalised alias, level, pcode) triples from pack ``iso3``'s alias table, checked; none without one."""
    if not _country.get(iso3).has_file("aliases"):
        return frozenset()
    return frozenset(load_aliases(country=iso3))


def load_aliases(path: str | Path | None = None, country: str | None = None) -> list[tuple[str, str, str]]:
    """Read and check an alias table.

    Parameters
    ----------
    path : path-like, optional
        CSV with columns ``alias, level, pcode, name, note``; ``name`` must be
        the official name of ``pcode`` (a check against typos in the table).
        Default: the pack's ``aliases`` file.
    country : str, optional
        ISO3 code of the pack whose units the table names; default the active one.

    Returns
    -------
    list of (compact normalised alias, level, pcode)

    Raises
    ------
    InputError
        Naming the file, the line and the bad field.
    """
    iso3 = _iso3(country)
    path = Path(path) if path is not None else _country.get(iso3).file("aliases")
    try:
        # utf-8-sig: a table saved from Excel starts with a byte-order mark
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the alias table {path} (UTF-8 CSV expected): {exc}") from None
    if not {"alias", "level", "pcode", "name"} <= set(reader.fieldnames or ()):
        raise InputError(f"{path}: the header must be alias,level,pcode,name,note")
    triples = []
    for line, row in rows:
        alias, level, pcode, name = ((row[key] or "").strip() for key in ("alias", "level", "pcode", "name"))
        if not _compact(normalize(alias)):
            raise InputError(f"{path} line {line}: the alias is empty; fill it in or delete the line")
        if level not in levels(iso3):
            raise InputError(f"{path} line {line}: level {level!r} must be one of {', '.join(levels(iso3))}")
        names = {u["pcode"]: u["name"] for u in _units_of(level, iso3)}
        if pcode not in names:
            raise InputError(f"{path} line {line}: pcode {pcode!r} is not a {level} P-code")
        if _clean(name) != _clean(names[pcode]):
            raise InputError(
                f"{path} line {line}: name {name!r} is not the name of {pcode} "
                f"({names[pcode]!r}); fix the name or the P-code"
            )
        triples.append((_compact(normalize(alias)), level, pcode))
    return triples


# --- place names -> coordinates -------------------------------------------------------------

# Admin units of a commune row, as columns of the geocode table.
_UNIT_COLUMNS = {
    "region_pcode": "region_pcode",
    "region": "region",
    "department_pcode": "department_pcode",
    "department": "department",
    "commune_pcode": "pcode",
    "commune": "name",
}
# The same from a department row, in a pack that stops at departments (Burkina Faso's provinces).
_DEPARTMENT_UNIT_COLUMNS = {**_UNIT_COLUMNS, "department_pcode": "pcode", "department": "name",
                            "commune_pcode": None, "commune": None}
GEOCODE_COLUMNS = (
    ("name", "latitude", "longitude", "feature_code", "population", "score", "source", "source_id")
    + tuple(_UNIT_COLUMNS)
    + ("note",)
)
_FEATURE_RANK = {"PPLC": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3, "PPLA4": 3, "PPL": 4, "UCDP": 4}


def _feature_rank(code: str) -> int:
    """Capitals first, then other populated places and UCDP event places, then the rest."""
    return _FEATURE_RANK.get(code, 5 if code.startswith("PP") else 9)


def geocode(place: str, within: str | None = None, min_score: float = THRESHOLD, country: str | None = None):
    """Candidate locations of a place name, best first.

    Looks ``place`` up in the pack's GeoNames gazetteer (``name``,
    ``asciiname`` and ``alternatenames``, normalised) and, where the pack has
    them (its ``ucdp_places`` file), in the places named in UCDP GED events (for
    places GeoNames lacks). Exact matches only, or, when there is
    none, fuzzy matches scoring at least ``min_score``. UCDP places are left
    out when GeoNames has a populated place of that name: a UCDP description
    names several places but carries the coordinates of one event.

    Parameters
    ----------
    place : str
    within : str, optional
        Keep candidates inside this region or department (P-code or name).
    min_score : float
        Lowest fuzzy score kept when no name matches exactly.
    country : str, optional
        ISO3 code of the pack; default the active one.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GEOCODE_COLUMNS`; admin units from the coordinates (the
        pack's official COD-AB boundaries, empty outside them). Sorted by score,
        then populated places before other features (capitals first), then
        population. Empty when nothing matches.
    """
    import pandas as pd  # lazy: the locate fast path imports this module (module docstring)

    iso3 = _iso3(country)
    parent = _parent_pcode(within, iso3) if within else ""
    key = _compact(normalize(place))
    if not key:
        raise InputError(f"cannot geocode {place!r}: the name is empty after normalisation")
    names = _place_names_of(iso3)
    hits = [(i, 100.0) for i in names.index.get(key, ())]
    if not hits:
        from rapidfuzz import process
        from rapidfuzz.fuzz import ratio

        found = process.extract(key, names.keys, scorer=ratio, score_cutoff=min_score, limit=None)
        hits = [(i, score) for k, score, _ in found for i in names.index[k]]
    table = _places_of(iso3)
    rows = table.iloc[[i for i, _ in hits]].assign(score=[s for _, s in hits])
    rows = rows.sort_values("score", ascending=False).drop_duplicates("row")
    # commune P-codes start with their department's and region's, so this filters at either level
    finest = "commune_pcode" if _country.get(iso3).has_level("commune") else "department_pcode"
    rows = rows[rows[finest].fillna("").str.startswith(parent)] if parent else rows
    if rows["feature_code"].str.startswith("PP").any():
        # A UCDP description names several places but has the coordinates of one event:
        # use it only for places GeoNames has no populated place for.
        rows = rows[rows["feature_code"] != "UCDP"]
    rows = rows.assign(_rank=rows["feature_code"].map(_feature_rank)).sort_values(
        ["score", "_rank", "population", "source_id"], ascending=[False, True, False, True], kind="stable"
    )
    return pd.DataFrame(rows[list(GEOCODE_COLUMNS)]).reset_index(drop=True)


@dataclass(frozen=True)
class _PlaceNames:
    index: dict  # compact normalised name -> row numbers in _places()
    keys: list


@functools.cache
def _place_names_of(iso3: str) -> _PlaceNames:
    table = _places_of(iso3)
    index: dict = {}
    for row, names in enumerate(table["_names"]):
        for name in names:
            key = _compact(normalize(name))
            if key and row not in index.setdefault(key, []):
                index[key].append(row)
    return _PlaceNames(index, sorted(index))


@functools.cache
def _places_of(iso3: str):
    """GeoNames and UCDP places of pack ``iso3`` in one table with admin units."""
    import numpy as np
    import pandas as pd

    pack = _country.get(iso3)
    sources = [_geonames(pack), *([_ucdp_places(pack)] if pack.has_file("ucdp_places") else [])]
    table = pd.concat(sources, ignore_index=True)
    rows = admin_index.lookup(table["longitude"].to_numpy(), table["latitude"].to_numpy(), iso3)
    finest = admin_index.finest(iso3)
    units = admin_index.records(finest, iso3)
    fields = _UNIT_COLUMNS if finest == "commune" else _DEPARTMENT_UNIT_COLUMNS
    for column, field in fields.items():
        table[column] = [units[r][field] if r >= 0 and field else None for r in rows]
    table["row"] = np.arange(len(table))
    return table


def _geonames(pack):
    import pandas as pd

    raw = _read_bundled(pack.file("geonames"), "the GeoNames gazetteer")
    alternates = raw["alternatenames"].str.split(",")
    return pd.DataFrame(
        {
            "name": raw["name"],
            "latitude": raw["latitude"].astype(float),
            "longitude": raw["longitude"].astype(float),
            "feature_code": raw["feature_code"],
            "population": pd.to_numeric(raw["population"], errors="coerce").astype("Int64"),
            "source": GEONAMES_CREDIT,
            "source_id": "geonames:" + raw["geonameid"],
            "note": "",
            "_names": [[n, a, *alt] for n, a, alt in zip(raw["name"], raw["asciiname"], alternates, strict=False)],
        }
    )


def _ucdp_places(pack):
    """Places named in UCDP event descriptions: one row per 1-3 word sequence of each."""
    import pandas as pd

    raw = _read_bundled(pack.file("ucdp_places"), "the UCDP places table")
    words = raw["where_description"].map(lambda text: re.findall(r"[^\W\d_]+", text))
    places = pd.DataFrame(
        {
            "name": words.map(_ngrams),
            "latitude": raw["latitude"].astype(float),
            "longitude": raw["longitude"].astype(float),
            "feature_code": "UCDP",
            "population": pd.array([pd.NA] * len(raw), dtype="Int64"),
            "source": UCDP_CREDIT,
            "source_id": "ucdp:" + raw["ucdp_ged_id"],
            "note": raw["where_description"].str.replace(r"\s+", " ", regex=True),
        }
    ).explode("name", ignore_index=True)
    # One row per place and event: "Torodi" and "Torodi department" are the same place.
    places["_key"] = places["name"].map(lambda name: _compact(normalize(name)))
    places = places.drop_duplicates(["_key", "source_id"], ignore_index=True).drop(columns="_key")
    return places.assign(_names=places["name"].map(lambda name: [name]))


def _read_bundled(path: Path, what: str):
    """A bundled CSV as text columns (blank cells as ``""``); a clear error when it is unreadable."""
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}; reinstall geo_coi") from None


def _ngrams(words: list[str], longest: int = 3) -> list[str]:
    return [" ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)]
