"""The ACLED edition store against the fake API on 127.0.0.1: three editions, revisions, deletions."""

import json
from pathlib import Path

import geopandas
import pytest
from fake_acled import FIRST_TIMESTAMP, PASSWORD, USERNAME, server_fixture

from geo_coi import store
from geo_coi.errors import FetchError, InputError
from geo_coi.sources import read_events
from geo_coi.sources.acled_api import Credentials

GOOD = Credentials(USERNAME, PASSWORD)
server = server_fixture(rows=12)


def _update(server, tmp_path, day, **kwargs):
    kwargs.setdefault("country", "Niger")
    return store.update(tmp_path / "store", accept_terms=True, credentials=GOOD, api_url=server.url,
                        cache_dir=tmp_path / "cache", page_limit=5, access_date=day, **kwargs)


def _three_editions(server, tmp_path):
    """Edition 1: 12 events; 2: 3 new, 1 revised, 1 deleted; 3: 1 new, 1 deleted, 1 re-deleted elsewhere."""
    first = _update(server, tmp_path, "2025-01-10")
    server.add(3, FIRST_TIMESTAMP + 1000)
    server.revise("NIG90002", FIRST_TIMESTAMP + 1001, fatalities="7")
    server.delete("NIG90005", 9_999_999_999)
    server.deleted.append({"event_id_cnty": "MLI1", "deleted_timestamp": "9999999999"})  # another country
    second = _update(server, tmp_path, "2025-06-05")
    server.add(1, FIRST_TIMESTAMP + 2000)
    server.delete("NIG90013", 9_999_999_999)
    third = _update(server, tmp_path, "2025-12-01")
    return first, second, third


def test_three_editions_apply_new_revised_and_deleted_events(server, tmp_path):
    first, second, third = _three_editions(server, tmp_path)
    assert first["counts"] == {"events": 12, "new": 12, "revised": 0, "deleted": 0, "received": 12,
                               "deletions_received": 0, "deletions_not_in_store": 0}
    assert second["counts"] == {"events": 14, "new": 3, "revised": 1, "deleted": 1, "received": 4,
                                "deletions_received": 2, "deletions_not_in_store": 1}
    assert third["counts"]["events"] == 14 and third["counts"]["new"] == 1 and third["counts"]["deleted"] == 1
    ids = set(store.read_edition(tmp_path / "store", "2025-12-01")["event_id_cnty"])
    assert ids == {row["event_id_cnty"] for row in server.rows}
    old = store.read_edition(tmp_path / "store", "2025-01-10")
    assert len(old) == 12 and "NIG90005" in set(old["event_id_cnty"])
    assert old.set_index("event_id_cnty").loc["NIG90002", "fatalities"] == "2"
    new = store.read_edition(tmp_path / "store", "2025-06-05").set_index("event_id_cnty")
    assert new.loc["NIG90002", "fatalities"] == "7"
    assert [e["id"] for e in store.editions(tmp_path / "store")] == ["2025-01-10", "2025-06-05", "2025-12-01"]


def test_updates_ask_only_for_newer_timestamps_and_deletions_since_the_last_fetch(server, tmp_path):
    first = _update(server, tmp_path, "2025-01-10")
    server.add(2, FIRST_TIMESTAMP + 500)
    _update(server, tmp_path, "2025-02-01")
    reads = [entry["params"] for entry in server.log if entry["path"] == "/api/acled/read"]
    assert "timestamp" not in reads[0]
    assert reads[-1]["timestamp"] == str(FIRST_TIMESTAMP + 11) and reads[-1]["timestamp_where"] == ">"
    deleted = [entry["params"] for entry in server.log if entry["path"] == "/api/deleted/read"]
    assert deleted and deleted[0]["deleted_timestamp"] == str(first["fetched_unix"])
    received = store.editions(tmp_path / "store")[-1]["counts"]["received"]
    assert received == 2  # not the 12 already stored


