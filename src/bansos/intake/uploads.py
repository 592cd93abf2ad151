"""Files arriving over HTTP (office page or API) become an import run.

The upload is written outside any web root with owner-only permissions and removed when the
run ends; a crashed run is resumed by uploading the same file again (same sha256)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from bansos.intake.models import ListImport
from bansos.intake.services import list_import_run

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
    if Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
        raise UploadRefused("Hanya berkas CSV atau XLSX. / Only CSV or XLSX files.")
    path = _save(upload)
    try:
        return list_import_run(path=path, source_code=source_code, user=user,
                               file_name=Path(upload.name).name, resubmits=resubmits)
    finally:
        path.unlink(missing_ok=True)
