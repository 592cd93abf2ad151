"""Targeting and programs on PostgreSQL: scoring and ranking every household, the rule preview,
and cycle creation and approval for the five programs.

Setup (untimed, all three): areas, the registry loaded from the population, the PMT fitted on
the population's survey. Sizes are persons; the metrics give the households (≈ 0.28 per
person), and the budgets the issue states per household are checked against those.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np

from benchmarks.context import Context
from benchmarks.fixtures import population
from benchmarks.registry import benchmark

ON = date(2025, 10, 1)
PROGRAMS = ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT")
MEMORY_MB = 4_000


def _registry(ctx: Context) -> None:
    from bansos.areas.services import areas_load
    from bansos.registry.bulk import registry_load_population
    from bansos.targeting.scoring import pmt_version_fit

    pop = ctx.fixture("population")
    areas_load()
    registry_load_population(population_dir=pop.path)
    ctx.state["pmt"] = pmt_version_fit(survey_path=pop.file("survey"), version="bench",
                                       created_by="benchmark", fitted_on=ON).pk
    _settle()


def _settle() -> None:
    """What a DBA does after a bulk load: vacuum and analyze, so autovacuum on the freshly
    loaded tables does not run inside the clock."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _scored(ctx: Context) -> None:
    from bansos.targeting.models import PmtVersion
    from bansos.targeting.scoring import scoring_run

    _registry(ctx)
    ctx.state["run"] = scoring_run(pmt_version=PmtVersion.objects.get(pk=ctx.state["pmt"]),
                                   started_by="benchmark").pk
    _settle()


def _ranking_accuracy(ctx: Context, metrics: Any) -> dict[str, Any]:
    """How well the ranking finds the truly poorest 40% (desil 1-4): PMT vs 14 criteria."""
    import pyarrow.parquet as pq

    from bansos.targeting.models import WelfareScore

    truth = pq.read_table(ctx.fixture("population").file("households"),
                          columns=["household_id", "true_decile"])
    true = dict(zip(truth.column(0).to_pylist(), truth.column(1).to_pylist(), strict=True))
    rows = np.array(list(WelfareScore.objects.filter(run_id=ctx.state["run"]).values_list(
        "household_id", "decile", "criteria_decile")))
    known = np.array([h in true for h in rows[:, 0]])
    rows = rows[known]
    poor = np.array([true[h] <= 4 for h in rows[:, 0]])
    out = {}
    for label, column in (("pmt", 1), ("criteria14", 2)):
        chosen = (rows[:, column] >= 1) & (rows[:, column] <= 4)
        out[f"{label} exclusion"] = round(float(np.mean(~chosen[poor])), 3)
        out[f"{label} inclusion"] = round(float(np.mean(~poor[chosen])), 3)
    return out


@benchmark("targeting-score-postgres", budget_seconds=10, budget_mb=MEMORY_MB,
           fixtures=[population], django=True, database="postgres", setup=_registry,
           finish=_ranking_accuracy)
def targeting_score_postgres(ctx: Context) -> dict[str, Any]:
    """scoring_run(): read every household from PostgreSQL, PMT score, national, regional and
    14-criteria deciles, write the scores (COPY) and the snapshot."""
    from bansos.targeting.models import PmtVersion
    from bansos.targeting.scoring import scoring_run

    run = scoring_run(pmt_version=PmtVersion.objects.get(pk=ctx.state["pmt"]), started_by="benchmark")
    ctx.state["run"] = run.pk
    return {"households": run.households, "ranked": run.ranked,
            **{f"{k} s": v for k, v in run.timings.items()}}


def _preview_others(ctx: Context, metrics: Any) -> dict[str, Any]:
    """Untimed: the other four programs' previews, each timed on its own."""
    out: dict[str, Any] = {}
    for code in PROGRAMS[1:]:
        start = time.perf_counter()
        result = _preview(code)
        out[f"{code} s"] = round(time.perf_counter() - start, 3)
        out[f"{code} households"] = result.households
    return out


def _preview(code: str):
    from bansos.programs.preview import preview_run
    from bansos.targeting.rules import rules_current

    return preview_run(rules=rules_current(code, on=ON), level="district", on=ON)


def _scored_warm(ctx: Context) -> None:
    """As a web worker would be: modules imported and DuckDB started by an earlier preview."""
    _scored(ctx)
    _preview("BLT")


@benchmark("targeting-preview", budget_seconds=1, budget_mb=MEMORY_MB, fixtures=[population],
           django=True, database="postgres", setup=_scored_warm, finish=_preview_others)
def targeting_preview(ctx: Context) -> dict[str, Any]:
    """preview_run() of PKH (the richest rules): every household of the latest scoring run
    evaluated and summed per district, read from the snapshot, nothing stored."""
    result = _preview("PKH")
    return {"PKH households": result.households, "rows": len(result.rows)}


@benchmark("programs-cycle-postgres", budget_seconds=60, budget_mb=MEMORY_MB,
           fixtures=[population], django=True, database="postgres", setup=_scored)
def programs_cycle_postgres(ctx: Context) -> dict[str, Any]:
    """cycle_create() + cycle_approve() for the five programs: a decision per household and
    program, entitlements, enrolments and the frozen digest, written to PostgreSQL."""
    from bansos.programs.cycles import cycle_approve, cycle_create
    from bansos.targeting.models import ScoringRun

    run = ScoringRun.objects.get(pk=ctx.state["run"])
    out: dict[str, Any] = {}
    for code in PROGRAMS:
        start = time.perf_counter()
        cycle = cycle_approve(cycle=cycle_create(program=code, on=ON, created_by="benchmark",
                                                 scoring_run=run), by="benchmark")
        out[f"{code} s"] = round(time.perf_counter() - start, 2)
        out[f"{code} listed"] = cycle.households
    out["households"] = run.households
    return out
