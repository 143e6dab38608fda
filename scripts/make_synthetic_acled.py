#!/usr/bin/env python
"""Write the SYNTHETIC ACLED-schema demonstration dataset for Niger.

ACLED's terms forbid redistributing its data, so geo_coi ships invented events
in ACLED's current 31-column export schema, calibrated to the figures the COI
Focus "NIGER. Veiligheidssituatie" (11 July 2025) publishes. The targets, the
named incidents and every other choice live in
``geo_coi/data/demo/calibration_targets.toml``; this script only turns them
into rows, with a fixed random seed, so re-running it reproduces the file byte
for byte::

    python scripts/make_synthetic_acled.py            # rewrite the bundled file
    python scripts/make_synthetic_acled.py --out x.csv

Every row says it is synthetic: ``source`` is
``"SYNTHETIC: geo_coi demonstration data, not ACLED"`` and ``notes`` start with
``"SYNTHETIC"``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from geo_coi import admin_index
from geo_coi.boundaries import ascii_name, load
from geo_coi.crs import EQUAL_AREA
from geo_coi.errors import InputError

DEMO_DIR = Path(__file__).resolve().parent.parent / "geo_coi" / "data" / "demo"
TARGETS = DEMO_DIR / "calibration_targets.toml"
OUTPUT = DEMO_DIR / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
SOURCE = "SYNTHETIC: geo_coi demonstration data, not ACLED"
COLUMNS = (
    "event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
    "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region "
    "country admin1 admin2 admin3 location latitude longitude geo_precision source source_scale "
    "notes fatalities tags timestamp"
).split()
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
POLITICAL_VIOLENCE = ("Battles", "Explosions/Remote violence", "Violence against civilians")
STATE_FORCES = ("MIL", "POL")
COUP_DAY = dt.date(2023, 7, 26)
SOURCE_SCALES = ("National", "Subnational", "Local partner-National", "National-International", "Other")
OUTSIDE_KM = (1.0, 7.0)


@dataclass
class Event:
    """One synthetic event while it is being built."""

    cell: dict
    group: int
    date: dt.date | None = None
    actor: str | None = None
    actor2: str | None = None
    sub_event_type: str | None = None
    civilian: bool = False
    fatalities: int | None = None
    department: str | None = None
    place: str | None = None
    point: tuple[float, float] | None = None  # (lat, lon)
    named: bool = False
    approximate: bool = False  # a named place without coordinates: random point of its department
    outside: bool = False


def main(argv=None) -> Path:
    """Command-line entry: write the dataset (default: the bundled file)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=Path, default=TARGETS, help="calibration TOML")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    rows = generate(load_targets(args.targets))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(to_csv(rows).encode("utf-8"))
    print(f"wrote {len(rows)} synthetic events to {args.out}")
    return args.out


