"""The demo's targeting and programs: fit the PMT on the generated survey, rank every household,
decide the five programs' current cycles, approve them, and measure them (5R) against the
generator's truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from bansos.demo.reference import truth_reference
from bansos.programs.cycles import cycle_approve, cycle_create
from bansos.programs.measures import cycle_measures
from bansos.targeting.scoring import pmt_version_fit, scoring_run

PROGRAMS = ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT")


def demo_programs(*, population_dir: Path, on: date, progress=None) -> dict[str, Any]:
    """Returns the summary: the PMT fit, the scoring run and per program its current cycle."""
    pmt = pmt_version_fit(survey_path=population_dir / "survey.csv", version=f"{on:%Y.%m}",
                          created_by="demo", fitted_on=on)
    run = scoring_run(pmt_version=pmt, started_by="demo", progress=progress)
    reference, members = truth_reference(population_dir)
    programs: dict[str, Any] = {}
    for code in PROGRAMS:
        cycle = cycle_approve(cycle=cycle_create(program=code, on=on, created_by="demo", scoring_run=run),
                              by="demo")
        measures = cycle_measures(cycle=cycle, reference=reference, reference_members=members,
                                  reference_name="generator truth")
        programs[code] = {"cycle": cycle.pk, "period": cycle.period, "state": cycle.state,
                          "households": cycle.households, "persons": cycle.persons,
                          "total": cycle.total, "rules": cycle.rule_version.version,
                          "inclusion_error": measures["target"]["pmt"]["inclusion_error"],
                          "exclusion_error": measures["target"]["pmt"]["exclusion_error"],
                          "criteria14_exclusion_error": measures["target"]["criteria14"]["exclusion_error"]}
        if progress:
            progress("program / programs", len(programs), len(PROGRAMS))
    return {"pmt": {"version": pmt.version, "r2": pmt.r2},
            "scoring": {"run": run.pk, "households": run.households, "ranked": run.ranked},
            "programs": programs}
