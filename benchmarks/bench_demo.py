"""`bansos demo`: ready to browse in under 90 s with its defaults."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.registry import benchmark


@benchmark("demo-build", budget_seconds=90, sized=False, django=True, migrate=False)
def demo_build(ctx: Context) -> dict[str, float | int]:
    """demo_build() with its defaults (30,000 persons) on an empty database, migrations included."""
    from bansos.demo.build import demo_build as build

    result = build(work_dir=ctx.scratch / "demo")
    registry = result.summary["registry"]
    return {
        "persons": registry["persons"],
        "households": registry["households"],
        **{f"{step} s": seconds for step, seconds in result.timings.items()},
    }
