"""Open local HTML files in Debian's headless Chromium with every non-file request blocked.

Usage (pytest)::

    from browser import open_browser
    with open_browser() as browser:
        page = browser.open(path)          # a playwright Page, loaded
        browser.requests_blocked           # URLs the page tried to fetch outside file:
        browser.console_errors             # console errors and uncaught page errors

When ``/usr/bin/chromium`` (or playwright) is missing, :func:`require_chromium`
fails the test if the environment variable ``CI`` is set and skips it otherwise.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SERVED_ORIGIN = "http://127.0.0.1:9/"  # Browser.open_served answers it from disk
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def require_chromium():
    """Skip (or fail under ``CI``) when Chromium or playwright is not available."""
    problem = None
    if not Path(CHROMIUM).is_file():
        problem = f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed: pip install -e '.[test]'"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


class Browser:
    """One Chromium instance; :meth:`open` loads a file in a fresh page with network blocked."""

    def __init__(self, browser):
        self._browser = browser
        self.requests_blocked: list[str] = []
        self.console_errors: list[str] = []

    def open(self, path, *, viewport=(1200, 850), wait_until="load"):
        """Open ``path`` (a local file) and return the playwright Page after ``wait_until``."""
        page = self._browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.route("**/*", self._route)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.goto(Path(path).resolve().as_uri(), wait_until=wait_until)
        return page

    def open_served(self, path, *, csp=None, viewport=(1200, 850), wait_until="load"):
        """Open ``path`` as if served over http by a host with Content-Security-Policy ``csp``.

        The files of its folder are answered from disk under ``SERVED_ORIGIN``
        (playwright fulfils the requests: no socket is opened); any other URL is
        blocked. CSP violations are collected in the page's ``window.__csp``.
        """
        folder = Path(path).resolve().parent
        page = self._browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

        def serve(route):
            url = route.request.url
            target = folder / url[len(SERVED_ORIGIN):].split("?")[0] if url.startswith(SERVED_ORIGIN) else None
            if target is None or not target.is_file() or folder not in target.resolve().parents:
                self.requests_blocked.append(url)
                route.abort()
                return
            types = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
            headers = {"Content-Type": types.get(target.suffix, "application/octet-stream")}
            if csp:
                headers["Content-Security-Policy"] = csp
            route.fulfill(status=200, headers=headers, body=target.read_bytes())

        page.route("**/*", serve)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.goto(f"{SERVED_ORIGIN}{Path(path).name}", wait_until=wait_until)
        return page

    def _route(self, route):
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests_blocked.append(url)
            route.abort()


@contextlib.contextmanager
def open_browser():
    """Launch headless Chromium; yields a :class:`Browser`."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield Browser(browser)
        finally:
            browser.close()
