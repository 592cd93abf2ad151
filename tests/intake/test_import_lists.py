"""The generator's five program lists imported end to end, checked row by row against the
ground truth: every dirty row is repaired honestly or quarantined with the right code."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from bansos.areas.services import areas_load
from bansos.demo.generate import generate_population
from bansos.intake.models import ListImport, QuarantinedRow, StagedRow
from bansos.intake.services import list_import_run

REGION = "35.10.09"
FILES = {"PKH": "pkh.csv", "BPNT": "bpnt.csv", "PBIJK": "pbijk.csv", "PIP": "pip.xlsx",
         "BLT": "blt.csv"}
TODAY = date(2025, 10, 1)  # the generated world's reference date
# Dirt that must be repaired or only warned about: a row carrying nothing else is staged.
HARMLESS = {
    "name_case", "name_spaces", "name_spelling", "name_title", "name_swap", "name_typo",
    "nik_format", "kk_missing", "kk_stale", "birth_date_format", "birth_date_month_name",
    "birth_date_serial", "birth_date_swap", "birth_date_missing", "sex_form", "sex_missing",
    "village_missing", "village_variant", "rtrw_unpadded", "address_abbrev", "duplicate",
    "nisn_number",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("lists")
    generate_population(regions=[REGION], persons=2500, seed=21, out_dir=out)
    persons = {r["person_id"]: r for r in pq.read_table(out / "persons.parquet").to_pylist()}
    truth = defaultdict(list)
    with open(out / "ground_truth.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            truth[row["source"]].append(row)
    return out, persons, truth


def _rows_in_file_order(list_import: ListImport) -> list[tuple[str, object]]:
    """('staged'|'quarantined', row) for every row of the import, in file order per sheet."""
    rows = [("staged", r) for r in StagedRow.objects.filter(list_import=list_import)]
    rows += [("quarantined", r) for r in QuarantinedRow.objects.filter(list_import=list_import)]
    return sorted(rows, key=lambda item: (item[1].sheet, item[1].row_number))


def _paired(list_import, truth_rows):
    """Each imported row with its ground-truth row (data rows are numbered per sheet)."""
    by_label = {row["row_number"]: row for row in truth_rows}
    counters: dict[str, int] = defaultdict(int)
    for kind, row in _rows_in_file_order(list_import):
        counters[row.sheet] += 1
        label = f"{row.sheet}:{counters[row.sheet]}" if row.sheet else str(counters[row.sheet])
        yield kind, row, by_label[label]


@pytest.mark.parametrize("source", list(FILES))
def test_list_imports_with_every_row_accounted_for(db, world, source):
    out, persons, truth = world
    areas_load(prefixes=["35.10"])
    result = list_import_run(path=out / FILES[source], source_code=source, today=TODAY)
    assert result.status == ListImport.Status.DONE, result.error
    assert result.rows_read == len(truth[source])
    assert result.rows_read == result.rows_staged + result.rows_quarantined
    assert StagedRow.objects.filter(list_import=result).count() == result.rows_staged
    assert QuarantinedRow.objects.filter(list_import=result).count() == result.rows_quarantined
    assert result.rows_quarantined < 0.1 * result.rows_read

    for kind, row, gt in _paired(result, truth[source]):
        tags = set(filter(None, gt["dirt"].split(";")))
        person = persons[int(gt["person_id"])]
        if tags & {"nik_sci", "nik_precision", "nik_missing"}:
            assert kind == "quarantined", (gt, row.__dict__)
            expected = {"nik_sci": "nik_scientific_notation", "nik_precision": "nik_zero_serial",
                        "nik_missing": "nik_empty"}
            assert any(expected[t] in row.issue_codes.split(";") for t in tags if t in expected)
            continue
        if tags <= HARMLESS:
            assert kind == "staged", (gt, getattr(row, "issue_codes", ""))
        if kind == "quarantined":
            # Anything else quarantined must be dirt the ground truth knows about.
            assert tags, (gt, row.issue_codes)
            continue
        if not tags & {"nik_typo", "nik_transpose"}:
            assert row.nik == person["nik"], gt
        if not tags & {"birth_date_swap", "birth_date_missing"}:
            assert row.birth_date == person["birth_date"], (gt, row.birth_date)
        if "birth_date_swap" in tags and row.birth_date != person["birth_date"]:
            assert {"nik_birth_date_mismatch", "date_month_first"} & set(row.warnings.split(";"))
        if "sex_missing" not in tags:
            assert row.sex == person["sex"], gt
        if "village_missing" in tags:
            assert "village_missing" in row.warnings.split(";")
        elif "village_variant" not in tags:
            assert row.village_id == person["village_code"], gt
        if "name_title" in tags and "name_swap" not in tags:  # a swap can bury the title
            assert row.name_titles, gt


def test_reimporting_the_same_file_is_a_no_op(db, world):
    out, _, _ = world
    areas_load(prefixes=["35.10"])
    first = list_import_run(path=out / "blt.csv", source_code="BLT", today=TODAY)
    again = list_import_run(path=out / "blt.csv", source_code="BLT", today=TODAY)
    assert again.pk == first.pk
    assert StagedRow.objects.count() == first.rows_staged


def test_import_command_json_summary(db, world):
    out, _, truth = world
    areas_load(prefixes=["35.10"])
    stdout = io.StringIO()
    call_command("import", str(out / "bpnt.csv"), "--source", "bpnt", "--json", stdout=stdout)
    summary = json.loads(stdout.getvalue().strip().splitlines()[-1])
    assert summary["rows"] == len(truth["BPNT"]) == summary["staged"] + summary["quarantined"]
    assert summary["run"] and summary["status"] == "done"
    assert sum(summary["errors"].values()) >= summary["quarantined"]
