"""`bansos registry publish --period YYYY-MM` and `bansos registry diff OLD NEW`."""

from __future__ import annotations

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.registry.models import RegistryVersion
from bansos.registry.versions import VersionError, registry_version_diff, registry_version_publish


class Command(BatchCommand):
    help = "Publish the registry of a period as an immutable version, or compare two published versions."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["publish", "diff"])
        parser.add_argument("periods", nargs="*", help="for diff: OLD NEW (YYYY-MM)")
        parser.add_argument("--period", help="for publish: YYYY-MM")
        parser.add_argument("--note", default="")
        parser.add_argument("--actor", default="system:cli")

    def run(self, **options):
        if options["action"] == "publish":
            if not options["period"]:
                raise CommandError("publish needs --period YYYY-MM")
            try:
                version = registry_version_publish(period=options["period"], actor=options["actor"], note=options["note"])
            except VersionError as exc:
                raise CommandError(str(exc)) from exc
            return {"period": version.period, "persons": version.persons, "households": version.households}
        if len(options["periods"]) != 2:
            raise CommandError("diff needs two periods: OLD NEW")
        versions = {v.period: v for v in RegistryVersion.objects.filter(period__in=options["periods"])}
        missing = [p for p in options["periods"] if p not in versions]
        if missing:
            raise CommandError(f"versi belum diterbitkan / not published: {', '.join(missing)}")
        old, new = (versions[p] for p in options["periods"])
        return registry_version_diff(old=old, new=new).as_dict()
