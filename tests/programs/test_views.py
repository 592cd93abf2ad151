"""Program pages: cycles and their lists scoped by area, approval and suspension decisions by
role, the rule preview (shipped files and pasted drafts), and a household's decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bansos.programs.cycles import cycle_approve, cycle_create
from bansos.programs.models import Cycle, Suspension
from tests.programs.test_cycles import _pkh_family_moves_to_desil_5
from tests.programs.world import Q4, scoring_with, world_build


@pytest.fixture
def world(db):
    families = world_build()
    deciles = {families["pkh"].pk: 2, families["desil5"].pk: 5, families["civil_servant"].pk: 3,
               families["rich"].pk: 9}
    return families, scoring_with(deciles)


def _login(client, officer, role, area):
    user = officer(role, area)
    client.force_login(user)
    return user


def test_cycle_list_counts_only_the_officers_area(client, officer, world):
    _, run = world
    cycle_create(program="SEMBAKO", on=Q4, created_by="t", scoring_run=run)
    _login(client, officer, "regency", "35.10")
    page = client.get(reverse("programs:cycle_list")).content.decode()
    assert "SEMBAKO" in page and "Rp1.200.000" in page
    client.logout()
    _login(client, officer, "village_operator", "35.10.09.2002")  # the desil-5 family's village
    page = client.get(reverse("programs:cycle_list")).content.decode()
    assert "Rp600.000" in page and "Rp1.200.000" not in page


def test_only_the_ministry_approves(client, officer, world):
    _, run = world
    cycle = cycle_create(program="BLT", on=Q4, created_by="t", scoring_run=run)
    url = reverse("programs:cycle_approve", args=[cycle.pk])
    _login(client, officer, "regency", "35.10")
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.logout()
    _login(client, officer, "ministry", "ID")
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.state == Cycle.State.APPROVED
    page = client.get(reverse("programs:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Mulai penyaluran" in page  # the next step is offered
    assert "periksa=1" in page and "… cocok" not in page  # the digest is checked on request only
    page = client.get(reverse("programs:cycle_detail", args=[cycle.pk]) + "?periksa=1").content.decode()
    assert "… cocok" in page and "TIDAK COCOK" not in page


def test_suspension_decided_by_the_social_office_of_its_area_only(client, officer, world):
    _pkh_family_moves_to_desil_5(world)
    suspension = Suspension.objects.get()
    url = reverse("programs:suspension_decide", args=[suspension.pk])
    _login(client, officer, "regency", "35.10.16")  # another district: not found
    assert client.post(url, {"decision": "lift"}).status_code == 404
    client.logout()
    _login(client, officer, "village_operator", "35.10.09.2001")  # its village, wrong role
    assert client.post(url, {"decision": "lift"}).status_code == 403
    client.logout()
    _login(client, officer, "regency", "35.10")
    detail = client.get(reverse("programs:cycle_detail", args=[suspension.cycle_id])).content.decode()
    assert "Penangguhan menunggu pemeriksaan" in detail
    assert client.post(url, {"decision": "lift", "note": "masih miskin"}).status_code == 302
    suspension.refresh_from_db()
    assert suspension.status == Suspension.Status.LIFTED and suspension.note == "masih miskin"


def test_preview_of_a_shipped_file_and_of_a_bad_draft(client, officer, world):
    _login(client, officer, "regency", "35.10")
    url = reverse("programs:preview")
    page = client.post(url, {"rules": "SEMBAKO 2025.1", "level": "district", "on": "2025-10-01"}).content.decode()
    assert "Rp1.200.000" in page  # two families in Genteng, Rp600.000 each
    page = client.post(url, {"text": "program = 'PKH'\nversion = 1\n", "level": "district"}).content.decode()
    assert 'role="alert"' in page and "version" in page
    client.logout()
    _login(client, officer, "village_operator", "35.10.09.2001")
    assert client.get(url).status_code == 403


def test_household_page_shows_each_programs_decision_and_reasons(client, officer, world):
    families, run = world
    for code in ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT"):
        cycle_approve(cycle=cycle_create(program=code, on=Q4, created_by="t", scoring_run=run), by="t")
    _login(client, officer, "village_operator", "35.10.09.2001")
    page = client.get(reverse("office:household_detail", args=[families["pkh"].pk])).content.decode()
    for code in ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT"):
        assert f'id="program-{code}"' in page
    assert "Rp2.475.000" in page  # the PKH amount of the tahap
    page = client.get(reverse("office:household_detail", args=[families["rich"].pk]))
    assert page.status_code == 404  # another district's family


def test_household_page_in_english(client, officer, world):
    families, run = world
    cycle_create(program="PKH", on=Q4, created_by="t", scoring_run=run)
    _login(client, officer, "village_operator", "35.10.09.2002")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("office:household_detail", args=[families["desil5"].pk])).content.decode()
    assert "above the PKH threshold" in page
