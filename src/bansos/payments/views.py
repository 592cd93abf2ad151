"""Officer pages for disbursement: each cycle's payments by bank and state, its batches and
files, the bank answers, the ledger and its check, payments waiting for a fixed account, and
the account fix itself. Thin: reads through `queries`, writes through `accounts`.

Scope: regional officers see the payments of families in their area; a bank's officers see
their bank's payments only; the ledger (national money) is shown to the ministry and auditors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from bansos.areas.models import Role
from bansos.areas.scope import officer_area, scoped, scoped_get
from bansos.payments import queries
from bansos.payments.accounts import AccountError, account_update
from bansos.payments.banks import BANKS
from bansos.payments.ledger import ledger_balances, ledger_check
from bansos.payments.models import Account, AccountRequest, Payment
from bansos.payments.queries import ACCOUNT_ROLES, LEDGER_ROLES
from bansos.programs.models import Cycle
from bansos.programs.queries import role_of


def _payments(user) -> QuerySet[Payment]:
    payments = scoped(Payment.objects.all(), user)
    bank = getattr(getattr(user, "officer", None), "bank_code", "")
    if role_of(user) == Role.BANK:
        payments = payments.filter(bank=bank)
    return payments


@login_required
@require_GET
def home(request):
    area = officer_area(request.user)
    payments = _payments(request.user)
    cycles = Cycle.objects.filter(batches__isnull=False).distinct().select_related("program").order_by("-starts_on", "program_id")
    rows = [queries.cycle_payment_summary(cycle=c, payments=payments.filter(cycle=c)) for c in cycles]
    for row, cycle in zip(rows, cycles, strict=True):
        row["object"] = cycle
    return render(request, "payments/home.html", {
        "area": area, "rows": rows, "reports": queries.reports_recent(),
        "requests": queries.account_requests_open(requests=scoped(AccountRequest.objects.all(), request.user))})


@login_required
@require_GET
def cycle_payments(request, pk: int):
    area = officer_area(request.user)
    cycle = get_object_or_404(Cycle.objects.select_related("program"), pk=pk)
    payments = _payments(request.user).filter(cycle=cycle)
    may_ledger = role_of(request.user) in LEDGER_ROLES
    return render(request, "payments/cycle.html", {
        "area": area, "cycle": cycle, "summary": queries.cycle_payment_summary(cycle=cycle, payments=payments),
        "batches": queries.cycle_batches(cycle=cycle) if may_ledger or role_of(request.user) == Role.BANK else [],
        "rejected": queries.rejected_payments(cycle=cycle, payments=payments),
        "ledger": ledger_balances(cycle=cycle) if may_ledger else None,
        "problems": ledger_check(cycle=cycle) if may_ledger else None,
        "may_fix": role_of(request.user) in ACCOUNT_ROLES, "states": Payment.State.choices})


class AccountForm(forms.Form):
    bank = forms.ChoiceField(label=_("Bank"), choices=[(code, code) for code in BANKS])
    number = forms.CharField(label=_("Nomor rekening baru (kosongkan bila tetap)"), required=False,
                             max_length=16)
    holder_name = forms.CharField(label=_("Nama pemilik rekening, seperti di buku tabungan"), max_length=150)
    status = forms.ChoiceField(label=_("Status rekening"), choices=Account.Status.choices)
    note = forms.CharField(label=_("Catatan (dasar perubahan, mis. surat keterangan desa)"), max_length=300)


@login_required
@require_http_methods(["GET", "POST"])
def account_fix(request, pk: int):
    if role_of(request.user) not in ACCOUNT_ROLES:
        raise PermissionDenied
    account = scoped_get(Account.objects.select_related("household"), request.user, pk=pk)
    if role_of(request.user) == Role.BANK and account.bank != request.user.officer.bank_code:
        raise PermissionDenied
    form = AccountForm(request.POST or None, initial={
        "bank": account.bank, "holder_name": account.holder_name, "status": account.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_update(account=account, by=request.user.get_username(), number=data["number"] or None,
                           bank=data["bank"], holder_name=data["holder_name"], status=data["status"],
                           note=data["note"])
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("Rekening diperbarui. Pembayaran yang ditolak akan dikirim ulang "
                                              "pada ekspor berikutnya."))
            return redirect("office:household_detail", pk=account.household_id)
    return render(request, "payments/account_form.html", {"area": officer_area(request.user),
                                                          "account": account, "form": form})
