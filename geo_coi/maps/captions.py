"""Printed text every map shares: the period, the subtitle's counts, numbers, the data credit lines."""

from __future__ import annotations

from geo_coi.periods import Period
from geo_coi.stats import populations
from geo_coi.style import event_credit, label


def period_text(period, language):
    """The period as printed ("1 September 2024 – 30 May 2025"), or "all periods"."""
    period = Period.coerce(period)
    return period.label(language) if period is not None else label("all_periods", language)



def annex_subtitle(events, period, language="en"):
    """Subtitle of an annex map: the period, and the incidents and fatalities of ``events``."""
    return subtitle(events, period, language)



def subtitle(chosen, period, language):
    """"<period> · <n> incidents, <n> fatalities" of the events ``chosen``."""
    fatalities = int(chosen["fatalities"].fillna(0).sum()) if "fatalities" in chosen else 0
    counts = (f"{number(len(chosen))} {label('incidents', language).lower()}, "
              f"{number(fatalities)} {label('fatalities', language).lower()}")
    return f"{period_text(period, language)} · {counts}"



def number(value) -> str:
    """Whole number with a thin space between thousands (reads the same in en, fr and nl)."""
    return f"{value:,.0f}".replace(",", "\u2009")



def population_credit(language):
    """Credit line of the population figures (rates per 100,000)."""
    sources = sorted(set(populations()["source"]))
    return f"{label('population', language)}: {'; '.join(sources)}"



def events_credit(events, language):
    """Credit line of an event table (from its ``attrs``; empty when it has none)."""
    return attrs_credit(getattr(events, "attrs", {}) or {}, language)



def attrs_credit(attrs, language):
    """Credit line from an event table's ``attrs`` (:func:`geo_coi.style.event_credit`)."""
    return event_credit(attrs, language) if attrs else ""
