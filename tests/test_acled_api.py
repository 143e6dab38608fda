"""The ACLED API client against a local fake server on 127.0.0.1 (never the internet)."""

import json

import pytest
from click.testing import CliRunner
from fake_acled import PASSWORD, USERNAME, FakeAcled, make_rows, server_fixture

from geo_coi.cli.main import cli
from geo_coi.errors import FetchError, InputError
from geo_coi.sources.acled_api import Credentials, fetch_acled

GOOD = Credentials(USERNAME, PASSWORD)
server = server_fixture(rows=12)


def _fetch(server, tmp_path, credentials=GOOD, **kwargs):
    return fetch_acled(
        "Niger", "2024-09-01", "2025-05-30", accept_terms=True, credentials=credentials,
        api_url=server.url, cache_dir=tmp_path / "cache", page_limit=5, **kwargs,
    )


def _cache_text(tmp_path):
    return "".join(p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file())


def test_pages_until_total_and_keeps_every_row(server, tmp_path):
    path = _fetch(server, tmp_path)
    document = json.loads(path.read_text())
    assert document["count"] == 12
    assert [row["event_id_cnty"] for row in document["data"]] == [row["event_id_cnty"] for row in server.rows]
    assert [entry["page"] for entry in server.reads()] == ["1", "2", "3"]
    assert document["geo_coi"]["query"]["event_date"] == "2024-09-01|2025-05-30"
    assert document["geo_coi"]["access_date"]


def test_cached_query_is_never_fetched_twice(server, tmp_path):
    first = _fetch(server, tmp_path)
    requests_after_first = len(server.log)
    second = _fetch(server, tmp_path, credentials=None)  # no credentials needed from cache
    assert second == first
    assert len(server.log) == requests_after_first


def test_wrong_password_is_a_clear_error_without_the_password(server, tmp_path):
    with pytest.raises(FetchError, match="rejected the credentials") as info:
        _fetch(server, tmp_path, credentials=Credentials(USERNAME, "wrong-pw"))
    assert "wrong-pw" not in str(info.value)


def test_expired_token_is_refreshed_mid_fetch(tmp_path):
    fake = FakeAcled(rows=12, expire_after_reads=1)
    try:
        document = json.loads(_fetch(fake, tmp_path).read_text())
    finally:
        fake.close()
    assert document["count"] == 12
    grants = [entry["grant_type"] for entry in fake.log if entry["path"] == "/oauth/token"]
    assert grants[0] == "password" and "refresh_token" in grants[1:]


def _fetch_from_fake(tmp_path, **behaviour):
    """Fetch from a fake server with ``behaviour``; the result document and the pages read, in order."""
    fake = FakeAcled(rows=12, **behaviour)
    try:
        document = json.loads(_fetch(fake, tmp_path).read_text())
    finally:
        fake.close()
    return document, [entry["page"] for entry in fake.reads()]


def test_page_error_is_retried(tmp_path):
    document, pages = _fetch_from_fake(tmp_path, failing_pages={2: 1})
    assert document["count"] == 12
    assert pages == ["1", "2", "2", "3"]


def test_persistent_page_error_fails_then_resumes_without_refetching(tmp_path):
    fake = FakeAcled(rows=12, failing_pages={2: 99})
    try:
        with pytest.raises(FetchError, match="page 2 failed"):
            _fetch(fake, tmp_path)
        fake.failing_pages.clear()
        reads_before = len(fake.reads())
        document = json.loads(_fetch(fake, tmp_path).read_text())
        resumed_pages = [entry["page"] for entry in fake.reads()[reads_before:]]
    finally:
        fake.close()
    assert document["count"] == 12
    assert resumed_pages == ["2", "3"]  # page 1 came from the cache


def test_resume_with_another_page_size_keeps_every_row_once(tmp_path):
    fake = FakeAcled(rows=12, failing_pages={3: 99})
    try:
        with pytest.raises(FetchError, match=r"page 3 failed .*HTTP 500: internal error"):
            _fetch(fake, tmp_path)  # pages 1-2 of 5 rows cached
        fake.failing_pages.clear()
        path = fetch_acled("Niger", "2024-09-01", "2025-05-30", accept_terms=True, credentials=GOOD,
                           api_url=fake.url, cache_dir=tmp_path / "cache", page_limit=7)
        document = json.loads(path.read_text())
    finally:
        fake.close()
    ids = [row["event_id_cnty"] for row in document["data"]]
    assert ids == [row["event_id_cnty"] for row in fake.rows]
    assert not list((tmp_path / "cache").glob("*.partial"))


def test_terms_must_be_accepted(server, tmp_path):
    with pytest.raises(InputError, match="accept-terms"):
        fetch_acled("Niger", "2024-09-01", "2025-05-30", accept_terms=False, api_url=server.url,
                    cache_dir=tmp_path)
    assert server.log == []


