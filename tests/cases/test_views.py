"""Case pages: the officer's queue with bulk actions and the case view; the citizen's forms and
own cases; uploads checked on their bytes; nobody reaches another's case or file."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from bansos.cases.models import Case, CaseDocument
from bansos.cases.uploads import MAX_BYTES, UploadError, document_path, document_store
from tests.cases.conftest import NEW_KK, NEW_NIK, pdf, photo
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


def _proposal_post(client, **extra):
    data = {"relation": "other", "name": "Ratna Sari", "nik": NEW_NIK, "kk": NEW_KK, "program": "SEMBAKO",
            "rw": "001", "rt": "002", "address": "Dusun Krajan", "details": "janda lansia, rumah bambu",
            "ktp": photo(), "kk_photo": photo("kk.png"), **extra}
    return client.post(reverse("citizen_cases:proposal_new"), data)


def test_citizen_proposes_and_follows_the_case(client, citizen, programs):
    user = citizen("SUTRISNO")
    client.force_login(user)
    response = _proposal_post(client)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("citizen_cases:detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert case.ref in page and "diterima dan menunggu pemeriksaan desa" in page.lower()
    assert NEW_NIK not in page
    listing = client.get(reverse("citizen_cases:list")).content.decode()
    assert case.ref in listing


def test_proposal_form_shows_the_refusal(client, citizen, programs):
    client.force_login(citizen("SUTRISNO"))
    response = _proposal_post(client, nik="3510090000000000")
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_rebuttal_page_masks_the_recipient_and_refuses_other_villages(client, citizen, enrolled, small_registry):
    user = citizen("SUTRISNO")
    client.force_login(user)
    siti, slamet = small_registry["SITI AMINAH"], small_registry["SLAMET"]
    enrolled(siti.household)
    enrolled(slamet.household)
    url = reverse("citizen_cases:rebuttal_new")
    page = client.get(url, {"rumah": siti.household_id}).content.decode()
    assert "S**I A****H" in page and "SITI AMINAH" not in page
    assert client.get(url, {"rumah": slamet.household_id}).status_code == 404
    response = client.post(f"{url}?rumah={siti.household_id}", {
        "rumah": siti.household_id, "reason": "deceased", "details": "sudah meninggal bulan Mei",
        "latitude": "-8.37", "longitude": "114.2", "house": photo("rumah.png")})
    assert response.status_code == 302
    assert Case.objects.get().category == "deceased"


def test_officer_queue_bulk_accept_and_case_page(client, citizen, officer, programs):
    user = citizen("SUTRISNO")
    client.force_login(user)
    _proposal_post(client)
    _proposal_post(client, nik="3510095203880015", name="Wati")
    operator = officer("village_operator", VILLAGE_A)
    client.force_login(operator)
    page = client.get(reverse("cases:queue")).content.decode()
    cases = list(Case.objects.order_by("id"))
    assert all(c.ref in page for c in cases) and 'name="case"' in page
    response = client.post(reverse("cases:queue_bulk"), {"action": "accept", "case": [c.pk for c in cases]})
    assert response.status_code == 302
    assert set(Case.objects.values_list("state", flat=True)) == {"village_verification"}
    detail = client.get(reverse("cases:detail", args=[cases[0].pk])).content.decode()
    assert "RATNA SARI" in detail and "3510********0007" in detail and NEW_NIK not in detail
    document = cases[0].documents.get(kind="ktp")
    download = client.get(reverse("cases:document", args=[document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    # Another village's operator and a citizen who did not file it reach neither case nor file.
    client.force_login(officer("village_operator", "35.10.09.2002"))
    assert client.get(reverse("cases:detail", args=[cases[0].pk])).status_code == 404
    assert client.get(reverse("cases:document", args=[document.pk])).status_code == 404
    client.force_login(citizen("SITI AMINAH"))
    assert client.get(reverse("citizen_cases:detail", args=[cases[0].pk])).status_code == 404
    assert client.get(reverse("citizen_cases:document", args=[document.pk])).status_code == 404


def test_officer_acts_with_a_note(client, citizen, officer, programs):
    client.force_login(citizen("SUTRISNO"))
    _proposal_post(client)
    case = Case.objects.get()
    client.force_login(officer("village_operator", VILLAGE_A))
    client.post(reverse("cases:action", args=[case.pk]), {"action": "accept"})
    response = client.post(reverse("cases:action", args=[case.pk]), {"action": "verified", "note": ""}, follow=True)
    assert "note is required" in response.content.decode()
    client.post(reverse("cases:action", args=[case.pk]), {"action": "verified", "note": "layak"})
    case.refresh_from_db()
    assert case.state == "village_deliberation"


def test_call_centre_form(client, officer, small_registry, programs):
    client.force_login(officer("regency", "35.10"))
    page = client.get(reverse("cases:complaint_new")).content.decode()
    assert VILLAGE_A in page
    response = client.post(reverse("cases:complaint_new"), {
        "category": "card_problem", "details": "kartu KKS tertelan di ATM", "channel": "call_centre",
        "village": VILLAGE_A, "filer_name": "Pak Darto", "contact_phone": "081298765432", "program": ""})
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == "call_centre" and case.contact_phone == "081298765432"


def test_uploads_checked_on_their_bytes(citizen, programs, small_registry):
    from bansos.areas.models import Area
    from bansos.cases.engine import case_open

    case = case_open(kind="complaint", village=Area.objects.get(code=VILLAGE_A), category="other")
    fake = photo()
    fake.file = io.BytesIO(b"MZ\x90\x00 not really an image")
    with pytest.raises(UploadError, match="not accepted"):
        document_store(case=case, kind="ktp", upload=fake, by="t")
    with pytest.raises(UploadError, match="not accepted"):
        document_store(case=case, kind="ktp", upload=pdf(), by="t")  # a KTP is a photo
    big = photo()
    big.file, big.size = io.BytesIO(b"\xff\xd8\xff" + b"0" * MAX_BYTES), MAX_BYTES + 3
    with pytest.raises(UploadError, match="5 MB"):
        document_store(case=case, kind="house", upload=big, by="t")
    stored = document_store(case=case, kind="house", upload=photo("rumah.jpg", exif=True), by="t")
    with Image.open(document_path(stored)) as image:
        assert image.format == "JPEG" and not image.getexif()  # camera data dropped
    assert document_store(case=case, kind="minutes", upload=pdf(), by="t").content_type == "application/pdf"
    assert CaseDocument.objects.filter(case=case).count() == 2
    assert "uploads" in str(document_path(stored)) and "static" not in str(document_path(stored))


def test_the_household_page_lists_cases_about_the_family(client, citizen, officer, enrolled, small_registry):
    from bansos.cases.services import rebuttal_submit

    user = citizen("SUTRISNO")
    siti = small_registry["SITI AMINAH"]
    enrolled(siti.household)
    case = rebuttal_submit(by=user, citizen=user.citizen, household_id=siti.household_id, reason="moved",
                           details="sudah pindah ke Surabaya sejak 2024")
    client.force_login(officer("village_operator", VILLAGE_A))
    page = client.get(reverse("office:household_detail", args=[siti.household_id])).content.decode()
    assert case.ref in page and reverse("cases:detail", args=[case.pk]) in page
    client.force_login(officer("bank", "35.10"))
    assert case.ref not in client.get(reverse("office:household_detail", args=[siti.household_id])).content.decode()


def test_office_home_counts_the_roles_open_and_late_cases(client, citizen, officer, programs):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(citizen("SUTRISNO"))
    _proposal_post(client)
    Case.objects.update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(officer("village_operator", VILLAGE_A))
    page = client.get(reverse("office:home")).content.decode()
    assert "1 kasus menunggu tindakan peran Anda" in page and "1 melewati tenggat" in page
    client.force_login(officer("regency", "35.10"))
    assert "0 kasus menunggu" in client.get(reverse("office:home")).content.decode()


def test_the_queue_makes_a_bounded_number_of_queries(client, citizen, officer, programs,
                                                       django_assert_max_num_queries):
    client.force_login(citizen("SUTRISNO"))
    for serial in range(6):
        _proposal_post(client, nik=f"35100952038800{serial + 10:02d}", name=f"Warga {serial}")
    client.force_login(officer("village_operator", VILLAGE_A))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("cases:queue")).content.decode()
    assert page.count('name="case"') == 6
