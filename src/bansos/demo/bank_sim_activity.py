"""What families do with the money once the simulated bank has credited it, and the two files
that follow from it: the monthly account activity report, and the answer to the ministry's
instruction to pull back funds not withdrawn within 3 months and 15 days.

Behaviour, drawn from the seed per account and per credit: most families withdraw within days
(about 85% of credits within 30 days), some weeks or months later, about 6% never (their
balance grows with every credit until the account goes dormant); ATM users leave what is
under a Rp50,000 note; about 1.5% of accounts also receive deposits of their own, of millions
of rupiah: the irregular balances an oversight detector looks for. For every account the report
keeps SALDO = TOTAL_KREDIT + TOTAL_SETOR - TOTAL_TARIK - TOTAL_RETUR, and no date after the
report's day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from bansos.demo.bank_sim_files import (
    CREDITS_SCHEMA,
    RETURNS_SCHEMA,
    atomic_write,
    csv_rows,
    csv_write,
    message_id,
    notification_chunks,
    return_entry,
    safe_name,
    state_read,
    state_write,
    unit,
)

ACTIVITY_COLUMNS = [
    "NO_REKENING", "SALDO", "TGL_TRANSAKSI_TERAKHIR", "TGL_TARIK_TERAKHIR", "STATUS_REKENING",
    "BANK", "TGL_KREDIT_PERTAMA", "TGL_KREDIT_TERAKHIR", "TOTAL_KREDIT", "TOTAL_TARIK",
    "TOTAL_SETOR", "TOTAL_RETUR", "JUMLAH_KREDIT", "JUMLAH_TARIK", "TGL_LAPORAN",
]  # fmt: skip
DORMANT_AFTER_DAYS = 180  # no withdrawal or deposit of the holder's own for this long
NEVER_WITHDRAWS = 0.06
ATM_USERS = 0.6
ATM_NOTE = 50_000
DEPOSITORS = 0.015
DELAYS = ((0.65, 0, 7), (0.91, 8, 30), (1.0, 31, 150))  # (cumulative share, min, max days)
RETURN_REASON = "DANA_TIDAK_DITARIK"  # funds not withdrawn (no ExternalReturnReason code fits)
RETURN_COLUMNS = ["END_TO_END_ID", "NO_REKENING", "JUMLAH", "ALASAN"]


@dataclass
class Account:
    bank: str
    account: str
    balance: int = 0
    pending: int = 0  # credited bansos money not yet withdrawn or returned
    credited: int = 0
    withdrawn: int = 0
    deposited: int = 0
    returned: int = 0
    credits: int = 0
    withdrawals: int = 0
    first_credit: date | None = None
    last_credit: date | None = None
    last_withdrawal: date | None = None
    last_own: date | None = None  # last withdrawal or deposit: what keeps an account alive
    last_any: date | None = None

    def status(self, on: date) -> str:
        alive = self.last_own or self.first_credit
        return "DORMAN" if alive is not None and (on - alive).days > DORMANT_AFTER_DAYS else "AKTIF"


def _delay(seed: int, end_to_end: str) -> int:
    u, v = unit(seed, "tarik", end_to_end), unit(seed, "tarik-hari", end_to_end)
    low, high = next((low, high) for share, low, high in DELAYS if u < share)
    return low + int(v * (high - low + 1))


def _events(key: tuple[str, str], credits: list, returns: list, seed: int, on: date) -> list:
    """The account's dated events (day, order, kind, amount): credits first within a day,
    returns last."""
    bank, number = key
    withdraws = unit(seed, "nasabah", bank, number) >= NEVER_WITHDRAWS
    events = []
    for end_to_end, amount, day in credits:
        events.append((day, 0, "credit", amount))
        if withdraws and (when := day + timedelta(days=_delay(seed, end_to_end))) <= on:
            events.append((when, 1, "withdraw", 0))
    if unit(seed, "setor", bank, number) < DEPOSITORS:
        first = min(day for _, _, day in credits)
        for k in range(1 + int(unit(seed, "setor-kali", bank, number) * 3)):
            when = first + timedelta(days=10 + 30 * k + int(unit(seed, "setor-hari", bank, number, str(k)) * 20))
            amount = 100_000 * (10 + int(unit(seed, "setor-jumlah", bank, number, str(k)) * 290))
            if when <= on:
                events.append((when, 1, "deposit", amount))
    events += [(day, 2, "return", amount) for amount, day in returns]
    events.sort()
    return events


def account_activity(*, credits: pa.Table, returns: pa.Table, on: date, seed: int) -> list[Account]:
    """Every credited account's state at the end of `on`, in (bank, account) order. `credits`
    has bank, account, end_to_end_id, amount, booked_on; `returns` bank, account, amount,
    returned_on."""
    credits = credits.filter(pc.less_equal(credits["booked_on"], pa.scalar(on, pa.date32())))
    by_account: dict[tuple[str, str], list] = defaultdict(list)
    for bank, number, end_to_end, amount, day in zip(
            *(credits[c].to_pylist() for c in ("bank", "account", "end_to_end_id", "amount", "booked_on")),
            strict=True):
        by_account[(bank, number)].append((end_to_end, amount, day))
    returned: dict[tuple[str, str], list] = defaultdict(list)
    for bank, number, amount, day in zip(
            *(returns[c].to_pylist() for c in ("bank", "account", "amount", "returned_on")), strict=True):
        if day <= on:
            returned[(bank, number)].append((amount, day))
    out = []
    for key in sorted(by_account):
        state = Account(bank=key[0], account=key[1])
        for day, _, kind, amount in _events(key, by_account[key], returned[key], seed, on):
            if kind == "credit":
                state.pending += amount
                state.credited += amount
                state.credits += 1
                state.first_credit = state.first_credit or day
                state.last_credit = day
            elif kind == "deposit":
                state.deposited += amount
                state.last_own = day
            elif kind == "withdraw":
                atm = unit(seed, "atm", *key) < ATM_USERS
                amount = state.pending - state.pending % ATM_NOTE if atm else state.pending
                if amount <= 0:
                    continue
                state.pending -= amount
                state.withdrawn += amount
                state.withdrawals += 1
                state.last_withdrawal = state.last_own = day
            else:  # a return takes back only what is still there
                amount = min(amount, state.pending)
                state.pending -= amount
                state.returned += amount
            state.last_any = day
        state.balance = state.credited + state.deposited - state.withdrawn - state.returned
        out.append(state)
    return out


def activity_report(*, outbox: Path, on: date, seed: int, credited: pa.Table | None = None,
                    book: dict[str, tuple[str, str]] | None = None) -> Path:
    """`aktivitas-<on>.csv` in the outbox: one row per account credited up to `on`, from the
    bank's state (or `credited`: bank, account, end_to_end_id, amount, booked_on). Accounts the
    book says are closed are TUTUP, blocked or dormant ones DORMAN."""
    credits = credited if credited is not None else state_read(outbox, "credits", CREDITS_SCHEMA)
    if "bank" not in credits.column_names:
        credits = credits.append_column("bank", pa.array(["BANK"] * len(credits), pa.string()))
    returns = state_read(outbox, "returns", RETURNS_SCHEMA)
    book = book or {}

    def status(state: Account) -> str:
        held = book.get(state.account, ("", "AKTIF"))[1]
        return "TUTUP" if held == "TUTUP" else "DORMAN" if held in ("DORMAN", "BLOKIR") else state.status(on)

    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    rows = ([s.account, s.balance, day(s.last_any), day(s.last_withdrawal), status(s), s.bank,
             day(s.first_credit), day(s.last_credit), s.credited, s.withdrawn, s.deposited,
             s.returned, s.credits, s.withdrawals, on.isoformat()]
            for s in account_activity(credits=credits, returns=returns, on=on, seed=seed))
    return csv_write(outbox / f"aktivitas-{on.isoformat()}.csv", ACTIVITY_COLUMNS, rows)


def returns_answer(*, instruction: Path, outbox: Path, on: date, seed: int | None = None) -> Path:
    """Answer a return instruction (`return-*.csv`: END_TO_END_ID, NO_REKENING, JUMLAH,
    ALASAN) with `camt054-<stem>.xml`: per returned payment a credit of the escrow account
    naming the payment's end-to-end id, reason DANA_TIDAK_DITARIK. Rows the bank cannot return
    go to `ditolak-<stem>.csv` with ALASAN_TOLAK: TIDAK_DIKENAL (never credited here),
    SUDAH_DIKEMBALIKAN, REKENING_TIDAK_SESUAI, JUMLAH_TIDAK_SESUAI, and with `seed` (the
    families' behaviour is then known) DANA_SUDAH_DITARIK when the family has withdrawn it."""
    stem = instruction.stem
    credits = state_read(outbox, "credits", CREDITS_SCHEMA)
    known = {row["end_to_end_id"]: row for row in credits.to_pylist()}
    earlier = state_read(outbox, "returns", RETURNS_SCHEMA, except_name=stem)
    done = set(earlier["end_to_end_id"].to_pylist())
    pending: dict[tuple[str, str], int] = {}
    if seed is not None:
        pending = {(s.bank, s.account): s.pending
                   for s in account_activity(credits=credits, returns=earlier, on=on, seed=seed)}
    accepted, refused = [], []
    for row in csv_rows(instruction):
        end_to_end, number = row.get("ENDTOENDID", ""), row.get("NOREKENING", "")
        amount_text, credit = row.get("JUMLAH", ""), known.get(row.get("ENDTOENDID", ""))
        amount = int(amount_text) if amount_text.isdigit() else None
        reason = ("TIDAK_DIKENAL" if credit is None or credit["booked_on"] > on else
                  "SUDAH_DIKEMBALIKAN" if end_to_end in done else
                  "REKENING_TIDAK_SESUAI" if number != credit["account"] else
                  "JUMLAH_TIDAK_SESUAI" if amount != credit["amount"] else None)
        key = (credit["bank"], number) if credit else ("", "")
        if reason is None and seed is not None:
            if pending.get(key, 0) < amount:
                reason = "DANA_SUDAH_DITARIK"
            else:
                pending[key] -= amount
        if reason:
            refused.append([end_to_end, number, amount_text, row.get("ALASAN", ""), reason])
            continue
        done.add(end_to_end)
        accepted.append({**credit, "note": row.get("ALASAN", "")})
    bank = accepted[0]["bank"] if accepted else next(iter(known.values()), {}).get("bank", "BANK")
    notice = message_id(f"{bank}-RTR", stem)
    by_escrow: dict[str, list[str]] = defaultdict(list)
    for credit in accepted:
        by_escrow[credit["debtor_account"]].append(return_entry(
            reference=message_id("RTR", credit["end_to_end_id"]), message=credit["message_id"],
            end_to_end=credit["end_to_end_id"], amount=credit["amount"], reason=RETURN_REASON,
            note=credit["note"], on=on))
    escrows = sorted(by_escrow.items()) or [(next(iter(known.values()), {}).get("debtor_account", "-"), [])]
    path = atomic_write(outbox / f"camt054-{safe_name(stem)}.xml",
                        notification_chunks(message=notice, on=on, accounts=escrows))
    csv_write(outbox / f"ditolak-{safe_name(stem)}.csv", [*RETURN_COLUMNS, "ALASAN_TOLAK"], refused)
    state_write(outbox, "returns", stem, pa.table({
        "instruction": [stem] * len(accepted), "bank": [c["bank"] for c in accepted],
        "debtor_account": [c["debtor_account"] for c in accepted],
        "message_id": [c["message_id"] for c in accepted],
        "end_to_end_id": [c["end_to_end_id"] for c in accepted],
        "account": [c["account"] for c in accepted], "amount": [c["amount"] for c in accepted],
        "returned_on": [on] * len(accepted)}, schema=RETURNS_SCHEMA))
    return path
