"""Officer decisions on linkage: deciding a duplicate review, and splitting a wrongly merged row
back out of its person. Typed, keyword-only, atomic, audited.

Where a decision places a staged row:
- **same, registry person**: the row is that person (its household too), method `reviewed`.
- **same, other row**: the row joins the other row's person; if neither row has a person yet,
  both become one new person; if only the row has one, the other row joins it.
- **different**: once a row has no open review left and no person, it becomes a new person
  (and a new household, unless its family already has one: a row of the same import with the
  same KK already placed in a household, else a registry household with that KK).

A row that already has a person which linkage created (a `new` person, made from this row and
the rows strongly linked to it) brings that whole group along when it joins another person:
the run opens one review per pair of such groups, so the decision is about the groups. The
emptied person is removed (its access log, provenance and review references move to the
person it joined; the audit event keeps its id), so the registry holds one record per person.
A person that was in the registry before linkage is never removed: only the row moves.

Refusals raise `LinkageRefused` with a message in the active language (Indonesian, or English
through the catalogue) and a `code` for programs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BinaryField, ExpressionWrapper, F, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.areas.scope import area_filter, officer_area
from bansos.audit.models import AccessLog
from bansos.audit.services import audit_record
from bansos.intake.models import StagedRow
from bansos.linkage.models import DuplicateReview, RecordLink
from bansos.linkage.queries import person_made_by_linkage, review_in_area, review_may_decide
from bansos.registry.models import Household, Membership, Person, SourceValue


class LinkageRefused(Exception):
    """A decision or split that cannot be made; `str()` is the message for the officer."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)


_CLOSED = _("Pasangan ini sudah diputuskan; keputusan tidak diubah.")
_NOT_LINKED = _("Baris ini belum tercatat sebagai orang mana pun; tidak ada yang dipisahkan.")
_ONLY_EVIDENCE = _("Baris ini satu-satunya bukti orang ini; tidak ada yang dipisahkan.")
_NO_REASON = _("Tuliskan alasan pemisahan.")


@dataclass
class _Changes:
    """What a decision or split changed, for its audit event."""

    placed: list[dict] = field(default_factory=list)
    persons_created: list[int] = field(default_factory=list)
    households_created: list[int] = field(default_factory=list)
    persons_removed: list[int] = field(default_factory=list)
    households_removed: list[int] = field(default_factory=list)

    def data(self) -> dict:
        return {"placed": self.placed, "persons_created": self.persons_created,
                "households_created": self.households_created,
                "persons_removed": self.persons_removed,
                "households_removed": self.households_removed}


def _require_decider(user) -> None:
    if not review_may_decide(user=user):
        raise PermissionDenied("role may not change the registry")


def duplicate_review_decide(*, review: DuplicateReview, same: bool, by, note: str = ""
                            ) -> DuplicateReview:
    """Decide an open review: the two records are the same person (`same=True`) or not, and
    place the staged row(s) accordingly (see the module docstring). A review already decided
    (a double submit, or another officer first) is refused with `LinkageRefused("closed")` and
    nothing changes."""
    _require_decider(by)
    if not review_in_area(review=review, user=by):
        raise PermissionDenied("review outside the officer's area")
    decision = DuplicateReview.Status.SAME if same else DuplicateReview.Status.DIFFERENT
    with transaction.atomic():
        # Claim the review first: of two submits, only one finds it open.
        claimed = DuplicateReview.objects.filter(pk=review.pk,
                                                 status=DuplicateReview.Status.OPEN).update(
            status=decision, decided_by=by, decided_at=timezone.now(), note=note.strip()[:300])
        if not claimed:
            review.refresh_from_db()
            raise LinkageRefused(_CLOSED, code="closed")
        review.refresh_from_db()
        changes = _Changes()
        if same:
            _decide_same(review=review, changes=changes)
        else:
            _decide_different(review=review, changes=changes)
        audit_record(actor=by.username, action="linkage.review_decide",
                     target_type="DuplicateReview", target_id=review.pk,
                     data={"decision": decision, "staged_row_id": review.staged_row_id,
                           "person_id": review.person_id, "other_row_id": review.other_row_id,
                           "match_probability": review.match_probability,
                           "note": review.note, **changes.data()})
    return review


