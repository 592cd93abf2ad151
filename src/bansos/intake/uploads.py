"""Files arriving over HTTP (office page or API) become an import run.

The upload is written outside any web root with owner-only permissions, imported by a
background job (`intake.tasks`) and removed when the run ends; a failed run is resumed by
uploading the same file again (same sha256)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from bansos.intake.models import ListImport
from bansos.intake.services import list_import_open
from bansos.intake.tasks import list_import_task

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}


class UploadRefused(ValueError):
    """A bilingual reason why the file is not taken."""


def _save(upload: UploadedFile) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "intake"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with open(path, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    path.chmod(0o600)
    return path


def upload_import(*, upload: UploadedFile, source_code: str, user,
                  resubmits: ListImport | None = None) -> ListImport:
    """Record the upload as an import and queue its run; returns the import (already done when
    the same file was imported before, or when jobs run at once)."""
    if Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        raise UploadRefused("Hanya berkas CSV atau XLSX. / Only CSV or XLSX files.")
    path = _save(upload)
    try:
        list_import = list_import_open(path=path, source_code=source_code, user=user,
                                       file_name=Path(upload.name).name, resubmits=resubmits)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    if list_import.stored_path != str(path):  # imported, queued or running already
        path.unlink(missing_ok=True)
        return list_import
    list_import_task.enqueue(list_import.pk)
    list_import.refresh_from_db()
    return list_import
