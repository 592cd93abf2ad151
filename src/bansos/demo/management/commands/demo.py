"""`bansos demo`: build a fresh demo database for a pilot region, print the logins, serve it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from rich.console import Console
from rich.table import Table

from bansos.areas import catalog
from bansos.core.cli import BatchCommand
from bansos.demo.build import DEFAULT_PERSONS, DEFAULT_REGIONS, DEFAULT_SEED, demo_build


class Command(BatchCommand):
    help = "Build a fresh demo database for a pilot region (default: four districts of Banyuwangi) and serve it."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--persons", type=int, default=DEFAULT_PERSONS)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--region", action="append", default=[], metavar="CODE",
                            help="dotted region code to populate (repeatable); default: Banyuwangi pilot districts")
        parser.add_argument("--no-serve", action="store_true", help="stop after building")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)")
        parser.add_argument("--reset", action="store_true",
                            help="allow wiping a non-default database (PostgreSQL) to build the demo in it")

    def run(self, **options):
        regions = tuple(catalog.dotted(c) for c in options["region"]) or DEFAULT_REGIONS
        for code in regions:
            if code not in catalog.by_code():
                raise CommandError(f"--region {code}: kode wilayah tidak dikenal / unknown region code")
        self._fresh_database(reset=options["reset"])
        work_dir = Path(settings.VAR_DIR) / "demo"
        with self.progress() as progress:
            result = demo_build(work_dir=work_dir, regions=regions, persons=options["persons"],
                                seed=options["seed"], progress=progress)
        summary = {**result.summary, **result.citizen_logins, "url": f"http://{options['addr']}/office/",
                   "portal": f"http://{options['addr']}/"}
        self.serve_after = not options["no_serve"]
        self.addr = options["addr"]
        return summary

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if getattr(self, "serve_after", False):
            # Uploads are imported by the job worker: run one beside the web server.
            worker = subprocess.Popen([sys.executable, "-m", "bansos", "db_worker",
                                       "--verbosity", "0"])
            # Stopped with SIGTERM as with Ctrl-C, the worker stops too.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            # No real phones in the demo: the sign-up page shows the code it sends.
            settings.BANSOS_DEMO_SHOW_OTP = True
            try:
                call_command("runserver", self.addr, use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=10)

    def print_summary(self, summary):
        console = Console()
        console.print(f"[bold]Demo siap / demo ready[/bold] in {summary['seconds']} s: {summary['url']}")
        console.print(f"Region: {', '.join(f'{k} {v}' for k, v in summary['regions'].items())}")
        console.print(f"Registry: {summary['registry']}")
        console.print(f"Program lists written: {summary['population']['program_list_rows']} in {summary['population']['files']}")
        for code, counts in summary["intake"].items():
            console.print(f"Imported {code}: {counts['rows']} rows = {counts['staged']} staged + "
                          f"{counts['quarantined']} quarantined")
        link = summary["linkage"]
        console.print(f"Linked into the registry: {link['rows']} rows = {link['sure']} sure "
                      f"(NIK + birth date) + {link.get('method_model', 0)} by the model + "
                      f"{link.get('method_new', 0)} as {link['new_persons']} new persons + "
                      f"{link['reviews']} for review at {summary['url']}pencocokan/")
        console.print(f"PMT {summary['pmt']['version']} (R² {summary['pmt']['r2']:.2f}) ranked "
                      f"{summary['scoring']['ranked']} of {summary['scoring']['households']} households")
        for code, cycle in summary["programs"].items():
            total = f"{cycle['total']:,}".replace(",", ".")
            console.print(f"{code} {cycle['period']} ({cycle['state']}): {cycle['households']} households, "
                          f"Rp{total} — {summary['url']}program/tahap/{cycle['cycle']}/")
        pay = summary["payments"]
        for code, states in pay["payments"].items():
            console.print(f"Paid {code}: {states['credited']['count']} credited, {states['rejected']['count']} "
                          f"rejected by the bank, {states['returned']['count']} returned; ledger "
                          f"{'balanced' if not states['ledger_problems'] else 'NOT balanced'}")
        console.print(f"Accounts: {pay['accounts']['new']} from the lists, {pay['accounts_opened']} opened by "
                      f"the banks (burekol); SMS sent: {pay['messages']['sent']} — {summary['url']}penyaluran/")
        table = Table(title="Demo logins (password for all: " + summary["logins"][0]["password"] + ")")
        for col in ("username", "role", "area"):
            table.add_column(col)
        for login in summary["logins"]:
            table.add_row(login["username"], login["role"], login["area"])
        console.print(table)
        cases = summary["cases"]
        console.print(f"Cases: {sum(cases['states'].values())} — {summary['url']}kasus/ "
                      f"({', '.join(f'{k} {v}' for k, v in cases['states'].items())})")
        citizens = Table(title=f"Portal {summary['portal']}: resident logins (NIK + password "
                               f"{summary['citizens'][0]['password']}; synthetic data)")
        for col in ("NIK", "name"):
            citizens.add_column(col)
        for login in summary["citizens"]:
            citizens.add_row(login["nik"], login["name"])
        console.print(citizens)
        signup = summary["signup"]
        console.print(f"Try the sign-up at {summary['portal']}akun/daftar/ as NIK {signup['nik']}, KK {signup['kk']}, "
                      f"name {signup['name']}, phone {signup['phone']} (the code is shown on the page in the demo)")

    def _fresh_database(self, *, reset: bool) -> None:
        db = settings.DATABASES["default"]
        default_file = Path(settings.VAR_DIR) / "bansos.sqlite3"
        if db["ENGINE"].endswith("sqlite3") and Path(db["NAME"]) == default_file:
            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(str(default_file) + suffix).unlink(missing_ok=True)
            default_file.parent.mkdir(parents=True, exist_ok=True)
            return
        if not reset:
            raise CommandError("The demo wipes its database. DATABASE_URL points elsewhere than the default demo "
                               "file; add --reset if you really want it wiped. / Demo menghapus basis data; "
                               "tambahkan --reset bila memang ingin dihapus.")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("flush", verbosity=0, interactive=False)
