"""The Kemendagri area hierarchy."""

from __future__ import annotations

from benchmarks.context import Context
from benchmarks.registry import benchmark


@benchmark("areas-load", budget_seconds=10, sized=False, django=True)
def areas_load(ctx: Context) -> dict[str, int]:
    """areas_load(): the whole hierarchy (91,220 rows) into a fresh, migrated database."""
    from bansos.areas.services import areas_load as load

    counts = load()
    return {"rows": counts["total"], "villages": counts["village"]}