def test_bad_dates_are_named(server, tmp_path):
    with pytest.raises(InputError, match="start date"):
        _fetch_dates(server, tmp_path, "01/09/2024", "2025-05-30")
    with pytest.raises(InputError, match="before start"):
        _fetch_dates(server, tmp_path, "2025-05-30", "2024-09-01")


def _fetch_dates(server, tmp_path, start, end):
    return fetch_acled("Niger", start, end, accept_terms=True, credentials=GOOD, api_url=server.url,
                       cache_dir=tmp_path)


def test_cli_uses_environment_credentials_and_never_prints_or_stores_them(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    out = tmp_path / "niger.json"
    result = CliRunner().invoke(cli, [
        "fetch-acled", "--country", "Niger", "--start", "2024-09-01", "--end", "2025-05-30",
        "--accept-terms", "--api-url", server.url, "--cache-dir", str(tmp_path / "cache"), "--out", str(out),
    ])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["count"] == 12
    assert PASSWORD not in result.output
    assert PASSWORD not in _cache_text(tmp_path) and PASSWORD not in out.read_text()
    token_file = tmp_path / "cache" / "token.json"
    assert token_file.stat().st_mode & 0o077 == 0


def test_cli_without_credentials_and_no_terminal_fails_in_one_line(server, tmp_path, monkeypatch):
    for name in ("ACLED_USERNAME", "ACLED_EMAIL", "ACLED_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, [
        "fetch-acled", "--start", "2024-09-01", "--end", "2025-05-30", "--accept-terms",
        "--api-url", server.url, "--cache-dir", str(tmp_path / "cache"),
    ])
    assert result.exit_code != 0
    assert "ACLED_USERNAME" in result.output
    assert "Traceback" not in result.output


