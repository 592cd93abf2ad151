"""Programs and their payment cycles (tahap): the rule version each cycle used, the decision for
every household, the entitlements frozen at approval, enrolments and suspensions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Program(models.Model):
    """A social-assistance program (PKH, SEMBAKO, PBIJK, PIP, BLT); its rules live in versioned
    files (targeting/rules/*.toml), mirrored here as RuleVersion rows."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RuleVersion(models.Model):
    """One rule file as it was when a cycle used it: the text is kept, so a decision can be
    re-read against the exact rules that made it even after the file changes."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rule_versions")
    version = models.CharField(max_length=20)
    source = models.CharField(max_length=120, help_text="file name")
    sha256 = models.CharField(max_length=64)
    body = models.TextField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "-valid_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["program", "version"], name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.version}"


class Cycle(models.Model):
    """A payment stage (tahap) of one program for one period. Approving it freezes the list:
    entitlements and amounts are copied, never recomputed, and `digest` fingerprints them."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        APPROVED = "approved", _("Disetujui")
        PAYING = "paying", _("Penyaluran")
        CLOSED = "closed", _("Ditutup")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cycles")
    period = models.CharField(max_length=10, help_text="2025-Q4, 2025-10 or 2025")
    starts_on = models.DateField()
    ends_on = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="cycles")
    scoring_run = models.ForeignKey("targeting.ScoringRun", on_delete=models.PROTECT, related_name="cycles")
    registry_version = models.ForeignKey("registry.RegistryVersion", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(default=0, help_text="entitled households")
    persons = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0, help_text="rupiah for the cycle")
    suspended = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True, help_text="sha256 of the frozen list")
    measures = models.JSONField(default=dict, help_text="5R measures")
    timings = models.JSONField(default=dict)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "program"]
        constraints = [models.UniqueConstraint(fields=["program", "period"], name="cycle_unique_period")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.period}"

    @property
    def frozen(self) -> bool:
        return self.state != self.State.DRAFT


class Decision(models.Model):
    """Eligible or not, for one household in one cycle, with the components, the amount and the
    reasons as codes with parameters (rendered in the reader's language), so a citizen and an
    officer read the same reasons. Written in bulk; keys not checked row by row."""

    scope_path = "household__"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="decisions",
                              db_index=False, db_constraint=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="decisions", db_constraint=False)
    eligible = models.BooleanField()
    amount = models.BigIntegerField(default=0)
    components = models.TextField(default="[]", help_text="JSON list of paid components")
    reasons = models.TextField(default="[]", help_text="JSON list of {code, params}")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "household"], name="decision_unique")]


class Entitlement(models.Model):
    """What one household is owed in one cycle. One per household per cycle (the database
    refuses a second); amounts are fixed when the cycle is approved."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan")
        APPROVED = "approved", _("Disetujui")
        SUSPENDED = "suspended", _("Ditangguhkan")
        CANCELLED = "cancelled", _("Dibatalkan")

    scope_path = "household__"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="entitlements",
                              db_index=False, db_constraint=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="entitlements", db_constraint=False)
    amount = models.BigIntegerField()
    persons = models.PositiveSmallIntegerField(default=0)
    components = models.TextField(default="[]")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # The district is copied so a cycle's list can be split and scoped by area without a join.
    district_code = models.CharField(max_length=8)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "household"], name="entitlement_unique")]
        indexes = [models.Index(fields=["cycle", "state"]), models.Index(fields=["cycle", "district_code"])]


class Enrollment(models.Model):
    """A household's standing in a program across cycles (KPM status): active after its first
    approved cycle, suspended while a check is open, ended when it leaves."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        SUSPENDED = "suspended", _("Ditangguhkan")
        ENDED = "ended", _("Berhenti")

    scope_path = "household__"

    # Written and updated set-at-a-time at each approval (a million rows nationally), so keys are
    # not checked row by row by the database: the approval writes ids it has just read.
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments",
                                db_index=False, db_constraint=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="enrollments", db_constraint=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    since = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+", db_index=False,
                              db_constraint=False)
    last_cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="+", db_index=False,
                                   db_constraint=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "household"], name="enrollment_unique")]


class Suspension(models.Model):
    """An enrolled household held back pending a check (e.g. a PKH family that moved to desil 5
    waits for the social office): its entitlement stays frozen but unpaid until decided."""

    class Status(models.TextChoices):
        OPEN = "open", _("Menunggu pemeriksaan")
        LIFTED = "lifted", _("Dicabut, tetap menerima")
        CONFIRMED = "confirmed", _("Dikukuhkan, berhenti")

    scope_path = "household__"

    entitlement = models.OneToOneField(Entitlement, on_delete=models.PROTECT, related_name="suspension")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="suspensions")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="suspensions")
    reason = models.JSONField(help_text="{code, params} as in decision reasons")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(help_text="the check is due by this date")
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
