"""The registry of products (geo_coi.products): the annex's steps and every `geo-coi map` kind x option."""

import dataclasses
import itertools

import pytest
from click.testing import CliRunner

from geo_coi import annex, products
from geo_coi.cli.main import cli
from geo_coi.errors import InputError

COMMAND_KINDS = products.map_kinds(command=True)
# One value per option as the command line takes it.
VALUES = {"level": ("region", "department"), "measure": products.MAP_OPTIONS["measure"],
          "assets": ("inline", "external"), "languages": ("nl,fr",)}


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.fixture
def dispatched(monkeypatch):
    """Record what `geo-coi map` hands the step runner, and stage one file per step instead of drawing.

    The drawing itself is tested by the map tests; here only the dispatch: which steps, with which config.
    """
    calls = []

    def record(run, steps):
        calls.append((tuple(step.name for step in steps), run.config))
        for step in steps[2:]:  # past reading and joining
            path = run.staging / "maps" / f"{step.name.replace(' ', '_')}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step.name, encoding="utf-8")
        return []

    monkeypatch.setattr(annex, "_run_steps", record)
    return calls


def test_the_annex_runs_reading_joining_then_every_product_in_order():
    names = [step.name for step in annex.STEPS]
    assert names[:2] == ["read events", "join admin units"]
    assert [step.core for step in annex.STEPS] == [True, True] + [False] * len(products.PRODUCTS)
    assert names[2:] == list(products.PRODUCTS)
    assert [step.function for step in annex.STEPS[2:]] == [p.draw for p in products.PRODUCTS.values()]


def test_every_product_is_well_formed():
    fields = {field.name for field in dataclasses.fields(annex.AnnexRun)}
    kinds = [p.kind for p in products.PRODUCTS.values() if p.kind]
    assert len(kinds) == len(set(kinds)) and "annex1" in kinds
    for product in products.PRODUCTS.values():
        assert callable(product.draw) and product.draw.__doc__, product.step
        assert set(product.needs) <= fields, product.step
        assert set(product.options) <= set(products.MAP_OPTIONS), product.step
        assert all(suffix.startswith(".") for suffix in product.formats), product.step
        if product.kind in COMMAND_KINDS:
            assert product.folder in products.FOLDERS and product.summary, product.step


def test_the_map_command_lists_every_kind_of_the_registry(runner):
    result = runner.invoke(cli, ["map", "--help"])
    assert result.exit_code == 0, result.output
    for kind, product in COMMAND_KINDS.items():
        assert f"{kind:<13} {product.summary}" in result.output


@pytest.mark.parametrize(("kind", "option"), [(kind, option) for kind, option in
                                              itertools.product(COMMAND_KINDS, products.MAP_OPTIONS)
                                              if option not in COMMAND_KINDS[kind].options])
