"""The command line of `geo-coi annex` and `geo-coi map`: help texts, errors, --quiet."""

import pytest

from geo_coi.cli.main import SUBCOMMANDS, cli
from geo_coi.errors import ConfigError

SHARED_OPTIONS = ("--events", "--config", "--out-dir", "--language", "--period", "--quiet", "--verbose")


@pytest.fixture(scope="module")
def bad_config(tmp_path_factory):
    from geo_coi.config import default_config_path

    path = tmp_path_factory.mktemp("cfg") / "bad.toml"
    path.write_text(default_config_path().read_text(encoding="utf-8").replace("[report]", "[report]\ncolour = 1", 1),
                    encoding="utf-8")
    return path


def test_group_help_lists_every_subcommand(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("annex", "map"):
        assert name in result.output


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_subcommand_help_reads_well(runner, name):
    result = runner.invoke(cli, [name, "--help"])
    if "No such command" in result.output:
        pytest.skip(f"{name} is not written yet")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: cli {name}") or result.output.startswith(f"Usage: geo-coi {name}")
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary) > 20 and not summary.endswith("...")


@pytest.mark.parametrize("name", ["annex", "map"])
def test_annex_and_map_share_the_options(runner, name):
    text = runner.invoke(cli, [name, "--help"]).output
    for option in SHARED_OPTIONS:
        assert option in text, option
    assert "Examples:" in text


def test_bad_config_is_one_line_and_nonzero_exit(runner, bad_config):
    result = runner.invoke(cli, ["annex", "--config", str(bad_config), "--out-dir", str(bad_config.parent / "o")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ") and "report.colour: unknown key" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_exception(runner, bad_config):
    result = runner.invoke(cli, ["--debug", "annex", "--config", str(bad_config)])
    assert isinstance(result.exception, ConfigError)


def test_bad_period_is_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["map", "annex1", "--period", "2025-05-30", "2024-09-01", "--out-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "period" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_map_kind_is_refused(runner):
    result = runner.invoke(cli, ["map", "pie"])
    assert result.exit_code == 2 and "annex1" in result.output


def test_map_quiet_prints_nothing_and_writes_the_map(runner, tmp_path):
    result = runner.invoke(cli, ["map", "hexbin", "--quiet", "--language", "en", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["hexbin_en.pdf", "hexbin_en.png", "hexbin_en.svg"]


def test_map_choropleth_level_and_measure(runner, tmp_path):
    result = runner.invoke(cli, ["map", "choropleth", "--level", "department", "--measure", "fatalities",
                                 "--language", "fr", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = result.stdout.strip().splitlines()
    assert sorted(p.rsplit("/", 1)[-1] for p in printed) == [
        f"choropleth_department_fatalities_fr.{ext}" for ext in ("pdf", "png", "svg")]
    assert all((tmp_path / p.rsplit("/", 1)[-1]).stat().st_size > 0 for p in printed)


def test_map_reads_a_ucdp_file(runner, tmp_path):
    from geo_coi.config import resolve_data_path

    ucdp = resolve_data_path("events/ucdp_ged251_niger_2015_2024_reduced.csv")
    result = runner.invoke(cli, ["map", "hexbin", "--events", str(ucdp), "--period", "2024-01-01", "2024-12-31",
                                 "--language", "en", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "hexbin_en.png").stat().st_size > 0
