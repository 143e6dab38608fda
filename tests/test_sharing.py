"""``--share public``: no file of the annex holds an ACLED event row; ``internal`` says "for internal use".

The events are the demo's with its SYNTHETIC marks replaced, so that they read as ACLED data
(made here, in a temporary folder: nothing ACLED is bundled), with a note unique to each row.
"""

import base64
import json
import re
import sqlite3
import struct
import zipfile
from importlib.resources import files
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geo_coi import sharing, style
from geo_coi.annex import run_map
from geo_coi.cli.main import cli

DEMO = files("geo_coi") / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
ACCESS = "2025-06-05"
PERIOD = ("2024-09-01", "2025-05-30")
TEXT_SUFFIXES = (".csv", ".md", ".json", ".html", ".svg", ".txt", ".qml", ".sld")


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """(new, old) ACLED-looking editions: OLD lacks 40 events and has other fatalities for 10."""
    folder = tmp_path_factory.mktemp("acled_like")
    raw = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    raw["source"] = "Test fixture"
    raw["notes"] = [f"fixture note {i:05d} of a test event" for i in range(len(raw))]
    old = raw.drop(index=range(500, 540)).copy()
    old.loc[600:609, "fatalities"] = "99"
    raw.to_csv(folder / "new.csv", index=False)
    old.to_csv(folder / "old.csv", index=False)
    return folder / "new.csv", folder / "old.csv", raw


@pytest.fixture(scope="module")
def public_annex(editions, tmp_path_factory):
    new, old, _ = editions
    folder = tmp_path_factory.mktemp("public")
    config = folder / "report.toml"
    text = (files("geo_coi") / "data" / "configs" / "niger_2025.toml").read_text(encoding="utf-8")
    text = re.sub(r'default_file = "[^"]*"', f'default_file = "{DEMO}"', text)
    config.write_text(text + f'\n[changes]\nprevious_edition = "{old}"\n', encoding="utf-8")
    out = folder / "out"
    run = CliRunner().invoke(cli, ["annex", "--config", str(config), "--events", str(new), "--share", "public",
                                   "--access-date", ACCESS, "--period", *PERIOD, "--language", "en",
                                   "--out-dir", str(out), "--quiet"])
    assert run.exit_code == 0, run.output
    return out


NOTE_MARK = "fixture note"  # every event's note starts so (see ``editions``)
_PAIR = re.compile(r"(-?\d+\.\d+)(?=\s*[,;]\s*(-?\d+\.\d+))")  # two numbers in a row, overlapping
_WORD = re.compile(r"[A-Za-z0-9_]+")


def _event_marks(raw: pd.DataFrame):
    """What betrays an event row: ids, notes, actors only events carry, coordinate pairs (4 decimals)."""
    ids = set(raw["event_id_cnty"])
    actor1 = set(raw["actor1"])
    actors = {a for c in ("actor2", "assoc_actor_1", "assoc_actor_2") for a in raw[c] if a and a not in actor1}
    points = {(round(float(lat), 4), round(float(lon), 4)) for lat, lon in zip(raw["latitude"], raw["longitude"],
                                                                               strict=True)}
    return ids, actors, points


_TYPED = re.compile(r'"scale":(\d+),.*?"columns":\{"lat":\{"dtype":"i4","data":"([A-Za-z0-9+/=]*)"\},'
                    r'"lon":\{"dtype":"i4","data":"([A-Za-z0-9+/=]*)"\}', re.S)


def _typed_points(text: str) -> str:
    """The HTML map's events travel as base64 Int32 columns (geo_coi.maps.event_payload): their points as text."""
    pairs = []
    for match in _TYPED.finditer(text):
        scale = int(match.group(1))
        lats, lons = (np.frombuffer(base64.b64decode(match.group(i)), "<i4") / scale for i in (2, 3))
        pairs += [f"[{lat}, {lon}]" for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True)]
    return " ".join(pairs)


def _found(text: str, marks) -> list[str]:
    ids, actors, points = marks
    text = f"{text} {_typed_points(text)}"
    hits = sorted(ids & set(_WORD.findall(text)))
    hits += [NOTE_MARK] * (NOTE_MARK in text) + [a for a in actors if a in text]
    for match in _PAIR.finditer(text):  # a point as [lon, lat] (GeoJSON) or lat, lon (a row)
        first, second = round(float(match.group(1)), 4), round(float(match.group(2)), 4)
        if (first, second) in points or (second, first) in points:
            hits.append(f"{match.group(1)},{match.group(2)}")
    return hits


