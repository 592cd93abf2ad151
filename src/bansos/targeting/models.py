"""What targeting stores: the fitted PMT models, each scoring run with the welfare score and
deciles it gave every household, and the flags that exclude a household from programs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PmtVersion(models.Model):
    """A fitted proxy-means-test model: the TOML file itself (the weights are data), kept so a
    decision can always be traced to the exact weights that ranked the household."""

    version = models.CharField(max_length=20, unique=True)
    body = models.TextField(help_text="the model file (TOML) as fitted")
    sha256 = models.CharField(max_length=64)
    fitted_on = models.DateField()
    survey = models.CharField(max_length=200, blank=True, help_text="the survey file it was fitted on")
    survey_sha256 = models.CharField(max_length=64, blank=True)
    r2 = models.FloatField(null=True, help_text="weighted R² of the national model on the survey")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"PMT {self.version}"


class ScoringRun(models.Model):
    """One scoring of the whole registry with one PMT version: every household gets a welfare
    score and national and regional deciles. Its input snapshot (households, members) is kept
    as Parquet so previews and cycles decide on exactly what was ranked."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    pmt = models.ForeignKey(PmtVersion, on_delete=models.PROTECT, related_name="runs")
    registry_version = models.ForeignKey("registry.RegistryVersion", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    households = models.PositiveIntegerField(default=0)
    ranked = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    snapshot = models.CharField(max_length=300, blank=True, help_text="folder of the input snapshot")
    timings = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    started_by = models.CharField(max_length=150, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scoring run {self.pk}"


class WelfareScore(models.Model):
    """A household's place in one scoring run. Written in bulk (a million per run), so keys are
    not checked row by row by the database; the run writes ids it has just read."""

    scope_path = "household__"

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores",
                            db_index=False, db_constraint=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="welfare_scores", db_constraint=False)
    persons = models.PositiveSmallIntegerField(help_text="living members counted in the deciles")
    score = models.FloatField(null=True, help_text="predicted log per-capita expenditure")
    stratum = models.CharField(max_length=8, blank=True, help_text="the PMT stratum model used")
    decile = models.PositiveSmallIntegerField(help_text="national decile 1-10; 0 = not ranked")
    decile_regional = models.PositiveSmallIntegerField(help_text="decile within the regency")
    criteria_met = models.SmallIntegerField(help_text="observed 14-criteria items met; -1 unknown")
    criteria_decile = models.PositiveSmallIntegerField(help_text="decile by the 14 criteria (baseline)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "household"], name="welfare_score_unique")]


class FlagKind(models.TextChoices):
    """Exclusion statuses used in practice (DOMAIN.md): program rule files name them."""

    DECEASED_RECORD = "deceased_record", _("Meninggal menurut data kependudukan")
    INELIGIBLE_REGION = "ineligible_region", _("Tidak layak menurut daerah")
    INELIGIBLE_FIELD_CHECK = "ineligible_field_check", _("Tidak layak setelah verifikasi lapangan")
    WELFARE_STAFF = "welfare_staff", _("Pendamping/petugas sosial")
    GAMBLING = "gambling", _("Terindikasi judi online")
    WITHDRAWN = "withdrawn", _("Mengundurkan diri")


class HouseholdFlag(models.Model):
    """A reason to exclude a household, raised by an officer or a detector and lifted with a
    note; only open flags (lifted_at empty) exclude."""

    scope_path = "household__"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=24, choices=FlagKind.choices)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="who raised it: officer, detector, file")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["household", "lifted_at"])]
