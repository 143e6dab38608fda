"""Write the hostile-input corpus tests/data/bad/generated/ from the SYNTHETIC demo export.

Each file is a small sample of ``geo_coi/data/demo/niger_acled_SYNTHETIC_*.csv``
(synthetic, invented events: no ACLED data) with one kind of damage, chosen
with a fixed seed so re-running gives the same bytes::

    python tests/data/make_bad_inputs.py

What each file must give is asserted in tests/test_bad_input.py and listed in
tests/data/bad/README.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "bad" / "generated"
DEMO = HERE.parent.parent / "geo_coi" / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
SEED = 11
N_ROWS = 10  # rows sampled into each file


def sample(seed: int = SEED, n: int = N_ROWS) -> tuple[list, list]:
    """Header and ``n`` rows of the demo export (political violence, day-precise, fatalities > 0)."""
    with DEMO.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    col = {name: i for i, name in enumerate(header)}
    usable = [r for r in rows if r[col["event_type"]] in ("Battles", "Violence against civilians")
              and int(r[col["fatalities"]]) > 0 and r[col["civilian_targeting"]] in ("", "Civilian targeting")]
    chosen = sorted(random.Random(seed).sample(range(len(usable)), n))
    return header, [list(usable[i]) for i in chosen]


def to_csv(header, rows, sep: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _set(header, rows, column, values):
    """Rows with ``column`` set to ``values`` (one per leading row)."""
    i = header.index(column)
    rows = [list(r) for r in rows]
    for row, value in zip(rows, values, strict=False):
        row[i] = value
    return rows


def _us(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{month}/{day}/{year}"


def cases() -> dict[str, bytes]:
    """File name -> bytes of every case."""
    header, rows = sample()
    col = header.index
    out = {}
    text = {
        "dates_out_of_range.csv": to_csv(header, _set(header, rows, "event_date",
                                                      ["0202-05-01", "2302-05-01", "0001-01-01", "9999-12-31"])),
        "fatalities_overflow.csv": to_csv(header, _set(header, rows, "fatalities",
                                                       ["inf", "99999999999999999999", str(2**63)])),
        "precision_garbage.csv": to_csv(header, _set(
            header, _set(header, rows, "geo_precision", ["inf", "1e30", "x", "2.5"]),
            "time_precision", ["", "", "", "", "inf", "1e30", "9"])),
        "civilian_targeting_yes.csv": to_csv(header, _set(header, rows, "civilian_targeting", ["Yes", "no"])),
        "blank_fatalities.csv": to_csv(header, _set(header, rows, "fatalities", ["", " "])),
        "no_fatalities_column.csv": to_csv([h for h in header if h != "fatalities"],
                                           [[v for i, v in enumerate(r) if i != col("fatalities")] for r in rows]),
        "duplicate_columns.csv": to_csv(header + ["fatalities"], [r + ["999"] for r in rows]),
        "all_rejected.csv": to_csv(header, _set(header, rows, "event_type", ["Skirmish"] * len(rows))),
        "us_dates.csv": to_csv(header, _set(header, rows, "event_date",
                                            [_us(r[col("event_date")]) for r in rows])),
        "mixed_dates.csv": to_csv(header, _set(header, rows, "event_date", ["13/01/2024", "01/13/2024"])),
        "ambiguous_dates.csv": to_csv(header, _set(header, rows, "event_date",
                                                   [f"{m:02d}/{d:02d}/2024" for m, d in
                                                    zip(range(1, 11), range(2, 12), strict=False)])),
    }
    # a trailing separator on every data row (header without), and on every line
    body = to_csv(header, rows).splitlines()
    text["trailing_comma.csv"] = "\n".join([body[0]] + [line + "," for line in body[1:]]) + "\n"
    text["trailing_comma_all.csv"] = "\n".join(line + "," for line in body) + "\n"
    # a whitespace-only line after data line 4 (file line 4), then an unknown type on the row after it
    damaged = _set(header, rows, "event_type", [""] * 5 + ["Skirmish"])
    damaged[:5] = rows[:5]
    lines = to_csv(header, damaged).splitlines()
    text["whitespace_line.csv"] = "\n".join(lines[:4] + ["   \t "] + lines[4:]) + "\n"
    # a row cut after its longitude, and a row split by a bare line break in location
    lines = to_csv(header, rows).splitlines()
    cut = next(csv.reader([lines[3]]))[: col("longitude") + 1]
    lines[3] = ",".join(cut)
    split = next(csv.reader([lines[6]]))
    split[col("location")] = "Ban\nkilare"
    lines[6] = ",".join(split)
    text["short_rows.csv"] = "\n".join(lines) + "\n"
    # a lone CR (a flipped byte) inside an unquoted field of line 5
    lines = to_csv(header, rows).splitlines()
    fields = next(csv.reader([lines[4]]))
    fields[col("location")] = fields[col("location")][:2] + "\r" + fields[col("location")][2:]
    lines[4] = ",".join(fields)
    text["lone_cr.csv"] = "\n".join(lines) + "\n"
    # a row with one field too many (not empty): which column moved cannot be known
    lines = to_csv(header, rows).splitlines()
    lines[2] = lines[2] + ",surplus"
    text["extra_field.csv"] = "\n".join(lines) + "\n"
    # two exports joined: the second one's header (and CRLF line ends) in the middle
    second = to_csv(header, rows[5:]).replace("\n", "\r\n")
    text["concatenated.csv"] = to_csv(header, rows[:5]) + second
    for name, value in text.items():
        out[name] = value.encode("utf-8")

    # encodings: one line in Windows-1252 among UTF-8 lines; the same after a BOM; UTF-16 cut short
    accented = _set(header, rows, "admin1", ["Tillabéri"] * len(rows))
    lines = to_csv(header, accented).splitlines(keepends=True)
    mixed = b"".join(line.encode("cp1252" if i == 3 else "utf-8") for i, line in enumerate(lines))
    out["one_cp1252_line.csv"] = mixed
    out["bom_then_latin1.csv"] = codecs.BOM_UTF8 + mixed
    out["utf16_odd.csv"] = to_csv(header, rows).encode("utf-16")[:-1]

    # JSON: a geo_coi member that is a string; 100,000-deep nesting; an access date before some events
    records = [dict(zip(header, r, strict=False)) for r in rows]
    out["geo_coi_string.json"] = json.dumps({"data": records, "geo_coi": "abc"}).encode()
    out["deep.json"] = b"[" * 100_000 + b"]" * 100_000
    dates = sorted(r["event_date"] for r in records)
    out["after_access_date.json"] = json.dumps(
        {"data": records, "geo_coi": {"access_date": dates[-3]}}).encode()
    # duplicates and the join: line 3 is line 2 again; line 4 is moved to Ouagadougou
    moved = _set(header, rows, "latitude", ["", "", "12.3714"])
    moved = _set(header, moved, "longitude", ["", "", "-1.5197"])
    moved[:2] = rows[:2]
    out["duplicate_and_outside.csv"] = to_csv(header, [moved[0], moved[0]] + moved[1:]).encode()
    out.update(_workbooks(header, rows))
    return out


def _workbooks(header, rows) -> dict[str, bytes]:
    """XLSX cases, written with openpyxl (fixed creation time, so the bytes repeat)."""
    import datetime as dt

    from openpyxl import Workbook

    col = header.index

    def book(sheets: dict) -> bytes:
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, lines in sheets.items():
            sheet = workbook.create_sheet(title)
            for line in lines:
                sheet.append(line)
        workbook.properties.created = workbook.properties.modified = dt.datetime(2025, 6, 5)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _fixed_zip_times(buffer.getvalue())

    def typed(row):
        row = list(row)
        for name in ("latitude", "longitude"):
            row[col(name)] = float(row[col(name)])
        row[col("fatalities")] = int(row[col("fatalities")])
        return row

    serial = []
    for row in rows:
        row = typed(row)
        row[col("event_date")] = (dt.date.fromisoformat(row[col("event_date")]) - dt.date(1899, 12, 30)).days
        serial.append(row)
    formulas = [typed(r) for r in rows]
    for row in formulas[:2]:
        row[col("fatalities")] = "=1+1"  # openpyxl stores no cached value
    readme = [["About this export"], ["Synthetic demonstration data, not ACLED"]]
    return {
        "xlsx_serial_dates.xlsx": book({"Data": [header] + serial}),
        "xlsx_one_sheet.xlsx": book({"Data": [header] + [typed(r) for r in rows]}),
        "xlsx_readme_first.xlsx": book({"README": readme, "Data": [header] + [typed(r) for r in rows]}),
        "xlsx_two_sheets.xlsx": book({"README": readme, "2024": [header] + [typed(r) for r in rows[:6]],
                                      "2025": [header] + [typed(r) for r in rows[6:]]}),
        "xlsx_different_headers.xlsx": book({"A": [header] + [typed(r) for r in rows[:5]],
                                             "B": [header[:-1]] + [typed(r)[:-1] for r in rows[5:]]}),
        "xlsx_formulas.xlsx": book({"Data": [header] + formulas}),
    }


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry (and the workbook's modified time) dated 2025-06-05, so the bytes repeat."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-06-05T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, (2025, 6, 5, 0, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in cases().items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
