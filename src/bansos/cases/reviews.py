"""Reviews other parts open become cases: a duplicate-record review (linkage), a suspended
family's check (programs), a detector's finding (oversight). `review_cases_sync` opens a case
for each open review that lacks one, and closes the case of a review decided on its own page,
so the work queue is the one list an officer works from. Deciding through the case calls the
review's own service (`effects`)."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from bansos.areas.models import Area
from bansos.cases.engine import case_open, event_add, step_enter
from bansos.cases.models import Case, Kind
from bansos.linkage.models import DuplicateReview
from bansos.programs.models import Suspension

DUPLICATE, SUSPENSION = "linkage.review", "programs.suspension"


def _village_of_review(review: DuplicateReview) -> str | None:
    if review.person_id and review.person.household_id:
        return review.person.household.village_id
    return review.staged_row.village_id


def _close_decided(*, ref_type: str, decided: dict[int, str]) -> int:
    """Cases whose review was decided elsewhere follow it to the matching final step."""
    closed = 0
    now = timezone.now()
    for case in Case.objects.filter(ref_type=ref_type, ref_id__in=list(decided), closed_at__isnull=True):
        with transaction.atomic():
            before = case.state
            step_enter(case, decided[case.ref_id], now=now)
            case.outcome = decided[case.ref_id]
            case.save()
            event_add(case, by=None, action="decided_elsewhere", from_state=before, public=False)
            closed += 1
    return closed


def review_cases_sync() -> dict[str, int]:
    """Open cases for open reviews and suspensions without one; close cases whose review was
    decided outside the case. Re-running changes nothing more."""
    counts = {"opened": 0, "closed": 0}
    have = set(Case.objects.filter(ref_type=DUPLICATE).values_list("ref_id", flat=True))
    reviews = (DuplicateReview.objects.filter(status=DuplicateReview.Status.OPEN).exclude(pk__in=have)
               .select_related("person__household", "staged_row"))
    villages = {a.code: a for a in Area.objects.filter(level=Area.Level.VILLAGE, code__in={
        code for code in (_village_of_review(r) for r in reviews) if code})}
    for review in reviews:
        village = villages.get(_village_of_review(review) or "")
        if village is None:
            continue  # a row without a village stays on the linkage page only
        person = review.person
        case_open(kind=Kind.DUPLICATE_REVIEW, village=village, channel="system", ref_type=DUPLICATE,
                  ref_id=review.pk, person_id=person.pk if person else None,
                  household_id=person.household_id if person else None,
                  data={"match_probability": review.match_probability})
        counts["opened"] += 1
    have = set(Case.objects.filter(ref_type=SUSPENSION).values_list("ref_id", flat=True))
    for suspension in (Suspension.objects.filter(status=Suspension.Status.OPEN).exclude(pk__in=have)
                       .select_related("household__village", "cycle")):
        household = suspension.household
        case_open(kind=Kind.SUSPENSION_REVIEW, village=household.village, channel="system",
                  ref_type=SUSPENSION, ref_id=suspension.pk, household_id=household.pk,
                  person_id=household.head_id, program_id=suspension.cycle.program_id,
                  rw=household.rw, rt=household.rt, data={"reason": suspension.reason},
                  due_at=timezone.make_aware(datetime.combine(suspension.due_on, time.min)))
        counts["opened"] += 1
    decided = dict(DuplicateReview.objects.filter(
        pk__in=Case.objects.filter(ref_type=DUPLICATE, closed_at__isnull=True).values("ref_id"))
        .exclude(status=DuplicateReview.Status.OPEN).values_list("pk", "status"))
    counts["closed"] += _close_decided(ref_type=DUPLICATE, decided={
        pk: "merged" if status == DuplicateReview.Status.SAME else "kept_apart" for pk, status in decided.items()})
    decided = dict(Suspension.objects.filter(
        pk__in=Case.objects.filter(ref_type=SUSPENSION, closed_at__isnull=True).values("ref_id"))
        .exclude(status=Suspension.Status.OPEN).values_list("pk", "status"))
    counts["closed"] += _close_decided(ref_type=SUSPENSION, decided={
        pk: "lifted" if status == Suspension.Status.LIFTED else "confirmed" for pk, status in decided.items()})
    return counts
