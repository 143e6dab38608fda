"""Names -> P-codes, and place names -> coordinates.

Every source spells Niger's places its own way (ACLED ``Tillaberi``, UNHCR
``Tillabéry`` and ``Tillaberi [Admin 2]``, UCDP ``Tera department``, the
report ``Ouallem``); the official COD-AB names are ``Tillabéri``, ``Téra``,
``Ouallam``. :func:`resolve` maps any of them to one P-code, in this order:

1. the alias table of the country pack (``geo_coi/countries/<iso3>/aliases.csv``) (data: add a line to teach it
   a new spelling; columns ``alias, level, pcode, name, note``);
2. an exact match of the normalised name (see :func:`normalize`);
3. the same after dropping a leading "Ville de" (``Niamey`` -> ``Ville de
   Niamey`` at department level, but ``Tahoua`` stays the department Tahoua,
   not ``Ville de Tahoua``);
4. fuzzy matching (rapidfuzz ``ratio`` on the normalised names) with a score
   of at least :data:`THRESHOLD` and a lead of at least :data:`MARGIN` points
   over the next unit.

It never guesses: two units found by the same step (a department and a
commune called ``Téra``; the communes ``Tibiri`` in Dosso and in Maradi), or
no unit good enough, raise :class:`~geo_coi.errors.ResolveError` listing the
candidates with their parents.

:func:`geocode` looks a place up in the GeoNames Niger gazetteer (CC BY 4.0)
and in the places named by UCDP GED 2024 events (Petel Kolé, Eknewane, Séno,
which GeoNames 2014 lacks), and gives each candidate its admin units.

Only :func:`geocode` needs pandas; it is imported inside it so that
``geo-coi locate`` starts fast.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from geo_coi import country
from geo_coi.errors import InputError, ResolveError

LEVELS = ("region", "department", "commune", "niamey_arrondissement")  # Niger's; a pack's own: levels()
THRESHOLD = 85.0
"""Lowest fuzzy score accepted. ``Tilléberi`` -> ``Tillabéri`` scores 89,
``Ouallem`` -> ``Ouallam`` 86, while a one-letter change in a five-letter name
(``Dosso``/``Bosso``) scores 80 and is refused."""
MARGIN = 5.0
"""A fuzzy winner must lead the next unit by this many points."""

GEONAMES_CREDIT = "Place names: GeoNames (CC BY 4.0)"
UCDP_CREDIT = "UCDP GED 25.1 (CC BY 4.0)"

_ADMIN_TAG = re.compile(r"\[\s*admin[^\]]*\]")  # UNHCR "Tillaberi [Admin 2]", "[Admin 3: PRP]"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PREFIXES = (
    "commune urbaine de ",
    "commune rurale de ",
    "commune de ",
    "departement de ",
    "region de ",
    "arrondissement communal ",
)
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
    "commune", "municipality" dropped at the start or end, and a final
    number 1-5 written in Roman numerals (``Niamey 1`` -> ``niamey i``).
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
    for prefix in _PREFIXES:
        if text.startswith(" " + prefix):
            text = text[len(prefix) :]
    for suffix in _SUFFIXES:
        if text.endswith(suffix + " "):
            text = text[: -len(suffix)]
    words = text.split()
    if len(words) > 1 and words[-1] in _ROMAN:
        words[-1] = _ROMAN[words[-1]]
    return " ".join(words)


def display_name(name: str) -> str:
    """The one spelling every map prints for a place or unit name.

    COD-AB's spelling (``Birni Nkonni`` -> ``Birni N'Konni``, ``Nguigmi`` ->
    ``N'Guigmi``), except where the report spells the place otherwise: those
    spellings are in the pack's ``place_names.csv`` (``Ayerou`` -> ``Ayorou``),
    with their source. A name matching neither comes back unchanged.

    Parameters
    ----------
    name : str
        Any spelling: COD-AB, Natural Earth, ACLED.

    Returns
    -------
    str
    """
    key = _compact(_clean(name))
    return _display_names().get(key, name)


def levels(iso3: str | None = None) -> tuple[str, ...]:
    """The unit levels names resolve to in a pack: its admin levels below the country, then its capital's sub-units.

    Niger: :data:`LEVELS`; Burkina Faso: ``region``, ``department`` (no communes); Mali adds ``capital_commune``.
    """
    from geo_coi.admin_index import levels as layers

    return tuple(level for level in layers(iso3) if level != "country")


def _display_names() -> dict[str, str]:
    return _display_names_of(_active())


@functools.cache
def _display_names_of(iso3: str) -> dict[str, str]:
    """Compact key -> display spelling: COD-AB names (coarsest level first), then the report's table."""
    names = {}
    for level in levels(iso3):
        for unit in _units_of(level, iso3):
            names.setdefault(unit["full"], unit["name"])
    with country.get(iso3).file("place_names").open(encoding="utf-8", newline="") as handle:
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
        """``"Téra (commune NE006011005, in Téra department, Tillabéri region; exact)"``."""
        where = f", in {self.parents}" if self.parents else ""
        how = self.step if self.step != "fuzzy" else f"fuzzy score {self.score:.0f}"
        return f"{self.name} ({self.level} {self.pcode}{where}; {how})"


