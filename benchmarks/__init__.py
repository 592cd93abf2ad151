"""bansos benchmarks: `make bench` measures time and peak memory against budgets.

Declare one in `benchmarks/bench_<area>.py`:

    from benchmarks import Context, benchmark

    @benchmark("linkage", budget_seconds=120)
    def linkage(ctx: Context) -> dict[str, float]:
        ...
        return {"f1": 0.97}

See benchmarks/README.md.
"""

from benchmarks.context import Context, FixtureContext, FixtureData
from benchmarks.registry import REGISTRY, Benchmark, Fixture, benchmark, fixture

__all__ = [
    "REGISTRY",
    "Benchmark",
    "Context",
    "Fixture",
    "FixtureContext",
    "FixtureData",
    "benchmark",
    "fixture",
]
