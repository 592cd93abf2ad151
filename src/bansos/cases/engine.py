"""The case engine: the only writer of case states. Opening a case, acting on it, the deadline
clock (reminders, escalation, lapse) — each in one transaction with its timeline event, its
audit event and the citizen's notification, so none happens without the others."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from bansos.areas.models import Area, Officer, Role
from bansos.areas.scope import area_filter, scope_codes
from bansos.audit.services import audit_record
from bansos.cases import effects
from bansos.cases.models import Case, CaseEvent, Kind
from bansos.cases.workflows import (
    CITIZEN,
    CITIZEN_KINDS,
    CLOSE,
    ESCALATE,
    ESCALATION,
    LAPSE,
    Action,
    Step,
    routed_role,
    workflow,
)
from bansos.notify.outbox import citizen_notify, notice_enqueue

REMIND_BEFORE = timedelta(days=2)
SYSTEM = "system:cases"


class CaseError(ValueError):
    """An action that cannot be done now; the message is bilingual and names what is wrong."""


def step_of(case: Case) -> Step:
    return workflow(case.kind).step(case.state)


def _officer(user) -> Officer | None:
    return getattr(user, "officer", None) if user is not None and user.is_authenticated else None


def _role(user) -> str:
    officer = _officer(user)
    return officer.role if officer else ""


def officer_sees(*, case: Case, user) -> bool:
    """An officer sees a case of their area (banks see none: cases are not theirs)."""
    officer = _officer(user)
    if officer is None or officer.role == Role.BANK:
        return False
    return Case.objects.filter(area_filter(officer.area), pk=case.pk).exists()


def _is_filer(*, case: Case, user) -> bool:
    return user is not None and user.is_authenticated and case.filed_by_id == user.pk and not _role(user)


def actions_for(*, case: Case, user, in_area: bool = False) -> list[Action]:
    """What `user` may do to `case` now: officers act on steps held by their role (or, once
    escalated, by the role it climbed to) in their area; the filer acts on citizen steps.
    `in_area`: the caller read the case through the officer's scope already (a queue page), so
    the area need not be checked again case by case."""
    if not case.is_open:
        return []
    step = step_of(case)
    role = _role(user)
    if role:
        if role == Role.BANK or not (in_area or officer_sees(case=case, user=user)):
            return []
        holders = {case.assigned_role, routed_role(kind=case.kind, category=case.category, step=step)}
        holders.discard(CITIZEN)
        return [a for a in step.actions
                if (a.roles and role in a.roles) or (not a.roles and (role in holders or role == Role.MINISTRY))]
    if _is_filer(case=case, user=user):
        return [a for a in step.actions if CITIZEN in a.roles]
    return []


def _label(value) -> str:
    with translation.override("id"):
        return str(value)


def _tell_filer(case: Case, event: CaseEvent) -> None:
    """The citizen who filed the case hears of each step (SMS and inbox), once per event."""
    if not (case.filer_household_id or case.filer_person_id or case.contact_phone):
        return
    step = step_of(case)
    citizen_notify(kind="case_update", key=f"case:{case.pk}:event:{event.pk}",
                   params={"what": _label(Kind(case.kind).label), "ref": case.ref, "step": _label(step.public)},
                   household_id=case.filer_household_id, person_id=case.filer_person_id,
                   phone=case.contact_phone or "")


def step_enter(case: Case, state: str, *, now: datetime) -> None:
    step = workflow(case.kind).step(state)
    case.state = state
    case.escalation = 0
    case.reminded_at = None
    case.assigned_role = routed_role(kind=case.kind, category=case.category, step=step) if not step.final else ""
    case.due_at = now + timedelta(days=step.days) if step.days else None
    if step.final:
        case.closed_at = now


def event_add(case: Case, *, by, action: str, from_state: str, note: str = "", public: bool = True) -> CaseEvent:
    officer = _officer(by)
    return CaseEvent.objects.create(
        case=case, actor=by.username if by is not None else SYSTEM, action=action,
        actor_role=officer.role if officer else ("" if by is None else CITIZEN),
        actor_office=officer.office_name if officer else "",
        from_state=from_state, to_state=case.state, note=note, public=public)


def case_open(*, kind: str, village: Area, by=None, category: str = "", channel: str = "web",
              program_id: str | None = None, household_id: int | None = None, person_id: int | None = None,
              rw: str = "", rt: str = "", details: str = "", data: dict | None = None,
              filer_person_id: int | None = None, filer_household_id: int | None = None,
              filer_name: str = "", contact_phone: str = "", subject_name: str = "",
              subject_nik: str = "", subject_kk: str = "", ref_type: str = "",
              ref_id: int | None = None, due_at: datetime | None = None) -> Case:
    """Open a case at its workflow's first step, routed to the role that holds it, with the
    deadline running; the filer is told it was received. Callers check the kind's own rules
    first (`services`)."""
    if village.level != Area.Level.VILLAGE:
        raise CaseError("kasus harus terikat pada desa/kelurahan / a case belongs to a village")
    now = timezone.now()
    province, regency, district = scope_codes(village.code)
    with transaction.atomic():
        case = Case(kind=kind, channel=channel, category=category, program_id=program_id,
                    village=village, province_code=province, regency_code=regency, district_code=district,
                    rw=rw, rt=rt, household_id=household_id, person_id=person_id, details=details.strip(),
                    data=data or {}, filed_by=by if by is not None and by.is_authenticated else None,
                    filer_person_id=filer_person_id, filer_household_id=filer_household_id,
                    filer_name=filer_name, contact_phone=contact_phone or None, subject_name=subject_name,
                    subject_nik=subject_nik or None, subject_kk=subject_kk or None,
                    ref_type=ref_type, ref_id=ref_id)
        step_enter(case, workflow(kind).initial, now=now)
        if due_at is not None:
            case.due_at = due_at
        case.save()
        event = event_add(case, by=by, action="submit", from_state="")
        audit_record(actor=by.username if by is not None else SYSTEM, action="case.open", target_type="Case",
                     target_id=case.pk, data={"kind": kind, "category": category, "channel": channel,
                                              "village": village.code, "ref": f"{ref_type}:{ref_id}" if ref_id else ""})
        _tell_filer(case, event)
    return case


def case_act(*, case: Case, action: str, by, note: str = "") -> Case:
    """Do `action` on `case` as `by`: checks the step, the role and area, the note and the
    documents the action needs, applies its registry effect, moves the case on, and tells the
    filer — all or nothing. A case changed by someone else meanwhile is refused."""
    note = note.strip()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != case.state:
            raise CaseError("kasus ini sudah diproses orang lain; muat ulang / this case was changed meanwhile; reload")
        chosen = next((a for a in actions_for(case=locked, user=by) if a.code == action), None)
        if chosen is None:
            raise PermissionDenied("tindakan tidak diizinkan / action not allowed")
        if chosen.note_required and not note:
            raise CaseError("catatan wajib diisi / a note is required")
        present = set(locked.documents.values_list("kind", flat=True))
        missing = [kind for kind in chosen.documents if kind not in present]
        if missing:
            raise CaseError(f"unggah dulu dokumen: {', '.join(missing)} / upload first: {', '.join(missing)}")
        before = locked.state
        if chosen.effect:
            result = effects.EFFECTS[chosen.effect](case=locked, by=by, note=note)
            if result:
                locked.data = {**locked.data, "effect": result}
        step_enter(locked, chosen.target, now=timezone.now())
        if chosen.outcome:
            locked.outcome, locked.outcome_note = chosen.outcome, note
        locked.save()
        event = event_add(locked, by=by, action=action, from_state=before, note=note)
        audit_record(actor=by.username, action=f"case.{action}", target_type="Case", target_id=locked.pk,
                     data={"from": before, "to": locked.state, "note": note})
        _tell_filer(locked, event)
    return locked


def case_cancel(*, case: Case, by, note: str = "") -> Case:
    """The filer withdraws their own open request (a proposal, rebuttal, complaint)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not _is_filer(case=locked, user=by) or locked.kind not in CITIZEN_KINDS:
            raise PermissionDenied("hanya pelapor yang dapat membatalkan / only the filer may cancel")
        if not locked.is_open:
            raise CaseError("kasus sudah selesai / the case is already closed")
        before = locked.state
        step_enter(locked, "withdrawn", now=timezone.now())
        locked.outcome, locked.outcome_note = "withdrawn", note.strip()
        locked.save()
        event = event_add(locked, by=by, action="cancel", from_state=before, note=note.strip())
        audit_record(actor=by.username, action="case.cancel", target_type="Case", target_id=locked.pk,
                     data={"from": before})
        _tell_filer(locked, event)
    return locked


