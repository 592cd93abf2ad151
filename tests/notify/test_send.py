"""The sender against the demo gateway running in a thread: SMS recorded with the phone masked,
the head's phone when no person is named, skipped without a phone, back-off and the last
attempt, officer email through Django's mail, one sender's claim hidden from another."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from bansos.notify import channels
from bansos.notify.models import Message
from bansos.notify.outbox import messages_enqueue, notice_enqueue
from bansos.notify.send import _claim, backoff, notify_send
from tests.notify.conftest import CREDITED, PHONE, PHONE_SITI, rows_of


def _sms(key: str) -> Message:
    return Message.objects.get(key=key, channel="sms")


def test_sms_goes_through_the_gateway_with_the_phone_masked(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED),
                                                           ("pay:2", families["SITI AMINAH"], CREDITED)))
    now = timezone.now()
    assert notify_send(now=now) == {"sent": 2, "retry": 0, "failed": 0, "skipped": 0, "sms_gateway": True}
    lines = gateway.lines()
    assert sorted(line["to"] for line in lines) == ["****5678", "****7890"]
    assert lines[0]["text"].startswith("Bantuan PKH tahap 2025-Q4 sebesar Rp750.000 sudah masuk")
    raw = gateway.record.read_text()
    assert PHONE not in raw and PHONE[3:] not in raw and PHONE_SITI[3:] not in raw
    sms = _sms("pay:1")
    assert sms.status == "sent" and sms.sent_at == now and sms.attempts == 1 and sms.recipient == "****7890"
    assert notify_send(now=now + timedelta(hours=1))["sent"] == 0  # never twice
    assert len(gateway.lines()) == 2


def test_the_heads_phone_when_no_person_is_named(families, gateway):
    messages_enqueue(kind="account_requested", rows=rows_of(
        ("acct:1", families["SITI AMINAH"], {"program": "PKH", "bank": "BRI"}), person=False))
    assert notify_send()["sent"] == 1
    assert gateway.lines()[0]["to"] == "****5678" and "burekol" in gateway.lines()[0]["text"]


def test_no_phone_is_skipped_without_asking_the_gateway(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:3", families["SLAMET"], CREDITED)))
    assert notify_send()["skipped"] == 1
    sms = _sms("pay:3")
    assert sms.status == "skipped" and "no valid mobile number" in sms.last_error
    assert gateway.lines() == []


def test_back_off_then_failed_after_the_last_attempt(families, gateway_factory, settings, caplog):
    gateway = gateway_factory(fail_every=1)  # the gateway answers 503 to everything
    settings.BANSOS_NOTIFY_MAX_ATTEMPTS = 4
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED)))
    start = timezone.now()
    assert notify_send(now=start)["retry"] == 1
    sms = _sms("pay:1")
    assert (sms.status, sms.attempts, sms.next_attempt_at) == ("pending", 1, start + timedelta(minutes=1))
    assert "HTTP 503" in sms.last_error
    assert notify_send(now=start + timedelta(seconds=59))["retry"] == 0  # not due yet
    at = start + timedelta(minutes=1)
    for attempt, wait in ((2, 2), (3, 4)):
        assert notify_send(now=at)["retry"] == 1
        sms = _sms("pay:1")
        assert sms.attempts == attempt and sms.next_attempt_at == at + timedelta(minutes=wait)
        at = sms.next_attempt_at
    with caplog.at_level(logging.INFO, logger="bansos.notify.send"):
        assert notify_send(now=at)["failed"] == 1
    sms = _sms("pay:1")
    assert sms.status == "failed" and sms.attempts == 4 and "HTTP 503" in sms.last_error
    assert notify_send(now=at + timedelta(days=1))["failed"] == 0  # failed for good
    assert gateway.lines() == []
    assert "failed for good after 4 attempt(s)" in caplog.text and PHONE[3:] not in caplog.text


def test_back_off_doubles_from_a_minute_to_at_most_six_hours():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 16, 32]
    assert backoff(12) == timedelta(hours=6)


def test_a_failure_now_and_then_is_retried_and_sent(families, gateway_factory):
    gateway = gateway_factory(fail_every=2)  # the second message is refused once
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED),
                                                           ("pay:2", families["SITI AMINAH"], CREDITED)))
    now = timezone.now()
    assert notify_send(now=now) == {"sent": 1, "retry": 1, "failed": 0, "skipped": 0, "sms_gateway": True}
    assert notify_send(now=now + timedelta(minutes=1))["sent"] == 1
    assert sorted(line["to"] for line in gateway.lines()) == ["****5678", "****7890"]
    assert set(Message.objects.filter(channel="sms").values_list("status", flat=True)) == {"sent"}


def test_errors_stored_and_logged_never_hold_the_phone(families, gateway, monkeypatch, caplog):
    def refuse(*, phone, text):
        raise channels.ChannelError(f"gateway refused {phone}: number barred", permanent=True)

    monkeypatch.setattr("bansos.notify.send.sms_send", refuse)
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED)))
    with caplog.at_level(logging.INFO, logger="bansos.notify.send"):
        assert notify_send()["failed"] == 1  # permanent: no retry
    sms = _sms("pay:1")
    assert sms.attempts == 1 and "number barred" in sms.last_error
    assert PHONE[3:] not in sms.last_error and PHONE[3:] not in caplog.text
    assert "[disamarkan/redacted]" in sms.last_error


def test_without_a_gateway_sms_wait(families, settings):
    settings.BANSOS_SMS_URL = ""
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED)))
    assert notify_send() == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "sms_gateway": False}
    sms = _sms("pay:1")
    assert sms.status == "pending" and sms.attempts == 0


def test_officer_email_through_djangos_mail(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer = get_user_model().objects.create_user("dinsos", email="operator@dinsos.banyuwangikab.go.id")
    notice_enqueue(kind="report_rejected", key="report:31", users=[officer],
                   params={"bank": "BRI", "file": "camt054.xml", "error": "skema XML tidak valid"})
    assert notify_send()["sent"] == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["operator@dinsos.banyuwangikab.go.id"] and sent.subject == "Laporan bank BRI ditolak"
    assert "camt054.xml" in sent.body and "skema XML tidak valid" in sent.body
    email = Message.objects.get(channel="email")
    assert email.status == "sent" and email.recipient == "o***@dinsos.banyuwangikab.go.id"


def test_email_backend_failure_is_retried(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    officer = get_user_model().objects.create_user("dinsos", email="operator@example.go.id")
    notice_enqueue(kind="report_rejected", key="report:32", users=[officer],
                   params={"bank": "BNI", "file": "x.xml", "error": "kosong"})
    assert notify_send()["retry"] == 1
    assert Message.objects.get(channel="email").last_error.startswith("email: ")


def test_a_claimed_message_is_not_due_for_another_sender(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SUTRISNO"], CREDITED),
                                                           ("pay:2", families["SITI AMINAH"], CREDITED)))
    now = timezone.now()
    claimed = _claim(now=now, size=1, channels=["sms"])  # sender A claims one and is still busy
    assert len(claimed) == 1
    assert notify_send(now=now)["sent"] == 1  # sender B sends only the other
    assert _sms("pay:1").pk in claimed or _sms("pay:2").pk in claimed
    assert Message.objects.get(pk=claimed[0]).status == "pending"
    assert len(gateway.lines()) == 1
    # Had sender A died, its message is retried once the lease runs out.
    assert notify_send(now=now + timedelta(minutes=16))["sent"] == 1
    assert len(gateway.lines()) == 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once(families, gateway, monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite has one writer at a time anyway")
    import threading

    monkeypatch.setattr("bansos.notify.send.BATCH", 3)  # many small claims, interleaved
    person = families["SUTRISNO"]
    messages_enqueue(kind="payment_credited", rows=rows_of(*((f"pay:{n}", person, CREDITED) for n in range(40))))
    results: list[dict] = []

    def sender() -> None:
        try:
            results.append(notify_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 40 and all(r["retry"] == r["failed"] == 0 for r in results)
    assert len(gateway.lines()) == 40 and len({line["text"] for line in gateway.lines()}) == 1
    assert Message.objects.filter(channel="sms", status="sent", attempts=1).count() == 40
