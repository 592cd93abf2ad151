"""Single entitlements: adding one to a draft cycle (e.g. an approved proposal), approving one
after its cycle, and deciding a suspension. Bulk work is in `cycles`."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.programs.cycles import cycle_totals
from bansos.programs.models import Cycle, Enrollment, Entitlement, Suspension
from bansos.registry.models import Household


class EntitlementError(Exception):
    """An entitlement operation refused, with the reason in Indonesian and English."""


def entitlement_add(*, cycle: Cycle, household: Household, amount: int, by: str,
                    components: list[dict] | None = None, persons: int = 0) -> Entitlement:
    """One more household on a draft cycle's list. A household is entitled at most once per
    cycle (checked here and enforced by the database), and a frozen list takes no additions."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.frozen:
            raise EntitlementError(f"siklus {cycle} sudah dibekukan / cycle {cycle} is frozen")
        if Entitlement.objects.filter(cycle=cycle, household=household).exists():
            raise EntitlementError(
                f"keluarga {household.pk} sudah berhak pada siklus {cycle} / "
                f"household {household.pk} is already entitled in cycle {cycle}")
        try:
            with transaction.atomic():
                entitlement = Entitlement.objects.create(
                    cycle=cycle, household=household, amount=amount, persons=persons,
                    components=json.dumps(components or []), district_code=household.district_code)
        except IntegrityError as error:  # a concurrent add won the race
            raise EntitlementError(
                f"keluarga {household.pk} sudah berhak pada siklus {cycle} / "
                f"household {household.pk} is already entitled in cycle {cycle}") from error
        cycle.households += 1
        cycle.persons += persons
        cycle.total += amount
        cycle.save(update_fields=["households", "persons", "total"])
        audit_record(actor=by, action="entitlement.add", target_type="Entitlement",
                     target_id=entitlement.pk, data={"cycle": cycle.pk, "amount": amount})
    return entitlement


def entitlement_approve(*, entitlement: Entitlement, by: str) -> Entitlement:
    """Approve one entitlement; never before its cycle is approved."""
    with transaction.atomic():
        entitlement = Entitlement.objects.select_for_update().select_related("cycle").get(pk=entitlement.pk)
        if entitlement.cycle.state == Cycle.State.DRAFT:
            raise EntitlementError(
                f"siklus {entitlement.cycle} belum disetujui / cycle {entitlement.cycle} is not approved yet")
        if entitlement.state == Entitlement.State.APPROVED:
            return entitlement
        if entitlement.state == Entitlement.State.CANCELLED:
            raise EntitlementError("hak ini sudah dibatalkan / this entitlement was cancelled")
        entitlement.state = Entitlement.State.APPROVED
        entitlement.save(update_fields=["state", "updated_at"])
        audit_record(actor=by, action="entitlement.approve", target_type="Entitlement",
                     target_id=entitlement.pk, data={"cycle": entitlement.cycle_id})
    return entitlement


def suspension_decide(*, suspension: Suspension, lift: bool, by: str, note: str = "") -> Suspension:
    """Lift (the household stays and this cycle's entitlement is released) or confirm (the
    entitlement is cancelled and the household leaves the program)."""
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().select_related(
            "entitlement__cycle").get(pk=suspension.pk)
        if suspension.status != Suspension.Status.OPEN:
            raise EntitlementError("penangguhan ini sudah diputuskan / this suspension is already decided")
        entitlement = suspension.entitlement
        if lift:
            entitlement_approve(entitlement=entitlement, by=by)
            status, enrollment = Suspension.Status.LIFTED, Enrollment.Status.ACTIVE
        else:
            entitlement.state = Entitlement.State.CANCELLED
            entitlement.save(update_fields=["state", "updated_at"])
            status, enrollment = Suspension.Status.CONFIRMED, Enrollment.Status.ENDED
        Enrollment.objects.filter(program_id=entitlement.cycle.program_id,
                                  household_id=suspension.household_id).update(
            status=enrollment, updated_at=timezone.now())
        cycle = entitlement.cycle
        cycle_totals(cycle)
        cycle.save(update_fields=["households", "persons", "total", "suspended"])
        suspension.status, suspension.note = status, note
        suspension.decided_by, suspension.decided_at = by, timezone.now()
        suspension.save()
        audit_record(actor=by, action="suspension.decide", target_type="Suspension",
                     target_id=suspension.pk, data={"lift": lift, "note": note})
    return suspension
