"""Earlier boundary vintages of a pack: the unit names sources still use after a reform.

Sources keep writing the names of older boundaries: ACLED gives some events
their department from before a reform (e.g. Niger's 2011 reform split 36 departments into
63), and ACLED and UCDP carry Burkina Faso's 2020 régions and provinces
(13/45) next to the 2025 ones (17/47). The agreement report
(:func:`geo_coi.join.agreement`) counts such a name as a "boundary vintage"
difference, not a disagreement, when it is the old name of the unit the
coordinates give.

Each vintage is a ``[vintages.<name>]`` table of the pack's ``country.toml``::

    [vintages.igb_2020]
    reform = "2025 reform"                      # printed in the report
    crosswalk = "boundaries/bfa_adm3_crosswalk_igb20200323_to_v03_20250801.csv"
    [vintages.igb_2020.columns]
    region = { pcode = "adm1_pcode_2025", old_name = "ADM1_FR_2020" }
    department = { pcode = "adm2_pcode_2025", old_name = "ADM2_FR_2020" }

``columns`` names, per level slot, the crosswalk column holding the current
P-code (``pcode``), the one holding the old name (``old_name``) and,
optionally, the one holding the P-code of today's unit that carries the old
name (``old_name_pcode``: e.g. Niger's pre-2011 parents are mostly departments of
today). A vintage without ``columns`` (or without ``reform``) is not used here.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from geo_coi import country
from geo_coi.errors import ConfigError
from geo_coi.gazetteer import normalize


@dataclass(frozen=True)
class OldName:
    """One earlier name of a current unit."""

    key: str  # normalised (geo_coi.gazetteer.normalize), as compared
    name: str
    name_pcode: str  # today's unit carrying the old name, "" when none / not given
    reform: str  # e.g. "2025 reform"


def old_names(slot: str, iso3: str | None = None) -> dict[str, tuple[OldName, ...]]:
    """Current P-code -> its earlier names at level ``slot`` (``region``, ``department`` ...).

    Parameters
    ----------
    slot : str
        A level slot of the pack.
    iso3 : str, optional
        The pack; default the active one.

    Returns
    -------
    dict
        Empty when no vintage of the pack covers that level.

    Raises
    ------
    ConfigError
        A crosswalk named in ``country.toml`` is missing or lacks a column it names.
    """
    return _old_names(country.get(iso3).iso3, slot)


def known(slot: str, iso3: str | None = None) -> dict[str, str]:
    """Normalised earlier name -> reform, for every earlier name at level ``slot`` (any unit)."""
    return {old.key: old.reform for olds in old_names(slot, iso3).values() for old in olds}


@functools.cache
def _old_names(iso3: str, slot: str) -> dict[str, tuple[OldName, ...]]:
    pack = country.get(iso3)
    found: dict[str, dict[str, OldName]] = {}
    for name, vintage in sorted(pack.settings.get("vintages", {}).items()):
        columns = vintage.get("columns", {}).get(slot)
        if not columns or "reform" not in vintage:
            continue
        for row in _rows(pack, name, vintage["crosswalk"], columns):
            old = row[columns["old_name"]].strip()
            if not old:
                continue
            entry = OldName(normalize(old), old, row.get(columns.get("old_name_pcode", ""), "") or "",
                            vintage["reform"])
            found.setdefault(row[columns["pcode"]], {}).setdefault(entry.key, entry)
    return {pcode: tuple(entries.values()) for pcode, entries in found.items()}


def _rows(pack, name: str, relative: str, columns: dict) -> list[dict]:
    path = pack.path(relative)
    where = f"{pack.folder.name}/country.toml [vintages.{name}]"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise ConfigError(f"{where}: cannot read the crosswalk {relative}: {error}") from None
    header = set(rows[0]) if rows else set()
    missing = [c for c in columns.values() if c not in header]
    if missing:
        raise ConfigError(f"{where}: the crosswalk {relative} has no column {missing[0]!r}; "
                          f"its columns are {', '.join(sorted(header))}")
    return rows
