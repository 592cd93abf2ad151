"""The office page of notifications: counts and latest messages inside the officer's area only,
recipients masked, texts as the citizen got them, a bounded number of queries."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from bansos.notify.outbox import messages_enqueue
from bansos.notify.send import notify_send
from tests.conftest import VILLAGE_A
from tests.notify.conftest import CREDITED, PHONE, rows_of

URL = "/office/notifikasi/"


@pytest.fixture
def announced(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED),
                                                           ("pay:2", families["SLAMET"], CREDITED)))
    notify_send()
    return families


def test_url_and_nav_link(client, officer, announced):
    assert reverse("notify:outbox") == URL
    client.force_login(officer("village_operator", VILLAGE_A))
    assert f'href="{URL}"' in client.get(reverse("office:home")).content.decode()


def test_officer_sees_counts_and_masked_messages_of_the_area(client, officer, announced, django_assert_max_num_queries):
    client.force_login(officer("regency", "35.10"))
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html and "<caption>" in html and 'scope="col"' in html
    assert "Bantuan masuk rekening" in html and "Terkirim" in html and "Dilewati" in html
    assert "****7890" in html  # SUTRISNO's SMS, masked
    assert "Bantuan PKH tahap 2025-Q4 sebesar Rp750.000 sudah masuk ke rekening BRI ****1234" in html
    assert PHONE not in html and PHONE[3:] not in html and "81234567890" not in html


def test_officer_of_another_area_sees_nothing(client, officer, announced):
    client.force_login(officer("village_operator", "35.10.16.1001"))  # I WAYAN's village: no message
    html = client.get(URL).content.decode()
    assert "Belum ada pemberitahuan di wilayah ini." in html and "Belum ada pesan." in html
    assert "****7890" not in html and "sudah masuk ke rekening" not in html
    client.force_login(officer("village_operator", "35.10.09.2002"))  # SLAMET's village
    html = client.get(URL).content.decode()
    assert "****7890" not in html and "SLAMET</a>" in html and "SUTRISNO" not in html
    assert "no valid mobile number" in html  # his SMS was skipped, and why


def test_filters(client, officer, announced):
    client.force_login(officer("regency", "35.10"))
    html = client.get(URL, {"status": "skipped"}).content.decode()
    assert "no valid mobile number" in html and "****7890" not in html
    html = client.get(URL, {"status": "nonsense", "channel": "sms"}).content.decode()
    assert "****7890" in html  # an unknown status is ignored, the channel kept


def test_in_english_the_translation_is_shown_beside_the_indonesian(client, officer, announced):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(officer("regency", "35.10"))
    html = client.get(URL).content.decode()
    assert '<html lang="en">' in html
    assert '<span lang="id">Bantuan PKH tahap 2025-Q4' in html


def test_only_officers(client, announced, django_user_model):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("citizen"))
    assert client.get(URL).status_code == 403
