"""Each kind of case walked to its end through the engine, with the registry change it makes,
the citizen's notifications, deadlines, escalation and who may act."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bansos.audit.models import AuditEvent
from bansos.cases.engine import CaseError, actions_for, case_act, case_cancel, cases_tick
from bansos.cases.models import Case, CaseDocument
from bansos.cases.services import (
    Upload,
    complaint_submit,
    proposal_submit,
    rebuttal_submit,
    withdrawal_submit,
)
from bansos.cases.uploads import document_store
from bansos.core.protected import blind_index
from bansos.notify.models import Message
from bansos.programs.models import Enrollment
from bansos.registry.models import Person, SourceValue
from bansos.targeting.models import HouseholdFlag, PmtVersion, ScoringRun, WelfareScore
from tests.cases.conftest import NEW_KK, NEW_NIK, pdf, photo
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


def _propose(user, *, nik=NEW_NIK, name="RATNA SARI", uploads=None):
    citizen = user.citizen
    return proposal_submit(
        by=user, citizen=citizen, village=citizen.person.household.village, nik=nik, kk=NEW_KK, name=name,
        relation="other", program_id="SEMBAKO", rw="001", rt="002", details="janda, tinggal sendiri",
        uploads=uploads if uploads is not None else [Upload("ktp", photo()), Upload("kk", photo("kk.png"))])


def _updates(household_id: int) -> list[Message]:
    return list(Message.objects.filter(kind="case_update", household_id=household_id).order_by("id"))


def test_proposal_walks_to_the_registry(citizen, officer, programs):
    user = citizen("SUTRISNO")
    operator = officer("village_operator", VILLAGE_A)
    regency = officer("regency", "35.10")
    case = _propose(user)
    assert (case.state, case.assigned_role) == ("submitted", "village_operator")
    assert case.data["checks"] == {"registry": "absent", "dukcapil": "absent"}
    ktp = case.documents.get(kind="ktp")
    assert ktp.content_type == "image/jpeg"  # re-encoded, whatever came in

    case = case_act(case=case, action="accept", by=operator)
    case = case_act(case=case, action="verified", by=operator, note="rumah semi permanen, janda")
    with pytest.raises(CaseError, match="minutes"):
        case_act(case=case, action="forward", by=operator)
    document_store(case=case, kind="minutes", upload=pdf(), by=operator.username)
    case = case_act(case=case, action="forward", by=operator)
    assert case.assigned_role == "regency"
    with pytest.raises(PermissionDenied):  # the village no longer holds the step
        case_act(case=case, action="verified", by=operator)
    case = case_act(case=case, action="verified", by=regency)
    case = case_act(case=case, action="approve", by=regency)

    assert (case.state, case.outcome) == ("included", "included") and case.closed_at is not None
    person = Person.objects.get(nik_index=blind_index(NEW_NIK, purpose="nik"))
    assert (person.full_name, person.birth_date, person.sex) == ("RATNA SARI", date(1988, 3, 12), "P")
    assert person.household.village_id == VILLAGE_A and person.household.head_id == person.pk
    assert case.person_id == person.pk
    assert SourceValue.objects.filter(person=person, source="USUL", reference=case.ref).count() == 2
    # The filer heard of every step, inbox and SMS, once each.
    steps = _updates(user.citizen.person.household_id)
    assert len([m for m in steps if m.channel == "inbox"]) == 6
    assert len([m for m in steps if m.channel == "sms"]) == 6
    assert steps[-1].params["step"] == "disetujui dan masuk DTSEN periode berikutnya"
    assert AuditEvent.objects.filter(action="case.approve", target_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(action="registry.person_create", target_id=str(person.pk)).exists()


def test_proposal_refusals(citizen, programs, small_registry):
    user = citizen("SUTRISNO")
    with pytest.raises(CaseError, match="NIK"):
        _propose(user, nik="1234")
    with pytest.raises(CaseError, match="KTP"):
        _propose(user, uploads=[Upload("kk", photo())])
    _propose(user)
    with pytest.raises(CaseError, match="already being processed"):
        _propose(user)
    # A registered family ranked above desil 5 cannot be proposed.
    siti = small_registry["SITI AMINAH"]
    pmt = PmtVersion.objects.create(version="t1", body="", sha256="0" * 64, fitted_on=date(2026, 1, 1))
    run = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE)
    WelfareScore.objects.create(run=run, household=siti.household, persons=1, decile=7, decile_regional=7,
                                criteria_met=0, criteria_decile=7)
    with pytest.raises(CaseError, match="decile 7"):
        _propose(user, nik=siti.nik, name="SITI AMINAH")
    with pytest.raises(CaseError, match="name does not match"):
        WelfareScore.objects.filter(household=siti.household).update(decile=3)
        _propose(user, nik=siti.nik, name="BUDI HARTONO")
    case = _propose(user, nik=siti.nik, name="siti  aminah")
    assert case.person_id == siti.pk and case.data["checks"]["decile"] == 3


def test_rebuttal_only_in_own_village_and_hidden_from_the_rebutted(citizen, officer, enrolled, small_registry):
    user = citizen("SUTRISNO")
    siti, slamet = small_registry["SITI AMINAH"], small_registry["SLAMET"]
    enrolled(siti.household)
    enrolled(slamet.household)
    args = {"by": user, "citizen": user.citizen, "reason": "civil_servant", "details": "suaminya guru PNS di SD 3"}
    with pytest.raises(PermissionDenied):
        rebuttal_submit(household_id=slamet.household_id, **args)  # another village
    with pytest.raises(CaseError, match="own family"):
        enrolled(small_registry["SUTRISNO"].household)
        rebuttal_submit(household_id=small_registry["SUTRISNO"].household_id, **args)
    with pytest.raises(CaseError, match="outside Indonesia"):
        rebuttal_submit(household_id=siti.household_id, latitude=48.8, longitude=2.3, **args)
    case = rebuttal_submit(household_id=siti.household_id, latitude=-8.37, longitude=114.2,
                           uploads=[Upload("house", photo("rumah.png"))], **args)
    assert (case.state, case.assigned_role, case.data["gps"]) == ("village_verification", "village_operator",
                                                                   [-8.37, 114.2])
    operator, regency = officer("village_operator", VILLAGE_A), officer("regency", "35.10")
    case = case_act(case=case, action="confirmed", by=operator, note="benar, SK PNS dilihat")
    case = case_act(case=case, action="uphold", by=regency, note="dikeluarkan")
    flag = HouseholdFlag.objects.get(household=siti.household)
    assert flag.kind == "ineligible_field_check" and case.ref in flag.note and flag.lifted_at is None
    # The rebutted family got no message naming anyone: the case is not theirs.
    assert not Message.objects.filter(household_id=siti.household_id).exists()
    assert not actions_for(case=case, user=user)


def test_unverified_rebuttal_lapses_after_14_days(citizen, enrolled, small_registry):
    user = citizen("SUTRISNO")
    enrolled(small_registry["SITI AMINAH"].household)
    case = rebuttal_submit(by=user, citizen=user.citizen, household_id=small_registry["SITI AMINAH"].household_id,
                           reason="well_off", details="punya mobil dan toko besar")
    assert cases_tick(now=timezone.now() + timedelta(days=13))["lapsed"] == 0
    counts = cases_tick(now=timezone.now() + timedelta(days=15))
    case.refresh_from_db()
    assert counts["lapsed"] == 1 and (case.state, case.outcome) == ("lapsed", "lapsed")
    assert _updates(user.citizen.person.household_id)[-1].params["step"] == "kedaluwarsa karena tidak diverifikasi"
    assert cases_tick(now=timezone.now() + timedelta(days=16))["lapsed"] == 0  # once


def test_complaint_answer_reopen_and_silence_closes(citizen, officer, programs):
    user = citizen("SUTRISNO")
    case = complaint_submit(by=user, citizen=user.citizen, category="wrong_amount",
                            details="tahap ini hanya terima Rp500.000", program_id="PKH")
    assert case.assigned_role == "regency"  # money matters go to the social office
    regency = officer("regency", "35.10")
    case = case_act(case=case, action="take", by=regency)
    with pytest.raises(CaseError, match="note is required"):
        case_act(case=case, action="answer", by=regency)
    case = case_act(case=case, action="answer", by=regency, note="komponen SD berakhir karena anak lulus")
    assert case.assigned_role == "citizen" and [a.code for a in actions_for(case=case, user=user)] == ["accept", "reopen"]
    assert actions_for(case=case, user=regency) == []
    case = case_act(case=case, action="reopen", by=user, note="anak masih SD kelas 6")
    case = case_act(case=case, action="answer", by=regency, note="diperbaiki pada tahap berikutnya")
    assert cases_tick(now=timezone.now() + timedelta(days=8))["closed"] == 1
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("closed", "resolved")


def test_call_centre_complaint_answers_the_callers_phone(officer, small_registry, programs):
    from bansos.areas.models import Area

    operator = officer("regency", "35.10")
    case = complaint_submit(by=operator, category="illegal_levy", details="ketua kelompok minta Rp50.000",
                            village=Area.objects.get(code=VILLAGE_A), channel="call_centre",
                            filer_name="Ibu Warsini", contact_phone="081234567890")
    sms = Message.objects.get(kind="case_update", channel="sms", key__startswith=f"case:{case.pk}:")
    assert sms.household_id is None and sms.phone == "081234567890"
    assert not Message.objects.filter(kind="case_update", channel="inbox").exists()
    with pytest.raises(PermissionDenied):
        complaint_submit(by=officer("bank", "35.10"), category="not_paid", details="belum cair sama sekali",
                         village=Area.objects.get(code=VILLAGE_A), channel="sms", contact_phone="0812")


def test_late_steps_are_reminded_then_escalated(citizen, officer, programs):
    user = citizen("SUTRISNO")
    operator, district = officer("village_operator", VILLAGE_A), officer("district", "35.10.09")
    officer("district", "35.10.16")  # another district's officer hears nothing
    case = _propose(user)
    assert cases_tick(now=timezone.now() + timedelta(days=6))["reminded"] == 1
    assert Message.objects.filter(kind="case_reminder", user=operator, channel="inbox").count() == 1
    assert cases_tick(now=timezone.now() + timedelta(days=6))["reminded"] == 0
    counts = cases_tick(now=timezone.now() + timedelta(days=8))
    case.refresh_from_db()
    assert counts["escalated"] == 1 and (case.assigned_role, case.escalation) == ("district", 1)
    notices = Message.objects.filter(kind="case_escalated", channel="inbox")
    assert [m.user_id for m in notices] == [district.pk]
    # Both the district (now holding it) and the village (whose step it is) may act.
    assert [a.code for a in actions_for(case=case, user=district)] == ["accept", "reject"]
    assert [a.code for a in actions_for(case=case, user=operator)] == ["accept", "reject"]


def test_who_may_act(citizen, officer, programs):
    user = citizen("SUTRISNO")
    case = _propose(user)
    assert actions_for(case=case, user=officer("village_operator", "35.10.09.2002")) == []  # other village
    assert actions_for(case=case, user=officer("bank", "35.10")) == []
    assert actions_for(case=case, user=user) == []  # the filer does not verify their own case
    with pytest.raises(PermissionDenied):
        case_act(case=case, action="accept", by=officer("district", "35.10.16"))
    case = case_cancel(case=case, by=user, note="salah isi")
    assert (case.state, case.outcome) == ("withdrawn", "withdrawn")


def test_withdrawal_ends_the_enrolment(citizen, officer, enrolled, small_registry):
    user = citizen("SUTRISNO")
    household = small_registry["SUTRISNO"].household
    enrolled(household, "PKH")
    enrolled(household, "SEMBAKO")
    with pytest.raises(CaseError, match="does not receive"):
        withdrawal_submit(by=user, citizen=user.citizen, program_id="BLT")
    case = withdrawal_submit(by=user, citizen=user.citizen, program_id="PKH", details="anak sudah bekerja")
    case = case_act(case=case, action="verified", by=officer("village_operator", VILLAGE_A), note="benar")
    case = case_act(case=case, action="confirm", by=officer("regency", "35.10"))
    statuses = dict(Enrollment.objects.filter(household=household).values_list("program_id", "status"))
    assert statuses == {"PKH": "ended", "SEMBAKO": "active"}
    assert HouseholdFlag.objects.get(household=household).kind == "withdrawn"


def test_a_double_submit_is_refused(citizen, officer, programs):
    user = citizen("SUTRISNO")
    operator = officer("village_operator", VILLAGE_A)
    case = _propose(user)
    stale = Case.objects.get(pk=case.pk)
    case_act(case=case, action="accept", by=operator)
    with pytest.raises(CaseError, match="changed meanwhile"):
        case_act(case=stale, action="accept", by=operator)
    assert CaseDocument.objects.filter(case=case).count() == 2
