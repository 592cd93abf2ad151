"""The office pages for program lists: upload, report, quarantine download, correction."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bansos.audit.models import AuditEvent
from bansos.intake.models import ListImport, QuarantinedRow
from tests.conftest import VILLAGE_A

HEADER = "NO;NIK;NO_KK;NAMA_ANGGOTA;TGL_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KODE_DESA\n"
GOOD_NIK = "3510090101850001"
ROWS = (f"1;{GOOD_NIK};3510091203150007;SUTRISNO;01-01-1985;L;DUSUN KRAJAN;001;002;3510092001\n"
        "2;3.51009E+15;3510091203150007;SITI;01-02-1990;P;DUSUN KRAJAN;001;002;3510092001\n")


def _upload(client, content: str = HEADER + ROWS, name: str = "pkh.csv"):
    return client.post("/office/impor/", {
        "source": "PKH", "file": SimpleUploadedFile(name, content.encode("utf-8"))})


def test_operator_uploads_reads_the_report_and_downloads_the_quarantine(client, officer,
                                                                        small_registry):
    client.force_login(officer("village_operator", VILLAGE_A))
    response = _upload(client)
    assert response.status_code == 302
    imp = ListImport.objects.get()
    assert (imp.rows_read, imp.rows_staged, imp.rows_quarantined) == (2, 1, 1)
    assert imp.area_id == VILLAGE_A and imp.submitted_by.officer.area_id == VILLAGE_A

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 diterima + 1 dikarantina" in html
    assert "nik_scientific_notation" in html
    assert GOOD_NIK not in html  # no identifier on the page
    assert client.get("/office/impor/").content.decode().count("pkh.csv") == 1

    download = client.get(f"/office/impor/{imp.pk}/karantina.xlsx")
    assert download.status_code == 200
    assert download.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="intake.quarantine_download").exists()
    assert QuarantinedRow.objects.get().status == QuarantinedRow.Status.OPEN


def test_wrong_file_type_is_refused_with_a_message(client, officer, small_registry):
    client.force_login(officer("village_operator", VILLAGE_A))
    response = _upload(client, name="daftar.pdf")
    assert response.status_code == 200
    assert "Hanya berkas CSV atau XLSX" in response.content.decode()
    assert not ListImport.objects.exists()


def test_auditor_reads_but_cannot_upload_and_other_areas_see_nothing(client, officer,
                                                                      small_registry):
    client.force_login(officer("village_operator", VILLAGE_A))
    _upload(client)
    imp = ListImport.objects.get()

    client.force_login(officer("auditor", "35.10"))
    listing = client.get("/office/impor/")
    assert "Unggah daftar baru" not in listing.content.decode()
    assert client.get(f"/office/impor/{imp.pk}/").status_code == 200
    assert _upload(client, content=HEADER + ROWS.replace("SUTRISNO", "BUDI")).status_code == 403

    client.force_login(officer("village_operator", "35.10.16.1001"))
    assert client.get(f"/office/impor/{imp.pk}/").status_code == 404
    assert client.get(f"/office/impor/{imp.pk}/karantina.xlsx").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_queued_and_a_worker_imports_it_while_the_page_polls(
        client, officer, small_registry, job_worker):
    client.force_login(officer("village_operator", VILLAGE_A))
    response = _upload(client)
    assert response.status_code == 302
    imp = ListImport.objects.get()
    assert imp.status == ListImport.Status.PENDING and imp.rows_read == 0
    kept = imp.stored_path
    with open(kept, "rb") as f:  # the upload waits, private, for the worker
        assert f.read() == (HEADER + ROWS).encode()

    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "menunggu giliran" in page
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="progress"' in poll.content.decode()
    # The same file again while it waits: no second job, no second copy kept.
    _upload(client)
    assert ListImport.objects.count() == 1

    job_worker()
    imp.refresh_from_db()
    assert imp.status == ListImport.Status.DONE
    assert (imp.rows_read, imp.rows_staged, imp.rows_quarantined) == (2, 1, 1)
    assert imp.stored_path == "" and not os.path.exists(kept)
    assert os.listdir(os.path.dirname(kept)) == []
    # The polling page now asks for one reload, which shows the finished report.
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert poll.headers.get("HX-Refresh") == "true"
    assert "1 diterima + 1 dikarantina" in client.get(response["Location"]).content.decode()
