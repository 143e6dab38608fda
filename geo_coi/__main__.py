"""``python -m geo_coi``: the ``geo-coi`` command."""

from geo_coi.cli.main import cli

cli()
