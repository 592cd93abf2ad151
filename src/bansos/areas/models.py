from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NATIONAL_CODE = "ID"


class Area(models.Model):
    """A node of the Kemendagri hierarchy (dotted code as key), plus RW and RT units below
    villages: RW `35.10.01.2001.005`, RT `35.10.01.2001.005.003`. The root `ID` is the nation."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("Nasional")
        PROVINCE = "province", _("Provinsi")
        REGENCY = "regency", _("Kabupaten/Kota")
        DISTRICT = "district", _("Kecamatan")
        VILLAGE = "village", _("Desa/Kelurahan")
        RW = "rw", _("RW")
        RT = "rt", _("RT")

    code = models.CharField(max_length=24, primary_key=True)
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def compact_code(self) -> str:
        return self.code.replace(".", "")


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Kementerian Sosial")
    PROVINCE = "province", _("Dinas Sosial Provinsi")
    REGENCY = "regency", _("Dinas Sosial Kabupaten/Kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE_OPERATOR = "village_operator", _("Operator Desa/Kelurahan")
    PKH_FACILITATOR = "pkh_facilitator", _("Pendamping PKH")
    BANK = "bank", _("Bank penyalur")
    AUDITOR = "auditor", _("Auditor/Pengawas")


class Officer(models.Model):
    """An officer's post: one role bound to one area. Every officer query is limited to the
    area (see areas.scope)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer")
    role = models.CharField(max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="officers")
    office_name = models.CharField(max_length=150, blank=True)
    bank_code = models.CharField(max_length=16, blank=True, help_text="for bank officers: BRI, BNI, MANDIRI, BTN, BSI, POS")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.area_id})"
