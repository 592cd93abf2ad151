"""Disbursement: recipients' bank accounts, payment batches (one ISO 20022 pain.001 file each),
payments with their end-to-end ids and states, the bank reports read back, and a double-entry
ledger of every rupiah from the program budget to the recipient and back."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bansos.core.fields import BlindIndexField, EncryptedField


class Account(models.Model):
    """A recipient family's account at a distributing bank, for one program or (program "")
    for every program. The number is kept encrypted; the holder name is checked against the
    registry names of the family, with reasons."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        DORMANT = "dormant", _("Dorman")
        BLOCKED = "blocked", _("Diblokir")
        CLOSED = "closed", _("Ditutup")

    class NameCheck(models.TextChoices):
        EXACT = "exact", _("Nama sama")
        SIMILAR = "similar", _("Nama mirip")
        MISMATCH = "mismatch", _("Nama tidak cocok")

    scope_path = "household__"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="accounts", db_constraint=False)
    program = models.CharField(max_length=12, blank=True, help_text="program code; blank: every program")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_constraint=False, help_text="the holder, when linked")
    bank = models.CharField(max_length=8)
    number = EncryptedField(purpose="account")
    number_index = BlindIndexField(source="number", purpose="account")
    # The last four digits, shown masked (****1234) in messages and pages.
    number_last4 = models.CharField(max_length=4, blank=True)
    holder_name = models.CharField(max_length=150)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    name_check = models.CharField(max_length=12, choices=NameCheck.choices)
    name_score = models.FloatField(default=0.0, help_text="similarity 0..1 to the closest member")
    name_reasons = models.JSONField(default=list, help_text="[{code, params}]")
    # Raised on every change of number, bank, name or status: a rejected payment may be retried
    # only once its account has changed since.
    revision = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=40, help_text="list import, burekol or officer")
    balance = models.BigIntegerField(null=True, blank=True, help_text="last reported, rupiah")
    last_activity_on = models.DateField(null=True, blank=True)
    last_withdrawal_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "program"], name="account_unique")]

    def __str__(self) -> str:
        return f"{self.bank} account of household {self.household_id}"


class AccountRequest(models.Model):
    """A collective account opening request (burekol) for a family with no usable account,
    sent to the bank as a file; the bank's account list answers it."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Diajukan")
        OPENED = "opened", _("Rekening dibuka")
        CANCELLED = "cancelled", _("Dibatalkan")

    scope_path = "household__"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="account_requests", db_constraint=False)
    program = models.CharField(max_length=12)
    bank = models.CharField(max_length=8)
    reason = models.CharField(max_length=24, help_text="no_account, name_mismatch, aceh_requires_bsi, account_closed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    cycle = models.ForeignKey("programs.Cycle", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    file_name = models.CharField(max_length=120, blank=True, help_text="the request file it went in")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "program"],
                                               condition=Q(status="requested"),
                                               name="account_request_one_open")]


class Batch(models.Model):
    """The payments of one cycle to one bank sent together: one pain.001 message and file.
    A cycle's first batch per bank has sequence 1; retries go out in later sequences."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("Disiapkan")
        EXPORTED = "exported", _("Dikirim ke bank")
        RECONCILED = "reconciled", _("Selesai direkonsiliasi")

    cycle = models.ForeignKey("programs.Cycle", on_delete=models.PROTECT, related_name="batches")
    bank = models.CharField(max_length=8)
    sequence = models.PositiveSmallIntegerField()
    message_id = models.CharField(max_length=35, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARED)
    payments = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    execution_date = models.DateField(help_text="requested execution date")
    file_name = models.CharField(max_length=120, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(help_text="creation time written into the file (fixed)")
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "bank", "sequence"]
        constraints = [models.UniqueConstraint(fields=["cycle", "bank", "sequence"], name="batch_unique")]

    def __str__(self) -> str:
        return self.message_id


class Payment(models.Model):
    """One credit transfer of one entitlement. Its end-to-end id is derived from the cycle, the
    household and the attempt, so it is the same on every export and never reused; a retry is a
    new attempt linked to the rejected one. At most one payment of an entitlement is live (not
    rejected or returned), which the database enforces."""

    class State(models.TextChoices):
        SENT = "sent", _("Dikirim ke bank")
        CREDITED = "credited", _("Masuk rekening")
        REJECTED = "rejected", _("Ditolak bank")
        RETURNED = "returned", _("Dikembalikan")

    scope_path = "household__"

    cycle = models.ForeignKey("programs.Cycle", on_delete=models.PROTECT, related_name="payments",
                              db_index=False, db_constraint=False)
    entitlement = models.ForeignKey("programs.Entitlement", on_delete=models.PROTECT,
                                    related_name="payments", db_index=False, db_constraint=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT,
                                  related_name="payments", db_constraint=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payments",
                                db_index=False, db_constraint=False)
    account_revision = models.PositiveIntegerField()
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="items", db_index=False, db_constraint=False)
    bank = models.CharField(max_length=8)
    # What the file says, frozen when the payment is made, so a re-export writes the same bytes.
    creditor_name = models.CharField(max_length=140)
    creditor_account = EncryptedField(purpose="account")
    amount = models.BigIntegerField()
    end_to_end_id = models.CharField(max_length=35, unique=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_constraint=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    reason_code = models.CharField(max_length=35, blank=True, help_text="ISO 20022 reason code (or a bank's own, up to 35)")
    status_at = models.DateTimeField(null=True, blank=True)
    credited_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    return_due_on = models.DateField(null=True, blank=True, help_text="credited + 3 months 15 days")
    return_flagged_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Each index is paid on every one of a million rows per cycle: the end-to-end id (unique;
        # it also makes (entitlement, attempt) unique, being derived from them), one live payment
        # per entitlement, the family (history), the cycle (pages and reports).
        constraints = [
            models.UniqueConstraint(fields=["entitlement"], condition=~Q(state__in=["rejected", "returned"]),
                                    name="payment_one_live"),
        ]
        indexes = [models.Index(fields=["cycle", "state"])]


class BankReport(models.Model):
    """A file the bank sent back (pain.002 status report, camt.054 notification, activity list),
    applied once: the same file again changes nothing."""

    class Kind(models.TextChoices):
        STATUS = "pain.002", _("Laporan status (pain.002)")
        NOTIFICATION = "camt.054", _("Notifikasi debit/kredit (camt.054)")
        ACTIVITY = "activity", _("Aktivitas rekening")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    bank = models.CharField(max_length=8)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=35, blank=True)
    rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="what applying it changed")
    received_by = models.CharField(max_length=150, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]


class LedgerEntry(models.Model):
    """One movement of money, debit one ledger account and credit another by the same amount
    (so every movement balances). Accounts: `anggaran:<PROGRAM>` (budget), `escrow:<BANK>`
    (the bank's holding account), `penerima:<BANK>` (recipients' accounts at the bank) and
    `kas_negara` (the treasury, for lapsed funds). `key` makes each movement happen once."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=12, help_text="fund, credit, refund, return, lapse")
    debit = models.CharField(max_length=24)
    credit = models.CharField(max_length=24)
    amount = models.BigIntegerField()
    payments = models.PositiveIntegerField(default=0, help_text="payments this movement covers")
    cycle = models.ForeignKey("programs.Cycle", on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(Batch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(BankReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_amount_not_negative")]
