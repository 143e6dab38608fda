"""One call regenerates a report's whole output set: :func:`run_annex`.

Config in (:mod:`geo_coi.config`), events file in; out comes
``outputs/<report-id>/`` with

- ``maps/``: Annex 1 and 2, the choropleths, density, hexbin, displacement and
  armed-group maps (PNG 300 dpi, PDF, SVG);
- ``charts/``: the report's charts (Grafiek 1-8);
- ``html/``: the interactive map, self-contained;
- ``tables/``: every table as CSV and Markdown, plus ``tables.xlsx`` (a sheet per table);
- ``data/``: the rejects, the density GeoTIFF and ``<report-id>.gpkg`` (joined
  events and aggregates per admin level, styled for QGIS);
- ``text/`` and ``word/``: the report-ready paragraphs in every language, and the
  Word files (``tables.docx``, ``sections_<language>.docx``);
- ``index.html`` (a gallery of all of it) and ``manifest.json``.

The run is a list of steps (:data:`STEPS`, name -> function), each timed by
:class:`geo_coi.progress.Progress`. A renderer that is not installed is
skipped with a note; one that fails is recorded as failed, the other outputs
are still written, and the run ends with an error naming the failed steps.

Files are staged in a hidden folder beside the output folder, each reopened
after writing (:mod:`geo_coi.verify`); a failed step's files are dropped, and
the complete set replaces the output folder in one step (:mod:`geo_coi.publish`),
so a killed run leaves the old complete set or the new one, never a mix. Same
input and config -> byte-identical files, except ``manifest.json`` (times).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
from importlib import import_module
from pathlib import Path
from typing import Callable

from geo_coi import publish, step_pool
from geo_coi.config import ReportConfig, check_places, load_config
from geo_coi.errors import GeoCOIError, InputError, OutputError
from geo_coi.manifest import MANIFEST_NAME, Manifest
from geo_coi.progress import Progress, SkipStep
from geo_coi.store import edition_record, resolve_events

OUTPUTS_DIR = "outputs"
TABLE_CAPTIONS = {
    "national_by_event_type": "{country}: incidents and fatalities by event type, against a year earlier",
    "national_by_sub_event_type": "{country}: incidents and fatalities by sub-event type, against a year earlier",
    "civilian_targeting_by_actor": "Civilian targeting: incidents and fatalities by actor",
    "by_region": "Every region: incidents, fatalities, population, rates per 100,000",
    "by_region_and_event_type": "Incidents and fatalities by region and event type",
    "by_department": "Every department: incidents and fatalities",
    "by_commune": "Every commune: incidents and fatalities",
    "monthly_by_event_type": "Incidents and fatalities per month and event type (chart window)",
    "all_events_by_region": "All accepted events by region (any type, any date): checks the manifest's counts",
    "admin_agreement": "Events whose source region/department differs from the joined one",
    "tables": "All tables, one sheet each",
}


# --- the run's state ---------------------------------------------------------------------------
@dataclasses.dataclass
class AnnexRun:
    """State shared by the steps of one run (what each step reads and adds).

    Attributes
    ----------
    config : ReportConfig
    language : str
    events_path : pathlib.Path
    staging : pathlib.Path
        Where steps write; :func:`run_annex` swaps it in as the output folder at the end.
    read, join : objects returned by :func:`geo_coi.sources.read_events` and
        :func:`geo_coi.join.join_admin`.
    events : geopandas.GeoDataFrame
        Joined events (every type and date).
    event_types : tuple of str
        Types the report counts (the config's, or UCDP's own for a UCDP file).
    tables : dict of str -> pandas.DataFrame
    captions : dict of str -> str
        Output stem (``maps/annex1_nl``) -> caption for the gallery.
    notes : list of str
        Warnings printed at the top of the gallery and kept in the manifest.
    """

    config: ReportConfig
    language: str
    events_path: Path
    staging: Path
    progress: Progress
    read: object = None
    join: object = None
    events: object = None
    event_types: tuple = ()
    tables: dict = dataclasses.field(default_factory=dict)
    captions: dict = dataclasses.field(default_factory=dict)
    notes: list = dataclasses.field(default_factory=list)
    density_tif: Path | None = None
    date_format: str | None = None
    access_date: object = None
    asked_window: object = None  # the config's chart window before it is cut to the data
    share: str = "internal"  # sharing level (geo_coi.sharing): "public" leaves out ACLED event rows
    left_out: list = dataclasses.field(default_factory=list)  # outputs the sharing level left out

    def stem(self, folder: str, name: str, caption: str, localized: bool = True) -> Path:
        """Staging path stem ``<folder>/<name>[_<language>]``, recording its gallery caption."""
        relative = f"{folder}/{name}_{self.language}" if localized else f"{folder}/{name}"
        self.captions[relative] = caption
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of the run: ``function(run)``; ``core`` steps stop the run when they fail."""

    name: str
    function: Callable
    core: bool = False


def api(module: str, name: str):
    """``module.name``, or :class:`SkipStep` when that module or function does not exist (yet)."""
    try:
        loaded = import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise SkipStep(f"{module} is not installed") from None
        raise
    try:
        return getattr(loaded, name)
    except AttributeError:
        raise SkipStep(f"{module}.{name} does not exist") from None


