"""The transactional outbox: one row per event and channel, written in the transaction that
makes the change it announces, sent later by `notify.send` with retries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core.fields import EncryptedField


class Message(models.Model):
    """One announcement on one channel. `params` carries only what the text needs (never a
    full account number, NIK or phone: the phone is decrypted from the person at send time)."""

    scope_path = "household__"

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Surel")
        INBOX = "inbox", _("Kotak masuk")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        SKIPPED = "skipped", _("Dilewati")

    kind = models.CharField(max_length=32, help_text="payment_credited, payment_rejected, …")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # No database constraint: the outbox is a log that must never block (or be blocked by)
    # registry merges; the row survives whatever happens to the household later.
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.DO_NOTHING,
                                  db_constraint=False, db_index=False, related_name="messages")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.DO_NOTHING,
                               db_constraint=False, db_index=False, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             db_index=False, related_name="+", help_text="officer notices")
    # Only for an SMS to a number not (yet) in the registry: a sign-up's one-time code, an
    # answer to a complaint made by phone. Encrypted like every phone.
    phone = EncryptedField(purpose="phone")
    key = models.CharField(max_length=120, help_text="the event's idempotency key")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    recipient = models.CharField(max_length=80, blank=True, help_text="masked: ****1234, s***@x.go.id")
    last_error = models.CharField(max_length=300, blank=True, help_text="redacted")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "channel"], name="notify_message_once")]
        indexes = [
            # The sender's query; partial, so it stays as small as the backlog.
            models.Index(fields=["channel", "next_attempt_at"], condition=Q(status="pending"),
                         name="notify_msg_due"),
            models.Index(fields=["household", "-created_at"], name="notify_msg_household"),
            models.Index(fields=["user", "-created_at"], condition=Q(user__isnull=False),
                         name="notify_msg_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.key}"
