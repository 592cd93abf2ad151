"""Citizen accounts: sign-up checked against the registry, the one-time code that confirms the
phone, and the NIK + password login. Writes only; the pages are thin doors onto these.

Sign-up (`citizen_signup`) checks the NIK, the KK of the person's current family, the name as
on the KTP (`name_matches`) and that the person is alive. Any mismatch raises the same
`SignupRefused`, so a visitor cannot learn which of the three was wrong (probing the registry
one field at a time). It creates the Django user (`warga-<id>`, no identifier in it), the
`Citizen` with `verified_at` empty, and a one-time code sent by SMS to the given phone.

One-time codes: 6 digits, valid `OTP_MINUTES`, at most `OTP_MAX_ATTEMPTS` tries, a new one at
most every `OTP_RESEND_SECONDS`. Until a model holds them, the challenge (the code's HMAC, its
expiry and the attempts made) travels as a signed token the caller keeps (the page keeps it in
the session); the plain code leaves this module only to be sent (and shown in the demo). The
HMAC covers the account's password hash, so a sign-up made again voids earlier codes. The
resend interval is read from the outbox, so it holds across sessions.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Literal

import pyarrow as pa
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language, gettext

from bansos.audit.services import audit_record
from bansos.core.identifiers import ParsedId, parse_kk, parse_nik
from bansos.core.protected import blind_index
from bansos.intake.parse_codes import PHONE_RE
from bansos.linkage.normalize import name_parts, names_similarity
from bansos.notify.models import Message
from bansos.notify.outbox import citizen_notify
from bansos.portal.models import Citizen
from bansos.registry.models import Person

OTP_DIGITS = 6
OTP_MINUTES = 10
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60
NAME_MIN_SIMILARITY = 0.9  # Jaro-Winkler of the normalised names
_OTP_KIND = "otp_code"
_CHALLENGE_SALT = "bansos.portal.otp"
_HASH_SALT = "bansos.portal.otp.code"

RegistryPhone = Literal["same", "different", "absent"]


class SignupInvalid(Exception):
    """The form's values are malformed (not a question of the registry): field -> messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("sign-up values invalid")
        self.errors = errors


class SignupRefused(Exception):
    """The NIK, KK and name do not match one living person of the registry. Deliberately says
    nothing about which value was wrong."""


class SignupDuplicate(Exception):
    """The person already has an account."""


