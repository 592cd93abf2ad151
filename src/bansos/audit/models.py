"""Audit events (every state change) and the access log (every officer read of a person)."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Append-only, hash-chained: `hash` covers the previous event's hash and this event's
    content, so a quiet edit of any row breaks the chain from that row on."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="username, or system:<job>")
    action = models.CharField(max_length=64, db_index=True, help_text="e.g. household.create")
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=40, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]


class AccessLog(models.Model):
    """An officer looked at or changed a person's record. Citizens can read the entries about
    themselves (role and office, never the officer's personal account)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=20)
    office = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, default="view")
    purpose = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-at"]


class AuditCheckpoint(models.Model):
    """The chain's head at a moment, to be published (a gazette, a notary, the open-data
    page): whoever holds a checkpoint can later prove that no event up to it was changed, even
    by someone able to recompute the whole chain in the database."""

    event_id = models.BigIntegerField(help_text="the last event covered")
    event_hash = models.CharField(max_length=64)
    events = models.BigIntegerField(help_text="events up to and including it")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-event_id"]
