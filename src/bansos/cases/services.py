"""Filing cases: each kind's own rules, checked before the engine opens the case. Every door
(citizen pages, the officer's call-centre form, the API, jobs) files through these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bansos.areas.models import Area, Role
from bansos.cases.engine import CaseError, case_open
from bansos.cases.models import Case, CaseDocument, Channel, Kind
from bansos.cases.uploads import document_store
from bansos.cases.workflows import COMPLAINT_CATEGORIES, REBUTTAL_REASONS
from bansos.core.identifiers import parse_kk, parse_nik
from bansos.core.protected import blind_index
from bansos.linkage.normalize import names_similarity
from bansos.portal.models import Citizen
from bansos.programs import queries as program_queries
from bansos.programs.models import Cycle, Enrollment, Entitlement, Program
from bansos.registry.models import Household, Person

PROPOSAL_MAX_DECILE = 5  # DOMAIN.md: proposals only for desil 1-5
NAME_MATCH = 0.85
# Roughly Indonesia's bounding box: a GPS point outside it is a typo or a spoof.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)


@dataclass(frozen=True)
class Upload:
    kind: str
    file: UploadedFile


def _store(case: Case, uploads: Iterable[Upload], by: str) -> None:
    for upload in uploads:
        document_store(case=case, kind=upload.kind, upload=upload.file, by=by)


def _open_elsewhere(*, kind: str, **match) -> bool:
    return Case.objects.filter(kind=kind, closed_at__isnull=True, **match).exists()


def _dukcapil_name(nik_index: str) -> str | None:
    """The name the civil-registry extract gives this NIK, if the extract has it."""
    from bansos.intake.models import StagedRow

    # No index on staged NIKs (they are kept lean for imports): a proposal is rare enough.
    return (StagedRow.objects.filter(nik_index=nik_index, list_import__source__code="DUKCAPIL")
            .values_list("full_name", flat=True).first())


def proposal_checks(*, nik: str, kk: str, name: str) -> tuple[dict, Person | None]:
    """Check a proposed person against the registry and the civil-registry extract. Raises
    CaseError for what refuses a proposal (a bad NIK, a deceased or well-off person, an open
    proposal already); returns the checks made (shown to the village) and the registry person."""
    parsed_nik, parsed_kk = parse_nik(nik), parse_kk(kk)
    if parsed_nik.value is None:
        raise CaseError(f"NIK: {parsed_nik.error.message_id} / {parsed_nik.error.message_en}")
    if parsed_kk.value is None:
        raise CaseError(f"KK: {parsed_kk.error.message_id} / {parsed_kk.error.message_en}")
    index = blind_index(parsed_nik.value, purpose="nik")
    checks: dict = {}
    person = Person.objects.select_related("household").filter(nik_index=index).first()
    if person is not None:
        if not person.is_alive:
            raise CaseError("NIK tercatat meninggal dunia / this NIK is recorded as deceased")
        welfare = program_queries.household_welfare(household=person.household) if person.household else None
        decile = welfare.decile if welfare else 0
        checks.update(registry="found", decile=decile)
        if decile > PROPOSAL_MAX_DECILE:
            raise CaseError(f"usulan hanya untuk desil 1–5; keluarga ini desil {decile} / "
                            f"proposals are only for deciles 1–5; this family is in decile {decile}")
        score = names_similarity(given=name, other=person.full_name)
        checks["name_registry"] = round(score, 2)
        if score < NAME_MATCH:
            raise CaseError("nama tidak sesuai dengan NIK di DTSEN / the name does not match the NIK in DTSEN")
    else:
        checks["registry"] = "absent"
        dukcapil = _dukcapil_name(index)
        if dukcapil is None:
            checks["dukcapil"] = "absent"  # the village checks the documents in the field
        else:
            score = names_similarity(given=name, other=dukcapil)
            checks.update(dukcapil="found", name_dukcapil=round(score, 2))
            if score < NAME_MATCH:
                raise CaseError("nama tidak sesuai data Dukcapil / the name does not match the civil registry")
    if _open_elsewhere(kind=Kind.PROPOSAL, subject_nik_index=index) or (
            person is not None and _open_elsewhere(kind=Kind.PROPOSAL, person=person)):
        raise CaseError("sudah ada usulan yang sedang diproses untuk NIK ini / "
                        "a proposal for this NIK is already being processed")
    return checks, person


def proposal_submit(*, by, citizen: Citizen | None, village: Area, nik: str, kk: str, name: str,
                    relation: str, program_id: str | None = None, rw: str = "", rt: str = "",
                    address: str = "", details: str = "", uploads: Iterable[Upload] = (),
                    channel: str = Channel.WEB) -> Case:
    """Propose a family (oneself, one's family or others) for the registry and a program. The
    KTP and KK photos are required from the web; an officer at the counter sees the papers."""
    uploads = list(uploads)
    if channel == Channel.WEB:
        kinds = {u.kind for u in uploads}
        lacking = [k for k in (CaseDocument.DocKind.KTP, CaseDocument.DocKind.KK) if k not in kinds]
        if lacking:
            raise CaseError(f"unggah foto {', '.join(k.upper() for k in lacking)} / "
                            f"upload a photo of the {', '.join(k.upper() for k in lacking)}")
    if village.level != Area.Level.VILLAGE:
        raise CaseError("pilih desa/kelurahan / choose a village")
    if program_id and not Program.objects.filter(code=program_id).exists():
        raise CaseError(f"program tidak dikenal / unknown program: {program_id}")
    name = " ".join(name.split()).upper()
    if len(name) < 2:
        raise CaseError("nama wajib diisi / a name is required")
    checks, person = proposal_checks(nik=nik, kk=kk, name=name)
    nik_value, kk_value = parse_nik(nik).value, parse_kk(kk).value
    household = person.household if person is not None else None
    with transaction.atomic():
        case = case_open(
            kind=Kind.PROPOSAL, village=household.village if household else village, by=by, channel=channel,
            program_id=program_id or None, household_id=household.pk if household else None,
            person_id=person.pk if person else None, rw=household.rw if household else rw,
            rt=household.rt if household else rt, details=details,
            data={"relation": relation, "checks": checks, "address": address.strip()[:200]},
            filer_person_id=citizen.person_id if citizen else None,
            filer_household_id=citizen.person.household_id if citizen else None,
            subject_name=name, subject_nik=nik_value, subject_kk=kk_value)
        _store(case, uploads, by.username)
    return case


def recipient_programs(*, household: Household) -> list[str]:
    """Programs the family currently receives: an active enrolment, or an approved entitlement
    in a cycle being approved or paid (what the village's recipient list shows)."""
    enrolled = set(Enrollment.objects.filter(household=household, status=Enrollment.Status.ACTIVE)
                   .values_list("program_id", flat=True))
    entitled = set(Entitlement.objects.filter(
        household=household, state=Entitlement.State.APPROVED,
        cycle__state__in=[Cycle.State.APPROVED, Cycle.State.PAYING]).values_list("cycle__program_id", flat=True))
    return sorted(enrolled | entitled)


def rebuttal_submit(*, by, citizen: Citizen, household_id: int, reason: str, details: str = "",
                    latitude: float | None = None, longitude: float | None = None,
                    uploads: Iterable[Upload] = ()) -> Case:
    """Rebut a listed recipient: only a resident of the same village, never about one's own
    family, with a reason from the exclusion statuses; the rebutted family never learns who."""
    if reason not in REBUTTAL_REASONS:
        raise CaseError(f"alasan tidak dikenal / unknown reason: {reason}")
    target = Household.objects.select_related("village").filter(pk=household_id).first()
    own = citizen.person.household
    if target is None or own is None or target.village_id != own.village_id:
        raise PermissionDenied("sanggahan hanya untuk penerima di desa Anda sendiri / "
                               "you may only rebut recipients in your own village")
    if target.pk == own.pk:
        raise CaseError("tidak dapat menyanggah keluarga sendiri; gunakan pengunduran diri / "
                        "you cannot rebut your own family; use a withdrawal")
    if not recipient_programs(household=target):
        raise CaseError("keluarga ini bukan penerima bantuan / this family is not a recipient")
    if (latitude is None) != (longitude is None):
        raise CaseError("titik GPS harus lengkap / the GPS point needs both coordinates")
    if latitude is not None and not (LAT_RANGE[0] <= latitude <= LAT_RANGE[1]
                                     and LON_RANGE[0] <= longitude <= LON_RANGE[1]):
        raise CaseError("titik GPS di luar Indonesia / the GPS point is outside Indonesia")
    if Case.objects.filter(kind=Kind.REBUTTAL, household=target, filed_by=by, closed_at__isnull=True).exists():
        raise CaseError("Anda sudah menyanggah keluarga ini dan sedang diproses / "
                        "you already rebutted this family and it is being processed")
    if len(details.strip()) < 10:
        raise CaseError("jelaskan alasan Anda (minimal 10 huruf) / explain your reason (at least 10 letters)")
    with transaction.atomic():
        case = case_open(kind=Kind.REBUTTAL, village=target.village, by=by, category=reason,
                         household_id=target.pk, person_id=target.head_id, rw=target.rw, rt=target.rt,
                         details=details,
                         data={"gps": [latitude, longitude] if latitude is not None else None,
                               "programs": recipient_programs(household=target)},
                         filer_person_id=citizen.person_id, filer_household_id=own.pk)
        _store(case, uploads, by.username)
    return case


def complaint_submit(*, by, category: str, details: str, citizen: Citizen | None = None,
                     village: Area | None = None, channel: str = Channel.WEB, filer_name: str = "",
                     contact_phone: str = "", program_id: str | None = None,
                     uploads: Iterable[Upload] = ()) -> Case:
    """A complaint from a citizen's account, or entered by an officer for a caller (call
    centre 171, SMS, the counter) with the caller's phone for the answer."""
    if category not in COMPLAINT_CATEGORIES:
        raise CaseError(f"kategori tidak dikenal / unknown category: {category}")
    if len(details.strip()) < 10:
        raise CaseError("jelaskan keluhan Anda (minimal 10 huruf) / describe the complaint (at least 10 letters)")
    officer = getattr(by, "officer", None)
    if citizen is None:
        if officer is None or officer.role == Role.BANK:
            raise PermissionDenied("pengaduan tanpa akun dicatat oleh petugas / a complaint without an account "
                                   "is entered by an officer")
        if channel == Channel.WEB:
            raise CaseError("pilih saluran pengaduan / choose the channel")
        if village is None or village.level != Area.Level.VILLAGE:
            raise CaseError("pilih desa/kelurahan pelapor / choose the caller's village")
        if not contact_phone and not filer_name:
            raise CaseError("isi nama atau nomor telepon pelapor / enter the caller's name or phone")
    household = citizen.person.household if citizen else None
    with transaction.atomic():
        case = case_open(kind=Kind.COMPLAINT, village=household.village if household else village, by=by,
                         category=category, channel=channel if citizen is None else Channel.WEB,
                         program_id=program_id or None, household_id=household.pk if household else None,
                         person_id=citizen.person_id if citizen else None,
                         rw=household.rw if household else "", rt=household.rt if household else "",
                         details=details, filer_person_id=citizen.person_id if citizen else None,
                         filer_household_id=household.pk if household else None, filer_name=filer_name,
                         contact_phone=contact_phone)
        _store(case, uploads, by.username)
    return case


def withdrawal_submit(*, by, citizen: Citizen, program_id: str | None, details: str = "") -> Case:
    """The family asks to leave a program (or all) — e.g. it no longer needs the aid."""
    household = citizen.person.household
    programs = recipient_programs(household=household) if household else []
    if not programs:
        raise CaseError("keluarga Anda tidak sedang menerima bantuan / your family receives no aid now")
    if program_id and program_id not in programs:
        raise CaseError(f"keluarga Anda tidak menerima {program_id} / your family does not receive {program_id}")
    if _open_elsewhere(kind=Kind.WITHDRAWAL, household=household):
        raise CaseError("pengunduran diri sedang diproses / a withdrawal is already being processed")
    return case_open(kind=Kind.WITHDRAWAL, village=household.village, by=by, program_id=program_id or None,
                     household_id=household.pk, person_id=citizen.person_id, rw=household.rw, rt=household.rt,
                     details=details, data={"programs": [program_id] if program_id else programs},
                     filer_person_id=citizen.person_id, filer_household_id=household.pk)


def subject_nik_masked(case: Case) -> str:
    from bansos.core.masking import mask_digits

    return mask_digits(case.subject_nik or (case.person.nik if case.person_id else ""))
