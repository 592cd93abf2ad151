"""Bulk loading of a whole population into the registry (the demo's baseline from the civil
registry and the socio-economic census), batch by batch, never one save per row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone

from bansos.areas.services import neighbourhoods_ensure
from bansos.core import protected
from bansos.core.models import Run
from bansos.registry.models import Household, Membership, Person, SocioEconomicProfile, SourceValue
from bansos.registry.vocab import profile_fields, relationship_code

BATCH = 5_000
Progress = Callable[[str, int, int], None]

# Identity fields whose provenance is recorded for every person loaded.
PERSON_PROVENANCE = ("full_name", "birth_place", "birth_date", "sex")


def _batches(path: Path, columns: list[str] | None = None) -> Iterator[list[dict]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH, columns=columns):
        yield batch.to_pylist()


def _scope_codes(village_code: str) -> dict[str, str]:
    parts = village_code.split(".")
    return {"province_code": parts[0], "regency_code": ".".join(parts[:2]), "district_code": ".".join(parts[:3])}


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)) if value else None


def _load_households(path: Path, *, progress: Progress | None, total: int) -> int:
    done = 0
    units: set[tuple[str, str, str]] = set()
    for rows in _batches(path, ["household_id", "kk", "village_code", "rw", "rt", "address"]):
        blobs, indexes = protected.protect_many([r["kk"] for r in rows], purpose="kk")
        objs = []
        for r, blob, index in zip(rows, blobs, indexes, strict=True):
            units.add((r["village_code"], r["rw"], r["rt"]))
            objs.append(Household(id=r["household_id"], kk=blob, kk_index=index, village_id=r["village_code"],
                                  rw=r["rw"], rt=r["rt"], address=r["address"] or "", **_scope_codes(r["village_code"])))
        Household.objects.bulk_create(objs)
        done += len(objs)
        if progress:
            progress("keluarga / households", done, total)
    neighbourhoods_ensure(units=sorted(units))
    return done


def _load_persons(path: Path, *, source: str, run: Run | None, observed_at: datetime,
                  progress: Progress | None, total: int) -> int:
    done = 0
    for rows in _batches(path):
        nik_blobs, nik_indexes = protected.protect_many([r["nik"] for r in rows], purpose="nik")
        people, values = [], []
        for r, blob, index in zip(rows, nik_blobs, nik_indexes, strict=True):
            alive = bool(r["alive"])
            people.append(Person(
                id=r["person_id"], nik=blob, nik_index=index, full_name=r["full_name"],
                birth_place=r.get("birth_place") or "", birth_date=_as_date(r["birth_date"]), sex=r["sex"],
                household_id=r["household_id"], relationship=relationship_code(r["relationship"]),
                education=r.get("education") or "", school_level=r.get("school_level") or "",
                occupation=r.get("occupation") or "", disability=r.get("disability") or "none",
                pregnant=bool(r.get("pregnant")), is_alive=alive, death_date=_as_date(r.get("death_date")),
            ))
            reference = f"person_id={r['person_id']}"
            values.append(SourceValue(person_id=r["person_id"], household_id=r["household_id"], field="nik",
                                      value_protected=protected.encrypt(r["nik"], purpose="provenance"),
                                      source=source, reference=reference, run=run, observed_at=observed_at))
            for field in PERSON_PROVENANCE:
                values.append(SourceValue(person_id=r["person_id"], household_id=r["household_id"], field=field,
                                          value=str(r.get(field) or ""), source=source, reference=reference,
                                          run=run, observed_at=observed_at))
        Person.objects.bulk_create(people)
        SourceValue.objects.bulk_create(values)
        done += len(people)
        if progress:
            progress("penduduk / persons", done, total)
    return done


def _link_heads(path: Path) -> None:
    for rows in _batches(path, ["household_id", "head_person_id"]):
        objs = [Household(id=r["household_id"], head_id=r["head_person_id"]) for r in rows if r["head_person_id"] is not None]
        Household.objects.bulk_update(objs, ["head"])


def _load_memberships(path: Path) -> int:
    done = 0
    for rows in _batches(path):
        Membership.objects.bulk_create([
            Membership(person_id=r["person_id"], household_id=r["household_id"],
                       relationship=relationship_code(r["relationship"]), start_date=_as_date(r.get("start_date")),
                       end_date=_as_date(r.get("end_date")), end_reason=r.get("end_reason") or "")
            for r in rows
        ])
        done += len(rows)
    return done


def _load_profiles(path: Path, *, source: str, observed_on: date) -> int:
    mapping = profile_fields(pq.read_schema(path).names)
    done = 0
    for rows in _batches(path, ["household_id", *mapping.values()]):
        SocioEconomicProfile.objects.bulk_create([
            SocioEconomicProfile(household_id=r["household_id"], observed_on=observed_on, source=source,
                                 **{field: r[column] for field, column in mapping.items()})
            for r in rows
        ])
        done += len(rows)
    return done


def registry_load_population(*, population_dir: Path, run: Run | None = None,
                             identity_source: str = "DUKCAPIL", profile_source: str = "REGSOSEK",
                             observed_on: date | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Load households, persons, membership history and socio-economic profiles written by the
    synthetic population generator (or an extract in the same shape) into an empty registry."""
    population_dir = Path(population_dir)
    households_path = population_dir / "households.parquet"
    persons_path = population_dir / "persons.parquet"
    observed_on = observed_on or timezone.localdate()
    observed_at = timezone.now()
    n_households = pq.ParquetFile(households_path).metadata.num_rows
    n_persons = pq.ParquetFile(persons_path).metadata.num_rows
    with transaction.atomic():
        households = _load_households(households_path, progress=progress, total=n_households)
        persons = _load_persons(persons_path, source=identity_source, run=run, observed_at=observed_at,
                                progress=progress, total=n_persons)
        _link_heads(households_path)
        memberships = _load_memberships(population_dir / "memberships.parquet")
        profiles = _load_profiles(households_path, source=profile_source, observed_on=observed_on)
    return {"households": households, "persons": persons, "memberships": memberships, "profiles": profiles}

