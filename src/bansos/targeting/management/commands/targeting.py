"""`bansos targeting fit --survey FILE --pmt V`: fit the PMT on a survey and register it.
`bansos targeting score [--pmt V]`: score and rank every household (the latest PMT by default).
`bansos targeting preview --program PKH [--rules FILE] [--level district] [--on DATE]`: how many
households a rule version would enrol per region, at what cost (nothing is stored).
`bansos targeting rules`: list the rule files and check them against the schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.programs.preview import PREVIEW_LEVELS, PreviewError, preview_run
from bansos.targeting.models import PmtVersion
from bansos.targeting.rules import RuleFileError, rules_catalog, rules_current, rules_load
from bansos.targeting.scoring import ScoringError, pmt_version_fit, scoring_run


class Command(BatchCommand):
    help = "Proxy-means test, welfare deciles and program rule previews."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["fit", "score", "preview", "rules"])
        parser.add_argument("--survey", type=Path, help="fit: the survey CSV with measured expenditure")
        parser.add_argument("--pmt", help="fit: the new PMT version, e.g. 2025.10; score: the version "
                                          "to use (default: the latest)")
        parser.add_argument("--program", help="preview: the program code (PKH, SEMBAKO, PBIJK, PIP, BLT)")
        parser.add_argument("--rules", type=Path, help="preview: a rule file (default: the current one)")
        parser.add_argument("--level", choices=PREVIEW_LEVELS, default="regency")
        parser.add_argument("--on", type=date.fromisoformat, default=None,
                            help="preview: the reference date (default today)")

    def run(self, **options):
        action = options["action"]
        try:
            if action == "fit":
                return self._fit(options)
            if action == "score":
                return self._score(options)
            if action == "rules":
                return {"rules": [{"program": r.program, "version": r.version, "file": r.source,
                                   "valid_from": r.valid_from, "sha256": r.sha256} for r in rules_catalog()]}
            return self._preview(options)
        except (ScoringError, RuleFileError, PreviewError) as error:
            raise CommandError(str(error)) from error

    def _fit(self, options) -> dict:
        if not options["survey"] or not options["pmt"]:
            raise CommandError("fit perlu --survey dan --pmt / fit needs --survey and --pmt")
        row = pmt_version_fit(survey_path=options["survey"], version=options["pmt"],
                              created_by="command")
        return {"pmt": row.version, "r2": row.r2, "sha256": row.sha256}

    def _score(self, options) -> dict:
        versions = PmtVersion.objects.all()
        pmt = versions.filter(version=options["pmt"]).first() if options["pmt"] else versions.first()
        if pmt is None:
            raise CommandError("belum ada model PMT: jalankan `targeting fit` / no PMT model yet: run `targeting fit`")
        with self.progress() as progress:
            run = scoring_run(pmt_version=pmt, started_by="command", progress=progress)
        return {"scoring_run": run.pk, "pmt": pmt.version, "households": run.households,
                "ranked": run.ranked, "timings": run.timings}

    def _preview(self, options) -> dict:
        on = options["on"] or date.today()
        if options["rules"]:
            rules = rules_load(options["rules"])
        elif options["program"]:
            rules = rules_current(options["program"].upper(), on=on)
        else:
            raise CommandError("preview perlu --program atau --rules / preview needs --program or --rules")
        result = preview_run(rules=rules, level=options["level"], on=on)
        return {"program": rules.program, "version": rules.version, "households": result.households,
                "persons": result.persons, "amount": result.amount, "seconds": result.seconds,
                "regions": result.rows}
