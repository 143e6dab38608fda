"""Names -> P-codes (resolve) and place names -> coordinates (geocode)."""

from __future__ import annotations

import pytest

from geo_coi import admin_index, country, gazetteer
from geo_coi.errors import InputError, ResolveError
from geo_coi.gazetteer import geocode, normalize, resolve

# Region and department names as printed in the COI Focus "NIGER. Veiligheidssituatie"
# (11 July 2025): regions, departments_*, incidents_by_department, areas_of_operation and
# named_incidents of niger_2024_2025_figures.yaml, copied here as test data, with the
# P-code each must resolve to and its region.
REPORT_REGIONS = {
    "Tillabéri": "NE006",
    "Dosso": "NE003",
    "Diffa": "NE002",
    "Tahoua": "NE005",
    "Maradi": "NE004",
    "Agadez": "NE001",
    "Zinder": "NE007",
    "Niamey": "NE008",
    "Tilléberi": "NE006",  # the report's typo
}
REPORT_DEPARTMENTS = {
    # name: (P-code, region)
    "Banibangou": ("NE006004", "Tillabéri"),
    "Balleyara": ("NE006003", "Tillabéri"),
    "Téra": ("NE006011", "Tillabéri"),
    "Torodi": ("NE006013", "Tillabéri"),
    "Gothèye": ("NE006007", "Tillabéri"),
    "Kollo": ("NE006008", "Tillabéri"),
    "Filingué": ("NE006006", "Tillabéri"),
    "Ouallam": ("NE006009", "Tillabéri"),
    "Bankilaré": ("NE006005", "Tillabéri"),
    "Ayorou": ("NE006002", "Tillabéri"),
    "Abala": ("NE006001", "Tillabéri"),
    "Tillabéri": ("NE006012", "Tillabéri"),
    "Say": ("NE006010", "Tillabéri"),
    "Baninbangou": ("NE006004", "Tillabéri"),  # report typos
    "Flinigué": ("NE006006", "Tillabéri"),
    "Ouallem": ("NE006009", "Tillabéri"),
    "Boboye": ("NE003001", "Dosso"),
    "Tibiri": ("NE003008", "Dosso"),
    "Dioundiou": ("NE003002", "Dosso"),
    "Gaya": ("NE003006", "Dosso"),
    "Dogondoutchi": ("NE003003", "Dosso"),
    "Loga": ("NE003007", "Dosso"),
    "Dosso": ("NE003004", "Dosso"),
    "Falmey": ("NE003005", "Dosso"),
    "Goudoumaria": ("NE002003", "Diffa"),
    "Diffa": ("NE002002", "Diffa"),
    "Bosso": ("NE002001", "Diffa"),
    "N'Guigmi": ("NE002006", "Diffa"),
    "Maïné-Soroa": ("NE002004", "Diffa"),
    "N'Gourti": ("NE002005", "Diffa"),
    "Tillia": ("NE005012", "Tahoua"),
    "Abalak": ("NE005001", "Tahoua"),
    "Tahoua": ("NE005009", "Tahoua"),  # the department, not Ville de Tahoua
    "Birni N'Konni": ("NE005003", "Tahoua"),
    "Madarounfa": ("NE004006", "Maradi"),
    "Tchirozérine": ("NE001006", "Agadez"),
    "Bilma": ("NE001003", "Agadez"),
    "Ingall": ("NE001005", "Agadez"),
    "Arlit": ("NE001002", "Agadez"),
    "Iférouane": ("NE001004", "Agadez"),
    "Tesker": ("NE007010", "Zinder"),
    "Niamey": ("NE008001", "Niamey"),  # named incident "Seno, department Niamey"
}
# Other sources' spellings: ACLED, UNHCR, UCDP GED.
OTHER_SPELLINGS = [
    ("Tillaberi", "region", "NE006"),
    ("Tillabéry", "region", "NE006"),
    ("Tillabery region", "region", "NE006"),
    ("Tillabéri [Admin 1]", "region", "NE006"),
    ("Tillabéri region", "region", "NE006"),
    ("Niamey : Capital district", "region", "NE008"),
    ("Tillaberi [Admin 2]", "department", "NE006012"),
    ("Tera", "department", "NE006011"),
    ("Tera department", "department", "NE006011"),
    ("Gotheye", "department", "NE006007"),
    ("Birni Nkonni", "department", "NE005003"),
    ("Birni-N'Konni", "department", "NE005003"),
    ("Maine-Soroa", "department", "NE002004"),
    ("Maïne-Soroa department", "department", "NE002004"),
    ("Nguigmi", "department", "NE002006"),
    ("Nguigmi department", "department", "NE002006"),
    ("Ayorou", "department", "NE006002"),
    ("Ayerou [Admin 2]", "department", "NE006002"),
    ("Ouallam", "department", "NE006009"),
    ("Tchirozerine", "department", "NE001006"),
    ("Tchin Tabaradene department", "department", "NE005011"),
    ("Gaya departement", "department", "NE003006"),
    ("Goure [Admin 2]", "department", "NE007004"),
    ("Niamey department", "department", "NE008001"),
    ("Ville de Tahoua", "department", "NE005013"),
    ("Dogon Doutchi", "department", "NE003003"),
    ("Ayorou", "commune", "NE006002001"),
    ("Dan Kassari", "commune", "NE003003001"),
    ("Tombokoirey 2", "commune", "NE003004011"),
    ("Commune de Gueskerou", "commune", "NE002002003"),
    ("Niamey 5", "niamey_arrondissement", "NE008001005"),
    ("niamey v", "niamey_arrondissement", "NE008001005"),
    ("Arrondissement communal Niamey II", "niamey_arrondissement", "NE008001002"),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tillabéri region", "tillaberi"),
        ("Arlit department", "arlit"),
        ("Gaya département", "gaya"),
        ("Tillaberi [Admin 2]", "tillaberi"),
        ("Bonkoukou [Admin 3: PRP]", "bonkoukou"),
        ("Ayourou : Point", "ayourou"),
        ("Birni N'Konni", "birni n konni"),
        ("Maïné-Soroa", "maine soroa"),
        ("  N’Guigmi ", "n guigmi"),
        ("Ville de Niamey", "niamey"),
        ("Commune de Makalondi", "makalondi"),
        ("Niamey 2", "niamey ii"),
        ("GOTHÈYE", "gotheye"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_rejects_non_text():
    with pytest.raises(InputError, match="must be text"):
        normalize(None)


@pytest.mark.parametrize(("name", "pcode"), sorted(REPORT_REGIONS.items()))
def test_report_regions_resolve(name, pcode):
    assert resolve(name, "region") == pcode


@pytest.mark.parametrize("name", sorted(REPORT_DEPARTMENTS))
def test_report_departments_resolve_inside_their_region(name):
    pcode, region = REPORT_DEPARTMENTS[name]
    assert resolve(name, "department") == pcode
    assert resolve(name, "department", within=region) == pcode
    assert pcode.startswith(resolve(region, "region"))


@pytest.mark.parametrize(("name", "level", "pcode"), OTHER_SPELLINGS)
def test_other_sources_spellings(name, level, pcode):
    assert resolve(name, level) == pcode


@pytest.mark.parametrize("level", gazetteer.LEVELS)
def test_every_official_name_resolves_to_itself_or_is_flagged(level):
    """Round trip over every unit: its own name (and accent-free name) gives its P-code,
    except names shared by two units of the level, which must raise."""
    units = admin_index.records(level)
    counts = {}
    for unit in units:  # "Ville de Tahoua" and "Tahoua" are distinct names
        counts[unit["name_ascii"].lower()] = counts.get(unit["name_ascii"].lower(), 0) + 1
    for unit in units:
        if counts[unit["name_ascii"].lower()] > 1:
            with pytest.raises(ResolveError, match="ambiguous"):
                resolve(unit["name"], level)
            parent = unit.get("department_pcode") or unit["region_pcode"]
            assert resolve(unit["name"], level, within=parent) == unit["pcode"]
        else:
            assert resolve(unit["name"], level) == unit["pcode"]
            assert resolve(unit["name_ascii"].upper(), level) == unit["pcode"]
        assert resolve(unit["pcode"], level) == unit["pcode"]


def test_department_and_commune_sharing_a_name_is_ambiguous_without_a_level():
    with pytest.raises(ResolveError) as caught:
        resolve("Téra", None)
    message = str(caught.value)
    assert "department NE006011," in message and "commune NE006011005" in message
    assert "Tillabéri region" in message and "Téra department" in message
    assert resolve("Téra", "commune") == "NE006011005"


def test_same_commune_name_in_two_regions_lists_both_parents():
    with pytest.raises(ResolveError) as caught:
        resolve("Tibiri", "commune")
    message = str(caught.value)
    assert "Dosso region" in message and "Maradi region" in message
    assert resolve("Tibiri", "commune", within="Maradi") == "NE004005005"
    assert resolve("Tibiri", "commune", within="NE003") == "NE003008004"
    assert resolve("Gangara", "commune", within="Tanout") == "NE007009002"


def test_below_threshold_lists_the_nearest_candidates():
    with pytest.raises(ResolveError) as caught:
        resolve("Tosso", "department")  # Dosso and Bosso both score 80
    message = str(caught.value)
    assert "Bosso" in message and "Dosso" in message and "aliases.csv" in message
    with pytest.raises(ResolveError, match="no name is close enough"):
        resolve("Xyzzyville", "region")


def test_fuzzy_match_accepts_close_spellings_with_a_score():
    assert resolve("Tchintabaraden", "department") == "NE005011"
    assert resolve("Guidan Roumji", "department") == "NE004005"  # one letter missing
    best = gazetteer.match("Guidan Roumji", "department")[0]
    assert best.step == "fuzzy" and gazetteer.THRESHOLD <= best.score < 100


def test_unknown_level_and_bad_within():
    with pytest.raises(InputError, match="unknown level"):
        resolve("Téra", "province")
    with pytest.raises(ResolveError, match="neither a region nor a department"):
        resolve("Téra", "commune", within="Atlantis")
    with pytest.raises(ResolveError, match="within"):
        resolve("Say", "department", within="Diffa")


def test_alias_table_is_valid_and_every_alias_resolves():
    triples = gazetteer.load_aliases()
    assert len(triples) >= 10
    import csv

    with country.get("NER").file("aliases").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert resolve(row["alias"], row["level"]) == row["pcode"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Foo,department,NE999999,Nowhere,x", "line 2: pcode 'NE999999' is not a department"),
        ("Foo,department,NE006011,Torodi,x", "line 2: name 'Torodi' is not the name of NE006011"),
        ("Foo,province,NE006,Tillabéri,x", "line 2: level 'province'"),
        ("Foo,department", "line 2: pcode '' is not a department"),  # a short line, as people type them
        (",department,NE006011,Téra,x", "line 2: the alias is empty"),
        ("Foo,region,NE006,Tillabéri,x\n\nBar,region,NE006,Nowhere,x", "line 4: name 'Nowhere'"),  # blank line
    ],
)
def test_bad_alias_table_names_the_line(tmp_path, line, message):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,level,pcode,name,note\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        gazetteer.load_aliases(path)


def test_alias_table_saved_by_excel_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,level,pcode,name,note\nTerra,department,NE006011,Téra,x\n", encoding="utf-8-sig")
    assert gazetteer.load_aliases(path) == [("terra", "department", "NE006011")]
    path.write_bytes("alias,level,pcode,name,note\nTéra,department,NE006011,Téra,x\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8 CSV expected"):
        gazetteer.load_aliases(path)


# --- geocode ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "region", "department"),
    [
        ("Makalondi", "NE006", "NE006013"),  # Torodi
        ("Téra", "NE006", "NE006011"),
        ("TERA", "NE006", "NE006011"),
        ("Chirfa", "NE001", "NE001003"),  # Bilma
        ("Fambita", "NE006", "NE006011"),
        ("Manseyka", "NE005", "NE005003"),  # Birni N'Konni
        ("Gaya", "NE003", "NE003006"),  # the PPLA2 beats homonyms
        ("Petel Kolé", "NE006", "NE006011"),  # only in UCDP
        ("Eknewane", "NE005", "NE005012"),  # UCDP "Eknewan", fuzzy; Tillia
        ("Séno", "NE008", "NE008001"),  # UCDP's Niamey suburb beats GeoNames' island
    ],
)
def test_geocode_best_candidate(place, region, department):
    found = geocode(place)
    assert list(found.columns) == list(gazetteer.GEOCODE_COLUMNS)
    best = found.iloc[0]
    assert (best["region_pcode"], best["department_pcode"]) == (region, department)
    assert best["commune_pcode"].startswith(department)
    assert 11.5 < best["latitude"] < 23.6 and 0.1 < best["longitude"] < 16.1
    assert list(found["score"]) == sorted(found["score"], reverse=True)


