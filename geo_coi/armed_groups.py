"""Where armed groups operate: from the report's list of departments, or from the events.

Two sources, two functions:

- :func:`areas_of_operation` reads the country pack's ``areas_of_operation`` file
  (a TOML file: the report's
  Kaart 2 and 3, departments per group, spelled as the report spells them) and
  dissolves the COD-AB departments of each group into one shape.
- :func:`areas_from_events` derives the same kind of shape from an event table:
  the departments where an actor took part in at least one event.

Both return one row per group, in EPSG:4326, ready for
:func:`geo_coi.maps.armed_groups_map.armed_groups_map`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from geo_coi import country
from geo_coi.admin_index import commune_table, geometries, lookup, records
from geo_coi.errors import InputError, ResolveError
from geo_coi.events import lonlat
from geo_coi.gazetteer import resolve

ACTOR_COLUMNS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2")
OUTPUT_COLUMNS = ("group", "region", "departments", "department_pcodes", "geometry")


def default_path() -> Path:
    """The bundled areas-of-operation file."""
    return country.get().file("areas_of_operation")


def areas_of_operation(path=None):
    """Areas of operation per armed group, one dissolved shape per group.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file shaped like the pack's ``areas_of_operation`` file:
        ``[groups."NAME"]`` tables with one key per region holding a list of
        department names. Defaults to the active pack's file.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``group``, ``region`` (regions joined by ``"; "``),
        ``departments`` and ``department_pcodes`` (COD-AB names and P-codes,
        joined by ``"; "``), ``geometry`` (EPSG:4326), in file order.
        ``attrs["credit"]`` holds the file's ``[source].credit``,
        ``attrs["situation_year"]`` and ``attrs["primary_sources"]`` its
        ``[source].situation_year`` and ``primary_sources`` (None / "" when absent).

    Raises
    ------
    InputError
        The file is missing, not valid TOML or has no ``[groups]`` table.
    ResolveError
        A region or department name cannot be matched to one COD-AB unit; the
        message names the file, group and name.
    """
    path = Path(path) if path is not None else default_path()
    config = _read_toml(path)
    rows = []
    for group, regions in config["groups"].items():
        if not isinstance(regions, dict):
            raise InputError(f"{path}: [groups.{group!r}] must be a table of region = [departments]")
        pcodes = _resolve_group(path, group, regions)
        rows.append({"group": group, "region": "; ".join(_region_names(pcodes)), "pcodes": pcodes})
    frame = _dissolve(rows)
    source = config.get("source", {})
    frame.attrs["credit"] = source.get("credit", "")
    frame.attrs["situation_year"] = source.get("situation_year")
    frame.attrs["primary_sources"] = source.get("primary_sources", "")
    frame.attrs["source_file"] = str(path)
    return frame


def areas_from_events(events, actors=None, top=6):
    """Departments where each actor took part in at least one event, dissolved per actor.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Canonical events (see :mod:`geo_coi.events`), already filtered to the
        period wanted. ``department_pcode`` is used when present (after
        :func:`geo_coi.join.join_admin`), else looked up from the coordinates.
    actors : sequence of str, optional
        Actor names as they appear in the actor columns (matched exactly,
        ignoring case). Default: the ``top`` actors with most events.
    top : int
        How many actors to take when ``actors`` is not given.

    Returns
    -------
    geopandas.GeoDataFrame
        ``group``, ``region``, ``departments``, ``department_pcodes``,
        ``incidents``, ``fatalities``, ``geometry``; one row per actor that
        has at least one located event, in the order of ``actors``.
    """
    import pandas as pd

    missing = [c for c in ("actor1", "actor2", "fatalities") if c not in events]
    if missing:
        raise InputError(f"events table lacks column(s) {', '.join(missing)}: read it with geo_coi.sources.read_events")
    frame = pd.DataFrame(
        {
            "department_pcode": _department_pcodes(events),
            "fatalities": events["fatalities"].fillna(0).astype(int).to_numpy(),
        }
    )
    columns = [c for c in ACTOR_COLUMNS if c in events]
    names = events[columns].fillna("").astype(str)
    if actors is None:
        actors = _top_actors(names, top)
    rows = []
    for actor in actors:
        hit = (names.apply(lambda col, a=actor: col.str.casefold() == a.casefold())).any(axis=1).to_numpy()
        located = frame[hit & frame["department_pcode"].notna().to_numpy()]
        if located.empty:
            continue
        pcodes = sorted(set(located["department_pcode"]))
        rows.append(
            {
                "group": actor,
                "region": "; ".join(_region_names(pcodes)),
                "pcodes": pcodes,
                "incidents": int(hit.sum()),
                "fatalities": int(frame.loc[hit, "fatalities"].sum()),
            }
        )
    return _dissolve(rows)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"areas-of-operation file {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML: {exc}") from None
    if not isinstance(config.get("groups"), dict) or not config["groups"]:
        raise InputError(f"{path}: no [groups.\"NAME\"] tables found; see the country pack's areas_of_operation file")
    return config


def _resolve_group(path: Path, group: str, regions: dict) -> list[str]:
    pcodes = []
    for region, departments in regions.items():
        if region == "notes":
            continue
        if not isinstance(departments, list):
            raise InputError(f"{path}: group {group!r}, region {region!r} must be a list of department names")
        try:
            region_pcode = resolve(region, "region")
            pcodes += [resolve(name, "department", within=region_pcode) for name in departments]
        except ResolveError as exc:
            raise ResolveError(f"{path}: group {group!r}, region {region!r}: {exc}") from None
    return sorted(set(pcodes))


def _region_names(department_pcodes) -> list[str]:
    regions = {r["pcode"]: r["region"] for r in records("department")}
    return sorted({regions[p] for p in department_pcodes})


def _department_pcodes(events):
    """Department P-code per event (None outside the country)."""
    import numpy as np

    if "department_pcode" in events:
        return events["department_pcode"].astype(object).where(events["department_pcode"].notna(), None).to_numpy()

    rows = lookup(*lonlat(events))
    table = commune_table()["department_pcode"].to_numpy()
    return np.where(rows >= 0, table[np.maximum(rows, 0)], None)


def _top_actors(names, top: int) -> list[str]:
    """The ``top`` most frequent actor names (ties broken alphabetically), governments excluded."""
    counts: dict[str, int] = {}
    for row in names.itertuples(index=False):
        for actor in {v for v in row if v}:
            counts[actor] = counts.get(actor, 0) + 1
    ranked = sorted((a for a in counts if not _is_state_or_civilian(a)), key=lambda a: (-counts[a], a))
    return ranked[:top]


def _is_state_or_civilian(actor: str) -> bool:
    lowered = actor.casefold()
    return lowered.startswith(("government of", "military forces", "police forces", "civilians"))


def _dissolve(rows: list[dict]):
    import geopandas as gpd
    import shapely


    units = records("department")
    shapes = dict(zip((r["pcode"] for r in units), geometries("department"), strict=False))
    names = {r["pcode"]: r["name"] for r in units}
    out = []
    for row in rows:
        pcodes = row.pop("pcodes")
        row["departments"] = "; ".join(names[p] for p in pcodes)
        row["department_pcodes"] = "; ".join(pcodes)
        row["geometry"] = shapely.union_all([shapes[p] for p in pcodes])
        out.append(row)
    columns = list(OUTPUT_COLUMNS[:-1]) + [c for c in ("incidents", "fatalities") if out and c in out[0]]
    frame = gpd.GeoDataFrame(out, columns=columns + ["geometry"], geometry="geometry", crs=4326)
    return frame
