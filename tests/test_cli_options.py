"""geo_coi.cli.options on its own, through a small command that uses them."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from geo_coi.cli import options
from geo_coi.progress import Progress


@click.command()
@options.out_dir_option(help="Output folder.", default="outputs")
@options.period_option
@click.option("--languages", callback=options.parse_languages, default=None)
@options.quiet_verbose
def probe(out, period, languages, quiet, verbose):
    parsed = options.parse_period(period)
    click.echo(f"out={out} period={parsed} languages={languages}")
    options.echo("result line", quiet)


def run(*args):
    return CliRunner().invoke(probe, list(args))


def test_out_dir_default_and_given():
    assert "out=outputs " in run().stdout
    assert "out=maps " in run("--out-dir", "maps").stdout


def test_old_out_still_works_with_a_warning():
    result = run("--out", "old")
    assert result.exit_code == 0 and "out=old " in result.stdout
    assert "--out for a folder is deprecated: use --out-dir" in result.stderr


@pytest.mark.parametrize("order", [("--out", "a", "--out-dir", "b"), ("--out-dir", "b", "--out", "a")])
def test_both_names_is_a_usage_error(order):
    result = run(*order)
    assert result.exit_code == 2 and "give the output folder once, with --out-dir" in result.stderr


def test_help_shows_out_dir_only():
    text = run("--help").stdout
    assert "--out-dir DIR" in text and "--out " not in text.replace("--out-dir", "")


def test_period_and_languages_are_parsed():
    result = run("--period", "2024-09-01", "2025-05-30", "--languages", "nl, fr")
    assert "period=2024-09-01/2025-05-30 languages=('nl', 'fr')" in result.stdout
    assert options.parse_period(("2024-09-01", "2025-05-30")).end == dt.date(2025, 5, 30)
    assert options.parse_period(None) is None


def test_unknown_language_is_a_one_line_usage_error():
    result = run("--languages", "nl,de")
    assert result.exit_code == 2 and "'de' not supported: use some of nl,fr,en" in result.stderr


def test_quiet_hides_result_lines_and_progress():
    assert "result line" in run().stdout and "result line" not in run("-q").stdout
    assert not options.make_progress(quiet=True, verbose=True).enabled
    assert isinstance(options.make_progress(quiet=False, verbose=False), Progress)


def test_edition_and_events_are_exclusive():
    with pytest.raises(click.UsageError, match="not both"):
        options.edition_events("a.csv", "2025-06-05", None)
    with pytest.raises(click.UsageError, match="--store goes with --edition"):
        options.edition_events(None, None, "store/")
    assert options.edition_events("a.csv", None, None) == "a.csv"
