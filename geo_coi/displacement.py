"""Displaced people in the country by admin unit: UNHCR statistics and the report's figures.

:func:`by_unit` sums UNHCR's sub-national ``demographics`` rows (the pack's
``displacement_locations`` file, CC BY 4.0) onto the COD-AB regions or departments.
UNHCR labels its locations ``"<name> [Admin 1]"``, ``"<name> [Admin 2]"``,
``"<name> [Admin 3: POC]"`` (since 2024) or ``"<name> region"``,
``"<name> : Capital district"`` (earlier years); each label is resolved to a
P-code with :func:`geo_coi.gazetteer.resolve` at the level its tag names.

:func:`report_figures` returns the figures the report quotes (the pack's
``displacement_report`` file).
"""

from __future__ import annotations

import functools
import re

from geo_coi import country
from geo_coi.admin_index import geometries, records
from geo_coi.errors import InputError, ResolveError
from geo_coi.gazetteer import geocode, normalize, resolve
from geo_coi.style import UNHCR_CREDIT

POP_TYPES = ("REF", "ASY", "IDP", "OOC", "RET", "RDP", "STA")
LEVELS = ("region", "department")
_TAG = re.compile(r"^(?P<name>.*?)\s*\[Admin (?P<level>[123])[^\]]*\]\s*$")
_ADMIN_LEVELS = {"1": "region", "2": "department", "3": "commune"}
# Words UNHCR appended to names before 2024 ("<name> region", "Camp <name> : Point").
_LEGACY_NOISE = re.compile(r"(:.*$|\bregion\b|\bcamp\b|\burban site\b)", re.IGNORECASE)


def by_unit(level="region", year=None, pop_types=("IDP",), before=None):
    """UNHCR population figures summed per region or department, every unit kept.

    Parameters
    ----------
    level : {"region", "department"}
        Department totals only count rows UNHCR reports at department or
        commune level; region-level rows cannot be split and are left out
        (their total is in ``attrs["unallocated"]``).
    year : int, optional
        Defaults to the latest year in the file or, with ``before``, the
        latest year whose end-of-year figures predate ``before``.
    before : datetime.date, optional
        The report's date: a July 2025 report gets the end-2024 figures, not a later release.
    pop_types : sequence of str
        UNHCR population types to add up: ``"IDP"``, ``"REF"`` (refugees),
        ``"ASY"`` (asylum-seekers), ``"OOC"``, ...

    Returns
    -------
    geopandas.GeoDataFrame
        ``pcode``, ``name``, ``region``, ``value`` (float; NaN where UNHCR
        reports nothing for the unit), ``geometry`` (EPSG:4326), sorted by
        P-code. ``attrs``: ``year``, ``pop_types``, ``source``, ``credit``,
        ``unallocated`` (persons that could not be placed at this level) and
        ``unresolved`` (location labels that matched no unit).
    """
    import geopandas as gpd


    if level not in LEVELS:
        raise InputError(f"displacement level {level!r} is not supported: use one of {', '.join(LEVELS)}")
    unknown = sorted(set(pop_types) - set(POP_TYPES))
    if unknown:
        raise InputError(f"unknown UNHCR pop_type(s) {', '.join(unknown)}: use {', '.join(POP_TYPES)}")
    table = _unhcr_table()
    source = country.get().file("displacement_locations").name
    if year is None:
        years = table["year"] if before is None else table.loc[table["year"] < before.year, "year"]
        if years.empty:
            raise InputError(f"{source}: no end-of-year figures before {before}")
        year = int(years.max())
    year = int(year)
    rows = table[(table["year"] == year) & table["pop_type"].isin(pop_types)]
    if rows.empty:
        raise InputError(f"{source}: no rows for year {year} and pop_type {', '.join(pop_types)}")
    totals = rows.groupby("location", sort=True)["total"].sum()
    values, unallocated, unresolved = _allocate(totals, level)
    units = records(level)
    frame = gpd.GeoDataFrame(
        {
            "pcode": [u["pcode"] for u in units],
            "name": [u["name"] for u in units],
            "region": [u.get("region", u["name"]) for u in units],
            "value": [values.get(u["pcode"], float("nan")) for u in units],
        },
        geometry=list(geometries(level)),
        crs=4326,
    )
    frame.attrs.update(
        year=year,
        pop_types=tuple(pop_types),
        source=f"UNHCR Refugee Population Statistics Database, {source}",
        credit=UNHCR_CREDIT,
        unallocated=unallocated,
        unresolved=unresolved,
    )
    return frame


