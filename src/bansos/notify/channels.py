"""The ways out: an SMS gateway over HTTP and Django's mail backends. (The inbox needs no
channel: a message there is delivered when it commits.)

SMS gateway protocol (the one `bansos sms_gateway` speaks, and most Indonesian SMS gateways
accept): `POST BANSOS_SMS_URL` with form fields `to` (E.164, `+62812…`) and `text`, HTTP basic
auth with BANSOS_SMS_USER / BANSOS_SMS_PASSWORD when a user is set; any 2xx is accepted, and a
JSON body's `id` is returned as the gateway's message id. 400 and 422 mean the gateway refuses
this message for good (bad number or text); anything else is worth retrying.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from bansos.core.redact import redact
from bansos.intake.parse_codes import PHONE_RE

_PERMANENT_HTTP = {400, 422}


class ChannelError(Exception):
    """Sending failed; `permanent` ones are not retried. The text never holds a phone number."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(redact(reason))
        self.permanent = permanent


class NoRecipient(Exception):
    """Nobody to send to (no phone number, no email address): the message is skipped."""


def sms_configured() -> bool:
    return bool(getattr(settings, "BANSOS_SMS_URL", ""))


def phone_e164(phone: str | None) -> str:
    """The stored phone (already `+628…` from intake; older rows may be `08…`) as E.164."""
    compact = re.sub(r"[\s\-.()]", "", phone or "")
    match = re.match(PHONE_RE, compact)
    if not match:
        raise NoRecipient("nomor HP tidak ada atau tidak valid / no valid mobile number")
    return "+62" + match.group("nsn")


def phone_masked(phone: str) -> str:
    return "****" + phone[-4:]


def email_masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def sms_send(*, phone: str, text: str) -> str:
    """Hand one SMS to the gateway; returns its message id (may be empty)."""
    url = settings.BANSOS_SMS_URL
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ChannelError("BANSOS_SMS_URL must be an http(s) URL")
    body = urllib.parse.urlencode({"to": phone, "text": text}).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if settings.BANSOS_SMS_USER:
        token = f"{settings.BANSOS_SMS_USER}:{settings.BANSOS_SMS_PASSWORD}".encode()
        request.add_header("Authorization", "Basic " + base64.b64encode(token).decode("ascii"))
    try:
        with urllib.request.urlopen(request, timeout=settings.BANSOS_SMS_TIMEOUT) as response:  # noqa: S310
            answer = response.read(4096)
    except urllib.error.HTTPError as error:
        detail = error.read(200).decode("utf-8", "replace").strip()
        raise ChannelError(f"SMS gateway HTTP {error.code}: {detail}",
                           permanent=error.code in _PERMANENT_HTTP) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ChannelError(f"SMS gateway unreachable: {getattr(error, 'reason', error)}") from None
    try:
        return str(json.loads(answer).get("id", ""))
    except (ValueError, AttributeError):
        return ""


def email_send(*, address: str, subject: str, text: str) -> None:
    if not address:
        raise NoRecipient("tidak ada alamat surel / no email address")
    try:
        send_mail(subject, text, None, [address])
    except Exception as error:  # SMTP, socket and backend errors alike are worth a retry
        raise ChannelError(f"email: {type(error).__name__}: {error}") from None
