"""ACLED's terms and honest time axes, on a real-shaped export (tests/real_shaped.py).

Every output made from ACLED data carries the access date; charts, tables and
periods stop where the file's data stop; a period the file does not cover is
an error.
"""

import itertools
import json
import re
import subprocess

import pandas as pd
import pytest
from click.testing import CliRunner
from real_shaped import DATA_END, DATA_START, LAST_UPDATE, STACK, write_real_shaped

from geo_coi import charts, style
from geo_coi.cli.main import cli
from geo_coi.config import load_config, resolve_access_date
from geo_coi.errors import ConfigError, InputError
from geo_coi.periods import Period
from geo_coi.style import check_coverage

REPORT_PERIOD = ("2023-09-01", "2024-05-30")
ACCESS = "2024-05-20"
ACCESS_TEXT = {"en": "20 May 2024", "fr": "20 mai 2024", "nl": "20 mei 2024"}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return write_real_shaped(tmp_path_factory.mktemp("real") / "acled_niger_2024-05-15.csv")


@pytest.fixture(scope="module")
def joined(export):
    from geo_coi.join import join_admin
    from geo_coi.sources import read_events

    events = join_admin(read_events(export).events).events
    events.attrs["access_date"] = ACCESS
    return events


@pytest.fixture(scope="module")
def annex_dir(export, tmp_path_factory):
    from geo_coi.annex import run_annex

    out = tmp_path_factory.mktemp("annex")
    run_annex(None, events_path=export, out_dir=out, language="en", period=REPORT_PERIOD, access_date=ACCESS)
    return out


# ---------------------------------------------------------------- the test export itself


def test_real_shaped_export_is_real_shaped(export, tmp_path):
    frame = pd.read_csv(export)
    dates = pd.to_datetime(frame["event_date"])
    assert dates.max().date() == DATA_END and dates.min().date() == DATA_START
    assert frame.groupby(["latitude", "longitude"]).size().max() >= STACK
    assert (frame["geo_precision"] == 2).mean() > 0.3
    assert pd.Timestamp(frame["timestamp"].max(), unit="s").date() == LAST_UPDATE
    assert not frame["source"].str.startswith("SYNTHETIC").any()
    assert write_real_shaped(tmp_path / "again.csv").read_bytes() == export.read_bytes()


# ---------------------------------------------------------------- access date


def test_access_date_order_cli_then_config_then_api_cache(export):
    bundled = load_config()
    attrs = {"source": "ACLED", "access_date": "2024-05-01", "input_file": str(export)}
    assert resolve_access_date(attrs, "2024-05-20", bundled, export) == "2024-05-20"
    # the bundled config's date is about its own (demo) file, never a user's export
    assert resolve_access_date(attrs, None, bundled, export) == "2024-05-01"
    own = bundled.__class__(**{**bundled.__dict__, "path": None})  # a user's config: its date applies
    assert resolve_access_date(attrs, None, own, export) == bundled.acled_access_date.isoformat()
    with pytest.raises(ConfigError, match="--access-date YYYY-MM-DD"):
        resolve_access_date({**attrs, "access_date": None}, None, bundled, export)
    assert resolve_access_date({"source": "UCDP GED"}, None, bundled, export) is None
    assert resolve_access_date({"source": "ACLED", "synthetic": True}, None, bundled, export) is None


def test_acled_export_without_access_date_is_a_one_line_error(export, tmp_path):
    result = CliRunner().invoke(cli, ["annex", "--events", str(export), "--period", *REPORT_PERIOD,
                                      "--out-dir", str(tmp_path / "o")])
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--access-date" in lines[0] and export.name in lines[0]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_credit_line_gives_access_date_and_data_as_of(language):
    line = style.event_credit({"source": "ACLED", "access_date": ACCESS, "data_as_of": "2024-05-21"}, language)
    assert ACCESS_TEXT[language] in line
    assert style.label("data_as_of", language) in line and "21" in line


def test_access_date_is_in_every_pdf_of_the_annex(annex_dir):
    # the armed-groups, displacement and reference maps (Kaart 1, 4, 5) show no ACLED data
    own = ("armed_groups", "displacement", "kaart")
    pdfs = sorted(p for p in annex_dir.rglob("*.pdf") if not p.name.startswith(own))
    assert len(pdfs) >= 10
    for pdf in pdfs:
        text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        language = re.fullmatch(r"atlas_(nl|fr|en)\.pdf", pdf.name)  # the atlas is made in every language
        # (pdftotext may break the date over two lines: compared without spaces)
        wanted = ACCESS_TEXT[language.group(1) if language else "en"]
        assert wanted.replace(" ", "") in text.replace(" ", ""), pdf.name
    for other in [*annex_dir.rglob("tables/*.md"), *annex_dir.rglob("html/*.html")]:
        language = re.search(r"_(nl|fr|en)\.(md|html)$", other.name)  # the indicator sheet is in every language
        assert ACCESS_TEXT[language.group(1) if language else "en"] in other.read_text(encoding="utf-8"), other.name
    chart_text = subprocess.run(["pdftotext", str(next(annex_dir.rglob("grafiek1*.pdf"))), "-"],
                                capture_output=True, text=True, check=True).stdout
    assert "data as of 21 May 2024" in " ".join(chart_text.split())