def test_an_option_the_kind_does_not_take_is_refused(runner, tmp_path, dispatched, kind, option):
    result = runner.invoke(cli, ["map", kind, f"--{option}", VALUES[option][-1], "--out-dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"map {kind!r} takes no --{option}" in lines[0]
    assert dispatched == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("level", "measure"), list(itertools.product((None, *VALUES["level"]),
                                                                      (None, *VALUES["measure"]))))
def test_every_choropleth_level_and_measure_draws_or_is_refused(runner, tmp_path, dispatched, level, measure):
    args = ["map", "choropleth", "--out-dir", str(tmp_path)]
    args += ["--level", level] if level else []
    args += ["--measure", measure] if measure else []
    result = runner.invoke(cli, args)
    if level == "department" and measure and measure.endswith("_per_100k"):  # populations: per region only
        assert result.exit_code == 1, result.output
        assert len(result.stderr.strip().splitlines()) == 1
        assert "known per region only" in result.stderr and "--level region" in result.stderr
        assert dispatched == [] and list(tmp_path.iterdir()) == []
        return
    assert result.exit_code == 0, result.output
    (names, config), = dispatched
    assert names == ("read events", "join admin units", "choropleth maps")
    default = annex.load_config().maps
    if level or measure:  # the one asked, the config's first for the other
        assert config.maps.choropleth_levels == (level or default.choropleth_levels[0],)
        assert config.maps.choropleth_measures == (measure or default.choropleth_measures[0],)
    else:  # the config's levels and measures
        assert (config.maps.choropleth_levels, config.maps.choropleth_measures) == (
            default.choropleth_levels, default.choropleth_measures)
    assert result.stdout.splitlines() == [str(tmp_path / "choropleth_maps.txt")]


@pytest.mark.parametrize(("assets", "languages"), list(itertools.product((None, *VALUES["assets"]),
                                                                         (None, "nl,fr"))))
def test_every_html_option_reaches_the_map(runner, tmp_path, dispatched, assets, languages):
    args = ["map", "html", "--out-dir", str(tmp_path)]
    args += ["--assets", assets] if assets else []
    args += ["--languages", languages] if languages else []
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    (names, config), = dispatched
    assert names == ("read events", "join admin units", "interactive map")
    default = annex.load_config().maps
    assert config.maps.html_assets == (assets or default.html_assets)
    assert config.maps.html_languages == (tuple(languages.split(",")) if languages else default.html_languages)


@pytest.mark.parametrize("kind", sorted(COMMAND_KINDS))
def test_every_kind_without_options_runs_its_own_step(runner, tmp_path, dispatched, kind):
    result = runner.invoke(cli, ["map", kind, "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (names, _), = dispatched
    assert names == ("read events", "join admin units", COMMAND_KINDS[kind].step)


def test_readme_example_is_refused_with_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["map", "choropleth", "--level", "department", "--measure", "fatalities_per_100k",
                                 "--out-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no choropleth to draw: fatalities_per_100k is known per region only")


def test_a_misspelt_kind_is_an_error_naming_the_closest():
    with pytest.raises(InputError, match="unknown map kind 'anex1': did you mean 'annex1'"):
        annex.run_map("anex1")
    with pytest.raises(InputError, match="geo-coi map has no option 'colour'"):
        products.map_product("annex1", colour="red")


def test_a_map_that_writes_nothing_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(annex, "_run_steps", lambda *_: [])
    with pytest.raises(annex.GeoCOIError, match="map 'hexbin' wrote no file"):
        annex.run_map("hexbin", out_dir=tmp_path)


def test_a_new_map_kind_is_one_drawing_and_one_registry_entry(monkeypatch, tmp_path):
    """DEVELOPING.md's "adding a map kind": a map function over maps/page.py and a Product made by events_map."""
    import pandas as pd
    from PIL import Image

    from geo_coi.maps import admin, captions, markers
    from geo_coi.maps.page import finish_page, start_page
    from geo_coi.steps import maps
    from geo_coi.style import label

    drawn = []

    def flows_map(events, period=None, *, language="en", size="A4-landscape", credits=(), out=None):
        drawn.append((events, period, language, size, credits))
        page = start_page(label("annex1_title", language), captions.subtitle(events, period, language), size,
                          language, admin.bounds("country"), None)
        admin.boundary_lines(page.ax, "department", linewidth=0.35)
        sections, counts = markers.draw_events(page.ax, events, language)
        page.labels += counts
        return finish_page(page, language, sections, [captions.events_credit(events, language)], out, 30, credits)

    entry = products.Product("flows map", maps.events_map(flows_map, "flows", "annex1_title"), "maps",
                             products.STATIC, kind="flows", summary="flows between departments")
    monkeypatch.setitem(products.PRODUCTS, entry.step, entry)
    # the annex's steps are made from PRODUCTS when geo_coi.annex is imported: an entry in products.py is among them
    monkeypatch.setattr(annex, "STEPS", (*annex.STEPS, annex.Step(entry.step, entry.draw)))
    written = annex.run_map("flows", out_dir=tmp_path, language="fr")
    assert sorted(p.suffix for p in written) == [".pdf", ".png", ".svg"]
    assert all(p.parent == tmp_path and p.name.startswith("flows") for p in written)
    (events, period, language, size, credits), = drawn
    config = annex.load_config()
    assert period == config.current and language == "fr" and size == config.maps.size
    assert tuple(credits) == tuple(config.credits)
    dates = events["event_date"]
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    assert len(events) > 0 and dates.min() >= start and dates.max() <= end  # the report's events
    png = next(p for p in written if p.suffix == ".png")
    image = Image.open(png).convert("L")
    width, height = image.size
    assert height == int(210 / 25.4 * 30) and width / height == pytest.approx(297 / 210, abs=0.01)  # A4, 30 dpi
    assert image.getextrema()[0] < 100  # something dark is drawn (boundaries, symbols, text)
