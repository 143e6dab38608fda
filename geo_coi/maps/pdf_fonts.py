"""Embedded PDF fonts subset once per process, not once per figure.

matplotlib writes live, searchable TrueType (Type 42) text into a PDF by
subsetting each font with fontTools at every ``savefig``: parsing DejaVu Sans
and its kerning tables again for every file was the largest cost of saving
the maps. Inside :func:`cached_subsets` each font is subset to the glyphs the
figure uses plus a fixed repertoire (:data:`REPERTOIRE`: printable ASCII,
Latin-1 and the typographic signs the labels use), so figures written in one
process ask for the same glyph set and the subset is made once. Text stays
live (a ToUnicode map per font, written by matplotlib as before); a figure
using a character outside the repertoire gets a subset of its own.
"""

from __future__ import annotations

import contextlib
import functools

# Characters every subset holds: figures in the same process then share one subset per font.
REPERTOIRE = "".join(map(chr, range(0x20, 0x7F))) + "".join(map(chr, range(0xA0, 0x100))) + (
    "\u2009\u202f\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u2212\u2030\u2032\u2033")


@contextlib.contextmanager
def cached_subsets():
    """Within the block, matplotlib's PDF backend takes its font subsets from a per-process cache."""
    from matplotlib.backends import _backend_pdf_ps

    original = _backend_pdf_ps.get_glyphs_subset
    if original is not _cached_get_glyphs_subset:  # not already inside cached_subsets
        _MATPLOTLIB.setdefault("get_glyphs_subset", original)
    _backend_pdf_ps.get_glyphs_subset = _cached_get_glyphs_subset
    try:
        yield
    finally:
        _backend_pdf_ps.get_glyphs_subset = original


_MATPLOTLIB: dict = {}  # matplotlib's own get_glyphs_subset, which the cache calls


def _cached_get_glyphs_subset(fontfile, glyphs):
    """Drop-in for ``matplotlib.backends._backend_pdf_ps.get_glyphs_subset``: the repertoire added, cached."""
    from matplotlib.backends._backend_pdf_ps import SubsetResults

    wanted = frozenset(glyphs) | _repertoire_glyphs(fontfile)
    data, glyph_index_map = _subset(fontfile, wanted)
    return SubsetResults(_SavedFont(data), dict(glyph_index_map))._as_cm()


class _SavedFont(contextlib.nullcontext):
    """A subset font already saved: what matplotlib's ``font_as_file`` asks of a TTFont (``save``)."""

    def __init__(self, data: bytes):
        super().__init__(self)
        self.data = data

    def save(self, file, reorderTables=False):  # noqa: ARG002, N803 (fontTools' TTFont.save signature)
        file.write(self.data)


@functools.cache
def _repertoire_glyphs(fontfile) -> frozenset:
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(fontfile), face_index=getattr(fontfile, "face_index", 0))
    return frozenset(font.get_char_index(ord(c)) for c in REPERTOIRE) - {0}


@functools.lru_cache(maxsize=64)
def _subset(fontfile, glyphs: frozenset) -> tuple[bytes, tuple]:
    """The subset font's bytes and its glyph index map, made by matplotlib's own subsetting."""
    from matplotlib.backends._backend_pdf_ps import font_as_file

    with _MATPLOTLIB["get_glyphs_subset"](fontfile, set(glyphs)) as subset:
        return font_as_file(subset.font).getvalue(), tuple(sorted(subset.glyph_index_map.items()))
