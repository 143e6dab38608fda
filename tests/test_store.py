"""The ACLED edition store against the fake API on 127.0.0.1: three editions, revisions, deletions."""

import json

import geopandas
import pytest

from fake_acled import FIRST_TIMESTAMP, PASSWORD, USERNAME, FakeAcled
from geo_coi import store
from geo_coi.errors import FetchError, InputError
from geo_coi.sources import read_events
from geo_coi.sources.acled_api import Credentials

GOOD = Credentials(USERNAME, PASSWORD)


@pytest.fixture
def server():
    fake = FakeAcled(rows=12)
    yield fake
    fake.close()


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