def test_geocode_makalondi_coordinates_and_source():
    best = geocode("Makalondi").iloc[0]
    assert best["latitude"] == pytest.approx(12.83342) and best["longitude"] == pytest.approx(1.68614)
    assert best["commune"] == "Makalondi" and "GeoNames" in best["source"]


def test_geocode_ucdp_places_carry_their_event():
    best = geocode("Petel Kole").iloc[0]
    assert best["source_id"] == "ucdp:556086" and "UCDP" in best["source"]
    assert "Petel Kole" in best["note"]
    # GeoNames has populated places called Diffa: UCDP descriptions are not used then
    assert not (geocode("Diffa")["feature_code"] == "UCDP").any()


def test_geocode_within_and_homonyms():
    everywhere = geocode("Bosso")
    assert {"NE002", "NE006"} <= set(everywhere["region_pcode"])
    in_diffa = geocode("Bosso", within="Diffa")
    assert len(in_diffa) >= 1 and set(in_diffa["region_pcode"]) == {"NE002"}
    # within a department (by name or P-code), not only within a region
    for department in ("Torodi", "NE006013"):
        found = geocode("Makalondi", within=department)
        assert len(found) >= 1 and set(found["department_pcode"]) == {"NE006013"}, department
    assert geocode("Makalondi", within="Téra").empty


