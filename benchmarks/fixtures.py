"""Shared fixtures: inputs several benchmarks use, built once per (size, seed) and cached in
benchmarks/work/<name>-<size>-<seed>/ (so the 1M population is generated once, not per use)."""

from __future__ import annotations

from typing import Any

from benchmarks.context import FixtureContext
from benchmarks.registry import fixture

# The pilot regency of the demo: Kabupaten Banyuwangi.
POPULATION_REGIONS = ("35.10",)


@fixture("population", version="1")
def population(ctx: FixtureContext) -> dict[str, Any]:
    """The synthetic population of `ctx.size` persons, written by the demo generator.

    In a benchmark: `pop = ctx.fixture("population")`; `pop.file("persons")` is a file path,
    `pop.info` holds the counts and list rows.
    """
    from bansos.demo.generate import generate_population

    if ctx.size is None:
        raise ValueError("the population fixture needs a size; declare the benchmark sized")
    summary = generate_population(
        regions=list(POPULATION_REGIONS),
        persons=ctx.size,
        seed=ctx.seed,
        out_dir=ctx.out_dir,
        progress=None,
    )
    return {
        "regions": list(POPULATION_REGIONS),
        "persons": summary.persons,
        "households": summary.households,
        "files": {
            name: str(path.resolve().relative_to(ctx.out_dir.resolve()))
            for name, path in summary.files.items()
        },
        "list_rows": dict(summary.list_rows),
    }
