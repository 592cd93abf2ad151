"""`bansos audit verify [--expect ID:HASH …] [--json]`: recompute the hash chain of every audit
event and name the first broken one (exit status 1). `bansos audit checkpoint [--json]`:
record the verified head for publication."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from bansos.audit.verify import audit_checkpoint, audit_verify
from bansos.core.cli import BatchCommand


def _expect(values: list[str]) -> dict[int, str]:
    out = {}
    for value in values:
        event_id, _, digest = value.partition(":")
        if not event_id.isdigit() or len(digest) != 64:
            raise CommandError(f"--expect {value!r}: tulis ID:HASH (64 heksadesimal) / write ID:HASH (64 hex)")
        out[int(event_id)] = digest.lower()
    return out


class Command(BatchCommand):
    help = "Audit chain: verify it, or record a checkpoint of its head for publication."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--expect", action="append", default=[],
                            help="a published checkpoint ID:HASH the chain must still contain (repeatable)")

    def run(self, **options):
        if options["action"] == "checkpoint":
            checkpoint = audit_checkpoint(by="cli")
            return {"event_id": checkpoint.event_id, "event_hash": checkpoint.event_hash,
                    "events": checkpoint.events, "at": checkpoint.created_at.isoformat()}
        result = audit_verify(expect=_expect(options["expect"]))
        summary = {"ok": result.ok, "events": result.events, "head_id": result.head_id,
                   "head_hash": result.head_hash, "broken_at": result.broken_at, "reason": result.reason,
                   "checkpoints": result.checkpoints, "seconds": result.seconds, "message": result.message,
                   **({"detail": result.detail} if result.detail else {})}
        if not result.ok:
            if self.as_json:  # scripts get the summary too, then the failing exit status
                self.stdout.write(json.dumps(summary, default=str, ensure_ascii=False))
            raise CommandError(result.message)
        return summary