def test_geocode_unknown_place_is_empty_not_an_error():
    found = geocode("Qwxzyplace")
    assert found.empty and list(found.columns) == list(gazetteer.GEOCODE_COLUMNS)
    with pytest.raises(InputError, match="empty"):
        geocode(" - ")


def test_two_packs_in_one_process_keep_their_own_names():
    """Each pack's names from its own tables, whichever pack is active and whichever was asked first."""
    assert country.active().iso3 == "NER"
    # Mali asked for while Niger is active: Mali's units, Mali's spellings (cached under Mali)
    assert gazetteer.display_name("Menaka", "MLI") == "Ménaka"  # the Mali pack's place_names.csv
    assert gazetteer.display_name("Ayerou", "MLI") == "Ayerou"  # Niger's spelling is not Mali's
    assert resolve("Gao", "region", country="MLI") == "ML07"
    assert {c.pcode[:2] for c in gazetteer.match("Gao", "region", country="MLI")} == {"ML"}
    # Niger's answers are unchanged by Mali's caches, and Mali's by Niger's
    assert gazetteer.display_name("Ayerou") == "Ayorou"
    assert gazetteer.display_name("Menaka") == "Menaka"  # not a unit of Niger: unchanged
    assert resolve("Tillaberi", "region") == "NE006"
    with country.use("MLI"):
        assert gazetteer.display_name("Menaka") == "Ménaka"
        assert resolve("Menaka", "region") == "ML10"
        assert gazetteer.aliases_of("NE006") == ()
    assert gazetteer.aliases_of("NE006") == gazetteer.aliases_of("NE006", "NER") != ()
    assert gazetteer.display_name("Ménaka", "NER") == "Ménaka"


def test_the_capital_subunits_by_their_generic_name_in_every_pack():
    assert resolve("Niamey 5", admin_index.CAPITAL_SUBUNITS) == resolve("Niamey 5", "niamey_arrondissement")
    assert resolve("Commune III", admin_index.CAPITAL_SUBUNITS, country="MLI") == resolve(
        "Commune III", "capital_commune", country="MLI")
    with pytest.raises(InputError, match="Burkina Faso has no sub-units of its capital"):
        resolve("Ouagadougou", admin_index.CAPITAL_SUBUNITS, country="BFA")


def test_geocode_in_another_pack_than_the_active_one():
    found = geocode("Ménaka", country="MLI")
    assert found.loc[0, "region_pcode"] == "ML10" and found.loc[0, "source_id"] == "geonames:2453514"
    with country.use("MLI"):
        assert geocode("Ménaka").equals(found)
