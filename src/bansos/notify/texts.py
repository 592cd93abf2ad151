"""What each kind of notification says, rendered from the message's params.

Msgids are Indonesian, the language citizens get (SMS and inbox are always rendered in
Indonesian); English comes from the .po file and is shown on officer pages beside them. SMS
texts aim at 160 characters (one GSM-7 segment) for usual values, so they use plain ASCII.
Money is written Rp750.000 and dates 12-10-2025 in both languages, as on payment slips.
An account number is never printed: params carry only its last four digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from bansos.core.redact import redact
from bansos.core.templatetags.bansos import rupiah

CITIZEN = "citizen"  # SMS and inbox of the household
OFFICER = "officer"  # email and inbox of officers


class TextError(ValueError):
    """A message cannot be rendered: unknown kind or missing params."""


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any  # lazy, for officer pages
    audience: str
    params: tuple[str, ...]
    text: str  # msgid, filled with the formatted params
    subject: str = ""  # msgid of the email subject (officer notices)
    optional: tuple[str, ...] = ()  # params that may be empty (left out of the text)
    # Params that are secrets (a sign-up code): never written to the inbox, and blanked in
    # the outbox once the SMS is out (sent or given up), so the database does not keep them.
    secret: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("payment_credited", gettext_lazy("Bantuan masuk rekening"), CITIZEN,
         ("program", "period", "amount", "bank", "account_last4", "date"),
         gettext_noop("Bantuan %(program)s tahap %(period)s sebesar %(amount)s sudah masuk ke "
                      "rekening %(bank)s%(account)s pada %(date)s. Info: kantor desa/Dinas Sosial."),
         optional=("account_last4",)),
    Kind("payment_rejected", gettext_lazy("Transfer bantuan gagal"), CITIZEN,
         ("program", "period", "amount", "bank", "reason"),
         gettext_noop("Bantuan %(program)s tahap %(period)s sebesar %(amount)s gagal masuk ke "
                      "rekening %(bank)s: %(reason)s. Hubungi kantor desa/Dinas Sosial untuk "
                      "perbaikan rekening.")),
    Kind("payment_returned", gettext_lazy("Bantuan dikembalikan ke kas negara"), CITIZEN,
         ("program", "period", "amount", "reason"),
         gettext_noop("Bantuan %(program)s tahap %(period)s sebesar %(amount)s dikembalikan ke "
                      "kas negara: %(reason)s. Info: kantor desa/Dinas Sosial.")),
    Kind("payment_return_warning", gettext_lazy("Peringatan: bantuan belum dicairkan"), CITIZEN,
         ("program", "period", "amount", "bank", "due"),
         gettext_noop("Bantuan %(program)s tahap %(period)s sebesar %(amount)s di rekening "
                      "%(bank)s belum dicairkan. Cairkan sebelum %(due)s, jika tidak dana "
                      "dikembalikan ke kas negara.")),
    Kind("account_requested", gettext_lazy("Pembukaan rekening kolektif"), CITIZEN,
         ("program", "bank"),
         gettext_noop("Rekening kolektif (burekol) %(bank)s untuk bantuan %(program)s sedang "
                      "dibuka. Bawa KK dan KTP asli ke bank saat diundang.")),
    Kind("otp_code", gettext_lazy("Kode verifikasi"), CITIZEN, ("code", "minutes"),
         gettext_noop("Kode verifikasi bansos Anda: %(code)s. Berlaku %(minutes)s menit. "
                      "JANGAN berikan kode ini kepada siapa pun, termasuk petugas."), secret=("code",)),
    Kind("case_update", gettext_lazy("Perkembangan usulan/sanggahan/pengaduan"), CITIZEN,
         ("what", "ref", "step"),
         gettext_noop("%(what)s nomor %(ref)s: %(step)s. Lihat rinciannya di akun bansos Anda "
                      "atau tanyakan ke kantor desa.")),
    Kind("case_escalated", gettext_lazy("Kasus melewati tenggat"), OFFICER,
         ("what", "ref", "step", "due", "level"),
         gettext_noop("%(what)s nomor %(ref)s pada tahap \"%(step)s\" melewati tenggat %(due)s "
                      "dan dieskalasi ke %(level)s. Mohon segera ditindaklanjuti."),
         subject=gettext_noop("Eskalasi: %(what)s %(ref)s")),
    Kind("case_reminder", gettext_lazy("Pengingat tenggat kasus"), OFFICER,
         ("what", "ref", "step", "due"),
         gettext_noop("Pengingat: %(what)s nomor %(ref)s pada tahap \"%(step)s\" jatuh tempo "
                      "%(due)s."),
         subject=gettext_noop("Pengingat: %(what)s %(ref)s")),
    Kind("report_rejected", gettext_lazy("Laporan bank ditolak"), OFFICER,
         ("bank", "file", "error"),
         gettext_noop("Laporan status dari bank %(bank)s (berkas %(file)s) ditolak: %(error)s. "
                      "Periksa berkas lalu unggah ulang."),
         subject=gettext_noop("Laporan bank %(bank)s ditolak")),
)}


def params_check(*, kind: str, params: dict[str, Any]) -> None:
    """The params carry every name the kind needs (values may still be empty: those fail the
    one message at send time, not the caller's whole batch)."""
    spec = kind_get(kind)
    if not isinstance(params, dict):
        raise TextError(f"{kind}: params must be a JSON object")
    missing = [name for name in spec.params if name not in params]
    if missing:
        raise TextError(f"{kind}: params kurang / missing params: {', '.join(missing)}")


def kind_get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise TextError(f"jenis pemberitahuan tidak dikenal / unknown notification kind: "
                        f"{code!r}") from None


def _day(value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d-%m-%Y")


def _last4(value: Any) -> str:
    # Whatever the caller passed, at most the last four digits are ever shown.
    digits = re.sub(r"\D", "", str(value))
    return "****" + digits[-4:] if digits else ""


def _fill(kind: Kind, params: dict[str, Any]) -> dict[str, str]:
    missing = [name for name in kind.params
               if params.get(name) in (None, "") and name not in kind.optional]
    if missing:
        raise TextError(f"{kind.code}: params kurang / missing params: {', '.join(missing)}")
    fill: dict[str, str] = {"account": ""}
    for name in kind.params:
        value = params.get(name)
        if value in (None, ""):
            continue  # optional
        try:
            if name == "amount":
                fill[name] = rupiah(value)
            elif name in ("date", "due"):
                fill[name] = _day(value)
            elif name == "account_last4":
                last4 = _last4(value)
                fill["account"] = f" {last4}" if last4 else ""  # the space goes with it
            elif name in ("reason", "error"):
                # Free texts from banks' files: mask any long number (an account, a NIK).
                fill[name] = redact(str(value)).strip().rstrip(".")
            else:
                fill[name] = str(value)
        except (TypeError, ValueError) as error:
            raise TextError(f"{kind.code}: {name} tidak valid / invalid: {error}") from None
    return fill


def text_render(*, kind: str, params: dict[str, Any], language: str = "id") -> str:
    """The message of `kind` filled from `params`, in `language` (citizens get "id")."""
    spec = kind_get(kind)
    fill = _fill(spec, params)
    with translation.override(language):
        return gettext(spec.text) % fill


def subject_render(*, kind: str, params: dict[str, Any], language: str = "id") -> str:
    """The email subject of an officer notice (the kind's label for citizen kinds)."""
    spec = kind_get(kind)
    with translation.override(language):
        if not spec.subject:
            return str(spec.label)
        return gettext(spec.subject) % _fill(spec, params)


def message_text(message, language: str = "id") -> str:
    """A stored message's text; officer pages pass the reader's language."""
    return text_render(kind=message.kind, params=message.params or {}, language=language)


def kind_label(code: str) -> str:
    spec = KINDS.get(code)
    return str(spec.label) if spec else code
