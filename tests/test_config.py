"""Report configs: the shipped Niger 2025 config and the validation of every kind of mistake."""

import datetime as dt
from pathlib import Path

import pytest

from geo_coi.config import default_config_path, load_config, parse_config
from geo_coi.errors import ConfigError
from geo_coi.maps import admin
from geo_coi.maps.extent import extent_bounds
from geo_coi.periods import Period

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "configs" / "niger_2025.toml"

MINIMAL = """
[report]
id = "mini"
title = "Mini report"
country = "Niger"

[periods]
current = { start = 2024-09-01, end = 2025-05-30 }

[events]
types = ["Battles"]
"""


def test_shipped_config_matches_the_model_report():
    config = load_config(SHIPPED)
    assert config.report_id == "niger-2025"
    assert config.current == Period(dt.date(2024, 9, 1), dt.date(2025, 5, 30))
    assert config.comparison == Period(dt.date(2023, 9, 1), dt.date(2024, 5, 30))
    assert config.chart_window == Period(dt.date(2023, 5, 1), dt.date(2025, 5, 30))
    assert config.event_types == ("Battles", "Explosions/Remote violence", "Violence against civilians")
    assert config.sources["acled"].export_date == dt.date(2025, 5, 30)
    assert config.acled_access_date == dt.date(2025, 6, 5)
    assert config.extents["south_west"].regions == ("Tillabéri", "Niamey", "Dosso")
    assert dict(config.extents["south_west"].departments)["Tahoua"]
    assert config.extents["national"].is_national
    assert config.maps.scheme == "fisherjenks"
    assert set(config.languages) == {"nl", "fr", "en"}
    assert config.areas_file is not None and config.areas_file.is_file()


def test_packaged_copy_is_identical_to_configs_folder():
    # The wheel ships geo_coi/data/configs/; it must not drift from configs/.
    assert default_config_path().read_bytes() == SHIPPED.read_bytes()
    assert load_config().report_id == "niger-2025"


def test_minimal_config_gets_defaults():
    config = parse_config(MINIMAL, "mini.toml")
    assert config.comparison == config.current.previous_year()
    assert config.chart_window.start == config.comparison.start
    assert config.chart_window.end == config.current.end
    assert config.language == "en" and config.maps.classes == 5
    assert config.events_file is None and config.sources == {}


def test_to_dict_is_json_safe():
    import json

    data = load_config(SHIPPED).to_dict()
    text = json.dumps(data)
    assert '"2024-09-01"' in text and data["report_id"] == "niger-2025"


@pytest.mark.parametrize(
    "change, key, words",
    [
        (("[report]", "[report]\ncolour = 'red'"), "report.colour", "unknown key"),
        (("[events]", "[events]\nsnap_tolerance_km = 'ten'"), "events.snap_tolerance_km", "expected a number"),
        (("end = 2025-05-30", "end = 2025-13-40"), None, "TOML"),
        (("end = 2025-05-30 }", "end = '30/05/2025' }"), "periods.current.end", "YYYY-MM-DD"),
        (("end = 2025-05-30 }", "end = 2024-01-01 }"), "periods.current.end", "before start"),
        (('types = ["Battles"]', "types = 'Battles'"), "events.types", "list"),
        (('types = ["Battles"]', "types = [1]"), "events.types[0]", "text"),
        (('id = "mini"', 'id = "../up"'), "report.id", "folder name"),
        (("[report]", "[report]\nlanguage = 'de'"), "report.language", "not supported"),
        (('title = "Mini report"\n', ""), "report.title", "required"),
        (("[events]", "[maps]\nsize = 'A5'\n[events]"), "maps.size", "A4-landscape"),
        (("[events]", "[maps]\nchoropleth_measures = ['deaths']\n[events]"), "maps.choropleth_measures[0]",
         "fatalities"),
        (("[events]", "[extents.x]\nbbox = [5, 10, 1, 12]\n[events]"), "extents.x.bbox", "west < east"),
        (("[events]", "[sources.acled]\naccess_date = 2025-06-05\n[events]"), "sources.acled.name", "required"),
        (("[events]", "[periodz]\n[events]"), "periodz", "unknown key"),
        (("[events]", "[events]\nsnap_tolerance_km = nan"), "events.snap_tolerance_km", "finite number"),
        (("[events]", "[events]\nsnap_tolerance_km = inf"), "events.snap_tolerance_km", "finite number"),
        (("[events]", "[events]\nsnap_tolerance_km = -inf"), "events.snap_tolerance_km", "finite number"),
        (("[events]", "[maps]\ndensity_cell_km = 1e-300\n[events]"), "maps.density_cell_km", "out of range"),
        (("[events]", "[maps]\nhexbin_size_km = 1e300\n[events]"), "maps.hexbin_size_km", "out of range"),
        (("[events]", "[maps]\nclasses = 1000000\n[events]"), "maps.classes", "from 2 to 12"),
        (("[events]", "[maps]\nscheme = 'jenks'\n[events]"), "maps.scheme", "not a mapclassify scheme"),
        (("[events]", "[maps]\nscheme = 'FisherJenks'\n[events]"), "maps.scheme", "use one of fisherjenks"),
        (("[events]", "[maps]\nscheme = 'headtailbreaks'\nclasses = 4\n[events]"), "maps.classes",
         "chooses its own number of classes"),
        (("[events]", "[maps]\nscheme = 'boxplot'\n[events]"), "maps.scheme", "not drawn by geo_coi's maps"),
        (('types = ["Battles"]', 'types = ["Battles", "Batles"]'), "events.types[1]", "Violence against civilians"),
    ],
)
def test_mistakes_name_the_file_and_key(change, key, words):
    old, new = change
    assert old in MINIMAL
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL.replace(old, new, 1), "configs/x.toml")
    message = str(info.value)
    assert message.startswith("configs/x.toml: ")
    if key:
        assert f": {key}: " in message
    assert words in message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_relative_paths_resolve_beside_the_config_first(tmp_path):
    events = tmp_path / "my_events.csv"
    events.write_text("x\n")
    path = tmp_path / "r.toml"
    path.write_text(MINIMAL.replace('types = ["Battles"]', 'types = ["Battles"]\ndefault_file = "my_events.csv"'))
    assert load_config(path).events_file == events


