"""Linkage runs and their outcome: where each staged list row went in the registry, and the
uncertain pairs waiting for a person to decide."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkRun(models.Model):
    """One linkage of staged rows into the registry, with the thresholds it used and the model
    it trained (Splink settings with m and u), so every decision can be explained later."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    run = models.ForeignKey("core.Run", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    upper_threshold = models.FloatField(help_text="match probability at or above which rows merge")
    lower_threshold = models.FloatField(help_text="below this, distinct; between: review")
    model = models.JSONField(default=dict, help_text="the trained Splink model (settings, m, u)")
    counts = models.JSONField(default=dict)
    timings = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Link run {self.pk}"


class RecordLink(models.Model):
    """Where one staged row went: the registry person and household it is evidence of. The row
    itself keeps every value the source sent (the provenance); this table only places it.

    `person` is null while the row waits for a duplicate review. Rows are written in bulk (a
    million per run), so their keys are not checked by the database row by row, which cost
    about 1 s per 100k rows at commit (as for `StagedRow`): the run writes ids it has just
    read or created in the same transaction, and deleting a person or household is still
    refused by Django's PROTECT while links point to it."""

    class Method(models.TextChoices):
        NIK_BIRTH_DATE = "nik_birth_date", _("NIK dan tanggal lahir sama")
        MODEL = "model", _("Model pencocokan")
        NEW = "new", _("Orang baru")
        REVIEW = "review", _("Menunggu pemeriksaan")
        REVIEWED = "reviewed", _("Diputuskan petugas")
        SPLIT = "split", _("Dipisahkan petugas")

    scope_path = "household__"

    staged_row = models.OneToOneField("intake.StagedRow", on_delete=models.CASCADE,
                                      related_name="link", db_constraint=False)
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="links",
                            db_index=False, db_constraint=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="record_links", db_constraint=False)
    household = models.ForeignKey("registry.Household", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="record_links",
                                  db_index=False, db_constraint=False)
    method = models.CharField(max_length=16, choices=Method.choices)
    match_probability = models.FloatField(null=True, blank=True)


class DuplicateReview(models.Model):
    """An uncertain pair for a person to decide: a staged row and the registry person (or
    another staged row) the model scored between the thresholds, with the match weight of
    each field so the reviewer sees why."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        SAME = "same", _("Orang yang sama")
        DIFFERENT = "different", _("Orang berbeda")

    scope_path = ""

    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="reviews")
    staged_row = models.ForeignKey("intake.StagedRow", on_delete=models.CASCADE,
                                   related_name="+", db_constraint=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    other_row = models.ForeignKey("intake.StagedRow", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+", db_constraint=False)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    weights = models.JSONField(default=list, help_text="[{field, level, weight}] per comparison")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    regency_code = models.CharField(max_length=5, blank=True, db_index=True)
    district_code = models.CharField(max_length=8, blank=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "-match_probability"])]