def test_editions_are_geoparquet_that_geopandas_opens_with_points_and_metadata(server, tmp_path):
    _update(server, tmp_path, "2025-01-10")
    path = store.edition_path(tmp_path / "store", "2025-01-10")
    frame = geopandas.read_parquet(path)
    assert frame.crs.equals("OGC:CRS84") and len(frame) == 12
    assert frame.geometry.iloc[0].x == pytest.approx(float(frame["longitude"].iloc[0]))
    assert list(frame.columns[:3]) == ["event_id_cnty", "event_date", "year"]  # the API's own order
    meta = json.loads(__import__("pyarrow.parquet").parquet.read_schema(path).metadata[b"geo_coi"])
    assert meta["access_date"] == "2025-01-10" and meta["edition"]["counts"]["events"] == 12
    modes = {p.name: p.stat().st_mode & 0o777 for p in [tmp_path / "store", *(tmp_path / "store").rglob("*")]}
    assert all(mode == (0o700 if (tmp_path / "store" / name).is_dir() or name in ("store", "editions") else 0o600)
               for name, mode in modes.items()), modes
    assert not (tmp_path / "store" / ".incoming").exists()


def test_store_at_date_reads_like_an_events_file_with_the_editions_access_date(server, tmp_path):
    _three_editions(server, tmp_path)
    result = read_events(f"{tmp_path / 'store'}@2025-06-05")
    assert result.summary["accepted"] == 14 and result.summary["rejected"] == 0
    assert result.events.attrs["access_date"] == "2025-06-05"
    assert result.events.attrs["edition"]["id"] == "2025-06-05"
    assert "ACLED store edition 2025-06-05" in " ".join(result.summary["notes"])
    latest = read_events(tmp_path / "store")  # a bare store folder: its latest edition
    assert latest.events.attrs["edition"]["id"] == "2025-12-01"


def test_a_second_update_the_same_day_is_its_own_edition(server, tmp_path):
    _update(server, tmp_path, "2025-01-10")
    server.revise("NIG90001", FIRST_TIMESTAMP + 99, fatalities="3")
    entry = _update(server, tmp_path, "2025-01-10")
    assert entry["id"] == "2025-01-10.2" and entry["counts"]["revised"] == 1
    assert store.read_edition(tmp_path / "store", "2025-01-10").set_index("event_id_cnty").loc[
        "NIG90001", "fatalities"] == "1"


@pytest.mark.parametrize("spec, message", [
    ("@2024-01-01", "has no edition 2024-01-01; its editions: 2025-01-10"),
    ("@June", "an edition is named by its date"),
])
def test_unknown_editions_are_named_with_the_ones_there_are(server, tmp_path, spec, message):
    _update(server, tmp_path, "2025-01-10")
    with pytest.raises(InputError, match=message):
        read_events(f"{tmp_path / 'store'}{spec}")


def test_a_folder_that_is_not_a_store_is_named(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match=r"plain is not an ACLED store \(no index.json\); make one with"):
        read_events(f"{tmp_path / 'plain'}@2025-01-10")


def test_another_country_is_refused_for_an_existing_store(server, tmp_path):
    _update(server, tmp_path, "2025-01-10")
    with pytest.raises(InputError, match="this store holds Niger, not Mali: use --store"):
        _update(server, tmp_path, "2025-02-01", country="Mali")


def test_a_new_store_with_no_events_is_an_error_and_stores_nothing(server, tmp_path):
    with pytest.raises(FetchError, match="no events for Nigre"):
        _update(server, tmp_path, "2025-01-10", country="Nigre")
    assert not (tmp_path / "store" / "index.json").exists()


def test_a_failed_update_keeps_the_previous_edition_and_resumes_its_pages(server, tmp_path, monkeypatch):
    _update(server, tmp_path, "2025-01-10")
    index_before = (tmp_path / "store" / "index.json").read_bytes()
    edition_before = store.edition_path(tmp_path / "store").read_bytes()
    server.add(7, FIRST_TIMESTAMP + 1000)
    server.failing_pages = {2: 99}  # page 1 of the update arrives, page 2 never does
    with pytest.raises(FetchError, match="page 2 failed"):
        _update(server, tmp_path, "2025-02-01")
    assert (tmp_path / "store" / "index.json").read_bytes() == index_before
    assert store.edition_path(tmp_path / "store").read_bytes() == edition_before
    server.failing_pages = {}
    reads_before = len(server.reads())
    entry = _update(server, tmp_path, "2025-02-01")
    assert [e["page"] for e in server.reads()[reads_before:]] == ["2"]  # page 1 came from .incoming
    assert entry["counts"]["new"] == 7 and entry["counts"]["events"] == 19


