"""Program lists through the API: submit a file, read a run's summary and its quarantine.
Officers only, limited to their area; identifiers never appear in responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from bansos.intake import queries
from bansos.intake.issue_codes import ISSUES
from bansos.intake.mapping import MappingError
from bansos.intake.services import list_import_summary
from bansos.intake.uploads import UploadRefused, upload_import

router = Router()


class ImportSummary(Schema):
    id: int
    run: int | None
    source: str
    file: str
    status: str
    rows: int
    staged: int
    quarantined: int
    issues: dict[str, int]
    errors: dict[str, int]
    file_issues: list[str]
    error: str


class QuarantinedOut(Schema):
    row: int
    sheet: str
    issues: list[dict[str, str]]


def _summary(list_import) -> dict:
    data = list_import_summary(list_import=list_import)
    data["id"] = data.pop("import")
    return data


@router.post("/imports", response={201: ImportSummary, 202: ImportSummary})
def import_create(request, source: Form[str], file: File[UploadedFile]):
    """Import a CSV or XLSX file for a source (PKH, BPNT, PBIJK, PIP, BLT, DUKCAPIL, BANK).
    201 when the import has already ended (or the file was imported before); 202 while it waits
    for or runs in the background job: poll `GET /imports/{id}` until `status` is `done` or
    `failed`."""
    if not queries.sources_for(user=request.user).filter(code=source.upper()).exists():
        raise PermissionDenied
    try:
        result = upload_import(upload=file, source_code=source.upper(), user=request.user)
    except (MappingError, UploadRefused) as exc:
        raise HttpError(400, str(exc)) from exc
    waiting = result.status in (result.Status.PENDING, result.Status.RUNNING)
    return Status(202 if waiting else 201, _summary(result))


@router.get("/imports/{pk}", response=ImportSummary)
def import_read(request, pk: int):
    return _summary(queries.import_get(user=request.user, pk=pk))


@router.get("/imports/{pk}/quarantine", response=list[QuarantinedOut])
def quarantine_read(request, pk: int, offset: int = 0, limit: int = 100):
    """Quarantined rows with the reasons in Indonesian and English (no cell values)."""
    list_import = queries.import_get(user=request.user, pk=pk)
    rows = queries.quarantine_rows(user=request.user, list_import=list_import)[
        offset:offset + min(limit, 1000)]
    out = []
    for row in rows:
        issues = []
        for item in row.issues:
            issue = ISSUES.get(item["code"])
            issues.append({"code": item["code"], "field": item["field"],
                           "severity": item["severity"],
                           "message_id": issue.message_id if issue else "",
                           "message_en": issue.message_en if issue else ""})
        out.append({"row": row.row_number, "sheet": row.sheet, "issues": issues})
    return out
