"""Scoring the registry: fit a PMT model on a survey, then rank every household into national
and regional welfare deciles (and by the 14 criteria, the baseline), set-at-a-time.

A scoring run keeps its input snapshot (households with their deciles, members) as Parquet so
rule previews and payment cycles decide on exactly what was ranked, and fast."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_insert import tables_insert
from bansos.registry.models import RegistryVersion
from bansos.targeting import criteria, deciles, pmt
from bansos.targeting.inputs import households_read, members_read
from bansos.targeting.models import PmtVersion, ScoringRun, WelfareScore

Progress = Callable[[str, int, int], None]
# The engine's view of a household: the columns rule files may name, plus the baseline decile.
SNAPSHOT_HOUSEHOLD_COLUMNS = (
    "household_id", "decile", "decile_regional", "criteria_decile", "score", "criteria_met",
    "members_alive", "province_code", "regency_code", "district_code", "village_code", "urban")


class ScoringError(Exception):
    """A scoring step refused, with the reason in Indonesian and English."""


def pmt_version_fit(*, survey_path: Path, version: str, created_by: str,
                    fitted_on: date | None = None) -> PmtVersion:
    """Fit the PMT on a survey file and register the model file as a new version."""
    survey_path = Path(survey_path)
    if PmtVersion.objects.filter(version=version).exists():
        raise ScoringError(f"model PMT versi {version} sudah ada / PMT version {version} already exists")
    table, log_pce, weights = pmt.survey_read(survey_path)
    model = pmt.pmt_fit(table=table, log_pce=log_pce, weights=weights, version=version,
                        fitted_on=fitted_on or timezone.localdate(), survey=survey_path.name,
                        survey_sha256=hashlib.sha256(survey_path.read_bytes()).hexdigest())
    return pmt_version_register(text=pmt.pmt_dump(model), created_by=created_by)


def pmt_version_register(*, text: str, created_by: str) -> PmtVersion:
    """Store a model file (validated) as a version, and write it beside the other versions."""
    model = pmt.pmt_load(text)
    national = model.strata.get("ID")
    with transaction.atomic():
        row = PmtVersion.objects.create(
            version=model.version, body=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
            fitted_on=model.fitted_on, survey=model.survey, survey_sha256=model.survey_sha256,
            r2=national.r2 if national else None, created_by=created_by)
        audit_record(actor=created_by, action="pmt.register", target_type="PmtVersion",
                     target_id=row.pk, data={"version": row.version, "sha256": row.sha256})
    folder = pmt_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"pmt-{model.version}.toml").write_text(text, encoding="utf-8")
    return row


def pmt_dir() -> Path:
    return Path(settings.VAR_DIR) / "targeting" / "pmt"


def scoring_run(*, pmt_version: PmtVersion, started_by: str,
                progress: Progress | None = None) -> ScoringRun:
    """Score and rank every active household of the registry with one PMT version."""
    run = ScoringRun.objects.create(pmt=pmt_version, started_by=started_by,
                                    registry_version=RegistryVersion.objects.first())
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    try:
        households, members = households_read(), members_read()
        lap("read")
        scored = households_score(model=pmt.pmt_load(pmt_version.body), households=households)
        lap("score")
        with transaction.atomic():
            tables_insert(model=WelfareScore, tables=_score_rows(scored), constants={"run_id": run.pk})
        lap("write")
        folder = snapshot_dir(run)
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(scored.select(SNAPSHOT_HOUSEHOLD_COLUMNS), folder / "households.parquet")
        pq.write_table(members, folder / "members.parquet")
        lap("snapshot")
    except Exception as error:
        ScoringRun.objects.filter(pk=run.pk).update(status=ScoringRun.Status.FAILED, error=str(error)[:2000],
                                                    finished_at=timezone.now(), timings=timings)
        raise
    ranked = int(np.count_nonzero(scored.column("decile").to_numpy() > 0))
    run.status, run.finished_at, run.timings = ScoringRun.Status.DONE, timezone.now(), timings
    run.households, run.ranked = scored.num_rows, ranked
    run.persons = int(np.sum(scored.column("members_alive").to_numpy()))
    run.save()
    audit_record(actor=started_by, action="scoring.run", target_type="ScoringRun", target_id=run.pk,
                 data={"pmt": pmt_version.version, "households": run.households, "ranked": ranked})
    if progress:
        progress("peringkat / ranking", run.households, run.households)
    return run


def households_score(*, model: pmt.PmtModel, households: pa.Table) -> pa.Table:
    """The households table with score, stratum, deciles and the 14-criteria baseline added.
    A household with no living member or no profile is left unranked (decile 0)."""
    features = households.select(pmt.PMT_INPUT_SCHEMA.names)
    score, stratum = pmt.pmt_predict(model=model, table=features)
    alive = households.column("household_size").to_numpy(zero_copy_only=False).astype(np.int64)
    score = np.where(alive > 0, score, np.nan)
    regency = households.column("regency_code").to_numpy(zero_copy_only=False)
    baseline = criteria.criteria_score(features)
    baseline = np.where(alive > 0, baseline, np.nan)
    met = criteria.criteria_count(features)
    return households.append_column("members_alive", pa.array(alive, pa.int32())).append_column(
        "score", pa.array(score, pa.float64(), from_pandas=True)).append_column(
        "stratum", pa.array([x or "" for x in stratum], pa.string())).append_column(
        "decile", pa.array(deciles.deciles_rank(score=score, persons=alive), pa.int8())).append_column(
        "decile_regional", pa.array(deciles.deciles_rank(score=score, persons=alive, groups=regency),
                                    pa.int8())).append_column(
        "criteria_met", pa.array(met, pa.int8())).append_column(
        "criteria_decile", pa.array(deciles.deciles_rank(score=baseline, persons=alive), pa.int8()))


def _score_rows(scored: pa.Table, size: int = 100_000):
    names = {"household_id": "household_id", "members_alive": "persons", "score": "score",
             "stratum": "stratum", "decile": "decile", "decile_regional": "decile_regional",
             "criteria_met": "criteria_met", "criteria_decile": "criteria_decile"}
    table = scored.select(list(names)).rename_columns(list(names.values()))
    for start in range(0, table.num_rows, size):
        yield table.slice(start, size)


def snapshot_dir(run: ScoringRun) -> Path:
    """The run's snapshot folder, named once with a random part: two databases sharing one
    var directory (test workers, a restored backup beside the live one) never mix runs."""
    if not run.snapshot:
        run.snapshot = str(Path(settings.VAR_DIR) / "targeting" / f"scoring-{run.pk}-{uuid.uuid4().hex[:12]}")
        ScoringRun.objects.filter(pk=run.pk).update(snapshot=run.snapshot)
    return Path(run.snapshot)


def snapshot_load(run: ScoringRun) -> tuple[pa.Table, pa.Table]:
    """The households (with deciles) and members a scoring run ranked."""
    folder = snapshot_dir(run)
    if run.status != ScoringRun.Status.DONE or not (folder / "members.parquet").exists():
        raise ScoringError(
            f"data pemeringkatan {run.pk} tidak tersedia, jalankan pemeringkatan ulang / "
            f"the snapshot of scoring run {run.pk} is not available: score again")
    return pq.read_table(folder / "households.parquet"), pq.read_table(folder / "members.parquet")


def scoring_latest() -> ScoringRun | None:
    return ScoringRun.objects.filter(status=ScoringRun.Status.DONE).order_by("-started_at", "-pk").first()
