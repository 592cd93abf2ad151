"""The double-entry ledger of a cycle's money, and its reconciliation with the payments.

Each movement debits one ledger account and credits another by the same amount:
- fund:   escrow:<BANK>   ← anggaran:<PROGRAM>  a batch is sent: its total moves to the bank
- credit: penerima:<BANK> ← escrow:<BANK>       the bank credited recipients' accounts
- refund: anggaran:<PROGRAM> ← escrow:<BANK>    the bank rejected payments: money comes back
- return: anggaran:<PROGRAM> ← penerima:<BANK>  a credit was returned (account closed after)
- lapse:  kas_negara ← penerima:<BANK>          not withdrawn in 3 months 15 days: to the treasury
Movements are keyed, so posting the same one twice (a re-run, a report read again) adds
nothing. `ledger_check` proves the ledger and the payments tell the same story to the rupiah:
what sits in escrow is what was sent and not yet answered, what sits with recipients is what
was credited and not returned."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from bansos.payments.models import LedgerEntry, Payment
from bansos.programs.models import Cycle

# Return reason of funds the family never withdrew (the simulated bank and our return
# instructions use it; ISO has no external code for it).
LAPSE_REASON = "DANA_TIDAK_DITARIK"
_MOVES = {
    "fund": ("escrow:{bank}", "anggaran:{program}"),
    "credit": ("penerima:{bank}", "escrow:{bank}"),
    "refund": ("anggaran:{program}", "escrow:{bank}"),
    "return": ("anggaran:{program}", "penerima:{bank}"),
    "lapse": ("kas_negara", "penerima:{bank}"),
}


def ledger_post(*, key: str, kind: str, bank: str, cycle: Cycle, amount: int, payments: int,
                batch_id: int | None = None, report_id: int | None = None) -> None:
    """Post one movement unless its key was posted before. Call inside the transaction that
    changes the payments it covers."""
    if amount == 0 and payments == 0:
        return
    debit, credit = (side.format(bank=bank, program=cycle.program_id) for side in _MOVES[kind])
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(key=key, kind=kind, debit=debit, credit=credit, amount=amount, payments=payments,
                     cycle=cycle, batch_id=batch_id, report_id=report_id)], ignore_conflicts=True)


def ledger_balances(*, cycle: Cycle | None = None) -> dict[str, int]:
    """Balance (debits minus credits) of every ledger account, for one cycle or all."""
    entries = LedgerEntry.objects.all() if cycle is None else LedgerEntry.objects.filter(cycle=cycle)
    balances: dict[str, int] = defaultdict(int)
    for row in entries.values("debit").annotate(s=Sum("amount")):
        balances[row["debit"]] += int(row["s"])
    for row in entries.values("credit").annotate(s=Sum("amount")):
        balances[row["credit"]] -= int(row["s"])
    return dict(sorted(balances.items()))


def _payment_sums(cycle: Cycle) -> dict[tuple[str, str], int]:
    rows = (Payment.objects.filter(cycle=cycle).values("bank", "state", "reason_code")
            .annotate(s=Sum("amount")))
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        state = row["state"]
        if state == Payment.State.RETURNED and row["reason_code"] == LAPSE_REASON:
            state = "lapsed"
        sums[(row["bank"], state)] += int(row["s"])
    return sums


def ledger_check(*, cycle: Cycle) -> list[str]:
    """Differences between the ledger and the payments of a cycle (empty when they agree):
    per bank, escrow = sent and unanswered; recipients = credited; the treasury = lapsed;
    and the whole ledger sums to zero."""
    balances = ledger_balances(cycle=cycle)
    sums = _payment_sums(cycle)
    banks = {bank for bank, _ in sums} | {a.split(":", 1)[1] for a in balances
                                          if a.startswith(("escrow:", "penerima:"))}
    problems = []
    for bank in sorted(banks):
        for account, states in ((f"escrow:{bank}", ("sent",)), (f"penerima:{bank}", ("credited",))):
            expected = sum(sums.get((bank, s), 0) for s in states)
            if balances.get(account, 0) != expected:
                problems.append(f"{account}: buku besar/ledger {balances.get(account, 0)} ≠ "
                                f"pembayaran/payments {expected}")
    lapsed = sum(v for (_, state), v in sums.items() if state == "lapsed")
    if balances.get("kas_negara", 0) != lapsed:
        problems.append(f"kas_negara: buku besar/ledger {balances.get('kas_negara', 0)} ≠ dikembalikan/lapsed {lapsed}")
    if sum(balances.values()) != 0:
        problems.append(f"buku besar tidak seimbang / ledger does not balance: {sum(balances.values())}")
    return problems
