"""Writes to the area hierarchy."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from bansos.areas import catalog
from bansos.areas.models import NATIONAL_CODE, Area

BATCH = 5_000


def areas_load(*, prefixes: Iterable[str] = (), progress=None) -> dict[str, int]:
    """Load the Kemendagri hierarchy (all of it, or the parts under `prefixes`) idempotently:
    new codes are inserted, renamed ones updated, nothing duplicated."""
    prefixes = tuple(prefixes)
    wanted = [
        r for r in catalog.regions()
        if not prefixes or any(r.code == p or r.code.startswith(p + ".") or p.startswith(r.code + ".") for p in prefixes)
    ]
    rows = [Area(code=NATIONAL_CODE, level=Area.Level.NATIONAL, name="Indonesia", parent_id=None)]
    rows += [Area(code=r.code, level=r.level, name=r.name, parent_id=r.parent_code or NATIONAL_CODE) for r in wanted]
    before = Area.objects.count()
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            Area.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "level", "parent"],
            )
            if progress:
                progress("areas", min(start + BATCH, len(rows)), len(rows))
    after = Area.objects.count()
    counts = {level: sum(1 for r in wanted if r.level == level) for level in ("province", "regency", "district", "village")}
    return {**counts, "inserted": after - before, "total": after}


def neighbourhoods_ensure(*, units: Iterable[tuple[str, str, str]]) -> int:
    """Create the RW and RT units `(village_code, rw, rt)` (RW/RT as 3-digit strings) if missing."""
    rows: dict[str, Area] = {}
    for village_code, rw, rt in units:
        rw_code = f"{village_code}.{rw}"
        rows.setdefault(rw_code, Area(code=rw_code, level=Area.Level.RW, name=f"RW {rw}", parent_id=village_code))
        rt_code = f"{rw_code}.{rt}"
        rows.setdefault(rt_code, Area(code=rt_code, level=Area.Level.RT, name=f"RT {rt}/RW {rw}", parent_id=rw_code))
    ordered = sorted(rows.values(), key=lambda a: (a.code.count("."), a.code))
    Area.objects.bulk_create(ordered, ignore_conflicts=True, batch_size=BATCH)
    return len(ordered)


def officer_create(*, username: str, password: str, role: str, area_code: str, full_name: str = "",
                   office_name: str = "", bank_code: str = ""):
    """Create (or update) an officer account bound to one role and one area."""
    from django.contrib.auth import get_user_model

    from bansos.areas.models import Officer, Role

    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(Role.values)}")
    area = Area.objects.get(code=area_code)
    first, _, last = full_name.partition(" ")
    with transaction.atomic():
        user, _ = get_user_model().objects.update_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "is_staff": False})
        user.set_password(password)
        user.save()
        Officer.objects.update_or_create(user=user, defaults={"role": role, "area": area, "office_name": office_name,
                                                              "bank_code": bank_code})
    return user