def test_with_period_shifts_the_comparison():
    config = load_config(SHIPPED)
    new = config.with_period(Period.parse("2022-01-01", "2022-12-31"))
    assert new.comparison == Period.parse("2021-01-01", "2021-12-31")
    assert new.chart_window == Period.parse("2021-01-01", "2022-12-31")  # not the config's own window


def test_every_place_in_the_shipped_config_resolves():
    from geo_coi.config import check_places

    found = check_places(load_config(SHIPPED))
    assert found["extents.south_west.regions[0]"] == "NE006"
    assert found["tables.region_tables[0]"] == "NE003"
    assert all(code.startswith("NE005") for key, code in found.items() if ".departments[0].names" in key)


def test_misspelt_place_names_the_config_key():
    from geo_coi.config import check_places

    text = MINIMAL + '\n[tables]\ndepartment_breakdowns = ["Tillaberi", "Xyzzyville"]\n'
    with pytest.raises(ConfigError, match=r"^r\.toml: tables\.department_breakdowns\[1\]: .*Xyzzyville"):
        check_places(parse_config(text, "r.toml"))


def test_shipped_extents_frame_the_report_maps():
    """south_west is Annex 2's frame (Tillabéri, Dosso, Niamey, south of Tahoua); tri_border a lon/lat box."""
    import numpy as np

    config = load_config()
    south_west = extent_bounds(config.extents["south_west"])
    from geo_coi import boundaries, crs

    regions = boundaries.load("region").to_crs(crs.map_crs())
    west, south, east, north = regions[regions["pcode"].isin(["NE003", "NE006", "NE008"])].total_bounds
    assert south_west[0] <= west + 1 and south_west[1] <= south + 1  # the frame holds the three regions (metres)
    assert south_west[2] >= east - 1 and south_west[3] >= north - 1
    assert south_west[3] - south_west[1] < (regions.total_bounds[3] - regions.total_bounds[1]) / 2  # not the country
    national = extent_bounds(config.extents["national"])
    assert np.allclose(national, admin.bounds("country"))
    tri = extent_bounds(config.extents["tri_border"])
    assert tri[0] < south_west[0] and tri[2] < south_west[2]  # 0–4.5° E lies west of Dosso's eastern edge
    assert (tri[2] - tri[0]) < (national[2] - national[0]) / 2


@pytest.mark.parametrize("scheme", ["fisherjenks", "quantiles", "equalinterval", "naturalbreaks"])
def test_every_scheme_the_maps_draw_loads(scheme):
    config = parse_config(MINIMAL + f"\n[maps]\nscheme = '{scheme}'\nclasses = 12\n", "x.toml")
    assert (config.maps.scheme, config.maps.classes) == (scheme, 12)


def test_ucdp_event_types_load():
    config = parse_config(MINIMAL.replace('["Battles"]', '["State-based conflict", "One-sided violence"]'), "x.toml")
    assert config.event_types == ("State-based conflict", "One-sided violence")


@pytest.mark.parametrize("content", [
    "root:$6$SECRETHASH:19000:0:99999:7:::\nbin:*:19000::::::\n",  # /etc/shadow: one column
    "user,SECRETHASH\nalice,x\n",  # a table, but not an events file
])
def test_a_path_key_never_echoes_the_files_content(tmp_path, content):
    """``default_file = "/etc/shadow"``: the error names the file, never its lines."""
    from click.testing import CliRunner

    from geo_coi.cli.main import cli

    secret = tmp_path / "shadow"
    secret.write_text(content)
    config = tmp_path / "r.toml"
    config.write_text(MINIMAL.replace('types = ["Battles"]', f'types = ["Battles"]\ndefault_file = "{secret}"'))
    assert load_config(config).events_file == secret
    result = CliRunner().invoke(cli, ["annex", "--config", str(config), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert str(secret) in result.output
    rest = result.output.replace(str(secret), "FILE")  # pytest's tmp_path holds the test's name
    assert "SECRETHASH" not in rest and "root" not in rest and "alice" not in rest
    assert "Traceback" not in rest and len(rest.strip().splitlines()) == 1
