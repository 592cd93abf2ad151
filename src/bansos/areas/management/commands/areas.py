"""`bansos areas load [--under CODE ...]`: load the Kemendagri region hierarchy."""

from __future__ import annotations

from django.core.management.base import CommandError

from bansos.areas.services import areas_load
from bansos.core.cli import BatchCommand
from bansos.core.runs import run_finish, run_start


class Command(BatchCommand):
    help = "Load the Kemendagri region hierarchy (34 provinces … 83,441 villages); idempotent."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--under", action="append", default=[], metavar="CODE",
                            help="only regions under this dotted code (repeatable); default: all")

    def run(self, **options):
        for code in options["under"]:
            if not code.replace(".", "").isdigit():
                raise CommandError(f"--under {code!r}: kode wilayah tidak valid / not a region code")
        run = run_start(kind="areas.load", params={"under": options["under"]})
        with self.progress() as progress:
            counts = areas_load(prefixes=options["under"], progress=progress)
        run_finish(run=run, summary=counts)
        return {"run": run.pk, **counts}
