from geo_coi.cli.main import cli

cli()
