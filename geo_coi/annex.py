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

The run is a list of steps (:data:`STEPS`): reading and joining, then every
product of the registry (:data:`geo_coi.products.PRODUCTS`, the steps in
:mod:`geo_coi.steps`), each timed by :class:`geo_coi.progress.Progress` and run by
:mod:`geo_coi.step_runner`. A step with nothing to make is skipped with a note
(:class:`~geo_coi.progress.SkipStep`); one that fails (a misspelt module
included) is recorded as failed, the other outputs are still written, and the
run ends with an error naming the failed steps.

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
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from geo_coi import country as _country
from geo_coi import pipeline, products, publish, style
from geo_coi.atomic import write_text
from geo_coi.config import ReportConfig, check_places, country_config_path, load_config, with_country
from geo_coi.errors import GeoCOIError, InputError, OutputError
from geo_coi.gallery import GALLERY_NAME, write_gallery
from geo_coi.join import account
from geo_coi.manifest import MANIFEST_NAME, Manifest, step_entries
from geo_coi.periods import Period, covered_part, data_range
from geo_coi.progress import Progress
from geo_coi.sharing import check_level, event_rows_allowed, restricted
from geo_coi.spreadsheet import csv_text
from geo_coi.step_runner import Step, publish_staged, run_steps, staged, write_error
from geo_coi.steps.common import leave_out as _leave_out
from geo_coi.steps.common import title as _title
from geo_coi.store import edition_record, resolve_events
from geo_coi.style import check_coverage, check_language, label, localized_credit
from geo_coi.verify import verify_output

if TYPE_CHECKING:
    import datetime

    import geopandas

    from geo_coi.join import JoinResult
    from geo_coi.sources import ReadResult

OUTPUTS_DIR = "outputs"

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
    read, join : ReadResult, JoinResult
        The reader's and the join's results (the two halves of :func:`geo_coi.pipeline.load`).
    loaded : geo_coi.pipeline.Events
        The joined events with their rejects, accounting and counted types; its
        ``selected(period)`` is the one selection every output of the run uses.
    events : geopandas.GeoDataFrame
        Joined events (every type and date): ``loaded.joined``.
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
    read: ReadResult | None = None
    join: JoinResult | None = None
    loaded: pipeline.Events | None = None
    events: geopandas.GeoDataFrame | None = None
    event_types: tuple[str, ...] = ()
    tables: dict = dataclasses.field(default_factory=dict)
    captions: dict = dataclasses.field(default_factory=dict)
    notes: list = dataclasses.field(default_factory=list)
    density_tif: Path | None = None
    date_format: str | None = None
    access_date: datetime.date | str | None = None
    asked_window: Period | None = None  # the config's chart window before it is cut to the data
    share: str = "internal"  # sharing level (geo_coi.sharing): "public" leaves out ACLED event rows
    left_out: list = dataclasses.field(default_factory=list)  # outputs the sharing level left out

    def stem(self, folder: str, name: str, caption: str, localized: bool = True) -> Path:
        """Staging path stem ``<folder>/<name>[_<language>]``, recording its gallery caption."""
        relative = f"{folder}/{name}_{self.language}" if localized else f"{folder}/{name}"
        self.captions[relative] = caption
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