# --- public entry point ------------------------------------------------------------------------
def _in_country(function):
    """h12-annex: run ``function`` with the config's country pack active (``country=`` overrides the config's)."""
    import functools

    @functools.wraps(function)
    def run(config=None, *args, country=None, **kwargs):
        from geo_coi import country as _country
        from geo_coi.config import with_country

        if not isinstance(config, ReportConfig):
            config = load_config(config)
        if country:
            config = with_country(config, country)
        with _country.use(config.iso3):
            return function(config, *args, **kwargs)
    return run


@_in_country
def run_annex(config=None, events_path=None, out_dir=None, language=None, period=None,
              progress: Progress | None = None, date_format: str | None = None, access_date=None,
              share: str | None = None) -> Manifest:
    """Produce a report's full output set and its manifest.

    Parameters
    ----------
    config : ReportConfig or path-like, optional
        A loaded config or a TOML file; the bundled Niger 2025 config when omitted.
    events_path : path-like, optional
        ACLED (CSV/XLSX/JSON) or UCDP GED CSV, detected from its columns.
        Default: the config's ``events.default_file`` (the bundled synthetic demo).
    out_dir : path-like, optional
        Default ``outputs/<report-id>`` under the current folder.
    language : {"nl", "fr", "en"}, optional
        Default: the config's ``report.language``.
    period : Period or (start, end), optional
        Replaces the config's current period (comparison = a year earlier).
    progress : Progress, optional
        Display and timer; default silent.
    date_format : str, optional
        ``--date-format`` of the events file (see :func:`geo_coi.sources.read_events`).
    access_date : datetime.date or str, optional
        When the ACLED data were accessed (``--access-date``); default the
        config's (for its own file), else the API cache's. ACLED data without
        one is an error.
    share : {"internal", "public"}, optional
        Sharing level (:mod:`geo_coi.sharing`); default the config's ``[sharing] level``.
        ``public`` writes no ACLED event row into any file.

    Returns
    -------
    Manifest
        Also written to ``<out_dir>/manifest.json``.

    Raises
    ------
    GeoCOIError
        Bad config, unreadable events file, or one or more steps failed (the
        message names them; the other outputs are written).
    """
    run, out_dir = _prepare(config, events_path, out_dir, language, period, progress, share)
    run.access_date = access_date
    run.date_format = date_format
    with publish.folder_lock(out_dir):
        publish.clean_stale(out_dir)
        publish.check_replaceable(out_dir)
        run.staging = publish.staging_path(out_dir)
        try:
            manifest = _new_manifest(run, run.staging)
            failures = _run_steps(run, STEPS)
            _stage_record(run, manifest)
            try:
                publish.swap_in(run.staging, out_dir)
            except OSError as exc:
                raise OutputError(f"cannot replace {out_dir} with the new outputs ({exc.strerror}); "
                                  "it is as it was; choose another --out") from exc
        finally:
            shutil.rmtree(run.staging, ignore_errors=True)
    manifest.out_dir = out_dir
    _raise_failures(failures, f"The other outputs were written to {out_dir}; see {out_dir / MANIFEST_NAME}")
    return manifest


def run_map(kind: str, config=None, *args, country=None, **kwargs) -> list[Path]:
    """:func:`_run_map` with the config's country pack active (``country=`` overrides the config's)."""
    return _in_country(functools.partial(_run_map, kind))(config, *args, country=country, **kwargs)