def load_targets(path: Path) -> dict:
    """Read the calibration TOML; errors name the file."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read the calibration targets: {exc}") from None


def generate(targets: dict) -> list[dict]:
    """All synthetic events as ACLED-schema rows (dicts keyed by :data:`COLUMNS`)."""
    rng = np.random.default_rng(targets["meta"]["seed"])
    geo = Geography()
    events = []
    for number, cell in enumerate(targets["cell"], start=1):
        events += _cell_events(cell, number, targets, geo, rng)
    _place_outside(events, targets["meta"]["outside_share"], geo, rng)
    events.sort(key=lambda e: (e.date, e.cell["region"], e.cell["event_type"], e.point))
    return [_row(i, event, targets, geo, rng) for i, event in enumerate(events, start=1)]


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV text (header first, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# --------------------------------------------------------------------- cells


def _cell_events(cell, number, targets, geo, rng) -> list[Event]:
    where = f"calibration cell {number} ({cell['window']}, {cell['region']}, {cell['event_type']})"
    start, end = (dt.date.fromisoformat(d) for d in targets["windows"][cell["window"]])
    groups = list(cell.get("groups", []))
    rest = cell["incidents"] - sum(g["n"] for g in groups)
    if rest < 0:
        raise InputError(f"{where}: its groups hold more events than incidents = {cell['incidents']}")
    if rest:
        groups.append({"n": rest})
    for index, group in enumerate(groups):
        _check_group(group, targets, f"{where}, group {index + 1}")
    events = []
    for index, group in enumerate(groups):
        for _ in range(group["n"]):
            event = Event(cell=cell, group=index)
            _fill_from_group(event, group, targets, rng)
            if event.date is None:
                event.date = start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))
            if not start <= event.date <= end:
                raise InputError(f"{where}: {group.get('place')} on {event.date} lies outside the window")
            events.append(event)
    _assign_departments(events, groups, cell, where, geo, rng)
    _assign_fatalities(events, groups, cell, where, rng)
    for event in events:
        if event.point is None:
            event.point = geo.place_point(event.place, cell["region"], event.department, rng)
        elif event.named:
            geo.check_inside(event.point, cell["region"], event.department, f"{where}: {event.place}")
    return events


def _check_group(group, targets, where) -> None:
    for key in ("actor", "actor2"):
        if group.get(key) and group[key] not in targets["actors"]:
            raise InputError(f"{where}: {key} {group[key]!r} is not in [actors]: add it there or fix the key")
    if group.get("place") and not group.get("department"):
        raise InputError(f"{where}: named place {group['place']!r} needs its department")
    if ("latitude" in group) != ("longitude" in group):
        raise InputError(f"{where}: give both latitude and longitude, or neither")


def _fill_from_group(event, group, targets, rng) -> None:
    cell = event.cell
    event_type = cell["event_type"]
    event.sub_event_type = group.get("sub_event_type") or _weighted(targets["sub_event_weights"][event_type], rng)
    event.actor = group.get("actor")
    event.actor2 = group.get("actor2")
    if event.actor is None:
        weights = targets["actor_weights"][cell["region"]]
        if event.sub_event_type == "Air/drone strike" or (event_type == "Battles" and rng.random() < 0.25):
            event.actor, event.actor2 = "MIL", event.actor2 or _weighted(weights, rng)
        else:
            event.actor = _weighted(weights, rng)
    if event.actor in STATE_FORCES and event.actor2 is None and event_type in ("Battles", "Explosions/Remote violence"):
        event.actor2 = _weighted(targets["actor_weights"][cell["region"]], rng)
    default_civilian = event_type == "Violence against civilians"
    event.civilian = bool(group.get("civilian_targeting", default_civilian))
    if "date" in group:
        event.date = dt.date.fromisoformat(group["date"])
    event.place = group.get("place")
    event.named = event.place is not None
    if group.get("department"):
        event.department = group["department"]
    if "latitude" in group:
        event.point = (float(group["latitude"]), float(group["longitude"]))
    event.approximate = event.named and event.point is None
    if group["n"] == 1 and "fatalities" in group:
        event.fatalities = int(group["fatalities"])


def _assign_departments(events, groups, cell, where, geo, rng) -> None:
    for index, group in enumerate(groups):
        if group.get("departments"):
            members = [e for e in events if e.group == index and e.department is None]
            _deal(members, group["departments"], f"{where}, group {index + 1}", rng)
    free = [e for e in events if e.department is None]
    wanted = cell.get("departments")
    if isinstance(wanted, dict):
        counts = dict(wanted)
        for event in events:
            if event.named and "departments" not in groups[event.group]:
                counts[event.department] = counts.get(event.department, 0) - 1
        _deal(free, counts, where, rng)
    else:
        names = wanted or geo.departments_of(cell["region"])
        for event in free:
            event.department = names[int(rng.integers(0, len(names)))]


def _deal(members, counts, where, rng) -> None:
    pool = [name for name, n in counts.items() for _ in range(n)]
    if min(counts.values(), default=0) < 0 or len(pool) != len(members):
        raise InputError(
            f"{where}: departments count {len(pool)} events but {len(members)} need one "
            f"(named incidents are counted in their own department)"
        )
    for event, position in zip(members, rng.permutation(len(pool)), strict=False):
        event.department = pool[position]


def _assign_fatalities(events, groups, cell, where, rng) -> None:
    fixed = sum(e.fatalities for e in events if e.fatalities is not None)
    group_totals = {i: int(g["fatalities"]) for i, g in enumerate(groups) if "fatalities" in g and g["n"] > 1}
    remaining = cell["fatalities"] - fixed - sum(group_totals.values())
    for index, total in group_totals.items():
        _spread(total, [e for e in events if e.group == index], f"{where}, group {index + 1}", rng)
    free = [e for e in events if e.fatalities is None]
    if remaining < 0:
        raise InputError(f"{where}: named incidents and groups hold more than fatalities = {cell['fatalities']}")
    _spread(remaining, free, where, rng)


def _spread(total, members, where, rng) -> None:
    if not members:
        if total:
            raise InputError(f"{where}: {total} fatalities left but no event to carry them")
        return
    weights = rng.gamma(0.7, size=len(members))
    for i, event in enumerate(members):
        if event.sub_event_type in ("Abduction/forced disappearance", "Arrests", "Peaceful protest"):
            weights[i] *= 0.15
    weights = weights / weights.sum()
    for event, count in zip(members, rng.multinomial(total, weights), strict=False):
        event.fatalities = int(count)


def _weighted(weights: dict, rng) -> str:
    names = list(weights)
    p = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


# ----------------------------------------------------------------- geography


class Geography:
    """Department polygons, random points inside them and just outside the border."""

    def __init__(self):
        self.departments = load("department")
        self.regions = load("region")
        self.communes = admin_index.commune_table()
        self._commune_department = self.communes["department_pcode"].to_numpy()
        self._rows = {
            (region, ascii_name(name).casefold()): row
            for row, (region, name) in enumerate(zip(self.departments["region"], self.departments["name"],
                                                     strict=True))
        }
        self._places = {}
        self._border = {}
        country = load("country").geometry.iloc[0]
        to_area = _projector()
        self.country_m = to_area(country)
        self.regions_m = [to_area(g) for g in self.regions.geometry]
        self.departments_m = [to_area(g) for g in self.departments.geometry]

    def _department_row(self, region, name) -> int:
        row = self._rows.get((region, ascii_name(name).casefold()))
        if row is None:
            known = ", ".join(self.departments_of(region))
            raise InputError(f"department {name!r} not found in region {region!r}: use one of {known}")
        return row

    def departments_of(self, region) -> list[str]:
        names = list(self.departments.loc[self.departments["region"] == region, "name"])
        if not names:
            raise InputError(f"unknown region {region!r} in the calibration targets")
        return names

    def place_point(self, place, region, department, rng):
        """A random point of the department (one per named place, reused)."""
        key = (place, region, department) if place else None
        if key in self._places:
            return self._places[key]
        row = self._department_row(region, department)
        geometry = self.departments.geometry.iloc[row]
        pcode = self.departments["pcode"].iloc[row]
        minx, miny, maxx, maxy = geometry.bounds
        while True:
            lon = np.round(rng.uniform(minx, maxx, 64), 4)
            lat = np.round(rng.uniform(miny, maxy, 64), 4)
            inside = shapely.contains_xy(geometry, lon, lat)
            if inside.any():
                found = admin_index.lookup(lon[inside], lat[inside])
                ok = [i for i, c in enumerate(found) if c >= 0 and self._commune_department[c] == pcode]
                if ok:
                    point = (float(lat[inside][ok[0]]), float(lon[inside][ok[0]]))
                    if key:
                        self._places[key] = point
                    return point

    def check_inside(self, point, region, department, where) -> None:
        row = self._department_row(region, department)
        found = admin_index.lookup([point[1]], [point[0]])[0]
        if found < 0 or self._commune_department[found] != self.departments["pcode"].iloc[row]:
            raise InputError(f"{where}: {point} is not inside {department} ({region}); fix its coordinates")

    def on_border(self, region, department) -> bool:
        """Whether the department shares more than 20 km of Niger's outline."""
        row = self._department_row(region, department)
        if row not in self._border:
            shared = self.departments_m[row].boundary.intersection(self.country_m.boundary)
            self._border[row] = shared.length > 20_000
        return self._border[row]

    def outside_point(self, region, department, rng):
        """A point 1-7 km outside Niger whose nearest region and department are the given ones."""
        row = self._department_row(region, department)
        region_row = int(np.flatnonzero(self.regions["name"] == region)[0])
        line = self.departments_m[row].boundary.intersection(self.country_m.boundary)
        to_geo = _projector(inverse=True)
        for _ in range(500):
            base = line.interpolate(rng.uniform(0, line.length))
            angle = rng.uniform(0, 2 * np.pi)
            distance = rng.uniform(*OUTSIDE_KM) * 1000
            candidate = shapely.Point(base.x + distance * np.cos(angle), base.y + distance * np.sin(angle))
            lonlat = to_geo(candidate)
            lon, lat = round(lonlat.x, 4), round(lonlat.y, 4)
            candidate = _projector()(shapely.Point(lon, lat))
            gap = self.country_m.distance(candidate)
            if not (OUTSIDE_KM[0] * 1000 <= gap <= OUTSIDE_KM[1] * 1000):
                continue
            if admin_index.lookup([lon], [lat])[0] >= 0:
                continue
            region_gaps = np.array([g.distance(candidate) for g in self.regions_m])
            department_gaps = np.array([g.distance(candidate) for g in self.departments_m])
            second = np.partition(region_gaps, 1)[1]
            if region_gaps.argmin() == region_row and department_gaps.argmin() == row and second > gap + 2000:
                return (lat, lon)
        raise InputError(f"no point found just outside Niger next to {department} ({region})")

    def admin_of(self, event) -> tuple[str, str, str]:
        """(admin1, admin2, admin3) as ACLED writes them (names without accents)."""
        found = admin_index.lookup([event.point[1]], [event.point[0]])[0]
        if found >= 0:
            unit = self.communes.iloc[found]
            return unit["region"], unit["department"], unit["name"]
        row = self._department_row(event.cell["region"], event.department)
        pcode = self.departments["pcode"].iloc[row]
        communes = self.communes[self.communes["department_pcode"] == pcode]
        point = shapely.Point(event.point[1], event.point[0])
        nearest = int(np.argmin(shapely.distance(communes.geometry.values, point)))
        return event.cell["region"], self.departments["name"].iloc[row], communes["name"].iloc[nearest]


