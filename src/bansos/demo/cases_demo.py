"""The demo's participation: residents of the demo village with portal accounts, and cases at
every stage — proposals, a rebuttal, complaints (one by phone), an overdue one escalated, one
proposal carried through to the registry — plus the duplicate reviews and suspensions linkage
and targeting left, mirrored as cases. A resident without an account is kept for trying the
sign-up by hand."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from bansos.areas.models import Area
from bansos.cases.engine import case_act, cases_tick
from bansos.cases.models import Case
from bansos.cases.reviews import review_cases_sync
from bansos.cases.services import Upload, complaint_submit, proposal_submit, rebuttal_submit
from bansos.cases.uploads import document_store
from bansos.core.identifiers import make_kk, make_nik
from bansos.portal.models import Citizen
from bansos.programs.models import Enrollment
from bansos.registry.models import Household, Person

CITIZEN_PASSWORD = "warga-demo-2026"  # noqa: S105 - printed by `bansos demo` on purpose


@dataclass(frozen=True)
class DemoResident:
    nik: str
    kk: str
    name: str
    phone: str


def _photo(label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 300), (235, 235, 225))
    ImageDraw.Draw(image).text((20, 20), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{label}.png", out.getvalue(), content_type="image/png")


_MINUTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
            b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _citizen(person: Person) -> object:
    user = get_user_model().objects.create_user(username=f"warga-{person.pk}", password=CITIZEN_PASSWORD)
    Citizen.objects.create(user=user, person=person, verified_at=timezone.now())
    return user


def _officer(username: str):
    return get_user_model().objects.select_related("officer__area").get(username=username)


def demo_cases(*, village_code: str, seed: int) -> tuple[dict, dict]:
    """Build the demo's cases in `village_code` (the demo operator's village); returns the
    summary and the residents' logins (kept apart: the logins carry identifiers)."""
    rng = random.Random(seed)
    village = Area.objects.get(code=village_code)
    district = "".join(village_code.split(".")[:3])
    recipients = set(Enrollment.objects.filter(household__village=village, status=Enrollment.Status.ACTIVE)
                     .values_list("household_id", flat=True))
    heads = list(Person.objects.filter(household__village=village, relationship="head", is_alive=True)
                 .exclude(household_id__in=recipients).exclude(phone=None).order_by("pk")[:40])
    if len(heads) < 6:
        raise RuntimeError("the demo village has too few households for the cases demo")
    rng.shuffle(heads)
    filers = [_citizen(p) for p in heads[:4]]
    spare = heads[4]  # for the hand-made sign-up
    operator, regency = _officer("operator.desa"), _officer("dinsos.kabupaten")

    def propose(user, serial: int, name: str):
        born = date(1960 + serial % 30, 1 + serial % 12, 1 + serial % 27)
        return proposal_submit(
            by=user, citizen=user.citizen, village=village, nik=make_nik(district=district, birth_date=born,
                                                                         sex="P", serial=9000 + serial),
            kk=make_kk(district=district, issue_date=date(2019, 5, 1), serial=9000 + serial), name=name,
            relation="other", program_id="SEMBAKO", rw="001", rt="001", address="Dusun Krajan",
            details="Lansia tinggal sendiri, rumah berdinding bambu.",
            uploads=[Upload("ktp", _photo("KTP")), Upload("kk", _photo("KK")), Upload("house", _photo("Rumah"))])

    waiting = propose(filers[0], 1, "SARINAH")
    in_office = propose(filers[1], 2, "PAIJO")
    for action, note in (("accept", ""), ("verified", "Dikunjungi: layak diusulkan."),):
        in_office = case_act(case=in_office, action=action, by=operator, note=note)
    document_store(case=in_office, kind="minutes", upload=SimpleUploadedFile("ba.pdf", _MINUTES), by=operator.username)
    in_office = case_act(case=in_office, action="forward", by=operator)
    included = propose(filers[2], 3, "MBOK SIYEM")
    for action in ("accept", "verified"):
        included = case_act(case=included, action=action, by=operator, note="Layak.")
    document_store(case=included, kind="minutes", upload=SimpleUploadedFile("ba.pdf", _MINUTES), by=operator.username)
    included = case_act(case=included, action="forward", by=operator)
    for action in ("verified", "approve"):
        included = case_act(case=included, action=action, by=regency, note="Disetujui.")

    rebutted = (Household.objects.filter(pk__in=recipients).exclude(head=None).order_by("pk").first())
    rebuttal = None
    if rebutted is not None:
        rebuttal = rebuttal_submit(by=filers[3], citizen=filers[3].citizen, household_id=rebutted.pk,
                                   reason="well_off", details="Baru membangun rumah tembok dua lantai dan punya mobil.",
                                   latitude=-8.3686, longitude=114.1469, uploads=[Upload("house", _photo("Rumah"))])
    complaint = complaint_submit(by=filers[0], citizen=filers[0].citizen, category="not_paid",
                                 details="Bantuan Sembako tahap ini belum masuk ke rekening.", program_id="SEMBAKO")
    complaint = case_act(case=complaint, action="take", by=regency)
    complaint = case_act(case=complaint, action="answer", by=regency,
                         note="Rekening sedang dibuka ulang oleh bank (burekol); dana dikirim pada tahap berikutnya.")
    complaint_submit(by=regency, category="illegal_levy", details="Ketua kelompok meminta Rp50.000 per KPM.",
                     village=village, channel="call_centre", filer_name="Penelepon 171",
                     contact_phone="081200001111")
    late = propose(filers[3], 4, "KASIMAN")
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    reviews = review_cases_sync()
    clock = cases_tick()
    states = {f"{row['kind']}:{row['state']}": row["n"] for row in
              Case.objects.values("kind", "state").annotate(n=Count("id")).order_by("kind", "state")}
    summary = {"states": states, "reviews": reviews, "clock": clock,
               "registry_person_from_proposal": included.person_id,
               "cases": {"waiting": waiting.pk, "in_office": in_office.pk, "included": included.pk,
                         "rebuttal": rebuttal.pk if rebuttal else None, "complaint": complaint.pk,
                         "late": late.pk}}
    # Identifiers of the (synthetic) residents, for the printed logins only: never stored in
    # the run's summary, which lives in the database.
    logins = {
        "citizens": [{"nik": u.citizen.person.nik, "password": CITIZEN_PASSWORD, "name": u.citizen.person.full_name}
                     for u in filers],
        "signup": {"nik": spare.nik, "kk": spare.household.kk, "name": spare.full_name, "phone": spare.phone},
    }
    return summary, logins
