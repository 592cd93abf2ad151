"""Proving the audit chain: recompute every event's hash from its content and the previous
event's hash, and name the first event where the stored chain disagrees — content changed
(hash differs), an event removed or inserted (the link to the previous hash differs), or a
published checkpoint no longer matching (the chain was rewritten from some point on)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from bansos.audit.models import AuditCheckpoint, AuditEvent
from bansos.audit.services import GENESIS, audit_record, event_hash

BATCH = 20_000

CHANGED = "changed"  # the event's content no longer gives its hash
UNLINKED = "unlinked"  # it does not follow the event before it (one removed, or inserted)
CHECKPOINT = "checkpoint"  # a published checkpoint's hash differs from the event's now

REASONS = {
    CHANGED: ("isi kejadian diubah", "the event's content was changed"),
    UNLINKED: ("tidak tersambung ke kejadian sebelumnya (ada yang dihapus atau disisipkan)",
               "does not follow the previous event (one was removed or inserted)"),
    CHECKPOINT: ("tidak sama dengan titik periksa yang diterbitkan",
                 "differs from a published checkpoint"),
}


@dataclass
class VerifyResult:
    events: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    broken_at: int | None = None
    reason: str = ""
    checkpoints: int = 0
    seconds: float = 0.0
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    @property
    def message(self) -> str:
        if self.ok:
            return (f"rantai audit utuh: {self.events} kejadian / audit chain intact: {self.events} events")
        text_id, text_en = REASONS[self.reason]
        return (f"rantai audit putus pada kejadian #{self.broken_at}: {text_id} / "
                f"audit chain broken at event #{self.broken_at}: {text_en}")


def _rows(batch: int) -> Iterable[tuple]:
    """Every event in id order, a batch at a time (keyset paging: constant memory, no OFFSET)."""
    last = 0
    columns = ("id", "at", "actor", "action", "target_type", "target_id", "data", "prev_hash", "hash")
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last).order_by("id").values_list(*columns)[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def audit_verify(*, expect: dict[int, str] | None = None, batch: int = BATCH,
                 progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Walk the whole chain. `expect` maps event ids to hashes published elsewhere (checked with
    the stored checkpoints); the first disagreement stops the walk and is named."""
    start = time.perf_counter()
    expected = dict(AuditCheckpoint.objects.values_list("event_id", "event_hash"))
    expected.update(expect or {})
    result = VerifyResult(checkpoints=len(expected))
    previous = GENESIS
    for event_id, at, actor, action, target_type, target_id, data, prev_hash, stored in _rows(batch):
        if prev_hash != previous:
            result.broken_at, result.reason = event_id, UNLINKED
            break
        computed = event_hash(prev_hash=previous, at=at.isoformat(), actor=actor, action=action,
                              target_type=target_type, target_id=target_id, data=data)
        if computed != stored:
            result.broken_at, result.reason = event_id, CHANGED
            result.detail = {"action": action, "target": f"{target_type}:{target_id}", "at": at.isoformat()}
            break
        if event_id in expected and expected.pop(event_id) != stored:
            result.broken_at, result.reason = event_id, CHECKPOINT
            break
        previous = stored
        result.events += 1
        result.head_id, result.head_hash = event_id, stored
        if progress and result.events % batch == 0:
            progress(result.events)
    if result.ok and expected:
        # A checkpoint names an event that is no longer there: the chain was cut short.
        result.broken_at, result.reason = min(expected), CHECKPOINT
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def audit_checkpoint(*, by: str) -> AuditCheckpoint:
    """Record the chain's current head (after verifying it) for publication; the checkpoint's
    making is itself an audit event, after the head it records."""
    with transaction.atomic():
        result = audit_verify()
        if not result.ok:
            raise ValueError(result.message)
        checkpoint = AuditCheckpoint.objects.create(event_id=result.head_id or 0, event_hash=result.head_hash,
                                                    events=result.events, created_by=by)
        audit_record(actor=by, action="audit.checkpoint", target_type="AuditCheckpoint", target_id=checkpoint.pk,
                     data={"event_id": checkpoint.event_id, "event_hash": checkpoint.event_hash})
    return checkpoint
