#!/usr/bin/env python
"""Write a SYNTHETIC ACLED-schema demonstration events file for a bundled country pack.

Burkina Faso and Mali have no openly licensed events in the packs (no UCDP GED
extract could be obtained, ACLED's terms forbid redistribution: see
``geo_coi/countries/<iso3>/demo/PROVENANCE.md``), so their demo reports run on
invented events. Unlike Niger's demo (``make_synthetic_acled.py``, calibrated
to a published report) nothing here is calibrated: the counts per region are
the plain demo weights in :data:`WEIGHTS`, only meant to give the maps and
tables something to show. Every row says it is synthetic (``source`` is
``"SYNTHETIC: geo_coi demonstration data, not ACLED"``, ``notes`` start with
``"SYNTHETIC"``), so ``geo_coi.sources.read_events`` flags the file and every
output made from it says so. Fixed seed: re-running reproduces the file byte
for byte::

    python scripts/make_synthetic_demo.py BFA      # rewrite the pack's demo file
    python scripts/make_synthetic_demo.py MLI --out x.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import shapely
from make_synthetic_acled import to_csv  # ACLED's export columns and CSV form, as Niger's demo

from geo_coi import boundaries, country

SOURCE = "SYNTHETIC: geo_coi demonstration data, not ACLED"
START, END = dt.date(2023, 5, 1), dt.date(2025, 5, 30)
# (event type, sub-event type, share, mean fatalities, civilians targeted)
TYPES = (
    ("Battles", "Armed clash", 0.42, 4.0, False),
    ("Violence against civilians", "Attack", 0.30, 3.0, True),
    ("Violence against civilians", "Abduction/forced disappearance", 0.08, 0.2, True),
    ("Explosions/Remote violence", "Air/drone strike", 0.08, 5.0, False),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 0.07, 2.0, False),
    ("Protests", "Peaceful protest", 0.05, 0.0, False),
)
ACTORS = ("JNIM: Jama'atu Nasr al-Islam wal Muslimin", "Islamic State Sahel Province",
          "Unidentified Armed Group ({country})", "Military Forces of {country}")
# Demo weights per region P-code (other regions weigh 1): invented, not calibrated to any figure.
WEIGHTS = {
    "BFA": {"BF64": 9, "BF59": 8, "BF54": 6, "BF58": 6, "BF60": 5, "BF57": 4, "BF61": 4, "BF62": 4, "BF63": 3},
    "MLI": {"ML05": 9, "ML04": 6, "ML07": 6, "ML06": 5, "ML10": 5, "ML08": 2, "ML02": 2},
}
EVENTS = {"BFA": 1400, "MLI": 1200}
ISO_NUMERIC = {"BFA": 854, "MLI": 466, "NER": 562}


def default_out(iso3: str) -> Path:
    """The pack's demo file: ``geo_coi/countries/<iso3>/demo/<iso3>_acled_SYNTHETIC_<start>_<end>.csv``."""
    return country.get(iso3).path(f"demo/{iso3.lower()}_acled_SYNTHETIC_{START}_{END}.csv")


def rows(iso3: str, seed: int = 12) -> list[dict]:
    """The synthetic events of ``iso3``, one ACLED-schema dict per row, sorted by date."""
    rng = np.random.default_rng(seed)
    pack = country.get(iso3)
    units = boundaries.load("department", iso3).sort_values("pcode", ignore_index=True)
    weight = units["region_pcode"].map(WEIGHTS.get(iso3, {})).fillna(1.0) * units["area_km2"] ** 0.5
    chosen = rng.choice(len(units), size=EVENTS.get(iso3, 1000), p=(weight / weight.sum()).to_numpy())
    days = (END - START).days
    dates = sorted(START + dt.timedelta(days=int(d)) for d in rng.integers(0, days + 1, len(chosen)))
    kinds = rng.choice(len(TYPES), size=len(chosen), p=[t[2] for t in TYPES])
    name = pack.name("en")
    out = []
    for number, (unit, date, kind) in enumerate(zip(chosen, dates, kinds, strict=False), start=1):
        row = units.iloc[unit]
        lon, lat = _point_in(row.geometry, rng)
        event_type, sub_type, _, mean, civilians = TYPES[kind]
        actor1 = ACTORS[int(rng.integers(0, 3))].format(country=name)
        actor2 = f"Civilians ({name})" if civilians else ACTORS[3].format(country=name)
        fatalities = int(rng.poisson(mean))
        place = row["name"]
        out.append({
            "event_id_cnty": f"{pack.iso2}{number:05d}SYN", "event_date": date.isoformat(), "year": date.year,
            "time_precision": 1,
            "disorder_type": "Demonstrations" if event_type == "Protests" else "Political violence",
            "event_type": event_type, "sub_event_type": sub_type, "actor1": actor1, "assoc_actor_1": "",
            "inter1": "Rebel group", "actor2": "" if event_type == "Protests" else actor2, "assoc_actor_2": "",
            "inter2": "Civilians" if civilians else "State forces", "interaction": "",
            "civilian_targeting": "Civilian targeting" if civilians else "", "iso": ISO_NUMERIC.get(iso3, 0),
            "region": "Western Africa", "country": name, "admin1": row["region"], "admin2": place, "admin3": "",
            "location": place, "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}", "geo_precision": 2,
            "source": SOURCE, "source_scale": "National",
            "notes": (f"SYNTHETIC: On {date:%d %B %Y}, {event_type.lower()} ({sub_type.lower()}) in {place} "
                      f"({row['region']}). {fatalities} reported fatalities. Invented demonstration event, "
                      "not ACLED data."),
            "fatalities": fatalities, "tags": "",
            "timestamp": int(dt.datetime.combine(date, dt.time(), dt.UTC).timestamp()),
        })
    return out


def _point_in(polygon, rng) -> tuple[float, float]:
    """A random point inside ``polygon`` (rejection sampling in its box)."""
    west, south, east, north = polygon.bounds
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if polygon.contains(shapely.Point(lon, lat)):
            return lon, lat


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("iso3", choices=[code for code in country.bundled() if code in WEIGHTS])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    out = args.out or default_out(args.iso3)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_csv(rows(args.iso3)), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