def test_cli_out_that_cannot_be_written_is_one_line(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ACLED_USERNAME", USERNAME)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    out = tmp_path / "no_such_folder" / "niger.json"
    result = CliRunner().invoke(cli, [
        "fetch-acled", "--start", "2024-09-01", "--end", "2025-05-30", "--accept-terms",
        "--api-url", server.url, "--cache-dir", str(tmp_path / "cache"), "--out", str(out),
    ])
    assert result.exit_code == 1
    assert "cannot copy the result to --out" in result.output and "stay cached" in result.output
    assert "Traceback" not in result.output


def test_unwritable_cache_is_refused_before_any_download(server, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot write the ACLED cache folder .*--cache-dir"):
        fetch_acled("Niger", "2024-09-01", "2025-05-30", accept_terms=True, credentials=GOOD,
                    api_url=server.url, cache_dir=blocker / "cache")
    assert server.log == []


def _modes(root):
    return {p.relative_to(root).as_posix(): p.stat().st_mode & 0o777 for p in [root, *root.rglob("*")]}


def test_cache_files_are_0600_and_folders_0700_even_over_stale_files(server, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)
    stale = cache / "token.json.tmp"  # left by a killed run, world-readable
    stale.write_text("{}")
    stale.chmod(0o644)
    _fetch(server, tmp_path)
    modes = _modes(cache)
    assert modes["token.json"] == 0o600
    assert all(mode == 0o700 for name, mode in modes.items() if (cache / name).is_dir())
    assert all(mode == 0o600 for name, mode in modes.items() if (cache / name).is_file()), modes
    assert not stale.exists()


def test_partial_pages_are_0600_in_a_0700_folder(tmp_path):
    fake = FakeAcled(rows=12, failing_pages={3: 99})
    try:
        with pytest.raises(FetchError):
            _fetch(fake, tmp_path)
    finally:
        fake.close()
    (partial,) = (tmp_path / "cache").glob("*.partial")
    assert partial.stat().st_mode & 0o777 == 0o700
    pages = sorted(partial.iterdir())
    assert len(pages) == 2 and all(p.stat().st_mode & 0o777 == 0o600 for p in pages)


@pytest.mark.parametrize("data, kind",
                         [("abc", "is str"), (None, "is null"), ([1, 2], "holds items that are not rows")])
def test_a_200_answer_without_rows_is_an_error_and_never_cached(tmp_path, data, kind):
    fake = FakeAcled(rows=12, bad_data_pages={1: data})
    try:
        with pytest.raises(FetchError, match=r"page 1 failed 3 times .*HTTP 200 but 'data' " + kind):
            _fetch(fake, tmp_path)
        assert not list((tmp_path / "cache").glob("acled_*.json"))  # no finished query
        assert not any((tmp_path / "cache").glob("*.partial/*"))  # and no cached page
        del fake.bad_data_pages[1]
        document = json.loads(_fetch(fake, tmp_path).read_text())
    finally:
        fake.close()
    assert document["count"] == 12


def test_connection_resets_are_retried(tmp_path):
    document, pages = _fetch_from_fake(tmp_path, reset_pages={2: 2})
    assert document["count"] == 12
    assert pages == ["1", "2", "2", "2", "3"]


def test_persistent_connection_resets_fail_in_one_line(tmp_path):
    fake = FakeAcled(rows=12, reset_pages={1: 99})
    try:
        with pytest.raises(FetchError, match="cannot reach the ACLED API at 127.0.0.1") as info:
            _fetch(fake, tmp_path)
    finally:
        fake.close()
    assert len(fake.reads()) == 3  # bounded
    assert "\n" not in str(info.value)


def test_server_error_text_is_one_line_without_the_token(tmp_path):
    text = "upstream failed for Bearer {token}\nTraceback (most recent call last):\n  secret internals"
    fake = FakeAcled(rows=12, failing_pages={1: 99}, error_text=text)
    try:
        with pytest.raises(FetchError) as info:
            _fetch(fake, tmp_path)
        token = fake.reads()[0]["token"]
    finally:
        fake.close()
    message = str(info.value)
    assert token and token not in message
    assert "HTTP 500: upstream failed for [token] ..." in message
    assert "\n" not in message and "Traceback" not in message and "internals" not in message


def test_raw_token_in_error_text_is_redacted(tmp_path):
    fake = FakeAcled(rows=12, failing_pages={1: 99}, error_text="token {token} is over quota")
    try:
        with pytest.raises(FetchError, match=r"HTTP 500: token \[token\] is over quota") as info:
            _fetch(fake, tmp_path)
        token = fake.reads()[0]["token"]
    finally:
        fake.close()
    assert token not in str(info.value)


def test_403_no_api_access_is_a_clear_error_and_not_retried(tmp_path):
    fake = FakeAcled(rows=12, forbidden=True)
    try:
        with pytest.raises(FetchError, match=r"HTTP 403: Access denied.*no API access.*not retried") as info:
            _fetch(fake, tmp_path)
        reads = len(fake.reads())
    finally:
        fake.close()
    assert reads == 1
    assert "\n" not in str(info.value)
    assert not list((tmp_path / "cache").glob("acled_*.json"))


def test_429_waits_as_long_as_retry_after_says(tmp_path, monkeypatch):
    import geo_coi.sources.acled_api as api

    pauses = []
    monkeypatch.setattr(api.time, "sleep", pauses.append)
    fake = FakeAcled(rows=12, rate_limited_pages={2: 2}, retry_after="7")
    try:
        document = json.loads(_fetch(fake, tmp_path).read_text())
        pages = [entry["page"] for entry in fake.reads()]
    finally:
        fake.close()
    assert document["count"] == 12
    assert pages == ["1", "2", "2", "2", "3"]
    assert pauses == [7.0, 7.0]


def test_429_asking_for_a_very_long_wait_stops_with_advice(tmp_path, monkeypatch):
    import geo_coi.sources.acled_api as api

    monkeypatch.setattr(api.time, "sleep", lambda _seconds: None)
    fake = FakeAcled(rows=12, rate_limited_pages={1: 9}, retry_after="86400")
    try:
        with pytest.raises(FetchError, match=r"rate limit \(HTTP 429\) asks to wait 86400 s: run the same command"):
            _fetch(fake, tmp_path)
    finally:
        fake.close()


def test_a_country_without_events_is_an_error_at_fetch_time_and_not_cached(server, tmp_path):
    with pytest.raises(FetchError, match=r"no events for Nigre from 2024-09-01 to 2025-05-30: check the country"):
        fetch_acled("Nigre", "2024-09-01", "2025-05-30", accept_terms=True, credentials=GOOD,
                    api_url=server.url, cache_dir=tmp_path / "cache", page_limit=5)
    assert not list((tmp_path / "cache").glob("acled_*.json"))


def test_several_countries_use_the_pipe_syntax_and_each_must_have_events(tmp_path):
    rows = [dict(row, country="Mali", event_id_cnty=f"MLI{i}") for i, row in enumerate(make_rows(3))]
    fake = FakeAcled(rows=make_rows(4) + rows)
    try:
        path = fetch_acled(["Niger", "Mali"], "2024-09-01", "2025-05-30", accept_terms=True, credentials=GOOD,
                           api_url=fake.url, cache_dir=tmp_path / "cache")
        assert fake.reads()[0]["params"]["country"] == "Niger|Mali"
        assert json.loads(path.read_text())["count"] == 7
        with pytest.raises(FetchError, match=r"no events for Burkina Faso .*but some for the other"):
            fetch_acled(["Niger", "Burkina Faso"], "2024-09-01", "2025-05-30", accept_terms=True,
                        credentials=GOOD, api_url=fake.url, cache_dir=tmp_path / "cache")
    finally:
        fake.close()


def test_fields_ask_for_fewer_columns(server, tmp_path):
    wanted = ["event_id_cnty", "event_date", "event_type", "latitude", "longitude"]
    path = fetch_acled("Niger", "2024-09-01", "2025-05-30", accept_terms=True, credentials=GOOD,
                       api_url=server.url, cache_dir=tmp_path / "cache", fields=wanted)
    assert server.reads()[0]["params"]["fields"] == "|".join(wanted)
    rows = json.loads(path.read_text())["data"]
    assert len(rows) == 12 and all(sorted(row) == sorted(wanted) for row in rows)
