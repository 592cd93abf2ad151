"""The integrated registry: households (KK), persons (NIK), membership history, socio-economic
profiles and the provenance of every value."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bansos.areas.scope import scope_codes
from bansos.core.fields import BlindIndexField, EncryptedField


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relationship(models.TextChoices):
    HEAD = "head", _("Kepala keluarga")
    SPOUSE = "spouse", _("Istri/Suami")
    CHILD = "child", _("Anak")
    CHILD_IN_LAW = "child_in_law", _("Menantu")
    GRANDCHILD = "grandchild", _("Cucu")
    PARENT = "parent", _("Orang tua")
    PARENT_IN_LAW = "parent_in_law", _("Mertua")
    OTHER = "other", _("Famili lain")


class Disability(models.TextChoices):
    NONE = "none", _("Tidak ada")
    MILD = "mild", _("Ringan-sedang")
    SEVERE = "severe", _("Berat")


class Household(models.Model):
    """A family as on a family card (KK), living at one address down to RT/RW."""

    scope_path = ""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        DISSOLVED = "dissolved", _("Bubar")

    kk = EncryptedField(purpose="kk")
    kk_index = BlindIndexField(source="kk", purpose="kk")
    village = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="households")
    # Ancestor codes copied from the village, so area scoping is one indexed equality filter.
    province_code = models.CharField(max_length=2, db_index=True)
    regency_code = models.CharField(max_length=5, db_index=True)
    district_code = models.CharField(max_length=8, db_index=True)
    rw = models.CharField(max_length=3, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    address = models.CharField(max_length=200, blank=True)
    head = models.ForeignKey("Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["village", "rw", "rt"])]

    def __str__(self) -> str:
        return f"Household {self.pk}"

    def save(self, *args, **kwargs):
        # Keep the scoping columns derived from the village code (never set by hand).
        self.province_code, self.regency_code, self.district_code = scope_codes(
            str(self.village_id))
        super().save(*args, **kwargs)


class Person(models.Model):
    """One person, identified by NIK; `household` is the current family (history in Membership)."""

    scope_path = "household__"

    nik = EncryptedField(purpose="nik")
    nik_index = BlindIndexField(source="nik", purpose="nik")
    full_name = models.CharField(max_length=150)
    birth_place = models.CharField(max_length=80, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    relationship = models.CharField(max_length=16, choices=Relationship.choices, blank=True)
    education = models.CharField(max_length=24, blank=True)
    school_level = models.CharField(max_length=8, blank=True, help_text="current school level: SD, SMP, SMA")
    occupation = models.CharField(max_length=40, blank=True)
    disability = models.CharField(max_length=8, choices=Disability.choices, default=Disability.NONE)
    pregnant = models.BooleanField(default=False)
    is_alive = models.BooleanField(default=True)
    death_date = models.DateField(null=True, blank=True)
    phone = EncryptedField(purpose="phone")
    phone_index = BlindIndexField(source="phone", purpose="phone")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Person {self.pk}"


class Membership(models.Model):
    """Who belonged to which family when: births, moves, splits (a child marries and starts a
    new KK), deaths. The open row (end_date null) matches Person.household."""

    scope_path = "household__"

    class EndReason(models.TextChoices):
        MOVED = "moved", _("Pindah")
        SPLIT = "split", _("Pecah KK")
        MARRIED = "married", _("Menikah")
        DEATH = "death", _("Meninggal")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=8, choices=EndReason.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "end_date"])]


class SocioEconomicProfile(models.Model):
    """The proxy-means-test variables of a household, as observed on a date by a source."""

    scope_path = "household__"

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="profiles")
    observed_on = models.DateField()
    source = models.CharField(max_length=16)
    floor_area_m2 = models.FloatField(null=True)
    floor_material = models.CharField(max_length=40, blank=True)
    wall_material = models.CharField(max_length=40, blank=True)
    roof_material = models.CharField(max_length=40, blank=True)
    water_source = models.CharField(max_length=40, blank=True)
    sanitation = models.CharField(max_length=40, blank=True)
    lighting = models.CharField(max_length=40, blank=True)
    electricity_va = models.PositiveIntegerField(null=True)
    cooking_fuel = models.CharField(max_length=40, blank=True)
    house_ownership = models.CharField(max_length=40, blank=True)
    motorcycles = models.PositiveSmallIntegerField(default=0)
    has_car = models.BooleanField(default=False)
    has_fridge = models.BooleanField(default=False)
    has_ac = models.BooleanField(default=False)
    has_gold = models.BooleanField(default=False)
    has_land = models.BooleanField(default=False)
    has_livestock = models.BooleanField(default=False)
    has_tv = models.BooleanField(default=False)
    smartphones = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["household", "-observed_on"])]


class SourceValue(models.Model):
    """Provenance: which source said which value of which field, when. Identifier values are
    kept only encrypted; everything else in the clear for review pages."""

    scope_path = "household__"

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="source_values")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="source_values")
    field = models.CharField(max_length=40)
    value = models.CharField(max_length=300, blank=True)
    value_protected = EncryptedField(purpose="provenance")
    source = models.CharField(max_length=16, db_index=True, help_text="source code: DUKCAPIL, PKH, BPNT, …")
    reference = models.CharField(max_length=80, blank=True, help_text="where in the source: file and row")
    run = models.ForeignKey("core.Run", null=True, blank=True, on_delete=models.SET_NULL)
    observed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "field"]), models.Index(fields=["household", "field"])]


class RegistryVersion(models.Model):
    """The registry as published for a period (e.g. `2026-11`): immutable once published, and
    diffable against the previous version (added, removed with reason, changed)."""

    period = models.CharField(max_length=7, unique=True, help_text="YYYY-MM")
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=150)
    persons = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"DTSEN {self.period}"


class VersionEntry(models.Model):
    """One person as published in a version; `digest` fingerprints the published attributes so a
    diff finds changes without storing a copy of every value."""

    version = models.ForeignKey(RegistryVersion, on_delete=models.PROTECT, related_name="entries")
    person_id = models.BigIntegerField()
    household_id = models.BigIntegerField(null=True)
    is_alive = models.BooleanField()
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "person_id"], name="version_entry_unique_person")]
