"""Reads of cases: the officer's work queue, a case with its timeline, a citizen's own cases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.areas.models import Role
from bansos.areas.scope import scoped, scoped_get
from bansos.cases.engine import step_of
from bansos.cases.models import Case, CaseDocument, CaseEvent
from bansos.cases.workflows import COMPLAINT_CATEGORIES, REBUTTAL_REASONS, workflow

# Roles that work cases; banks see none.
CASE_ROLES = frozenset(Role) - {Role.BANK}


def may_work_cases(*, user) -> bool:
    officer = getattr(user, "officer", None)
    return officer is not None and officer.role in CASE_ROLES


def case_queue(*, user, kind: str = "", state: str = "", mine: bool = True, overdue: bool = False,
               open_only: bool = True) -> QuerySet[Case]:
    """Cases of the officer's area, by deadline; `mine`: those whose current step the
    officer's role holds (after escalation too)."""
    if not may_work_cases(user=user):
        return Case.objects.none()
    qs = scoped(Case.objects.select_related("village", "program"), user)
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    if mine and user.officer.role != Role.MINISTRY:
        qs = qs.filter(assigned_role=user.officer.role)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(due_at__lt=timezone.now())
    return qs.order_by("due_at", "id")


def household_cases(*, household, user) -> list[tuple[Case, CaseSummary]]:
    """Cases about a household, for its office page (none for roles that do not work cases)."""
    if not may_work_cases(user=user):
        return []
    cases = household.cases.select_related("program").order_by("-created_at")[:50]
    return [(case, case_summary(case)) for case in cases]


def queue_counts(*, user) -> dict[str, int] | None:
    """Open cases held by the officer's role in their area, and how many are overdue."""
    if not may_work_cases(user=user):
        return None
    mine = case_queue(user=user)
    return {"mine": mine.count(), "overdue": mine.filter(due_at__lt=timezone.now()).count()}


def case_get(*, user, pk: int) -> Case:
    if not may_work_cases(user=user):
        return scoped_get(Case.objects.none(), user, pk=pk)
    return scoped_get(Case.objects.select_related("village__parent__parent", "program", "household",
                                                  "person", "filer_person"), user, pk=pk)


_BUILTIN_ACTIONS = {
    "submit": _("Diajukan"), "cancel": _("Dibatalkan pelapor"), "note": _("Catatan"),
    "escalate": _("Eskalasi karena melewati tenggat"), "expire": _("Tenggat habis"),
    "decided_elsewhere": _("Diputuskan di halaman pemeriksaan"),
}


@dataclass(frozen=True)
class TimelineRow:
    event: CaseEvent
    action: str
    step: str  # the step it led to, in the reader's wording


def case_timeline(*, case: Case, public_only: bool) -> list[TimelineRow]:
    """The case's events with the action and the step reached in words (the citizen's wording
    for the citizen); internal notes and escalations only for officers."""
    events = case.events.all()
    if public_only:
        events = events.filter(public=True)
    flow = workflow(case.kind)
    actions = {a.code: a.label for step in flow.steps.values() for a in step.actions}
    rows = []
    for event in events:
        step = flow.steps.get(event.to_state)
        label = (step.public if public_only else step.label) if step and event.to_state != event.from_state else ""
        rows.append(TimelineRow(event=event, action=str(_BUILTIN_ACTIONS.get(event.action) or actions.get(event.action)
                                                     or event.action), step=str(label)))
    return rows


def case_documents(*, case: Case, public_only: bool) -> QuerySet[CaseDocument]:
    documents = case.documents.all()
    return documents.filter(public=True) if public_only else documents


def citizen_cases(*, user) -> QuerySet[Case]:
    return Case.objects.filter(filed_by=user).select_related("village", "program").order_by("-created_at")


def citizen_case_get(*, user, pk: int) -> Case:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(citizen_cases(user=user), pk=pk)


@dataclass(frozen=True)
class CaseSummary:
    step_label: str
    public_label: str
    category_label: str
    overdue: bool


def case_summary(case: Case) -> CaseSummary:
    step = step_of(case)
    table = {"rebuttal": REBUTTAL_REASONS, "complaint": COMPLAINT_CATEGORIES}.get(case.kind, {})
    category = table[case.category][0] if case.category in table else case.category
    return CaseSummary(step_label=str(step.label), public_label=str(step.public),
                       category_label=str(category),
                       overdue=bool(case.is_open and case.due_at and case.due_at < timezone.now()))
