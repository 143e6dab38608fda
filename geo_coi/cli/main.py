"""The ``geo-coi`` click group.

Subcommands are imported only when called (as rasterio's ``rio`` does), so
``geo-coi locate`` does not pay for matplotlib, folium or rasterio.
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

INTERNAL_ERROR = 70  # exit code of an unexpected exception (EX_SOFTWARE of sysexits.h)
# name -> "module:function" of each subcommand
SUBCOMMANDS = {
    "annex": "geo_coi.cli.annex:annex",
    "atlas": "geo_coi.cli.atlas:atlas",
    "changes": "geo_coi.cli.changes:changes",
    "country": "geo_coi.cli.country:country",
    "fetch-acled": "geo_coi.cli.fetch_acled:fetch_acled",
    "locate": "geo_coi.cli.locate:locate",
    "map": "geo_coi.cli.map:map_command",
    "stats": "geo_coi.cli.stats:stats",
    "validate": "geo_coi.cli.validate:validate",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use."""

    def list_commands(self, ctx):  # noqa: ARG002 (click's signature)
        """Every subcommand's name, sorted (the modules are not imported)."""
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx, name):  # noqa: ARG002 (click's signature)
        """The subcommand ``name``, its module imported now; None when unknown."""
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        try:
            return getattr(import_module(module), attr)
        except ModuleNotFoundError as exc:  # subcommand not written yet
            if exc.name != module:
                raise
            return None

    def invoke(self, ctx):
        """Run the command; a GeoCOIError is printed as one line (the traceback only with --debug)."""
        from geo_coi.errors import GeoCOIError

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors, --help, Ctrl-C: click's own one-line handling
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(exc, GeoCOIError):
                click.echo(f"Error: {exc}", err=True)
                sys.exit(1)
            click.echo(f"Error: internal error, rerun with --debug ({_summary(exc)})", err=True)
            sys.exit(INTERNAL_ERROR)


def _summary(exc: BaseException) -> str:
    """``Type: first line of the message``, cut to 200 characters."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geo_coi")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.pass_context
def cli(ctx, debug):
    """Maps, tables and charts of a COI security report from conflict-event data.

    Start with `geo-coi annex` (the whole report set on the bundled demo data)
    or `geo-coi locate LAT LON` (which admin units contain a point).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
