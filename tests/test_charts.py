"""The report's charts (geo_coi.charts), checked by opening what they draw and write."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.testing.compare import compare_images
from PIL import Image

from geo_coi import charts, style
from geo_coi.errors import InputError, ResolveError
from geo_coi.maps.layout import legend_texts
from geo_coi.periods import Period, format_date

UCDP = files("geo_coi") / "countries" / "ner" / "events" / "ucdp_ged251_niger_2015_2024_gednames.csv"
BASELINES = Path(__file__).parent / "baseline_charts"
BASELINE_DPI = 40
# Regenerate the baselines after a deliberate change of the charts' look:
#   GEO_COI_UPDATE_BASELINES=1 pytest tests/test_charts.py -k baseline
UPDATE = os.environ.get("GEO_COI_UPDATE_BASELINES") == "1"
PERIOD = Period.parse("2023-01-01", "2024-12-31")
UCDP_END = Period.parse("2024-12-20", "2024-12-20").end  # the bundled UCDP file's last event: December is partial


def partial(language):
    """Legend entry of the partial last month (December 2024, to the 20th)."""
    return style.label("partial_month", language).format(days=charts._partial_days(UCDP_END, language))
ACLED_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


@pytest.fixture(scope="module")
def ucdp(ucdp_joined):
    """The bundled UCDP events, read and joined like the pipeline does."""
    return ucdp_joined


@pytest.fixture(scope="module")
def acled_like(ucdp):
    """The UCDP points relabelled with ACLED types (and a few protests), as the synthetic demo."""
    rng = np.random.default_rng(7)
    events = ucdp.copy()
    events["event_type"] = rng.choice(ACLED_TYPES + ("Protests",), size=len(events), p=(0.45, 0.2, 0.3, 0.05))
    events["civilian_targeting"] = events["event_type"] == "Violence against civilians"
    events["actor1"] = rng.choice(("ISSP", "JNIM", "Unidentified Armed Group (Niger)", "JAS", "ISWAP", "Bandits"),
                                  size=len(events))
    events.attrs = {"source": "ACLED-schema synthetic demo", "synthetic": True}
    return events


@pytest.fixture(scope="module")
def written(ucdp, tmp_path_factory):
    """Regions chart written once as PNG/PDF/SVG."""
    out = tmp_path_factory.mktemp("charts") / "regions"
    charts.regions_by_type(ucdp, PERIOD, out=out)
    return out


def _in_period(events, period=PERIOD):
    return events[period.contains(events["event_date"]).to_numpy()]


def _bars(fig, prefix):
    """{gid suffix: [patches]} of the bars whose gid starts with ``prefix``."""
    found = {}
    for patch in fig.axes[0].patches:
        gid = patch.get_gid() or ""
        if gid.startswith(prefix):
            found.setdefault(gid[len(prefix):], []).append(patch)
    return found


def _text(fig, gid):
    return next(t.get_text() for t in fig.texts if t.get_gid() == gid)


def test_png_size_dpi_and_vector_files(written):
    with Image.open(written.with_suffix(".png")) as image:
        width_px, height_px = (round(v / 2.54 * 300) for v in charts.CHART_SIZE_CM)
        assert abs(image.size[0] - width_px) <= 1 and abs(image.size[1] - height_px) <= 1
        assert [round(d) for d in image.info["dpi"]] == [300, 300]
        pixels = np.asarray(image.convert("RGB"), dtype="float64")
    assert pixels.std() > 20  # not blank
    assert (pixels.sum(axis=2) < 700).mean() > 0.03  # a real share of the page is ink
    assert written.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert b"<svg" in written.with_suffix(".svg").read_bytes()[:2000]


def test_png_holds_the_style_colours(written, ucdp):
    with Image.open(written.with_suffix(".png")) as image:
        pixels = np.asarray(image.convert("RGB"))
    types = _in_period(ucdp)["event_type"].unique()
    for event_type in types:
        rgb = np.array([round(c * 255) for c in to_rgba(style.event_color(event_type))[:3]])
        assert (np.abs(pixels.astype(int) - rgb).sum(axis=2) <= 3).sum() > 200, event_type


def test_outputs_are_byte_identical(ucdp, written, tmp_path):
    charts.regions_by_type(ucdp, PERIOD, out=tmp_path / "again")
    for suffix in (".png", ".pdf", ".svg"):
        assert (tmp_path / f"again{suffix}").read_bytes() == written.with_suffix(suffix).read_bytes(), suffix


@pytest.mark.parametrize("language", style.LANGUAGES)
def test_monthly_by_type_counts_colours_and_legend(ucdp, language):
    fig = charts.monthly_by_type(ucdp, PERIOD, language=language)
    chosen = _in_period(ucdp)
    bars = _bars(fig, "type:")
    assert set(bars) == set(chosen["event_type"])
    for event_type, patches in bars.items():
        assert len(patches) == len(PERIOD.months())
        assert all(p.get_facecolor() == to_rgba(style.event_color(event_type)) for p in patches)
        assert sum(p.get_height() for p in patches) == (chosen["event_type"] == event_type).sum()
    expected = [style.label(t, language) for t in charts._ordered(bars)]
    assert legend_texts(fig) == expected + [partial(language)]
    assert _text(fig, "title") == style.label("chart_monthly_by_type", language)
    cut = style.label("data_up_to", language).format(date=format_date(UCDP_END, language))
    assert _text(fig, "subtitle") == f"{PERIOD.label(language)} ({cut})"  # the data end before the period
    assert _text(fig, "credits") == style.event_credit(ucdp.attrs, language)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_monthly_by_type_shades_current_and_comparison_periods(ucdp, language, tmp_path):
    current, comparison = Period.parse("2024-09-01", "2024-12-31"), Period.parse("2023-09-01", "2023-12-31")
    fig = charts.monthly_by_type(ucdp, PERIOD, language=language, current=current, comparison=comparison,
                                 out=tmp_path / "g1")
    ax = fig.axes[0]
    months = PERIOD.months()
    for key, period in (("current_period", current), ("comparison_period", comparison)):
        span = next(p for p in ax.patches if p.get_gid() == f"shade:{key}")
        x0, x1 = span.get_x(), span.get_x() + span.get_width()
        assert (x0, x1) == (months.index(period.months()[0]) - 0.5, months.index(period.months()[-1]) + 0.5)
        bar_zorders = [p.get_zorder() for bars in _bars(fig, "type:").values() for p in bars]
        assert span.get_zorder() < min(bar_zorders)  # behind the bars
        texts = [t for t in legend_texts(fig) if t.startswith(style.label(key, language))]
        assert len(texts) == 1 and str(period.start.year) in texts[0]
    # every event type is still in the legend, and the legend fits the page
    assert {style.label(t, language) for t in _bars(fig, "type:")} <= set(legend_texts(fig))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)  # constrained layout, as when saved
    legend_box = ax.get_legend().get_window_extent(renderer)
    assert fig.bbox.x0 <= legend_box.x0 and legend_box.x1 <= fig.bbox.x1
    # the shading is visible: a pale pixel of each shade's colour is in the PNG
    pixels = np.asarray(Image.open(tmp_path / "g1.png").convert("RGB"), dtype=int)
    for colour, _hatch in charts.PERIOD_SHADES.values():
        rgb = np.array(to_rgba(colour)[:3]) * 255
        assert (np.abs(pixels - rgb).sum(axis=2) < 6).sum() > 500, colour


def _drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)  # constrained layout, as when saved
    return renderer


@pytest.mark.parametrize("language", style.LANGUAGES)
def test_month_labels_do_not_overlap_and_pie_legend_stays_on_the_page(acled_like, language):
    window = Period.parse("2023-05-01", "2025-05-30")  # the report's 25-month chart window
    later = acled_like.assign(event_date=acled_like["event_date"] + pd.DateOffset(months=6))  # data fill it
    fig = charts.monthly_by_type(later, window, language=language)
    assert len(fig.axes[0].get_xticklabels()) == 25
    renderer = _drawn(fig)
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert len(boxes) >= 12
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False))
    assert fig.axes[0].get_xticklabels()[0].get_text().endswith("2023")  # the first month names its year
    pie = charts.type_share(acled_like, PERIOD, language=language)
    renderer = _drawn(pie)
    box = pie.axes[0].get_legend().get_window_extent(renderer)
    assert pie.bbox.x0 <= box.x0 and box.x1 <= pie.bbox.x1


def test_monthly_by_type_without_periods_has_no_shading(ucdp):
    fig = charts.monthly_by_type(ucdp, PERIOD)
    assert not [p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("shade:")]


def test_legends_differ_between_languages(acled_like):
    legends = {lang: legend_texts(charts.regions_by_type(acled_like, PERIOD, language=lang))
               for lang in style.LANGUAGES}
    assert legends["en"] == [style.label(t, "en") for t in ACLED_TYPES] + ["Other"]
    assert legends["fr"][:3] == ["Affrontements", "Explosions/violence à distance", "Violence contre les civils"]
    assert legends["nl"][-1] == "Overig"
    assert len({tuple(v) for v in legends.values()}) == 3


def test_synthetic_credit_in_every_language(acled_like):
    for language in style.LANGUAGES:
        credit = _text(charts.type_share(acled_like, PERIOD, language=language), "credits")
        assert style.label("synthetic", language) in credit
        assert "SYNTH" in credit


def test_incidents_fatalities_totals(ucdp):
    fig = charts.incidents_fatalities(ucdp, PERIOD, language="nl")
    chosen = _in_period(ucdp)
    incidents = _bars(fig, "incidents")[""]
    assert sum(p.get_height() for p in incidents) == len(chosen)
    assert all(p.get_facecolor() == to_rgba(charts.INCIDENTS_COLOR) for p in incidents)
    line = next(ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "fatalities")
    assert line.get_ydata().sum() == chosen["fatalities"].sum()
    assert legend_texts(fig) == ["Incidenten", "Dodelijke slachtoffers", partial("nl")]


def test_incidents_fatalities_without_fatality_figures(ucdp):
    # a partial export with no fatalities column: bars drawn, no fatality line invented as zeros
    unknown = ucdp.assign(fatalities=pd.array([pd.NA] * len(ucdp), dtype="Int64"))
    fig = charts.incidents_fatalities(unknown, PERIOD)
    assert sum(p.get_height() for p in _bars(fig, "incidents")[""]) == len(_in_period(ucdp))
    line = next(ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "fatalities")
    assert np.isnan(line.get_ydata()).all()


def test_type_share_pie_and_bar(acled_like):
    chosen = _in_period(acled_like)
    counts = chosen["event_type"].map(charts._drawn_type).value_counts()
    pie = charts.type_share(acled_like, PERIOD)
    wedges = _bars(pie, "share:")
    spans = {t: abs(w[0].theta2 - w[0].theta1) for t, w in wedges.items()}
    for event_type, span in spans.items():
        assert span == pytest.approx(360 * counts[event_type] / counts.sum(), abs=1e-6)
    bar = charts.type_share(acled_like, PERIOD, kind="bar", language="fr")
    widths = {t: p[0].get_width() for t, p in _bars(bar, "share:").items()}
    assert sum(widths.values()) == pytest.approx(100.0)
    assert widths["Battles"] == pytest.approx(100 * counts["Battles"] / counts.sum())


def test_civilian_actors_top_and_other(acled_like):
    fig = charts.civilian_actors(acled_like, PERIOD, top=3, language="fr")
    chosen = _in_period(acled_like)
    targeted = chosen[chosen["civilian_targeting"]]
    patches = _bars(fig, "actors")[""]
    assert len(patches) == 4
    widths = [p.get_width() for p in patches]
    assert sum(widths) == len(targeted)
    assert widths[:3] == sorted(targeted["actor1"].value_counts().to_numpy()[:3].tolist(), reverse=True)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1] == "Autres acteurs"
    assert all(p.get_facecolor() == to_rgba(style.event_color("Violence against civilians")) for p in patches)


def test_regions_by_type_keeps_every_region(ucdp):
    fig = charts.regions_by_type(ucdp, PERIOD)
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(names) == sorted(["Agadez", "Diffa", "Dosso", "Maradi", "Niamey", "Tahoua", "Tillabéri", "Zinder"])
    chosen = _in_period(ucdp)
    per_region = chosen["region"].value_counts()
    totals = [int(t.get_text()) for t in fig.axes[0].texts]
    assert totals == sorted(totals, reverse=True) and sum(totals) == len(chosen)
    assert dict(zip(names, totals, strict=False)) == {n: int(per_region.get(n, 0)) for n in names}


def test_departments_by_type_any_region(ucdp):
    full = charts.departments_by_type(ucdp, PERIOD, "tillaberi", language="nl")
    names = [t.get_text() for t in full.axes[0].get_yticklabels()]
    chosen = _in_period(ucdp)
    in_region = chosen[chosen["region_pcode"] == "NE006"]
    assert len(names) == 13 and "Téra" in names
    assert sum(int(t.get_text()) for t in full.axes[0].texts) == len(in_region)
    assert _text(full, "title").startswith("Tillabéri: aard van de incidenten")
    dosso = charts.departments_by_type(ucdp, PERIOD, "NE003", include_empty=False)
    shown = [t.get_text() for t in dosso.axes[0].get_yticklabels()]
    in_dosso = chosen[chosen["region_pcode"] == "NE003"]
    assert set(shown) == set(in_dosso["department"])
    assert legend_texts(dosso) == [style.label(t, "en") for t in charts._ordered(in_dosso["event_type"].unique())]


def test_empty_period_says_so(ucdp):
    fig = charts.type_share(ucdp, ("1990-01-01", "1990-12-31"), language="fr")
    assert _text(fig, "subtitle") == "1 janvier 1990 – 31 décembre 1990"
    assert any(t.get_text() == "Aucun incident enregistré" for t in fig.axes[0].texts)
    monthly = charts.monthly_by_type(ucdp, ("1990-01-01", "1990-03-31"))
    assert len(fig.axes) == 1 and len(monthly.axes[0].get_xticklabels()) == 3


def test_one_event_type_may_be_a_string_and_top_a_numpy_integer(acled_like):
    fig = charts.monthly_by_type(acled_like, PERIOD, event_types="Battles")
    assert legend_texts(fig) == [style.label("Battles", "en"), partial("en")]
    fig = charts.civilian_actors(acled_like, PERIOD, top=np.int64(2))
    assert len(fig.axes[0].get_yticklabels()) == 3  # two actors and "Other actors"


def test_period_defaults_to_the_events_range(ucdp):
    fig = charts.incidents_fatalities(ucdp)
    first, last = ucdp["event_date"].min(), ucdp["event_date"].max()
    assert _text(fig, "subtitle") == Period.parse(first, last).label("en")


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda e: charts.monthly_by_type(e, PERIOD, language="de"), InputError, "language 'de'"),
        (lambda e: charts.type_share(e, PERIOD, kind="donut"), InputError, "kind 'donut'"),
        (lambda e: charts.regions_by_type(e, PERIOD, event_types=["Riots"]), InputError, "no chart colour"),
        (lambda e: charts.civilian_actors(e, PERIOD, top=0), InputError, "top must be"),
        (lambda e: charts.civilian_actors(e, PERIOD, top=True), InputError, "top must be"),
        (lambda e: charts.departments_by_type(e, PERIOD, "Paris"), ResolveError, "Paris"),
        (lambda e: charts.regions_by_type(e.drop(columns=["region_pcode", "region"]), PERIOD), InputError,
         "join_admin"),
        (lambda e: charts.monthly_by_type(e, ("2024-05-01", "2024-01-01")), InputError, "after its end"),
    ],
)
def test_errors_name_the_problem(ucdp, call, error, message):
    with pytest.raises(error, match=message):
        call(ucdp)


BASELINE_CASES = {
    "monthly_by_type_en": lambda e: charts.monthly_by_type(e, PERIOD, language="en"),
    "regions_by_type_fr": lambda e: charts.regions_by_type(e, PERIOD, language="fr"),
    "type_share_nl": lambda e: charts.type_share(e, PERIOD, language="nl"),
}


@pytest.mark.parametrize("name", sorted(BASELINE_CASES))
def test_matches_baseline_image(ucdp, name, tmp_path):
    fig = BASELINE_CASES[name](ucdp)
    actual = tmp_path / f"{name}.png"
    fig.savefig(actual, dpi=BASELINE_DPI, metadata={"Software": None}, facecolor="white")
    expected = BASELINES / f"{name}.png"
    if UPDATE:
        expected.write_bytes(actual.read_bytes())
    assert expected.is_file(), f"missing baseline {expected}: run with GEO_COI_UPDATE_BASELINES=1"
    # tolerance (RMS of 0-255 pixel values) absorbs font rasterisation differences between machines
    assert compare_images(str(expected), str(actual), tol=6) is None
