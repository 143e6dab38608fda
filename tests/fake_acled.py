"""A local stand-in for ACLED's API on 127.0.0.1: OAuth password/refresh grants and paged reads.

Behaviours the tests switch on: tokens that expire after a number of reads,
pages that fail with HTTP 500 a given number of times (with a chosen error
text), pages whose connection is reset (TCP RST) a given number of times,
pages answered 200 with a broken ``data`` member, an account without API
access (403), a rate limit (429 with ``Retry-After``), and a request log.

Reads filter like ACLED's API: ``country`` (``A|B``), ``event_date`` with
``event_date_where`` (``BETWEEN``, ``>=``, ``<=``), ``timestamp`` with
``timestamp_where`` (``>``, ``>=``, the default ``>=``) and ``fields``
(``a|b``). ``/api/deleted/read`` serves :attr:`FakeAcled.deleted`, filtered by
``deleted_timestamp``. Tests make new editions with :meth:`FakeAcled.add`,
:meth:`FakeAcled.revise` and :meth:`FakeAcled.delete`.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

USERNAME = "analyst@example.org"
PASSWORD = "s3cret-PW!"
FIRST_TIMESTAMP = 1_725_000_000
_COMPARE = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, "=": lambda a, b: a == b}


def server_fixture(rows: int = 12):
    """A pytest fixture serving a :class:`FakeAcled` of ``rows`` events, closed after the test."""

    @pytest.fixture
    def server():
        fake = FakeAcled(rows=rows)
        yield fake
        fake.close()

    return server


def make_rows(n: int) -> list[dict]:
    """ACLED-API-shaped rows (every value a string, as the API sends them)."""
    return [
        {
            "event_id_cnty": f"NIG{90000 + i}",
            "event_date": f"2024-{9 + i % 3:02d}-{1 + i % 28:02d}",
            "year": "2024",
            "time_precision": "1",
            "event_type": ["Battles", "Violence against civilians", "Explosions/Remote violence"][i % 3],
            "sub_event_type": ["Armed clash", "Attack", "Remote explosive/landmine/IED"][i % 3],
            "actor1": "Fake actor",
            "country": "Niger",
            "admin1": "Tillaberi",
            "location": "Tera",
            "latitude": f"{14.0 + i * 0.001:.4f}",
            "longitude": f"{0.75 + i * 0.001:.4f}",
            "geo_precision": "1",
            "fatalities": str(i % 4),
            "notes": f"fake event {i}",
            "timestamp": str(FIRST_TIMESTAMP + i),
        }
        for i in range(n)
    ]


class FakeAcled:
    def __init__(self, rows: int = 12, expire_after_reads: int | None = None, failing_pages=None,
                 error_text: str = "internal error", reset_pages=None, bad_data_pages=None, forbidden=False,
                 rate_limited_pages=None, retry_after: str | None = "1"):
        self.rows = make_rows(rows) if isinstance(rows, int) else [dict(row) for row in rows]  # or given rows
        self.deleted: list[dict] = []  # {"event_id_cnty", "deleted_timestamp"} as /api/deleted/read sends them
        self.forbidden = forbidden  # every read answers 403 (an account without API access)
        self.rate_limited_pages = dict(rate_limited_pages or {})  # page -> how many times it answers 429
        self.retry_after = retry_after  # the 429's Retry-After header (None: no header)
        self.expire_after_reads = expire_after_reads
        self.failing_pages = dict(failing_pages or {})  # page -> how many times it fails
        self.error_text = error_text  # "{token}" becomes the caller's token
        self.reset_pages = dict(reset_pages or {})  # page -> how many times the connection is reset
        self.bad_data_pages = dict(bad_data_pages or {})  # page -> the "data" value of a 200 answer
        self.log: list[dict] = []
        self._tokens: dict[str, int] = {}  # token -> reads served
        self._refresh: set[str] = set()
        self._serial = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def reads(self):
        return [entry for entry in self.log if entry["path"] == "/api/acled/read"]

    def add(self, n: int, timestamp: int, **values) -> list[dict]:
        """Append ``n`` new events uploaded at ``timestamp`` (ids after the last); return them."""
        start = max(int(row["event_id_cnty"].removeprefix("NIG")) for row in self.rows) - 90000 + 1
        new = make_rows(start + n)[start:]
        for row in new:
            row.update(timestamp=str(timestamp), **values)
        self.rows.extend(new)
        return new

    def revise(self, event_id: str, timestamp: int, **changes) -> None:
        """Change an event as ACLED does: new values and a newer ``timestamp``."""
        row = next(row for row in self.rows if row["event_id_cnty"] == event_id)
        row.update(timestamp=str(timestamp), **changes)

    def delete(self, event_id: str, timestamp: int) -> None:
        """Remove an event and list it on the deleted endpoint."""
        self.rows = [row for row in self.rows if row["event_id_cnty"] != event_id]
        self.deleted.append({"event_id_cnty": event_id, "deleted_timestamp": str(timestamp)})

    def _select(self, path: str, params: dict) -> list[dict]:
        """The rows a read of ``path`` with ``params`` asks for, in ACLED's filter syntax."""
        if path == "/api/deleted/read":
            rows = [row for row in self.deleted if _matches(row, "deleted_timestamp", params, ">=", int)]
        else:
            rows = [row for row in self.rows
                    if ("country" not in params or row["country"] in params["country"].split("|"))
                    and _matches(row, "event_date", params, "=", str)
                    and _matches(row, "timestamp", params, ">=", int)]
        if params.get("fields"):
            keep = params["fields"].split("|")
            rows = [{key: value for key, value in row.items() if key in keep} for row in rows]
        return rows

    def _new_token(self):
        self._serial += 1
        token, refresh = f"tok-{self._serial}", f"ref-{self._serial}"
        self._tokens[token] = 0
        self._refresh.add(refresh)
        return {"access_token": token, "refresh_token": refresh, "expires_in": 86400, "token_type": "Bearer"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status, document, headers=None):
                body = json.dumps(document).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _reset(self):
                """Close with a TCP RST (linger 0) before answering: the client sees a connection reset."""
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.request.close()
                self.close_connection = True

            def do_POST(self):
                form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                form = {key: values[0] for key, values in form.items()}
                fake.log.append({"path": self.path, "grant_type": form.get("grant_type")})
                if self.path != "/oauth/token":
                    return self._send(404, {"error": "not found"})
                if form.get("grant_type") == "password" and (form.get("username"), form.get("password")) == (
                    USERNAME,
                    PASSWORD,
                ):
                    return self._send(200, fake._new_token())
                if form.get("grant_type") == "refresh_token" and form.get("refresh_token") in fake._refresh:
                    fake._refresh.discard(form["refresh_token"])
                    return self._send(200, fake._new_token())
                return self._send(401, {"error": "invalid_grant"})

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                params = {key: values[0] for key, values in urllib.parse.parse_qs(url.query).items()}
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                fake.log.append({"path": url.path, "page": params.get("page"), "token": token, "params": params})
                if url.path not in ("/api/acled/read", "/api/deleted/read"):
                    return self._send(404, {"error": "not found"})
                if token not in fake._tokens:
                    return self._send(401, {"error": "invalid token"})
                if fake.expire_after_reads is not None and fake._tokens[token] >= fake.expire_after_reads:
                    return self._send(401, {"error": "token expired"})
                fake._tokens[token] += 1
                page, limit = int(params.get("page", 1)), int(params.get("limit", 5000))
                if fake.forbidden:
                    return self._send(403, {"status": 403, "success": False,
                                            "error": "Access denied: this account has no API access"})
                if fake.rate_limited_pages.get(page, 0) > 0:
                    fake.rate_limited_pages[page] -= 1
                    headers = {} if fake.retry_after is None else {"Retry-After": fake.retry_after}
                    return self._send(429, {"status": 429, "success": False, "error": "Too many requests"}, headers)
                if fake.reset_pages.get(page, 0) > 0:
                    fake.reset_pages[page] -= 1
                    return self._reset()
                if fake.failing_pages.get(page, 0) > 0:
                    fake.failing_pages[page] -= 1
                    return self._send(500, {"error": fake.error_text.replace("{token}", token)})
                if page in fake.bad_data_pages:
                    return self._send(200, {"status": 200, "success": True, "data": fake.bad_data_pages[page]})
                data = fake._select(url.path, params)[(page - 1) * limit : page * limit]
                return self._send(200, {"status": 200, "success": True, "count": len(data), "data": data})

        return Handler


def _matches(row: dict, name: str, params: dict, default: str, kind) -> bool:
    """Whether ``row`` passes the filter ``name`` (with ``name_where``) of ``params``; no filter passes."""
    if name not in params:
        return True
    where = params.get(f"{name}_where", default).upper()
    value = kind(row[name])
    if where == "BETWEEN":
        low, high = (kind(part) for part in params[name].split("|"))
        return low <= value <= high
    return _COMPARE[where](value, kind(params[name]))
