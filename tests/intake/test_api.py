"""Program lists through the JSON API: same core as the office pages, same scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import VILLAGE_A

HEADER = "NO;NIK;NO_KK;NAMA_ANGGOTA;TGL_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KODE_DESA\n"
ROWS = ("1;3510090101850001;3510091203150007;SUTRISNO;01-01-1985;L;KRAJAN;001;002;3510092001\n"
        "2;3.51009E+15;3510091203150007;SITI;01-02-1990;P;KRAJAN;001;002;3510092001\n")


def _post(client, name="pkh.csv", source="PKH"):
    return client.post("/api/v1/intake/imports", {
        "source": source, "file": SimpleUploadedFile(name, (HEADER + ROWS).encode())})


def test_submit_read_summary_and_quarantine(client, officer, small_registry):
    client.force_login(officer("village_operator", VILLAGE_A))
    created = _post(client)
    assert created.status_code == 201, created.content
    summary = created.json()
    assert (summary["rows"], summary["staged"], summary["quarantined"]) == (2, 1, 1)
    assert summary["errors"] == {"nik_scientific_notation": 1}

    again = client.get(f"/api/v1/intake/imports/{summary['id']}")
    assert again.json()["status"] == "done"
    rows = client.get(f"/api/v1/intake/imports/{summary['id']}/quarantine").json()
    assert rows[0]["row"] == 3
    assert rows[0]["issues"][0]["code"] == "nik_scientific_notation"
    assert rows[0]["issues"][0]["message_en"]
    assert "3510090101850001" not in created.content.decode()


def test_api_needs_a_login_and_keeps_to_the_area(client, officer, small_registry):
    assert _post(client).status_code == 401
    client.force_login(officer("village_operator", VILLAGE_A))
    pk = _post(client).json()["id"]
    assert _post(client, name="pkh.pdf").status_code == 400
    client.force_login(officer("auditor", "35.10"))
    assert _post(client, source="BLT").status_code == 403
    assert client.get(f"/api/v1/intake/imports/{pk}").status_code == 200
    client.force_login(officer("village_operator", "35.10.16.1001"))
    assert client.get(f"/api/v1/intake/imports/{pk}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_with_a_job_worker_the_upload_is_accepted_then_polled_until_done(
        client, officer, small_registry, job_worker):
    client.force_login(officer("village_operator", VILLAGE_A))
    accepted = _post(client)
    assert accepted.status_code == 202, accepted.content
    pk = accepted.json()["id"]
    assert accepted.json()["status"] == "pending"
    job_worker()
    done = client.get(f"/api/v1/intake/imports/{pk}").json()
    assert (done["status"], done["rows"], done["staged"]) == ("done", 2, 1)
