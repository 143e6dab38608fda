"""One classification of map values for every renderer.

The PNG/PDF choropleths (:mod:`geo_coi.maps.choropleth`), the HTML map
(:mod:`geo_coi.maps.html`) and the GeoPackage's QGIS style
(:mod:`geo_coi.geopackage`) all call :func:`classify`, so the same values get
the same breaks, colours and class labels everywhere.

Rules
-----
- Zero and no data (NaN) have their own classes; the scheme (mapclassify's
  :func:`mapclassify.classify`) runs on the values above zero.
- The breaks are rounded once, and the class labels are built from the
  rounded breaks, so the labels leave no gaps: whole numbers read
  "3 – 5 | 6 – 10", decimals "3.6 – 15.9 | 15.9 – 21.2" (the upper bound
  belongs to the class).
- With few units (up to :data:`FEW_UNITS`, e.g. Niger's 8 regions) the
  breaks are rounded to two significant digits and no class holds a single
  unit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from geo_coi.errors import InputError
from geo_coi.style import NO_DATA_COLOR, NO_DATA_HATCH, SEQUENTIAL_CMAP, ZERO_COLOR, ZERO_HATCH

# Schemes a config may name ("user" = the config's own breaks).
SCHEMES = ("fisherjenks", "quantiles", "equalinterval", "naturalbreaks", "headtailbreaks", "jenkscaspall", "user")
FEW_UNITS = 20  # up to this many values above zero: rounded breaks, at least two units per class
_SAMPLED_ABOVE = 500  # Fisher-Jenks (pure Python without numba) on a fixed sample above this many values


@dataclass(frozen=True)
class Classes:
    """Classes of a map: no data and zero first, then the classes above zero.

    ``colors[0]`` is the no-data class, ``colors[1]`` the zero class,
    ``colors[2:]`` the classes above zero with upper bounds ``bins``
    (the lower bound of the first is ``lows[0]``). ``labels`` follow the
    same order; colours are hex strings.
    """

    bins: np.ndarray
    lows: np.ndarray
    colors: list
    labels: list
    hatches: list

    def assign(self, values) -> np.ndarray:
        """Class index of each value: 0 no data, 1 zero, 2.. above zero."""
        values = np.asarray(values, dtype=float)
        index = 2 + np.searchsorted(self.bins, values, side="left")
        index = np.minimum(index, len(self.colors) - 1)
        index = np.where(values == 0, 1, index)
        return np.where(np.isnan(values), 0, index)


def classify(values, scheme="fisherjenks", k=5, breaks=None, *, zero_label="0", no_data_label="no data", decimals=0,
             language="en", cmap=None):
    """Classify values into a no-data class, a zero class and up to ``k`` classes above zero.

    Parameters
    ----------
    values : array-like of float
        NaN = no data.
    scheme : str
        One of :data:`SCHEMES`; a mapclassify scheme applied to the values
        above zero (Fisher-Jenks on a fixed sample above 500 values).
    k : int
        Number of classes above zero (fewer with few distinct values; head/tail breaks choose their own).
    breaks : sequence of float, optional
        Upper bounds of the classes for ``scheme="user"``; the largest value closes the last class.
    zero_label, no_data_label : str
    decimals : int
        Decimals of the breaks and labels (0: whole numbers).
    language : {"en", "fr", "nl"}
        Decimal comma in French and Dutch labels.
    cmap : str or (str, float, float), optional
        Matplotlib colormap of the classes, optionally with the part of it
        used (default: the violence ramp, :data:`geo_coi.style.SEQUENTIAL_CMAP`, from 0.18 to 0.92).

    Returns
    -------
    Classes

    Raises
    ------
    InputError
        For an unknown scheme, or ``scheme="user"`` without breaks.
    """
    check_scheme(scheme)
    values = np.asarray(values, dtype=float)
    positive = np.sort(values[values > 0])
    bins = _bins(positive, scheme, k, breaks, decimals)
    lows = np.concatenate([[_floor(positive[0], decimals) if len(positive) else 0.0], bins[:-1]])
    labels = [no_data_label, zero_label] + range_labels(lows, bins, decimals, language)
    return Classes(bins=bins, lows=lows, colors=[NO_DATA_COLOR, ZERO_COLOR] + ramp(len(bins), cmap), labels=labels,
                   hatches=[NO_DATA_HATCH, ZERO_HATCH] + [None] * len(bins))


def check_scheme(scheme) -> None:
    """Raise :class:`InputError` unless ``scheme`` is one of :data:`SCHEMES`."""
    if scheme not in SCHEMES:
        raise InputError(f"classification scheme {scheme!r} is not supported: use one of {', '.join(SCHEMES)}")


def ramp(n, cmap=None) -> list[str]:
    """``n`` hex colours of a sequential ramp, light to dark (``cmap`` as in :func:`classify`)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex


    name, low, high = (cmap, 0.18, 0.92) if isinstance(cmap, str) or cmap is None else cmap
    return [to_hex(c) for c in colormaps[name or SEQUENTIAL_CMAP](np.linspace(low, high, max(n, 1)))[:n]]