def report_figures():
    """The displacement figures the report quotes (the pack's ``displacement_report`` file).

    Returns
    -------
    pandas.DataFrame
        ``population`` (``IDP`` or ``REF+ASY``), ``region`` (a region name or
        the country's name for the national total), ``region_pcode`` (the
        country's P-code, its ISO2 code, for the total), ``value`` (int), ``as_of`` and ``source``.
    """
    import pandas as pd

    path = country.get().file("displacement_report")
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype={"value": "int64", "as_of": str})
    frame.insert(2, "region_pcode", [_pcode_or_country(name, str(path), i) for i, name in enumerate(frame["region"])])
    return frame


def parse_location(label: str) -> tuple[str, str | None]:
    """Split a UNHCR location label into (name, level).

    ``"Ayerou [Admin 2]"`` -> ``("Ayerou", "department")``; labels without a
    tag (before 2024) give the cleaned name and ``None``.
    """
    match = _TAG.match(label)
    if match:
        return match["name"].strip(), _ADMIN_LEVELS[match["level"]]
    return " ".join(_LEGACY_NOISE.sub(" ", label).split()), None


@functools.cache
def _unhcr_table():
    import pandas as pd

    path = country.get().file("displacement_locations")
    with path.open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle, usecols=["year", "pop_type", "location", "total"])
    frame["total"] = frame["total"].fillna(0.0)
    return frame


def _allocate(totals, level: str):
    """Add each location's total to the unit of ``level`` that contains it."""
    values, unallocated, unresolved = {}, 0.0, []
    for label, total in totals.items():
        unit = _unit_of(label)
        if unit is None:
            unresolved.append(label)
            unallocated += float(total)
            continue
        pcode = unit.get(f"{level}_pcode") if unit["level"] != level else unit["pcode"]
        if pcode is None:  # a region-level figure asked for at department level
            unallocated += float(total)
            continue
        values[pcode] = values.get(pcode, 0.0) + float(total)
    return values, unallocated, unresolved


@functools.cache
def _unit_of(label: str) -> dict | None:
    """The COD-AB unit a UNHCR location label names, with its parents' P-codes."""
    name, level = parse_location(label)
    for candidate in (level,) if level else ("region", "department", "commune"):
        try:
            pcode = resolve(name, candidate)
        except ResolveError:
            continue
        record = next(r for r in records(candidate) if r["pcode"] == pcode)
        return {**record, "level": candidate, f"{candidate}_pcode": pcode}
    if level == "commune":  # an "[Admin 3: POC]" site named after a village, not a commune
        return _site(name)
    return None


def _site(name: str) -> dict | None:
    """The commune holding a place, when exactly one gazetteer entry has that very name."""
    candidates = geocode(name)
    exact = candidates[candidates["name"].map(normalize) == normalize(name)]
    if len(exact) != 1 or not isinstance(exact["commune_pcode"].iloc[0], str):
        return None
    row = exact.iloc[0]
    return {"pcode": row["commune_pcode"], "name": row["commune"], "level": "commune",
            "commune_pcode": row["commune_pcode"], "department_pcode": row["department_pcode"],
            "region_pcode": row["region_pcode"]}


def _pcode_or_country(name: str, path: str, row: int) -> str:
    from geo_coi.gazetteer import resolve

    pack = country.get()
    if name in set(pack.names.values()):
        return pack.iso2
    try:
        return resolve(name, "region")
    except ResolveError as exc:
        raise ResolveError(f"{path}, row {row + 2}, column region: {exc}") from None
