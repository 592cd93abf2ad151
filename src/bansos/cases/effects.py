"""What a decided case changes outside itself: the registry, flags, enrolments, the reviews of
other apps. Each effect runs inside the engine's transaction (`engine.case_act`), so a case is
never decided without its change, nor the change made without the case; each returns a small
dict recorded on the case as what it did."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.cases.models import Case
from bansos.cases.workflows import REBUTTAL_REASONS
from bansos.core.identifiers import nik_birth_date, nik_sex
from bansos.core.protected import blind_index
from bansos.programs.models import Enrollment
from bansos.registry.models import Household, Membership, Person, Relationship, SourceValue
from bansos.targeting.models import FlagKind, HouseholdFlag

SOURCE = "USUL"  # provenance of values a proposal brought into the registry


def _actor(by) -> str:
    return by.username if by is not None else "system:cases"


def proposal_include(*, case: Case, by, note: str) -> dict:
    """An approved proposal puts the family into the registry: the person and family are
    created from the proposal when the registry lacks them (the next published version then
    carries them, and the next scoring ranks them); a family already there is confirmed."""
    if case.person_id:
        return {"registry": "existing", "person": case.person_id, "household": case.household_id}
    nik, kk = case.subject_nik, case.subject_kk
    existing = Person.objects.filter(nik_index=blind_index(nik, purpose="nik")).first()
    if existing is not None:  # registered meanwhile (another list, another proposal)
        case.person_id, case.household_id = existing.pk, existing.household_id
        return {"registry": "existing", "person": existing.pk, "household": existing.household_id}
    household = Household.objects.filter(kk_index=blind_index(kk, purpose="kk"),
                                         status=Household.Status.ACTIVE).first() if kk else None
    created_household = household is None
    if household is None:
        household = Household.objects.create(kk=kk, village=case.village, rw=case.rw, rt=case.rt,
                                             address=case.data.get("address", "")[:200])
    today = timezone.localdate()
    relationship = Relationship.HEAD if created_household else Relationship.OTHER
    person = Person.objects.create(nik=nik, full_name=case.subject_name, birth_date=nik_birth_date(nik, today=today),
                                   sex=nik_sex(nik), household=household, relationship=relationship)
    Membership.objects.create(person=person, household=household, relationship=relationship, start_date=today)
    if created_household:
        household.head = person
        household.save()
    observed = timezone.now()
    reference = f"{case.ref}"
    SourceValue.objects.bulk_create([
        SourceValue(person=person, field="full_name", value=case.subject_name, source=SOURCE,
                    reference=reference, observed_at=observed),
        SourceValue(person=person, field="nik", value_protected=nik, source=SOURCE, reference=reference,
                    observed_at=observed),
    ])
    case.person_id, case.household_id = person.pk, household.pk
    audit_record(actor=_actor(by), action="registry.person_create", target_type="Person", target_id=person.pk,
                 data={"source": SOURCE, "case": case.pk, "household": household.pk,
                       "new_household": created_household})
    return {"registry": "created", "person": person.pk, "household": household.pk,
            "new_household": created_household}


def _flag(*, case: Case, by, kind: str, note: str) -> HouseholdFlag:
    flag = HouseholdFlag.objects.create(household_id=case.household_id, kind=kind, note=note[:300],
                                        source=f"case:{case.ref}", created_by=_actor(by))
    audit_record(actor=_actor(by), action="flag.raise", target_type="HouseholdFlag", target_id=flag.pk,
                 data={"household": case.household_id, "kind": kind, "case": case.pk})
    return flag


def rebuttal_uphold(*, case: Case, by, note: str) -> dict:
    """An upheld rebuttal excludes the family from the next cycles by a registry flag (the
    rules of every program skip flagged families), with the reason it was upheld for."""
    label, kind = REBUTTAL_REASONS.get(case.category, REBUTTAL_REASONS["other"])
    flag = _flag(case=case, by=by, kind=kind, note=f"{case.ref}: {label}. {note}")
    return {"flag": flag.pk, "flag_kind": kind}


def withdrawal_confirm(*, case: Case, by, note: str) -> dict:
    """The family leaves the program(s) it asked to leave: enrolment ended and a flag, so the
    next cycle does not enrol it again."""
    enrollments = Enrollment.objects.filter(household_id=case.household_id)
    if case.program_id:
        enrollments = enrollments.filter(program_id=case.program_id)
    ended = enrollments.update(status=Enrollment.Status.ENDED, updated_at=timezone.now())
    flag = _flag(case=case, by=by, kind=FlagKind.WITHDRAWN, note=f"{case.ref}: {note}")
    return {"flag": flag.pk, "enrollments_ended": ended}


def _duplicate(*, case: Case, by, note: str, same: bool) -> dict:
    from bansos.linkage.models import DuplicateReview
    from bansos.linkage.review import duplicate_review_decide

    review = DuplicateReview.objects.get(pk=case.ref_id)
    duplicate_review_decide(review=review, same=same, by=by, note=note)
    return {"review": review.pk, "same": same}


def duplicate_same(*, case: Case, by, note: str) -> dict:
    return _duplicate(case=case, by=by, note=note, same=True)


def duplicate_different(*, case: Case, by, note: str) -> dict:
    return _duplicate(case=case, by=by, note=note, same=False)


def _suspension(*, case: Case, by, note: str, lift: bool) -> dict:
    from bansos.programs.entitlements import suspension_decide
    from bansos.programs.models import Suspension

    suspension = suspension_decide(suspension=Suspension.objects.get(pk=case.ref_id), lift=lift,
                                   by=_actor(by), note=note)
    return {"suspension": suspension.pk, "status": suspension.status}


def suspension_lift(*, case: Case, by, note: str) -> dict:
    return _suspension(case=case, by=by, note=note, lift=True)


def suspension_confirm(*, case: Case, by, note: str) -> dict:
    return _suspension(case=case, by=by, note=note, lift=False)


def flag_confirm(*, case: Case, by, note: str) -> dict:
    """A detector's finding confirmed: the family is flagged with the finding's kind."""
    kind = case.category if case.category in FlagKind.values else FlagKind.INELIGIBLE_FIELD_CHECK
    flag = _flag(case=case, by=by, kind=kind, note=f"{case.ref}: {note}")
    return {"flag": flag.pk, "flag_kind": kind}


EFFECTS: dict[str, Callable[..., dict]] = {
    "proposal_include": proposal_include,
    "rebuttal_uphold": rebuttal_uphold,
    "withdrawal_confirm": withdrawal_confirm,
    "duplicate_same": duplicate_same,
    "duplicate_different": duplicate_different,
    "suspension_lift": suspension_lift,
    "suspension_confirm": suspension_confirm,
    "flag_confirm": flag_confirm,
}
