"""The bank's answers read back: every payment ends in a clear state, totals reconcile to the
rupiah, the ledger agrees after every step, a file is applied once, a bad file changes nothing,
and a rejected payment is retried under a new end-to-end id once its account is fixed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bansos.demo.bank_sim import NO_FAILURES, bank_answer
from bansos.notify.models import Message
from bansos.payments.accounts import account_update
from bansos.payments.export import payments_export
from bansos.payments.ledger import ledger_balances, ledger_check
from bansos.payments.models import Account, BankReport, Batch, LedgerEntry, Payment
from bansos.payments.prepare import end_to_end_id
from bansos.payments.reconcile import ReportError, report_apply
from tests.payments.scenario import account_number, scenario_build

ON = date(2025, 10, 3)


@pytest.fixture
def exported(db, tmp_path):
    scenario = scenario_build()
    out = tmp_path / "out"
    payments_export(cycles=[scenario.cycle], out_dir=out, by="test")
    return scenario, out


def _book(scenario, *, closed: set[int] = frozenset()) -> dict[str, tuple[str, str]]:
    return {a.number: (a.holder_name, "TUTUP" if h in closed else "AKTIF")
            for h, a in scenario.accounts.items()}


def _answer_all(out: Path, bank_dir: Path, book) -> list[Path]:
    answers = []
    for path in sorted(out.glob("BSS-*.xml")):
        result = bank_answer(pain001=path, outbox=bank_dir, on=ON, seed=7, book=book, rates=NO_FAILURES)
        answers += [Path(result["status_report"]), Path(result["notification"])]
    return answers


def test_status_reports_and_notifications_settle_every_payment(exported, tmp_path):
    scenario, out = exported
    closed_household = next(iter(scenario.accounts))
    answers = _answer_all(out, tmp_path / "bank", _book(scenario, closed={closed_household}))
    for path in answers:
        report, new = report_apply(path=path, by="test")
        assert new
        assert ledger_check(cycle=scenario.cycle) == []  # after every file, not only at the end
    states = dict(Payment.objects.values_list("household_id", "state"))
    assert states.pop(closed_household) == Payment.State.REJECTED
    assert set(states.values()) == {Payment.State.CREDITED}
    rejected = Payment.objects.get(household_id=closed_household)
    assert rejected.reason_code == "AC04"
    assert Account.objects.get(household_id=closed_household).status == Account.Status.CLOSED
    credited = Payment.objects.filter(state=Payment.State.CREDITED)
    assert {p.credited_on for p in credited} == {ON}
    assert {p.return_due_on for p in credited} == {date(2026, 1, 18)}  # 3 months 15 days
    assert set(Batch.objects.values_list("state", flat=True)) == {Batch.State.RECONCILED}
    # To the rupiah: recipients hold what was credited, the refund went back to the budget.
    balances = ledger_balances(cycle=scenario.cycle)
    assert sum(v for k, v in balances.items() if k.startswith("penerima:")) == sum(p.amount for p in credited)
    assert sum(v for k, v in balances.items() if k.startswith("escrow:")) == 0
    assert balances["anggaran:PKH"] == -sum(p.amount for p in credited)
    # Each family told once per event, on SMS and in the inbox, in Indonesian.
    kinds = Message.objects.filter(channel="sms").values_list("kind", flat=True)
    assert sorted(set(kinds)) == ["payment_credited", "payment_rejected"]
    assert Message.objects.filter(channel="sms", kind="payment_credited").count() == credited.count()
    assert Message.objects.filter(channel="inbox").count() == Payment.objects.count()


def test_the_same_file_twice_changes_nothing(exported, tmp_path):
    scenario, out = exported
    status = _answer_all(out, tmp_path / "bank", _book(scenario))[0]
    first, new = report_apply(path=status, by="test")
    entries, messages = LedgerEntry.objects.count(), Message.objects.count()
    again, new_again = report_apply(path=status, by="test")
    assert new and not new_again and again.pk == first.pk
    assert (LedgerEntry.objects.count(), Message.objects.count()) == (entries, messages)


def test_a_status_report_naming_an_unknown_payment_is_refused_whole(exported, tmp_path):
    scenario, out = exported
    status = _answer_all(out, tmp_path / "bank", _book(scenario))[0]
    known = Payment.objects.filter(batch__message_id=status.name.removeprefix("pain002-").removesuffix(".xml")
                                   ).order_by("end_to_end_id").first().end_to_end_id
    forged = tmp_path / "forged.xml"
    forged.write_text(status.read_text().replace(known, "BSS-999999-0000000001-01"))
    before = sorted(Payment.objects.values_list("end_to_end_id", "state"))
    ledger = LedgerEntry.objects.count()
    with pytest.raises(ReportError, match="BSS-999999-0000000001-01") as error:
        report_apply(path=forged, by="test")
    assert "tidak dikenal" in str(error.value) and "unknown end-to-end ids" in str(error.value)
    assert sorted(Payment.objects.values_list("end_to_end_id", "state")) == before
    assert LedgerEntry.objects.count() == ledger and not BankReport.objects.exists()
    assert not Message.objects.exists()


def test_a_report_answering_another_batch_or_with_other_amounts_is_refused(exported, tmp_path):
    scenario, out = exported
    answers = _answer_all(out, tmp_path / "bank", _book(scenario))
    notification = next(p for p in answers if p.name.startswith("camt054-"))
    payment = Payment.objects.get(end_to_end_id=next(
        e for e in Payment.objects.values_list("end_to_end_id", flat=True) if e in notification.read_text()))
    forged = tmp_path / "camt-forged.xml"
    forged.write_text(notification.read_text().replace(f">{payment.amount}<", f">{payment.amount + 1}<", 1))
    with pytest.raises(ReportError):
        report_apply(path=forged, by="test")
    assert not Payment.objects.filter(state=Payment.State.CREDITED).exists()


def test_a_rejected_payment_is_retried_with_a_new_linked_id_after_the_account_is_fixed(exported, tmp_path):
    scenario, out = exported
    household = next(iter(scenario.accounts))
    book = _book(scenario, closed={household})
    for path in _answer_all(out, tmp_path / "bank", book):
        report_apply(path=path, by="test")
    failed = Payment.objects.get(household_id=household)
    # Nothing to retry while the account is unchanged.
    payments_export(cycles=[scenario.cycle], out_dir=out, by="test")
    assert Payment.objects.filter(household_id=household).count() == 1
    account = Account.objects.get(household_id=household)
    new_number = account_number(account.bank, 500)
    account_update(account=account, by="officer", number=new_number, status=Account.Status.ACTIVE,
                   note="rekening baru dibuka")
    manifest = payments_export(cycles=[scenario.cycle], out_dir=out, by="test")
    retry = Payment.objects.get(household_id=household, attempt=2)
    assert retry.retry_of_id == failed.pk and retry.state == Payment.State.SENT
    assert retry.end_to_end_id == end_to_end_id(cycle_id=scenario.cycle.pk, household_id=household, attempt=2)
    assert retry.end_to_end_id != failed.end_to_end_id and retry.batch.sequence == 2
    assert manifest["cycles"][0]["banks"][retry.bank]["batches"] == 2
    book[new_number] = (account.holder_name, "AKTIF")
    result = bank_answer(pain001=out / f"{retry.batch.message_id}.xml", outbox=tmp_path / "bank", on=ON,
                         seed=7, book=book, rates=NO_FAILURES)
    for name in ("status_report", "notification"):
        report_apply(path=Path(result[name]), by="test")
    retry.refresh_from_db()
    assert retry.state == Payment.State.CREDITED
    # Paid once: one credited payment per entitlement, and the ledger agrees.
    assert Payment.objects.filter(entitlement=failed.entitlement, state=Payment.State.CREDITED).count() == 1
    assert ledger_check(cycle=scenario.cycle) == []
