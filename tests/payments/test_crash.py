"""Kill -9 in the middle of export and of reconciliation, then run again: no payment twice,
none missing, the same files, the ledger in balance. The commands run as separate processes
against a scratch database (SQLite file, or a fresh PostgreSQL database on the PostgreSQL leg),
and `BANSOS_CRASH_AT` makes the process SIGKILL itself at a named point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CHECK = """
import json, django
django.setup()
from django.db.models import Count
from bansos.payments.ledger import ledger_check
from bansos.payments.models import BankReport, Batch, LedgerEntry, Payment
from bansos.programs.models import Cycle
cycle = Cycle.objects.get()
print(json.dumps({
    "payments": Payment.objects.count(),
    "distinct_ids": Payment.objects.values("end_to_end_id").distinct().count(),
    "per_entitlement_max": max([r["n"] for r in Payment.objects.values("entitlement").annotate(n=Count("id"))] or [0]),
    "states": {s: Payment.objects.filter(state=s).count() for s in ("sent", "credited", "rejected")},
    "batches": sorted(Batch.objects.values_list("message_id", "state", "payments", "total")),
    "ledger": sorted(LedgerEntry.objects.values_list("kind", "amount")),
    "reports": BankReport.objects.count(),
    "problems": ledger_check(cycle=cycle),
}))
"""
SEED = """
import django
django.setup()
from tests.payments.scenario import scenario_build
scenario_build(families=40, aceh=2)
"""


@pytest.fixture
def scratch(tmp_path):
    """Environment for child processes bound to a fresh, migrated, seeded database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bansos.settings", "BANSOS_VAR_DIR": str(tmp_path / "var"),
           "PYTHONPATH": str(ROOT)}
    env.pop("BANSOS_CRASH_AT", None)
    url = os.environ.get("DATABASE_URL", "")
    dropped = None
    if url.startswith("postgres"):
        import psycopg

        name = f"crash_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
        dropped = name
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    _run(env, "-m", "bansos", "migrate", "-v0")
    _run(env, "-c", SEED)
    yield env
    if dropped:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


def _run(env: dict, *args: str, crash_at: str = "") -> subprocess.CompletedProcess:
    env = {**env, **({"BANSOS_CRASH_AT": crash_at} if crash_at else {})}
    result = subprocess.run([PYTHON, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    if crash_at:
        assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    else:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def _state(env: dict) -> dict:
    return json.loads(_run(env, "-c", CHECK).stdout.strip().splitlines()[-1])


def _export(env: dict, out: Path, crash_at: str = "") -> None:
    _run(env, "-m", "bansos", "payments", "export", "--all", "--out", str(out), "--json", crash_at=crash_at)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.parametrize("point", ["payments.prepare.inserted", "payments.export.file_written:2",
                                   "payments.export.batch_sent:3"])
def test_export_killed_midway_resumes_without_duplicates_or_gaps(scratch, tmp_path, point):
    out = tmp_path / "out"
    _export(scratch, out, crash_at=point)
    _export(scratch, out)
    state = _state(scratch)
    assert state["payments"] == state["distinct_ids"] == state["states"]["sent"]
    assert state["per_entitlement_max"] == 1
    assert all(b[1] == "exported" for b in state["batches"])
    # One funding movement per batch, for exactly the batch's total.
    assert sorted(state["ledger"]) == sorted(["fund", b[3]] for b in state["batches"])
    assert state["problems"] == []
    files = _files(out)
    assert sorted(n for n in files if n.endswith(".xml")) == sorted(f"{b[0]}.xml" for b in state["batches"])
    assert not [n for n in files if n.endswith(".partial")] or point.endswith(":2")
    # A further run changes nothing: same payments, same bytes.
    _export(scratch, out)
    assert _state(scratch) == state
    assert {k: v for k, v in _files(out).items() if not k.endswith(".partial")} == \
        {k: v for k, v in files.items() if not k.endswith(".partial")}


def test_reconciliation_killed_midway_changes_nothing_then_applies_once(scratch, tmp_path):
    out, bank = tmp_path / "out", tmp_path / "bank"
    _export(scratch, out)
    _run(scratch, "-m", "bansos", "bank_simulate", "--inbox", str(out), "--outbox", str(bank),
         "--on", "2025-10-03", "--seed", "3")
    answers = sorted(str(p) for p in bank.glob("pain002-*.xml")) + sorted(str(p) for p in bank.glob("camt054-*.xml"))
    assert answers
    before = _state(scratch)
    _run(scratch, "-m", "bansos", "payments", "apply", *answers, crash_at="payments.reconcile.updated")
    assert _state(scratch) == before  # the killed transaction left nothing behind
    _run(scratch, "-m", "bansos", "payments", "apply", *answers)
    after = _state(scratch)
    assert after["states"]["sent"] == 0
    assert after["states"]["credited"] + after["states"]["rejected"] == before["payments"]
    assert after["reports"] == len(answers) and after["problems"] == []
    _run(scratch, "-m", "bansos", "payments", "apply", *answers)
    assert _state(scratch) == after
