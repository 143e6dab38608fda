"""``geo-coi fetch-acled``: download ACLED events through the API, cached on disk, or keep a store of editions."""

from __future__ import annotations

import datetime as dt
import shutil
import sys

import click

from geo_coi import country as _country
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
@click.option("--country", multiple=True, help="Country as ACLED spells it (repeat for several). Default: the "
                                               "default country pack's, or the store's countries with --update.")
@click.option("--start", help="First day, YYYY-MM-DD (with --update: of a new store; default all history).")
@click.option("--end", help="Last day, YYYY-MM-DD (inclusive; not with --update).")
@click.option("--accept-terms", is_flag=True, help="Confirm you accept ACLED's terms of use (required).")
@click.option("--out", type=click.Path(dir_okay=False), help="Also copy the result to this JSON file.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help="Cache folder (default ~/.cache/geo_coi/acled).")
@click.option("--api-url", envvar="ACLED_API_URL", default=None, help="API base URL (default https://acleddata.com).")
@click.option("--refresh", is_flag=True, help="Fetch again even if this query is cached.")
@click.option("--fields", help="Only these columns, comma-separated (smaller downloads). Default: all.")
@click.option("--update", is_flag=True, help="Bring the store of editions up to date (new, revised and deleted "
                                             "events since its latest edition); the first run pulls everything.")
@click.option("--list", "list_editions", is_flag=True, help="List the store's editions and exit.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Store folder (default ~/.cache/geo_coi/acled/store).")
def fetch_acled(country, start, end, accept_terms, out, cache_dir, api_url, refresh, fields, update, list_editions,
                store_dir):
    """Download ACLED events through ACLED's API, or keep a local store of dated editions.

    Credentials come from ACLED_USERNAME (or ACLED_EMAIL) and ACLED_PASSWORD,
    or a prompt; they are never logged or written. Token and data are cached:
    a query already fetched is not fetched again (public-sector accounts have
    few downloads a year). The file it prints is an input for
    `geo-coi annex --events FILE`.

    \b
    With --update it keeps a store instead: each run is a dated edition
    (GeoParquet), made from only what changed since the last one. Build a
    report from any edition with `geo-coi annex --edition DATE` or
    `--events STORE@DATE`.

    \b
    Examples:
      geo-coi fetch-acled --country Mali --start 2024-09-01 --end 2025-05-30 --accept-terms
      geo-coi fetch-acled --update --country Mali --country "Burkina Faso" --start 2015-01-01 --accept-terms
      geo-coi fetch-acled --update --accept-terms
      geo-coi fetch-acled --list
    """
    from geo_coi import store
    from geo_coi.sources.acled_api import DEFAULT_API_URL
    from geo_coi.sources.acled_api import fetch_acled as fetch

    columns = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    if list_editions:
        _echo_editions(store_dir or store.default_store_dir(), store.editions(store_dir))
        return
    if update:
        if end or refresh or out:
            raise click.UsageError("--update keeps every edition up to today: --end, --refresh and --out do not apply")
        entry = store.update(store_dir, accept_terms=accept_terms, country=country or None, start=start,
                             fields=columns, credentials=_credentials, api_url=api_url or DEFAULT_API_URL,
                             cache_dir=cache_dir)
        where = store_dir or store.default_store_dir()
        counts = entry["counts"]
        click.echo(f"edition {entry['id']} in {where}: {counts['events']} events ({counts['new']} new, "
                   f"{counts['revised']} revised, {counts['deleted']} deleted); build a report from it with "
                   f"geo-coi annex --edition {entry['id']}" + (f" --store {store_dir}" if store_dir else ""))
        return
    if not (start and end):
        raise click.UsageError("give --start and --end (or --update to keep a store of editions)")
    path = fetch(
        list(country) or _country.get().name(),
        start,
        end,
        accept_terms=accept_terms,
        credentials=_credentials,
        api_url=api_url or DEFAULT_API_URL,
        cache_dir=cache_dir,
        refresh=refresh,
        fields=columns,
    )
    if out:
        try:
            shutil.copyfile(path, out)
        except OSError as exc:
            raise InputError(f"cannot copy the result to --out {out}: {exc}; the data stay cached in {path}") from None
        path = out
    click.echo(path)


def _credentials():
    """The environment's ACLED credentials, else a prompt (called only when a token is needed)."""
    from geo_coi.sources.acled_api import Credentials

    return Credentials.from_env() or _prompt_credentials()


def _echo_editions(where, entries) -> None:
    """One line per edition: id, access date, counts, latest ACLED timestamp (UTC date)."""
    click.echo(f"{len(entries)} edition(s) in {where}")
    click.echo(f"{'edition':<14}{'accessed':<12}{'events':>8}{'new':>7}{'revised':>9}{'deleted':>9}  data as of")
    for entry in entries:
        counts = entry["counts"]
        as_of = dt.datetime.fromtimestamp(entry["latest_timestamp"], dt.UTC).date().isoformat()
        click.echo(f"{entry['id']:<14}{entry['access_date']:<12}{counts['events']:>8}{counts['new']:>7}"
                   f"{counts['revised']:>9}{counts['deleted']:>9}  {as_of}")
