"""Notify fixtures: the small registry with phones, rows to enqueue, and the demo SMS gateway
running in a thread with the sender pointed at it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from bansos.demo.sms_gateway import gateway_start
from bansos.registry.models import Person

PHONE = "+6281234567890"  # SUTRISNO's
PHONE_SITI = "+6285712345678"
GATEWAY_USER, GATEWAY_PASSWORD = "bansos", "sms-secret-1"
CREDITED = {"program": "PKH", "period": "2025-Q4", "amount": 750000, "bank": "BRI",
            "account_last4": "1234", "date": "2025-10-12"}


@pytest.fixture
def families(small_registry):
    """SUTRISNO and SITI AMINAH have phones; SLAMET and I WAYAN do not."""
    for name, phone in (("SUTRISNO", PHONE), ("SITI AMINAH", PHONE_SITI)):
        person = small_registry[name]
        person.phone = phone
        person.save()
    return small_registry


def rows_of(*items: tuple[str, Person, dict], person: bool = True) -> pa.Table:
    """Rows for messages_enqueue: (key, person, params) each."""
    return pa.table({
        "key": pa.array([key for key, _, _ in items], pa.string()),
        "household_id": pa.array([p.household_id for _, p, _ in items], pa.int64()),
        "person_id": pa.array([p.pk if person else None for _, p, _ in items], pa.int64()),
        "params": pa.array([json.dumps(params) for _, _, params in items], pa.string()),
    })


class Gateway:
    def __init__(self, record: Path) -> None:
        self.record = record

    def lines(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def gateway_factory(tmp_path, settings):
    """gateway_factory(fail_every=0) -> a running gateway the sender uses."""
    stops = []

    def start(*, fail_every: int = 0) -> Gateway:
        record = tmp_path / f"sms-{len(stops)}.jsonl"
        url, stop = gateway_start(record=record, user=GATEWAY_USER, password=GATEWAY_PASSWORD,
                                  fail_every=fail_every)
        stops.append(stop)
        settings.BANSOS_SMS_URL = url
        settings.BANSOS_SMS_USER = GATEWAY_USER
        settings.BANSOS_SMS_PASSWORD = GATEWAY_PASSWORD
        settings.BANSOS_SMS_TIMEOUT = 5
        return Gateway(record)

    yield start
    for stop in stops:
        stop()


@pytest.fixture
def gateway(gateway_factory):
    return gateway_factory()
