"""`bansos generate`: write a synthetic population and its dirty program lists."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from bansos.areas import catalog
from bansos.core.cli import BatchCommand

DEFAULT_REGIONS = ["35.10"]


class Command(BatchCommand):
    help = ("Generate a deterministic synthetic population for region codes: truth tables, five dirty "
            "program lists, a civil-registry extract, a survey sample and the linkage ground truth.")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--region", action="append", default=[], metavar="CODE",
                            help="dotted Kemendagri code (province, regency, district or village); repeatable")
        parser.add_argument("--out", type=Path, required=True, help="output folder")

    def run(self, **options):
        from bansos.demo.generate import generate_population

        regions = options["region"] or DEFAULT_REGIONS
        known = catalog.by_code()
        for code in regions:
            if catalog.dotted(code) not in known:
                raise CommandError(f"--region {code}: kode wilayah tidak dikenal / unknown region code")
        if options["persons"] < 10:
            raise CommandError("--persons: minimal 10 / at least 10")
        with self.progress() as progress:
            summary = generate_population(regions=[catalog.dotted(c) for c in regions], persons=options["persons"],
                                          seed=options["seed"], out_dir=options["out"], progress=progress)
        return {
            "persons": summary.persons, "households": summary.households, "out": str(summary.out_dir),
            "list_rows": summary.list_rows, "files": {k: str(v) for k, v in summary.files.items()},
            "seconds": round(summary.seconds, 3),
        }
