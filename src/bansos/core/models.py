from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Run(models.Model):
    """One execution of a batch job (import, generate, load, scoring…): status, progress, log.

    Jobs are resumable: `key` identifies the work (e.g. a file hash), so a re-run of finished
    work is recognised, and a run that died in `running` can be picked up again.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("berjalan")
        SUCCEEDED = "succeeded", _("selesai")
        FAILED = "failed", _("gagal")

    kind = models.CharField(max_length=64, db_index=True)
    key = models.CharField(max_length=128, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    params = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(null=True, blank=True)
    log = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