def resolve(name: str, level: str | None, within: str | None = None) -> str:
    """The P-code of the admin unit called ``name``, or a clear error.

    Parameters
    ----------
    name : str
        Any spelling: ``"Tillaberi"``, ``"Tillabéry"``, ``"Tera department"``,
        ``"Tillaberi [Admin 2]"``, ``"Birni Nkonni"``; or a P-code of ``level``.
    level : {"region", "department", "commune", "niamey_arrondissement"} or None
        None searches every level: a name shared by a department and its
        commune (``Téra``) is then ambiguous and raises.
    within : str, optional
        A parent unit, as P-code (``"NE006"``) or name (tried as a region,
        then as a department): only units inside it are considered.

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
    candidates = match(name, level, within)
    best = [c for c in candidates if _rank(c) == _rank(candidates[0])] if candidates else []
    where = f" within {within!r}" if within else ""
    what = f"a {level}" if level else "an admin unit"
    if not best or (best[0].step == "fuzzy" and best[0].score < THRESHOLD):
        shown = "; ".join(c.describe() for c in candidates[:3]) or "none"
        raise ResolveError(
            f"cannot resolve {name!r} as {what}{where}: no name is close enough "
            f"(best: {shown}; threshold {THRESHOLD:.0f}). Check the spelling, or add a line "
            f"to {country.get().file('aliases')} (alias,level,pcode,name,note)."
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


def match(name: str, level: str | None = None, within: str | None = None) -> list[Candidate]:
    """Every unit ``name`` could mean, best first (the evidence behind :func:`resolve`).

    Parameters
    ----------
    name : str
    level : str or None
        One of the pack's :func:`levels`, or None for all of them.
    within : str, optional
        Parent P-code or name, as in :func:`resolve`.

    Returns
    -------
    list of Candidate
        P-code, alias and exact matches first, then fuzzy matches by score; fuzzy
        matches below 60 are left out.
    """
    from rapidfuzz.fuzz import ratio

    levels = _check_level(level)
    parent = _parent_pcode(within) if within else ""
    cleaned = _clean(name)
    full, key = _compact(cleaned), _compact(_strip_ville(cleaned))
    if not key:
        raise ResolveError(f"cannot resolve {name!r}: the name is empty after normalisation")
    aliases = _aliases()
    found = []
    for lvl in levels:
        for unit in _units(lvl):
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


def _check_level(level):
    known = levels()
    if level is None:
        return known
    if level not in known:
        if level in LEVELS:  # a level another pack has (communes in Burkina Faso): the pack's one-line error
            country.active().level(level)
        raise InputError(f"unknown level {level!r}: choose one of {', '.join(known)}")
    return (level,)


def _parent_pcode(within: str) -> str:
    """P-code of ``within`` (a P-code, a region name or a department name)."""
    code = within.strip().upper()
    if any(unit["pcode"] == code for level in ("region", "department") for unit in _units(level)):
        return code
    try:
        return resolve(within, "region")
    except ResolveError:
        pass
    try:
        return resolve(within, "department")
    except ResolveError as exc:
        raise ResolveError(f"within={within!r} is neither a region nor a department: {exc}") from None


def _units(level: str) -> tuple[dict, ...]:
    """Units of ``level`` of the active pack with their match keys and a readable parent string."""
    return _units_of(level, _active())


def _active() -> str:
    from geo_coi import country

    return country.active().iso3


@functools.cache
def _units_of(level: str, iso3: str) -> tuple[dict, ...]:  # noqa: ARG001 (iso3 keys the cache)
    from geo_coi.admin_index import records

    units = []
    for record in records(level):
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


def aliases_of(pcode: str) -> tuple[str, ...]:
    """Normalised aliases of the unit ``pcode`` in the alias table, sorted.

    Parameters
    ----------
    pcode : str

    Returns
    -------
    tuple of str
    """
    return tuple(sorted(alias for alias, _level, code in _aliases() if code == pcode))


def _aliases() -> frozenset:
    """(normalised alias, level, pcode) triples from the active pack's alias table, checked."""
    return _aliases_of(_active())


