"""Reads of the registry. Officer reads always pass through areas.scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from bansos.areas.scope import scoped
from bansos.core import protected
from bansos.registry.models import Household, Person


def household_list(*, user, village: str = "", rw: str = "", rt: str = "", text: str = "") -> QuerySet[Household]:
    qs = scoped(Household.objects.all(), user).select_related("village", "head")
    if village:
        qs = qs.filter(village_id=village)
    if rw:
        qs = qs.filter(rw=rw.zfill(3))
    if rt:
        qs = qs.filter(rt=rt.zfill(3))
    text = text.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == 16:
            # A 16-digit search is a NIK or KK: exact match through the blind indexes.
            qs = qs.filter(
                Q(kk_index=protected.blind_index(digits, purpose="kk"))
                | Q(members__nik_index=protected.blind_index(digits, purpose="nik"))
            )
        else:
            qs = qs.filter(members__full_name__icontains=text)
    return qs.annotate(member_count=Count("members", distinct=True)).order_by("village_id", "rw", "rt", "id")


def household_members(*, household: Household) -> QuerySet[Person]:
    return household.members.order_by("birth_date", "id")


def area_counts(*, user) -> dict[str, int]:
    households = scoped(Household.objects.all(), user)
    persons = scoped(Person.objects.all(), user)
    return {
        "households": households.count(),
        "persons": persons.count(),
        "persons_alive": persons.filter(is_alive=True).count(),
        "villages": households.values("village_id").distinct().count(),
    }
