"""Click options shared by the subcommands, so every command spells them the same way.

Use them as decorators::

    @click.command()
    @options.events_option
    @options.config_option
    @options.out_dir_option(help="Output folder.")
    @options.language_option
    @options.period_option
    @options.quiet_verbose
    def cmd(events, config, out, language, period, quiet, verbose): ...

and turn the parsed values into objects with :func:`make_progress` and
:func:`parse_period`.
"""

from __future__ import annotations

import click

from geo_coi.sharing import LEVELS
from geo_coi.style import LANGUAGES


class EventsSource(click.ParamType):
    """An events file, or an edition of an ACLED store (``STORE@DATE``, or a store folder for its latest)."""

    name = "FILE"

    def convert(self, value, param, ctx):
        """The events file of ``value`` (a path or ``STORE@DATE``); a usage error when there is none."""
        from geo_coi.errors import InputError
        from geo_coi.store import resolve_events

        try:
            path = resolve_events(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)
        if not path.is_file():
            self.fail(f"{value}: no such file (nor an ACLED store edition STORE@DATE)", param, ctx)
        return str(path)


events_option = click.option(
    "--events", "events", type=EventsSource(), default=None, metavar="FILE|STORE@DATE",
    help="Events file: ACLED export (CSV/XLSX), ACLED API JSON or UCDP GED CSV, or an edition of an ACLED store "
         "(STORE@DATE, see fetch-acled --update); the format is detected. "
         "Default: the config's events.default_file (the bundled SYNTHETIC demo).",
)
edition_options = [
    click.option("--edition", "edition", default=None, metavar="DATE",
                 help="Build from this edition of the ACLED store (fetch-acled --list shows them; 'latest' for "
                      "the newest); the same as --events STORE@DATE."),
    click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
                 help="The ACLED store of --edition (default ~/.cache/geo_coi/acled/store)."),
]


def edition_events(events, edition, store_dir):
    """``--events`` as given, or the file of ``--edition`` in ``--store`` (never both)."""
    if edition is None:
        if store_dir is not None:
            raise click.UsageError("--store goes with --edition DATE")
        return events
    if events is not None:
        raise click.UsageError("give --events or --edition, not both")
    from geo_coi.store import edition_path

    return str(edition_path(store_dir, edition))
config_option = click.option(
    "--config", "config", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
    help="Report config (TOML). Default: the bundled config named in geo_coi/countries/default.toml.",
)
language_option = click.option(
    "--language", type=click.Choice(LANGUAGES), default=None,
    help="Language of titles, legends and labels. Default: the config's report.language.",
)
period_option = click.option(
    "--period", nargs=2, default=None, metavar="START END",
    help="Current period, inclusive dates YYYY-MM-DD (e.g. --period 2024-09-01 2025-05-30); "
         "the comparison period becomes the same dates a year earlier. Default: the config's.",
)

date_format_option = click.option(
    "--date-format", "date_format", default=None, metavar="FORMAT",
    help="How the file writes its dates, e.g. %d/%m/%Y (day first) or %m/%d/%Y (US, month first); "
         "needed only when the file's own dates cannot tell. Default: detected per file.",
)

access_date_option = click.option(
    "--access-date", "access_date", default=None, metavar="YYYY-MM-DD",
    help="When the ACLED data were accessed (downloaded), printed on every output as ACLED's terms require. "
         "Default: the config's [sources.acled] access_date (for its own file), else the API cache's date.",
)

share_option = click.option(
    "--share", "share", type=click.Choice(LEVELS), default=None,
    help="Sharing level. internal: every output as usual, marked 'for internal use: contains ACLED event data'. "
         "public: no file holds an ACLED event row (aggregates only). Default: the config's [sharing] level "
         "(internal). UCDP and synthetic data keep their events at both levels.",
)


_OLD_OUT = "geo_coi.old_out"  # ctx.meta key: the folder given with the old name --out


def out_dir_option(help: str, default=None):  # noqa: A002 (click's own keyword)
    """``--out-dir DIR`` (the parameter ``out``) with a command-specific help text.

    ``--out`` names a file in ``stats`` and ``locate``; for a folder it is the old,
    deprecated name of ``--out-dir``: still accepted, with a warning on stderr.

    Parameters
    ----------
    help : str
        The option's help text.
    default : str, optional
        The folder when neither ``--out-dir`` nor ``--out`` is given.
    """
    folder = click.Path(file_okay=False)

    def take_out_dir(ctx, _param, value):
        old = ctx.meta.get(_OLD_OUT)
        if value is not None and old is not None:
            raise click.UsageError("give the output folder once, with --out-dir (--out is its old name)")
        return value if value is not None else old if old is not None else default

    def take_old_out(ctx, _param, value):
        if value is None:
            return
        click.echo("warning: --out for a folder is deprecated: use --out-dir", err=True)
        if "out" not in ctx.params:  # --out-dir comes later and takes it
            ctx.meta[_OLD_OUT] = value
        elif ctx.get_parameter_source("out") is click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("give the output folder once, with --out-dir (--out is its old name)")
        else:
            ctx.params["out"] = value

    def decorate(function):
        function = click.option("--out", "old_out", type=folder, hidden=True, expose_value=False,
                                callback=take_old_out)(function)
        return click.option("--out-dir", "out", type=folder, metavar="DIR", callback=take_out_dir,
                            help=help)(function)

    return decorate


def quiet_verbose(function):
    """``--quiet`` (print nothing but errors) and ``--verbose`` (detail lines under each step)."""
    function = click.option("--verbose", "-v", is_flag=True, help="Show detail (counts, files) under each step.")(
        function)
    return click.option("--quiet", "-q", is_flag=True, help="Print nothing except errors.")(function)


def make_progress(quiet: bool, verbose: bool):
    """The progress display for these flags: off with --quiet or when stderr is not a terminal."""
    from geo_coi.progress import Progress

    return Progress.silent() if quiet else Progress(verbose=verbose)


def parse_languages(_ctx, _param, value):
    """``--languages nl,fr,en`` -> ("nl", "fr", "en"); a one-line usage error for an unknown language."""
    if not value:
        return None
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown or not codes:
        raise click.BadParameter(f"{', '.join(unknown) or value!r} not supported: use some of {','.join(LANGUAGES)}")
    return codes


def parse_period(period):
    """``(START, END)`` from ``--period`` -> :class:`geo_coi.periods.Period` (None if not given)."""
    if not period:
        return None
    from geo_coi.periods import Period

    return Period.parse(*period)


def echo(message: str, quiet: bool) -> None:
    """Print a result line on stdout unless --quiet."""
    if not quiet:
        click.echo(message)


def quiet_libraries(verbose: bool = False) -> None:
    """Hide the libraries' warnings (mapclassify's Numba notice, geopandas' empty plots) unless --verbose.

    Problems with the data are reported by geo_coi itself (rejects, notes), not as warnings.
    """
    import warnings

    if not verbose:
        warnings.simplefilter("ignore")