def test_manifest_records_the_date_used_and_the_cut_period(annex_dir):
    manifest = json.loads((annex_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"]["acled_access_date"] == ACCESS
    assert manifest["source"]["data_as_of"] == LAST_UPDATE.isoformat()
    assert manifest["period"]["current"] == f"2023-09-01/{DATA_END}"
    assert manifest["period"]["chart_window"].endswith(f"/{DATA_END}")
    # the comparison period (Sept 2022 - May 2023) starts before the file: a note says so
    assert any("part of the period" in note for note in manifest["source"]["notes"])


def test_no_month_after_the_data_in_tables_and_charts(annex_dir):
    for table in annex_dir.rglob("tables/*.csv"):
        frame = pd.read_csv(table, dtype=str)
        if "month" in frame:
            assert frame["month"].max() == "2024-05", table.name
    for name in ("grafiek1", "grafiek3"):
        text = subprocess.run(["pdftotext", str(next(annex_dir.rglob(f"{name}*.pdf"))), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "1–15 May" in text and "data up to 15 May 2024" in " ".join(text.split()), name
        # --period gives the charts the span of its two periods, not the config's window (to May 2025)
        assert "2025" not in text, name
        assert "2024" in text, name


# ---------------------------------------------------------------- periods the file does not cover


def test_uncovered_period_is_an_error_naming_the_file_range(joined):
    with pytest.raises(InputError, match=f"runs from {DATA_START} to {DATA_END}"):
        check_coverage(joined, Period.parse("2024-09-01", "2025-05-30"), "current period", "x.csv")
    assert check_coverage(joined, Period.parse("2023-09-01", "2024-04-30"), "current period", "x.csv") is None
    note = check_coverage(joined, Period.parse("2023-09-01", "2024-05-30"), "current period", "x.csv", "nl")
    assert "15 mei 2024" in note


def test_annex_on_an_uncovered_period_exits_non_zero(export, tmp_path):
    result = CliRunner().invoke(cli, ["annex", "--events", str(export), "--access-date", ACCESS,
                                      "--out-dir", str(tmp_path / "o")])  # config period: Sept 2024 - May 2025
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{DATA_START} to {DATA_END}" in lines[0]


def test_stats_compare_on_an_uncovered_period_exits_non_zero(export):
    result = CliRunner().invoke(cli, ["stats", "--events", str(export), "--compare", "--access-date", ACCESS])
    assert result.exit_code != 0 and f"{DATA_START} to {DATA_END}" in result.stderr
    assert "-100" not in result.stdout


def test_stats_compare_on_partial_coverage_warns_and_credits(export):
    result = CliRunner().invoke(cli, ["stats", "--events", str(export), "--compare", "--access-date", ACCESS,
                                      "--period", *REPORT_PERIOD, "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "part of the period" in result.stderr
    assert ACCESS_TEXT["en"] in result.stdout


# ---------------------------------------------------------------- charts


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_grafiek1_stops_at_the_data_with_a_partial_last_month(joined, language):
    fig = charts.monthly_by_type(joined, ("2023-05-01", "2025-05-30"), language=language)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 13  # May 2023 .. May 2024, not to May 2025
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == style.label("partial_month", language).format(days=charts._partial_days(DATA_END, language))
    partial = [p for p in ax.patches if p.get_hatch() == charts.PARTIAL_HATCH]
    last = max(p.get_x() for p in ax.patches if str(p.get_gid()).startswith("type:"))
    assert partial and {p.get_x() for p in partial} == {last}  # the last month only
    assert all(p.get_height() > 0 for p in partial)  # never an empty month
    subtitle = next(t for t in fig.texts if t.get_gid() == "subtitle").get_text()
    assert style.label("data_up_to", language).format(date="").strip() in subtitle


def test_grafiek3_has_two_panels_on_one_time_axis(joined):
    fig = charts.incidents_fatalities(joined, ("2023-05-01", "2025-05-30"))
    top, bottom = fig.axes
    assert top.get_shared_x_axes().joined(top, bottom)
    assert top.get_position().y0 > bottom.get_position().y1  # stacked, not twinned
    line = next(ln for ln in bottom.get_lines() if ln.get_gid() == "fatalities")
    assert len(line.get_xdata()) == 13 and line.get_ydata()[-1] > 0  # the partial month is not zero
    colours = {c.lower() for c in style.EVENT_COLORS.values()}
    assert line.get_color().lower() not in colours


def test_grafiek4_uses_the_report_short_actor_names(joined):
    fig = charts.civilian_actors(joined, REPORT_PERIOD, language="fr")
    names = {t.get_text() for t in fig.axes[0].get_yticklabels()}
    assert {"ISSP", "JNIM"} <= names
    assert not any("Islamic State" in name for name in names)


def _overlaps(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_tick_labels_never_collide(joined, language):
    drawn = [charts.monthly_by_type(joined, ("2023-05-01", "2025-05-30"), language=language),
             charts.incidents_fatalities(joined, ("2023-05-01", "2025-05-30"), language=language),
             charts.civilian_actors(joined, REPORT_PERIOD, language=language),
             charts.regions_by_type(joined, REPORT_PERIOD, language=language)]
    for fig in drawn:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        for ax in fig.axes:
            for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
                boxes = [t.get_window_extent(renderer) for t in ticks if t.get_visible() and t.get_text()]
                assert not _overlaps(boxes), (fig.texts[0].get_text(), [t.get_text() for t in ticks])
