"""``annex --edition`` rebuilds a report from an older edition of the ACLED store byte for byte.

The fake API on 127.0.0.1 serves the bundled SYNTHETIC demo events (ACLED's
schema); the report of the first edition is built, two more editions are
fetched (a revision, an addition, deletions), and the first edition's report
is built again.
The manifest differs only in its step timings and start/finish times, which
are left out of the comparison; every other output must have the same bytes.
"""

import csv
import json
import time
from importlib import resources

from click.testing import CliRunner
from fake_acled import PASSWORD, USERNAME, FakeAcled

from geo_coi import store
from geo_coi.cli.main import cli
from geo_coi.sources import read_events
from geo_coi.sources.acled_api import Credentials

DEMO = "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"
TIMING_KEYS = ("steps", "started", "finished")


def _demo_rows() -> list[dict]:
    text = resources.files("geo_coi").joinpath("data", "demo", DEMO).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _without_timings(manifest: dict) -> dict:
    return {key: value for key, value in manifest.items() if key not in TIMING_KEYS}


def test_annex_from_an_older_edition_is_rebuilt_byte_identically(tmp_path):
    fake = FakeAcled(rows=_demo_rows())
    kwargs = {"accept_terms": True, "credentials": Credentials(USERNAME, PASSWORD), "api_url": fake.url,
              "cache_dir": tmp_path / "cache"}
    shop = tmp_path / "store"
    runner = CliRunner()
    try:
        store.update(shop, country="Niger", access_date="2025-06-05", **kwargs)
        before = runner.invoke(cli, ["annex", "--edition", "2025-06-05", "--store", str(shop),
                                     "--out-dir", str(tmp_path / "before"), "-q"])
        assert before.exit_code == 0, before.output
        _two_more_editions(fake, shop, kwargs)
    finally:
        fake.close()
    counts = [e["counts"] for e in store.editions(shop)]
    assert [(c["new"], c["revised"], c["deleted"]) for c in counts[1:]] == [(1, 1, 1), (0, 0, 1)]
    again = runner.invoke(cli, ["annex", "--events", f"{shop}@2025-06-05", "--out-dir", str(tmp_path / "again"), "-q"])
    assert again.exit_code == 0, again.output
    first, second = _files(tmp_path / "before"), _files(tmp_path / "again")
    manifests = [json.loads(files.pop("manifest.json")) for files in (first, second)]
    assert sorted(first) == sorted(second) and len(first) > 50
    assert [name for name in first if first[name] != second[name]] == []
    assert _without_timings(manifests[0]) == _without_timings(manifests[1])
    edition = manifests[0]["source"]["acled_edition"]
    assert edition["id"] == "2025-06-05" and edition["access_date"] == "2025-06-05"
    assert edition["counts"]["events"] == len(_demo_rows())
    assert manifests[0]["inputs"][0]["path"].endswith("editions/2025-06-05.parquet")
    newest = read_events(f"{shop}@2026-03-02")
    assert newest.summary["read"] == len(_demo_rows()) - 1  # one added, two deleted


def _two_more_editions(fake, shop, kwargs) -> None:
    """Edition 2025-12-01: one event revised, one deleted, one added; 2026-03-02: one more deleted."""
    latest = max(int(row["timestamp"]) for row in fake.rows)
    now = int(time.time())  # deletions are dated when ACLED deletes, after the previous fetch
    in_period = [row for row in fake.rows if "2024-10-01" <= row["event_date"] <= "2025-03-31"]
    fake.revise(in_period[0]["event_id_cnty"], latest + 10, fatalities="25")
    fake.delete(in_period[1]["event_id_cnty"], now + 11)
    fake.rows.append(dict(in_period[2], event_id_cnty="NIG99999", timestamp=str(latest + 12)))
    store.update(shop, access_date="2025-12-01", **kwargs)
    fake.delete(in_period[3]["event_id_cnty"], now + 20)
    store.update(shop, access_date="2026-03-02", **kwargs)