# --- public entry point ------------------------------------------------------------------------
def _in_country(function):
    """Run ``function`` with the config's country pack active (``country=`` overrides the config's).

    ``country=`` without a config runs that pack's demo config (:func:`geo_coi.config.country_config_path`).
    """

    @functools.wraps(function)
    def run(config=None, *args, country=None, **kwargs):
        from geo_coi import country as _country

        if config is None and country:  # --country alone: that pack's own demo config
            config = country_config_path(country)
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
        A kind of :func:`geo_coi.products.map_kinds` (annex1, annex2, choropleth, density,
        hexbin, displacement, armed-groups, reference, html, atlas).
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

    Raises
    ------
    InputError
        An unknown kind, an option the kind does not take, or options that leave nothing to draw.
    """
    product = products.map_product(kind, level=level, measure=measure, assets=html_assets,
                                   languages=html_languages)
    run, out_dir = _prepare(config, events_path, out_dir or ".", language, period, progress, share)
    run.access_date = access_date
    if level or measure:
        maps = run.config.maps
        maps = dataclasses.replace(maps, choropleth_levels=(level or maps.choropleth_levels[0],),
                                   choropleth_measures=(measure or maps.choropleth_measures[0],))
        run.config = dataclasses.replace(run.config, maps=maps)
    if html_assets or html_languages:
        maps = dataclasses.replace(run.config.maps, html_assets=html_assets or run.config.maps.html_assets,
                                   html_languages=tuple(html_languages or run.config.maps.html_languages))
        run.config = dataclasses.replace(run.config, maps=maps)
    if product.check is not None:
        product.check(run.config)
    steps = [step for step in STEPS if step.core or step.name == product.step]
    try:
        failures = _run_steps(run, steps)
        skipped = [step for step in run.progress.steps if step.status == "skipped"]
        if skipped:
            raise GeoCOIError(f"map {kind!r} cannot be drawn: {skipped[0].note}")
        written = publish_staged(run.staging, out_dir, flatten=True)
    finally:
        shutil.rmtree(run.staging, ignore_errors=True)
    if not written and not failures:
        raise GeoCOIError(f"map {kind!r} wrote no file with this config and these options; see geo-coi map --help")
    _raise_failures(failures, "")
    return [out_dir / name for name in written]


def _prepare(config, events_path, out_dir, language, period, progress, share=None):
    """Load the config, apply the overrides, and set up a run with its staging folder."""
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


def _stage_record(run: AnnexRun, manifest: Manifest) -> None:
    """Write the gallery and the manifest into the staging folder, each verified."""
    try:
        published = sorted(staged(run.staging))
        published.append(_write_gallery(run, run.staging, published))
        _finish_manifest(manifest, run)
        manifest.record_outputs(published)
        for path in (run.staging / published[-1], manifest.write()):
            verify_output(path)
    except Exception as exc:
        refused = write_error(exc, "gallery and manifest", run.staging.parent)
        if refused is None:
            raise
        raise refused from exc


# --- core steps --------------------------------------------------------------------------------
def _read_events(run: AnnexRun) -> None:
    run.read = read = pipeline.read(run.events_path, run.config, date_format=run.date_format,
                                    access_date=run.access_date, share=run.share)
    summary = read.summary
    run.progress.detail(f"{run.events_path.name}: read {summary.get('read')}, passed the reader "
                        f"{summary.get('accepted')}, rejected {summary.get('rejected')}")
    if read.events.attrs.get("synthetic"):
        run.notes.append(label("synthetic_note", run.language))


def _cut_to_data(run: AnnexRun) -> None:
    """Check the periods against the file's dates; cut the current period and chart window to the data."""
    config, name = run.config, run.events_path.name
    covered = data_range(run.events)
    assert covered is not None  # the join kept at least one dated event
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
    assert run.read is not None  # the read step ran
    run.loaded = loaded = pipeline.join(run.read, run.config, run.events_path)
    run.join, run.events, run.event_types = loaded.join, loaded.joined, loaded.event_types
    run.notes.extend(loaded.notes + _pack_notes(run.language))
    _cut_to_data(run)
    _selected(run)  # selected once, here: the steps forked later share it
    run.progress.detail(f"inside {loaded.join.summary['inside']}, snapped {loaded.join.summary['snapped']}, "
                        f"rejected {loaded.join.summary['rejected']}")


def _pack_notes(language: str) -> list[str]:
    """What the active pack cannot give, for the gallery and the manifest (Burkina Faso: no communes)."""
    from geo_coi import country
    from geo_coi.style import label

    pack = country.active()
    if pack.has_level("commune"):
        return []
    return [label("no_communes_note", language).format(country=pack.name(language),
                                                       level=pack.finest.display(language, plural=True))]


