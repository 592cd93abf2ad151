"""`bansos payments …`: disbursement from the command line.

  accounts                       accounts from the linked bank and program lists (name-checked)
  export (--cycle ID | --all) --out DIR   pain.001 files per bank and a manifest (re-runnable)
  apply FILE…                    bank answers: pain.002 status reports, camt.054 notifications
  activity FILE [--bank BANK]    the banks' account activity list (balances, withdrawals)
  returns --on DAY --out DIR     flag unwithdrawn funds and write return instructions
  requests --out DIR             collective account opening requests (burekol) per bank
  validate FILE…                 check pain.001 files against the official XSD (xmlschema)
  status [--cycle ID]            payments per state and the ledger check, per cycle"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.payments.account_requests import account_requests_write
from bansos.payments.accounts import accounts_sync
from bansos.payments.activity import activity_apply
from bansos.payments.export import payable_cycles, payments_export
from bansos.payments.ledger import ledger_balances, ledger_check
from bansos.payments.prepare import PaymentError
from bansos.payments.queries import cycle_payment_summary
from bansos.payments.reconcile import ReportError, report_apply
from bansos.payments.xsd import SchemaError, xml_errors
from bansos.programs.models import Cycle

ACTIONS = ["accounts", "export", "apply", "activity", "returns", "requests", "validate", "status"]


class Command(BatchCommand):
    help = "Disbursement: accounts, pain.001 export, bank answers, returns, account requests."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("files", nargs="*", type=Path, help="apply, activity, validate: the files")
        parser.add_argument("--cycle", type=int, action="append", default=[], help="cycle id (repeatable)")
        parser.add_argument("--all", action="store_true", help="export: every approved or paying cycle")
        parser.add_argument("--out", type=Path, help="export, returns, requests: the output folder")
        parser.add_argument("--bank", help="activity: the bank that sent the list")
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="returns: the day (default today)")

    def run(self, **options):
        try:
            return getattr(self, f"_{options['action']}")(**options)
        except (PaymentError, ReportError, SchemaError) as error:
            raise CommandError(str(error)) from error

    def _cycles(self, options) -> list[Cycle]:
        if options["all"]:
            return payable_cycles()
        if not options["cycle"]:
            raise CommandError("sebutkan --cycle ID atau --all / give --cycle ID or --all")
        cycles = list(Cycle.objects.filter(pk__in=options["cycle"]).order_by("pk"))
        missing = set(options["cycle"]) - {c.pk for c in cycles}
        if missing:
            raise CommandError(f"tahap tidak ada / no such cycle: {sorted(missing)}")
        return cycles

    def _out(self, options) -> Path:
        if not options["out"]:
            raise CommandError(f"{options['action']} perlu --out DIR / needs --out DIR")
        return options["out"]

    def _accounts(self, **options):
        return accounts_sync(by="command")

    def _export(self, **options):
        manifest = payments_export(cycles=self._cycles(options), out_dir=self._out(options), by="command")
        return {"out": str(options["out"]), "payments": manifest["payments"], "total": manifest["total"],
                "banks": manifest["banks"],
                "held": {c["cycle"]: c["held_by_reason"] for c in manifest["cycles"]}}

    def _apply(self, **options):
        if not options["files"]:
            raise CommandError("apply perlu berkas / apply needs files")
        applied = []
        for path in options["files"]:
            report, new = report_apply(path=path, by="command")
            applied.append({"file": path.name, "kind": report.kind, "bank": report.bank, "new": new,
                            **report.counts})
        return {"reports": applied}

    def _activity(self, **options):
        if not options["files"]:
            raise CommandError("activity perlu berkas / activity needs files")
        out = []
        for path in options["files"]:
            report, new = activity_apply(path=path, bank=(options["bank"] or "").upper() or None, by="command")
            out.append({"file": path.name, "new": new, **report.counts})
        return {"reports": out}

    def _returns(self, **options):
        from bansos.payments.returns import returns_flag

        return returns_flag(on=options["on"] or date.today(), out_dir=self._out(options), by="command")

    def _requests(self, **options):
        return account_requests_write(out_dir=self._out(options), by="command", day=options["on"])

    def _validate(self, **options):
        results = {}
        for path in options["files"]:
            results[path.name] = xml_errors(path=path, message="pain.001.001.09", engine="xmlschema")
        bad = {name: errors for name, errors in results.items() if errors}
        if bad:
            raise CommandError("tidak sesuai skema / not schema-valid: " + "; ".join(
                f"{name}: {errors[0]}" for name, errors in bad.items()))
        return {"valid": sorted(results)}

    def _status(self, **options):
        cycles = self._cycles(options) if options["cycle"] else list(
            Cycle.objects.filter(batches__isnull=False).distinct().order_by("pk"))
        return {"cycles": [{**cycle_payment_summary(cycle=c), "ledger": ledger_balances(cycle=c),
                            "ledger_problems": ledger_check(cycle=c)} for c in cycles]}