def _gpkg_hits(path, marks) -> list[str]:
    ids, actors, points = marks
    packed = [struct.pack("<dd", lon, lat) for lat, lon in points]
    hits = []
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            columns = [row[1] for row in db.execute(f'pragma table_info("{table}")')]
            hits += [f"{table}.{c}" for c in columns if c in ("event_id", "event_id_cnty", "notes", "actor1")]
            for row in db.execute(f'select * from "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        hits += _found(value, (ids, actors, set()))
                    elif isinstance(value, bytes) and any(p in value for p in packed):
                        hits.append(f"{table}: a point at an event's coordinates")
        geometry_types = {row[0] for row in db.execute("select geometry_type_name from gpkg_geometry_columns")}
    assert "POINT" not in geometry_types
    return hits


def test_public_files_hold_no_event_row(public_annex, editions):
    marks = _event_marks(editions[2])
    checked = {}
    for path in sorted(p for p in public_annex.rglob("*") if p.is_file()):
        relative = path.relative_to(public_annex).as_posix()
        if path.suffix in TEXT_SUFFIXES:
            checked[relative] = _found(path.read_text(encoding="utf-8"), marks)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                checked[relative] = [hit for name in book.namelist()
                                     for hit in _found(book.read(name).decode("utf-8"), marks)]
        elif path.suffix == ".gpkg":
            checked[relative] = _gpkg_hits(path, marks)
    assert {name: hits for name, hits in checked.items() if hits} == {}
    assert {".html", ".gpkg", ".csv", ".xlsx", ".json", ".md"} <= {PurePosixPath(name).suffix for name in checked}


def test_the_check_finds_event_rows_in_an_internal_file(editions, tmp_path):
    """The same search finds the events in the internal map: the public test could fail."""
    new, _, raw = editions
    written = run_map("html", events_path=new, out_dir=tmp_path, language="en", period=PERIOD, access_date=ACCESS)
    text = written[0].read_text(encoding="utf-8")
    hits = _found(text, _event_marks(raw))
    assert len(hits) > 200
    assert style.label("share_internal", "en") in text  # every output's credit line says so


def test_manifest_says_what_was_left_out(public_annex):
    manifest = json.loads((public_annex / "manifest.json").read_text(encoding="utf-8"))
    share = manifest["share"]
    assert share["level"] == "public" and share["event_rows"] is False
    assert {"data/rejects.csv", "data/duplicates.csv", "tables/admin_agreement.csv"} <= set(share["left_out"])
    outputs = {entry["path"] for entry in manifest["outputs"]}
    on_disk = {p.relative_to(public_annex).as_posix() for p in public_annex.rglob("*") if p.is_file()}
    assert outputs | {"manifest.json"} == on_disk
    assert not any(name.endswith(("rejects.csv", "duplicates.csv", "changes_events.csv")) for name in on_disk)
    with sqlite3.connect(public_annex / "data" / "niger-2025.gpkg") as db:
        layers = {row[0] for row in db.execute("select table_name from gpkg_contents where data_type = 'features'")}
    # aggregates, plus the boundaries and Natural Earth context the QGIS project draws: no events layer
    assert {"region", "department", "commune"} <= layers and "events" not in layers
    assert layers - {"region", "department", "commune"} <= {"country", "niamey_arrondissement", "ne_countries",
                                                            "ne_west_africa", "ne_lakes", "ne_rivers"}
    gallery = (public_annex / "index.html").read_text(encoding="utf-8")
    assert "Public sharing level" in gallery and "data/rejects.csv" in gallery
    assert style.label("share_internal", "en") not in gallery


def test_public_changes_table_counts_without_ids(public_annex):
    table = pd.read_csv(public_annex / "tables" / "changes_since_last_edition.csv")
    assert table["event_type"].iloc[-1] == "Total"
    assert not any(c.endswith("_events") for c in table.columns)
    body = table.iloc[:-1]
    for measure in ("incidents", "fatalities"):
        assert body[f"{measure}_new"].sum() == table[f"{measure}_new"].iloc[-1]
        assert ((table[f"{measure}_difference"]) == table[[f"{measure}_{c}" for c in
                                                             ("added", "deleted", "revised")]].sum(axis=1)).all()
    document = json.loads((public_annex / "tables" / "changes" / "changes.json").read_text(encoding="utf-8"))
    assert document["added"]["count"] == 40 and document["deleted"]["count"] == 0
    assert document["revised"] == {"count": 10, "in_period": document["revised"]["in_period"],
                                   "fields": {"fatalities": 10}}
    assert "event_id_cnty" not in document["added"]
    gallery = (public_annex / "index.html").read_text(encoding="utf-8")
    assert "40 events added, 0 deleted, 10 revised" in gallery


def test_public_html_shows_aggregates_only(public_annex, browser):
    """In the session's Chromium: a second Playwright in one process fails ("Sync API inside the asyncio loop")."""
    errors = len(browser.console_errors)  # the session's browser keeps every page's errors
    page = browser.open(public_annex / "html" / "incidents_en.html")
    page.wait_for_timeout(500)
    layers = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(style.label("hexbin_title", "en") in name for name in layers)
    assert not any(name.strip() == style.label("incidents", "en") for name in layers)
    assert page.evaluate("window.geoCoi.expected") == 0
    assert page.locator(".gc-marker").count() == 0
    assert page.locator("path.leaflet-interactive").count() > 100  # units and hexagons drawn
    assert browser.console_errors[errors:] == []


@pytest.mark.parametrize("attrs, allowed", [
    ({"source": "ACLED", "share": "public"}, False),
    ({"source": "ACLED", "share": "internal"}, True),
    ({"source": "ACLED"}, True),
    ({"source": "UCDP GED", "share": "public"}, True),
    ({"source": "ACLED-schema synthetic demo", "synthetic": True, "share": "public"}, True),
])
def test_which_sources_may_share_event_rows(attrs, allowed):
    assert sharing.event_rows_allowed(attrs) is allowed
    internal = attrs.get("share", "internal") == "internal" and attrs["source"] == "ACLED"
    for language in ("en", "fr", "nl"):
        credit = style.event_credit(attrs, language)
        assert (style.label("share_internal", language) in credit) is internal


def test_bad_level_is_one_line(tmp_path):
    config = tmp_path / "r.toml"
    text = (files("geo_coi") / "data" / "configs" / "niger_2025.toml").read_text(encoding="utf-8")
    config.write_text(text + '\n[sharing]\nlevel = "everyone"\n', encoding="utf-8")
    run = CliRunner().invoke(cli, ["annex", "--config", str(config), "--out-dir", str(tmp_path / "o")])
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1 and "sharing.level" in run.stderr and "internal, public" in run.stderr
