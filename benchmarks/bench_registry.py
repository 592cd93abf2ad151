"""Bulk loading of the population into the registry (bansos.registry.bulk)."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.fixtures import population
from benchmarks.registry import benchmark


def _load_areas(ctx: Context) -> None:
    """Untimed: the area hierarchy the households point to."""
    from bansos.areas.services import areas_load

    areas_load()


@benchmark(
    "registry-load",
    budget_seconds=300,
    fixtures=[population],
    django=True,
    setup=_load_areas,
)
def registry_load(ctx: Context) -> dict[str, int]:
    """registry_load_population(): the generator's households, persons, memberships, profiles."""
    from bansos.registry.bulk import registry_load_population

    return registry_load_population(population_dir=ctx.fixture("population").path)
