"""Importing a program list: read → map → check → stage, batch by batch, resumable.

`list_import_run` is the one entry point for the command, the office upload and the API.
Every batch is committed together with the import's counters and `batches_done`, so a crash
leaves whole batches only and a re-run of the same file (same sha256) skips what is done.
Re-importing a finished file returns the earlier import unchanged. The next batch is read and
checked in a thread while the current one is written (the database releases the GIL).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, F, Subquery, Value, When
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from bansos.areas.models import Area
from bansos.audit.services import audit_record
from bansos.core import protected
from bansos.core.ahead import ahead
from bansos.core.runs import run_finish, run_progress, run_start
from bansos.intake.check import Checked, batch_check
from bansos.intake.export import ORIGIN_ROW, ORIGIN_SHEET
from bansos.intake.issue_codes import ISSUES
from bansos.intake.mapping import (
    SHIPPED_SOURCES,
    Mapping,
    mapping_apply,
    mapping_override,
    mapping_parse,
    mapping_resolve,
    mapping_shipped,
)
from bansos.intake.models import ListImport, QuarantinedRow, Source, StagedRow
from bansos.intake.read import FileIssue, file_batches, file_sniff
from bansos.intake.stage import Prepared, batch_prepare, batch_stage

Progress = Callable[[str, int, int], None]
BATCH_ROWS = 50_000
CHUNK = 1 << 20
# Up to this many duplicated NIKs are named in the UPDATE; more are found by a GROUP BY.
DUPLICATES_LISTED = 10_000


def sources_ensure(*, using: str = "default") -> list[str]:
    """Create the shipped sources that do not exist yet (an edited mapping is left alone);
    returns the codes created."""
    created = []
    for code in SHIPPED_SOURCES:
        if Source.objects.using(using).filter(code=code).exists():
            continue
        text = mapping_shipped(source=code)
        mapping = mapping_parse(text=text)
        Source.objects.using(using).create(code=code, name=mapping.name, kind=mapping.kind,
                                           mapping_toml=text, mapping_version=mapping.version)
        created.append(code)
    return created


def file_sha256(*, path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _issue_dict(issue: FileIssue) -> dict:
    return {"code": issue.code, "severity": issue.severity, "row": issue.row,
            "field": issue.field, "message_id": issue.message_id, "message_en": issue.message_en}


def _mapping_of(text: str, overrides: dict[str, str] | None) -> Mapping:
    mapping = mapping_parse(text=text)
    return mapping_override(mapping=mapping, overrides=overrides) if overrides else mapping


def _merge(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for code, n in more.items():
        counts[code] = counts.get(code, 0) + n
    return counts


def _actor(user) -> str:
    return getattr(user, "username", "") or "system"


def list_import_open(*, path: Path, source_code: str, user=None, file_name: str | None = None,
                     overrides: dict[str, str] | None = None, area_code: str | None = None,
                     resubmits: ListImport | None = None) -> ListImport:
    """The import of the file at `path` for `source_code`: a new pending one, or the earlier
    import of the same file (same sha256), finished, under way, or failed and now to be resumed
    from `path`. A bad
    mapping is refused before anything is recorded. `area_code` limits the rows to an area
    (by default the submitting officer's)."""
    path = Path(path)
    source = Source.objects.get(code=source_code.upper())
    sha = file_sha256(path=path)
    existing = ListImport.objects.filter(source=source, file_sha256=sha).first()
    if existing is not None:
        # A failed run (its upload removed) resumes from this copy; a pending or running one
        # keeps the file it has.
        stale = existing.status == ListImport.Status.FAILED or not Path(existing.stored_path or
                                                                         path).exists()
        if existing.status != ListImport.Status.DONE and stale:
            existing.stored_path = str(path)
            existing.save(update_fields=["stored_path"])
        return existing
    if resubmits is not None:
        # A corrected quarantine workbook says which row each line corrects.
        overrides = {**(overrides or {}), "extra.origin_row": ORIGIN_ROW,
                     "extra.origin_sheet": ORIGIN_SHEET}
    _mapping_of(source.mapping_toml, overrides)
    officer = getattr(user, "officer", None) if user is not None else None
    return ListImport.objects.create(
        source=source, file_name=file_name or path.name, file_sha256=sha,
        file_size=path.stat().st_size, mapping_toml=source.mapping_toml,
        mapping_version=source.mapping_version, submitted_by=user if officer else None,
        area_id=area_code or (officer.area_id if officer else None), resubmits=resubmits,
        stored_path=str(path), layout={"overrides": overrides or {}},
    )


def list_import_continue(*, list_import: ListImport, user=None, progress: Progress | None = None,
                         today: date | None = None, batch_rows: int = BATCH_ROWS) -> ListImport:
    """Run a recorded import from its stored file, or resume it where it stopped; a finished
    import is returned unchanged. The background job of an office or API upload."""
    if list_import.status == ListImport.Status.DONE:
        return list_import
    return _run(list_import=list_import, path=Path(list_import.stored_path), progress=progress,
                today=today, batch_rows=batch_rows, user=user)


def list_import_run(*, path: Path, source_code: str, user=None, file_name: str | None = None,
                    overrides: dict[str, str] | None = None, area_code: str | None = None,
                    resubmits: ListImport | None = None, progress: Progress | None = None,
                    today: date | None = None, batch_rows: int = BATCH_ROWS) -> ListImport:
    """Import the file at `path` for `source_code` now; returns the (new, resumed or earlier)
    ListImport. See `list_import_open` and `list_import_continue`."""
    list_import = list_import_open(path=path, source_code=source_code, user=user,
                                   file_name=file_name, overrides=overrides,
                                   area_code=area_code, resubmits=resubmits)
    return list_import_continue(list_import=list_import, user=user, progress=progress,
                                today=today, batch_rows=batch_rows)


def _run(*, list_import: ListImport, path: Path, progress: Progress | None, today: date | None,
         batch_rows: int, user) -> ListImport:
    report = progress or (lambda step, done, total: None)
    mapping = _mapping_of(list_import.mapping_toml, list_import.layout.get("overrides"))
    run = list_import.run or run_start(kind="intake.import", key=list_import.file_sha256,
                                       params={"source": list_import.source_id,
                                               "file": list_import.file_name},
                                       started_by=_actor(user))
    layout = file_sniff(path=path)
    resolved = mapping_resolve(mapping=mapping, columns=layout.columns)
    missing = [{"code": "column_missing", "severity": "warning", "row": None, "field": item,
                "message_id": f"Kolom tidak ada di berkas: {item}",
                "message_en": f"Column not in the file: {item}"} for item in resolved.missing]
    file_issues = [_issue_dict(i) for i in layout.issues] + missing
    ListImport.objects.filter(pk=list_import.pk).update(
        status=ListImport.Status.RUNNING, run=run, file_issues=file_issues,
        layout={**list_import.layout, "kind": layout.kind, "encoding": layout.encoding,
                "delimiter": layout.delimiter, "header_row": layout.header_row,
                "sheets": layout.sheets, "columns": layout.columns,
                "unmapped": list(resolved.unmapped)})
    list_import.refresh_from_db()
    fatal = [i for i in layout.issues if i.severity == "error"]
    if not fatal and "nik" not in resolved.fields and not (
            {"full_name", "given_name"} & set(resolved.fields)):
        fatal = [FileIssue(code="columns_unmapped", severity="error",
                           message_id="Kolom NIK dan nama tidak ditemukan; periksa pemetaan kolom.",
                           message_en="Neither the NIK nor the name column was found; check the "
                                      "column mapping.")]
    if fatal:
        return _fail(list_import, run, "; ".join(f"{i.message_id} / {i.message_en}" for i in fatal))
    try:
        tally = _batches(list_import=list_import, layout=layout, path=path, mapping=mapping,
                         resolved=resolved, run=run, report=report, today=today,
                         batch_rows=batch_rows)
    except Exception as exc:
        _fail(list_import, run, f"{type(exc).__name__}: {exc}")
        raise
    # Reading finds more (repeated headers, over-long rows, no data at all): record it all.
    list_import.file_issues = [_issue_dict(i) for i in layout.issues] + missing
    list_import.save(update_fields=["file_issues"])
    fatal = [i for i in layout.issues if i.severity == "error"]
    if fatal and list_import.rows_read == 0:
        return _fail(list_import, run, "; ".join(f"{i.message_id} / {i.message_en}" for i in fatal))
    try:
        return _finish(list_import, run, user, tally)
    except Exception as exc:
        _fail(list_import, run, f"{type(exc).__name__}: {exc}")
        raise


def _prepared_batches(*, list_import, layout, path, mapping, resolved, today, batch_rows
                      ) -> Iterator[tuple[int, int, Prepared]]:
    """(batch number, rows, prepared batch) of the batches not yet committed, in a pipeline
    of threads: one reads and checks batch n+2 while another prepares batch n+1 (waiting on
    the encryption helper) and the caller writes batch n. No database in either thread."""
    within = list_import.area_id if list_import.area_id not in (None, "ID") else None
    done = list_import.batches_done  # read once: the caller's thread updates it

    def checked() -> Iterator[tuple[int, int, Checked]]:
        for number, batch in enumerate(file_batches(path=path, layout=layout,
                                                    batch_rows=batch_rows)):
            if number < done:
                continue  # committed by an earlier, interrupted run
            yield number, batch.num_rows, batch_check(
                table=mapping_apply(resolved=resolved, batch=batch), mapping=mapping,
                within=within, today=today)

    def prepared() -> Iterator[tuple[int, int, Prepared]]:
        with closing(ahead(checked(), depth=1, name="intake-check")) as batches:
            for number, rows, batch in batches:
                yield number, rows, batch_prepare(list_import=list_import, checked=batch)

    return ahead(prepared(), depth=1, name="intake-prepare")


@dataclass
class _Tally:
    """Per import, across its batches: what the end-of-import checks need, gathered while
    staging so they cost no second pass over the staged rows. Incomplete when the import
    resumed (earlier batches were written by another run): the checks then ask the database."""

    complete: bool
    niks: list[np.ndarray] = field(default_factory=list)
    villages: set[str] = field(default_factory=set)


def _batches(*, list_import, layout, path, mapping, resolved, run, report, today, batch_rows
             ) -> _Tally:
    tally = _Tally(complete=list_import.batches_done == 0)
    batches = _prepared_batches(list_import=list_import, layout=layout, path=path,
                                mapping=mapping, resolved=resolved, today=today,
                                batch_rows=batch_rows)
    with closing(batches):  # on an error, stop the threads now, not when garbage-collected
        for number, rows, prepared in batches:
            with transaction.atomic():
                staged, quarantined = batch_stage(prepared=prepared)
                list_import.batches_done = number + 1
                list_import.rows_read += rows
                list_import.rows_staged += staged
                list_import.rows_quarantined += quarantined
                list_import.issue_counts = _merge(dict(list_import.issue_counts), prepared.counts)
                list_import.save(update_fields=["batches_done", "rows_read", "rows_staged",
                                                "rows_quarantined", "issue_counts"])
            tally.niks.append(prepared.niks)
            tally.villages |= prepared.villages
            run_progress(run=run, done=list_import.rows_read)
            report("baris / rows", list_import.rows_read, 0)
    return tally


def _duplicate_indexes(tally: _Tally) -> list[str]:
    """Blind indexes of the NIKs staged more than once, found in memory."""
    if not tally.niks:
        return []
    niks, counts = np.unique(np.concatenate(tally.niks), return_counts=True)
    twice = [f"{n:016d}" for n in niks[counts > 1].tolist()]
    return protected.keyring().index_many(twice, purpose="nik")  # type: ignore[return-value]


def _mark_duplicates(list_import: ListImport, tally: _Tally) -> int:
    """A NIK twice in one list is a warning on each of its rows (linkage decides). One UPDATE;
    no row comes back to Python. The duplicated NIKs come from the tally, or, for a resumed
    import, from a GROUP BY over its staged rows."""
    rows = StagedRow.objects.filter(list_import=list_import)
    duplicated: Any = _duplicate_indexes(tally) if tally.complete else None
    if duplicated == []:
        return 0
    if duplicated is None or len(duplicated) > DUPLICATES_LISTED:
        duplicated = Subquery(rows.filter(nik_index__isnull=False).values("nik_index")
                              .annotate(n=Count("id")).filter(n__gt=1).values("nik_index"))
    code = "nik_duplicate_in_file"
    warnings = Case(When(warnings="", then=Value(code)),
                    default=Concat(F("warnings"), Value(";" + code)),
                    output_field=CharField())
    return rows.filter(nik_index__in=duplicated).update(
        warnings=Substr(warnings, 1, StagedRow._meta.get_field("warnings").max_length))


def _check_villages(list_import: ListImport, tally: _Tally) -> None:
    """Every staged village is a village of the area table: the foreign key, checked once per
    import instead of by a trigger on each row (see `StagedRow`)."""
    villages = Area.objects.filter(level=Area.Level.VILLAGE)
    if tally.complete:
        codes = sorted(tally.villages)
        known: set[str] = set()
        for start in range(0, len(codes), 5_000):
            known.update(villages.filter(code__in=codes[start:start + 5_000])
                         .values_list("code", flat=True))
        found = [c for c in codes if c not in known][:5]
    else:
        strays = (StagedRow.objects.filter(list_import=list_import, village_id__isnull=False)
                  .exclude(village_id__in=Subquery(villages.values("code"))))
        found = list(strays.values_list("village_id", flat=True).distinct()[:5])
    if found:
        raise IntegrityError(f"import {list_import.pk}: staged rows name villages missing from "
                             f"the area table (run `bansos areas load`): {found}")


def _mark_corrected(list_import: ListImport) -> int:
    """Quarantined rows of the corrected import that this one staged leave quarantine."""
    if list_import.resubmits_id is None:
        return 0
    staged = {}
    for row_id, extra in StagedRow.objects.filter(list_import=list_import).values_list("id",
                                                                                      "extra"):
        origin = str(extra.get("origin_row") or "").removesuffix(".0")
        if origin.isdigit():
            staged[(str(extra.get("origin_sheet") or ""), int(origin))] = row_id
    rows = list(QuarantinedRow.objects.filter(list_import_id=list_import.resubmits_id,
                                              status=QuarantinedRow.Status.OPEN))
    fixed = []
    for row in rows:
        if (row.sheet, row.row_number) in staged:
            row.status = QuarantinedRow.Status.CORRECTED
            row.corrected_by_id = staged[(row.sheet, row.row_number)]
            fixed.append(row)
    QuarantinedRow.objects.bulk_update(fixed, ["status", "corrected_by"], batch_size=1000)
    return len(fixed)


def _finish(list_import: ListImport, run, user, tally: _Tally) -> ListImport:
    with transaction.atomic():
        _check_villages(list_import, tally)
        _mark_corrected(list_import)
        duplicates = _mark_duplicates(list_import, tally)
        if duplicates:
            list_import.issue_counts = _merge(dict(list_import.issue_counts),
                                              {"nik_duplicate_in_file": duplicates})
        if list_import.rows_read != list_import.rows_staged + list_import.rows_quarantined:
            raise AssertionError(f"import {list_import.pk}: {list_import.rows_read} read but "
                                 f"{list_import.rows_staged} staged + {list_import.rows_quarantined}"
                                 " quarantined")
        list_import.status = ListImport.Status.DONE
        list_import.finished_at = timezone.now()
        list_import.stored_path = ""
        list_import.save()
        audit_record(actor=_actor(user), action="intake.import", target_type="ListImport",
                     target_id=list_import.pk, data=list_import_summary(list_import=list_import))
    run_finish(run=run, summary=list_import_summary(list_import=list_import))
    return list_import


def _fail(list_import: ListImport, run, message: str) -> ListImport:
    list_import.status = ListImport.Status.FAILED
    list_import.error = message[:2000]
    list_import.finished_at = timezone.now()
    list_import.save(update_fields=["status", "error", "finished_at"])
    run_finish(run=run, summary=list_import_summary(list_import=list_import), failed=True)
    return list_import


def list_import_summary(*, list_import: ListImport) -> dict:
    """What the command prints with --json and the office page shows."""
    return {
        "import": list_import.pk,
        "run": list_import.run_id,
        "source": list_import.source_id and list_import.source.code,
        "file": list_import.file_name,
        "status": list_import.status,
        "rows": list_import.rows_read,
        "staged": list_import.rows_staged,
        "quarantined": list_import.rows_quarantined,
        "issues": dict(sorted(list_import.issue_counts.items())),
        "errors": {c: n for c, n in sorted(list_import.issue_counts.items())
                   if ISSUES.get(c) is None or ISSUES[c].severity == "error"},
        "file_issues": [i["code"] for i in list_import.file_issues],
        "error": list_import.error,
    }