@functools.cache
def _aliases_of(iso3: str) -> frozenset:
    # h12-annex: the bundled table is the default pack's (Niger's); another pack has none until its own
    # gazetteer/aliases.csv is bundled
    from geo_coi import country

    own = country.get(iso3).path("gazetteer/aliases.csv")
    if own.is_file():
        return frozenset(load_aliases(own))
    return frozenset(load_aliases()) if iso3 == country.DEFAULT else frozenset()


def load_aliases(path: str | Path | None = None) -> list[tuple[str, str, str]]:
    """Read and check an alias table.

    Parameters
    ----------
    path : path-like, optional
        CSV with columns ``alias, level, pcode, name, note``; ``name`` must be
        the official name of ``pcode`` (a check against typos in the table).
        Default: the active country pack's ``aliases`` file.

    Returns
    -------
    list of (compact normalised alias, level, pcode)

    Raises
    ------
    InputError
        Naming the file, the line and the bad field.
    """
    path = Path(path) if path is not None else country.get().file("aliases")
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
        if level not in levels():
            raise InputError(f"{path} line {line}: level {level!r} must be one of {', '.join(levels())}")
        names = {u["pcode"]: u["name"] for u in _units(level)}
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


def geocode(place: str, within: str | None = None, min_score: float = THRESHOLD):
    """Candidate locations of a place name, best first.

    Looks ``place`` up in the GeoNames Niger gazetteer (``name``,
    ``asciiname`` and ``alternatenames``, normalised) and in the places named
    in UCDP GED 25.1 events of 2024 (for places GeoNames 2014 lacks: Petel
    Kolé, Eknewane, Séno in Niamey). Exact matches only, or, when there is
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

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GEOCODE_COLUMNS`; admin units from the coordinates (the
        official COD-AB 2023 boundaries, empty outside them). Sorted by score,
        then populated places before other features (capitals first), then
        population. Empty when nothing matches.
    """
    import pandas as pd

    parent = _parent_pcode(within) if within else ""
    key = _compact(normalize(place))
    if not key:
        raise InputError(f"cannot geocode {place!r}: the name is empty after normalisation")
    names = _place_names()
    hits = [(i, 100.0) for i in names.index.get(key, ())]
    if not hits:
        from rapidfuzz import process
        from rapidfuzz.fuzz import ratio

        found = process.extract(key, names.keys, scorer=ratio, score_cutoff=min_score, limit=None)
        hits = [(i, score) for k, score, _ in found for i in names.index[k]]
    table = _places()
    rows = table.iloc[[i for i, _ in hits]].assign(score=[s for _, s in hits])
    rows = rows.sort_values("score", ascending=False).drop_duplicates("row")
    # commune P-codes start with their department's and region's, so this filters at either level
    finest = "commune_pcode" if country.active().has_level("commune") else "department_pcode"
    rows = rows[rows[finest].fillna("").str.startswith(parent)] if parent else rows
    if rows["feature_code"].str.startswith("PP").any():
        # A UCDP description names several places but has the coordinates of one event:
        # use it only for places GeoNames has no populated place for (Petel Kolé, Séno).
        rows = rows[rows["feature_code"] != "UCDP"]
    rows = rows.assign(_rank=rows["feature_code"].map(_feature_rank)).sort_values(
        ["score", "_rank", "population", "source_id"], ascending=[False, True, False, True], kind="stable"
    )
    return pd.DataFrame(rows[list(GEOCODE_COLUMNS)]).reset_index(drop=True)


@dataclass(frozen=True)
class _PlaceNames:
    index: dict  # compact normalised name -> row numbers in _places()
    keys: list


def _place_names() -> _PlaceNames:
    return _place_names_of(_active())


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


def _places():
    """GeoNames and UCDP places of the active pack in one table with admin units (cached per pack)."""
    return _places_of(_active())


@functools.cache
def _places_of(iso3: str):
    import numpy as np
    import pandas as pd

    from geo_coi.admin_index import finest, lookup, records

    pack = country.get(iso3)
    with country.use(iso3):
        table = pd.concat([_geonames(), *([_ucdp_places()] if pack.has_file("ucdp_places") else [])],
                          ignore_index=True)
        rows = lookup(table["longitude"].to_numpy(), table["latitude"].to_numpy())
        units = records(finest())
    fields = _UNIT_COLUMNS if finest(iso3) == "commune" else _DEPARTMENT_UNIT_COLUMNS
    for column, field in fields.items():
        table[column] = [units[r][field] if r >= 0 and field else None for r in rows]
    table["row"] = np.arange(len(table))
    return table


def _geonames():
    import pandas as pd

    raw = _read_bundled(country.get().file("geonames"), "the GeoNames gazetteer")
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


def _ucdp_places():
    """Places named in UCDP event descriptions: one row per 1-3 word sequence of each."""
    import pandas as pd

    raw = _read_bundled(country.get().file("ucdp_places"), "the UCDP places table")
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
