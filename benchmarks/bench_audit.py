"""The audit chain: `audit_verify` over 10 events per person (10M events at 1M persons), the
issue's "verify time for 10M events". Setup (untimed): a valid chain of that many events —
realistic actions, targets and small JSON payloads, each hash over the previous — written with
COPY on PostgreSQL (executemany on SQLite)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.context import Context
from benchmarks.registry import benchmark

EVENTS_PER_PERSON = 10
ACTIONS = ("case.accept", "case.verified", "household.update", "cycle.approve", "payment.credit",
           "account.update", "flag.raise", "linkage.review_decide")


def _chain(ctx: Context) -> None:
    from bansos.audit.models import AuditEvent
    from bansos.audit.services import GENESIS, event_hash
    from bansos.core.bulk_insert import rows_insert

    total = ctx.size * EVENTS_PER_PERSON
    start = datetime(2026, 1, 1, tzinfo=UTC)
    fields = ("id", "at", "actor", "action", "target_type", "target_id", "data", "prev_hash", "hash")

    def rows():
        previous = GENESIS
        for n in range(1, total + 1):
            at = start + timedelta(milliseconds=n)
            actor, action = f"officer-{n % 997}", ACTIONS[n % len(ACTIONS)]
            data = {"note": f"langkah {n % 101}", "amount": (n % 40) * 25_000, "from": "submitted"}
            digest = event_hash(prev_hash=previous, at=at.isoformat(), actor=actor, action=action,
                                target_type="Case", target_id=str(n // 3), data=data)
            # JSON as text: COPY and SQLite take it as the column's JSON.
            yield (n, at, actor, action, "Case", str(n // 3), json.dumps(data), previous, digest)
            previous = digest

    ctx.state["events"] = rows_insert(model=AuditEvent, fields=fields, rows=rows())


def _verify(ctx: Context) -> dict[str, Any]:
    from bansos.audit.verify import audit_verify

    result = audit_verify()
    if not result.ok or result.events != ctx.state["events"]:
        raise RuntimeError(result.message)
    return {"events": result.events, "events/s": round(result.events / max(result.seconds, 1e-9))}


@benchmark("audit-verify-postgres", budget_seconds=120, budget_mb=1_000, django=True, database="postgres",
           setup=_chain, setup_seconds=900)
def audit_verify_postgres(ctx: Context) -> dict[str, Any]:
    """`bansos audit verify` over 10 events per person, on PostgreSQL."""
    return _verify(ctx)


@benchmark("audit-verify-sqlite", budget_seconds=120, budget_mb=1_000, django=True, database="sqlite",
           setup=_chain, setup_seconds=900)
def audit_verify_sqlite(ctx: Context) -> dict[str, Any]:
    """`bansos audit verify` over 10 events per person, on SQLite."""
    return _verify(ctx)
