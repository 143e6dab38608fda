"""ACLED API client: OAuth password grant, paged reads, and a disk cache.

ACLED's API (``https://acleddata.com``) takes an OAuth token from
``POST /oauth/token`` (form fields ``username``, ``password``,
``grant_type=password``, ``client_id=acled``; later
``grant_type=refresh_token``) and serves events from
``GET /api/acled/read`` with ``Authorization: Bearer TOKEN``, at most
``limit`` rows a page (``page=1, 2, …``). We page until a page comes back
short or the announced total is reached.

Public-sector accounts have few downloads a year, so nothing is fetched twice:
every finished page is written to the cache at once (an interrupted fetch
resumes where it stopped), and a finished query is served from the cache
until ``refresh=True``. The token is cached too. Every cached file is mode 0600
in a 0700 folder. Credentials are never logged nor written anywhere; only the
token is cached. A page is cached only when its ``data`` is a list of rows;
connection resets are retried with backoff; HTTP 429 waits as long as the
server's ``Retry-After`` says; HTTP 403 (the account has no API access) is an
error at once, never retried; the server's error text is cut to one line with
tokens redacted. A query for a country and period that comes back empty is an
error (a misspelt country or an account without access), not an empty report.

Several countries are asked for in one query with the API's ``|`` syntax
(e.g. ``country=Niger|Mali``); ``fields=`` (also ``|``-separated) keeps downloads
small. :mod:`geo_coi.store` builds its incremental updates on
:func:`fetch_pages` (``timestamp`` filter) and the ``/api/deleted/read``
endpoint.

The result file has the shape of an API answer (``{"status": 200,
"success": true, "count": N, "data": [...]}``) plus a ``geo_coi`` member with
the query and the access date, and :func:`geo_coi.sources.read_events` reads it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import http.client
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from geo_coi.errors import FetchError, InputError

DEFAULT_API_URL = "https://acleddata.com"
TOKEN_PATH = "/oauth/token"
READ_PATH = "/api/acled/read"
DELETED_PATH = "/api/deleted/read"
PAGE_LIMIT = 5000
TERMS_URL = "https://acleddata.com/terms-of-use"
_RETRIES = 3
_BACKOFF_S = 0.2  # first pause before a retry; doubles each time
_TRANSIENT = (ConnectionResetError, ConnectionAbortedError, TimeoutError, http.client.IncompleteRead)
_SECRET_PATTERNS = re.compile(r"(?i)bearer\s+\S+|eyJ[\w-]+\.[\w-]+\.[\w-]+")
_ERROR_CHARS = 200
_MAX_RETRY_AFTER_S = 600  # a longer wait asked by a 429 is an error: rerun later

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Query:
    """What to fetch: one or more countries and an inclusive date range (ISO dates).

    ``country`` is a name or a tuple of names (asked for as e.g. ``Niger|Mali``);
    ``end`` may be None (every event from ``start`` on) and ``start`` too (all
    of the countries' history); ``fields`` (tuple of column names) asks for those
    columns only.
    """

    country: str | tuple
    start: str | None
    end: str | None
    extra: tuple = ()
    fields: tuple = ()

    @property
    def countries(self) -> tuple:
        """The country names, as a tuple."""
        return (self.country,) if isinstance(self.country, str) else tuple(self.country)

    def params(self) -> dict:
        """Query-string parameters of ``api/acled/read`` (without paging)."""
        params = {"_format": "json", "country": "|".join(self.countries)}
        if self.start and self.end:
            params.update(event_date=f"{self.start}|{self.end}", event_date_where="BETWEEN")
        elif self.start or self.end:
            params.update(event_date=self.start or self.end, event_date_where=">=" if self.start else "<=")
        if self.fields:
            params["fields"] = "|".join(self.fields)
        params.update(dict(self.extra))
        return params

    def key(self) -> str:
        """Cache file stem: readable country and dates plus a hash of every parameter."""
        text = json.dumps(self.params(), sort_keys=True)
        slug = f"{'-'.join(self.countries)}_{self.start or 'all'}_{self.end or 'now'}".replace(" ", "-").lower()
        return f"acled_{slug}_{hashlib.sha256(text.encode()).hexdigest()[:12]}"


@dataclass
class Credentials:
    """ACLED account e-mail and password (kept in memory only; repr hides the password)."""

    username: str
    password: str = field(repr=False)

    @classmethod
    def from_env(cls) -> Credentials | None:
        """``ACLED_USERNAME`` (or ``ACLED_EMAIL``) and ``ACLED_PASSWORD``, if both are set."""
        username = os.environ.get("ACLED_USERNAME") or os.environ.get("ACLED_EMAIL")
        password = os.environ.get("ACLED_PASSWORD")
        if username and password:
            return cls(username, password)
        return None


def default_cache_dir() -> Path:
    """``$GEO_COI_CACHE`` or ``$XDG_CACHE_HOME/geo_coi/acled`` (``~/.cache/geo_coi/acled``)."""
    if os.environ.get("GEO_COI_CACHE"):
        return Path(os.environ["GEO_COI_CACHE"]) / "acled"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geo_coi" / "acled"


def fetch_acled(
    country: str,
    start: str,
    end: str,
    *,
    accept_terms: bool,
    credentials=None,
    api_url: str = DEFAULT_API_URL,
    cache_dir=None,
    refresh: bool = False,
    page_limit: int = PAGE_LIMIT,
    fields=None,
) -> Path:
    """Fetch ACLED events for a country and period, or take them from the cache.

    Parameters
    ----------
    country : str or sequence of str
        Country name as ACLED spells it (e.g. ``"Niger"``), or several (one query).
    start, end : str
        Inclusive ISO dates.
    accept_terms : bool
        Must be True: the data are ACLED's and bound by its terms of use
        (no redistribution of raw data).
    credentials : Credentials or callable, optional
        Or a function returning them, called only when a token is needed
        (the CLI prompts there). Default: environment variables.
    api_url : str
        Base URL of the API (a local test server in the tests).
    cache_dir : path, optional
        Default :func:`default_cache_dir`.
    refresh : bool
        Fetch again even if the query is cached.
    page_limit : int
        Rows per page.
    fields : sequence of str, optional
        Only these columns (smaller downloads); default every column.

    Returns
    -------
    pathlib.Path
        The cached JSON file holding every row.

    Raises
    ------
    InputError
        Terms not accepted, dates not ISO or reversed, or the cache folder not writable.
    FetchError
        No credentials, credentials refused, no API access (403), the API
        unreachable, a page failing three times (pages already fetched stay
        cached: rerun to resume), or no events at all for a country asked for.
    """
    check_terms(accept_terms)
    countries = (country,) if isinstance(country, str) else tuple(country)
    query = Query(countries[0] if len(countries) == 1 else countries, _iso(start, "start"), _iso(end, "end"),
                  fields=tuple(fields or ()))
    if query.start and query.end and query.end < query.start:
        raise InputError(f"end {query.end} is before start {query.start}")
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    target = cache / f"{query.key()}.json"
    if target.exists() and not refresh:
        log.info("ACLED query served from cache: %s", target)
        return target
    writable_dir(cache, "ACLED cache folder", "pass --cache-dir (cache_dir=) or set GEO_COI_CACHE")
    session = Session(api_url.rstrip("/"), cache, credentials)
    rows = fetch_pages(session, query.params(), cache / f"{query.key()}.partial", page_limit, refresh)
    check_not_empty(rows, query)
    _write_result(target, query, rows, api_url)
    return target


def check_terms(accept_terms: bool) -> None:
    """Refuse to fetch unless ACLED's terms of use are accepted.

    Raises
    ------
    InputError
        ``accept_terms`` is not True.
    """
    if not accept_terms:
        raise InputError(
            f"ACLED data are bound by ACLED's terms of use ({TERMS_URL}): "
            "pass --accept-terms (accept_terms=True) to confirm you accept them"
        )


def writable_dir(folder: Path, what: str, remedy: str) -> None:
    """Create ``folder`` (mode 0700) and check it is writable, before any download.

    Raises
    ------
    InputError
        It cannot be created or written (the message names it, ``what`` it is and the ``remedy``).
    """
    try:  # a page fetched into an unwritable folder would be lost
        _private_dir(folder)
        folder.joinpath(".writable").touch()
        folder.joinpath(".writable").unlink()
    except OSError as exc:
        raise InputError(f"cannot write the {what} {folder}: {exc}; {remedy} to a writable folder") from None


def check_not_empty(rows: list, query: Query) -> None:
    """A query for countries and a period must give rows for each country: else it is misspelt or not allowed.

    Raises
    ------
    FetchError
        No rows at all, or none for one of several countries (when the rows carry ``country``).
    """
    when = f"{query.start or 'the start'} to {query.end or 'today'}"
    if not rows:
        raise FetchError(
            f"ACLED returned no events for {' | '.join(query.countries)} from {when}: check the country "
            "as ACLED spells it (e.g. \"Burkina Faso\") and the dates; an account without access to these data "
            "also gets none. Nothing was cached"
        )
    if len(query.countries) > 1 and all("country" in row for row in rows):
        found = {str(row["country"]).strip().lower() for row in rows}
        missing = [name for name in query.countries if name.strip().lower() not in found]
        if missing:
            raise FetchError(f"ACLED returned no events for {', '.join(missing)} from {when} (but some for the "
                             "other countries): check how ACLED spells them. Nothing was cached")


def _iso(value, name: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InputError(f"{name} date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def fetch_pages(session, params: dict, partial: Path, limit: int = PAGE_LIMIT, refresh: bool = False,
                path: str = READ_PATH) -> list:
    """Every row of a query, page by page; each page is kept in ``partial`` as soon as it arrives.

    Parameters
    ----------
    session : Session
    params : dict
        Query-string parameters without ``limit`` and ``page``.
    partial : pathlib.Path
        Folder of the pages fetched so far (a rerun resumes from them); the caller removes it.
    limit : int
        Rows per page.
    refresh : bool
        Ignore pages already in ``partial``.
    path : str
        Endpoint (:data:`READ_PATH` or :data:`DELETED_PATH`).

    Returns
    -------
    list of dict
    """
    _private_dir(partial)
    rows: list = []
    page = 1
    while True:
        # the page size is in the name: a page cached with another limit holds other rows
        page_file = partial / f"limit{limit}-page-{page:05d}.json"
        answer = None if refresh else _cached_page(page_file)
        if answer is None:
            answer = session.read({**params, "limit": limit, "page": page}, path)
            _write_json(page_file, answer)
        data = answer["data"]
        rows.extend(data)
        total = _int_or_none(answer.get("total_count"))
        log.info("ACLED page %d: %d rows (%d so far)", page, len(data), len(rows))
        if len(data) < limit or (total is not None and len(rows) >= total):
            return rows
        page += 1


def _cached_page(path: Path):
    """A page cached by an earlier run, or None if absent or not a page of rows."""
    try:
        answer = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return answer if _is_page(answer) else None


def _is_page(answer) -> bool:
    """An API answer that carries rows: ``data`` is a list of records."""
    return (isinstance(answer, dict) and answer.get("success", True) is not False
            and isinstance(answer.get("data"), list) and all(isinstance(row, dict) for row in answer["data"]))


def _private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) and make it 0700, even if it existed with a wider mode."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _write_result(target: Path, query: Query, rows: list, api_url: str) -> None:
    document = {
        "status": 200,
        "success": True,
        "count": len(rows),
        "data": rows,
        "geo_coi": {
            "query": query.params(),
            "api_url": api_url,
            "access_date": dt.date.today().isoformat(),
            "terms": TERMS_URL,
        },
    }
    _write_json(target, document)
    remove_pages(target.parent / f"{query.key()}.partial")


def remove_pages(partial: Path) -> None:
    """Delete a folder of pages written by :func:`fetch_pages` (once their rows are kept elsewhere)."""
    for page_file in sorted(partial.glob("*")):
        page_file.unlink()
    partial.rmdir()


def _write_json(path: Path, document) -> None:
    """Write atomically, mode 0600 (also over a stale temporary file with a wider mode)."""
    _private_dir(path.parent)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # O_CREAT keeps the mode of a file that already exists
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    os.replace(temporary, path)


class Session:
    """Token handling: cached token, refresh, password grant, one retry on 401.

    Parameters
    ----------
    api_url : str
        Base URL without a trailing ``/``.
    cache : pathlib.Path
        Folder of ``token.json``.
    credentials : Credentials or callable or None
        As for :func:`fetch_acled`.
    """

    def __init__(self, api_url: str, cache: Path, credentials):
        self.api_url = api_url
        self.token_file = cache / "token.json"
        self._credentials = credentials
        self.token = self._cached_token()

    def read(self, params: dict, path: str = READ_PATH) -> dict:
        """One page of ``path``: an answer whose ``data`` is a list of rows (else FetchError)."""
        url = f"{self.api_url}{path}?{urllib.parse.urlencode(params)}"
        for attempt in range(1, _RETRIES + 1):
            if self.token is None or self.token["expires_at"] <= time.time():
                self._renew()
            status, answer, headers = _request(url, headers=self._authorization())
            if status == 401:  # expired or revoked: renew once, then retry
                self._renew()
                status, answer, headers = _request(url, headers=self._authorization())
            if status == 200 and _is_page(answer):
                return answer
            if status == 401:
                raise FetchError("ACLED refused the new token (401): check your account's API access")
            problem = _describe_failure(status, answer, self._secrets())
            if status == 403:  # retrying cannot help, and would spend the account's quota
                raise FetchError(f"ACLED refused the request ({problem}): this account has no API access to "
                                 "these data; check its access level at acleddata.com (not retried)")
            log.warning("ACLED page %s failed (%s), attempt %d", params.get("page"), problem, attempt)
            time.sleep(_pause(status, headers, attempt) if attempt < _RETRIES else 0)
        raise FetchError(
            f"ACLED page {params.get('page')} failed {_RETRIES} times (last answer {problem}); "
            "pages already fetched are cached: run the same command again to resume"
        )

    def _authorization(self) -> dict:
        return {"Authorization": f"Bearer {self.token['access_token']}"}

    def _secrets(self) -> list:
        token = self.token or {}
        return [value for value in (token.get("access_token"), token.get("refresh_token")) if value]

    def _cached_token(self):
        try:
            token = json.loads(self.token_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return token if token.get("api_url") == self.api_url else None

    def _renew(self) -> None:
        previous = self.token or self._cached_token() or {}
        token = None
        if previous.get("refresh_token"):
            token = self._token_request(
                {"grant_type": "refresh_token", "refresh_token": previous["refresh_token"], "client_id": "acled"},
                fatal=False,
            )
        if token is None:
            credentials = self._credentials() if callable(self._credentials) else self._credentials
            credentials = credentials or Credentials.from_env()
            if credentials is None:
                raise FetchError(
                    "no ACLED credentials: set ACLED_USERNAME and ACLED_PASSWORD (or answer the prompt)"
                )
            token = self._token_request(
                {
                    "username": credentials.username,
                    "password": credentials.password,
                    "grant_type": "password",
                    "client_id": "acled",
                },
                fatal=True,
            )
        self.token = token
        _write_json(self.token_file, token)

    def _token_request(self, form: dict, fatal: bool):
        status, answer, _ = _request(
            f"{self.api_url}{TOKEN_PATH}",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status == 200 and isinstance(answer, dict) and answer.get("access_token"):
            return {
                "access_token": answer["access_token"],
                "refresh_token": answer.get("refresh_token"),
                "expires_at": time.time() + float(answer.get("expires_in", 86400)) - 60,
                "api_url": self.api_url,
            }
        if not fatal:
            return None
        if status in (400, 401, 403):
            raise FetchError(f"ACLED rejected the credentials (HTTP {status}): check ACLED_USERNAME/ACLED_PASSWORD")
        raise FetchError(f"ACLED token endpoint failed (HTTP {status})")


def _pause(status: int, headers, attempt: int) -> float:
    """Seconds to wait before the next attempt: a 429's ``Retry-After``, else exponential backoff.

    Raises
    ------
    FetchError
        The server asks for a wait longer than :data:`_MAX_RETRY_AFTER_S`.
    """
    backoff = _BACKOFF_S * 2 ** (attempt - 1)
    if status != 429 or not headers or headers.get("Retry-After") is None:
        return backoff
    value = headers["Retry-After"].strip()
    try:
        wait = float(value)
    except ValueError:  # an HTTP date
        try:
            wait = (email.utils.parsedate_to_datetime(value) - dt.datetime.now(dt.UTC)).total_seconds()
        except (TypeError, ValueError):
            return backoff
    if wait > _MAX_RETRY_AFTER_S:
        raise FetchError(f"ACLED's rate limit (HTTP 429) asks to wait {wait:.0f} s: run the same command again "
                         "later (pages already fetched are kept)")
    return max(wait, 0.0)


def _describe_failure(status: int, answer, secrets=()) -> str:
    """``"HTTP 500"``, with the API's own error text when it sent one: one line, tokens redacted."""
    if status == 200 and isinstance(answer, dict) and answer.get("success", True) is not False:
        data = answer.get("data")
        if isinstance(data, list):
            return "HTTP 200 but 'data' holds items that are not rows"
        kind = "null" if data is None else type(data).__name__
        return f"HTTP 200 but 'data' is {kind}, not a list of rows"
    error = answer.get("error") if isinstance(answer, dict) else None
    return f"HTTP {status}: {_one_line(error, secrets)}" if error else f"HTTP {status}"


def _one_line(text, secrets=()) -> str:
    """Server text made safe to show: tokens redacted, first line only, at most 200 characters."""
    text = str(text)
    for secret in secrets:
        text = text.replace(secret, "[token]")
    text = _SECRET_PATTERNS.sub("[token]", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    first = lines[0][:_ERROR_CHARS]
    return first + (" ..." if len(lines) > 1 or len(lines[0]) > _ERROR_CHARS else "")


def _request(url: str, data: bytes | None = None, headers: dict | None = None):
    """Return (HTTP status, decoded JSON or None, headers); connection resets are retried, then FetchError."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    for attempt in range(1, _RETRIES + 1):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
                status, answer_headers = response.status, response.headers
            break
        except urllib.error.HTTPError as error:
            body, status, answer_headers = error.read(), error.code, error.headers
            break
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            host = urllib.parse.urlsplit(url).netloc
            if not isinstance(reason, _TRANSIENT) or attempt == _RETRIES:
                raise FetchError(f"cannot reach the ACLED API at {host}: {_one_line(reason)}") from None
            log.warning("ACLED API at %s: %s, attempt %d; retrying", host, _one_line(reason), attempt)
            time.sleep(_BACKOFF_S * 2 ** (attempt - 1))
    try:
        return status, json.loads(body.decode("utf-8")), answer_headers
    except (UnicodeDecodeError, ValueError):
        return status, None, answer_headers
