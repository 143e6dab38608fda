"""``--assets`` and ``--languages`` of ``geo-coi map html`` and their config keys (maps.html_*)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from test_config import MINIMAL

from geo_coi.cli.main import cli
from geo_coi.config import parse_config
from geo_coi.errors import ConfigError


def test_config_keys_default_and_parse():
    config = parse_config(MINIMAL, "x.toml")
    assert config.maps.html_assets == "inline" and config.maps.html_languages == ()
    config = parse_config(MINIMAL + '\n[maps]\nhtml_assets = "external"\nhtml_languages = ["nl", "fr"]\n', "x.toml")
    assert config.maps.html_assets == "external" and config.maps.html_languages == ("nl", "fr")


@pytest.mark.parametrize("line, key, words", [
    ('html_assets = "cdn"', "maps.html_assets", "inline, external"),
    ('html_languages = ["nl", "de"]', "maps.html_languages[1]", "nl, fr, en"),
])
def test_config_mistakes_name_the_key(line, key, words):
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL + f"\n[maps]\n{line}\n", "configs/x.toml")
    assert f": {key}: " in str(info.value) and words in str(info.value)


def test_unknown_language_is_a_one_line_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["map", "html", "--languages", "nl,de", "--out-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "Invalid value for '--languages': 'de' not supported" in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_map_html_writes_an_external_trilingual_page(tmp_path):
    result = CliRunner().invoke(cli, ["map", "html", "--language", "fr", "--languages", "nl,fr,en",
                                      "--assets", "external", "--out-dir", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    [page] = [n for n in names if n.endswith(".html")]
    stem = page[:-len(".html")]
    assert {f"{stem}.data.js", "leaflet.js", "geo_coi_map.js", "geo_coi_map.css"} <= set(names)
    text = (tmp_path / page).read_text(encoding="utf-8")
    assert '<html lang="fr">' in text and "<style" not in text
    data = (tmp_path / f"{stem}.data.js").read_text(encoding="utf-8")
    assert re.search(r'"i18n":\{"languages":\["fr","nl","en"\]', data)
