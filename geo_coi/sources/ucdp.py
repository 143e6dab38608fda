"""UCDP GED events into the canonical table, keeping UCDP's own typology.

Reads GED CSV files with GED's column names (``id``, ``type_of_violence``,
``side_a``, ``best``, ``date_start``, ``adm_1`` …, as in a pack's
``ucdp_events`` file) and the reduced extract's header
(``state_province``, ``district``, ``deaths_total``, ``date``,
``violence_type`` as text …, as in the packs' ``…_reduced.csv``; see the
``events/PROVENANCE.md`` of a pack).

Mapping: ``id`` -> event_id, ``date_start`` -> event_date, ``best`` ->
fatalities, ``side_a``/``side_b`` -> actor1/actor2, ``where_description`` ->
location, ``adm_1``/``adm_2`` -> admin1_source/admin2_source,
``source_headline`` -> notes, ``where_prec``/``date_prec`` ->
geo_precision/time_precision when present (else <NA>: the bundled extract has
neither, so its precision is unknown).

How UCDP's typology relates to ACLED's
--------------------------------------
UCDP counts *organised violence with at least one death* between identified
actors; ACLED counts political violence and demonstrations whether or not
anyone died. The types are never relabelled, but roughly:

- 1 "State-based conflict" (a government against an organised group or
  another state) overlaps ACLED's Battles and the Explosions/Remote violence
  between armed forces and groups (air/drone strikes, IEDs against soldiers);
- 2 "Non-state conflict" (organised groups against each other, e.g. ISSP
  against JNIM, or communal militias) overlaps ACLED's Battles between
  non-state actors;
- 3 "One-sided violence" (an organised actor killing civilians) overlaps
  ACLED's Violence against civilians and its ``civilian_targeting`` flag,
  but only the lethal part: abductions and attacks without deaths are not
  in GED. ``civilian_targeting`` is therefore True for type 3 only.

Deaths: ``best`` is UCDP's best estimate (``low``/``high`` bound it); ACLED's
``fatalities`` is a conservative reported count. Counts from the two sources
are not interchangeable.
"""

from __future__ import annotations

from geo_coi.events import UCDP_EVENT_TYPES
from geo_coi.sources._table import FileFacts, RawTable, ReadResult, assemble, pick_columns

SOURCE = "UCDP GED"
ALIASES = {
    "event_id": ("id",),
    "event_date": ("date_start", "date"),
    "time_precision": ("date_prec",),
    "actor1": ("side_a",),
    "actor2": ("side_b",),
    "fatalities": ("best", "deaths_total"),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "geo_precision": ("where_prec",),
    "location": ("where_description", "location_name"),
    "admin1_source": ("adm_1", "state_province"),
    "admin2_source": ("adm_2", "district"),
    "notes": ("source_headline", "headline"),
}
TYPE_COLUMNS = ("type_of_violence", "violence_type")
REQUIRED = ("event_id", "event_date", "latitude", "longitude")
# the reduced extract writes the type as text
_TYPE_NAMES = {
    **{str(code): name for code, name in UCDP_EVENT_TYPES.items()},
    **{name.lower(): name for name in UCDP_EVENT_TYPES.values()},
    "one-sided (civilians)": UCDP_EVENT_TYPES[3],
}


def looks_like(columns) -> bool:
    """Whether a header is a UCDP GED file's (as :func:`geo_coi.sources.acled.looks_like` for ACLED)."""
    names = {str(c).strip().lower() for c in columns}
    return bool(names & set(TYPE_COLUMNS)) and bool(names & {"best", "deaths_total"})


def read(table: RawTable, date_format=None, facts: FileFacts | None = None) -> ReadResult:
    """Read a UCDP GED table, as :func:`geo_coi.sources.acled.read` reads an ACLED one (``facts`` alike).

    Required columns: the id, the date, the coordinates and the type of
    violence (``type_of_violence`` or the reduced extract's ``violence_type``).
    """
    fields, used = pick_columns(table, ALIASES, REQUIRED, "UCDP GED")
    type_fields, _ = pick_columns(
        table, {"event_type": TYPE_COLUMNS}, ("event_type",), "UCDP GED"
    )
    raw_type = type_fields["event_type"].str.strip()
    # unknown codes stay as written, so validation rejects them as an unknown type
    fields["event_type"] = raw_type.str.lower().map(_TYPE_NAMES).fillna(raw_type)
    fields["civilian_targeting"] = (fields["event_type"] == UCDP_EVENT_TYPES[3]).to_numpy()
    if table.column("year") is not None:  # the canonical year comes from the date
        used.append(table.column("year"))
    return assemble(
        table, fields, used,
        event_types=tuple(UCDP_EVENT_TYPES.values()),
        source=SOURCE,
        notes=_precision_notes(fields),
        date_format=date_format,
        file_formats=facts.date_formats if facts else None,
    )


def _precision_notes(fields) -> list[str]:
    """Say which of where_prec/date_prec the file lacks (their canonical columns are then <NA>)."""
    missing = [source for name, source in (("geo_precision", "where_prec"), ("time_precision", "date_prec"))
               if name not in fields]
    return [f"no {'/'.join(missing)}: precision unknown (<NA>)"] if missing else []
