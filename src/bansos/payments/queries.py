"""Reads for pages, the API and commands: a cycle's payments by bank and state, a family's
payment history, batches and bank reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from bansos.areas.models import Role
from bansos.payments.models import Account, AccountRequest, BankReport, Batch, Payment
from bansos.payments.reasons import reason_text
from bansos.programs.models import Cycle

STATES = [s for s, _ in Payment.State.choices]
# The ledger (national money) is for the ministry and auditors; an account may be fixed by the
# regency social office (it meets the family), the ministry, and the family's bank.
LEDGER_ROLES = {Role.MINISTRY, Role.AUDITOR}
ACCOUNT_ROLES = {Role.MINISTRY, Role.REGENCY, Role.BANK}


def cycle_payment_summary(*, cycle: Cycle, payments: QuerySet[Payment] | None = None) -> dict:
    """Per bank and in all: count and rupiah of payments in each state, with the cycle's
    entitled total beside, so what is paid, pending, failed and returned adds up to the rupiah."""
    payments = Payment.objects.filter(cycle=cycle) if payments is None else payments
    rows = payments.values("bank", "state").annotate(n=Count("id"), total=Sum("amount")).order_by("bank")
    banks: dict[str, dict] = {}
    overall = {state: {"count": 0, "total": 0} for state in STATES}
    for row in rows:
        bank = banks.setdefault(row["bank"], {state: {"count": 0, "total": 0} for state in STATES})
        for target in (bank, overall):
            target[row["state"]]["count"] += row["n"]
            target[row["state"]]["total"] += int(row["total"] or 0)
    return {"cycle": cycle.pk, "program": cycle.program_id, "period": cycle.period,
            "entitled_households": cycle.households, "entitled_total": cycle.total,
            "banks": banks, "all": overall}


@dataclass(frozen=True)
class HistoryRow:
    program: str
    period: str
    amount: int
    bank: str
    account_last4: str
    state: str
    state_label: str
    reason: str
    attempt: int
    end_to_end_id: str
    credited_on: date | None
    withdrawn_on: date | None
    return_due_on: date | None


def payment_history(*, household_id: int, language: str = "id") -> list[HistoryRow]:
    """Every payment to a family, newest first, with why it failed when it did."""
    rows = (Payment.objects.filter(household_id=household_id)
            .select_related("cycle", "account").order_by("-cycle__starts_on", "-attempt"))
    labels = dict(Payment.State.choices)
    return [HistoryRow(program=p.cycle.program_id, period=p.cycle.period, amount=p.amount, bank=p.bank,
                       account_last4=p.account.number_last4, state=p.state, state_label=str(labels[p.state]),
                       reason=reason_text(p.reason_code, language=language) if p.reason_code else "",
                       attempt=p.attempt, end_to_end_id=p.end_to_end_id, credited_on=p.credited_on,
                       withdrawn_on=p.withdrawn_on, return_due_on=p.return_due_on) for p in rows]


def household_accounts(*, household_id: int) -> QuerySet[Account]:
    return Account.objects.filter(household_id=household_id).order_by("program")


def cycle_batches(*, cycle: Cycle) -> QuerySet[Batch]:
    return Batch.objects.filter(cycle=cycle).annotate(
        credited=Count("items", filter=Q(items__state=Payment.State.CREDITED)),
        rejected=Count("items", filter=Q(items__state=Payment.State.REJECTED)),
        waiting=Count("items", filter=Q(items__state=Payment.State.SENT)),
    ).order_by("bank", "sequence")


def reports_recent(*, limit: int = 20) -> QuerySet[BankReport]:
    return BankReport.objects.order_by("-received_at")[:limit]


def rejected_payments(*, cycle: Cycle, payments: QuerySet[Payment], limit: int = 50) -> QuerySet[Payment]:
    """The latest rejected attempts waiting for a fixed account."""
    later = Payment.objects.filter(entitlement_id=OuterRef("entitlement_id"), attempt__gt=OuterRef("attempt"))
    return (payments.filter(cycle=cycle, state=Payment.State.REJECTED).exclude(Exists(later))
            .select_related("account", "household").order_by("end_to_end_id")[:limit])


def account_requests_open(*, requests: QuerySet[AccountRequest]) -> dict:
    return dict(requests.filter(status=AccountRequest.Status.REQUESTED)
                .values_list("bank").annotate(n=Count("id")).order_by("bank"))