def test_a_write_that_dies_leaves_the_store_as_it_was(server, tmp_path, monkeypatch):
    _update(server, tmp_path, "2025-01-10")
    before = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "store").rglob("*") if p.is_file()}
    server.add(2, FIRST_TIMESTAMP + 1000)

    def killed(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(store.pq, "write_table", killed)
    with pytest.raises(KeyboardInterrupt):
        _update(server, tmp_path, "2025-02-01")
    after = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "store").rglob("*")
             if p.is_file() and ".incoming" not in p.parts}
    assert after == before
    assert [e["id"] for e in store.editions(tmp_path / "store")] == ["2025-01-10"]


def test_cli_update_and_list(server, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    base = ["fetch-acled", "--store", str(tmp_path / "store"), "--api-url", server.url,
            "--cache-dir", str(tmp_path / "cache")]
    first = CliRunner().invoke(cli, [*base, "--update", "--country", "Niger", "--accept-terms"])
    assert first.exit_code == 0, first.output
    assert "12 events (12 new, 0 revised, 0 deleted)" in first.output and "annex --edition" in first.output
    server.delete("NIG90003", 9_999_999_999)
    second = CliRunner().invoke(cli, [*base, "--update", "--accept-terms"])  # the store knows its country
    assert second.exit_code == 0, second.output
    assert "11 events (0 new, 0 revised, 1 deleted)" in second.output
    listing = CliRunner().invoke(cli, [*base, "--list"])
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert lines[0].startswith("2 edition(s)") and len(lines) == 4
    assert lines[3].split()[2:6] == ["11", "0", "0", "1"]
    refused = CliRunner().invoke(cli, [*base, "--update"])
    assert refused.exit_code != 0 and "accept-terms" in refused.output and "Traceback" not in refused.output


def test_a_resumed_update_asks_for_deletions_from_when_it_first_started(server, tmp_path):
    _update(server, tmp_path, "2025-01-10")
    server.add(7, FIRST_TIMESTAMP + 1000)
    server.failing_pages = {2: 99}
    with pytest.raises(FetchError):
        _update(server, tmp_path, "2025-02-01")
    (started,) = (tmp_path / "store" / ".incoming").glob("*/started")
    first_try = int(started.read_text())
    server.failing_pages = {}
    entry = _update(server, tmp_path, "2025-02-01")
    assert entry["fetched_unix"] == first_try


def test_fields_of_a_new_store_must_keep_what_updates_need_and_are_reused(server, tmp_path):
    with pytest.raises(InputError, match="--fields must include latitude, longitude, timestamp"):
        _update(server, tmp_path, "2025-01-10", fields=["event_id_cnty", "event_date", "event_type"])
    fields = ["event_id_cnty", "event_date", "event_type", "latitude", "longitude", "timestamp", "fatalities"]
    _update(server, tmp_path, "2025-01-10", fields=fields)
    _update(server, tmp_path, "2025-02-01", country=None)
    asked = [entry["params"].get("fields") for entry in server.reads()]
    assert asked and set(asked) == {"|".join(fields)}
    assert sorted(store.read_edition(tmp_path / "store").columns) == sorted([*fields, "geometry"])


def test_cli_list_of_a_folder_that_is_no_store_is_one_line(tmp_path):
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    result = CliRunner().invoke(cli, ["fetch-acled", "--list", "--store", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "is not an ACLED store" in result.output


def test_a_second_update_at_the_same_time_is_refused(server, tmp_path):
    _update(server, tmp_path, "2025-01-10")
    reads = len(server.reads())
    with store._locked(tmp_path / "store"), pytest.raises(InputError, match="being updated by another run"):
        _update(server, tmp_path, "2025-02-01")
    assert len(server.reads()) == reads


def test_a_damaged_index_is_named(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "index.json").write_text("{not json")
    with pytest.raises(InputError, match=r"index.json: damaged store index"):
        store.editions(tmp_path / "store")


def test_stats_take_store_at_date_and_credit_the_editions_access_date(server, tmp_path):
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    _three_editions(server, tmp_path)
    result = CliRunner().invoke(cli, ["stats", "--events", f"{tmp_path / 'store'}@2025-06-05", "--by", "region",
                                      "--period", "2024-09-01", "2024-11-30"])
    assert result.exit_code == 0, result.output
    assert "| Tillabéri |        14 |" in result.output
    assert "data accessed 5 June 2025" in result.output