def case_note(*, case: Case, by, note: str, public: bool = False) -> CaseEvent:
    """A note on the timeline (an officer's working note is internal unless made public)."""
    note = note.strip()
    if not note:
        raise CaseError("catatan kosong / empty note")
    if not (officer_sees(case=case, user=by) or _is_filer(case=case, user=by)):
        raise PermissionDenied("bukan kasus Anda / not your case")
    with transaction.atomic():
        event = event_add(case, by=by, action="note", from_state=case.state, note=note,
                       public=public or _is_filer(case=case, user=by))
        audit_record(actor=by.username, action="case.note", target_type="Case", target_id=case.pk, data={})
    return event


def officers_for(*, case: Case, role: str):
    """The officers of `role` whose area holds the case's village."""
    parts = case.village_id.split(".")
    codes = ["ID"] + [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return [o.user for o in Officer.objects.filter(role=role, area_id__in=codes).select_related("user")]


def _escalate(case: Case, *, now: datetime) -> None:
    step = step_of(case)
    before_role = case.assigned_role
    higher = ESCALATION.get(case.assigned_role)
    if higher is not None:
        case.assigned_role = higher
    case.escalation += 1
    case.due_at = now + timedelta(days=max(3, step.days // 2))
    case.reminded_at = None
    case.save(update_fields=["assigned_role", "escalation", "due_at", "reminded_at", "updated_at"])
    level = _label(Role(case.assigned_role).label)
    event_add(case, by=None, action="escalate", from_state=case.state,
           note=f"{before_role} → {case.assigned_role}", public=False)
    notice_enqueue(kind="case_escalated", key=f"case:{case.pk}:esc:{case.escalation}",
                   users=officers_for(case=case, role=case.assigned_role),
                   params={"what": _label(Kind(case.kind).label), "ref": case.ref, "step": _label(step.label),
                           "due": case.due_at.date().isoformat(), "level": level})


def _expire(case: Case, *, now: datetime, target: str, outcome: str) -> None:
    before = case.state
    step_enter(case, target, now=now)
    case.outcome = outcome
    case.save()
    event = event_add(case, by=None, action="expire", from_state=before)
    audit_record(actor=SYSTEM, action="case.expire", target_type="Case", target_id=case.pk,
                 data={"from": before, "to": target})
    _tell_filer(case, event)


def cases_tick(*, now: datetime | None = None) -> dict[str, int]:
    """The deadline clock, run on a schedule (`bansos cases tick`): remind the holders of cases
    due within two days, and act on overdue ones — escalate one level up, let an unverified
    rebuttal lapse, close an answered complaint nobody reopened. Re-running at the same time
    does nothing more."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0, "lapsed": 0, "closed": 0}
    open_cases = Case.objects.filter(closed_at__isnull=True, due_at__isnull=False)
    for case in open_cases.filter(due_at__lte=now).order_by("due_at", "id").iterator(chunk_size=500):
        with transaction.atomic():
            step = step_of(case)
            if step.on_overdue == LAPSE:
                _expire(case, now=now, target="lapsed", outcome="lapsed")
                counts["lapsed"] += 1
            elif step.on_overdue == CLOSE:
                _expire(case, now=now, target="closed", outcome="resolved")
                counts["closed"] += 1
            elif step.on_overdue == ESCALATE:
                _escalate(case, now=now)
                counts["escalated"] += 1
    due_soon = open_cases.filter(due_at__gt=now, due_at__lte=now + REMIND_BEFORE, reminded_at__isnull=True)
    for case in due_soon.exclude(assigned_role=CITIZEN).iterator(chunk_size=500):
        with transaction.atomic():
            step = step_of(case)
            notice_enqueue(kind="case_reminder", key=f"case:{case.pk}:remind:{case.state}:{case.escalation}",
                           users=officers_for(case=case, role=case.assigned_role),
                           params={"what": _label(Kind(case.kind).label), "ref": case.ref,
                                   "step": _label(step.label), "due": case.due_at.date().isoformat()})
            Case.objects.filter(pk=case.pk).update(reminded_at=now)
            counts["reminded"] += 1
    return counts
