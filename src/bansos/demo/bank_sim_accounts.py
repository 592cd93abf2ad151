"""The simulated bank's book of accounts: opening collective accounts (burekol) on the
ministry's request, and reading an account list as the book that `bank_answer` checks
payments against.

A request (`burekol-*.csv`: NIK, NAMA, ALAMAT, KODE_DESA, PROGRAM, BANK) is answered with
`rekening-<BANK>-<stem>.csv` in the format of `intake/mappings/bank.toml` (NIK, NAMA,
NO_REKENING, BANK, NO_HP, STATUS_REKENING, plus PROGRAM) and `ditolak-<BANK>-<stem>.csv` (NIK,
NAMA, PROGRAM, BANK, ALASAN) for the requests refused: refused rows are never in the account
list. Rows for another bank are left to that bank. One NIK holds one account per bank: a NIK
asked for again gets its account back, so answering a request twice gives the same file."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from stdnum import luhn

from bansos.demo.bank_sim_files import (
    ACCOUNTS_SCHEMA,
    csv_rows,
    csv_write,
    safe_name,
    state_read,
    state_write,
    unit,
)
from bansos.payments.banks import BANKS, bank_for_province

ACCOUNT_COLUMNS = ["NIK", "NAMA", "NO_REKENING", "BANK", "NO_HP", "STATUS_REKENING", "PROGRAM"]
REFUSAL_COLUMNS = ["NIK", "NAMA", "PROGRAM", "BANK", "ALASAN"]
# Why a branch turns a family away (about 2% in all): data not matching the civil registry
# (the "SI" mismatch), documents missing (KK, KTP, invitation letter), the family not coming.
REFUSALS = ((0.008, "DATA_TIDAK_SESUAI_DUKCAPIL"), (0.015, "DOKUMEN_TIDAK_LENGKAP"),
            (0.020, "KPM_TIDAK_HADIR"))
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0851",
                   "0814", "0815", "0816", "0855", "0856", "0857", "0858", "0817", "0818",
                   "0819", "0859", "0877", "0878", "0895", "0896", "0897", "0898", "0881",
                   "0882", "0831", "0838")  # fmt: skip
NO_PHONE = 0.1
STATUSES = {"AKTIF": "AKTIF", "ACTIVE": "AKTIF", "TUTUP": "TUTUP", "DITUTUP": "TUTUP",
            "CLOSED": "TUTUP", "DORMAN": "DORMAN", "DORMANT": "DORMAN", "PASIF": "DORMAN",
            "BLOKIR": "BLOKIR", "DIBLOKIR": "BLOKIR", "BLOCKED": "BLOKIR"}


def book_read(*, path: Path) -> dict[str, tuple[str, str]]:
    """An account list (bank.toml format: NO_REKENING, NAMA, STATUS_REKENING) as the bank's
    book: account number → (holder name, AKTIF/TUTUP/DORMAN/BLOKIR; blank or unknown is AKTIF)."""
    book = {}
    for row in csv_rows(path):
        number = row.get("NOREKENING", "")
        if number:
            status = STATUSES.get(row.get("STATUSREKENING", "").upper(), "AKTIF")
            book[number] = (row.get("NAMA", ""), status)
    return book


def opened_book(*, outbox: Path) -> dict[str, tuple[str, str]]:
    """The accounts this bank has opened on request, as book entries."""
    opened = state_read(outbox, "accounts", ACCOUNTS_SCHEMA)
    return {a: (n, "AKTIF") for a, n in zip(opened["account"].to_pylist(), opened["name"].to_pylist(), strict=True)}


def _phone(seed: int, nik: str) -> str:
    if unit(seed, "hp", nik) < NO_PHONE:
        return ""
    prefix = MOBILE_PREFIXES[int(unit(seed, "hp-operator", nik) * len(MOBILE_PREFIXES))]
    length = 7 if unit(seed, "hp-panjang", nik) < 0.3 else 8
    return prefix + str(int(unit(seed, "hp-nomor", nik) * 10**length)).zfill(length)


class _Numbers:
    """New account numbers of a bank: a 4-digit branch (from the seed and the family's regency),
    a serial within the branch and a Luhn check digit, `account_digits` long in all."""

    def __init__(self, bank: str, seed: int, taken: list[str]) -> None:
        self.bank, self.seed = bank, seed
        self.serial_digits = BANKS[bank].account_digits - 5
        self.last: dict[str, int] = defaultdict(int)
        for number in taken:
            branch, serial = number[:4], int(number[4:-1] or 0)
            self.last[branch] = max(self.last[branch], serial)

    def new(self, village: str) -> str:
        regency = "".join(ch for ch in village if ch.isdigit())[:4]
        branch = int(unit(self.seed, "cabang", self.bank, regency) * 9000) + 1000
        while self.last[str(branch)] >= 10**self.serial_digits - 1:  # branch full: the next one
            branch = branch + 1 if branch < 9999 else 1000
        self.last[str(branch)] += 1
        body = f"{branch}{self.last[str(branch)]:0{self.serial_digits}d}"
        return body + luhn.calc_check_digit(body)


def accounts_open(*, request: Path, outbox: Path, bank: str, seed: int) -> Path:
    """Answer a burekol request for `bank` (module docstring); returns the account list's path."""
    if bank not in BANKS:
        raise ValueError(f"bank {bank} tidak dikenal / unknown bank {bank}")
    stem = request.stem
    state_name = f"{bank}-{stem}"
    opened = state_read(outbox, "accounts", ACCOUNTS_SCHEMA)
    opened = opened.filter(pc.equal(opened["bank"], bank))
    held = {row["nik"]: row for row in opened.to_pylist()}
    numbers = _Numbers(bank, seed, opened["account"].to_pylist())
    answered, refused, kept = [], [], []
    for row in csv_rows(request):
        if (row.get("BANK", "").upper() or bank) != bank:
            continue  # another bank's request
        nik, name, program = row.get("NIK", ""), " ".join(row.get("NAMA", "").upper().split()), row.get("PROGRAM", "")
        village = row.get("KODEDESA", "")
        province = "".join(ch for ch in village if ch.isdigit())[:2]
        reason = None
        if nik in held:
            number, phone = held[nik]["account"], held[nik]["phone"]
        elif not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
            reason = "NIK_TIDAK_VALID"
        elif not name:
            reason = "NAMA_KOSONG"
        elif bank_for_province(bank=bank, province_code=province) is None:
            reason = "BANK_TIDAK_MELAYANI_WILAYAH"  # Aceh is BSI's alone (Qanun 11/2018)
        else:
            u = unit(seed, "burekol", bank, stem, nik)
            reason = next((code for bound, code in REFUSALS if u < bound), None)
        if reason:
            refused.append([nik, name, program, bank, reason])
            continue
        if nik not in held:
            number, phone = numbers.new(village), _phone(seed, nik)
            held[nik] = {"account": number, "phone": phone}
        # every account named in the answer, reused ones too: the request's state is then the
        # same however often it is answered
        kept.append({"request": state_name, "bank": bank, "nik": nik, "name": name,
                     "account": number, "phone": phone, "program": program})
        answered.append([nik, name, number, bank, phone, "AKTIF", program])
    path = csv_write(outbox / f"rekening-{bank}-{safe_name(stem)}.csv", ACCOUNT_COLUMNS, answered)
    csv_write(outbox / f"ditolak-{bank}-{safe_name(stem)}.csv", REFUSAL_COLUMNS, refused)
    state_write(outbox, "accounts", state_name, pa.Table.from_pylist(kept, schema=ACCOUNTS_SCHEMA))
    return path
