"""`bansos import PATH --source CODE`: import a program list; prints the run summary."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.intake.mapping import MappingError
from bansos.intake.models import ListImport, Source
from bansos.intake.services import list_import_run, list_import_summary


def _overrides(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise CommandError(f"--map {item!r}: tulis FIELD=KOLOM / write FIELD=COLUMN")
        out[field.strip()] = column.strip()
    return out


class Command(BatchCommand):
    help = "Import a program list (CSV or XLSX): every row is staged or quarantined."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="source code: PKH, BPNT, PBIJK, …")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                            help="override the source's mapping for one field (repeatable)")
        parser.add_argument("--area", default=None, metavar="CODE",
                            help="only accept rows inside this area (dotted code)")

    def run(self, **options):
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: berkas tidak ada / file not found")
        code = options["source"].upper()
        if not Source.objects.filter(code=code).exists():
            known = ", ".join(Source.objects.values_list("code", flat=True))
            raise CommandError(f"--source {code}: sumber tidak dikenal / unknown source ({known})")
        try:
            with self.progress() as progress:
                result = list_import_run(path=path, source_code=code,
                                         overrides=_overrides(options["map"]),
                                         area_code=options["area"], progress=progress)
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        summary = list_import_summary(list_import=result)
        if result.status == ListImport.Status.FAILED and not self.as_json:
            raise CommandError(result.error)
        return summary