@functools.cache
def _projector(inverse=False):
    """Function reprojecting a shapely geometry WGS 84 -> EQUAL_AREA (or back)."""
    from pyproj import Transformer

    from geo_coi.crs import GEOGRAPHIC

    source, target = (EQUAL_AREA, GEOGRAPHIC) if inverse else (GEOGRAPHIC, EQUAL_AREA)
    transformer = Transformer.from_crs(source, target, always_xy=True)
    return lambda geometry: shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _place_outside(events, share, geo, rng) -> None:
    political = [e for e in events if e.cell["event_type"] in POLITICAL_VIOLENCE]
    eligible = [e for e in political if not e.named and geo.on_border(e.cell["region"], e.department)]
    count = round(share * len(political))
    for position in sorted(rng.choice(len(eligible), size=count, replace=False)):
        event = eligible[position]
        event.point = geo.outside_point(event.cell["region"], event.department, rng)
        event.outside = True


# ---------------------------------------------------------------------- rows


def _actor_name(key, actors, day) -> str:
    if not key:
        return ""
    actor = actors[key]
    return actor.get("before_2023_07_26", actor["name"]) if day < COUP_DAY else actor["name"]


def _row(number, event, targets, geo, rng) -> dict:
    meta, actors = targets["meta"], targets["actors"]
    cell = event.cell
    event_type = cell["event_type"]
    actor2 = event.actor2
    if actor2 is None and (event.civilian or event_type == "Violence against civilians"):
        actor2 = "CIV"
    elif actor2 is None and event_type in ("Battles", "Explosions/Remote violence"):
        actor2 = "MIL"
    inter1 = actors[event.actor]["inter"]
    inter2 = actors[actor2]["inter"] if actor2 else ""
    admin1, admin2, admin3 = geo.admin_of(event)
    old = targets["old_departments"].get(event.department)
    before = dt.date.fromisoformat(meta["old_admin2_before"])
    if old and event.date < before and rng.random() < meta["old_admin2_share"]:
        admin2 = old
    if event.named:
        time_precision = 1
        geo_precision = 2 if event.approximate else 1
    else:
        time_precision = 1 + int(rng.choice(3, p=meta["time_precision_weights"]))
        geo_precision = 1 if event.outside else 1 + int(rng.choice(3, p=meta["geo_precision_weights"]))
    location = event.place or admin3
    actor1_name = _actor_name(event.actor, actors, event.date)
    actor2_name = _actor_name(actor2, actors, event.date)
    return {
        "event_id_cnty": f"NIG{number:05d}",
        "event_date": event.date.isoformat(),
        "year": event.date.year,
        "time_precision": time_precision,
        "disorder_type": DISORDER[event_type],
        "event_type": event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actor1_name,
        "assoc_actor_1": "",
        "inter1": inter1,
        "actor2": actor2_name,
        "assoc_actor_2": "",
        "inter2": inter2,
        "interaction": f"{inter1}-{inter2}" if inter2 else f"{inter1} only",
        "civilian_targeting": "Civilian targeting" if event.civilian else "",
        "iso": 562,
        "region": "Western Africa",
        "country": "Niger",
        "admin1": ascii_name(admin1),
        "admin2": ascii_name(admin2),
        "admin3": ascii_name(admin3),
        "location": location,
        "latitude": f"{event.point[0]:.4f}",
        "longitude": f"{event.point[1]:.4f}",
        "geo_precision": geo_precision,
        "source": SOURCE,
        "source_scale": SOURCE_SCALES[int(rng.integers(0, len(SOURCE_SCALES)))],
        "notes": _note(event, actor1_name, actor2_name, location, admin2),
        "fatalities": event.fatalities,
        "tags": "crowd size=no report" if event_type == "Protests" else "",
        "timestamp": int(dt.datetime.combine(event.date + dt.timedelta(days=8), dt.time(), dt.UTC).timestamp()),
    }


def _note(event, actor1, actor2, location, department) -> str:
    day = f"{event.date.day} {event.date:%B %Y}"
    what = event.sub_event_type.lower()
    against = f" against {actor2}" if actor2 else ""
    text = (f"SYNTHETIC: On {day}, {actor1} - {what}{against} at {location} ({department}, "
            f"{event.cell['region']}). {event.fatalities} reported fatalities.")
    if event.named:
        text += " Modelled on an incident reported in COI Focus Niger (11 July 2025); details invented."
    if event.outside:
        text += " Coded just outside the official boundary (border area)."
    return text + " Invented demonstration event, not ACLED data."


if __name__ == "__main__":
    main()
