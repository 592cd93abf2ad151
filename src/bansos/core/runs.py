"""Services for batch-job runs: start, report progress, finish. Every door (CLI, web, jobs)
creates its Run through these so status and logs look the same everywhere."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bansos.core.models import Run
from bansos.core.redact import redact


def run_start(*, kind: str, params: dict[str, Any] | None = None, key: str = "", started_by: str = "") -> Run:
    return Run.objects.create(kind=kind, key=key, params=params or {}, started_by=started_by)


def run_progress(*, run: Run, done: int, total: int | None = None) -> None:
    Run.objects.filter(pk=run.pk).update(done=done, total=total)
    run.done, run.total = done, total


def run_log(*, run: Run, line: str) -> None:
    run.log = (run.log + redact(line) + "\n")[-100_000:]
    Run.objects.filter(pk=run.pk).update(log=run.log)


def run_finish(*, run: Run, summary: dict[str, Any], failed: bool = False) -> Run:
    run.status = Run.Status.FAILED if failed else Run.Status.SUCCEEDED
    run.summary = summary
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "summary", "finished_at"])
    return run
