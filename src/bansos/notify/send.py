"""The sender: due pending messages out through their channels, with retries and back-off.

Two senders may run at once (a cron'd command and a job worker, or several workers): each
claims a batch in a short transaction (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
has one writer) by counting the attempt and moving `next_attempt_at` a lease ahead, then sends
outside any transaction and records the outcome. A claimed message is not due for anyone
else, so it is handed to the gateway once; only a sender that dies between handing it over
and recording it leaves it to be retried when the lease runs out.

SMS wait (stay pending) while BANSOS_SMS_URL is empty: they go out once a gateway is set.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bansos.core.redact import redact
from bansos.notify.channels import (
    ChannelError,
    NoRecipient,
    email_masked,
    email_send,
    phone_e164,
    phone_masked,
    sms_configured,
    sms_send,
)
from bansos.notify.models import Message
from bansos.notify.texts import KINDS, TextError, subject_render, text_render
from bansos.registry.models import Household, Person

logger = logging.getLogger(__name__)

BATCH = 100
LEASE = timedelta(minutes=15)  # longer than a batch can take, gateway timeouts included
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def max_attempts() -> int:
    return int(getattr(settings, "BANSOS_NOTIFY_MAX_ATTEMPTS", 6))


def _channels_ready() -> list[str]:
    return [Message.Channel.EMAIL] + ([Message.Channel.SMS] if sms_configured() else [])


def _claim(*, now: datetime, size: int, channels: list[str]) -> list[int]:
    with transaction.atomic():
        due = (Message.objects.filter(status=Message.Status.PENDING, channel__in=channels,
                                      next_attempt_at__lte=now).order_by("next_attempt_at", "id"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:size])
        if ids:
            Message.objects.filter(id__in=ids).update(attempts=F("attempts") + 1,
                                                      next_attempt_at=now + LEASE)
    return ids


def _phones(messages: list[Message]) -> dict[int, str | None]:
    """Message id -> the phone of its person (the household head when none is named),
    decrypted here and nowhere earlier: three queries for a batch."""
    sms = [m for m in messages if m.channel == Message.Channel.SMS]
    heads = dict(Household.objects.filter(
        pk__in={m.household_id for m in sms if m.person_id is None and m.household_id})
        .values_list("pk", "head_id"))
    person_of = {m.pk: m.person_id or heads.get(m.household_id) for m in sms}
    phones = dict(Person.objects.filter(pk__in={p for p in person_of.values() if p})
                  .values_list("pk", "phone"))
    # A number carried by the message itself wins: it is where the citizen asked to be told.
    return {m.pk: m.phone or phones.get(person_of[m.pk]) for m in sms}


def _deliver(message: Message, phone: str | None) -> str:
    """Send one message; returns the masked recipient."""
    text = text_render(kind=message.kind, params=message.params)
    if message.channel == Message.Channel.SMS:
        number = phone_e164(phone)
        sms_send(phone=number, text=text)
        return phone_masked(number)
    if message.channel == Message.Channel.EMAIL:
        address = message.user.email if message.user else ""
        email_send(address=address, text=text,
                   subject=subject_render(kind=message.kind, params=message.params))
        return email_masked(address)
    return ""  # inbox: nothing to send


def _outcome(message: Message, phone: str | None, now: datetime) -> tuple[str, dict]:
    """Try one message: (what happened, the fields to store)."""
    try:
        recipient = _deliver(message, phone)
    except NoRecipient as error:
        return "skipped", {"status": Message.Status.SKIPPED, "last_error": str(error)}
    except TextError as error:  # the message itself is wrong: retrying will not help
        return _failed(message, str(error))
    except ChannelError as error:
        if error.permanent:
            return _failed(message, str(error))
        return _retry(message, str(error), now)
    except Exception as error:  # a bug or an odd backend: logged, retried like any failure
        logger.exception("notify: message %s: unexpected error", message.pk)
        return _retry(message, f"{type(error).__name__}: {error}", now)
    return "sent", {"status": Message.Status.SENT, "sent_at": now, "recipient": recipient,
                    "last_error": ""}


def _failed(message: Message, reason: str) -> tuple[str, dict]:
    reason = redact(reason)[:300]
    logger.warning("notify: message %s (%s/%s) failed for good after %s attempt(s): %s",
                   message.pk, message.kind, message.channel, message.attempts, reason)
    return "failed", {"status": Message.Status.FAILED, "last_error": reason}


def _retry(message: Message, reason: str, now: datetime) -> tuple[str, dict]:
    if message.attempts >= max_attempts():
        return _failed(message, reason)
    reason = redact(reason)[:300]
    wait = backoff(message.attempts)
    logger.info("notify: message %s (%s/%s) attempt %s failed, retry in %s: %s", message.pk,
                message.kind, message.channel, message.attempts, wait, reason)
    return "retry", {"status": Message.Status.PENDING, "next_attempt_at": now + wait,
                     "last_error": reason}


def notify_send(*, limit: int = 1000, now: datetime | None = None) -> dict:
    """Send up to `limit` due pending messages; returns counts of sent, retry (to be tried
    again later), failed and skipped, and whether an SMS gateway is configured."""
    now = now or timezone.now()
    channels = _channels_ready()
    counts: Counter[str] = Counter()
    done = 0
    while done < limit:
        ids = _claim(now=now, size=min(BATCH, limit - done), channels=channels)
        if not ids:
            break
        messages = list(Message.objects.filter(pk__in=ids).select_related("user").order_by("id"))
        phones = _phones(messages)
        for message in messages:
            result, changes = _outcome(message, phones.get(message.pk), now)
            spec = KINDS.get(message.kind)
            secret = spec.secret if spec is not None and result != "retry" else ()
            if secret:
                changes["params"] = {**message.params, **dict.fromkeys(secret, "******")}
            Message.objects.filter(pk=message.pk).update(**changes)
            counts[result] += 1
        done += len(ids)
    return {"sent": counts["sent"], "retry": counts["retry"], "failed": counts["failed"],
            "skipped": counts["skipped"], "sms_gateway": sms_configured()}
