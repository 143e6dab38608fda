"""Fixtures shared by the test modules: the bundled event files read once per session, a CLI runner
and one headless Chromium.

The event frames are read and joined once; each module gets its own copy, so a test that edits
its frame never changes another module's.
"""

import sys
from importlib.resources import files
from pathlib import Path

import pytest

# tests/ helpers (fake servers, browser launcher) import as plain modules
sys.path.insert(0, str(Path(__file__).parent))

EVENTS_DIR = Path(str(files("geo_coi") / "countries" / "ner" / "events"))
UCDP_FILE = EVENTS_DIR / "ucdp_ged251_niger_2015_2024_gednames.csv"
DEMO_FILE = Path(str(files("geo_coi") / "data" / "demo" / "niger_acled_SYNTHETIC_2023-05-01_2025-05-30.csv"))


@pytest.fixture(scope="session")
def _ucdp_read():
    from geo_coi.sources import read_events

    return read_events(UCDP_FILE).events


@pytest.fixture(scope="session")
def _ucdp_joined(_ucdp_read):
    from geo_coi.join import join_admin

    return join_admin(_ucdp_read).events


@pytest.fixture(scope="session")
def _demo_joined():
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    return join_admin(read_events(DEMO_FILE).events).events


@pytest.fixture(scope="module")
def ucdp_events(_ucdp_read):
    """The bundled UCDP GED events, read (canonical columns, not joined)."""
    return _ucdp_read.copy()


@pytest.fixture(scope="module")
def ucdp_joined(_ucdp_joined):
    """The bundled UCDP GED events, read and joined to the admin units."""
    return _ucdp_joined.copy()


@pytest.fixture(scope="module")
def demo_joined(_demo_joined):
    """The bundled SYNTHETIC demo events (the default config's file), read and joined."""
    return _demo_joined.copy()


@pytest.fixture(scope="module")
def runner():
    """A click CliRunner (stdout and stderr kept apart)."""
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (see tests/browser.py); pages are opened per test."""
    from browser import open_browser

    with open_browser() as opened:
        yield opened
