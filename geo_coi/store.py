"""A local store of ACLED editions: dated snapshots kept up to date by incremental API reads.

ACLED revises its past (late events, corrected fatalities, re-coded and deleted
events), and a public-sector account has few downloads a year. The store pulls
a country's events once, then each :func:`update` asks only for events whose
``timestamp`` is newer than the store's latest and for the events deleted
since the last fetch (``/api/deleted/read``), and applies both. Every update
is kept as an *edition*: a full, dated snapshot of the events as ACLED had
them on that day, so any report can be rebuilt from the edition it was made
from (``geo-coi annex --edition DATE`` or ``--events STORE@DATE``).

Layout of a store folder (default ``~/.cache/geo_coi/acled/store``)::

    index.json                    the store's query and one entry per edition:
                                  id, access date, request, counts, latest timestamp, sha256
    editions/2025-06-05.parquet   one GeoParquet file per edition
    .incoming/                    pages of an update under way (a rerun resumes them)

Editions are GeoParquet 1.1 files (points in OGC:CRS84, ACLED's columns as the
text the API sent, so an edition reads exactly like the API's JSON). GeoParquet
rather than a GeoPackage or DuckDB: one immutable, compressed file per edition
that geopandas, pandas, R (sfarrow/geoarrow), DuckDB and QGIS (GDAL >= 3.8) open
directly, written byte-for-byte reproducibly without SQLite's timestamps; the
edition's metadata (access date, query, counts) travel inside it.

Rules: an event id (``event_id_cnty``) appears once per edition, the copy with
the newest ``timestamp`` (on a tie, the one received last); an event is deleted
when the deleted endpoint lists it with a ``deleted_timestamp`` not older than
its own. Writes are atomic (the edition file first, then the index), so a
killed update leaves the previous editions intact; a second update of the same
store at the same time is refused. Files are mode 0600 in 0700 folders: ACLED's
terms forbid redistributing the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from geo_coi.atomic import atomic_path, write_text
from geo_coi.errors import FetchError, InputError
from geo_coi.manifest import sha256_file
from geo_coi.sources.acled_api import (
    DEFAULT_API_URL,
    DELETED_PATH,
    PAGE_LIMIT,
    Query,
    Session,
    check_not_empty,
    check_terms,
    default_cache_dir,
    fetch_pages,
    remove_pages,
    writable_dir,
)

INDEX_NAME = "index.json"
EDITIONS_DIR = "editions"
INCOMING_DIR = ".incoming"
STORE_FORMAT = "geo_coi ACLED store"
ID = "event_id_cnty"
TIMESTAMP = "timestamp"
# An update needs these whatever --fields says: identity, revision time, and what a map needs.
NEEDED_FIELDS = (ID, "event_date", "event_type", "latitude", "longitude", TIMESTAMP)
_EDITION_ID = re.compile(r"^\d{4}-\d{2}-\d{2}(\.\d+)?$")


def default_store_dir() -> Path:
    """``store/`` in the ACLED cache folder (``~/.cache/geo_coi/acled/store``)."""
    return default_cache_dir() / "store"


def update(store_dir=None, *, accept_terms: bool, country=None, start=None, fields=None, credentials=None,
           api_url: str = DEFAULT_API_URL, cache_dir=None, page_limit: int = PAGE_LIMIT,
           access_date=None) -> dict:
    """Bring a store up to date: a first full pull, or new/revised events and deletions since the last edition.

    Parameters
    ----------
    store_dir : path-like, optional
        Default :func:`default_store_dir`; created on the first update.
    accept_terms : bool
        Must be True (ACLED's terms of use).
    country : str or sequence of str, optional
        Needed for a new store; for an existing one it must be the store's (or None).
    start : str, optional
        First event date (ISO) of a new store; default all of the countries' history.
    fields : sequence of str, optional
        Columns to download (a new store only; must include :data:`NEEDED_FIELDS`).
    credentials, api_url, cache_dir, page_limit
        As for :func:`geo_coi.sources.acled_api.fetch_acled` (the token is cached in ``cache_dir``).
    access_date : datetime.date or str, optional
        The day of this fetch (default today, UTC): names the edition.

    Returns
    -------
    dict
        The new edition's index entry (``id``, ``file``, ``access_date``, ``counts`` ...).

    Raises
    ------
    InputError
        Terms not accepted, a country other than the store's, a store folder that
        cannot be written, or a damaged index.
    FetchError
        As for :func:`~geo_coi.sources.acled_api.fetch_acled`; also a first pull
        with no events, or rows without ``event_id_cnty`` / integer ``timestamp``.
    """
    check_terms(accept_terms)
    store = Path(store_dir) if store_dir else default_store_dir()
    writable_dir(store, "ACLED store folder", "pass --store (store_dir=)")
    day = _day(access_date)
    with _locked(store):
        index = _load_index(store, create=True)
        query = _store_query(index, country, start, fields)
        session = Session(api_url.rstrip("/"), Path(cache_dir) if cache_dir else default_cache_dir(), credentials)
        previous = index["editions"][-1] if index["editions"] else None
        request = _request_params(query, previous)
        incoming = store / INCOMING_DIR / _key(request, day)
        writable_dir(store / INCOMING_DIR, "ACLED store folder", "pass --store (store_dir=)")
        writable_dir(incoming, "ACLED store folder", "pass --store (store_dir=)")
        fetched_unix = _started(incoming)
        rows = fetch_pages(session, request, incoming / "events", page_limit)
        if previous is None:
            check_not_empty(rows, query)
            deletions = []
        else:
            deletions = fetch_pages(session, _deleted_params(previous), incoming / "deleted", page_limit,
                                    path=DELETED_PATH)
        old = _read_frame(store / previous["file"]) if previous else pd.DataFrame(columns=[ID, TIMESTAMP])
        frame, counts = _merge(old, _received(rows, "events"), _received(deletions, "deleted events"))
        latest = max([previous["latest_timestamp"] if previous else 0, *(int(row[TIMESTAMP]) for row in rows)])
        entry = {
            "id": _edition_id(index, day),
            "access_date": day,
            "fetched_at": dt.datetime.fromtimestamp(fetched_unix, dt.UTC).isoformat(timespec="seconds"),
            "fetched_unix": fetched_unix,
            "api_url": api_url,
            "request": request,
            "deleted_since": previous["fetched_unix"] if previous else None,
            "counts": counts,
            "latest_timestamp": latest,
        }
        _write_edition(store, index, frame, entry)
        for stale in (store / INCOMING_DIR).glob("*"):
            _remove_incoming(stale)
        (store / INCOMING_DIR).rmdir()
        return entry


def editions(store_dir=None) -> list[dict]:
    """The store's editions, oldest first (their index entries).

    Parameters
    ----------
    store_dir : path-like, optional
        Default :func:`default_store_dir`.

    Returns
    -------
    list of dict

    Raises
    ------
    InputError
        The folder is not a store (no ``index.json``) or its index is damaged.
    """
    return _load_index(Path(store_dir) if store_dir else default_store_dir())["editions"]


def edition_path(store_dir=None, date=None) -> Path:
    """The GeoParquet file of one edition.

    Parameters
    ----------
    store_dir : path-like, optional
        Default :func:`default_store_dir`.
    date : str or datetime.date, optional
        An edition id: its access date (``"2025-06-05"``), ``"2025-06-05.2"``
        for a second update that day; None or ``"latest"`` for the latest.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        No such edition (the message lists the store's editions).
    """
    store = Path(store_dir) if store_dir else default_store_dir()
    return store / _find(store, _load_index(store)["editions"], date)["file"]


def read_edition(store_dir=None, date=None):
    """One edition's events as ACLED sent them (every column text) with their points.

    This is the table for comparing editions (``geo-coi changes``); to read an
    edition into the canonical event table, pass ``STORE@DATE`` (or the path
    from :func:`edition_path`) to :func:`geo_coi.sources.read_events`.

    Parameters
    ----------
    store_dir : path-like, optional
        Default :func:`default_store_dir`.
    date : str or datetime.date, optional
        As for :func:`edition_path`; default the latest edition.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per event (``event_id_cnty`` unique), sorted by ``event_date``
        and id; OGC:CRS84 / EPSG:4326 points (None where the coordinates are not
        numbers). ``attrs["edition"]`` is the edition's index entry plus ``store``
        and ``path``.
    """
    import geopandas

    path = edition_path(store_dir, date)
    events = geopandas.read_parquet(path)
    meta = json.loads(pq.read_schema(path).metadata[b"geo_coi"])
    events.attrs["edition"] = {**meta["edition"], "store": str(path.parent.parent), "path": str(path)}
    return events


def resolve_events(spec) -> Path:
    """The file an events argument names: a file as it is, ``STORE@DATE`` or a store folder as an edition's file.

    The one place where ``STORE@DATE`` (``DATE`` as for :func:`edition_path`,
    e.g. ``~/.cache/geo_coi/acled/store@2025-06-05``) is understood; a bare
    store folder means its latest edition.

    Parameters
    ----------
    spec : str or path-like

    Returns
    -------
    pathlib.Path
        For anything that is not a store spec, ``Path(spec)`` unchanged (the
        reader then says if it is missing).

    Raises
    ------
    InputError
        ``STORE@DATE`` whose store is not a store, or that has no such edition.
    """
    path = Path(os.path.expanduser(str(spec)))
    if path.is_file():
        return path
    if path.is_dir() and (path / INDEX_NAME).is_file():
        return edition_path(path)
    store, at, date = str(spec).rpartition("@")
    if not at or not store:
        return path
    store = Path(os.path.expanduser(store))
    if not (store / INDEX_NAME).is_file():
        raise InputError(f"{spec}: {store} is not an ACLED store (no {INDEX_NAME}); make one with "
                         f"geo-coi fetch-acled --update --store {store} --country NAME --accept-terms")
    return edition_path(store, date)


def edition_record(edition) -> dict | None:
    """What a report's manifest records of the edition it was made from (None when not from a store).

    Parameters
    ----------
    edition : dict or None
        ``attrs["edition"]`` of events read from an edition.

    Returns
    -------
    dict or None
        ``id``, ``access_date``, ``fetched_at``, ``counts``, ``latest_timestamp``
        (and as ``data_as_of``, UTC date), ``request`` (the API query of that update).
    """
    if not edition:
        return None
    record = {key: edition.get(key) for key in ("id", "access_date", "fetched_at", "counts", "latest_timestamp",
                                                  "request")}
    if edition.get("latest_timestamp"):
        latest = dt.datetime.fromtimestamp(int(edition["latest_timestamp"]), dt.UTC)
        record["data_as_of"] = latest.date().isoformat()
    return record


# --- steps of an update ----------------------------------------------------------------------------
def _day(access_date) -> str:
    if access_date is None:
        return dt.datetime.now(dt.UTC).date().isoformat()
    try:
        return dt.date.fromisoformat(str(access_date)).isoformat()
    except ValueError:
        raise InputError(f"access date {access_date!r} is not an ISO date (YYYY-MM-DD)") from None


@contextlib.contextmanager
def _locked(store: Path):
    """Hold the store's lock (``.lock`` in it): a second update at the same time is refused."""
    descriptor = os.open(store / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "r+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"the ACLED store {store} is being updated by another run; wait for it to "
                             "finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_index(store: Path, create: bool = False) -> dict:
    path = store / INDEX_NAME
    if not path.is_file():
        if create:
            return {"format": STORE_FORMAT, "version": 1, "query": None, "editions": []}
        raise InputError(f"{store} is not an ACLED store (no {INDEX_NAME}); make one with "
                         f"geo-coi fetch-acled --update --store {store} --country NAME --accept-terms")
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        if index.get("format") != STORE_FORMAT or not isinstance(index.get("editions"), list):
            raise ValueError("not a store index")
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: damaged store index ({exc}); restore it from a backup, or start a new "
                         "store with --store") from None
    return index


def _store_query(index: dict, country, start, fields) -> Query:
    """The store's query; a new store's from the arguments (recorded in ``index``)."""
    countries = (country,) if isinstance(country, str) else tuple(country or ())
    if index["query"] is None:
        if not countries:
            raise InputError("a new ACLED store needs --country (as ACLED spells it, e.g. --country 'Burkina Faso')")
        fields = tuple(fields or ())
        missing = [name for name in NEEDED_FIELDS if fields and name not in fields]
        if missing:
            raise InputError(f"--fields must include {', '.join(missing)} (an update needs them)")
        start = None if start is None else _day(start)
        index["query"] = {"country": list(countries), "start": start, "fields": list(fields)}
    stored = index["query"]
    if countries and sorted(c.lower() for c in countries) != sorted(c.lower() for c in stored["country"]):
        raise InputError(f"this store holds {' | '.join(stored['country'])}, not {' | '.join(countries)}: "
                         "use --store with another folder for other countries")
    names = tuple(stored["country"])
    return Query(names[0] if len(names) == 1 else names, stored["start"], None, fields=tuple(stored["fields"]))


def _request_params(query: Query, previous) -> dict:
    """The events request: everything for a new store, else what changed after the latest timestamp."""
    params = query.params()
    if previous is not None:
        params.update(timestamp=str(previous["latest_timestamp"]), timestamp_where=">")
    return params


def _deleted_params(previous: dict) -> dict:
    """Deletions since the previous edition was fetched (the endpoint covers every country)."""
    return {"_format": "json", "deleted_timestamp": str(previous["fetched_unix"]), "deleted_timestamp_where": ">="}


def _started(incoming: Path) -> int:
    """When this update's first page was asked for (kept across a resume: the next update's deletions start there)."""
    mark = incoming / "started"
    if mark.is_file() and mark.read_text(encoding="ascii").strip().isdigit():
        return int(mark.read_text(encoding="ascii"))
    now = int(time.time())
    write_text(mark, f"{now}\n")
    os.chmod(mark, 0o600)
    return now


def _key(request: dict, day: str) -> str:
    return hashlib.sha256(json.dumps([request, day], sort_keys=True).encode()).hexdigest()[:16]


def _received(rows: list, what: str) -> pd.DataFrame:
    """API rows as a text table; every row must carry an id and an integer timestamp."""
    stamp = "deleted_timestamp" if what == "deleted events" else TIMESTAMP
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=[ID, stamp])
    frame = frame.astype(object).where(frame.notna(), "").astype(str).astype(object)
    for column in (ID, stamp):
        if column not in frame:
            raise FetchError(f"ACLED's {what} have no {column!r} column: keep it in --fields (the store needs it)")
    bad = ~frame[stamp].str.fullmatch(r"\d+") | (frame[ID].str.strip() == "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise FetchError(f"ACLED's {what}, row {row + 1} ({ID} {frame[ID].iloc[row]!r}): {stamp} "
                         f"{frame[stamp].iloc[row]!r} is not a Unix time or the id is empty; nothing was stored, "
                         "try again later")
    return frame


def _merge(old: pd.DataFrame, received: pd.DataFrame, deletions: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The new edition (newest timestamp per id, deletions applied) and what changed since ``old``."""
    first = list(old.columns) if len(old) else list(received.columns)  # the API's column order for a new store
    columns = first + [c for c in [*old.columns, *received.columns] if c not in first]
    both = pd.concat([old.reindex(columns=columns), received.reindex(columns=columns)], ignore_index=True)
    both = both.fillna("").astype(object)
    stamps = both[TIMESTAMP].astype("int64").to_numpy()
    merged = both.iloc[np.lexsort((np.arange(len(both)), stamps))].drop_duplicates(ID, keep="last")
    if len(deletions):
        deleted_at = deletions.assign(at=deletions["deleted_timestamp"].astype("int64")).groupby(ID)["at"].max()
        when = merged[ID].map(deleted_at)
        gone = when.notna().to_numpy() & (when.fillna(-1).to_numpy() >= merged[TIMESTAMP].astype("int64").to_numpy())
        merged = merged[~gone]
    if "event_date" in merged:
        merged = merged.sort_values(["event_date", ID], kind="stable")
    else:
        merged = merged.sort_values(ID, kind="stable")
    merged = merged.reset_index(drop=True)
    after = merged.set_index(ID)
    common = after.index.intersection(old[ID])
    previous = old.reindex(columns=columns).fillna("").astype(object).set_index(ID).loc[common, after.columns]
    revised = int((after.loc[common] != previous).any(axis=1).sum()) if len(common) else 0
    known = set(both[ID])
    counts = {
        "events": int(len(merged)),
        "new": int((~merged[ID].isin(set(old[ID]))).sum()),
        "revised": revised,
        "deleted": int((~old[ID].isin(set(merged[ID]))).sum()),
        "received": int(len(received)),
        "deletions_received": int(len(deletions)),
        "deletions_not_in_store": int((~deletions[ID].isin(known)).sum()) if len(deletions) else 0,
    }
    return merged, counts


def _edition_id(index: dict, day: str) -> str:
    """``day``, or ``day.2``, ``day.3`` ... for a further update the same day."""
    taken = {entry["id"] for entry in index["editions"]}
    if day not in taken:
        return day
    return next(f"{day}.{n}" for n in range(2, len(taken) + 2) if f"{day}.{n}" not in taken)


def _write_edition(store: Path, index: dict, frame: pd.DataFrame, entry: dict) -> None:
    """Write the edition's GeoParquet file, then the index listing it (each atomically, mode 0600)."""
    folder = store / EDITIONS_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{entry['id']}.parquet"
    entry["file"] = f"{EDITIONS_DIR}/{target.name}"
    metadata = {"edition": {k: v for k, v in entry.items() if k != "file"}, "store_query": index["query"],
                "access_date": entry["access_date"], "query": entry["request"]}
    with atomic_path(target) as temporary:
        pq.write_table(_geoparquet(frame, metadata), temporary, compression="zstd")
        os.chmod(temporary, 0o600)
    entry.update(bytes=target.stat().st_size, sha256=sha256_file(target))
    index["editions"].append(entry)
    index_path = store / INDEX_NAME
    write_text(index_path, json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    os.chmod(index_path, 0o600)


def _geoparquet(frame: pd.DataFrame, metadata: dict) -> pa.Table:
    """ACLED's columns as text plus a WKB point column, with GeoParquet 1.1 ``geo`` metadata."""
    lon = pd.to_numeric(frame.get("longitude", pd.Series("", index=frame.index)), errors="coerce").to_numpy()
    lat = pd.to_numeric(frame.get("latitude", pd.Series("", index=frame.index)), errors="coerce").to_numpy()
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    points = np.full(len(frame), None, dtype=object)
    points[valid] = shapely.points(lon[valid], lat[valid])
    arrays = [pa.array(frame[column].astype(str).tolist(), pa.string()) for column in frame.columns]
    arrays.append(pa.array(shapely.to_wkb(points).tolist(), pa.binary()))
    bbox = [float(lon[valid].min()), float(lat[valid].min()), float(lon[valid].max()),
            float(lat[valid].max())] if valid.any() else []
    geo = {"version": "1.1.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"],
                                    **({"bbox": bbox} if bbox else {})}}}
    schema_metadata = {b"geo": json.dumps(geo).encode(), b"geo_coi": json.dumps(metadata, sort_keys=True).encode()}
    return pa.table(arrays, names=[*map(str, frame.columns), "geometry"]).replace_schema_metadata(schema_metadata)


