"""``geo-coi country``: the bundled country packs, and ``country build`` for any other country."""

from __future__ import annotations

import click


@click.group()
def country():
    """Country packs: list the bundled ones, build one from COD-AB files."""


@country.command("list")
def list_packs():
    """The bundled packs: ISO3 code, name, admin levels."""
    from geo_coi import country as packs

    for code in packs.bundled():
        pack = packs.get(code)
        levels = ", ".join(f"{level.key} {level.display(plural=True)}" for level in pack.admin_levels)
        click.echo(f"{pack.iso3}  {pack.name()}: {levels}")


@country.command("build")
@click.argument("source", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--out", "out", metavar="PACKDIR", type=click.Path(file_okay=False), default=None,
              help="The pack folder to write (default: ./<iso3>).")
@click.option("--iso3", default=None, metavar="X", help="ISO3 code (default: from the HDX file names).")
@click.option("--language", default="FR", show_default=True, metavar="XX",
              help="Suffix of the COD-AB name fields (ADM1_FR, ADM1_EN, ...).")
def build(source, out, iso3, language):
    """Turn a folder of COD-AB files from HDX into a country pack.

    DIR holds one *_admbnda_adm<n>_* file per admin level (shapefile with its
    .prj, or GeoJSON), as downloaded from HDX. The P-codes must nest; the pack's
    country.toml is written with TODO lines for what the files do not say
    (names, capital, credits). Then copy the folder to geo_coi/countries/<iso3>/.
    """
    from geo_coi import pack_build

    built = pack_build.build(source, out=out, iso3=iso3, language=language)
    counts = ", ".join(f"{key} {count}" for key, count in built.counts.items())
    click.echo(f"{built.iso3}: wrote {built.folder} ({counts}); complete the TODO lines of its country.toml")
    for note in built.notes:
        click.echo(f"note: {note}")
