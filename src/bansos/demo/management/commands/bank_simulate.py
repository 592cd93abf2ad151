"""`bansos bank_simulate --inbox DIR --outbox DIR --on YYYY-MM-DD [--seed N] [--book CSV]`: the
simulated bank answers what the ministry put in its inbox (account requests, pain.001 payment
files, return instructions) that it has not answered yet, and writes the day's account
activity report (see `bansos.demo.bank_sim`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand


class Command(BatchCommand):
    help = ("Simulated bank: answer pain.001 files (pain.002 + camt.054), return instructions "
            "(camt.054) and account requests (burekol) in --inbox, write the activity report.")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--inbox", type=Path, required=True, help="folder the ministry writes to")
        parser.add_argument("--outbox", type=Path, required=True, help="folder the bank answers in")
        parser.add_argument("--on", type=date.fromisoformat, required=True, help="the bank's business day")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--book", type=Path, default=None,
                            help="account list CSV (bank.toml format): the bank's book of accounts")

    def run(self, **options):
        from bansos.demo.bank_sim import inbox_answer
        from bansos.payments.iso_read import ReportFormatError

        if not options["inbox"].is_dir():
            raise CommandError(f"--inbox {options['inbox']}: folder tidak ada / no such folder")
        if options["book"] is not None and not options["book"].is_file():
            raise CommandError(f"--book {options['book']}: berkas tidak ada / no such file")
        options["outbox"].mkdir(parents=True, exist_ok=True)
        try:
            return inbox_answer(inbox=options["inbox"], outbox=options["outbox"], on=options["on"],
                                seed=options["seed"], book_path=options["book"])
        except (ReportFormatError, ValueError) as error:
            raise CommandError(str(error)) from error
