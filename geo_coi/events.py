"""The canonical event table: one schema for ACLED and UCDP events.

Every reader in :mod:`geo_coi.sources` returns a GeoDataFrame (EPSG:4326,
point geometry) with the columns of :data:`CANONICAL_COLUMNS` first, then the
source's own columns kept as they were (prefixed ``src_`` where a name would
collide). After :func:`geo_coi.join.join_admin` the columns of
:data:`JOINED_COLUMNS` are added.

Canonical columns
-----------------
event_id : str
    ACLED ``event_id_cnty``; UCDP ``id``.
source : str
    ``"ACLED"``, ``"ACLED-schema synthetic demo"`` or ``"UCDP GED"``. Never relabelled.
event_date : datetime64[ns] (date only)
year : int
time_precision : Int64
    ACLED 1 = day, 2 = week, 3 = month; UCDP ``date_prec`` when present, else <NA>.
event_type, sub_event_type : str
    The source's own typology: ACLED event types; for UCDP ``event_type`` is
    ``"State-based conflict"``, ``"Non-state conflict"`` or ``"One-sided violence"``
    (``type_of_violence`` 1/2/3) and ``sub_event_type`` is empty.
actor1, actor2, assoc_actor_1, assoc_actor_2 : str
    UCDP: ``side_a``, ``side_b``.
civilian_targeting : bool
    ACLED's ``civilian_targeting`` column ("Civilian targeting"); UCDP: type 3.
fatalities : int
    ACLED ``fatalities``; UCDP ``best``.
latitude, longitude : float
geo_precision : Int64
    ACLED 1/2/3; UCDP ``where_prec`` when present, else <NA>.
location, admin1_source, admin2_source, admin3_source : str
    The source's own place name and admin names (for the agreement report).
notes : str
    Free text (ACLED ``notes``; UCDP ``source_headline``). Never rendered unescaped.
geometry : Point

Table metadata (``frame.attrs``)
--------------------------------
``source``, ``synthetic`` (bool), ``access_date`` (ISO date or None),
``input_file``, ``read_summary`` (read / accepted / rejected by reason),
``credit`` (the credit line every map prints).
"""

from __future__ import annotations

CANONICAL_COLUMNS = (
    "event_id",
    "source",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "civilian_targeting",
    "fatalities",
    "latitude",
    "longitude",
    "geo_precision",
    "location",
    "admin1_source",
    "admin2_source",
    "admin3_source",
    "notes",
    "geometry",
)

JOINED_COLUMNS = (
    "region_pcode",
    "region",
    "department_pcode",
    "department",
    "commune_pcode",
    "commune",
    "arrondissement_pcode",  # only inside Niamey, else <NA>
    "arrondissement",
    "join_status",  # "inside" | "snapped" (outside the outline, attached to the nearest unit)
    "snap_distance_km",  # 0.0 when inside
)

ACLED_EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
# The report's selection (COI Focus Niger 2025): political violence only.
REPORT_EVENT_TYPES = ACLED_EVENT_TYPES[:3]
UCDP_EVENT_TYPES = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}
