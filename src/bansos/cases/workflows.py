"""What each kind of case goes through, as data: its steps, who acts at each step, the deadline
in days, what happens when the deadline passes, and the actions that move it on.

The engine (`engine.py`) reads only these tables; a new kind of case is a new table here, not
new code paths. Step labels come in two wordings: the officer's, and the citizen's (`public`),
which is what the citizen's SMS and case page say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from bansos.areas.models import Role
from bansos.cases.models import Kind

CITIZEN = "citizen"  # the filer, on their own case

# When a deadline passes: hand the step to the next level up, let the case lapse (an
# unverified rebuttal), or close it (an answered complaint nobody reopened).
ESCALATE, LAPSE, CLOSE = "escalate", "lapse", "close"

# The chain a late step climbs, one level per missed deadline.
ESCALATION = {
    Role.VILLAGE_OPERATOR: Role.DISTRICT,
    Role.PKH_FACILITATOR: Role.DISTRICT,
    Role.DISTRICT: Role.REGENCY,
    Role.REGENCY: Role.PROVINCE,
    Role.PROVINCE: Role.MINISTRY,
}


@dataclass(frozen=True)
class Action:
    code: str
    label: Any
    target: str
    roles: tuple[str, ...] = ()  # empty: whoever holds the step (its role, or after escalation)
    note_required: bool = False
    documents: tuple[str, ...] = ()  # document kinds the case must carry first
    effect: str = ""  # a registry change (effects.EFFECTS), in the same transaction
    bulk: bool = False  # offered on the work queue for many cases at once
    outcome: str = ""  # set when the action ends the case


@dataclass(frozen=True)
class Step:
    code: str
    label: Any
    public: Any
    role: str = ""  # "" = routed per case (complaints: by category)
    days: int = 0
    on_overdue: str = ESCALATE
    actions: tuple[Action, ...] = ()

    @property
    def final(self) -> bool:
        return not self.actions and self.days == 0


@dataclass(frozen=True)
class Workflow:
    kind: str
    initial: str
    steps: dict[str, Step] = field(default_factory=dict)

    def step(self, code: str) -> Step:
        return self.steps[code]


def _wf(kind: str, *steps: Step) -> Workflow:
    return Workflow(kind=kind, initial=steps[0].code, steps={s.code: s for s in steps})


def _reject(label=None) -> Action:
    return Action("reject", label or _("Tolak"), "rejected", note_required=True, outcome="rejected")


_REJECTED = Step("rejected", _("Ditolak"), _("ditolak"))
_WITHDRAWN = Step("withdrawn", _("Dibatalkan pelapor"), _("dibatalkan atas permintaan Anda"))

PROPOSAL = _wf(
    Kind.PROPOSAL,
    Step("submitted", _("Diterima, menunggu pemeriksaan desa"), _("diterima dan menunggu pemeriksaan desa"),
         Role.VILLAGE_OPERATOR, 7,
         actions=(Action("accept", _("Terima untuk verifikasi lapangan"), "village_verification", bulk=True),
                  _reject())),
    Step("village_verification", _("Verifikasi lapangan oleh desa"), _("sedang diverifikasi oleh desa"),
         Role.VILLAGE_OPERATOR, 14,
         actions=(Action("verified", _("Hasil verifikasi: layak diusulkan"), "village_deliberation", note_required=True),
                  _reject())),
    Step("village_deliberation", _("Musyawarah desa/kelurahan"), _("dibahas dalam musyawarah desa"),
         Role.VILLAGE_OPERATOR, 30,
         actions=(Action("forward", _("Kirim ke Dinas Sosial dengan berita acara"), "social_office_verification",
                         documents=("minutes",)),
                  _reject(_("Tolak (hasil musyawarah)")))),
    Step("social_office_verification", _("Verifikasi Dinas Sosial"), _("diverifikasi Dinas Sosial"),
         Role.REGENCY, 14,
         actions=(Action("verified", _("Lolos verifikasi, ajukan ke bupati/wali kota"), "regent_approval", bulk=True),
                  Action("return", _("Kembalikan ke desa"), "village_verification", note_required=True),
                  _reject())),
    Step("regent_approval", _("Persetujuan bupati/wali kota"), _("menunggu persetujuan bupati/wali kota"),
         Role.REGENCY, 14,
         actions=(Action("approve", _("Setujui: masuk DTSEN periode berikutnya"), "included",
                         effect="proposal_include", bulk=True, outcome="included"),
                  _reject())),
    Step("included", _("Disetujui, masuk DTSEN"), _("disetujui dan masuk DTSEN periode berikutnya")),
    _REJECTED, _WITHDRAWN,
)

REBUTTAL = _wf(
    Kind.REBUTTAL,
    # DOMAIN.md: a rebuttal the village does not verify lapses (14 days).
    Step("village_verification", _("Verifikasi lapangan oleh desa"), _("sedang diverifikasi oleh desa"),
         Role.VILLAGE_OPERATOR, 14, on_overdue=LAPSE,
         actions=(Action("confirmed", _("Terbukti di lapangan, kirim ke Dinas Sosial"), "social_office_verification",
                         note_required=True),
                  Action("dismiss", _("Tidak terbukti"), "dismissed", note_required=True, outcome="dismissed"))),
    Step("social_office_verification", _("Keputusan Dinas Sosial"), _("diperiksa Dinas Sosial"),
         Role.REGENCY, 14,
         actions=(Action("uphold", _("Sanggahan diterima: keluarkan dari penerima"), "upheld",
                         effect="rebuttal_uphold", note_required=True, outcome="upheld"),
                  Action("dismiss", _("Sanggahan ditolak"), "dismissed", note_required=True, outcome="dismissed"))),
    Step("upheld", _("Diterima"), _("diterima; data penerima diperbaiki")),
    Step("dismissed", _("Ditolak"), _("tidak terbukti, penerima tetap")),
    Step("lapsed", _("Kedaluwarsa (tidak diverifikasi 14 hari)"), _("kedaluwarsa karena tidak diverifikasi")),
    _WITHDRAWN,
)

COMPLAINT = _wf(
    Kind.COMPLAINT,
    Step("received", _("Diterima"), _("diterima"), "", 3,
         actions=(Action("take", _("Tangani"), "in_progress", bulk=True),)),
    Step("in_progress", _("Sedang ditangani"), _("sedang ditangani"), "", 14,
         actions=(Action("answer", _("Kirim jawaban"), "answered", note_required=True),)),
    # The citizen has the answer: they close it or reopen it; silence closes it.
    Step("answered", _("Dijawab, menunggu tanggapan pelapor"), _("sudah dijawab"), CITIZEN, 7, on_overdue=CLOSE,
         actions=(Action("accept", _("Jawaban diterima"), "closed", roles=(CITIZEN,), outcome="resolved"),
                  Action("reopen", _("Belum selesai, buka lagi"), "in_progress", roles=(CITIZEN,),
                         note_required=True))),
    Step("closed", _("Selesai"), _("selesai")),
    _WITHDRAWN,
)

WITHDRAWAL = _wf(
    Kind.WITHDRAWAL,
    Step("submitted", _("Verifikasi desa"), _("diverifikasi oleh desa"), Role.VILLAGE_OPERATOR, 14,
         actions=(Action("verified", _("Terverifikasi, kirim ke Dinas Sosial"), "social_office_verification",
                         note_required=True),
                  _reject())),
    Step("social_office_verification", _("Keputusan Dinas Sosial"), _("diperiksa Dinas Sosial"),
         Role.REGENCY, 14,
         actions=(Action("confirm", _("Kukuhkan pengunduran diri"), "confirmed", effect="withdrawal_confirm",
                         bulk=True, outcome="confirmed"),
                  _reject())),
    Step("confirmed", _("Dikukuhkan"), _("dikukuhkan; keluarga tidak lagi menerima program ini")),
    _REJECTED, _WITHDRAWN,
)

DUPLICATE_REVIEW = _wf(
    Kind.DUPLICATE_REVIEW,
    # The village knows its people best; a late review climbs to the district and regency.
    Step("open", _("Menunggu keputusan"), _("diperiksa"), Role.VILLAGE_OPERATOR, 14,
         actions=(Action("same", _("Orang yang sama: gabungkan"), "merged", effect="duplicate_same", outcome="same"),
                  Action("different", _("Orang berbeda"), "kept_apart", effect="duplicate_different",
                         outcome="different"))),
    Step("merged", _("Digabungkan"), _("digabungkan")),
    Step("kept_apart", _("Dipisahkan"), _("dipisahkan")),
)

SUSPENSION_REVIEW = _wf(
    Kind.SUSPENSION_REVIEW,
    Step("open", _("Pemeriksaan Dinas Sosial"), _("diperiksa Dinas Sosial"), Role.REGENCY, 30,
         actions=(Action("lift", _("Cabut penangguhan: tetap menerima"), "lifted", effect="suspension_lift",
                         note_required=True, outcome="lifted"),
                  Action("confirm", _("Kukuhkan: berhenti dari program"), "confirmed", effect="suspension_confirm",
                         note_required=True, outcome="confirmed"))),
    Step("lifted", _("Dicabut"), _("penangguhan dicabut, bantuan dilanjutkan")),
    Step("confirmed", _("Dikukuhkan"), _("keluarga berhenti dari program")),
)

FLAG_REVIEW = _wf(
    Kind.FLAG_REVIEW,
    Step("open", _("Pemeriksaan temuan"), _("diperiksa"), Role.REGENCY, 14,
         actions=(Action("field_check", _("Minta verifikasi lapangan"), "field_check"),
                  Action("confirm", _("Temuan benar: keluarkan"), "confirmed", effect="flag_confirm",
                         note_required=True, outcome="confirmed"),
                  Action("dismiss", _("Temuan tidak benar"), "dismissed", note_required=True, outcome="dismissed"))),
    Step("field_check", _("Verifikasi lapangan oleh desa"), _("diverifikasi di lapangan"), Role.VILLAGE_OPERATOR, 14,
         actions=(Action("report", _("Laporkan hasil ke Dinas Sosial"), "open", note_required=True),)),
    Step("confirmed", _("Terbukti"), _("terbukti; data penerima diperbaiki")),
    Step("dismissed", _("Tidak terbukti"), _("tidak terbukti")),
)

WORKFLOWS: dict[str, Workflow] = {w.kind: w for w in (
    PROPOSAL, REBUTTAL, COMPLAINT, WITHDRAWAL, DUPLICATE_REVIEW, SUSPENSION_REVIEW, FLAG_REVIEW)}

# Kinds a citizen files (and may cancel while open).
CITIZEN_KINDS = (Kind.PROPOSAL, Kind.REBUTTAL, Kind.COMPLAINT, Kind.WITHDRAWAL)

# Rebuttal reasons: DOMAIN.md's exclusion statuses, and the registry flag an upheld one raises.
REBUTTAL_REASONS = {
    "deceased": (_("Penerima sudah meninggal"), "ineligible_field_check"),
    "civil_servant": (_("ASN/TNI/Polri/pensiunan"), "ineligible_field_check"),
    "well_off": (_("Mampu / tidak layak menerima"), "ineligible_field_check"),
    "moved": (_("Pindah / tidak tinggal di desa ini"), "ineligible_field_check"),
    "welfare_staff": (_("Pendamping atau petugas sosial"), "welfare_staff"),
    "gambling": (_("Terlibat judi online"), "gambling"),
    "other": (_("Alasan lain"), "ineligible_field_check"),
}

# Complaint categories (DOMAIN.md, grievances) and who handles each first: wrong data is the
# village's to fix; money matters go to the regency's social office.
COMPLAINT_CATEGORIES = {
    "not_paid": (_("Bantuan tidak diterima"), Role.REGENCY),
    "wrong_targeting": (_("Salah sasaran"), Role.VILLAGE_OPERATOR),
    "wrong_data": (_("Data salah (nama, NIK, alamat)"), Role.VILLAGE_OPERATOR),
    "wrong_amount": (_("Jumlah bantuan tidak sesuai"), Role.REGENCY),
    "illegal_levy": (_("Pungutan liar / potongan"), Role.REGENCY),
    "card_problem": (_("Kartu KKS tertelan, rusak atau tidak bisa dipakai"), Role.REGENCY),
    "other": (_("Lainnya"), Role.VILLAGE_OPERATOR),
}


def workflow(kind: str) -> Workflow:
    return WORKFLOWS[kind]


def routed_role(*, kind: str, category: str, step: Step) -> str:
    """The role that holds `step` of a case: the step's own, or by the complaint's category."""
    if step.role:
        return step.role
    if kind == Kind.COMPLAINT:
        return str(COMPLAINT_CATEGORIES.get(category, COMPLAINT_CATEGORIES["other"])[1])
    return str(Role.REGENCY)
