"""Cycles: decisions for every household, entitlements for the eligible, approval freezing the
list, one entitlement per household per cycle, approval order, suspensions and enrolments."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from bansos.programs.cycles import (
    CycleError,
    cycle_advance,
    cycle_approve,
    cycle_create,
    cycle_verify,
)
from bansos.programs.entitlements import (
    EntitlementError,
    entitlement_add,
    entitlement_approve,
    suspension_decide,
)
from bansos.programs.models import Cycle, Decision, Enrollment, Entitlement, Suspension
from bansos.registry.models import Person
from bansos.targeting.models import FlagKind, HouseholdFlag
from tests.programs.world import Q4, scoring_with, world_build

Q3 = date(2025, 7, 1)


@pytest.fixture
def world(db):
    families = world_build()
    deciles = {families["pkh"].pk: 2, families["desil5"].pk: 5, families["civil_servant"].pk: 3,
               families["rich"].pk: 9}
    return families, scoring_with(deciles)


def _entitled(cycle: Cycle) -> dict[int, int]:
    return dict(Entitlement.objects.filter(cycle=cycle).values_list("household_id", "amount"))


def test_pkh_cycle_decides_every_household_and_lists_the_eligible(world):
    families, run = world
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    assert (cycle.period, cycle.starts_on, cycle.ends_on) == ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))
    assert cycle.state == Cycle.State.DRAFT
    assert Decision.objects.filter(cycle=cycle).count() == 4
    # pregnant 750,000 + early childhood 750,000 + elderly 600,000 + SMP 375,000: the SD pupil
    # is the fifth member with a component, beyond the cap of four.
    assert _entitled(cycle) == {families["pkh"].pk: 2_475_000}
    assert (cycle.households, cycle.total) == (1, 2_475_000)
    decision = Decision.objects.get(cycle=cycle, household=families["civil_servant"])
    assert not decision.eligible
    codes = [r["code"] for r in json.loads(decision.reasons)]
    assert any("occupation" in code for code in codes), codes
    assert cycle.rule_version.program_id == "PKH" and "[eligibility]" in cycle.rule_version.body


def test_sembako_and_pbijk_amounts(world):
    families, run = world
    sembako = cycle_create(program="SEMBAKO", on=Q4, created_by="t", scoring_run=run)
    assert _entitled(sembako) == {families["pkh"].pk: 600_000, families["desil5"].pk: 600_000}
    pbi = cycle_create(program="PBIJK", on=Q4, created_by="t", scoring_run=run)
    assert pbi.period == "2025-10"
    assert _entitled(pbi) == {families["pkh"].pk: 6 * 42_000, families["desil5"].pk: 2 * 42_000}


def test_a_draft_recomputes_an_approved_cycle_is_frozen(world):
    families, run = world
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    HouseholdFlag.objects.create(household=families["pkh"], kind=FlagKind.GAMBLING, source="test")
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)  # draft: recomputed
    assert _entitled(cycle) == {}
    HouseholdFlag.objects.all().delete()
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    cycle = cycle_approve(cycle=cycle, by="minister")
    assert cycle.state == Cycle.State.APPROVED and len(cycle.digest) == 64
    assert set(Entitlement.objects.filter(cycle=cycle).values_list("state", flat=True)) == {"approved"}

    # Later registry edits and a new scoring never change the frozen cycle.
    baby = Person.objects.create(nik="3510094101250009", full_name="BAYI", sex="P", birth_date=date(2025, 1, 1),
                                 household=families["pkh"], relationship="child")
    Person.objects.filter(full_name="MBAH").update(is_alive=False)
    rescored = scoring_with({families["pkh"].pk: 1})
    with pytest.raises(CycleError, match="frozen"):
        cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=rescored)
    assert _entitled(cycle) == {families["pkh"].pk: 2_475_000}
    assert cycle_verify(cycle)
    assert baby.pk  # the edit happened

    # Tampering with the frozen list directly in the database is detected.
    Entitlement.objects.filter(cycle=cycle).update(amount=9_999_999)
    assert not cycle_verify(cycle)


def test_one_entitlement_per_household_per_cycle(world):
    families, run = world
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    with pytest.raises(EntitlementError, match="already entitled"):
        entitlement_add(cycle=cycle, household=families["pkh"], amount=1, by="t")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entitlement.objects.create(cycle=cycle, household=families["pkh"], amount=1, district_code="35.10.09")
    added = entitlement_add(cycle=cycle, household=families["desil5"], amount=500_000, by="t")
    cycle.refresh_from_db()
    assert (cycle.households, cycle.total) == (2, 2_975_000)
    assert added.state == Entitlement.State.PENDING
    cycle_approve(cycle=cycle, by="t")
    with pytest.raises(EntitlementError, match="frozen"):
        entitlement_add(cycle=cycle, household=families["rich"], amount=1, by="t")


def test_entitlements_are_never_approved_before_their_cycle(world):
    families, run = world
    cycle = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    entitlement = Entitlement.objects.get(cycle=cycle)
    with pytest.raises(EntitlementError, match="not approved yet"):
        entitlement_approve(entitlement=entitlement, by="t")
    entitlement.refresh_from_db()
    assert entitlement.state == Entitlement.State.PENDING


def test_cycle_states_move_forward_only(world):
    _, run = world
    cycle = cycle_create(program="BLT", on=Q4, created_by="t", scoring_run=run)
    with pytest.raises(CycleError):
        cycle_advance(cycle=cycle, by="t")
    cycle = cycle_approve(cycle=cycle, by="t")
    with pytest.raises(CycleError, match="not a draft"):
        cycle_approve(cycle=cycle, by="t")
    assert cycle_advance(cycle=cycle, by="t").state == Cycle.State.PAYING
    assert cycle_advance(cycle=cycle, by="t").state == Cycle.State.CLOSED
    with pytest.raises(CycleError):
        cycle_advance(cycle=cycle, by="t")


def _pkh_family_moves_to_desil_5(world) -> tuple[Cycle, Suspension]:
    families, run = world
    q3 = cycle_approve(cycle=cycle_create(program="PKH", on=Q3, created_by="t", scoring_run=run), by="t")
    assert Enrollment.objects.get(program="PKH", household=families["pkh"]).status == Enrollment.Status.ACTIVE
    rescored = scoring_with({families["pkh"].pk: 5, families["desil5"].pk: 6})
    q4 = cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=rescored)
    entitlement = Entitlement.objects.get(cycle=q4, household=families["pkh"])
    assert entitlement.state == Entitlement.State.SUSPENDED and entitlement.amount == 2_475_000
    assert (q4.households, q4.total, q4.suspended) == (0, 0, 1)
    reasons = json.loads(Decision.objects.get(cycle=q4, household=families["pkh"]).reasons)
    assert reasons[-1] == {"code": "suspended_pending_check", "params": {"decile": 5, "max": 4, "program": "PKH"}}
    assert q3.pk != q4.pk
    suspension = Suspension.objects.get(cycle=q4)
    assert suspension.status == Suspension.Status.OPEN and suspension.due_on == date(2025, 10, 31)
    q4 = cycle_approve(cycle=q4, by="t")
    assert Enrollment.objects.get(program="PKH", household=families["pkh"]).status == Enrollment.Status.SUSPENDED
    return q4, suspension


def test_a_pkh_family_moving_to_desil_5_is_suspended_and_can_be_lifted(world):
    q4, suspension = _pkh_family_moves_to_desil_5(world)
    suspension_decide(suspension=suspension, lift=True, by="dinsos", note="checked: still poor")
    entitlement = suspension.entitlement
    entitlement.refresh_from_db()
    q4.refresh_from_db()
    assert entitlement.state == Entitlement.State.APPROVED
    assert (q4.households, q4.total, q4.suspended) == (1, 2_475_000, 0)
    assert Enrollment.objects.get(program="PKH", household=entitlement.household).status == Enrollment.Status.ACTIVE
    assert cycle_verify(q4)  # releasing a held entitlement does not change the frozen list
    with pytest.raises(EntitlementError):
        suspension_decide(suspension=suspension, lift=False, by="dinsos")


def test_a_confirmed_suspension_cancels_and_ends_the_enrolment(world):
    q4, suspension = _pkh_family_moves_to_desil_5(world)
    suspension_decide(suspension=suspension, lift=False, by="dinsos", note="now a trader with a shop")
    entitlement = suspension.entitlement
    entitlement.refresh_from_db()
    assert entitlement.state == Entitlement.State.CANCELLED
    assert Enrollment.objects.get(program="PKH", household=entitlement.household).status == Enrollment.Status.ENDED


def test_households_no_longer_listed_leave_the_program(world):
    families, run = world
    cycle_approve(cycle=cycle_create(program="SEMBAKO", on=Q3, created_by="t", scoring_run=run), by="t")
    rescored = scoring_with({families["pkh"].pk: 2, families["desil5"].pk: 7})
    cycle_approve(cycle=cycle_create(program="SEMBAKO", on=Q4, created_by="t", scoring_run=rescored), by="t")
    statuses = dict(Enrollment.objects.filter(program="SEMBAKO").values_list("household_id", "status"))
    assert statuses == {families["pkh"].pk: "active", families["desil5"].pk: "ended"}
