"""Publishing the registry of a period, and comparing two published versions."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.registry.models import Person, RegistryVersion, VersionEntry

BATCH = 10_000
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# The attributes whose change makes a person "changed" between versions.
PUBLISHED_FIELDS = ("nik_index", "full_name", "birth_date", "sex", "household_id", "relationship", "education",
                    "school_level", "occupation", "disability", "is_alive", "death_date",
                    "household__village_id", "household__rw", "household__rt")


class VersionError(ValueError):
    pass


def _digest(values: tuple) -> str:
    return hashlib.blake2b("\x1f".join("" if v is None else str(v) for v in values).encode(), digest_size=16).hexdigest()


def registry_version_publish(*, period: str, actor: str, note: str = "") -> RegistryVersion:
    """Freeze the current registry as the version of `period`. A period is published once."""
    if not PERIOD.match(period):
        raise VersionError(f"periode {period!r} harus berbentuk YYYY-MM / period must look like YYYY-MM")
    if RegistryVersion.objects.filter(period=period).exists():
        raise VersionError(f"periode {period} sudah diterbitkan / period {period} is already published")
    with transaction.atomic():
        version = RegistryVersion.objects.create(period=period, published_at=timezone.now(), published_by=actor, note=note)
        rows = Person.objects.order_by("pk").values_list("pk", *PUBLISHED_FIELDS)
        entries, persons, households = [], 0, set()
        for pk, *values in rows.iterator(chunk_size=BATCH):
            household_id, is_alive = values[4], values[10]
            entries.append(VersionEntry(version=version, person_id=pk, household_id=household_id, is_alive=is_alive,
                                        digest=_digest(tuple(values))))
            persons += 1
            if household_id:
                households.add(household_id)
            if len(entries) >= BATCH:
                VersionEntry.objects.bulk_create(entries)
                entries = []
        VersionEntry.objects.bulk_create(entries)
        version.persons, version.households = persons, len(households)
        version.save(update_fields=["persons", "households"])
        audit_record(actor=actor, action="registry.publish", target_type="RegistryVersion", target_id=version.pk,
                     data={"period": period, "persons": persons, "households": len(households)})
    return version


@dataclass(frozen=True)
class VersionDiff:
    old: str
    new: str
    added: int  # in the new version only
    removed: int  # in the old version only (e.g. merged duplicates, records withdrawn)
    died: int  # alive in the old version, deceased in the new
    moved: int  # another household in the new version
    changed: int  # any published attribute differs (includes died and moved)
    unchanged: int

    def as_dict(self) -> dict[str, int | str]:
        return dict(self.__dict__)


def registry_version_diff(*, old: RegistryVersion, new: RegistryVersion) -> VersionDiff:
    """Compare two versions set-at-a-time in the database (no per-person Python loop)."""
    old_entries = VersionEntry.objects.filter(version=old)
    new_entries = VersionEntry.objects.filter(version=new)
    previous = old_entries.filter(person_id=OuterRef("person_id"))
    both = new_entries.annotate(
        old_digest=Subquery(previous.values("digest")[:1]),
        old_alive=Subquery(previous.values("is_alive")[:1]),
        old_household=Subquery(previous.values("household_id")[:1]),
    ).filter(old_digest__isnull=False)
    counts = both.aggregate(
        same=Count("pk", filter=Q(digest=F("old_digest"))),
        changed=Count("pk", filter=~Q(digest=F("old_digest"))),
        died=Count("pk", filter=Q(old_alive=True, is_alive=False)),
        moved=Count("pk", filter=~Q(household_id=F("old_household"))),
    )
    return VersionDiff(
        old=old.period, new=new.period,
        added=new_entries.exclude(person_id__in=old_entries.values("person_id")).count(),
        removed=old_entries.exclude(person_id__in=new_entries.values("person_id")).count(),
        died=counts["died"], moved=counts["moved"], changed=counts["changed"], unchanged=counts["same"],
    )
