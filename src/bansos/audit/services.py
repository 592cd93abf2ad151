"""Writing audit events and access-log entries."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from bansos.audit.models import AccessLog, AuditEvent

GENESIS = "0" * 64


def event_hash(*, prev_hash: str, at: str, actor: str, action: str, target_type: str, target_id: str, data: dict) -> str:
    body = json.dumps([prev_hash, at, actor, action, target_type, target_id, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def audit_record(*, actor: str, action: str, target_type: str, target_id: Any, data: dict | None = None) -> AuditEvent:
    """Append one event to the chain. Call inside the transaction that makes the change, so the
    change and its event commit together."""
    data = json.loads(json.dumps(data or {}, default=str))
    with transaction.atomic():
        # Lock the tail so concurrent writers chain one after another.
        last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
        prev = last.hash if last else GENESIS
        at = timezone.now()
        digest = event_hash(prev_hash=prev, at=at.isoformat(), actor=actor, action=action,
                            target_type=target_type, target_id=str(target_id), data=data)
        return AuditEvent.objects.create(at=at, actor=actor, action=action, target_type=target_type,
                                         target_id=str(target_id), data=data, prev_hash=prev, hash=digest)


def access_record(*, person_id: int, user, action: str = "view", purpose: str = "") -> None:
    officer = getattr(user, "officer", None)
    AccessLog.objects.create(
        person_id=person_id, user=user, action=action, purpose=purpose,
        role=officer.role if officer else "", office=officer.office_name if officer else "",
    )
