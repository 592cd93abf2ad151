"""Program lists in: sources with their column mappings, each imported file, and every row of it
either staged (valid, ready for linkage) or quarantined (with its issues and original bytes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bansos.core.fields import BlindIndexField, EncryptedField


class Source(models.Model):
    """A program or agency that sends lists, with its current column mapping (TOML text)."""

    class Kind(models.TextChoices):
        PROGRAM = "program", _("Program")
        AGENCY = "agency", _("Instansi")
        BANK = "bank", _("Bank")

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    mapping_toml = models.TextField(blank=True, help_text="column mapping, TOML (see docs/intake.md)")
    mapping_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ListImport(models.Model):
    """One file of one source, imported once (the file's sha256 makes a re-import a no-op).
    Rows are processed in batches; `batches_done` lets an interrupted import resume."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField()
    stored_path = models.CharField(max_length=500, blank=True, help_text="upload kept until done")
    layout = models.JSONField(default=dict, help_text="detected kind, encoding, delimiter, sheets")
    mapping_toml = models.TextField(help_text="the mapping used, frozen at import time")
    mapping_version = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    batches_done = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_staged = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    issue_counts = models.JSONField(default=dict)
    file_issues = models.JSONField(default=list)
    run = models.ForeignKey("core.Run", null=True, blank=True, on_delete=models.SET_NULL)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL)
    area = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                             help_text="the submitting officer's area: rows must lie inside it")
    resubmits = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="corrections",
                                  help_text="the import whose quarantined rows this corrects")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "file_sha256"],
                                               name="list_import_unique_file")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.file_name}"


class StagedRow(models.Model):
    """A valid row in canonical fields, waiting for linkage into the registry.

    Lean on purpose, as every index and constraint is paid on each of millions of rows per
    import (benchmarks: intake-csv-*): the only index is the unique key below, which also serves
    every query made so far (rows of one import). The two foreign keys are not enforced by
    the database row by row: the importer is the only writer, villages come from the area
    catalogue, and `services._finish` checks both set-at-a-time before an import is done;
    deleting an import deletes its rows through Django's cascade. Add an index together with
    the first query that needs it.
    """

    scope_path = ""

    list_import = models.ForeignKey(ListImport, on_delete=models.CASCADE, related_name="staged",
                                    db_index=False, db_constraint=False)
    row_number = models.PositiveIntegerField()
    sheet = models.CharField(max_length=64, blank=True)
    nik = EncryptedField(purpose="nik")
    nik_index = BlindIndexField(source="nik", purpose="nik", db_index=False)
    kk = EncryptedField(purpose="kk")
    kk_index = BlindIndexField(source="kk", purpose="kk", db_index=False)
    full_name = models.CharField(max_length=150, blank=True)
    name_titles = models.CharField(max_length=60, blank=True)
    birth_place = models.CharField(max_length=80, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    relationship = models.CharField(max_length=16, blank=True)
    address = models.CharField(max_length=300, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    village = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=False, db_constraint=False)
    village_match = models.CharField(max_length=12, blank=True, help_text="code, name_exact, name_fuzzy")
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    district_code = models.CharField(max_length=8, blank=True)
    phone = EncryptedField(purpose="phone")
    phone_index = BlindIndexField(source="phone", purpose="phone", db_index=False)
    bank = models.CharField(max_length=16, blank=True)
    account_number = EncryptedField(purpose="account")
    account_index = BlindIndexField(source="account_number", purpose="account", db_index=False)
    extra = models.JSONField(default=dict, help_text="program-specific fields, as mapped")
    warnings = models.CharField(max_length=300, blank=True, help_text="';'-joined issue codes")

    class Meta:
        # Also the index for "rows of one import" (its first column).
        constraints = [models.UniqueConstraint(fields=["list_import", "sheet", "row_number"],
                                               name="staged_row_unique")]


class QuarantinedRow(models.Model):
    """A row that could not be staged: its original bytes (encrypted: they hold identifiers) and
    its issues. It leaves quarantine when a correction is staged or an officer dismisses it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        CORRECTED = "corrected", _("Sudah diperbaiki")
        DISMISSED = "dismissed", _("Diabaikan")

    scope_path = ""

    list_import = models.ForeignKey(ListImport, on_delete=models.CASCADE, related_name="quarantined")
    row_number = models.PositiveIntegerField()
    sheet = models.CharField(max_length=64, blank=True)
    raw = EncryptedField(purpose="quarantine")
    issues = models.JSONField(default=list, help_text="[{code, field, severity}]")
    issue_codes = models.CharField(max_length=300, help_text="';'-joined, for filtering")
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    regency_code = models.CharField(max_length=5, blank=True, db_index=True)
    district_code = models.CharField(max_length=8, blank=True, db_index=True)
    village = models.ForeignKey("areas.Area", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    rw = models.CharField(max_length=3, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    corrected_by = models.ForeignKey(StagedRow, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list_import", "sheet", "row_number"],
                                               name="quarantined_row_unique")]
