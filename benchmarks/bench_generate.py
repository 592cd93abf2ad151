"""The synthetic population generator (bansos.demo.generate)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.context import Context
from benchmarks.fixtures import POPULATION_REGIONS
from benchmarks.registry import benchmark


def _megabytes_written(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths if p.is_file()) / 2**20


@benchmark("generate", budget_seconds=60)
def generate(ctx: Context) -> dict[str, float | int]:
    """generate_population() for the Banyuwangi regency: persons, households and program lists."""
    from bansos.demo.generate import generate_population

    summary = generate_population(
        regions=list(POPULATION_REGIONS),
        persons=ctx.size,
        seed=ctx.seed,
        out_dir=ctx.scratch / "population",
        progress=None,
    )
    return {
        "households": summary.households,
        "list rows": sum(summary.list_rows.values()),
        "MB written": round(_megabytes_written(list(summary.files.values())), 1),
    }
