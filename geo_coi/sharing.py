"""Sharing levels: may an output hold event rows? (``--share internal|public``).

ACLED's terms forbid redistributing its raw data. At the **internal** level
(the default) every output is made as usual and every ACLED credit line says
"for internal use: contains ACLED event data". At the **public** level no
output holds an event-level ACLED row: the interactive map shows admin-unit
aggregates, hexagons and density only, the GeoPackage its aggregate layers,
and the rejects, duplicates and source-agreement lists, the events layer and
anything else with an ``event_id`` are left out (the manifest lists them).
Tables stay: they are aggregates. UCDP GED (CC BY 4.0) and the synthetic
demo may be shared with their event rows at either level.
"""

from __future__ import annotations

from geo_coi.errors import InputError

LEVELS = ("internal", "public")
DEFAULT_LEVEL = "internal"


def check_level(level: str | None) -> str:
    """``level`` if it is one of :data:`LEVELS` (None: the default), else a one-line error."""
    if level is None:
        return DEFAULT_LEVEL
    if level not in LEVELS:
        raise InputError(f"sharing level {level!r} is not known: use one of {', '.join(LEVELS)}")
    return level


def restricted(attrs: dict) -> bool:
    """Whether event rows of a table with these ``attrs`` may not be redistributed (real ACLED data).

    Parameters
    ----------
    attrs : dict
        An event table's ``attrs`` (:mod:`geo_coi.events`): ``source``, ``synthetic``.

    Returns
    -------
    bool
        False for UCDP GED (CC BY 4.0) and the synthetic demo, True for ACLED.
    """
    source = str(attrs.get("source") or "")
    return bool(source) and not attrs.get("synthetic") and not source.startswith("UCDP")


def event_rows_allowed(attrs: dict) -> bool:
    """Whether outputs made from these events may hold event rows, at their ``attrs["share"]`` level."""
    return attrs.get("share", DEFAULT_LEVEL) == "internal" or not restricted(attrs)


def internal_notice(attrs: dict, language: str = "en") -> str | None:
    """"for internal use: contains ACLED event data" for ACLED data at the internal level, else None."""
    from geo_coi.style import label  # cycle: style imports sharing (internal_notice) at module level

    if not restricted(attrs) or attrs.get("share", DEFAULT_LEVEL) != "internal":
        return None
    return label("share_internal", language)
