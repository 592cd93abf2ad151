"""One case model for every citizen request and every exception: proposals (usul), rebuttals
(sanggah), complaints, withdrawals, and the reviews other parts open (duplicate records,
suspensions, detector flags). What a kind of case goes through is in `workflows`; the engine
(`engine`) is the only writer of states."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bansos.core.fields import BlindIndexField, EncryptedField


class Kind(models.TextChoices):
    PROPOSAL = "proposal", _("Usulan")
    REBUTTAL = "rebuttal", _("Sanggahan")
    COMPLAINT = "complaint", _("Pengaduan")
    WITHDRAWAL = "withdrawal", _("Pengunduran diri")
    DUPLICATE_REVIEW = "duplicate_review", _("Pemeriksaan data ganda")
    SUSPENSION_REVIEW = "suspension_review", _("Pemeriksaan penangguhan")
    FLAG_REVIEW = "flag_review", _("Pemeriksaan temuan")


class Channel(models.TextChoices):
    WEB = "web", _("Situs/aplikasi")
    SMS = "sms", _("SMS")
    CALL_CENTRE = "call_centre", _("Call centre 171")
    OFFICE = "office", _("Loket kantor")
    SYSTEM = "system", _("Sistem")


class Case(models.Model):
    """A request or exception with its current step. Carries the area columns households carry
    (province, regency, district, village, RW, RT), so officer scoping is the same one-column
    filter (`scope_path = ""`)."""

    scope_path = ""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=32)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEB)
    category = models.CharField(max_length=40, blank=True,
                                help_text="rebuttal reason, complaint category, flag kind")
    program = models.ForeignKey("programs.Program", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    village = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    province_code = models.CharField(max_length=2, db_index=True)
    regency_code = models.CharField(max_length=5, db_index=True)
    district_code = models.CharField(max_length=8, db_index=True)
    rw = models.CharField(max_length=3, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    # Whom the case is about: a registry family and person, or (a proposal for someone not yet
    # in the registry) the identifiers given, encrypted.
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="cases")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="cases")
    subject_name = models.CharField(max_length=150, blank=True)
    subject_nik = EncryptedField(purpose="nik")
    subject_nik_index = BlindIndexField(source="subject_nik", purpose="nik", blank=True)
    subject_kk = EncryptedField(purpose="kk")
    # Who filed it: a citizen account, or an officer entering a call-centre or counter case.
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    filer_person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    filer_household = models.ForeignKey("registry.Household", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    filer_name = models.CharField(max_length=150, blank=True, help_text="a caller not in the registry")
    contact_phone = EncryptedField(purpose="phone")
    details = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True,
                            help_text="kind-specific: GPS point, registry checks, review reference")
    ref_type = models.CharField(max_length=24, blank=True, help_text="linkage.review, programs.suspension, …")
    ref_id = models.BigIntegerField(null=True, blank=True)
    assigned_role = models.CharField(max_length=20, blank=True, help_text="role of the current step, after escalation")
    escalation = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    outcome_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The work queue: open cases of a role by deadline.
            models.Index(fields=["assigned_role", "due_at"], condition=Q(closed_at__isnull=True),
                         name="cases_queue"),
            models.Index(fields=["village", "kind"]),
            models.Index(fields=["filed_by", "-created_at"]),
        ]
        constraints = [
            # A review case mirrors one record of another app, once.
            models.UniqueConstraint(fields=["ref_type", "ref_id"], condition=Q(ref_id__isnull=False),
                                    name="cases_one_per_reference"),
        ]

    def __str__(self) -> str:
        return self.ref

    @property
    def ref(self) -> str:
        return f"K-{self.pk:06d}" if self.pk else "K-?"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseEvent(models.Model):
    """The timeline: every step, note, upload, reminder and escalation. `public` events are
    shown to the citizen who filed the case (never who the officer was, only the office)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150, help_text="username, or system")
    actor_role = models.CharField(max_length=20, blank=True)
    actor_office = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]


class CaseDocument(models.Model):
    """Evidence: photos (re-encoded, metadata stripped) and letters, stored outside the web root
    under MEDIA_ROOT and served only through a view that checks who asks."""

    class DocKind(models.TextChoices):
        KTP = "ktp", _("Foto KTP")
        KK = "kk", _("Foto Kartu Keluarga")
        SELFIE = "selfie", _("Swafoto dengan KTP")
        HOUSE = "house", _("Foto rumah")
        LETTER = "letter", _("Surat keterangan (RT/RW, SKTM)")
        ELECTRICITY = "electricity", _("Rekening listrik")
        MINUTES = "minutes", _("Berita acara musyawarah desa")
        OTHER = "other", _("Lainnya")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocKind.choices)
    path = models.CharField(max_length=200, help_text="relative to MEDIA_ROOT")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150)
    public = models.BooleanField(default=True, help_text="visible to the filer")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
