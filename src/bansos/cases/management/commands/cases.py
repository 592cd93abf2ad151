"""`bansos cases tick [--json]`: the deadline clock — remind, escalate, lapse, close (run it
hourly from cron or a timer). `bansos cases sync [--json]`: open cases for duplicate reviews and
suspensions that have none, and close those decided on their own pages."""

from __future__ import annotations

from bansos.cases.engine import cases_tick
from bansos.cases.reviews import review_cases_sync
from bansos.core.cli import BatchCommand


class Command(BatchCommand):
    help = "Cases: run the deadline clock (tick) or mirror open reviews as cases (sync)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["tick", "sync"])

    def run(self, **options):
        if options["action"] == "sync":
            return review_cases_sync()
        return cases_tick()
