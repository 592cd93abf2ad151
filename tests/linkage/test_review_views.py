"""The office pages for duplicate reviews and the sources section of the person page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from bansos.audit.models import AccessLog, AuditEvent
from bansos.linkage.models import DuplicateReview, RecordLink
from bansos.registry.models import Person
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.linkage import review_data as data

ROW_NIK, ROW_KK, ROW_PHONE = "3510090101800009", "3510091203159999", "081234567890"
REGISTRY_NIK, REGISTRY_KK = "3510090101800001", "3510091203150007"  # SUTRISNO's


@pytest.fixture
def pair(db, small_registry):
    """A staged PKH row waiting for review against SUTRISNO, in village A."""
    run = data.link_run()
    imp = data.list_import(file_name="pkh-genteng.csv")
    row = data.staged_row(imp, phone=ROW_PHONE, account_number="0123456789012345", bank="BRI")
    data.link(row, run)
    return data.review(row, run, person=small_registry["SUTRISNO"], probability=0.953,
                       weight=14.5)


def _login(client, officer, role="village_operator", area=VILLAGE_A):
    user = officer(role, area)
    client.force_login(user)
    return user


def _digits_absent(html: str, *values: str) -> None:
    flat = re.sub(r"\s", "", html)
    for value in values:
        assert value not in flat, f"{value} shown in the clear"


def test_the_queue_lists_open_reviews_in_the_area_highest_first(client, officer, pair,
                                                                small_registry):
    lower = data.review(data.staged_row(pair.staged_row.list_import, name="SUTRISNA"), pair.run,
                        person=small_registry["SUTRISNO"], probability=0.81)
    data.review(data.staged_row(pair.staged_row.list_import, village=VILLAGE_B, name="SLAMET"),
                pair.run, person=small_registry["SLAMET"], probability=0.99)
    _login(client, officer)

    html = client.get(reverse("linkage:review_list")).content.decode()
    assert "<caption>2 pasangan</caption>" in html
    first, second = html.index(f"/office/pencocokan/{pair.pk}/"), html.index(
        f"/office/pencocokan/{lower.pk}/")
    assert first < second and "95,3 %" in html and "pkh-genteng.csv" in html
    assert "SLAMET" not in html  # village B's row
    _digits_absent(html, ROW_NIK, ROW_KK, REGISTRY_NIK)
    assert not AccessLog.objects.exists()  # the queue shows no registry person

    DuplicateReview.objects.filter(pk=lower.pk).update(status=DuplicateReview.Status.DIFFERENT)
    decided = client.get(reverse("linkage:review_list"), {"status": "different"}).content.decode()
    assert f"/office/pencocokan/{lower.pk}/" in decided
    assert f"/office/pencocokan/{pair.pk}/" not in decided


def test_the_detail_shows_both_records_masked_and_the_models_reasons(client, officer, pair,
                                                                     small_registry):
    user = _login(client, officer)
    response = client.get(reverse("linkage:review_detail", args=[pair.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>Dua data yang dibandingkan</caption>" in html
    assert '<th scope="row">NIK</th>' in html
    assert "3510********0009" in html and "3510********0001" in html  # both NIKs masked
    assert "3510********9999" in html and "0812*****890" in html
    _digits_absent(html, ROW_NIK, ROW_KK, ROW_PHONE, REGISTRY_NIK, REGISTRY_KK,
                   "0123456789012345")
    assert "pkh-genteng.csv" in html and "Kembiritan" in html
    # Why: each comparison's level and weight, and the total.
    assert "beda 1 angka" in html and "one digit off" not in html
    assert "+6.50" in html or "+6,50" in html
    assert "mendukung berbeda" in html and "95,3 %" in html
    assert 'name="decision" value="same"' in html and "csrfmiddlewaretoken" in html
    assert '<label for="id_note">' in html
    log = AccessLog.objects.get()
    assert (log.person, log.user, log.purpose) == (small_registry["SUTRISNO"], user,
                                                   "duplicate review")


def test_the_detail_in_english(client, officer, pair):
    _login(client, officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("linkage:review_detail", args=[pair.pk])).content.decode()
    assert "Same person" in html and "Different people" in html
    assert "one digit off" in html and "beda 1 angka" not in html
    assert "95.3 %" in html and "Dua data yang dibandingkan" not in html


def test_officers_of_another_area_get_404(client, officer, pair):
    _login(client, officer, area=VILLAGE_B)  # same district, another village
    assert client.get(reverse("linkage:review_detail", args=[pair.pk])).status_code == 404
    response = client.post(reverse("linkage:review_decide", args=[pair.pk]), {"decision": "same"})
    assert response.status_code == 404
    _login(client, officer, role="district", area="35.10.16")
    assert client.get(reverse("linkage:review_detail", args=[pair.pk])).status_code == 404
    assert "pkh-genteng.csv" not in client.get(reverse("linkage:review_list")).content.decode()
    pair.refresh_from_db()
    assert pair.status == DuplicateReview.Status.OPEN


def test_an_auditor_reads_but_cannot_decide(client, officer, pair):
    _login(client, officer, role="auditor", area="35.10")
    html = client.get(reverse("linkage:review_detail", args=[pair.pk])).content.decode()
    assert 'name="decision"' not in html
    response = client.post(reverse("linkage:review_decide", args=[pair.pk]), {"decision": "same"})
    assert response.status_code == 403
    _login(client, officer, role="bank", area="35.10")
    assert client.get(reverse("linkage:review_list")).status_code == 403


def test_deciding_by_post_and_a_double_submit(client, officer, pair, small_registry):
    _login(client, officer)
    url = reverse("linkage:review_decide", args=[pair.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"decision": "same", "note": "KTP dicek di balai desa"})
    assert response.status_code == 302
    link = RecordLink.objects.get(staged_row=pair.staged_row)
    assert link.person == small_registry["SUTRISNO"]
    pair.refresh_from_db()
    assert (pair.status, pair.note) == (DuplicateReview.Status.SAME, "KTP dicek di balai desa")

    again = client.post(url, {"decision": "different"}, follow=True)
    html = again.content.decode()
    assert again.status_code == 200 and "sudah diputuskan" in html
    assert AuditEvent.objects.filter(action="linkage.review_decide").count() == 1
    assert 'name="decision"' not in html and "KTP dicek di balai desa" in html


def test_deciding_different_by_post_makes_a_new_person(client, officer, pair):
    _login(client, officer)
    response = client.post(reverse("linkage:review_decide", args=[pair.pk]),
                           {"decision": "different"})
    assert response["Location"] == reverse("linkage:review_list")  # queue empty now
    link = RecordLink.objects.get(staged_row=pair.staged_row)
    assert link.person.full_name == "SUTRISNO" and link.person != pair.person


def test_a_post_without_a_decision_changes_nothing(client, officer, pair):
    _login(client, officer)
    response = client.post(reverse("linkage:review_decide", args=[pair.pk]), {"decision": "x"},
                           follow=True)
    assert "Pilih salah satu keputusan" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == DuplicateReview.Status.OPEN


def test_the_person_page_lists_its_source_rows_and_splits_one(client, officer, pair,
                                                              small_registry):
    sutrisno = small_registry["SUTRISNO"]
    other_nik = "3510090101800077"
    linked = data.link(data.staged_row(data.list_import("BPNT", "bpnt-2026.csv"), nik=other_nik,
                                       kk="3510091203150007", phone="085712345678",
                                       extra={"card_number": "0001234567890",
                                              "status": "aktif"}),
                       pair.run, sutrisno, "model", 0.996)
    _login(client, officer)
    url = reverse("office:person_detail", args=[sutrisno.pk])
    html = client.get(url).content.decode()
    assert "Sumber data" in html and "bpnt-2026.csv" in html and "BPNT" in html
    assert "Model pencocokan" in html and "99,6 %" in html
    assert "3510********0077" in html and "0001*****7890" in html and "aktif" in html
    _digits_absent(html, other_nik, "085712345678", "0001234567890")
    assert f'action="/office/pencocokan/tautan/{linked.pk}/pisahkan/"' in html
    assert f'<label for="split-reason-{linked.pk}">' in html

    split = reverse("linkage:link_split", args=[linked.pk])
    missing = client.post(split, {"reason": ""}, follow=True)
    assert "Tuliskan alasan pemisahan" in missing.content.decode()
    response = client.post(split, {"reason": "NIK lain, orang lain"})
    assert response.status_code == 302 and response["Location"] == url
    linked.refresh_from_db()
    assert linked.method == RecordLink.Method.SPLIT and linked.person != sutrisno
    assert linked.person.nik == other_nik
    event = AuditEvent.objects.get(action="linkage.record_link_split")
    assert event.data["previous_person_id"] == sutrisno.pk
    assert "bpnt-2026.csv" not in client.get(url).content.decode()


def test_the_person_page_offers_no_split_to_readers_or_for_a_lone_row(client, officer,
                                                                      small_registry, pair):
    sutrisno = small_registry["SUTRISNO"]
    linked = data.link(data.staged_row(data.list_import("BPNT")), pair.run, sutrisno)
    _login(client, officer, role="auditor", area="35.10")
    html = client.get(reverse("office:person_detail", args=[sutrisno.pk])).content.decode()
    assert "Sumber data" in html and "pisahkan/" not in html
    assert client.post(reverse("linkage:link_split", args=[linked.pk]),
                       {"reason": "x"}).status_code == 403
    _login(client, officer, area=VILLAGE_B)
    assert client.post(reverse("linkage:link_split", args=[linked.pk]),
                       {"reason": "x"}).status_code == 404

    # A person the review made from one row: nothing to split.
    _login(client, officer)
    client.post(reverse("linkage:review_decide", args=[pair.pk]), {"decision": "different"})
    made = Person.objects.get(record_links__staged_row=pair.staged_row)
    html = client.get(reverse("office:person_detail", args=[made.pk])).content.decode()
    assert "pkh-genteng.csv" in html and "pisahkan/" not in html


def test_a_pair_of_two_list_rows_shows_both_rows_and_logs_their_persons(client, officer, pair,
                                                                        small_registry):
    made = Person.objects.create(full_name="SUTRISNA", sex="L")
    other = data.staged_row(data.list_import("BPNT", "bpnt-genteng.csv"), name="SUTRISNA",
                            nik="3510090101800010")
    data.link(other, pair.run, made, "new")
    review = data.review(pair.staged_row, pair.run, other=other)
    _login(client, officer)
    html = client.get(reverse("linkage:review_detail", args=[review.pk])).content.decode()
    assert "Baris daftar lain" in html and "bpnt-genteng.csv" in html
    assert "pkh-genteng.csv" in html and "3510********0010" in html
    _digits_absent(html, "3510090101800010", ROW_NIK)
    assert f"tercatat sebagai orang nomor {made.pk}" in html
    assert f"/office/pencocokan/{pair.pk}/" in html  # the row's other open pair
    assert list(AccessLog.objects.values_list("person_id", flat=True)) == [made.pk]


def test_the_queue_makes_a_bounded_number_of_queries(client, officer, pair, small_registry,
                                                     django_assert_max_num_queries):
    _login(client, officer)
    client.get(reverse("linkage:review_list"))  # warm the session and officer caches
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("linkage:review_list"))
    for n in range(12):
        data.review(data.staged_row(pair.staged_row.list_import, name=f"ORANG {n}"), pair.run,
                    person=small_registry["SUTRISNO"], probability=0.8 + n / 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("linkage:review_list")).content.decode()
    assert "<caption>13 pasangan</caption>" in html