def _read_frame(path: Path) -> pd.DataFrame:
    """An edition's ACLED columns as text (object dtype), without the geometry."""
    if not path.is_file():
        raise InputError(f"{path}: an edition listed in the store's index is missing; restore it from a backup")
    table = pq.read_table(path)
    frame = table.drop_columns(["geometry"]).to_pandas()
    return frame.astype(object).where(frame.notna(), "")


def _remove_incoming(folder: Path) -> None:
    """Delete an update's pages once its edition is written (or a stale one's)."""
    for part in sorted(folder.glob("*")):
        if part.is_dir():
            remove_pages(part)
    shutil.rmtree(folder, ignore_errors=True)


def _find(store: Path, entries: list, date) -> dict:
    """The edition ``date`` names (see :func:`edition_path`)."""
    if not entries:
        raise InputError(f"the ACLED store {store} has no editions yet; run geo-coi fetch-acled --update")
    if date is None or str(date).strip().lower() in ("", "latest"):
        return entries[-1]
    wanted = str(date).strip()
    if not _EDITION_ID.match(wanted):
        raise InputError(f"{store}@{wanted}: an edition is named by its date, YYYY-MM-DD (or YYYY-MM-DD.2 for a "
                         "second update that day), or 'latest'")
    for entry in entries:
        if entry["id"] == wanted:
            return entry
    listed = ", ".join(entry["id"] for entry in entries)
    raise InputError(f"the ACLED store {store} has no edition {wanted}; its editions: {listed} "
                     "(geo-coi fetch-acled --list)")
