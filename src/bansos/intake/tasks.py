"""Background jobs of intake: an uploaded file is imported by a worker (`bansos db_worker`),
not inside the web request, so a big list never times out the browser; the import page
shows its progress meanwhile. Tests and `BANSOS_TASKS_BACKEND=immediate` run it at once."""

from __future__ import annotations

from pathlib import Path

from django_tasks import task

from bansos.intake.models import ListImport
from bansos.intake.services import list_import_continue, list_import_summary


@task()
def list_import_task(list_import_id: int) -> dict:
    """Run or resume one recorded import; its uploaded file is removed once the import has
    ended, finished or failed (uploading the same file again resumes a failed one)."""
    list_import = ListImport.objects.get(pk=list_import_id)
    path = list_import.stored_path
    try:
        result = list_import_continue(list_import=list_import, user=list_import.submitted_by)
    finally:
        if path:
            Path(path).unlink(missing_ok=True)
    return list_import_summary(list_import=result)
