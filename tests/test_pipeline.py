"""geo_coi.pipeline: one path from a file to the report's events, the same numbers in the API and the CLI."""

from __future__ import annotations

import csv
import io
from importlib.resources import files

import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from geo_coi import pipeline, stats
from geo_coi.cli.main import cli
from geo_coi.config import load_config
from geo_coi.errors import InputError
from geo_coi.events import SELECTION_ATTR, lonlat, select
from geo_coi.join import join_admin
from geo_coi.sources import read_events

UCDP_FILE = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def demo(config):
    return pipeline.load(config.events_file, config)


def test_load_accounts_for_every_row(demo, config):
    summary = demo.summary
    assert summary["read"] == summary["accepted"] + summary["rejected"] + summary["duplicates_merged"]
    assert summary["accepted"] == len(demo.joined) > 0
    assert len(demo.rejects) == summary["rejected"]
    assert "geometry" not in demo.rejects
    assert {"region_pcode", "department_pcode", "commune_pcode"} <= set(demo.joined.columns)
    assert demo.event_types == tuple(config.event_types) and demo.notes == []
    assert demo.source["synthetic"] is True and demo.source["credit"]


def test_selected_once_and_the_same_as_select(demo, config):
    chosen = demo.selected(config.current)
    assert demo.selected(config.current) is chosen  # selected once
    expected = select(demo.joined, period=config.current, event_types=config.event_types)
    assert chosen["event_id"].tolist() == expected["event_id"].tolist()
    assert 0 < len(chosen) < len(demo.joined)
    assert chosen.attrs[SELECTION_ATTR]["period"] == str(config.current)
    # selecting again what is already selected keeps every row; a narrower selection still filters
    assert len(select(chosen, period=config.current, event_types=config.event_types)) == len(chosen)
    battles = select(chosen, period=config.current, event_types="Battles")
    assert 0 < len(battles) < len(chosen) and set(battles["event_type"]) == {"Battles"}


def test_api_and_cli_give_the_same_numbers(demo, config):
    """The default event types are the report's in the Python API, as in geo-coi stats (and the annex)."""
    api = stats.summarize(demo.joined, config.current, by="region")
    assert api.equals(stats.summarize(demo.joined, config.current, by="region", event_types=config.event_types))
    everything = stats.summarize(demo.joined, config.current, by="region", event_types=None)
    assert everything["incidents"].sum() > api["incidents"].sum()
    result = CliRunner().invoke(cli, ["stats", "--by", "region", "--format", "csv"])
    assert result.exit_code == 0, result.output
    printed = pd.read_csv(io.StringIO(result.stdout))
    assert printed["incidents"].sum() == api["incidents"].sum()
    assert dict(zip(printed["region"], printed["incidents"], strict=True)) == \
        dict(zip(api["region"], api["incidents"].astype(int), strict=True))


def test_ucdp_file_counts_its_own_types_with_a_note(config):
    events = pipeline.load(UCDP_FILE, config)
    assert events.event_types == ("State-based conflict", "Non-state conflict", "One-sided violence")
    assert len(events.notes) == 1 and "counting its own types" in events.notes[0]
    assert stats.default_event_types(events.joined) == events.event_types
    assert len(events.selected()) == len(events.joined)


def test_no_row_accepted_is_one_error(tmp_path, config):
    with open(config.events_file, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:4]
    lat, lon = header.index("latitude"), header.index("longitude")
    for row in body:
        row[lat], row[lon] = "48.85", "2.35"  # Paris: outside Niger, beyond the border tolerance
    path = tmp_path / "outside.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *body])
    with pytest.raises(InputError, match="no row accepted"):
        pipeline.load(path, config)


def test_renderers_refuse_events_not_joined():
    raw = read_events(UCDP_FILE).events
    with pytest.raises(InputError, match="not joined"):
        pipeline.joined_frame(raw, "a map")
    joined = join_admin(raw).events
    assert pipeline.joined_frame(joined, "a map") is joined


def test_the_geometry_is_the_position(demo):
    """join, density, armed groups and the HTML map read the geometry; the columns are a copy."""
    outside_niamey = demo.joined["region"] != "Niamey"
    event_id = demo.joined.loc[outside_niamey, "event_id"].iloc[0]
    events = demo.read.events[demo.read.events["event_id"] == event_id].copy()
    lon, lat = lonlat(events)
    assert (lon[0], lat[0]) == (events["longitude"].iloc[0], events["latitude"].iloc[0])
    assert join_admin(events).events["region"].tolist() != ["Niamey"]
    moved = events.set_geometry([shapely.Point(2.1254, 13.5116)], crs=4326)  # Niamey's centre; columns unchanged
    assert join_admin(moved).events["region"].tolist() == ["Niamey"]