def record_link_split(*, link: RecordLink, by, reason: str) -> Person:
    """Undo a wrong merge: the link's staged row leaves its person and becomes a new person
    (method `split`). The audit event keeps the previous person and household, so the split
    can be traced and reversed. A row that is its person's only evidence is refused."""
    _require_decider(by)
    reason = reason.strip()
    if not reason:
        raise LinkageRefused(_NO_REASON, code="no_reason")
    with transaction.atomic():
        link = RecordLink.objects.select_for_update().get(pk=link.pk)
        if link.person_id is None:
            raise LinkageRefused(_NOT_LINKED, code="not_linked")
        if not Person.objects.filter(area_filter(officer_area(by), path=Person.scope_path),
                                     pk=link.person_id).exists():
            raise PermissionDenied("person outside the officer's area")
        if not _has_other_evidence(link=link):
            raise LinkageRefused(_ONLY_EVIDENCE, code="only_evidence")
        changes = _Changes()
        before = {"previous_person_id": link.person_id,
                  "previous_household_id": link.household_id,
                  "previous_method": link.method,
                  "previous_match_probability": link.match_probability}
        person = _person_from_row(row=StagedRow.objects.get(pk=link.staged_row_id),
                                  changes=changes)
        link.person, link.household_id = person, person.household_id
        link.method, link.match_probability = RecordLink.Method.SPLIT, None
        link.save(update_fields=["person", "household", "method", "match_probability"])
        audit_record(actor=by.username, action="linkage.record_link_split",
                     target_type="RecordLink", target_id=link.pk,
                     data={"staged_row_id": link.staged_row_id, **before,
                           "person_id": person.pk, "household_id": person.household_id,
                           "reason": reason, **changes.data()})
    return person


# --- placing rows ------------------------------------------------------------------------------

def _link_of(row_id: int, run_id: int) -> RecordLink:
    """The row's link, locked; a row the run left without one gets it now (waiting)."""
    link = RecordLink.objects.select_for_update().filter(staged_row_id=row_id).first()
    if link is None:
        link = RecordLink.objects.create(staged_row_id=row_id, run_id=run_id,
                                         method=RecordLink.Method.REVIEW)
    return link


def _decide_same(*, review: DuplicateReview, changes: _Changes) -> None:
    row_link = _link_of(review.staged_row_id, review.run_id)
    p = review.match_probability
    if review.person_id is not None:
        _place(link=row_link, target=Person.objects.get(pk=review.person_id), probability=p,
               changes=changes)
        return
    other_link = _link_of(review.other_row_id, review.run_id)
    if row_link.person_id is None and other_link.person_id is None:
        person = _person_from_row(row=StagedRow.objects.get(pk=review.staged_row_id),
                                  changes=changes)
        _place(link=row_link, target=person, probability=p, changes=changes)
        _place(link=other_link, target=person, probability=p, changes=changes)
    elif other_link.person_id is None:
        _place(link=other_link, target=row_link.person, probability=p, changes=changes)
    else:
        _place(link=row_link, target=other_link.person, probability=p, changes=changes)


def _decide_different(*, review: DuplicateReview, changes: _Changes) -> None:
    for row_id in (review.staged_row_id, review.other_row_id):
        if row_id is None:
            continue
        link = _link_of(row_id, review.run_id)
        waiting = DuplicateReview.objects.filter(
            Q(staged_row_id=row_id) | Q(other_row_id=row_id),
            status=DuplicateReview.Status.OPEN).exists()
        if link.person_id is None and not waiting:
            person = _person_from_row(row=StagedRow.objects.get(pk=row_id), changes=changes)
            _set(link=link, target=person, probability=None, changes=changes)


def _place(*, link: RecordLink, target: Person, probability: float | None,
           changes: _Changes) -> None:
    previous = link.person
    if previous is None or previous.pk == target.pk:
        _set(link=link, target=target, probability=probability, changes=changes)
        return
    if not person_made_by_linkage(person=previous):
        _set(link=link, target=target, probability=probability, changes=changes)
        return
    group = RecordLink.objects.select_for_update().filter(person=previous).order_by("pk")
    for member in group:
        _set(link=member, target=target,
             probability=probability if member.pk == link.pk else member.match_probability,
             changes=changes)
    _person_remove(person=previous, into=target, changes=changes)


