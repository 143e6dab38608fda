"""Write the population tables of the Burkina Faso and Mali packs from their COD-PS sources.

Reads only files inside the packs (``geo_coi/countries/<iso3>/population/source/`` and the
pack's boundaries) and writes ``<iso3>_population_adm<n>_<year>.csv`` beside them, the
columns ``geo_coi.indicators`` reads: ``adm<n>_pcode, adm<n>_name, population, year,
population_female, population_male``. Names are the COD-AB names of the pack. Rerun after
changing a source; the output is deterministic. What is derived and how is in each
``population/PROVENANCE.md``.

    python scripts/pack_populations.py
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from geo_coi import boundaries

PACKS = Path(__file__).resolve().parent.parent / "geo_coi" / "countries"
COLUMNS = ("pcode", "name", "population", "year", "population_female", "population_male")


def main() -> None:
    """Write both packs' tables."""
    _write("bfa", 1, _bfa_regions())
    _write("bfa", 2, _bfa_provinces())
    regions, cercles = _mli()
    _write("mli", 1, regions)
    _write("mli", 2, cercles)


def _rows(iso: str, name: str) -> list[dict]:
    with (PACKS / iso / "population" / "source" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(iso: str, layer: str) -> dict[str, str]:
    table = boundaries.load(layer, iso.upper())
    return dict(zip(table["pcode"], table["name"], strict=False))


def _bfa_regions() -> list[tuple]:
    """The 17 régions of 2025: the source's derived regrouping of the 45 provinces of 2020."""
    return [(r["adm1_pcode_2025"], int(r["T_TL"]), int(r["year"]), int(r["F_TL"]), int(r["M_TL"]))
            for r in _rows("bfa", "bfa_pop2023_by_2025_regions_derived.csv")]


def _bfa_provinces() -> list[tuple]:
    """2025 provinces that are exactly one 2020 province (same communes both ways)."""
    crosswalk = PACKS / "bfa" / "boundaries" / "bfa_adm3_crosswalk_igb20200323_to_v03_20250801.csv"
    with crosswalk.open(encoding="utf-8", newline="") as handle:
        pairs = {(r["ADM2_PCODE_2020"], r["adm2_pcode_2025"]) for r in csv.DictReader(handle)}
    new_of, old_of = defaultdict(set), defaultdict(set)
    for old, new in pairs:
        new_of[old].add(new)
        old_of[new].add(old)
    rows = []
    for r in _rows("bfa", "bfa_admpop_adm2_2023_5yr.csv"):
        targets = new_of.get(r["ADM2_PCODE"], set())
        if len(targets) == 1 and old_of[next(iter(targets))] == {r["ADM2_PCODE"]}:
            rows.append((next(iter(targets)), int(r["T_TL"]), int(r["year"]), int(r["F_TL"]), int(r["M_TL"])))
    return rows


def _mli() -> tuple[list[tuple], list[tuple]]:
    """Régions and cercles of the 2021 COD-AB; Ménaka (ML10) is the 2018 cercle ML0704, taken out of Gao."""
    year = 2018
    cercles = {r["admin2Pcode"]: (int(r["T_TL"]), int(r["F_TL"]), int(r["M_TL"]))
               for r in _rows("mli", "mli_pop_adm2_v2.csv")}
    menaka = cercles.pop("ML0704")
    regions = []
    for r in _rows("mli", "mli_pop_adm1_v2.csv"):
        total, female, male = int(r["T_TL"]), int(r["F_TL"]), int(r["M_TL"])
        if r["admin1Pcode"] == "ML07":
            total, female, male = total - menaka[0], female - menaka[1], male - menaka[2]
        regions.append((r["admin1Pcode"], total, year, female, male))
    regions.append(("ML10", menaka[0], year, menaka[1], menaka[2]))
    known = _names("mli", "adm2")
    return regions, [(p, t, year, f, m) for p, (t, f, m) in cercles.items() if p in known]


def _write(iso: str, adm: int, rows: list[tuple]) -> None:
    names = _names(iso, f"adm{adm}")
    missing = sorted({row[0] for row in rows} - set(names))
    if missing:
        raise SystemExit(f"{iso} adm{adm}: P-codes not in the pack's boundaries: {missing}")
    year = rows[0][2]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"adm{adm}_pcode", f"adm{adm}_name", *COLUMNS[2:]])
    for pcode, total, row_year, female, male in sorted(rows):
        writer.writerow([pcode, names[pcode], total, row_year, female, male])
    out = PACKS / iso / "population" / f"{iso}_population_adm{adm}_{year}.csv"
    out.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"{out.relative_to(PACKS.parent.parent)}: {len(rows)} of {len(names)} units, "
          f"{sum(r[1] for r in rows):,} people")


if __name__ == "__main__":
    main()
