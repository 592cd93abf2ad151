"""Reads for the program pages: cycles with totals inside the officer's area, a cycle's list
by district, a household's decisions with their reasons, open suspensions."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from bansos.areas.models import Area, Role
from bansos.areas.scope import officer_area, scoped
from bansos.programs.models import Cycle, Decision, Entitlement, Program, Suspension
from bansos.registry.models import Household
from bansos.targeting.models import ScoringRun, WelfareScore
from bansos.targeting.reasons import reasons_text

# Who may approve a cycle (the ministry runs programs) and decide suspensions (the social
# office of the regency checks the family; the ministry may too).
APPROVE_ROLES = {Role.MINISTRY}
SUSPENSION_ROLES = {Role.MINISTRY, Role.REGENCY}
PREVIEW_ROLES = {Role.MINISTRY, Role.PROVINCE, Role.REGENCY, Role.AUDITOR}


def role_of(user) -> str:
    officer = getattr(user, "officer", None)
    return officer.role if officer else ""


@dataclass(frozen=True)
class CycleRow:
    cycle: Cycle
    households: int
    total: int


def cycles_visible(*, user) -> list[CycleRow]:
    """Every cycle, with its list counted inside the officer's area (the whole list nationally)."""
    area = officer_area(user)
    cycles = list(Cycle.objects.select_related("program", "rule_version").order_by("-starts_on", "program_id"))
    if area.level == Area.Level.NATIONAL:
        return [CycleRow(c, c.households, c.total) for c in cycles]
    counts = {row["cycle_id"]: row for row in scoped(Entitlement.objects.exclude(
        state__in=[Entitlement.State.SUSPENDED, Entitlement.State.CANCELLED]), user).values(
        "cycle_id").annotate(n=Count("id"), total=Sum("amount"))}
    return [CycleRow(c, counts.get(c.pk, {}).get("n", 0), counts.get(c.pk, {}).get("total") or 0)
            for c in cycles]


def cycle_by_district(*, cycle: Cycle, user) -> list[dict]:
    """The cycle's list per district inside the officer's area, with district names."""
    rows = list(scoped(Entitlement.objects.filter(cycle=cycle), user).values("district_code").annotate(
        households=Count("id", filter=~_held()), total=Sum("amount", filter=~_held()),
        suspended=Count("id", filter=_held())).order_by("district_code"))
    names = dict(Area.objects.filter(code__in=[r["district_code"] for r in rows]).values_list("code", "name"))
    for row in rows:
        row["name"] = names.get(row["district_code"], "")
        row["total"] = row["total"] or 0
    return rows


def _held() -> Q:
    return Q(state__in=[Entitlement.State.SUSPENDED, Entitlement.State.CANCELLED])


def cycle_entitlements(*, cycle: Cycle, user, state: str = "") -> QuerySet[Entitlement]:
    qs = scoped(Entitlement.objects.filter(cycle=cycle), user).select_related("household__head", "household__village")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("household_id")


def suspensions_open(*, user, cycle: Cycle | None = None) -> QuerySet[Suspension]:
    qs = scoped(Suspension.objects.filter(status=Suspension.Status.OPEN), user)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.select_related("household__head", "household__village", "cycle__program", "entitlement").order_by(
        "due_on", "pk")


def suspension_get(*, user, pk: int) -> Suspension:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(scoped(Suspension.objects.select_related("cycle__program", "entitlement"), user), pk=pk)


@dataclass(frozen=True)
class DecisionView:
    program: Program
    cycle: Cycle
    eligible: bool
    amount: int
    state: str
    components: list[dict]
    reasons: list[str]


def household_decisions(*, household: Household) -> list[DecisionView]:
    """The latest cycle's decision of each program for this household, reasons in the reader's
    language: the same text a citizen reads about their own family."""
    latest: dict[str, Decision] = {}
    for decision in (Decision.objects.filter(household=household)
                     .select_related("cycle__program").order_by("-cycle__starts_on", "-cycle_id")):
        latest.setdefault(decision.cycle.program_id, decision)
    states = dict(Entitlement.objects.filter(household=household, cycle_id__in=[d.cycle_id for d in latest.values()])
                  .values_list("cycle_id", "state"))
    return [DecisionView(program=d.cycle.program, cycle=d.cycle, eligible=d.eligible, amount=d.amount,
                         state=states.get(d.cycle_id, ""), components=json.loads(d.components),
                         reasons=reasons_text(d.reasons))
            for _, d in sorted(latest.items())]


def household_welfare(*, household: Household) -> WelfareScore | None:
    """The household's place in the latest finished scoring run."""
    run = ScoringRun.objects.filter(status=ScoringRun.Status.DONE).order_by("-started_at", "-pk").first()
    if run is None:
        return None
    return WelfareScore.objects.filter(run=run, household=household).select_related("run__pmt").first()
