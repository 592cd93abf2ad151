"""Disbursement on PostgreSQL at N payments (the size is payments, not persons): the export of an
approved cycle to pain.001 files, and the reconciliation of the banks' answers (a pain.002 status
row and a camt.054 notification row per payment). The issue's budget: 1M payments exported and
1M status rows reconciled in under 60 s together; each half has 30 s here.

Setup (untimed): every area, N families with a head and an account at one of the four banks
(as a bank list would leave them), an approved cycle with an entitlement each, all written with
COPY; for the reconciliation, the export and the simulated bank's answers too."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from benchmarks.context import Context
from benchmarks.registry import benchmark

MEMORY_MB = 6_000
BANKS = ("BRI", "BNI", "MANDIRI", "BTN")
DIGITS = {"BRI": 15, "BNI": 10, "MANDIRI": 13, "BTN": 16}


def _families(n: int) -> None:
    """N households in Java villages, each with a head and an account; ids 1..N."""
    from bansos.areas.models import Area
    from bansos.areas.scope import scope_codes
    from bansos.core import protected
    from bansos.core.bulk_insert import tables_insert
    from bansos.payments.models import Account
    from bansos.registry.models import Household, Person

    villages = list(Area.objects.filter(level=Area.Level.VILLAGE, code__startswith="35.")
                    .values_list("code", flat=True)[:5000])
    rng = np.random.default_rng(7)
    ids = np.arange(1, n + 1, dtype=np.int64)
    village = np.array(villages, dtype=object)[rng.integers(0, len(villages), n)]
    scopes = [scope_codes(v) for v in village]
    kk = [f"3510{i:012d}" for i in ids]
    kk_blob, kk_index = protected.protect_many(kk, purpose="kk")
    step = 100_000
    for start in range(0, n, step):
        part = slice(start, start + step)
        tables_insert(model=Household, tables=[pa.table({
            "id": ids[part], "kk": pa.array(kk_blob[part], pa.binary()), "kk_index": kk_index[part],
            "village_id": village[part].tolist(), "province_code": [s[0] for s in scopes[part]],
            "regency_code": [s[1] for s in scopes[part]], "district_code": [s[2] for s in scopes[part]],
            "rw": ["001"] * len(ids[part]), "rt": ["001"] * len(ids[part]),
            "address": ["Dusun Krajan"] * len(ids[part]), "status": ["active"] * len(ids[part])})])
    nik = [f"3510{i:012d}" for i in ids]
    nik_blob, nik_index = protected.protect_many(nik, purpose="nik")
    names = np.array(["SITI AMINAH", "SUTRISNO", "SRI WAHYUNI", "AGUS SALIM", "NUR HIDAYAH"], dtype=object)
    for start in range(0, n, step):
        part = slice(start, start + step)
        tables_insert(model=Person, tables=[pa.table({
            "id": ids[part], "nik": pa.array(nik_blob[part], pa.binary()), "nik_index": nik_index[part],
            "full_name": names[ids[part] % len(names)].tolist(), "sex": ["P"] * len(ids[part]),
            "household_id": ids[part], "relationship": ["head"] * len(ids[part]),
            **{f: [""] * len(ids[part]) for f in ("birth_place", "education", "school_level", "occupation")}})])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_household SET head_id = id")
    bank = np.array(BANKS, dtype=object)[ids % len(BANKS)]
    numbers = [str(10 ** (DIGITS[b] - 1) + i) for b, i in zip(bank, ids, strict=True)]
    blobs, indexes = protected.protect_many(numbers, purpose="account")
    for start in range(0, n, step):
        part = slice(start, start + step)
        tables_insert(model=Account, constants={"program": "", "name_check": "exact", "name_score": 1.0,
                                                "name_reasons": "[]", "source": "bench", "revision": 1},
                      tables=[pa.table({
                          "household_id": ids[part], "person_id": ids[part], "bank": bank[part].tolist(),
                          "number": pa.array(blobs[part], pa.binary()), "number_index": indexes[part],
                          "number_last4": [x[-4:] for x in numbers[part]],
                          "holder_name": names[ids[part] % len(names)].tolist()})])


def _cycle(n: int) -> int:
    from bansos.core.bulk_insert import tables_insert
    from bansos.programs.models import Cycle, Entitlement, Program, RuleVersion
    from bansos.targeting.models import PmtVersion, ScoringRun
    from bansos.targeting.rules import rules_current

    rules = rules_current("BLT", on=date(2025, 10, 1))
    program = Program.objects.create(code="BLT", name="BLT")
    version = RuleVersion.objects.create(program=program, version=rules.version, source=rules.source,
                                         sha256=rules.sha256, body=rules.text, valid_from=rules.valid_from)
    pmt = PmtVersion.objects.create(version="bench", body="", sha256="0" * 64, fitted_on=date(2025, 1, 1))
    cycle = Cycle.objects.create(program=program, period="2025-Q4", starts_on=date(2025, 10, 1),
                                 ends_on=date(2025, 12, 31), state=Cycle.State.APPROVED, rule_version=version,
                                 scoring_run=ScoringRun.objects.create(pmt=pmt, status="done"),
                                 households=n, total=900_000 * n,
                                 approved_at=datetime(2025, 10, 1, tzinfo=UTC))
    from bansos.registry.models import Household

    districts = dict(Household.objects.values_list("id", "district_code"))
    ids = np.arange(1, n + 1, dtype=np.int64)
    step = 200_000
    tables_insert(model=Entitlement, constants={"cycle_id": cycle.pk, "state": "approved", "persons": 1},
                  tables=(pa.table({"household_id": ids[s:s + step], "amount": np.full(len(ids[s:s + step]), 900_000),
                                    "district_code": [districts[int(i)] for i in ids[s:s + step]]})
                          for s in range(0, n, step)))
    return cycle.pk


def _settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _setup(ctx: Context) -> None:
    from bansos.areas.services import areas_load

    areas_load()
    _families(ctx.size)
    ctx.state["cycle"] = _cycle(ctx.size)
    ctx.state["out"] = str(ctx.scratch / "out")
    _settle()


def _exported(ctx: Context) -> None:
    """The export and the banks' answers, done before the clock."""
    from bansos.demo.bank_sim import FailureRates, bank_answer
    from bansos.payments.export import payments_export
    from bansos.programs.models import Cycle

    _setup(ctx)
    out = Path(ctx.state["out"])
    payments_export(cycles=[Cycle.objects.get(pk=ctx.state["cycle"])], out_dir=out, by="benchmark")
    rates = FailureRates(closed=0.01, blocked=0.01, name_mismatch=0.0)
    answers = []
    for path in sorted(out.glob("BSS-*.xml")):
        result = bank_answer(pain001=path, outbox=out / "bank", on=date(2025, 10, 3), seed=1, rates=rates)
        answers += [result["status_report"], result["notification"]]
    ctx.state["answers"] = answers
    _settle()


