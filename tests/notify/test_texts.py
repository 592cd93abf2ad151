"""Texts: each kind in Indonesian from its params, short enough for one SMS with usual values,
never a full account number or any long number from a bank's free text; English through the
translation catalog."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.test import override_settings

from bansos.notify.models import Message
from bansos.notify.texts import KINDS, TextError, message_text, subject_render, text_render
from tests.notify.conftest import CREDITED

PARAMS = {
    "payment_credited": CREDITED,
    "payment_rejected": {"program": "PKH", "period": "2025-Q4", "amount": 750000, "bank": "BRI",
                         "reason": "rekening sudah ditutup"},
    "payment_returned": {"program": "SEMBAKO", "period": "2025-Q3", "amount": 600000,
                         "reason": "tidak dicairkan dalam 3 bulan 15 hari"},
    "payment_return_warning": {"program": "PKH", "period": "2025-Q4", "amount": 750000,
                               "bank": "BNI", "due": "2026-01-26"},
    "account_requested": {"program": "PKH", "bank": "MANDIRI"},
    "report_rejected": {"bank": "BRI", "file": "camt054-20251012.xml", "error": "skema XML tidak valid"},
    "otp_code": {"code": "482913", "minutes": 10},
    "case_update": {"what": "Usulan", "ref": "K-000123", "step": "diverifikasi desa"},
    "case_escalated": {"what": "Sanggahan", "ref": "K-000124", "step": "Verifikasi desa",
                       "due": "2026-11-20", "level": "Dinas Sosial Kabupaten/Kota"},
    "case_reminder": {"what": "Pengaduan", "ref": "K-000125", "step": "Ditangani",
                      "due": "2026-11-25"},
}

# The English the catalog should give (msgstr for the lead's .po); checked below with a
# temporary catalog, so the texts and these translations cannot drift apart.
ENGLISH = {
    "payment_credited": "%(program)s aid for stage %(period)s, %(amount)s, has been credited to "
                        "%(bank)s account%(account)s on %(date)s. Info: village office/social "
                        "affairs office.",
    "payment_rejected": "%(program)s aid for stage %(period)s, %(amount)s, could not be credited "
                        "to the %(bank)s account: %(reason)s. Contact the village office/social "
                        "affairs office to correct the account.",
    "payment_returned": "%(program)s aid for stage %(period)s, %(amount)s, was returned to the "
                        "state treasury: %(reason)s. Info: village office/social affairs office.",
    "payment_return_warning": "%(program)s aid for stage %(period)s, %(amount)s, in the %(bank)s "
                              "account has not been withdrawn. Withdraw it before %(due)s, or it "
                              "goes back to the state treasury.",
    "account_requested": "A collective account (burekol) at %(bank)s is being opened for "
                         "%(program)s aid. Bring your original KK and KTP to the bank when invited.",
    "report_rejected": "The status report from %(bank)s (file %(file)s) was rejected: %(error)s. "
                       "Check the file and upload it again.",
    "otp_code": "Your bansos verification code: %(code)s. Valid for %(minutes)s minutes. NEVER "
                "give this code to anyone, officers included.",
    "case_update": "%(what)s number %(ref)s: %(step)s. See the details in your bansos account "
                   "or ask at the village office.",
    "case_escalated": "%(what)s number %(ref)s at the step \"%(step)s\" passed its deadline "
                      "%(due)s and was escalated to %(level)s. Please act on it promptly.",
    "case_reminder": "Reminder: %(what)s number %(ref)s at the step \"%(step)s\" is due "
                     "%(due)s.",
}


def test_every_kind_has_params_and_english():
    assert set(PARAMS) == set(KINDS) == set(ENGLISH)


def test_payment_credited_in_indonesian():
    text = text_render(kind="payment_credited", params=CREDITED)
    assert text == ("Bantuan PKH tahap 2025-Q4 sebesar Rp750.000 sudah masuk ke rekening BRI "
                    "****1234 pada 12-10-2025. Info: kantor desa/Dinas Sosial.")


@pytest.mark.parametrize("kind", sorted(PARAMS))
def test_citizen_texts_fit_one_sms_and_are_plain_ascii(kind):
    text = text_render(kind=kind, params=PARAMS[kind])
    assert text.isascii()  # GSM-7: one segment holds 160 characters
    if KINDS[kind].audience == "citizen":
        assert len(text) <= 160, (len(text), text)
    for value in PARAMS[kind].values():
        if isinstance(value, str) and not value[:4].isdigit():
            assert value.rstrip(".") in text


def test_the_texts_say_what_to_do():
    assert "Hubungi kantor desa/Dinas Sosial" in text_render(kind="payment_rejected", params=PARAMS["payment_rejected"])
    warning = text_render(kind="payment_return_warning", params=PARAMS["payment_return_warning"])
    assert "sebelum 26-01-2026" in warning and "kas negara" in warning
    assert "dikembalikan ke kas negara" in text_render(kind="payment_returned", params=PARAMS["payment_returned"])
    assert "Bawa KK dan KTP" in text_render(kind="account_requested", params=PARAMS["account_requested"])
    assert subject_render(kind="report_rejected", params=PARAMS["report_rejected"]) == "Laporan bank BRI ditolak"


def test_no_full_account_number_or_long_number_is_ever_printed():
    text = text_render(kind="payment_credited", params={**CREDITED, "account_last4": "0123-4567-8901-2345"})
    assert "****2345" in text and "0123" not in text and "8901" not in text
    rejected = text_render(kind="payment_rejected", params={
        **PARAMS["payment_rejected"], "reason": "rekening 012345678901234 atas nama lain"})
    assert "012345678901234" not in rejected and "[disamarkan/redacted]" in rejected


def test_an_unknown_account_is_left_out():
    for unknown in (None, "", "-"):
        text = text_render(kind="payment_credited", params={**CREDITED, "account_last4": unknown})
        assert "ke rekening BRI pada 12-10-2025." in text and "****" not in text


def test_unknown_kind_and_missing_or_bad_params_are_clear_errors():
    with pytest.raises(TextError, match="unknown notification kind: 'payment_lost'"):
        text_render(kind="payment_lost", params={})
    with pytest.raises(TextError, match="missing params: period, bank$"):
        text_render(kind="payment_credited", params={**CREDITED, "bank": "", "period": None})
    with pytest.raises(TextError, match="date tidak valid / invalid"):
        text_render(kind="payment_credited", params={**CREDITED, "date": "kemarin"})


def _catalog(tmp_path) -> None:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
             '"Language: en\\n"', ""]
    for code, english in ENGLISH.items():
        for msgid, msgstr in ((KINDS[code].text, english),):
            lines += ["#, python-format", f"msgid {_quoted(msgid)}", f"msgstr {_quoted(msgstr)}", ""]
    lines += [f"msgid {_quoted(KINDS['report_rejected'].subject)}",
              f"msgstr {_quoted('%(bank)s report rejected')}", ""]
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text("\n".join(lines), encoding="utf-8")
    subprocess.run(["msgfmt", "--check", "-o", str(folder / "django.mo"), str(folder / "django.po")],
                   check=True)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt not installed")
def test_english_comes_from_the_catalog_and_citizens_keep_indonesian(tmp_path, settings):
    _catalog(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        message = Message(kind="payment_credited", channel="sms", params=CREDITED)
        assert message_text(message, "en") == (
            "PKH aid for stage 2025-Q4, Rp750.000, has been credited to BRI account ****1234 on "
            "12-10-2025. Info: village office/social affairs office.")
        assert message_text(message).startswith("Bantuan PKH tahap 2025-Q4")
        for kind, params in PARAMS.items():
            english = text_render(kind=kind, params=params, language="en")
            assert english != text_render(kind=kind, params=params) and english.isascii()
        assert subject_render(kind="report_rejected", params=PARAMS["report_rejected"],
                              language="en") == "BRI report rejected"
