"""``geo-coi fetch-acled``: download ACLED events through the API, cached on disk."""

from __future__ import annotations

import shutil
import sys

import click

from geo_coi.errors import FetchError, InputError


def _prompt_credentials():
    """Ask for the ACLED e-mail and password on a terminal (never echoed); refuse elsewhere."""
    from geo_coi.sources.acled_api import Credentials

    if not sys.stdin.isatty():
        raise FetchError("no ACLED credentials: set ACLED_USERNAME and ACLED_PASSWORD")
    username = click.prompt("ACLED account e-mail", err=True)
    password = click.prompt("ACLED password", hide_input=True, err=True)
    return Credentials(username, password)


@click.command("fetch-acled")
@click.option("--country", default="Niger", show_default=True, help="Country as ACLED spells it.")
@click.option("--start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", required=True, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--accept-terms", is_flag=True, help="Confirm you accept ACLED's terms of use (required).")
@click.option("--out", type=click.Path(dir_okay=False), help="Also copy the result to this JSON file.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder (default ~/.cache/geo_coi/acled).")
@click.option("--api-url", envvar="ACLED_API_URL", default=None, help="API base URL (default https://acleddata.com).")
@click.option("--refresh", is_flag=True, help="Fetch again even if this query is cached.")
def fetch_acled(country, start, end, accept_terms, out, cache_dir, api_url, refresh):
    """Download ACLED events for a country and period through ACLED's API.

    Credentials come from ACLED_USERNAME (or ACLED_EMAIL) and ACLED_PASSWORD,
    or a prompt; they are never logged or written. Token and data are cached:
    a query already fetched is not fetched again (public-sector accounts have
    few downloads a year). The file it prints is an input for
    `geo-coi annex --events FILE`.
    """
    from geo_coi.sources.acled_api import DEFAULT_API_URL, Credentials, fetch_acled as fetch

    path = fetch(
        country,
        start,
        end,
        accept_terms=accept_terms,
        credentials=lambda: Credentials.from_env() or _prompt_credentials(),
        api_url=api_url or DEFAULT_API_URL,
        cache_dir=cache_dir,
        refresh=refresh,
    )
    if out:
        try:
            shutil.copyfile(path, out)
        except OSError as exc:
            raise InputError(f"cannot copy the result to --out {out}: {exc}; the data stay cached in {path}") from None
        path = out
    click.echo(path)
