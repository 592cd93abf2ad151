"""`bansos audit verify`: an intact chain passes; a row changed, removed or inserted directly in
the database, or a chain recomputed after tampering (caught by a published checkpoint), fails
at the first broken event, named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bansos.audit.models import AuditEvent
from bansos.audit.services import audit_record, event_hash
from bansos.audit.verify import CHANGED, CHECKPOINT, UNLINKED, audit_checkpoint, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    return [audit_record(actor=f"officer-{n}", action="case.accept", target_type="Case", target_id=n,
                         data={"note": f"langkah {n}", "amount": n * 1000, "nested": {"b": 1, "a": [n, 0.5]}})
            for n in range(1, 8)]


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_intact_chain_verifies(chain):
    result = audit_verify(batch=3)  # several pages
    assert result.ok and result.events == 7 and result.head_id == chain[-1].pk
    assert result.head_hash == chain[-1].hash


def test_a_row_changed_in_the_database_breaks_there(chain):
    table = AuditEvent._meta.db_table
    _sql(f"UPDATE {table} SET actor = %s WHERE id = %s", ["someone-else", chain[3].pk])  # noqa: S608
    result = audit_verify()
    assert (result.broken_at, result.reason, result.events) == (chain[3].pk, CHANGED, 3)
    assert f"#{chain[3].pk}" in result.message and "changed" in result.message


def test_a_row_removed_breaks_at_the_next(chain):
    _sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [chain[2].pk])  # noqa: S608
    result = audit_verify()
    assert (result.broken_at, result.reason) == (chain[3].pk, UNLINKED)


def test_a_rewritten_chain_is_caught_by_the_published_checkpoint(chain):
    checkpoint = audit_checkpoint(by="auditor")
    assert checkpoint.event_id == chain[-1].pk and audit_verify().ok
    # Someone with database access changes event 2 and recomputes every hash after it.
    events = list(AuditEvent.objects.order_by("id"))
    events[1].data = {"note": "dipalsukan"}
    previous = events[0].hash
    for event in events[1:]:
        event.prev_hash = previous
        event.hash = event_hash(prev_hash=previous, at=event.at.isoformat(), actor=event.actor,
                                action=event.action, target_type=event.target_type, target_id=event.target_id,
                                data=event.data)
        previous = event.hash
    AuditEvent.objects.bulk_update(events[1:], ["data", "prev_hash", "hash"])
    result = audit_verify()
    assert (result.broken_at, result.reason) == (checkpoint.event_id, CHECKPOINT)
    # A checkpoint held outside the database (the stored one deleted too) still catches it.
    from bansos.audit.models import AuditCheckpoint

    AuditCheckpoint.objects.all().delete()
    assert audit_verify().ok  # the database alone can no longer tell...
    assert not audit_verify(expect={checkpoint.event_id: checkpoint.event_hash}).ok  # ...the publication can


def test_the_command_names_the_broken_event_and_fails(chain):
    out = io.StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["ok"] is True
    _sql(f"UPDATE {AuditEvent._meta.db_table} SET target_id = %s WHERE id = %s", ["999", chain[5].pk])  # noqa: S608
    out = io.StringIO()
    with pytest.raises(CommandError, match=f"#{chain[5].pk}"):
        call_command("audit", "verify", "--json", stdout=out)
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["ok"] is False and summary["broken_at"] == chain[5].pk and summary["reason"] == "changed"
    with pytest.raises(CommandError, match="ID:HASH"):
        call_command("audit", "verify", "--expect", "12:abc")