class OtpTooSoon(Exception):
    """A code was sent less than `OTP_RESEND_SECONDS` ago."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class OtpChallenge:
    """One code sent to one citizen: only its HMAC is kept."""

    citizen_id: int
    serial: int
    code_hash: str
    issued_at: float  # epoch seconds
    expires_at: float
    attempts: int = 0

    def dumps(self) -> str:
        return signing.dumps(asdict(self), salt=_CHALLENGE_SALT, compress=True)

    @classmethod
    def loads(cls, token: str | None) -> OtpChallenge | None:
        """The challenge in a token from `dumps`, or None when absent or tampered with."""
        if not token:
            return None
        try:
            data = signing.loads(token, salt=_CHALLENGE_SALT)
            return cls(**data)
        except (signing.BadSignature, TypeError, ValueError):
            return None

    @property
    def attempts_left(self) -> int:
        return max(0, OTP_MAX_ATTEMPTS - self.attempts)


@dataclass(frozen=True)
class OtpIssued:
    citizen: Citizen
    challenge: OtpChallenge
    code: str  # to send, and to show in the demo; never stored


@dataclass(frozen=True)
class OtpOutcome:
    result: Literal["ok", "wrong", "expired", "exhausted"]
    challenge: OtpChallenge
    citizen: Citizen | None = None


# --- values ---------------------------------------------------------------------------------


def phone_normalise(raw: str) -> str | None:
    """An Indonesian mobile number (`08…`, `+628…`, `628…`, with spaces or dashes) as E.164
    `+628…`, the form intake stores in the registry; None when it is not one."""
    compact = re.sub(r"\(0\)", "", raw or "")
    compact = re.sub(r"[\s\-.()/]+", "", compact)
    match = re.match(PHONE_RE, compact)
    return "+62" + match.group("nsn") if match else None


def name_matches(*, given: str, registered: str) -> bool:
    """Whether the name typed is the registry's name: case, spacing, titles and honorifics
    (`BPK. H. SUTRISNO, S.PD.`) forgiven, then the same display name, the same spelling key
    (old spellings) or a Jaro-Winkler similarity of at least `NAME_MIN_SIMILARITY`."""
    return names_similarity(given=given, other=registered) >= NAME_MIN_SIMILARITY


def _identifier(parsed: ParsedId) -> str:
    assert parsed.error is not None
    return parsed.error.message_en if (get_language() or "").startswith("en") else parsed.error.message_id


def signup_values_check(*, nik: str, kk: str, name: str, phone: str, password: str) -> tuple[str, str, str]:
    """(NIK, KK, phone) cleaned, or SignupInvalid naming every malformed field. Nothing here
    looks at the registry, so the messages may be precise."""
    errors: dict[str, list[str]] = {}
    nik_parsed, kk_parsed = parse_nik(nik), parse_kk(kk)
    if nik_parsed.value is None:
        errors["nik"] = [_identifier(nik_parsed)]
    if kk_parsed.value is None:
        errors["kk"] = [_identifier(kk_parsed)]
    if not name_parts(values=pa.array([name], pa.string()))["name_clean"][0].as_py():
        errors["name"] = [gettext("Tulis nama lengkap sesuai KTP, dengan huruf.")]
    clean_phone = phone_normalise(phone)
    if clean_phone is None:
        errors["phone"] = [gettext("Tulis nomor HP Indonesia, misalnya 081234567890.")]
    try:
        validate_password(password)
    except ValidationError as error:
        errors["password1"] = list(error.messages)
    digits = re.sub(r"\D", "", password)
    if any(v and v in digits for v in (nik_parsed.value, kk_parsed.value)):
        errors.setdefault("password1", []).append(gettext("Kata sandi tidak boleh memuat NIK atau nomor KK."))
    if errors:
        raise SignupInvalid(errors)
    assert nik_parsed.value and kk_parsed.value and clean_phone
    return nik_parsed.value, kk_parsed.value, clean_phone


def _registry_person(*, nik: str, kk: str, name: str) -> Person:
    """The living person with this NIK whose current family has this KK and whose name is
    this name, else SignupRefused (the same for every reason). A NIK found twice (a duplicate
    awaiting review) is read in the family the KK names."""
    person = (Person.objects.select_related("household")
              .filter(nik_index=blind_index(nik, purpose="nik"),
                      household__kk_index=blind_index(kk, purpose="kk"))
              .order_by("pk").first())
    if person is None or not person.is_alive or not name_matches(given=name, registered=person.full_name):
        raise SignupRefused
    return person


def _registry_phone(person: Person, phone: str) -> RegistryPhone:
    if not person.phone:
        return "absent"
    return "same" if phone_normalise(person.phone) == phone else "different"


# --- sign-up --------------------------------------------------------------------------------


def citizen_signup(*, nik: str, kk: str, name: str, phone: str, password: str,
                   now: datetime | None = None) -> OtpIssued:
    """Open an unverified account for the registry person these values name and send a
    one-time code to `phone`. Raises SignupInvalid (malformed values), SignupRefused (no such
    living person, or KK or name wrong: never saying which), SignupDuplicate (the person has a
    verified account) or OtpTooSoon.

    A sign-up never confirmed (a mistyped phone, a lost session) may be made again: the same
    account gets the new password and a code to the new phone, and codes sent before no
    longer work (they are bound to the password). A phone that differs from the registry's is
    accepted (people change numbers); the audit event records that the registry's number was
    not confirmed. The registry is not changed."""
    nik, kk, phone = signup_values_check(nik=nik, kk=kk, name=name, phone=phone, password=password)
    person = _registry_person(nik=nik, kk=kk, name=name)
    now = now or timezone.now()
    existing = Citizen.objects.select_related("user", "person").filter(person=person).first()
    if existing is not None and existing.verified_at is not None:
        raise SignupDuplicate
    if existing is not None:
        _resend_wait_check(existing, now=now)
    registry_phone = _registry_phone(person, phone)
    data = {"person_id": person.pk, "registry_phone": registry_phone,
            "registry_phone_confirmed": registry_phone == "same"}
    try:
        with transaction.atomic():
            if existing is None:
                user = get_user_model().objects.create_user(
                    username=f"warga-baru-{secrets.token_hex(8)}", password=password)
                user.username = f"warga-{user.pk}"
                user.save(update_fields=["username"])
                citizen = Citizen.objects.create(user=user, person=person)
                action = "citizen.signup"
            else:
                citizen, user = existing, existing.user
                user.set_password(password)
                user.save(update_fields=["password"])
                action = "citizen.signup_again"
            audit_record(actor=user.username, action=action, target_type="citizen", target_id=citizen.pk,
                         data=data)
            return _issue(citizen=citizen, phone=phone, now=now)
    except IntegrityError:  # a concurrent sign-up of the same person won
        if Citizen.objects.filter(person=person).exists():
            raise SignupDuplicate from None
        raise


# --- one-time codes -------------------------------------------------------------------------


def _code_hash(*, citizen: Citizen, serial: int, code: str) -> str:
    """The code's HMAC, bound to the account's password hash: a sign-up made again (a new
    password) voids the codes sent before it."""
    value = f"{citizen.pk}:{serial}:{code}:{citizen.user.password}"
    return salted_hmac(_HASH_SALT, value, algorithm="sha256").hexdigest()


def _resend_wait_check(citizen: Citizen, *, now: datetime) -> Message | None:
    """The last code sent to the citizen; OtpTooSoon when it is younger than
    `OTP_RESEND_SECONDS`."""
    last = _otp_messages(citizen).only("created_at", "phone").first()
    if last is not None:
        age = (now - last.created_at).total_seconds()
        if age < OTP_RESEND_SECONDS:
            raise OtpTooSoon(int(OTP_RESEND_SECONDS - age) + 1)
    return last


def _otp_messages(citizen: Citizen):
    """The SMS codes sent to this citizen, newest first (read through the household's index)."""
    return (Message.objects.filter(household_id=citizen.person.household_id, kind=_OTP_KIND,
                                   channel=Message.Channel.SMS, key__startswith=f"otp:{citizen.pk}:")
            .order_by("-created_at", "-pk"))


def _issue(*, citizen: Citizen, phone: str, now: datetime) -> OtpIssued:
    """Send a new code (inbox and SMS through the outbox, in the caller's transaction)."""
    code = f"{secrets.randbelow(10 ** OTP_DIGITS):0{OTP_DIGITS}d}"
    keys = list(_otp_messages(citizen).values_list("key", flat=True)[:50])
    serial = max((int(k.rsplit(":", 1)[1]) for k in keys if k.rsplit(":", 1)[1].isdigit()), default=0)
    for _ in range(10):  # keys of an earlier family of the person may be taken: skip them
        serial += 1
        written = citizen_notify(kind=_OTP_KIND, key=f"otp:{citizen.pk}:{serial}",
                                 params={"code": code, "minutes": OTP_MINUTES},
                                 household_id=citizen.person.household_id, person_id=citizen.person_id,
                                 phone=phone, sms=True)
        if written:
            break
    else:
        raise RuntimeError("no free one-time code key")  # pragma: no cover
    issued = now.timestamp()
    challenge = OtpChallenge(citizen_id=citizen.pk, serial=serial,
                             code_hash=_code_hash(citizen=citizen, serial=serial, code=code),
                             issued_at=issued, expires_at=issued + OTP_MINUTES * 60)
    return OtpIssued(citizen=citizen, challenge=challenge, code=code)


def otp_issue(*, citizen: Citizen, now: datetime | None = None) -> OtpIssued:
    """A new code for a citizen not yet verified, to the phone of their sign-up (else the
    registry's). OtpTooSoon when the last code is younger than `OTP_RESEND_SECONDS`."""
    now = now or timezone.now()
    last = _resend_wait_check(citizen, now=now)
    with transaction.atomic():
        return _issue(citizen=citizen, phone=(last.phone if last is not None else "") or "", now=now)


def otp_verify(*, challenge: OtpChallenge, code: str, now: datetime | None = None) -> OtpOutcome:
    """Check a code against its challenge. The outcome carries the challenge with this try
    counted; on success the citizen is verified (phone confirmed) and returned."""
    now = now or timezone.now()
    if challenge.attempts >= OTP_MAX_ATTEMPTS:
        return OtpOutcome("exhausted", challenge)
    if now.timestamp() > challenge.expires_at:
        return OtpOutcome("expired", challenge)
    tried = replace(challenge, attempts=challenge.attempts + 1)
    digits = re.sub(r"\s+", "", code or "")
    with transaction.atomic():
        citizen = (Citizen.objects.select_for_update().select_related("user", "person")
                   .filter(pk=challenge.citizen_id).first())
        expected = "" if citizen is None else _code_hash(citizen=citizen, serial=challenge.serial, code=digits)
        if citizen is None or not constant_time_compare(expected, challenge.code_hash):
            return OtpOutcome("exhausted" if tried.attempts >= OTP_MAX_ATTEMPTS else "wrong", tried)
        if citizen.verified_at is None:
            citizen.verified_at = now
            citizen.save(update_fields=["verified_at"])
            audit_record(actor=citizen.user.username, action="citizen.verify", target_type="citizen",
                         target_id=citizen.pk, data={"person_id": citizen.person_id})
    return OtpOutcome("ok", tried, citizen)


# --- login ----------------------------------------------------------------------------------


def citizen_authenticate(*, nik: str, password: str, request=None) -> Citizen | None:
    """The citizen whose NIK and password these are (verified or not), else None. An unknown
    NIK costs a password hash too, so timing does not tell which NIKs have an account.
    Officers' accounts never sign in here."""
    parsed = parse_nik(nik)
    citizen = None
    if parsed.value is not None:
        citizen = (Citizen.objects.select_related("user", "person")
                   .filter(person__nik_index=blind_index(parsed.value, purpose="nik")).first())
    # ModelBackend hashes the password of an unknown username as well (timing).
    username = citizen.user.username if citizen is not None else "warga-tidak-ada"
    user = authenticate(request, username=username, password=password)
    if citizen is None or user is None or user.pk != citizen.user_id or hasattr(user, "officer"):
        return None
    citizen.user = user  # as authenticated: its password hash may have just been upgraded
    return citizen


def demo_shows_code() -> bool:
    """The demo has no real phone: show the code on the page (DEBUG or BANSOS_DEMO_SHOW_OTP)."""
    return bool(settings.DEBUG or getattr(settings, "BANSOS_DEMO_SHOW_OTP", False))