def _run_map(kind: str, config=None, events_path=None, out_dir=".", language=None, period=None,
            progress: Progress | None = None, level=None, measure=None, access_date=None,
            html_assets=None, html_languages=None, share: str | None = None) -> list[Path]:
    """Produce one map (``geo-coi map KIND``) into ``out_dir`` (through :func:`run_map`).

    Parameters
    ----------
    kind : str
        One of :data:`MAP_KINDS` (annex1, annex2, choropleth, density, hexbin,
        displacement, armed-groups, reference, html).
    config, events_path, language, period, progress, access_date, share
        As for :func:`run_annex`.
    out_dir : path-like
        Folder for the files (default: the current folder).
    level, measure : str, optional
        Choropleth only: admin level and measure (default: the config's first ones).
    html_assets, html_languages : optional
        html only: ``"inline"``/``"external"`` and the languages of the page's switcher
        (default: the config's ``maps.html_assets`` and ``maps.html_languages``).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    if kind not in MAP_KINDS:
        raise InputError(f"unknown map kind {kind!r}: choose one of {', '.join(MAP_KINDS)}")
    run, out_dir = _prepare(config, events_path, out_dir or ".", language, period, progress, share)
    run.access_date = access_date
    if kind == "choropleth" and (level or measure):
        maps = run.config.maps
        maps = dataclasses.replace(maps, choropleth_levels=(level or maps.choropleth_levels[0],),
                                   choropleth_measures=(measure or maps.choropleth_measures[0],))
        run.config = dataclasses.replace(run.config, maps=maps)
    if html_assets or html_languages:
        maps = dataclasses.replace(run.config.maps, html_assets=html_assets or run.config.maps.html_assets,
                                   html_languages=tuple(html_languages or run.config.maps.html_languages))
        run.config = dataclasses.replace(run.config, maps=maps)
    steps = [step for step in STEPS if step.core or step.name == MAP_KINDS[kind]]
    try:
        failures = _run_steps(run, steps)
        skipped = [step for step in run.progress.steps if step.status == "skipped"]
        if skipped:
            raise GeoCOIError(f"map {kind!r} cannot be drawn: {skipped[0].note}")
        written = _publish(run.staging, out_dir, flatten=True)
    finally:
        shutil.rmtree(run.staging, ignore_errors=True)
    _raise_failures(failures, "")
    return [out_dir / name for name in written]


def _prepare(config, events_path, out_dir, language, period, progress, share=None):
    """Load the config, apply the overrides, and set up a run with its staging folder."""
    from geo_coi.periods import Period
    from geo_coi.sharing import check_level
    from geo_coi.style import check_language

    if not isinstance(config, ReportConfig):
        config = load_config(config)
    check_places(config)
    if period is not None:
        config = config.with_period(Period.coerce(period))
    language = check_language(language or config.language)
    events_path = _events_path(config, events_path)
    out_dir = Path(out_dir) if out_dir is not None else Path(OUTPUTS_DIR) / config.report_id
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder {out_dir} ({exc.strerror}); "
                         "choose another with --out") from None
    staging = out_dir / f".partial-{os.getpid()}-{os.urandom(3).hex()}"
    run = AnnexRun(config, language, events_path, staging, progress or Progress.silent(),
                   share=check_level(share or config.share))
    return run, out_dir


def _raise_failures(failures, where: str) -> None:
    if failures:
        names = "; ".join(f"{step.name} ({type(exc).__name__}: {exc})" for step, exc in failures)
        raise GeoCOIError(f"{len(failures)} step(s) failed: {names}. {where}".strip()) from failures[0][1]


def _events_path(config: ReportConfig, events_path) -> Path:
    if events_path is None:
        if config.events_file is None:
            raise InputError(f"{config.path}: events.default_file is not set; give an events file with --events")
        if not config.events_file.is_file():
            raise InputError(f"{config.path}: events.default_file: {config.events_file} not found (looked beside "
                             "the config and in geo_coi/data); give an events file with --events")
        return config.events_file
    events_path = resolve_events(events_path)  # STORE@DATE -> that edition's file
    if not events_path.is_file():
        raise InputError(f"events file {events_path} not found; give an ACLED or UCDP file with --events")
    return events_path


def _run_steps(run: AnnexRun, steps) -> list:
    """Run every step; return ``[(step, exception)]`` of the failed ones (core failures raise).

    Core steps run here, the others in a pool of processes (:mod:`geo_coi.step_pool`).
    """
    return step_pool.run_steps(run, steps, _run_step)


def _run_step(run: AnnexRun, step: Step) -> tuple | None:
    """Run one step into ``run.staging``; ``(step, exception)`` if it failed (core failures raise)."""
    failure = None
    before = _staged(run.staging)
    try:
        with run.progress.step(step.name):
            step.function(run)
            _verify_staged(run.staging, before)
    except Exception as exc:  # noqa: BLE001 - recorded and re-raised at the end of the run
        _discard_staged(run.staging, before)  # never publish a file of a failed step
        refused = _write_error(exc, step.name, run.staging.parent)
        if refused is not None:
            raise refused from exc
        if step.core or run.events is None:
            raise
        run.progress.steps[-1].note = f"{type(exc).__name__}: {exc}"
        failure = (step, exc)
    for path in sorted(_staged(run.staging) - before):
        run.progress.detail(path)
    return failure


def _verify_staged(staging: Path, before: set) -> None:
    """Reopen every file the step staged (:func:`geo_coi.verify.verify_output`)."""
    from geo_coi.verify import verify_output

    for relative in sorted(_staged(staging) - before):
        verify_output(staging / relative)


def _discard_staged(staging: Path, before: set) -> None:
    for relative in _staged(staging) - before:
        (staging / relative).unlink(missing_ok=True)


def _stage_record(run: AnnexRun, manifest: Manifest) -> None:
    """Write the gallery and the manifest into the staging folder, each verified."""
    from geo_coi.verify import verify_output

    try:
        published = sorted(_staged(run.staging))
        published.append(_write_gallery(run, run.staging, published))
        _finish_manifest(manifest, run)
        manifest.record_outputs(published)
        for path in (run.staging / published[-1], manifest.write()):
            verify_output(path)
    except Exception as exc:
        refused = _write_error(exc, "gallery and manifest", run.staging.parent)
        if refused is None:
            raise
        raise refused from exc


def _write_error(exc: BaseException, what: str, folder: Path) -> OutputError | None:
    """The one-line error for ``exc`` if a full disk or a read-only folder is behind it, else None."""
    cause = publish.write_failure(exc)
    if cause is None:
        return None
    return OutputError(f"{what}: cannot write in {folder} ({cause.strerror}); free space or choose "
                       "another --out. Nothing was published: the output folder is as it was")


def _staged(staging: Path) -> set:
    """Relative paths of the files staged so far."""
    if not staging.exists():
        return set()
    return {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}


def _publish(staging: Path, out_dir: Path, flatten: bool = False) -> list[str]:
    """Move every staged file to its place under ``out_dir``; return the relative paths.

    With ``flatten`` the staging sub-folders are dropped (``geo-coi map`` writes one folder).
    """
    published = []
    if not staging.exists():
        return published
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        relative = Path(path.name) if flatten else path.relative_to(staging)
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        published.append(relative.as_posix())
    return published


# --- core steps --------------------------------------------------------------------------------
def _read_events(run: AnnexRun) -> None:
    from geo_coi.sources import read_events

    run.read = read_events(run.events_path, date_format=run.date_format)
    _date_events(run)
    summary = run.read.summary
    run.progress.detail(f"{run.events_path.name}: read {summary.get('read')}, passed the reader "
                        f"{summary.get('accepted')}, rejected {summary.get('rejected')}")
    if run.read.events.attrs.get("synthetic"):
        from geo_coi.style import label

        run.notes.append(label("synthetic_note", run.language))


def _date_events(run: AnnexRun) -> None:
    """Put the access date used and the "data as of" date on the events (their credit line)."""
    from geo_coi.config import resolve_access_date
    from geo_coi.style import data_as_of, event_credit

    attrs = run.read.events.attrs
    attrs["access_date"] = resolve_access_date(attrs, run.access_date, run.config, run.events_path)
    attrs["data_as_of"] = data_as_of(run.read.events) if attrs["access_date"] else None
    attrs["share"] = run.share  # the credit line says "for internal use" at the internal level
    attrs["credit"] = event_credit(attrs)


def _cut_to_data(run: AnnexRun) -> None:
    """Check the periods against the file's dates; cut the current period and chart window to the data."""
    from geo_coi.periods import check_coverage, covered_part, data_range

    config, name = run.config, run.events_path.name
    covered = data_range(run.events)
    note = check_coverage(run.events, config.current, "current period", name, run.language)  # none: an error
    try:
        notes = [note, check_coverage(run.events, config.comparison, "comparison period", name, run.language)]
    except InputError as exc:  # no comparison figures: the changes are not computable, say so
        notes = [note, str(exc)]
    run.notes.extend(n for n in notes if n)
    current = covered_part(config.current, covered)
    comparison = current.previous_year() if config.comparison == config.current.previous_year() else config.comparison
    window = covered_part(config.chart_window, covered)
    run.asked_window = config.chart_window
    run.config = dataclasses.replace(config, current=current, comparison=comparison, chart_window=window)