def _set(*, link: RecordLink, target: Person, probability: float | None,
         changes: _Changes) -> None:
    changes.placed.append({"staged_row_id": link.staged_row_id,
                           "previous_person_id": link.person_id,
                           "previous_household_id": link.household_id,
                           "previous_method": link.method,
                           "person_id": target.pk, "household_id": target.household_id})
    link.person, link.household_id = target, target.household_id
    link.method, link.match_probability = RecordLink.Method.REVIEWED, probability
    link.save(update_fields=["person", "household", "method", "match_probability"])


def _has_other_evidence(*, link: RecordLink) -> bool:
    others = RecordLink.objects.filter(person_id=link.person_id).exclude(pk=link.pk).exists()
    return others or not person_made_by_linkage(person=Person.objects.get(pk=link.person_id))


def _person_remove(*, person: Person, into: Person, changes: _Changes) -> None:
    """Remove a linkage-made person left without rows; what refers to it moves to `into`.
    Anything else still protecting it (a later enrolment, say) keeps it."""
    AccessLog.objects.filter(person=person).update(person=into)
    SourceValue.objects.filter(person=person).update(person=into)
    DuplicateReview.objects.filter(person=person).update(person=into)
    person_id, household_id = person.pk, person.household_id
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError:
        return
    changes.persons_removed.append(person_id)
    household = Household.objects.filter(pk=household_id).first() if household_id else None
    if household is None or _household_in_use(household=household):
        return
    try:
        with transaction.atomic():
            household.delete()
    except ProtectedError:
        return
    changes.households_removed.append(household_id)


def _household_in_use(*, household: Household) -> bool:
    return (household.members.exists() or household.memberships.exists()
            or household.record_links.exists() or household.profiles.exists()
            or household.source_values.exists())


# --- new persons from rows ---------------------------------------------------------------------

def _row_blobs(row_id: int) -> dict:
    """The row's identifiers as stored (ciphertext and blind index), never decrypted: the
    person gets the same bytes (same purpose, same key)."""
    def raw(name: str) -> ExpressionWrapper:
        return ExpressionWrapper(F(name), output_field=BinaryField())

    values = StagedRow.objects.filter(pk=row_id).values(
        "nik_index", "kk_index", "phone_index",
        nik_blob=raw("nik"), kk_blob=raw("kk"), phone_blob=raw("phone")).get()
    for key in ("nik_blob", "kk_blob", "phone_blob"):
        if values[key] is not None:
            values[key] = bytes(values[key])
    return values


def _family_household(*, row: StagedRow, blobs: dict, changes: _Changes) -> Household | None:
    kk_index = blobs["kk_index"]
    if kk_index:
        household_id = (RecordLink.objects
                        .filter(staged_row__list_import_id=row.list_import_id,
                                staged_row__kk_index=kk_index, household__isnull=False)
                        .exclude(staged_row_id=row.pk).order_by("staged_row_id")
                        .values_list("household_id", flat=True).first())
        if household_id is None:
            household_id = (Household.objects
                            .filter(kk_index=kk_index, status=Household.Status.ACTIVE)
                            .order_by("pk").values_list("pk", flat=True).first())
        if household_id is not None:
            return Household.objects.get(pk=household_id)
    if not row.village_id:
        return None  # no place to put a household: the person waits without one
    household = Household(village_id=row.village_id, rw=row.rw, rt=row.rt,
                          address=row.address[:200], kk=blobs["kk_blob"], kk_index=kk_index)
    household.save()
    changes.households_created.append(household.pk)
    return household


def _person_from_row(*, row: StagedRow, changes: _Changes) -> Person:
    """A new registry person made from the values the row sent, in its family's household."""
    blobs = _row_blobs(row.pk)
    household = _family_household(row=row, blobs=blobs, changes=changes)
    person = Person(full_name=row.full_name, birth_place=row.birth_place,
                    birth_date=row.birth_date, sex=row.sex, household=household,
                    relationship=row.relationship,
                    nik=blobs["nik_blob"], nik_index=blobs["nik_index"],
                    phone=blobs["phone_blob"], phone_index=blobs["phone_index"])
    person.save()
    person.refresh_from_db(fields=["nik", "phone"])  # plaintext in memory, as when read
    if household is not None:
        Membership.objects.create(person=person, household=household,
                                  relationship=row.relationship or "other")
        if household.pk in changes.households_created and row.relationship == "head":
            household.head = person
            household.save(update_fields=["head"])
    changes.persons_created.append(person.pk)
    return person
