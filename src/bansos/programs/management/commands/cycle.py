"""`bansos cycle create --program PKH [--on DATE]`: decide every household for the program's
cycle containing that day (a draft; run again to recompute it while it is a draft).
`bansos cycle approve ID`, `bansos cycle advance ID`: approve (freezes the list), then paying,
closed. `bansos cycle verify ID`: check the frozen list against its digest. `bansos cycle list`."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.programs.cycles import (
    CycleError,
    cycle_advance,
    cycle_approve,
    cycle_create,
    cycle_verify,
)
from bansos.programs.models import Cycle
from bansos.targeting.rules import RuleFileError


def _summary(cycle: Cycle) -> dict:
    return {"cycle": cycle.pk, "program": cycle.program_id, "period": cycle.period,
            "state": cycle.state, "households": cycle.households, "persons": cycle.persons,
            "total": cycle.total, "suspended": cycle.suspended, "rules": cycle.rule_version.version,
            "digest": cycle.digest}


class Command(BatchCommand):
    help = "Payment cycles (tahap): create, approve, advance, verify, list."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["create", "approve", "advance", "verify", "list"])
        parser.add_argument("id", nargs="?", type=int, help="the cycle id (approve, advance, verify)")
        parser.add_argument("--program", help="create: PKH, SEMBAKO, PBIJK, PIP or BLT")
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help="create: a day inside the cycle's period (default today)")

    def run(self, **options):
        action = options["action"]
        if action == "list":
            return {"cycles": [_summary(c) for c in Cycle.objects.select_related("rule_version")]}
        try:
            if action == "create":
                if not options["program"]:
                    raise CommandError("create perlu --program / create needs --program")
                cycle = cycle_create(program=options["program"].upper(), on=options["on"] or date.today(),
                                     created_by="command")
                return {**_summary(cycle), "timings": cycle.timings}
            cycle = Cycle.objects.filter(pk=options["id"]).first()
            if cycle is None:
                raise CommandError(f"tahap {options['id']} tidak ada / no cycle {options['id']}")
            if action == "approve":
                return _summary(cycle_approve(cycle=cycle, by="command"))
            if action == "advance":
                return _summary(cycle_advance(cycle=cycle, by="command"))
            ok = cycle_verify(cycle)
            if not ok:
                raise CommandError(f"daftar tahap {cycle} tidak cocok dengan sidiknya / the list of {cycle} "
                                   f"does not match its digest")
            return {**_summary(cycle), "verified": ok}
        except (CycleError, RuleFileError) as error:
            raise CommandError(str(error)) from error