def range_labels(lows, highs, decimals=0, language="en") -> list[str]:
    """Labels of classes ``(low, high]`` without gaps between them.

    Whole numbers: the next class starts one above the previous upper bound
    ("3 – 5", "6 – 10"); decimals: it starts at the previous upper bound
    ("3.6 – 15.9", "15.9 – 21.2"). A first class starting at zero reads "≤ high".
    """
    def text(value):
        return number_text(value, decimals, language)

    labels = []
    for index, (low, high) in enumerate(zip(lows, highs, strict=False)):
        start = low + 1 if decimals == 0 and index > 0 else low
        lo, hi = text(start), text(high)
        if round(float(start), decimals) == 0:
            labels.append(f"≤ {hi}")
        else:
            labels.append(lo if lo == hi else f"{lo} – {hi}")
    return labels


def number_text(value, decimals=0, language="en") -> str:
    """``value`` with ``decimals`` decimals, a thin space between thousands and the language's decimal mark."""
    mark = "." if language == "en" else ","
    return f"{value:,.{decimals}f}".replace(",", "\u2009").replace(".", mark)


# ----------------------------------------------------------------------------- steps


def _bins(positive, scheme, k, breaks, decimals):
    """Rounded upper bounds of the classes above zero; the last is the largest value (rounded up)."""
    if scheme == "user":
        if not breaks:
            raise InputError("scheme='user' needs breaks=[upper bound of each class]")
        bins = np.asarray(sorted(float(b) for b in breaks), dtype=float)
        if len(positive) and positive[-1] > bins[-1]:
            bins = np.append(bins, _ceil(positive[-1], decimals))
        return bins
    if len(positive) == 0:
        return np.array([])
    k = max(1, min(int(k), len(np.unique(positive))))
    few = len(positive) <= FEW_UNITS
    raw = _paired_jenks(positive, k) if few and scheme == "fisherjenks" else _scheme_bins(positive, scheme, k)
    bins = _rounded(raw, positive[-1], decimals, few)
    return _without_single_members(positive, bins) if few else bins


def _scheme_bins(positive, scheme, k):
    import mapclassify

    sample = positive
    if scheme == "fisherjenks" and len(positive) > _SAMPLED_ABOVE:
        sample = positive[np.linspace(0, len(positive) - 1, _SAMPLED_ABOVE).astype(int)]
    if scheme == "naturalbreaks":
        np.random.seed(0)  # mapclassify's NaturalBreaks is k-means with random starts
    with warnings.catch_warnings():  # "Numba not installed": the fallback is fine at these sizes
        warnings.filterwarnings("ignore", message="Numba not installed")
        warnings.filterwarnings("ignore", message="Not enough unique values")
        bins = np.asarray(mapclassify.classify(sample, scheme, k=k, initial=10).bins, dtype=float)
    return bins


def _rounded(bins, largest, decimals, few):
    """Breaks rounded once (two significant digits with few units); the last is ``largest`` rounded up."""
    step = 10.0 ** -decimals
    inner = bins[bins < largest]
    inner = np.array([_nice_ceil(b, step) for b in inner]) if few else np.floor(inner / step + 1e-09) * step
    rounded = np.unique(np.round(np.append(inner[inner < largest], _ceil(largest, decimals)), decimals))
    return rounded[rounded > 0]


def _nice_ceil(value, step):
    """``value`` rounded up to two significant digits, and to a multiple of ``step``."""
    magnitude = 10.0 ** (np.floor(np.log10(value)) - 1)
    return max(step, np.ceil(np.ceil(value / magnitude - 1e-9) * magnitude / step - 1e-9) * step)


def _ceil(value, decimals):
    step = 10.0 ** -decimals
    return float(np.round(np.ceil(value / step - 1e-9) * step, decimals))


def _floor(value, decimals):
    step = 10.0 ** -decimals
    return float(np.round(np.floor(value / step + 1e-9) * step, decimals))


def _paired_jenks(positive, k):
    """Fisher-Jenks breaks (least squared deviations) with at least two values per class, by dynamic programming."""
    n = len(positive)
    if n < 2:  # one unit above zero: one class, its own (no pair to make)
        return positive[-1:]
    k = max(1, min(k, n // 2))
    sums, squares = np.concatenate([[0], np.cumsum(positive)]), np.concatenate([[0], np.cumsum(positive ** 2)])

    def cost(i, j):  # squared deviations of positive[i:j]
        return squares[j] - squares[i] - (sums[j] - sums[i]) ** 2 / (j - i)

    best = {(0, 0): (0.0, [])}  # (classes, values used) -> (cost, class ends)
    for classes in range(1, k + 1):
        for end in range(2 * classes, n + 1):
            options = [(best[(classes - 1, start)][0] + cost(start, end), best[(classes - 1, start)][1] + [end])
                       for start in range(2 * (classes - 1), end - 1) if (classes - 1, start) in best]
            if options:
                best[(classes, end)] = min(options, key=lambda option: option[0])
    return positive[np.asarray(best[(k, n)][1]) - 1]


def _without_single_members(positive, bins):
    """Merge each class of one unit into its nearer neighbouring class (by value)."""
    while len(bins) > 1:
        index = np.searchsorted(bins, positive, side="left")
        counts = np.bincount(index, minlength=len(bins))
        single = np.flatnonzero(counts == 1)
        if not len(single):
            return bins
        i = int(single[0])
        value = positive[index == i][0]
        below = positive[index == i - 1].max() if i > 0 and counts[i - 1] else -np.inf
        above = positive[index == i + 1].min() if i + 1 < len(bins) and counts[i + 1] else np.inf
        # merging down drops the break below the class, merging up the class's own break
        bins = np.delete(bins, i - 1 if value - below <= above - value else i)
    return bins
