"""Officer decisions on linkage: deciding duplicate reviews and splitting wrong merges."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from bansos.audit.models import AuditEvent
from bansos.core import protected
from bansos.linkage.models import DuplicateReview, RecordLink
from bansos.linkage.queries import reviews_visible
from bansos.linkage.review import LinkageRefused, duplicate_review_decide, record_link_split
from bansos.registry.models import Household, Membership, Person
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.linkage import review_data as data


@pytest.fixture
def operator(officer, small_registry):
    return officer("village_operator", VILLAGE_A)


@pytest.fixture
def run(db):
    return data.link_run()


@pytest.fixture
def imp(db):
    return data.list_import()


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# --- same ------------------------------------------------------------------------------------

def test_same_as_a_registry_person_places_the_row_in_that_person(operator, small_registry,
                                                                  run, imp):
    sutrisno = small_registry["SUTRISNO"]
    row = data.staged_row(imp)
    waiting = data.link(row, run)
    review = data.review(row, run, person=sutrisno, probability=0.95)

    result = duplicate_review_decide(review=review, same=True, by=operator, note="sama, dicek")

    waiting.refresh_from_db()
    assert (waiting.person, waiting.household_id) == (sutrisno, sutrisno.household_id)
    assert waiting.method == RecordLink.Method.REVIEWED and waiting.match_probability == 0.95
    assert result.status == DuplicateReview.Status.SAME
    assert result.decided_by == operator and result.decided_at and result.note == "sama, dicek"
    event = _event("linkage.review_decide")
    assert event.actor == operator.username and event.target_id == str(review.pk)
    assert event.data["decision"] == "same"
    assert event.data["placed"] == [{"staged_row_id": row.pk, "previous_person_id": None,
                                     "previous_household_id": None, "previous_method": "review",
                                     "person_id": sutrisno.pk,
                                     "household_id": sutrisno.household_id}]
    assert Person.objects.count() == 4  # nobody new


def test_same_as_an_unplaced_row_makes_both_one_new_person(operator, small_registry, run, imp):
    row = data.staged_row(imp, name="BUDI SANTOSO", nik="3510090505900001")
    other = data.staged_row(data.list_import("BPNT"), name="BUDI SANTOSA",
                            nik="3510090505900001", kk="3510091203158888")
    link_row, link_other = data.link(row, run), data.link(other, run)
    review = data.review(row, run, other=other)

    duplicate_review_decide(review=review, same=True, by=operator)

    link_row.refresh_from_db()
    link_other.refresh_from_db()
    assert link_row.person_id is not None and link_row.person_id == link_other.person_id
    person = link_row.person
    assert person.full_name == "BUDI SANTOSO" and person.nik == "3510090505900001"
    assert person.household.kk == "3510091203159999"  # the row's family card
    assert _event("linkage.review_decide").data["persons_created"] == [person.pk]


def test_same_joins_the_other_rows_person_and_brings_its_new_group(operator, small_registry,
                                                                    run, imp):
    # Two persons the run made from list rows; the review says they are one.
    first = data.staged_row(imp, name="SRI WAHYUNI", nik="3510095003920001", sex="P",
                            kk="3510091203157777")
    mate = data.staged_row(data.list_import("BPNT"), name="SRI WAHYUNI",
                           nik="3510095003920001", sex="P", kk="3510091203157777")
    other = data.staged_row(data.list_import("BLT"), name="SRI WAHYUNINGSIH",
                            nik="3510095003920002", sex="P", kk="3510091203156666")
    made = Household.objects.create(kk="3510091203157777", village_id=VILLAGE_A, rw="001",
                                    rt="002")
    duplicate = Person.objects.create(full_name="SRI WAHYUNI", sex="P", household=made)
    Membership.objects.create(person=duplicate, household=made, relationship="head")
    kept_home = Household.objects.create(kk="3510091203156666", village_id=VILLAGE_A, rw="001",
                                         rt="002")
    kept = Person.objects.create(full_name="SRI WAHYUNINGSIH", sex="P", household=kept_home)
    links = [data.link(first, run, duplicate, "new"), data.link(mate, run, duplicate, "model", 1.0),
             data.link(other, run, kept, "new")]
    review = data.review(first, run, other=other)

    duplicate_review_decide(review=review, same=True, by=operator)

    for item in links:
        item.refresh_from_db()
        assert (item.person_id, item.household_id) == (kept.pk, kept_home.pk)
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert not Household.objects.filter(pk=made.pk).exists()
    data_ = _event("linkage.review_decide").data
    assert data_["persons_removed"] == [duplicate.pk]
    assert data_["households_removed"] == [made.pk]
    assert {p["staged_row_id"] for p in data_["placed"]} == {first.pk, mate.pk}


def test_same_never_removes_a_registry_person_older_than_linkage(operator, small_registry,
                                                                 run, imp):
    sutrisno, slamet = small_registry["SUTRISNO"], small_registry["SLAMET"]
    row, other = data.staged_row(imp), data.staged_row(data.list_import("BPNT"))
    data.link(row, run, sutrisno)
    link_other = data.link(other, run, slamet)
    # Rows placed on two registry persons; the review says row is slamet's.
    review = data.review(row, run, other=other)
    duplicate_review_decide(review=review, same=True, by=operator)
    assert RecordLink.objects.get(staged_row=row).person == slamet
    assert Person.objects.filter(pk=sutrisno.pk).exists()
    link_other.refresh_from_db()
    assert link_other.person == slamet


# --- different -------------------------------------------------------------------------------

def test_different_makes_a_new_person_and_household_from_the_row(operator, small_registry,
                                                                 run, imp):
    sutrisno = small_registry["SUTRISNO"]
    row = data.staged_row(imp, phone="081234567890")
    waiting = data.link(row, run)
    review = data.review(row, run, person=sutrisno)

    duplicate_review_decide(review=review, same=False, by=operator)

    waiting.refresh_from_db()
    person = waiting.person
    assert person is not None and person != sutrisno
    assert waiting.method == RecordLink.Method.REVIEWED
    assert (person.full_name, person.birth_date, person.sex) == ("SUTRISNO", row.birth_date, "L")
    assert person.nik == "3510090101800009" and person.phone == "081234567890"
    assert person.nik_index == protected.blind_index("3510090101800009", purpose="nik")
    household = person.household
    assert waiting.household == household and household.head == person
    assert household.kk == "3510091203159999"
    assert household.kk_index == protected.blind_index("3510091203159999", purpose="kk")
    assert (household.village_id, household.rw, household.rt) == (VILLAGE_A, "001", "002")
    assert household.district_code == "35.10.09"
    assert Membership.objects.get(person=person).household == household
    assert DuplicateReview.objects.get(pk=review.pk).status == DuplicateReview.Status.DIFFERENT
    event = _event("linkage.review_decide")
    assert event.data["persons_created"] == [person.pk]
    assert event.data["households_created"] == [household.pk]
    assert "3510090101800009" not in str(event.data)


def test_different_reuses_the_household_of_the_rows_family(operator, small_registry, run, imp):
    sutrisno = small_registry["SUTRISNO"]
    head = data.staged_row(imp, name="WARSITO", nik="3510090303700001")
    family = Household.objects.create(kk="3510091203159999", village_id=VILLAGE_A, rw="001",
                                      rt="002")
    warsito = Person.objects.create(full_name="WARSITO", sex="L", household=family)
    data.link(head, run, warsito, "new")
    child = data.staged_row(imp, relationship="child")  # same import, same KK
    waiting = data.link(child, run)
    review = data.review(child, run, person=sutrisno)

    duplicate_review_decide(review=review, same=False, by=operator)

    waiting.refresh_from_db()
    assert waiting.person.household == family and waiting.household == family
    assert Membership.objects.get(person=waiting.person).relationship == "child"
    assert Household.objects.count() == 5  # four in the registry fixture, plus the family
    family.refresh_from_db()
    assert family.head is None  # a child does not become the head


def test_different_waits_while_the_row_has_another_open_review(operator, small_registry, run,
                                                               imp):
    row = data.staged_row(imp)
    waiting = data.link(row, run)
    first = data.review(row, run, person=small_registry["SUTRISNO"])
    second = data.review(row, run, person=small_registry["SITI AMINAH"], probability=0.85)

    duplicate_review_decide(review=first, same=False, by=operator)
    waiting.refresh_from_db()
    assert waiting.person is None and Person.objects.count() == 4

    duplicate_review_decide(review=second, same=False, by=operator)
    waiting.refresh_from_db()
    assert waiting.person is not None and Person.objects.count() == 5


# --- refusals --------------------------------------------------------------------------------

def test_a_decided_review_is_refused_with_a_clear_message(operator, small_registry, run, imp):
    row = data.staged_row(imp)
    data.link(row, run)
    review = data.review(row, run, person=small_registry["SUTRISNO"])
    duplicate_review_decide(review=review, same=False, by=operator)
    persons, events = Person.objects.count(), AuditEvent.objects.count()

    for same in (False, True):  # a double submit, or a second officer with the other answer
        with pytest.raises(LinkageRefused) as refused:
            duplicate_review_decide(review=review, same=same, by=operator)
        assert refused.value.code == "closed"
    assert "sudah diputuskan" in str(refused.value)
    with translation.override("en"):
        assert "already been decided" in str(refused.value)
    review.refresh_from_db()
    assert review.status == DuplicateReview.Status.DIFFERENT
    assert (Person.objects.count(), AuditEvent.objects.count()) == (persons, events)


def test_only_deciding_roles_inside_their_area_may_decide(officer, small_registry, run, imp):
    row = data.staged_row(imp)
    data.link(row, run)
    review = data.review(row, run, person=small_registry["SUTRISNO"])
    for role, area in (("auditor", "35.10"), ("bank", VILLAGE_A),
                       ("village_operator", VILLAGE_B), ("district", "35.10.16")):
        with pytest.raises(PermissionDenied):
            duplicate_review_decide(review=review, same=True, by=officer(role, area))
    review.refresh_from_db()
    assert review.status == DuplicateReview.Status.OPEN
    duplicate_review_decide(review=review, same=True, by=officer("regency", "35.10"))


def test_the_queue_is_scoped_to_the_rows_area_down_to_the_village(officer, small_registry,
                                                                   run, imp):
    in_a = data.review(data.staged_row(imp), run, person=small_registry["SUTRISNO"],
                       probability=0.9)
    in_b = data.review(data.staged_row(imp, village=VILLAGE_B), run,
                       person=small_registry["SLAMET"], probability=0.97)

    def seen(role, area):
        return list(reviews_visible(user=officer(role, area)))

    assert seen("village_operator", VILLAGE_A) == [in_a]
    assert seen("village_operator", VILLAGE_B) == [in_b]
    assert seen("village_operator", "35.10.16.1001") == []
    assert seen("district", "35.10.09") == [in_b, in_a]  # highest probability first
    assert seen("ministry", "ID") == [in_b, in_a]
    assert seen("bank", "35.10") == []


# --- split -----------------------------------------------------------------------------------

def test_split_detaches_the_row_into_a_new_person_and_is_audited(operator, small_registry,
                                                                 run, imp):
    sutrisno = small_registry["SUTRISNO"]
    row = data.staged_row(imp, name="SUTRISNO BIN KARTO", born=None)
    wrong = data.link(row, run, sutrisno, "model", 0.995)

    person = record_link_split(link=wrong, by=operator, reason="beda orang, tanggal lahir lain")

    wrong.refresh_from_db()
    assert wrong.person == person and person != sutrisno
    assert wrong.method == RecordLink.Method.SPLIT and wrong.match_probability is None
    assert person.full_name == "SUTRISNO BIN KARTO" and person.nik == "3510090101800009"
    assert wrong.household == person.household and person.household != sutrisno.household
    event = _event("linkage.record_link_split")
    assert event.target_id == str(wrong.pk) and event.actor == operator.username
    assert event.data["previous_person_id"] == sutrisno.pk
    assert event.data["previous_household_id"] == sutrisno.household_id
    assert event.data["previous_method"] == "model"
    assert event.data["person_id"] == person.pk
    assert event.data["reason"] == "beda orang, tanggal lahir lain"
    assert Person.objects.filter(pk=sutrisno.pk).exists()


def test_split_of_a_row_that_is_its_persons_only_evidence_is_refused(operator, small_registry,
                                                                     run, imp):
    row = data.staged_row(imp)
    waiting = data.link(row, run)
    review = data.review(row, run, person=small_registry["SUTRISNO"])
    duplicate_review_decide(review=review, same=False, by=operator)  # a new person, this row
    waiting.refresh_from_db()
    persons = Person.objects.count()

    with pytest.raises(LinkageRefused) as refused:
        record_link_split(link=waiting, by=operator, reason="coba")
    assert refused.value.code == "only_evidence"
    assert "satu-satunya bukti" in str(refused.value)
    with translation.override("en"):
        assert "only evidence" in str(refused.value)
    assert Person.objects.count() == persons

    # With a second row, either can leave.
    mate = data.staged_row(data.list_import("BPNT"))
    data.link(mate, run, waiting.person, "model", 0.999)
    assert record_link_split(link=waiting, by=operator, reason="dua orang").pk != waiting.person_id


def test_split_needs_a_reason_a_deciding_role_and_a_linked_row(operator, officer,
                                                               small_registry, run, imp):
    linked = data.link(data.staged_row(imp), run, small_registry["SUTRISNO"])
    with pytest.raises(LinkageRefused) as refused:
        record_link_split(link=linked, by=operator, reason="  ")
    assert refused.value.code == "no_reason"
    with pytest.raises(PermissionDenied):
        record_link_split(link=linked, by=officer("auditor", "35.10"), reason="x")
    with pytest.raises(PermissionDenied):
        record_link_split(link=linked, by=officer("village_operator", VILLAGE_B), reason="x")
    waiting = data.link(data.staged_row(imp), run)
    with pytest.raises(LinkageRefused) as refused:
        record_link_split(link=waiting, by=operator, reason="x")
    assert refused.value.code == "not_linked"
