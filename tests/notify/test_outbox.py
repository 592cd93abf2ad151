"""Enqueueing: one inbox and one SMS message per event, each event announced once whatever the
re-runs, nothing left behind by a rolled-back transaction, and wrong input refused up front."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from bansos.notify.models import Message
from bansos.notify.outbox import inbox_mark_read, messages_enqueue, notice_enqueue
from bansos.notify.queries import inbox_for_household
from bansos.notify.send import notify_send
from bansos.notify.texts import TextError
from tests.notify.conftest import CREDITED, rows_of


def test_each_row_gives_a_delivered_inbox_message_and_a_pending_sms(families):
    sutrisno, slamet = families["SUTRISNO"], families["SLAMET"]
    rows = rows_of(("pay:1:credited", sutrisno, CREDITED), ("pay:2:credited", slamet, CREDITED))
    assert messages_enqueue(kind="payment_credited", rows=rows) == 4
    by_channel = {(m.key, m.channel): m for m in Message.objects.all()}
    inbox = by_channel[("pay:1:credited", "inbox")]
    assert inbox.status == "sent" and inbox.sent_at is not None and inbox.read_at is None
    assert inbox.household_id == sutrisno.household_id and inbox.person_id == sutrisno.pk
    assert inbox.params == CREDITED and inbox.kind == "payment_credited"
    sms = by_channel[("pay:2:credited", "sms")]
    # A family without a phone still gets its SMS row: the sender decides, not the enqueuer.
    assert sms.status == "pending" and sms.attempts == 0 and sms.sent_at is None
    assert sms.next_attempt_at == sms.created_at  # due at once


def test_the_same_event_is_announced_once(families):
    sutrisno = families["SUTRISNO"]
    rows = rows_of(("pay:1:credited", sutrisno, CREDITED))
    assert messages_enqueue(kind="payment_credited", rows=rows) == 2
    assert messages_enqueue(kind="payment_credited", rows=rows) == 0
    # A re-run that adds a new event writes only the new one.
    more = rows_of(("pay:1:credited", sutrisno, CREDITED), ("pay:9:credited", sutrisno, CREDITED))
    assert messages_enqueue(kind="payment_credited", rows=more) == 2
    assert Message.objects.count() == 4
    # Duplicates inside one call, too.
    twice = rows_of(("pay:5:rejected", sutrisno, {**CREDITED, "reason": "rekening ditutup"}),
                    ("pay:5:rejected", sutrisno, {**CREDITED, "reason": "rekening ditutup"}))
    assert messages_enqueue(kind="payment_rejected", rows=twice) == 2
    assert Message.objects.filter(key="pay:5:rejected").count() == 2


def test_a_rolled_back_transaction_leaves_no_message(families):
    rows = rows_of(("pay:1:credited", families["SUTRISNO"], CREDITED))
    with pytest.raises(RuntimeError), transaction.atomic():
        assert messages_enqueue(kind="payment_credited", rows=rows) == 2
        assert Message.objects.count() == 2  # visible inside the transaction
        raise RuntimeError("the payment step failed")
    assert not Message.objects.exists()
    # The event can then be announced when the payment step succeeds.
    with transaction.atomic():
        assert messages_enqueue(kind="payment_credited", rows=rows) == 2
        assert messages_enqueue(kind="payment_credited", rows=rows) == 0  # twice in one transaction


def test_person_may_be_null_and_types_are_cast(families):
    sutrisno = families["SUTRISNO"]
    rows = pa.table({"params": [json.dumps({"program": "SEMBAKO", "bank": "BNI"})],
                     "key": ["acct:7"], "household_id": pa.array([sutrisno.household_id], pa.int32()),
                     "person_id": pa.array([None], pa.int64())})
    assert messages_enqueue(kind="account_requested", rows=rows) == 2
    assert set(Message.objects.values_list("person_id", flat=True)) == {None}


def test_empty_rows_write_nothing(families):
    empty = rows_of(("x", families["SUTRISNO"], CREDITED)).slice(0, 0)
    assert messages_enqueue(kind="payment_credited", rows=empty) == 0


def test_wrong_input_is_refused_before_writing(families):
    sutrisno = families["SUTRISNO"]
    rows = rows_of(("pay:1", sutrisno, CREDITED))
    with pytest.raises(TextError, match="unknown notification kind"):
        messages_enqueue(kind="payment_lost", rows=rows)
    with pytest.raises(ValueError, match="officer notice"):
        messages_enqueue(kind="report_rejected", rows=rows)
    with pytest.raises(ValueError, match="lack columns"):
        messages_enqueue(kind="payment_credited", rows=rows.drop_columns(["person_id"]))
    no_date = {k: v for k, v in CREDITED.items() if k != "date"}
    with pytest.raises(TextError, match="missing params: date"):
        messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", sutrisno, no_date)))
    with pytest.raises(ValueError, match="longer than 120"):
        messages_enqueue(kind="payment_credited", rows=rows_of(("k" * 121, sutrisno, CREDITED)))
    bad_json = rows_of(("pay:1", sutrisno, CREDITED), ("pay:2", sutrisno, CREDITED))
    bad_json = bad_json.set_column(3, "params", pa.array([json.dumps(CREDITED), "{not json"]))
    with pytest.raises(DatabaseError, match="(?i)json"), transaction.atomic():
        messages_enqueue(kind="payment_credited", rows=bad_json)
    nulls = rows.set_column(0, "key", pa.array([None], pa.string()))
    with pytest.raises(ValueError, match="key must not be null"):
        messages_enqueue(kind="payment_credited", rows=nulls)
    assert not Message.objects.exists()


def test_an_empty_value_fails_that_message_at_send_not_the_callers_batch(families, settings):
    settings.BANSOS_SMS_URL = ""
    sutrisno = families["SUTRISNO"]
    assert messages_enqueue(kind="payment_credited", rows=rows_of(
        ("pay:1", sutrisno, CREDITED), ("pay:2", sutrisno, {**CREDITED, "date": None}))) == 4
    views = {v.message.key: v.text for v in inbox_for_household(household_id=sutrisno.household_id)}
    assert list(views) == ["pay:1"] and views["pay:1"].startswith("Bantuan PKH")  # no error text
    broken = Message.objects.get(key="pay:2", channel="sms")
    settings.BANSOS_SMS_URL = "http://127.0.0.1:9/sms"  # never reached: the text fails first
    assert notify_send()["failed"] == 1
    broken.refresh_from_db()
    assert broken.status == "failed" and "missing params: date" in broken.last_error


def test_officer_notice_by_email_and_inbox_once_per_officer(db):
    users = get_user_model().objects
    with_mail = users.create_user("dinsos", email="operator@dinsos.banyuwangikab.go.id")
    without = users.create_user("bank-ops", email="")
    params = {"bank": "BRI", "file": "camt054-2025-10-12.xml", "error": "skema XML tidak valid"}
    assert notice_enqueue(kind="report_rejected", key="report:31", users=[with_mail, without],
                          params=params) == 3
    assert notice_enqueue(kind="report_rejected", key="report:31", users=[with_mail, without],
                          params=params) == 0
    email = Message.objects.get(channel="email")
    assert email.user == with_mail and email.status == "pending" and email.key == f"report:31:user:{with_mail.pk}"
    inboxes = Message.objects.filter(channel="inbox")
    assert {m.user_id for m in inboxes} == {with_mail.pk, without.pk}
    assert all(m.status == "sent" and m.household_id is None for m in inboxes)
    with pytest.raises(ValueError, match="for citizens"):
        notice_enqueue(kind="payment_credited", key="k", users=[with_mail], params=CREDITED)
    with pytest.raises(TextError, match="missing params: error"):
        notice_enqueue(kind="report_rejected", key="k", users=[with_mail], params={"bank": "BRI", "file": "x"})


def test_household_inbox_newest_first_and_read(families):
    sutrisno, siti = families["SUTRISNO"], families["SITI AMINAH"]
    messages_enqueue(kind="account_requested", rows=rows_of(("acct:1", sutrisno, {"program": "PKH", "bank": "BRI"})))
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", sutrisno, CREDITED), ("pay:2", siti, CREDITED)))
    inbox = inbox_for_household(household_id=sutrisno.household_id)
    assert [v.message.key for v in inbox] == ["pay:1", "acct:1"]
    assert inbox[0].text.startswith("Bantuan PKH tahap 2025-Q4 sebesar Rp750.000 sudah masuk")
    assert "burekol" in inbox[1].text and "KK dan KTP" in inbox[1].text
    assert inbox_mark_read(household_id=sutrisno.household_id, message_ids=[inbox[0].message.pk]) == 1
    assert inbox_mark_read(household_id=sutrisno.household_id) == 1  # the other one
    assert inbox_mark_read(household_id=sutrisno.household_id) == 0
    assert not Message.objects.filter(household_id=sutrisno.household_id, channel="inbox", read_at=None).exists()
    assert Message.objects.filter(household_id=siti.household_id, channel="inbox", read_at=None).count() == 1


def test_a_sign_up_code_goes_by_sms_only_and_is_blanked_once_sent(small_registry, settings, monkeypatch):
    from bansos.notify import send
    from bansos.notify.outbox import citizen_notify

    person = small_registry["SUTRISNO"]
    sent = []
    monkeypatch.setattr(send, "sms_send", lambda *, phone, text: sent.append((phone, text)))
    settings.BANSOS_SMS_URL = "http://gateway.invalid/sms"
    assert citizen_notify(kind="otp_code", key="otp:t:1", params={"code": "482913", "minutes": 10},
                          household_id=person.household_id, person_id=person.pk, phone="081234567890") == 1
    message = Message.objects.get(key="otp:t:1")
    assert message.channel == "sms" and message.phone == "081234567890"  # no inbox copy
    send.notify_send()
    message.refresh_from_db()
    assert message.status == "sent" and message.params == {"code": "******", "minutes": 10}
    assert sent and "482913" in sent[0][1]