def _selected(run: AnnexRun, period: Period | None = None) -> geopandas.GeoDataFrame:
    """The report's events: its types, in ``period`` (default the current period), selected once per run."""
    return _loaded(run).selected(period or run.config.current)


def _loaded(run: AnnexRun) -> pipeline.Events:
    """The run's events (set by the join step, a core step: every other step runs after it)."""
    assert run.loaded is not None
    return run.loaded


def _rejects(run: AnnexRun) -> None:
    """Rows not used, with reasons: those the reader refused and those outside Niger."""
    if _leave_out(run, "data/rejects.csv", "data/duplicates.csv"):
        return
    rejects, duplicates = _loaded(run).rejects, _loaded(run).duplicates
    run.captions["data/rejects"] = _title(run, "caption_rejects").format(count=len(rejects))
    write_text(run.staging / "data" / "rejects.csv", csv_text(rejects))
    run.captions["data/duplicates"] = _title(run, "caption_duplicates").format(count=len(duplicates))
    write_text(run.staging / "data" / "duplicates.csv", csv_text(duplicates))



STEPS = (
    Step("read events", _read_events, core=True),
    Step("join admin units", _join, core=True),
    *(Step(product.step, product.draw) for product in products.PRODUCTS.values()),
)
"""The run: reading and joining, then every product of :data:`geo_coi.products.PRODUCTS` in order."""


def _run_steps(run: AnnexRun, steps) -> list:
    """:func:`geo_coi.step_runner.run_steps`: ``[(step, exception)]`` of the failed steps."""
    return run_steps(run, steps)


# --- gallery and manifest ----------------------------------------------------------------------
def _write_gallery(run: AnnexRun, out_dir: Path, outputs: list[str]) -> str:
    config = run.config
    source = run.read.events.attrs.get("source", "") if run.read is not None else ""
    parts = (_country.active().name(run.language), config.current.label(run.language), _title(run, source))
    subtitle = " · ".join(parts).strip(" ·")
    notes = list(run.notes) + _share_notes(run) + [
        f"{_title(run, 'not_produced')} ({step.status}): {step.name} {step.note}".strip()
        for step in run.progress.steps if step.status != "ok"]
    captions = dict(run.captions, manifest=_title(run, "caption_manifest"))
    write_gallery(out_dir, outputs + [MANIFEST_NAME], config.title, subtitle, captions, notes, _credits(run),
                  language=run.language)
    return GALLERY_NAME


def _share_notes(run: AnnexRun) -> list[str]:
    """The gallery's word on the sharing level: internal use, or what the public level left out."""
    if run.read is None or not restricted(run.read.events.attrs):
        return []
    if run.share == "internal":
        return [_title(run, "share_internal_note")]
    return [_title(run, "share_public_note").format(left_out=", ".join(run.left_out))]


def _credits(run: AnnexRun) -> list[str]:
    """Credit lines of the data behind the outputs, then the config's own lines."""
    lines = [style.event_credit(run.read.events.attrs, run.language)] if run.read is not None else []
    lines += [localized_credit(line, run.language)
              for line in (style.boundary_credit(), style.UNHCR_CREDIT, style.basemap_credit())]
    return lines + [localized_credit(line, run.language) for line in run.config.credits]


def _share_record(run: AnnexRun) -> dict:
    """The manifest's ``share``: level, whether event rows are in the files, and what was left out."""
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
    manifest.steps = step_entries(run.progress.steps, products.PRODUCTS)
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
        counts.update(account(summary, run.join.summary, run.join.rejects))
        counts.update(inside=run.join.summary["inside"], snapped=run.join.summary["snapped"],
                      join_rejected=run.join.summary["rejected"])
        selected = _selected(run)
        counts["report_incidents"] = len(selected)
        counts["report_fatalities"] = int(selected["fatalities"].fillna(0).sum())
    manifest.counts = counts
