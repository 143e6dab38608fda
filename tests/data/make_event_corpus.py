"""Write the small event files under tests/data/events/ and tests/data/bad/.

Run once (``python tests/data/make_event_corpus.py``); the files are kept in the
repository and each one's expected outcome is listed in tests/data/bad/README.md.
Events are invented; coordinates are real places in Niger.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
    "tags,timestamp"
).split(",")
PRE_2023 = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,"
    "admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,iso3"
).split(",")
# (id, date, type, sub type, actor1, actor2, civ, admin1, admin2, location, lat, lon, geo_prec, fatalities)
EVENTS = [
    ("NIG1001", "2024-09-03", "Battles", "Armed clash", "JNIM", "Military Forces of Niger (2023-)", "",
     "Tillaberi", "Tera", "Tera", "14.0144", "0.7531", "1", "12"),
    ("NIG1002", "2024-09-10", "Violence against civilians", "Attack", "ISSP", "Civilians (Niger)",
     "Civilian targeting", "Tillaberi", "Tillaberi", "Ayerou", "14.7333", "0.9167", "2", "5"),
    ("NIG1003", "2024-10-01", "Explosions/Remote violence", "Remote explosive/landmine/IED", "JNIM",
     "Civilians (Niger)", "Civilian targeting", "Tillaberi", "Say", "Torodi", "13.1167", "1.7833", "2", "3"),
    ("NIG1004", "2024-10-15", "Violence against civilians", "Abduction/forced disappearance",
     "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", "Civilians (Niger)", "Civilian targeting",
     "Diffa", "Diffa", "Bosso", "13.6987", "13.3095", "1", "0"),
    ("NIG1005", "2024-11-02", "Protests", "Peaceful protest", "Protesters (Niger)", "", "", "Niamey",
     "Niamey", "Niamey", "13.5128", "2.1128", "1", "0"),
    ("NIG1006", "2024-11-20", "Battles", "Armed clash", "ISSP", "JNIM", "", "Tillaberi", "Ouallam",
     "Banibangou", "15.0403", "2.7056", "2", "20"),
]


def current_row(event, **change) -> dict:
    (eid, date, etype, sub, a1, a2, civ, adm1, adm2, loc, lat, lon, prec, fat) = event
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        event_id_cnty=eid, event_date=date, year=date[:4], time_precision="1",
        disorder_type="Political violence", event_type=etype, sub_event_type=sub, actor1=a1, actor2=a2,
        inter1="2", inter2="1", interaction="12", civilian_targeting=civ, iso="562", region="Western Africa",
        country="Niger", admin1=adm1, admin2=adm2, location=loc, latitude=lat, longitude=lon,
        geo_precision=prec, source="Local media", source_scale="National", notes=f"On {date}, invented note.",
        fatalities=fat, tags="", timestamp="1718000000",
    )
    row.update(change)
    return row


def write_csv(path: Path, rows, columns=COLUMNS, sep=",", encoding="utf-8", bom=False) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=sep, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def main() -> None:
    good = [current_row(e) for e in EVENTS]
    write_csv(HERE / "events" / "acled_current.csv", good)
    old = []
    for e, row in zip(EVENTS, good, strict=False):
        record = {k: row.get(k, "") for k in PRE_2023}
        record.update(data_id=e[0][3:], event_id_no_cnty=e[0][3:], iso3="NER", iso="562",
                      event_date=_long_date(e[1]))
        old.append(record)
    write_csv(HERE / "events" / "acled_pre2023.csv", old, PRE_2023)
    partial = ["event_id_cnty", "event_date", "event_type", "latitude", "longitude"]
    write_csv(HERE / "events" / "acled_partial.csv", [{k: r[k] for k in partial} for r in good], partial)
    hxl = {c: f"#{c.replace('_', '+')}" for c in COLUMNS}
    write_csv(HERE / "bad" / "hxl.csv", [hxl, *good])
    write_csv(HERE / "bad" / "bom_semicolon.csv", good, sep=";", bom=True)
    write_csv(HERE / "bad" / "latin1.csv", [current_row(EVENTS[0], admin1="Tillabéri", location="Téra")],
              encoding="latin-1")
    write_csv(HERE / "bad" / "swapped.csv", [good[0], current_row(EVENTS[1], latitude="0.9167",
                                                                  longitude="14.7333")])
    write_csv(HERE / "bad" / "duplicates.csv", [
        good[0], good[1], good[0], good[2], current_row(EVENTS[1], fatalities="9"), good[3]])
    write_csv(HERE / "bad" / "date_formats.csv", [
        current_row(EVENTS[0], event_date="2024-09-01"),
        current_row(EVENTS[1], event_date="01 September 2024"),
        current_row(EVENTS[2], event_date="01-09-2024"),
        current_row(EVENTS[3], event_date="2024-13-45"),
    ])
    write_csv(HERE / "bad" / "coordinates.csv", [
        current_row(EVENTS[0], latitude="14.0144N"),
        current_row(EVENTS[1], longitude=""),
        current_row(EVENTS[2], latitude="95.2"),
        good[3],
    ])
    write_csv(HERE / "bad" / "unknown_type.csv", [current_row(EVENTS[0], event_type="Skirmish"), good[1],
                                                    current_row(EVENTS[2], event_type="battles")])
    write_csv(HERE / "bad" / "outside.csv", [good[0], current_row(EVENTS[1], latitude="12.3714",
                                                                  longitude="-1.5197", location="Ouagadougou")])
    write_csv(HERE / "bad" / "header_only.csv", [])
    (HERE / "bad" / "empty.csv").write_bytes(b"")
    text = (HERE / "events" / "acled_current.csv").read_text(encoding="utf-8")
    (HERE / "bad" / "truncated.csv").write_text(text[: text.rindex("Armed clash") + 5], encoding="utf-8")
    (HERE / "bad" / "truncated_quote.csv").write_text(text[: text.rindex("invented note") + 5],
                                                      encoding="utf-8")
    write_csv(HERE / "bad" / "wrong_delimiter.csv", good, sep="|")
    no_lon = [c for c in COLUMNS if c != "longitude"]
    write_csv(HERE / "bad" / "no_longitude.csv", [{k: r[k] for k in no_lon} for r in good], no_lon)
    api_rows = [dict(r.items()) for r in good[:3]]
    api_rows.append(current_row(EVENTS[3], latitude="not a number"))
    api = {"status": 200, "success": True, "count": len(api_rows), "data": api_rows,
           "geo_coi": {"access_date": "2025-06-05"}}
    (HERE / "bad" / "api.json").write_text(json.dumps(api, indent=1), encoding="utf-8")
    (HERE / "bad" / "api_list.json").write_text(json.dumps(api_rows[:2]), encoding="utf-8")
    (HERE / "bad" / "not_a_table.json").write_text(json.dumps({"status": 200, "count": 3}), encoding="utf-8")


def _long_date(iso: str) -> str:
    import datetime as dt

    return dt.date.fromisoformat(iso).strftime("%d %B %Y")


if __name__ == "__main__":
    main()
