"""Rows for the duplicate-review tests, made directly with the ORM (as a linkage run would
leave them): a list import, staged rows, their record links and reviews."""

from __future__ import annotations

import itertools
from datetime import date

from bansos.intake.models import ListImport, Source, StagedRow
from bansos.linkage.models import DuplicateReview, LinkRun, RecordLink
from tests.conftest import VILLAGE_A

WEIGHTS = [
    {"field": "nik", "level": "beda 1 angka / one digit off", "weight": 6.5},
    {"field": "name", "level": "sangat mirip / very similar", "weight": 4.25},
    {"field": "birth_date", "level": "tahun sama / same year", "weight": -1.75},
    {"field": "place", "level": "desa dan RT sama / same village and RT", "weight": 3.0},
]
_rows = itertools.count(1)
_files = itertools.count(1)


def list_import(source: str = "PKH", file_name: str | None = None) -> ListImport:
    n = next(_files)
    return ListImport.objects.create(
        source=Source.objects.get(code=source), file_name=file_name or f"pkh-{n}.csv",
        file_sha256=f"{n:064x}", file_size=100, mapping_toml="", mapping_version=1,
        status=ListImport.Status.DONE)


def staged_row(imp: ListImport, *, nik: str = "3510090101800009", kk: str = "3510091203159999",
               name: str = "SUTRISNO", born: date | None = date(1980, 1, 1), sex: str = "L",
               village: str | None = VILLAGE_A, rw: str = "001", rt: str = "002",
               relationship: str = "head", **extra) -> StagedRow:
    parts = (village or "").split(".")
    codes = (parts[0], ".".join(parts[:2]), ".".join(parts[:3])) if village else ("", "", "")
    return StagedRow.objects.create(
        list_import=imp, row_number=next(_rows), nik=nik, kk=kk, full_name=name, birth_date=born,
        sex=sex, relationship=relationship, address="DUSUN KRAJAN", rt=rt, rw=rw,
        village_id=village, province_code=codes[0], regency_code=codes[1],
        district_code=codes[2], birth_place="BANYUWANGI", **extra)


def link_run() -> LinkRun:
    return LinkRun.objects.create(upper_threshold=0.99, lower_threshold=0.8,
                                  status=LinkRun.Status.DONE)


def link(row: StagedRow, run: LinkRun, person=None, method: str | None = None,
         probability: float | None = None) -> RecordLink:
    method = method or (RecordLink.Method.REVIEW if person is None
                        else RecordLink.Method.NIK_BIRTH_DATE)
    return RecordLink.objects.create(
        staged_row=row, run=run, person=person,
        household_id=person.household_id if person else None, method=method,
        match_probability=probability)


def review(row: StagedRow, run: LinkRun, *, person=None, other: StagedRow | None = None,
           probability: float = 0.93, weight: float = 12.0) -> DuplicateReview:
    return DuplicateReview.objects.create(
        run=run, staged_row=row, person=person, other_row=other, match_probability=probability,
        match_weight=weight, weights=WEIGHTS, province_code=row.province_code,
        regency_code=row.regency_code, district_code=row.district_code)
