"""Numbers as the report prints them, per language: ``1.246`` (nl), ``1 246`` (fr), ``1,246`` (en).

Used by the report-ready text (:mod:`geo_coi.report_text`) and the Word tables
(:mod:`geo_coi.word`), so a figure reads the same in both.

- Dutch: ``.`` between thousands, ``,`` as decimal mark, a no-break space before ``%`` (``37,5 %``);
- French: a narrow no-break space (U+202F) between thousands and before ``%`` (``1 246``, ``45 %``);
- English: ``,`` between thousands, ``.`` as decimal mark, no space before ``%`` (``1,246``, ``45%``).

Negative numbers take the minus sign U+2212, as typeset text does.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from geo_coi.style import check_language

THOUSANDS = {"nl": ".", "fr": "\u202f", "en": ","}
DECIMAL = {"nl": ",", "fr": ",", "en": "."}
BEFORE_PERCENT = {"nl": "\u00a0", "fr": "\u202f", "en": ""}
MINUS = "\u2212"


def integer(value, language: str = "en") -> str:
    """A whole number with the language's thousands separator (``1.246``, ``1 246``, ``1,246``)."""
    return decimal(value, language, 0)


def decimal(value, language: str = "en", digits: int = 1) -> str:
    """``value`` rounded half away from zero to ``digits`` decimals, in the language's marks.

    Parameters
    ----------
    value : int or float
    language : {"nl", "fr", "en"}
    digits : int
        Decimals kept (0: a whole number).

    Returns
    -------
    str
        E.g. ``decimal(1246.5, "nl")`` -> ``'1.246,5'``; negative values start with U+2212.
    """
    check_language(language)
    rounded = round_half_up(abs(float(value)), digits)
    whole, _, fraction = f"{rounded:,.{digits}f}".partition(".")
    text = whole.replace(",", THOUSANDS[language]) + (DECIMAL[language] + fraction if digits else "")
    return MINUS + text if float(value) < 0 and rounded != 0 else text


def percent(value, language: str = "en", digits: int = 0, signed: bool = False) -> str:
    """A percentage (``value`` already in percent): ``45 %`` (nl), ``45 %`` (fr), ``45%`` (en).

    With ``signed`` a change: ``+12 %`` or ``−48 %`` (zero unsigned).
    """
    text = decimal(value, language, digits)
    if signed and not text.startswith(MINUS) and round_half_up(abs(float(value)), digits) != 0:
        text = "+" + text
    return f"{text}{BEFORE_PERCENT[language]}%"


def round_half_up(value: float, digits: int = 0) -> float:
    """Round half away from zero (Python's ``round`` rounds half to even: 0.5 -> 0)."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
