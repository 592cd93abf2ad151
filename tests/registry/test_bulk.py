"""Loading the generator's population files into the registry, checked against the files."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from bansos.areas.models import Area
from bansos.areas.services import areas_load
from bansos.core import protected
from bansos.demo.generate import generate_population
from bansos.registry.bulk import registry_load_population
from bansos.registry.models import (
    Household,
    Membership,
    Person,
    SocioEconomicProfile,
    SourceValue,
)
from bansos.registry.vocab import disability_code, relationship_code

REGION = "35.10.09"


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    out = tmp_path_factory.mktemp("population")
    generate_population(regions=[REGION], persons=1500, seed=11, out_dir=out)
    return {name: pq.read_table(out / f"{name}.parquet").to_pylist()
            for name in ("persons", "households", "memberships")} | {"dir": out}


@pytest.fixture
def loaded(db, population):
    areas_load(prefixes=[REGION])
    counts = registry_load_population(population_dir=population["dir"])
    return counts


def test_every_row_is_loaded(loaded, population):
    assert loaded == {"households": len(population["households"]),
                      "persons": len(population["persons"]),
                      "memberships": len(population["memberships"]),
                      "profiles": len(population["households"])}
    assert Person.objects.count() == len(population["persons"])
    assert Membership.objects.count() == len(population["memberships"])
    assert SocioEconomicProfile.objects.count() == Household.objects.count()
    # Ids came from the files; new records made afterwards must not collide with them.
    new = Household.objects.create(kk="3510091203150001", village_id=f"{REGION}.2001")
    assert new.id > max(r["household_id"] for r in population["households"])


def test_person_values_match_the_file(loaded, population):
    by_id = {p.id: p for p in Person.objects.all()}
    for row in population["persons"]:
        person = by_id[row["person_id"]]
        assert person.nik == row["nik"]
        assert person.full_name == row["full_name"]
        assert person.birth_date == row["birth_date"]
        assert person.sex == row["sex"]
        assert person.household_id == row["household_id"]
        assert person.relationship == relationship_code(row["relationship"])
        assert person.disability == disability_code(row["disability"])
        assert person.is_alive == row["alive"]
        assert person.death_date == row["death_date"]
    assert Person.objects.filter(is_alive=False).exists()
    assert Person.objects.exclude(disability="none").exists()
    assert {p.relationship for p in by_id.values()} >= {"head", "spouse", "child"}


def test_households_heads_areas_and_profiles(loaded, population):
    households = {h.id: h for h in Household.objects.select_related("head")}
    profiles = {p.household_id: p for p in SocioEconomicProfile.objects.all()}
    for row in population["households"]:
        household = households[row["household_id"]]
        assert household.kk == row["kk"]
        assert household.village_id == row["village_code"]
        assert household.district_code == REGION
        assert (household.rw, household.rt) == (row["rw"], row["rt"])
        assert household.head_id == row["head_person_id"]
        profile = profiles[row["household_id"]]
        assert profile.motorcycles == row["motorcycles"]
        assert profile.house_ownership == row["house_ownership"]
        assert profile.has_gold == row["has_gold_10g"]
        assert profile.floor_area_m2 == pytest.approx(row["floor_area_m2"])
        assert profile.electricity_va == row["electricity_va"]
    # Every RW and RT the households live in exists as an area unit under its village.
    units = {(r["village_code"], r["rw"], r["rt"]) for r in population["households"]}
    codes = set(Area.objects.filter(level="rt").values_list("code", flat=True))
    assert {f"{v}.{rw}.{rt}" for v, rw, rt in units} <= codes


def test_memberships_keep_history(loaded, population):
    reasons = set(Membership.objects.exclude(end_reason="").values_list("end_reason", flat=True))
    assert "death" in reasons
    assert reasons <= {"moved", "split", "married", "death"}
    expected = sum(1 for r in population["memberships"] if r["end_reason"] == "death")
    assert Membership.objects.filter(end_reason="death").count() == expected


def test_nik_is_encrypted_findable_and_has_provenance(loaded, population):
    row = population["persons"][7]
    person = Person.objects.get(nik_index=protected.blind_index(row["nik"], purpose="nik"))
    assert person.id == row["person_id"]
    provenance = SourceValue.objects.filter(person=person)
    assert {v.field for v in provenance} >= {"nik", "full_name", "birth_date", "sex"}
    nik_value = provenance.get(field="nik")
    assert nik_value.value == ""
    assert nik_value.value_protected == row["nik"]
    assert {v.source for v in provenance} == {"DUKCAPIL"}


def test_unknown_disability_grade_is_refused_not_guessed():
    assert disability_code("BERAT") == "severe"
    assert disability_code(" ringan ") == "mild"
    assert disability_code(None) == "none"
    with pytest.raises(ValueError, match="PARAH"):
        disability_code("PARAH")