def _join(run: AnnexRun) -> None:
    from geo_coi.join import account, join_admin

    run.join = join_admin(run.read.events, tolerance_km=run.config.snap_tolerance_km)
    if len(run.join.events) == 0:
        counts = account(run.read.summary, run.join.summary, run.join.rejects)
        raise InputError(f"{run.events_path}: no row accepted (read {counts['read']}: rejected "
                         f"{counts['rejected']}, merged {counts['duplicates_merged']}); see why with "
                         f"geo-coi validate {run.events_path} --rejects rejects.csv")
    run.events = run.join.events
    run.event_types = _event_types(run)
    _cut_to_data(run)
    run.progress.detail(f"inside {run.join.summary['inside']}, snapped {run.join.summary['snapped']}, "
                        f"rejected {run.join.summary['rejected']}")


def _event_types(run: AnnexRun) -> tuple:
    """The config's event types, or the file's own typology when none of them occur (UCDP)."""
    from geo_coi.stats import counted_event_types

    wanted = tuple(run.config.event_types)
    counted = counted_event_types(run.events, wanted)
    if counted != wanted:
        run.notes.append(f"None of the config's event types ({', '.join(wanted)}) occur in {run.events_path.name}; "
                         f"counting its own types instead: {', '.join(counted)}.")
    return counted


def _selected(run: AnnexRun, period=None):
    """The report's events: its types, in ``period`` (default the current period)."""
    from geo_coi.events import select

    return select(run.events, period=period or run.config.current, event_types=run.event_types)


# --- tables ------------------------------------------------------------------------------------
def _tables(run: AnnexRun) -> None:
    from geo_coi import stats
    from geo_coi.style import label

    ev, cfg, types = run.events, run.config, run.event_types
    current, lang = cfg.current, run.language
    tables = {
        "national_by_event_type": stats.summarize(ev, current, by="event_type", compare=True, event_types=types),
        "national_by_sub_event_type": stats.summarize(ev, current, by="sub_event_type", compare=True,
                                                      event_types=types),
        "civilian_targeting_by_actor": stats.summarize(ev, current, by="actor", civilian_targeting=True,
                                                       event_types=types),
        "by_region": stats.by_unit(ev, "region", current, event_types=types),
        "by_region_and_event_type": stats.summarize(ev, current, by=["region", "event_type"], event_types=types),
        "by_department": stats.by_unit(ev, "department", current, event_types=types),
        "by_commune": stats.by_unit(ev, "commune", current, event_types=types),
        "monthly_by_event_type": stats.monthly(ev, cfg.chart_window, by="event_type", event_types=types),
        # Every accepted event inside the country (any type, any date): checks the manifest's counts.
        "all_events_by_region": stats.by_unit(ev, "region"),
    }
    captions = {name: label(f"table:{name}", lang) for name in TABLE_CAPTIONS}  # translations.csv "table:" rows
    _pack_tables(run, tables, captions)
    for region in cfg.department_breakdowns:
        tables[f"{_slug(region)}_by_department"] = stats.summarize(
            _in_region(ev, region), current, by=["department", "event_type"], event_types=types)
        captions[f"{_slug(region)}_by_department"] = label("table:region_by_department", lang).format(region=region)
    for region in cfg.region_tables:
        tables[f"table1_{_slug(region)}"] = stats.table1(ev, region, current, language=lang)
        tables[f"table2_{_slug(region)}"] = stats.table2(ev, region, current, language=lang)
        captions[f"table1_{_slug(region)}"] = label("table:table1", lang).format(region=region)
        captions[f"table2_{_slug(region)}"] = label("table:table2", lang).format(region=region)
    if run.join.agreement is not None and not _leave_out(run, "tables/admin_agreement.csv"):
        tables["admin_agreement"] = run.join.agreement
        tables["admin_agreement"].attrs.update(stats.source_attrs(ev))  # ACLED rows: their credit line
    run.tables = tables
    for name, table in tables.items():
        caption = captions.get(name, name.replace("_", " "))
        stats.write_table(table, run.stem("tables", name, caption, localized=False), language=run.language)


