"""Bulk loading of a whole population into the registry (the demo's baseline from the civil
registry and the socio-economic census): Parquet read batch by batch as Arrow columns and
written with `core.bulk_insert` (COPY on PostgreSQL), never one ORM save per row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone

from bansos.areas.scope import scope_codes
from bansos.areas.services import neighbourhoods_ensure
from bansos.core import protected
from bansos.core.bulk_insert import rows_insert
from bansos.core.models import Run
from bansos.registry.models import Household, Membership, Person, SocioEconomicProfile, SourceValue
from bansos.registry.vocab import disability_code, profile_fields, relationship_code

BATCH = 20_000
Progress = Callable[[str, int, int], None]

# Identity fields whose provenance is recorded for every person loaded (the NIK encrypted).
PERSON_PROVENANCE = ("full_name", "birth_place", "birth_date", "sex")


def _batches(path: Path, columns: list[str] | None = None) -> Iterator[dict[str, list]]:
    """Column lists per batch: Arrow converts each column once instead of building dicts."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH, columns=columns):
        yield {name: batch.column(name).to_pylist() for name in batch.schema.names}


def _text(values: list) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def _load_households(path: Path, *, progress: Progress | None, total: int) -> int:
    done = 0
    units: set[tuple[str, str, str]] = set()
    # The head is written with the household: foreign keys are checked at commit (Django makes
    # them deferrable), by which time the persons exist.
    fields = ["id", "kk", "kk_index", "village_id", "province_code", "regency_code",
              "district_code", "rw", "rt", "address", "head_id"]
    columns = ["household_id", "kk", "village_code", "rw", "rt", "address", "head_person_id"]
    for c in _batches(path, columns):
        blobs, indexes = protected.protect_many(c["kk"], purpose="kk")
        units.update(zip(c["village_code"], c["rw"], c["rt"], strict=True))
        rows = [(hid, blob, index, village, *scope_codes(village), rw, rt, address or "", head)
                for hid, blob, index, village, rw, rt, address, head in zip(
                    c["household_id"], blobs, indexes, c["village_code"], c["rw"], c["rt"],
                    c["address"], c["head_person_id"], strict=True)]
        done += rows_insert(model=Household, fields=fields, rows=rows)
        if progress:
            progress("keluarga / households", done, total)
    neighbourhoods_ensure(units=sorted(units))
    return done


def _load_persons(path: Path, *, source: str, run: Run | None, observed_at: datetime,
                  progress: Progress | None, total: int) -> int:
    done = 0
    person_fields = ["id", "nik", "nik_index", "full_name", "birth_place", "birth_date", "sex",
                     "household_id", "relationship", "education", "school_level", "occupation",
                     "disability", "pregnant", "is_alive", "death_date", "phone", "phone_index"]
    value_fields = ["person_id", "household_id", "field", "value", "value_protected",
                    "reference"]
    constants = {"source": source, "run_id": run.pk if run else None, "observed_at": observed_at}
    for c in _batches(path):
        pid, hid = c["person_id"], c["household_id"]
        nik_blobs, nik_indexes = protected.protect_many(c["nik"], purpose="nik")
        # A mobile number where the socio-economic registry has one.
        phones = c.get("phone") or [None] * len(pid)
        phone_blobs, phone_indexes = protected.protect_many(phones, purpose="phone")
        people = zip(
            pid, nik_blobs, nik_indexes, c["full_name"], _text(c["birth_place"]), c["birth_date"],
            c["sex"], hid, map(relationship_code, c["relationship"]), _text(c["education"]),
            _text(c["school_level"]), _text(c["occupation"]), map(disability_code, c["disability"]),
            c["pregnant"], c["alive"], c["death_date"], phone_blobs, phone_indexes, strict=True)
        rows_insert(model=Person, fields=person_fields, rows=people)
        references = [f"person_id={p}" for p in pid]
        provenance_blobs = protected.encrypt_many(c["nik"], purpose="provenance")
        values = [(p, h, "nik", "", blob, ref)
                  for p, h, blob, ref in zip(pid, hid, provenance_blobs, references, strict=True)]
        for field in PERSON_PROVENANCE:
            values += [(p, h, field, text, None, ref)
                       for p, h, text, ref in zip(pid, hid, _text(c[field]), references,
                                                  strict=True)]
        rows_insert(model=SourceValue, fields=value_fields, rows=values, constants=constants)
        done += len(pid)
        if progress:
            progress("penduduk / persons", done, total)
    return done


def _load_memberships(path: Path) -> int:
    done = 0
    fields = ["person_id", "household_id", "relationship", "start_date", "end_date", "end_reason"]
    for c in _batches(path):
        rows = zip(c["person_id"], c["household_id"], map(relationship_code, c["relationship"]),
                   c["start_date"], c["end_date"], _text(c["end_reason"]), strict=True)
        done += rows_insert(model=Membership, fields=fields, rows=rows)
    return done


def _load_profiles(path: Path, *, source: str, observed_on: date) -> int:
    mapping = profile_fields(pq.read_schema(path).names)
    fields = ["household_id", *mapping]
    constants = {"observed_on": observed_on, "source": source}
    done = 0
    for c in _batches(path, ["household_id", *mapping.values()]):
        columns = [c["household_id"]]
        for field, column in mapping.items():
            values = c[column]
            if SocioEconomicProfile._meta.get_field(field).get_internal_type() == "CharField":
                values = _text(values)
            columns.append(values)
        done += rows_insert(model=SocioEconomicProfile, fields=fields,
                            rows=zip(*columns, strict=True), constants=constants)
    return done


def registry_load_population(*, population_dir: Path, run: Run | None = None,
                             identity_source: str = "DUKCAPIL", profile_source: str = "REGSOSEK",
                             observed_on: date | None = None, progress: Progress | None = None
                             ) -> dict[str, int]:
    """Load households, persons, membership history and socio-economic profiles written by the
    synthetic population generator (or an extract in the same shape) into an empty registry,
    all or nothing."""
    population_dir = Path(population_dir)
    households_path = population_dir / "households.parquet"
    persons_path = population_dir / "persons.parquet"
    observed_on = observed_on or timezone.localdate()
    observed_at = timezone.now()
    n_households = pq.ParquetFile(households_path).metadata.num_rows
    n_persons = pq.ParquetFile(persons_path).metadata.num_rows
    with transaction.atomic():
        households = _load_households(households_path, progress=progress, total=n_households)
        persons = _load_persons(persons_path, source=identity_source, run=run,
                                observed_at=observed_at, progress=progress, total=n_persons)
        memberships = _load_memberships(population_dir / "memberships.parquet")
        profiles = _load_profiles(households_path, source=profile_source, observed_on=observed_on)
    return {"households": households, "persons": persons, "memberships": memberships,
            "profiles": profiles}

