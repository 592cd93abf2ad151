"""From an approved cycle to pain.001 files: payments, batches per bank, holds, account
requests, the manifest, and a re-run that changes nothing."""

from __future__ import annotations

import json

import pytest

from bansos.payments.export import payments_export
from bansos.payments.ledger import ledger_balances, ledger_check
from bansos.payments.models import AccountRequest, Batch, Payment
from bansos.payments.prepare import PaymentError, end_to_end_id, payments_prepare
from bansos.payments.xsd import xml_errors
from bansos.programs.models import Cycle
from tests.payments.scenario import scenario_build


@pytest.fixture
def scenario(db):
    return scenario_build()


def test_prepare_pays_usable_accounts_and_holds_the_rest(scenario):
    summary = payments_prepare(cycle=scenario.cycle, by="test")
    paid = set(Payment.objects.values_list("household_id", flat=True))
    held = set(scenario.without_account) | set(scenario.mismatch) | set(scenario.aceh_wrong_bank)
    assert paid == {h.pk for h in scenario.households} - held
    assert summary["held"] == len(held)
    assert summary["held_by_reason"] == {
        "no_account": len(scenario.without_account), "name_mismatch": len(scenario.mismatch),
        "aceh_requires_bsi": len(scenario.aceh_wrong_bank)}
    # Families in Aceh are paid through BSI only; elsewhere never through BSI.
    for payment in Payment.objects.select_related("household"):
        assert (payment.bank == "BSI") == (payment.household.province_code == "11")
    # One batch per bank, holding exactly that bank's payments and their total.
    for batch in Batch.objects.all():
        items = Payment.objects.filter(batch=batch)
        assert {p.bank for p in items} == {batch.bank}
        assert batch.payments == items.count() and batch.total == sum(p.amount for p in items)
    # Accounts are requested for the families with none and the Aceh family at the wrong bank,
    # not for a name mismatch (an officer fixes that).
    requests = {r.household_id: r for r in AccountRequest.objects.all()}
    assert set(requests) == set(scenario.without_account) | set(scenario.aceh_wrong_bank)
    assert requests[scenario.aceh_wrong_bank[0]].bank == "BSI"


def test_end_to_end_ids_are_derived_and_prepare_is_idempotent(scenario):
    payments_prepare(cycle=scenario.cycle, by="test")
    first = sorted(Payment.objects.values_list("end_to_end_id", "amount"))
    again = payments_prepare(cycle=scenario.cycle, by="test")
    assert again["new_payments"] == 0 and again["batches"] == [] and again["account_requests"] == 0
    assert sorted(Payment.objects.values_list("end_to_end_id", "amount")) == first
    payment = Payment.objects.first()
    assert payment.end_to_end_id == end_to_end_id(cycle_id=scenario.cycle.pk,
                                                  household_id=payment.household_id, attempt=1)
    assert len(payment.end_to_end_id) <= 35


def test_export_writes_valid_files_and_a_manifest_and_rewrites_the_same_bytes(scenario, tmp_path):
    manifest = payments_export(cycles=[scenario.cycle], out_dir=tmp_path, by="test")
    files = sorted(tmp_path.glob("*.xml"))
    assert [f.name for f in files] == sorted(f"{b.message_id}.xml" for b in Batch.objects.all())
    for path in files:
        assert xml_errors(path=path, message="pain.001.001.09", engine="xmlschema") == []
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    payments = Payment.objects.all()
    assert manifest["payments"] == payments.count()
    assert manifest["total"] == sum(p.amount for p in payments)
    for bank, entry in manifest["banks"].items():
        assert entry["total"] == sum(p.amount for p in payments if p.bank == bank)
    assert set(payments.values_list("state", flat=True)) == {Payment.State.SENT}
    scenario.cycle.refresh_from_db()
    assert scenario.cycle.state == Cycle.State.PAYING
    # The ledger moved each batch's total from the budget to the bank's escrow, once.
    balances = ledger_balances(cycle=scenario.cycle)
    assert balances["anggaran:PKH"] == -manifest["total"]
    assert ledger_check(cycle=scenario.cycle) == []

    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    again = payments_export(cycles=[scenario.cycle], out_dir=tmp_path, by="test")
    assert again == manifest
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert ledger_balances(cycle=scenario.cycle) == balances


def test_export_file_names_the_escrow_account_and_each_creditor(scenario, tmp_path):
    payments_export(cycles=[scenario.cycle], out_dir=tmp_path, by="test")
    batch = Batch.objects.get(bank="BRI")
    text = (tmp_path / f"{batch.message_id}.xml").read_text()
    payment = Payment.objects.filter(batch=batch).first()
    account = scenario.accounts[payment.household_id]
    assert f"<EndToEndId>{payment.end_to_end_id}</EndToEndId>" in text
    assert f"<Id>{account.number}</Id>" in text
    assert "<BICFI>BRINIDJA</BICFI>" in text
    assert f"<NbOfTxs>{batch.payments}</NbOfTxs><CtrlSum>{batch.total}</CtrlSum>" in text


def test_a_draft_cycle_and_an_insurer_paid_program_are_refused(db):
    scenario = scenario_build(families=2, aceh=0)
    Cycle.objects.filter(pk=scenario.cycle.pk).update(state=Cycle.State.DRAFT)
    scenario.cycle.refresh_from_db()
    with pytest.raises(PaymentError, match="not approved"):
        payments_prepare(cycle=scenario.cycle, by="test")
    pbi = scenario_build(families=1, aceh=0, program="PBIJK").cycle
    with pytest.raises(PaymentError, match="insurer"):
        payments_prepare(cycle=pbi, by="test")
    assert not Payment.objects.exists()