@benchmark("payments-export-postgres", budget_seconds=30, budget_mb=MEMORY_MB, django=True,
           database="postgres", setup=_setup)
def payments_export_postgres(ctx: Context) -> dict[str, Any]:
    """payments_export(): payments and batches made in SQL, one pain.001 file per bank (account
    numbers decrypted, XSD-checked), payments sent and the ledger funded, and the manifest."""
    from bansos.payments.export import payments_export
    from bansos.programs.models import Cycle

    manifest = payments_export(cycles=[Cycle.objects.get(pk=ctx.state["cycle"])],
                               out_dir=Path(ctx.state["out"]), by="benchmark")
    return {"payments": manifest["payments"], "files": sum(len(c["files"]) for c in manifest["cycles"])}


# The setup pays and exports a million payments first (several minutes at 1M).
@benchmark("payments-reconcile-postgres", budget_seconds=30, budget_mb=MEMORY_MB, django=True,
           database="postgres", setup=_exported, setup_seconds=1200)
def payments_reconcile_postgres(ctx: Context) -> dict[str, Any]:
    """report_apply() of every pain.002 and camt.054 the banks sent: checked, states moved, the
    ledger posted, accounts marked and every family's message written to the outbox."""
    from bansos.payments.reconcile import report_apply

    out: dict[str, Any] = {"rows": 0}
    for kind in ("pain002", "camt054"):
        start = time.perf_counter()
        for path in (p for p in ctx.state["answers"] if Path(p).name.startswith(kind)):
            report, _ = report_apply(path=Path(path), by="benchmark")
            out["rows"] += report.rows
        out[f"{kind} s"] = round(time.perf_counter() - start, 2)
    return out
