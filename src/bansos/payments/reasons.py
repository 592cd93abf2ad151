"""Why a bank rejected or returned a payment: ISO 20022 external status reason codes (and our
own code for funds not withdrawn), in the words a family and an officer understand."""

from __future__ import annotations

from bansos.payments.ledger import LAPSE_REASON

# code -> (Indonesian, English)
REASONS: dict[str, tuple[str, str]] = {
    "AC01": ("nomor rekening salah", "incorrect account number"),
    "AC04": ("rekening sudah ditutup", "account closed"),
    "AC06": ("rekening diblokir atau dorman", "account blocked or dormant"),
    "AC03": ("rekening penerima tidak sah", "invalid creditor account"),
    "AG01": ("transaksi tidak diizinkan untuk rekening ini", "transaction forbidden on this account"),
    "AM04": ("dana bank tidak cukup", "insufficient funds at the bank"),
    "AM05": ("pembayaran ganda", "duplicate payment"),
    "BE01": ("nama tidak sesuai dengan pemilik rekening", "name inconsistent with the account holder"),
    "MD07": ("pemilik rekening meninggal dunia", "account holder deceased"),
    "MS02": ("ditolak oleh penerima", "refused by the creditor"),
    "MS03": ("alasan tidak disebutkan bank", "reason not specified by the bank"),
    "NARR": ("lihat keterangan bank", "see the bank's narrative"),
    LAPSE_REASON: ("dana tidak ditarik dalam 3 bulan 15 hari, dikembalikan ke kas negara",
                   "not withdrawn within 3 months 15 days, returned to the treasury"),
}
# Bank answers that say something about the account itself, and what it now is.
ACCOUNT_STATUS_FROM_REASON = {"AC04": "closed", "AC06": "blocked", "MD07": "closed"}


def reason_text(code: str, *, language: str = "id") -> str:
    texts = REASONS.get(code or "")
    if texts is None:
        return f"kode {code}" if language == "id" else f"code {code}"
    return texts[0] if language == "id" else texts[1]
