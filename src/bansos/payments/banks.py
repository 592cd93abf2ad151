"""The distributing banks: the four Himbara banks, BSI (the only one in Aceh, Qanun 11/2018) and
PT Pos for cash. Codes are ours; BICs are the banks' SWIFT codes, written into pain.001."""

from __future__ import annotations

from dataclasses import dataclass

ACEH = "11"  # province code


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    bic: str
    account_digits: int


BANKS: dict[str, Bank] = {b.code: b for b in (
    Bank("BRI", "PT Bank Rakyat Indonesia (Persero) Tbk", "BRINIDJA", 15),
    Bank("BNI", "PT Bank Negara Indonesia (Persero) Tbk", "BNINIDJA", 10),
    Bank("MANDIRI", "PT Bank Mandiri (Persero) Tbk", "BMRIIDJA", 13),
    Bank("BTN", "PT Bank Tabungan Negara (Persero) Tbk", "BTANIDJA", 16),
    Bank("BSI", "PT Bank Syariah Indonesia Tbk", "BSMDIDJA", 10),
)}


def bank_for_province(*, bank: str, province_code: str) -> str | None:
    """The bank a recipient may be paid through: in Aceh only BSI; elsewhere a Himbara bank.
    None when the given bank may not pay there."""
    if province_code == ACEH:
        return "BSI" if bank == "BSI" else None
    return bank if bank in BANKS and bank != "BSI" else None