def _pack_tables(run: AnnexRun, tables: dict, captions: dict) -> None:
    """h12-annex: the tables the country pack allows: by commune only with communes; the capital by sub-unit."""
    from geo_coi import country, stats
    from geo_coi.style import label

    pack = country.active()
    if not pack.has_level("commune"):
        del tables["by_commune"]
    capital = pack.capital
    if capital is not None and capital.subunit_slot:
        subunit = capital.subunit_names.get(run.language) or capital.subunit_names.get("en", "")
        name = f"{_slug(capital.name)}_by_{_slug(capital.subunit_names.get('en', subunit))}"  # niamey_by_arrondissement
        # before the monthly table, the order the files were always written in
        at = list(tables).index("monthly_by_event_type")
        table = stats.by_unit(run.events, "niamey_arrondissement", run.config.current, event_types=run.event_types)
        items = list(tables.items())
        tables.clear()
        tables.update(items[:at] + [(name, table)] + items[at:])
        captions[name] = label("table:capital_by_subunit", run.language).format(capital=capital.name, subunit=subunit)


def _changes(run: AnnexRun) -> None:
    """"Changes since the last edition", when the config names one ([changes] previous_edition)."""
    if run.config.previous_edition is None:
        return
    from geo_coi import changes

    spec = run.config.previous_edition
    old = changes.read_edition(spec, run.config, run.date_format)
    old.name = Path(spec).name if Path(spec).is_file() else spec
    result = changes.compare(old, changes.edition_of(run.events_path.name, run.read, run.join), run.config)
    with_ids = not _leave_out(run, "event ids of the changes since the last edition")
    name = changes.ANNEX_TABLE
    stem = run.stem("tables", name, _title(run, f"table:{name}"), localized=False)
    changes.write_edition_table(result, stem, run.language, with_ids)
    run.tables[name] = changes.edition_table(result, with_ids)
    for path in changes.write_changes(result, run.staging / "tables" / "changes", run.language, with_ids):
        run.captions[path.relative_to(run.staging).with_suffix("").as_posix()] = _title(run, "changes_title")
    run.notes.append(changes.edition_note(result, run.language))


def _in_region(events, region: str):
    from geo_coi.gazetteer import resolve

    pcode = resolve(region, "region")
    return events[events["region_pcode"] == pcode]


def _workbook(run: AnnexRun) -> None:
    """One XLSX with a sheet per table, read back from the CSVs so both hold the same cells."""
    import pandas as pd

    if not run.tables:
        raise SkipStep("no tables")
    from geo_coi.style import label, localized_table

    target = run.staging / "tables" / "tables.xlsx"
    run.captions["tables/tables"] = label("table:tables", run.language)
    used = set()
    # people read the workbook: headers translated
    sheets = {_sheet_name(name, used): localized_table(pd.read_csv(run.staging / "tables" / f"{name}.csv",
                                                                   keep_default_na=False), run.language)
              for name in run.tables}
    from geo_coi.atomic import write_bytes
    from geo_coi.ooxml import reproducible_zip
    from geo_coi.spreadsheet import xlsx_bytes

    write_bytes(target, reproducible_zip(xlsx_bytes(sheets), run.config.current.end.isoformat()))


