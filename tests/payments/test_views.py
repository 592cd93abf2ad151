"""The disbursement pages: scoped to the officer's area and bank, the ledger for the ministry and
auditors only, the account fix, and no raw account number anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bansos.areas.models import NATIONAL_CODE, Role
from bansos.payments.export import payments_export
from bansos.payments.models import Account, Payment
from tests.payments.scenario import scenario_build


@pytest.fixture
def exported(db, tmp_path):
    scenario = scenario_build()
    payments_export(cycles=[scenario.cycle], out_dir=tmp_path, by="test")
    return scenario


def _login(client, officer, role, area, bank=""):
    user = officer(role, area)
    if bank:
        user.officer.bank_code = bank
        user.officer.save()
    client.force_login(user)
    return user


def test_the_ministry_sees_batches_ledger_and_reconciliation(client, officer, exported):
    _login(client, officer, Role.MINISTRY, NATIONAL_CODE)
    page = client.get(reverse("payments:cycle", args=[exported.cycle.pk])).content.decode()
    for batch in exported.cycle.batches.all():
        assert batch.message_id in page
    assert "escrow:BRI" in page and "anggaran:PKH" in page
    assert "buku besar seimbang" in page
    for account in Account.objects.all():
        assert account.number not in page


def test_a_regency_officer_sees_only_payments_in_the_area_and_no_ledger(client, officer, exported):
    _login(client, officer, Role.REGENCY, "11.71")  # Banda Aceh: only the Aceh families
    page = client.get(reverse("payments:cycle", args=[exported.cycle.pk]))
    assert page.status_code == 200
    summary = page.context["summary"]
    aceh = Payment.objects.filter(household__province_code="11")
    assert summary["all"]["sent"]["count"] == aceh.count() > 0
    assert set(summary["banks"]) == {"BSI"}
    assert page.context["ledger"] is None and "anggaran:PKH" not in page.content.decode()


def test_a_bank_officer_sees_only_its_own_bank(client, officer, exported):
    _login(client, officer, Role.BANK, NATIONAL_CODE, bank="BNI")
    summary = client.get(reverse("payments:cycle", args=[exported.cycle.pk])).context["summary"]
    assert set(summary["banks"]) == {"BNI"}
    assert summary["all"]["sent"]["count"] == Payment.objects.filter(bank="BNI").count()


def test_an_account_is_fixed_by_the_regency_office_with_a_new_revision(client, officer, exported):
    account = Account.objects.filter(household__province_code="35").first()
    _login(client, officer, Role.REGENCY, "35.10")
    url = reverse("payments:account_fix", args=[account.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"bank": account.bank, "number": "12", "holder_name": account.holder_name,
                            "status": "active", "note": "surat desa"})
    assert "harus" in bad.content.decode()  # the bank's digit count, explained
    digits = {"BRI": 15, "BNI": 10, "MANDIRI": 13, "BTN": 16}[account.bank]
    number = "9" * digits
    done = client.post(url, {"bank": account.bank, "number": number, "holder_name": account.holder_name,
                             "status": "active", "note": "surat desa"})
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.number == number and account.revision == 2 and account.number_last4 == "9999"
    page = client.get(reverse("office:household_detail", args=[account.household_id])).content.decode()
    assert "****9999" in page and number not in page


def test_other_roles_may_not_fix_accounts_and_outsiders_get_404(client, officer, exported):
    account = Account.objects.filter(household__province_code="35").first()
    _login(client, officer, Role.VILLAGE_OPERATOR, "35.10.09.2001")
    assert client.get(reverse("payments:account_fix", args=[account.pk])).status_code == 403
    _login(client, officer, Role.REGENCY, "11.71")
    assert client.get(reverse("payments:account_fix", args=[account.pk])).status_code == 404


def test_household_page_shows_the_payment_history(client, officer, exported):
    payment = Payment.objects.filter(household__province_code="35").first()
    _login(client, officer, Role.REGENCY, "35.10")
    page = client.get(reverse("office:household_detail", args=[payment.household_id])).content.decode()
    assert payment.end_to_end_id in page and "Riwayat penyaluran" in page
    assert Account.objects.get(pk=payment.account_id).number not in page
