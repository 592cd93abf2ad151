"""Import runs: a crash leaves whole batches only and a re-run completes; files that cannot be
imported fail with a clear bilingual reason; rows outside the officer's area are refused."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.db import IntegrityError
from python_calamine import CalamineWorkbook

from bansos.areas.services import areas_load
from bansos.core import protected
from bansos.intake import services
from bansos.intake.export import quarantine_workbook
from bansos.intake.models import ListImport, QuarantinedRow, Source, StagedRow
from bansos.intake.services import list_import_run, sources_ensure
from bansos.intake.stage import quarantine_raw

HEADER = "NO;NIK;NO_KK;NAMA_ANGGOTA;TGL_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KODE_DESA\n"


def _row(i: int, *, nik: str | None = None, village: str = "3510092001") -> str:
    day = 1 + i % 28
    nik = nik or f"351009{day:02d}0185{1 + i // 28:04d}"
    return (f"{i};{nik};3510091203150007;WARGA NOMOR {i};{day:02d}-01-1985;L;DUSUN KRAJAN;"
            f"001;002;{village}\n")


@pytest.fixture
def areas(db):
    areas_load(prefixes=["35.10.09", "35.10.16"])


def _write(tmp_path, rows: list[str], name: str = "pkh.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(rows)).encode(encoding))
    return path


def test_a_crash_mid_run_leaves_whole_batches_and_a_rerun_completes(areas, tmp_path,
                                                                    monkeypatch):
    # Row 240 repeats the NIK of row 1: the duplicate spans the crash and must still be found.
    twin = _row(1).split(";")[1]
    path = _write(tmp_path, [_row(i, nik=twin if i == 240 else None) for i in range(1, 251)])
    real_stage = services.batch_stage
    calls = {"n": 0}

    def crash_on_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_stage(**kwargs)

    monkeypatch.setattr(services, "batch_stage", crash_on_third)
    with pytest.raises(OSError):
        list_import_run(path=path, source_code="PKH", batch_rows=100)
    failed = ListImport.objects.get()
    assert failed.status == ListImport.Status.FAILED and "disk full" in failed.error
    assert failed.batches_done == 2
    assert StagedRow.objects.count() + QuarantinedRow.objects.count() == 200 == failed.rows_read

    monkeypatch.setattr(services, "batch_stage", real_stage)
    done = list_import_run(path=path, source_code="PKH", batch_rows=100)
    assert done.pk == failed.pk and done.status == ListImport.Status.DONE
    assert done.rows_read == 250 == done.rows_staged + done.rows_quarantined
    assert StagedRow.objects.count() == done.rows_staged
    assert sorted(StagedRow.objects.values_list("row_number", flat=True)) == list(range(2, 252))
    flagged = StagedRow.objects.filter(warnings__contains="nik_duplicate_in_file")
    assert sorted(flagged.values_list("row_number", flat=True)) == [2, 241]


def test_a_nik_repeated_in_a_later_batch_is_flagged_on_both_rows(areas, tmp_path):
    twin = _row(3).split(";")[1]
    path = _write(tmp_path, [_row(i, nik=twin if i == 150 else None) for i in range(1, 201)])
    result = list_import_run(path=path, source_code="PKH", batch_rows=50)
    assert result.issue_counts["nik_duplicate_in_file"] == 2
    flagged = StagedRow.objects.filter(warnings__contains="nik_duplicate_in_file")
    assert sorted(flagged.values_list("row_number", flat=True)) == [4, 151]


def test_a_village_missing_from_the_area_table_fails_the_import_clearly(areas, tmp_path):
    # 35.10.15 is a real district (the catalogue resolves it) whose areas were not loaded.
    path = _write(tmp_path, [_row(1), _row(2, village="3510152001")])
    with pytest.raises(IntegrityError, match="35.10.15.2001"):
        list_import_run(path=path, source_code="PKH")
    failed = ListImport.objects.get()
    assert failed.status == ListImport.Status.FAILED and "bansos areas load" in failed.error


def test_quarantine_keeps_the_original_bytes_and_the_reason(areas, tmp_path):
    bad = "7;3.51009E+15;3510091203150007;SITI;01-02-1990;P;DUSUN Ä;001;002;3510092001\n"
    path = _write(tmp_path, [_row(1), bad], encoding="cp1252")
    result = list_import_run(path=path, source_code="PKH")
    assert (result.rows_staged, result.rows_quarantined) == (1, 1)
    row = QuarantinedRow.objects.get()
    assert quarantine_raw(row=row) == bad.encode("cp1252")
    assert "nik_scientific_notation" in row.issue_codes.split(";")
    assert {"code": "nik_scientific_notation", "field": "nik", "severity": "error"} in row.issues
    assert result.issue_counts["nik_scientific_notation"] == 1


def test_same_nik_twice_in_a_file_is_staged_with_a_warning(areas, tmp_path):
    path = _write(tmp_path, [_row(1), _row(2), _row(3, nik=_row(1).split(";")[1])])
    result = list_import_run(path=path, source_code="PKH")
    assert result.rows_staged == 3
    nik = _row(1).split(";")[1]
    twins = StagedRow.objects.filter(nik_index=protected.blind_index(nik, purpose="nik"))
    assert twins.count() == 2
    assert all("nik_duplicate_in_file" in r.warnings.split(";") for r in twins)
    assert result.issue_counts["nik_duplicate_in_file"] == 2


def test_rows_outside_the_officers_area_are_quarantined(areas, tmp_path):
    path = _write(tmp_path, [_row(1), _row(2, village="3510161001")])
    result = list_import_run(path=path, source_code="PKH", area_code="35.10.09")
    assert (result.rows_staged, result.rows_quarantined) == (1, 1)
    assert "village_outside_area" in QuarantinedRow.objects.get().issue_codes


@pytest.mark.parametrize("content, expected", [
    (HEADER, "file_empty"),
    ("A;B;C\n1;2;3\n", "columns_unmapped"),
])
def test_files_that_cannot_be_imported_fail_with_a_clear_reason(areas, tmp_path, content,
                                                                expected):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    result = list_import_run(path=path, source_code="PKH")
    assert result.status == ListImport.Status.FAILED
    assert " / " in result.error  # Indonesian / English
    assert result.rows_read == 0 and not StagedRow.objects.exists()
    if expected == "columns_unmapped":
        assert "NIK" in result.error


def test_shipped_sources_exist_and_an_edited_mapping_is_kept(db):
    assert set(Source.objects.values_list("code", flat=True)) >= {
        "PKH", "BPNT", "PBIJK", "PIP", "BLT", "DUKCAPIL", "BANK"}
    Source.objects.filter(code="PKH").update(mapping_toml="edited")
    Source.objects.filter(code="BANK").delete()
    assert sources_ensure() == ["BANK"]
    assert Source.objects.get(code="PKH").mapping_toml == "edited"


def _sheet_xml(book: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(book)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode() + z.read("xl/sharedStrings.xml").decode()


def test_quarantine_workbook_neutralises_formulas_and_a_correction_clears_the_row(areas,
                                                                                 tmp_path):
    hostile = '=HYPERLINK("http://contoh.invalid","klik")'
    bad = f"2;3.51009E+15;3510091203150007;{hostile};01-02-1990;P;@SUM(A1);001;002;3510092001\n"
    original = list_import_run(path=_write(tmp_path, [_row(1), bad]), source_code="PKH")
    row = QuarantinedRow.objects.get(list_import=original)
    book = quarantine_workbook(list_import=original, rows=[row])
    xml = _sheet_xml(book)
    assert "<f>" not in xml  # no formula anywhere
    cells = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_name(
        "KARANTINA").to_python()
    header, values = cells[0], dict(zip(cells[0], cells[1], strict=True))
    assert header[:4] == ["BARIS_ASAL", "LEMBAR_ASAL", "MASALAH", "PROBLEM"]
    assert values["NAMA_ANGGOTA"] == "'" + hostile
    assert values["ALAMAT"] == "'@SUM(A1)"
    assert "NIK" in values["MASALAH"] and values["BARIS_ASAL"] == row.row_number

    # The officer types the right NIK and uploads the workbook as a correction.
    corrected = tmp_path / "koreksi.xlsx"
    out = xlsxwriter.Workbook(str(corrected))
    sheet = out.add_worksheet("KARANTINA")
    values["NIK"] = "3510094102900001"
    values["NAMA_ANGGOTA"] = "SITI AMINAH"
    values["ALAMAT"] = "DUSUN KRAJAN"
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
        sheet.write_string(1, c, str(values[name]))
    out.close()
    fix = list_import_run(path=corrected, source_code="PKH", resubmits=original)
    assert (fix.rows_staged, fix.rows_quarantined) == (1, 0), fix.issue_counts
    row.refresh_from_db()
    assert row.status == QuarantinedRow.Status.CORRECTED
    assert row.corrected_by.nik == "3510094102900001"


def test_truncated_workbook_fails_with_a_reason_and_stages_nothing(areas, tmp_path):
    whole = tmp_path / "pip.xlsx"
    book = xlsxwriter.Workbook(str(whole))
    sheet = book.add_worksheet("SD")
    for c, name in enumerate(["NIK", "Nama Siswa", "Tanggal Lahir"]):
        sheet.write_string(0, c, name)
    for r in range(1, 200):
        sheet.write_string(r, 0, f"35100901018500{r % 100:02d}")
        sheet.write_string(r, 1, f"SISWA {r}")
    book.close()
    cut = tmp_path / "pip-cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    result = list_import_run(path=cut, source_code="PIP")
    assert result.status == ListImport.Status.FAILED
    assert result.file_issues and result.file_issues[0]["code"] in {"file_truncated",
                                                                  "xlsx_unreadable"}
    assert not StagedRow.objects.exists() and not QuarantinedRow.objects.exists()


def test_a_file_that_switches_encoding_halfway_reads_both_halves(areas, tmp_path):
    first = (HEADER + _row(1).replace("DUSUN KRAJAN", "DUSUN SÉLATAN")).encode("utf-8")
    second = _row(2).replace("DUSUN KRAJAN", "DUSUN SÉLATAN").encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(first + second)
    result = list_import_run(path=path, source_code="PKH")
    assert (result.rows_staged, result.rows_quarantined) == (2, 0)
    assert set(StagedRow.objects.values_list("address", flat=True)) == {"DUSUN SÉLATAN"}
    assert "encoding_fallback" in StagedRow.objects.get(row_number=3).warnings


def test_a_row_whose_cells_shifted_is_quarantined(areas, tmp_path):
    shifted = _row(2).replace("WARGA NOMOR 2", "WARGA; NOMOR 2")
    result = list_import_run(path=_write(tmp_path, [_row(1), shifted]), source_code="PKH")
    assert (result.rows_staged, result.rows_quarantined) == (1, 1)
    assert "row_width_mismatch" in QuarantinedRow.objects.get().issue_codes