def _sheet_name(name: str, used: set) -> str:
    """Excel sheet names: at most 31 characters, unique."""
    base = name[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f"_{n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _rejects(run: AnnexRun) -> None:
    """Rows not used, with reasons: those the reader refused and those outside the country."""
    import pandas as pd

    if _leave_out(run, "data/rejects.csv", "data/duplicates.csv"):
        return
    frames = [frame for frame in (run.read.rejects, run.join.rejects) if frame is not None and len(frame)]
    rejects = pd.concat(frames, ignore_index=True, sort=False) if frames else run.read.rejects.iloc[0:0]
    if "geometry" in rejects:
        rejects = rejects.drop(columns="geometry")
    from geo_coi.atomic import write_text

    run.captions["data/rejects"] = _title(run, "caption_rejects").format(count=len(rejects))
    from geo_coi.spreadsheet import csv_text

    write_text(run.staging / "data" / "rejects.csv", csv_text(rejects))
    run.captions["data/duplicates"] = _title(run, "caption_duplicates").format(count=len(run.read.duplicates))
    write_text(run.staging / "data" / "duplicates.csv", csv_text(run.read.duplicates))


# --- maps and charts ---------------------------------------------------------------------------
def _title(run: AnnexRun, key: str) -> str:
    from geo_coi.style import label

    return label(key, run.language)


def _extent(run: AnnexRun, which: int):
    """The config extent framing Annex ``which`` (``[maps] annex1_extent``/``annex2_extent`` name an ``[extents.<name>]``)."""
    maps = run.config.maps
    return run.config.extents.get(maps.annex1_extent if which == 1 else maps.annex2_extent)


def _map_options(run: AnnexRun) -> dict:
    """Keyword arguments every static map takes from the run: language, page size, the config's credit lines."""
    return {"language": run.language, "size": run.config.maps.size, "credits": run.config.credits}


def _annex1(run: AnnexRun) -> None:
    annex1 = api("geo_coi.maps.static", "annex1")
    annex1(_selected(run), run.config.current, extent=_extent(run, 1), **_map_options(run),
           out=run.stem("maps", "annex1", f"{_title(run, 'annex')} 1: {_title(run, 'annex1_title')}"))


def _annex2(run: AnnexRun) -> None:
    annex2 = api("geo_coi.maps.static", "annex2")
    annex2(_selected(run), run.config.current, extent=_extent(run, 2), title=run.config.maps.annex2_title,
           **_map_options(run),
           out=run.stem("maps", "annex2", f"{_title(run, 'annex')} 2: {_title(run, 'annex2_title')}"))


def _choropleths(run: AnnexRun) -> None:
    choropleth = api("geo_coi.maps.static", "choropleth")
    selected = _selected(run)
    maps = run.config.maps
    for level in maps.choropleth_levels:
        for measure in maps.choropleth_measures:
            if measure.endswith("_per_100k") and level != "region":
                continue  # populations are known per region only
            caption = f"{_title(run, measure)} ({_title(run, level)})"
            choropleth(selected, level, measure, scheme=maps.scheme, k=maps.classes, period=run.config.current,
                       **_map_options(run), out=run.stem("maps", f"choropleth_{level}_{measure}", caption))


def _density(run: AnnexRun) -> None:
    from geo_coi import density

    maps = run.config.maps
    surface = density.kde(_selected(run), bandwidth_km=maps.density_bandwidth_km, cell_km=maps.density_cell_km)
    name = f"density_{_number(maps.density_bandwidth_km)}km"
    run.density_tif = run.stem("data", name, _title(run, "caption_density_tif"), localized=False)
    run.density_tif = run.density_tif.with_name(run.density_tif.name + ".tif")
    density.write_geotiff(surface, run.density_tif)
    density_map = api("geo_coi.maps.static", "density_map")
    density_map(run.density_tif, events_attrs=run.events.attrs, period=run.config.current, breaks=maps.density_breaks,
                floor=maps.density_floor, **_map_options(run),
                out=run.stem("maps", "density", _title(run, "density_title")))


def _hexbin(run: AnnexRun) -> None:
    hexbin_map = api("geo_coi.maps.static", "hexbin_map")
    hexbin_map(_selected(run), size_km=run.config.maps.hexbin_size_km, period=run.config.current,
               scheme=run.config.maps.scheme, k=run.config.maps.classes, **_map_options(run),
               out=run.stem("maps", "hexbin", _title(run, "hexbin_title")))


def _has_data(kind: str, own_file=None) -> bool:
    """h12-annex: True when the config names its own file or the active pack has ``kind`` data.

    The files in ``geo_coi/data`` (displacement, areas of operation) are the default pack's (Niger's);
    another pack has them when its country.toml's ``[files]`` names them.
    """
    from geo_coi import country

    pack = country.active()
    return own_file is not None or pack.iso3 == country.DEFAULT or kind in pack.settings.get("files", {})


def _bundled_data(kind: str, own_file=None) -> None:
    """:class:`SkipStep` unless :func:`_has_data`."""
    from geo_coi import country

    if not _has_data(kind, own_file):
        raise SkipStep(f"no {kind.replace('_', ' ')} data in the {country.active().name()} pack")


def _displacement(run: AnnexRun) -> None:
    """Two maps: UNHCR's latest end-of-year figures, and the report's own (October 2024) figures."""
    _bundled_data("displacement")
    displacement_map = api("geo_coi.maps.static", "displacement_map")
    from geo_coi.displacement import report_figures

    as_of = str(report_figures()["as_of"].iloc[0])
    displacement_map(figures="unhcr", report_date=_report_date(run), **_map_options(run),
                     out=run.stem("maps", "displacement_unhcr", f"{_title(run, 'idps')} (UNHCR)"))
    displacement_map(figures="report", year=run.config.figures_year, **_map_options(run),
                     out=run.stem("maps", f"displacement_report_{as_of}", f"{_title(run, 'idps')} ({as_of})"))


def _report_date(run: AnnexRun):
    """The report's date (config ``report.date``, else the end of its period): no data released later is shown."""
    return run.config.date or run.config.current.end


def _armed_groups(run: AnnexRun) -> None:
    armed_groups_map = api("geo_coi.maps.static", "armed_groups_map")
    from geo_coi.armed_groups import areas_of_operation

    _bundled_data("areas_of_operation", run.config.areas_file)
    areas = areas_of_operation(run.config.areas_file)
    armed_groups_map(areas, **_map_options(run),
                     out=run.stem("maps", "armed_groups", _title(run, "areas_title")))


def _reference_maps(run: AnnexRun) -> None:
    """The report's reference maps: Kaart 1 (regions), Kaart 4 (``[maps] region_map``), Kaart 5 (the capital)."""
    reference = import_module("geo_coi.maps.reference")
    for number, function, name, title in reference.reference_maps(run.config.maps.region_map, run.language):
        getattr(reference, function)(**_map_options(run), **({"region": name} if number == 4 else {}),
                                     out=run.stem("maps", f"kaart{number}_{reference.file_name(number, name)}",
                                                  f"{_title(run, 'map_number')} {number}: {title}"))


def _charts(run: AnnexRun) -> None:
    from geo_coi import charts

    ev, cfg, types, lang = run.events, run.config, run.event_types, run.language
    current, window = cfg.current, run.asked_window or cfg.chart_window  # the charts say where the data stop
    specs = [
        ("grafiek1_monthly_by_type", _chart_caption(run, 1, "chart_monthly_by_type"),
         lambda out: charts.monthly_by_type(ev, window, event_types=types, language=lang, out=out,
                                            current=current, comparison=cfg.comparison)),
        ("grafiek2_type_share", _chart_caption(run, 2, "chart_type_share"),
         lambda out: charts.type_share(_selected(run), current, event_types=types, language=lang, out=out)),
        ("grafiek3_incidents_fatalities", _chart_caption(run, 3, "chart_incidents_fatalities"),
         lambda out: charts.incidents_fatalities(_selected(run, window), window, language=lang, out=out)),
        ("grafiek4_civilian_actors", _chart_caption(run, 4, "chart_civilian_actors"),
         lambda out: charts.civilian_actors(_selected(run), current, language=lang, out=out)),
        ("grafiek5_regions_by_type", _chart_caption(run, 5, "chart_regions_by_type"),
         lambda out: charts.regions_by_type(ev, current, event_types=types, language=lang, out=out)),
    ]
    for number, region in enumerate(cfg.department_breakdowns, start=6):
        caption = _chart_caption(run, number, "chart_departments_by_type").format(region=region)
        specs.append((f"grafiek{number}_{_slug(region)}_departments", caption,
                      lambda out, region=region: charts.departments_by_type(ev, current, region, event_types=types,
                                                                            language=lang, out=out)))
    for name, caption, draw in specs:
        draw(run.stem("charts", name, caption))


def _chart_caption(run: AnnexRun, number: int, key: str) -> str:
    """Gallery caption of a chart: "Grafiek 1: <its title>" in the run's language."""
    return f"{_title(run, 'chart')} {number}: {_title(run, key)}"


def _interactive(run: AnnexRun) -> None:
    interactive_map = api("geo_coi.maps.html", "interactive_map")
    from geo_coi.armed_groups import areas_of_operation
    from geo_coi.displacement import by_unit

    out = run.stem("html", "incidents", _title(run, "caption_interactive"))
    aggregates = _leave_out(run, "incident markers of the interactive map")
    areas = areas_of_operation(run.config.areas_file) if _has_data("areas_of_operation", run.config.areas_file) else None
    displacement = by_unit(before=_report_date(run)) if _has_data("displacement") else None
    interactive_map(_selected(run), run.config.current, language=run.language, density=run.density_tif,
                    event_rows=not aggregates, hexbin_size_km=run.config.maps.hexbin_size_km if aggregates else None,
                    displacement=displacement,
                    armed_groups=areas,
                    scheme=run.config.maps.scheme, k=run.config.maps.classes, out=out.with_name(out.name + ".html"),
                    languages=run.config.maps.html_languages, assets=run.config.maps.html_assets)


def _geopackage(run: AnnexRun) -> None:
    """The QGIS hand-off: the GeoPackage and the QGIS project beside it (:mod:`geo_coi.qgis_report`)."""
    from geo_coi.qgis_report import write_handoff

    config, maps = run.config, run.config.maps
    name = config.report_id
    run.captions[f"data/{name}"] = f"{_title(run, 'caption_geopackage')} · {_title(run, 'caption_qgis_project')}"
    write_handoff(run.staging / "data", name, run.events, run.event_types, config.current, language=run.language,
                  scheme=maps.scheme, classes=maps.classes, credits=config.credits, title=config.title,
                  extents=(_extent(run, 1), _extent(run, 2)),
                  event_rows=not _leave_out(run, "events layer of the GeoPackage"),
                  unit_columns=lambda level, present: _indicator_columns(run, level, present))


def _indicator_columns(run: AnnexRun, level: str, present):
    """The indicator sheet's columns for a GeoPackage aggregate layer (:func:`geo_coi.indicator_sheet.gpkg_columns`)."""
    from geo_coi import indicators
    from geo_coi.indicator_sheet import gpkg_columns

    return gpkg_columns(indicators.compute(run.events, run.config, level), present)


def _indicator_sheet(run: AnnexRun) -> None:
    api("geo_coi.indicator_sheet", "annex_step")(run)  # CSV, Markdown, XLSX per level, in every language


def _atlas(run: AnnexRun) -> None:
    api("geo_coi.atlas", "annex_step")(run)  # one page per region, in every language


def _report_files(run: AnnexRun) -> None:
    """The report-ready text in every language and the Word files (:mod:`geo_coi.report_files`)."""
    api("geo_coi.report_files", "write_report_files")(run)


def _leave_out(run: AnnexRun, *outputs: str) -> bool:
    """True when the sharing level keeps ACLED event rows out of ``outputs`` (recorded for the manifest)."""
    from geo_coi.sharing import event_rows_allowed

    if event_rows_allowed(run.events.attrs if run.events is not None else run.read.events.attrs):
        return False
    # assigned, not extended: a step in the pool (geo_coi.step_pool) hands back what it assigns
    run.left_out = run.left_out + [output for output in outputs if output not in run.left_out]
    return True




STEPS = (
    Step("read events", _read_events, core=True),
    Step("join admin units", _join, core=True),
    Step("tables", _tables),
    Step("changes since the last edition", _changes),
    Step("XLSX workbook", _workbook),
    Step("rejects file", _rejects),
    Step("annex 1 map", _annex1),
    Step("annex 2 map", _annex2),
    Step("choropleth maps", _choropleths),
    Step("density surface and map", _density),
    Step("hexbin map", _hexbin),
    Step("displacement map", _displacement),
    Step("armed groups map", _armed_groups),
    Step("reference maps", _reference_maps),
    Step("charts", _charts),
    Step("interactive map", _interactive),
    Step("GeoPackage", _geopackage),
    Step("indicator sheet", _indicator_sheet),
    Step("region atlas", _atlas),
    Step("report text and Word files", _report_files),
)

# `geo-coi map KIND` -> the step that draws it.
MAP_KINDS = {
    "annex1": "annex 1 map",
    "annex2": "annex 2 map",
    "choropleth": "choropleth maps",
    "density": "density surface and map",
    "hexbin": "hexbin map",
    "displacement": "displacement map",
    "armed-groups": "armed groups map",
    "reference": "reference maps",
    "html": "interactive map",
    "atlas": "region atlas",
}


# --- gallery and manifest ----------------------------------------------------------------------
def _write_gallery(run: AnnexRun, out_dir: Path, outputs: list[str]) -> str:
    from geo_coi.gallery import GALLERY_NAME, write_gallery

    config = run.config
    source = run.read.events.attrs.get("source", "") if run.read is not None else ""
    from geo_coi import country

    subtitle = f"{country.active().name(run.language)} · {config.current.label(run.language)} · {_title(run, source)}".strip(" ·")
    notes = list(run.notes) + _share_notes(run) + [f"{_title(run, 'not_produced')} ({step.status}): {step.name} {step.note}".strip()
                               for step in run.progress.steps if step.status != "ok"]
    captions = dict(run.captions, manifest=_title(run, "caption_manifest"))
    write_gallery(out_dir, outputs + [MANIFEST_NAME], config.title, subtitle, captions, notes, _credits(run),
                  language=run.language)
    return GALLERY_NAME


def _share_notes(run: AnnexRun) -> list[str]:
    """The gallery's word on the sharing level: internal use, or what the public level left out."""
    from geo_coi.sharing import restricted

    if run.read is None or not restricted(run.read.events.attrs):
        return []
    if run.share == "internal":
        return [_title(run, "share_internal_note")]
    return [_title(run, "share_public_note").format(left_out=", ".join(run.left_out))]


def _credits(run: AnnexRun) -> list[str]:
    """Credit lines of the data behind the outputs, then the config's own lines."""
    from geo_coi import style

    from geo_coi.style import localized_credit

    lines = [style.event_credit(run.read.events.attrs, run.language)] if run.read is not None else []
    lines += [localized_credit(line, run.language)
              for line in (style.BOUNDARY_CREDIT, style.UNHCR_CREDIT, style.BASEMAP_CREDIT)]
    return lines + [localized_credit(line, run.language) for line in run.config.credits]


def _share_record(run: AnnexRun) -> dict:
    """The manifest's ``share``: level, whether event rows are in the files, and what was left out."""
    from geo_coi.sharing import event_rows_allowed

    attrs = run.read.events.attrs if run.read is not None else {}
    return {"level": run.share, "event_rows": event_rows_allowed(attrs) if run.read is not None else None,
            "left_out": list(run.left_out)}


def _new_manifest(run: AnnexRun, out_dir: Path) -> Manifest:
    config = run.config
    manifest = Manifest(
        report_id=config.report_id,
        out_dir=Path(out_dir),
        language=run.language,
        period={"current": str(config.current), "comparison": str(config.comparison),
                "chart_window": str(config.chart_window)},
        config=config.to_dict(),
    )
    manifest.add_input("events", run.events_path)
    if config.path is not None and Path(config.path).is_file():
        manifest.add_input("config", config.path)
    if config.areas_file is not None and Path(config.areas_file).is_file():
        manifest.add_input("areas_of_operation", config.areas_file)
    if config.previous_edition is not None and Path(config.previous_edition).is_file():
        manifest.add_input("previous_edition", config.previous_edition)
    return manifest


def _finish_manifest(manifest: Manifest, run: AnnexRun) -> None:
    manifest.steps = [dataclasses.asdict(step) | {"seconds": round(step.seconds, 3)} for step in run.progress.steps]
    manifest.share = _share_record(run)
    config = run.config
    manifest.period = {"current": str(config.current), "comparison": str(config.comparison),
                       "chart_window": str(config.chart_window)}
    attrs = run.read.events.attrs if run.read is not None else {}
    manifest.source = {
        "name": attrs.get("source"),
        "synthetic": bool(attrs.get("synthetic")) if run.read is not None else None,
        "acled_access_date": attrs.get("access_date"),
        "data_as_of": attrs.get("data_as_of"),
        "acled_edition": edition_record(attrs.get("edition")),
        "event_types": list(run.event_types),
        "notes": list(run.notes),
    }
    if run.read is None:
        return
    summary = run.read.summary
    counts = {key: summary.get(key) for key in ("read", "accepted", "rejected_by_reason", "duplicates_merged")}
    counts["read_rejected"] = summary.get("rejected")
    if run.join is not None:
        from geo_coi.join import account

        counts.update(account(summary, run.join.summary, run.join.rejects))
        counts.update(inside=run.join.summary["inside"], snapped=run.join.summary["snapped"],
                      join_rejected=run.join.summary["rejected"])
        selected = _selected(run)
        counts["report_incidents"] = int(len(selected))
        counts["report_fatalities"] = int(selected["fatalities"].fillna(0).sum())
    manifest.counts = counts


def _slug(text: str) -> str:
    from geo_coi.boundaries import ascii_name

    return re.sub(r"[^a-z0-9]+", "_", ascii_name(text).lower()).strip("_")


def _number(value: float) -> str:
    return f"{value:g}"
