"""Reporting periods: an inclusive date range with the report's comparisons.

A COI report counts events "from 1 September 2024 to 30 May 2025" and compares
them with "the same period one year earlier". :class:`Period` holds such a
range (both ends inclusive, dates without time) and knows how to shift itself
back a year, list its months and print itself in the report languages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo_coi.errors import InputError
from geo_coi.languages import check_language

# "2025 (to May)": the word for "up to" per report language.
_UP_TO = {"en": "to", "fr": "jusqu'à", "nl": "tot"}
# Month names per report language (see geo_coi.languages.LANGUAGES).
_MONTHS = {
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}


def to_date(value, what: str = "date") -> dt.date:
    """Turn ``value`` (ISO string, ``date``, ``datetime`` or pandas Timestamp) into a ``date``.

    Parameters
    ----------
    value : str or datetime.date or datetime.datetime or pandas.Timestamp
    what : str
        Name of the value used in the error message (e.g. ``"period start"``).

    Raises
    ------
    InputError
        When ``value`` is not a date; the message shows the expected format.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
        return value.to_pydatetime().date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-09-01") from None


def _minus_one_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """An inclusive date range.

    Parameters
    ----------
    start, end : datetime.date
        First and last day counted (both included).

    Examples
    --------
    >>> p = Period.parse("2024-09-01", "2025-05-30")
    >>> p.previous_year()
    Period(start=datetime.date(2023, 9, 1), end=datetime.date(2024, 5, 30))
    >>> p.label("en")
    '1 September 2024 – 30 May 2025'
    """

    start: dt.date
    end: dt.date

    def __post_init__(self):
        for field in ("start", "end"):
            value = getattr(self, field)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InputError(
                    f"period {field} must be a datetime.date, got {value!r}: use Period.parse(start, end)"
                )
        if self.start > self.end:
            raise InputError(
                f"period start {self.start.isoformat()} is after its end {self.end.isoformat()}: swap them"
            )

    @classmethod
    def parse(cls, start, end) -> Period:
        """Build a period from two ISO strings, dates or timestamps (inclusive)."""
        return cls(to_date(start, "period start"), to_date(end, "period end"))

    @classmethod
    def coerce(cls, value) -> Period | None:
        """``None``, a :class:`Period` or a ``(start, end)`` pair -> ``Period`` (or ``None``)."""
        if value is None or isinstance(value, cls):
            return value
        try:
            start, end = value
        except (TypeError, ValueError):
            raise InputError(f"period {value!r} is not a Period or a (start, end) pair") from None
        return cls.parse(start, end)

    def previous_year(self) -> Period:
        """The same days one year earlier (29 February becomes 28 February)."""
        return Period(_minus_one_year(self.start), _minus_one_year(self.end))

    def label(self, language: str = "en") -> str:
        """Human-readable range, e.g. ``1 September 2024 – 30 May 2025`` (en, fr, nl)."""
        return f"{format_date(self.start, language)} – {format_date(self.end, language)}"

    def short_label(self, language: str = "en") -> str:
        """Month range as the report's table headers print it, e.g. ``September 2024 – May 2025``."""
        return f"{format_month(self.start, language)} – {format_month(self.end, language)}"

    def months(self) -> list[str]:
        """Every calendar month the period touches, as ``YYYY-MM`` strings in order."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def contains(self, dates):
        """Boolean mask: which of ``dates`` (pandas Series of datetimes) fall in the period."""
        import pandas as pd

        days = pd.to_datetime(dates).dt.normalize()
        return days.between(pd.Timestamp(self.start), pd.Timestamp(self.end), inclusive="both")

    def clip(self, other: Period) -> Period | None:
        """The part of this period inside ``other`` (None when they do not meet)."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Period(start, end) if start <= end else None

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


# Data ending at most this many days before a period's end cover it: ACLED publishes weekly, and a
# quiet last day or two is not missing data.
COVERAGE_SLACK_DAYS = 7


def covered_part(period: Period, covered: Period) -> Period:
    """``period`` cut to the ``covered`` dates, each end kept when within :data:`COVERAGE_SLACK_DAYS`."""
    slack = dt.timedelta(days=COVERAGE_SLACK_DAYS)
    start = period.start if covered.start - period.start <= slack else covered.start
    end = period.end if period.end - covered.end <= slack else covered.end
    return Period(start, max(start, end))


def data_range(events) -> Period | None:
    """First to last ``event_date`` of ``events`` (None when there are no dates)."""
    import pandas as pd

    if "event_date" not in events or events["event_date"].isna().all():
        return None
    dates = pd.to_datetime(events["event_date"])
    return Period.parse(dates.min(), dates.max())


def require_coverage(events, period: Period, what: str, source: str) -> Period | None:
    """Check that ``events`` cover ``period``; return the dates they cover when only part of it.

    The warning text for a partial cover is :func:`geo_coi.style.check_coverage`'s.

    Parameters
    ----------
    events : pandas.DataFrame
        Canonical events (``event_date``).
    period : Period
    what : str
        Name of the period in the messages (``"current period"``).
    source : str
        The events file, named in the messages.

    Returns
    -------
    Period or None
        First to last event date when they cover only part of ``period``; None when they cover it.

    Raises
    ------
    InputError
        When no event falls in ``period``: the message gives the file's date range.
    """
    covered = data_range(events)
    if covered is None or not period.contains(events["event_date"]).any():
        span = f"runs from {covered.start} to {covered.end}" if covered else "has no dated events"
        raise InputError(f"{source}: no event in the {what} {period.start} to {period.end}; the file {span}: "
                         "give a period inside it with --period, or a file that covers it")
    return None if covered_part(period, covered) == period else covered


def is_month_end(day: dt.date) -> bool:
    """True when ``day`` is the last day of its month."""
    return (day + dt.timedelta(days=1)).month != day.month


def _month_names(language: str) -> list[str]:
    return _MONTHS[check_language(language)]


def format_date(day: dt.date, language: str = "en") -> str:
    """``1 September 2024`` / ``1 septembre 2024`` / ``1 september 2024``."""
    return f"{day.day} {_month_names(language)[day.month - 1]} {day.year}"


def format_month(day: dt.date, language: str = "en") -> str:
    """``September 2024`` (en), ``septembre 2024`` (fr), ``september 2024`` (nl)."""
    return f"{_month_names(language)[day.month - 1]} {day.year}"


def year_to_date_label(end: dt.date, language: str = "en") -> str:
    """``2025 (to May)`` for a year counted up to ``end``; just ``2025`` when ``end`` is 31 December."""
    month = _month_names(language)[end.month - 1]  # (checks the language first)
    if (end.month, end.day) == (12, 31):
        return str(end.year)
    return f"{end.year} ({_UP_TO[language]} {month})"
