"""Reads for a signed-in citizen's pages: their own family, inbox, access log, and their
village's recipients (Tanggapan Kelayakan, masked). Every read is bounded to the citizen's
household or village by its arguments; none takes an id from the visitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext, gettext_noop

from bansos.areas.models import Role
from bansos.audit.models import AccessLog
from bansos.core.masking import mask_digits, mask_name
from bansos.notify.models import Message
from bansos.notify.texts import TextError, kind_label, message_text
from bansos.programs.models import Cycle, Entitlement, Program
from bansos.registry.models import Household, Person, Relationship

# Sign-up codes reach the family's inbox too; there they would only show one member's code to
# the others, so the inbox page leaves them out.
INBOX_HIDDEN_KINDS = ("otp_code",)

_ACTIONS = {"view": gettext_noop("melihat data"), "change": gettext_noop("mengubah data"),
            "edit": gettext_noop("mengubah data"), "export": gettext_noop("mengunduh data")}
_PURPOSES = {"household page": gettext_noop("halaman keluarga"),
             "person page": gettext_noop("halaman data orang"),
             "duplicate review": gettext_noop("pemeriksaan data ganda")}


@dataclass(frozen=True)
class MemberRow:
    name: str
    nik_masked: str
    relationship: str
    sex: str
    age: int | None
    is_alive: bool
    is_self: bool


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def household_of(*, citizen) -> Household | None:
    """The citizen's current family, with its village, district and regency names."""
    if citizen.person.household_id is None:
        return None
    return (Household.objects.select_related("village__parent__parent")
            .only("pk", "rw", "rt", "village__name", "village__parent__name", "village__parent__parent__name")
            .get(pk=citizen.person.household_id))


def family_members(*, household_id: int, self_id: int, today: date) -> list[MemberRow]:
    """The family's current members, head first: names in full (it is their own family), NIK
    masked."""
    people = (Person.objects.filter(household_id=household_id)
              .only("pk", "nik", "full_name", "relationship", "sex", "birth_date", "is_alive")
              .order_by(F("birth_date").asc(nulls_last=True), "pk"))
    rank = {code: n for n, code in enumerate(Relationship.values)}
    people = sorted(people, key=lambda p: rank.get(p.relationship, len(rank)))  # stable: by age within
    return [MemberRow(name=p.full_name, nik_masked=mask_digits(p.nik), relationship=p.get_relationship_display(),
                      sex=p.get_sex_display(), age=age_on(p.birth_date, today), is_alive=p.is_alive,
                      is_self=p.pk == self_id) for p in people]


# --- inbox ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    pk: int
    label: str
    text: str
    created_at: object
    read: bool


def inbox_messages(*, household_id: int) -> QuerySet[Message]:
    return (Message.objects.filter(household_id=household_id, channel=Message.Channel.INBOX)
            .exclude(kind__in=INBOX_HIDDEN_KINDS)
            .only("pk", "kind", "params", "created_at", "read_at")
            .order_by("-created_at", "-pk"))


def inbox_unread(*, household_id: int) -> int:
    return inbox_messages(household_id=household_id).filter(read_at__isnull=True).count()


def inbox_rows(messages) -> list[InboxRow]:
    """Messages as read by citizens: always in Indonesian, like their SMS."""
    rows = []
    for m in messages:
        try:
            text = message_text(m, language="id")
        except TextError:
            text = ""
        rows.append(InboxRow(pk=m.pk, label=kind_label(m.kind), text=text, created_at=m.created_at,
                             read=m.read_at is not None))
    return rows


def inbox_ids(*, household_id: int, ids: list[int]) -> list[int]:
    """Those of `ids` that are this household's visible inbox messages."""
    return list(inbox_messages(household_id=household_id).filter(pk__in=ids).values_list("pk", flat=True))


# --- village recipients ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientRow:
    household_id: int
    head_masked: str
    rw: str
    rt: str
    programs: list[Program]


def latest_cycle_ids() -> list[int]:
    """Each program's latest cycle that is no longer a draft (one query)."""
    latest = (Cycle.objects.filter(program=OuterRef("pk")).exclude(state=Cycle.State.DRAFT)
              .order_by("-starts_on", "-pk").values("pk")[:1])
    return [pk for pk in Program.objects.annotate(latest=Subquery(latest))
            .values_list("latest", flat=True) if pk is not None]


def village_recipients(*, village_id: str, cycle_ids: list[int]) -> QuerySet[Household]:
    """Households of the village with an approved entitlement in one of `cycle_ids`."""
    entitled = Entitlement.objects.filter(household=OuterRef("pk"), cycle_id__in=cycle_ids,
                                          state=Entitlement.State.APPROVED)
    return (Household.objects.filter(Exists(entitled), village_id=village_id)
            .select_related("head").only("pk", "rw", "rt", "head__full_name")
            .order_by("rw", "rt", "pk"))


def recipient_rows(households, *, cycle_ids: list[int]) -> list[RecipientRow]:
    """One page of recipients: masked head names (never the full name), RT/RW, programs."""
    households = list(households)
    programs: dict[int, list[Program]] = {h.pk: [] for h in households}
    for ent in (Entitlement.objects.filter(household_id__in=list(programs), cycle_id__in=cycle_ids,
                                           state=Entitlement.State.APPROVED)
                .select_related("cycle__program").only("household_id", "cycle__program__code",
                                                       "cycle__program__name")
                .order_by("cycle__program_id")):
        programs[ent.household_id].append(ent.cycle.program)
    return [RecipientRow(household_id=h.pk, head_masked=mask_name(h.head.full_name) if h.head else "",
                         rw=h.rw, rt=h.rt, programs=programs[h.pk]) for h in households]


# --- access log -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRow:
    at: object
    person_name: str
    role: str
    office: str
    action: str
    purpose: str


def access_entries(*, household_id: int | None, person_id: int) -> QuerySet[AccessLog]:
    """Officers' reads of the citizen and their current family members, newest first. The
    officer's user is never loaded."""
    who = Q(person_id=person_id)
    if household_id is not None:
        who |= Q(person__household_id=household_id)
    return (AccessLog.objects.filter(who).select_related("person")
            .only("pk", "at", "role", "office", "action", "purpose", "person__full_name")
            .order_by("-at", "-pk"))


def access_rows(entries) -> list[AccessRow]:
    roles = dict(Role.choices)
    return [AccessRow(at=e.at, person_name=e.person.full_name, role=str(roles.get(e.role, e.role)),
                      office=e.office, action=gettext(_ACTIONS[e.action]) if e.action in _ACTIONS else e.action,
                      purpose=gettext(_PURPOSES[e.purpose]) if e.purpose in _PURPOSES else e.purpose)
            for e in entries]
