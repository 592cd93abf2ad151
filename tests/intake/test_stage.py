"""Staging writes every column as the row said, on SQLite and through COPY on PostgreSQL:
identifiers encrypted and indexed, text cut to its column, `extra` as JSON without the empty
fields, the scope codes of the row's village or else of the import's area."""

from __future__ import annotations

import json

import pytest

from bansos.areas.services import areas_load
from bansos.core import protected
from bansos.intake import stage
from bansos.intake.models import QuarantinedRow, StagedRow
from bansos.intake.services import list_import_run

HEADER = ("NO;NIK;NO_KK;NAMA_ANGGOTA;TGL_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KODE_DESA;NO_REKENING;"
          "BANK;KOMPONEN;NAMA_PENGURUS\n")
NOTE = 'kata "kutip", garis\\miring; dan\nbaris baru — é'
LONG_ADDRESS = "DUSUN KRAJAN " + "X" * 400


@pytest.fixture
def areas(db):
    areas_load(prefixes=["35.10.09"])


def _csv(tmp_path, rows: list[str]):
    path = tmp_path / "pkh.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_every_column_is_written_as_the_row_said(areas, tmp_path):
    note = NOTE.replace('"', '""')
    path = _csv(tmp_path, [
        f'1;3510090101800001;3510091203150007;"SUTRISNO, S.PD";01-01-1980;L;{LONG_ADDRESS};001;002;'
        f'3510092001;0123456789012;bri;"{note}";\n',
        "2;3510094502850002;;SITI;05-02-1985;P;DUSUN KRAJAN;002;001;3510092002;;;;\n",
    ])
    result = list_import_run(path=path, source_code="PKH")
    assert (result.rows_staged, result.rows_quarantined) == (2, 0)
    first, second = StagedRow.objects.order_by("row_number")

    assert first.nik == "3510090101800001" and second.nik == "3510094502850002"
    assert first.nik_index == protected.blind_index("3510090101800001", purpose="nik")
    assert first.kk == "3510091203150007"
    assert first.kk_index == protected.blind_index("3510091203150007", purpose="kk")
    assert second.kk is None and second.kk_index is None
    assert first.account_number == "0123456789012"
    assert first.account_index == protected.blind_index("0123456789012", purpose="account")
    assert second.account_number is None and second.account_index is None
    assert second.phone is None and second.phone_index is None
    assert first.bank == "BRI" and second.bank == ""

    assert first.extra == {"component": NOTE} and second.extra == {}
    assert len(first.address) == 300 and first.address == LONG_ADDRESS[:300]
    assert (first.row_number, first.sheet, first.birth_date.isoformat()) == (2, "", "1980-01-01")
    assert (first.rt, first.rw, first.village_id) == ("001", "002", "35.10.09.2001")
    assert (first.province_code, first.regency_code, first.district_code) == (
        "35", "35.10", "35.10.09")


def test_a_row_without_village_takes_the_scope_of_the_imports_area(areas, tmp_path):
    row = "1;3.51009E+15;;SUTRISNO;01-01-1980;L;DUSUN;001;002;;;;;\n"  # quarantined: bad NIK
    anywhere = list_import_run(path=_csv(tmp_path, [row]), source_code="PKH")
    inside = list_import_run(path=_csv(tmp_path, [row, row.replace("1;", "2;", 1)]),
                             source_code="PKH", area_code="35.10.09")
    scopes = {r.list_import_id: (r.village_id, r.province_code, r.regency_code, r.district_code)
              for r in QuarantinedRow.objects.all()}
    assert scopes == {anywhere.pk: (None, "", "", ""), inside.pk: (None, "35", "35.10", "35.10.09")}


def test_quarantined_rows_are_written_with_their_issues(areas, tmp_path):
    path = _csv(tmp_path, [
        "1;3.51009E+15;;SITI;01-02-1990;P;DUSUN;001;002;3510092001;;;;\n",
        "2;12345;;BUDI;01-02-1990;L;DUSUN;001;002;3510092001;;;;\n",
    ])
    result = list_import_run(path=path, source_code="PKH")
    assert result.rows_quarantined == 2
    rows = list(QuarantinedRow.objects.order_by("row_number"))
    assert [r.status for r in rows] == [QuarantinedRow.Status.OPEN] * 2
    assert rows[0].corrected_by is None and rows[0].village_id == "35.10.09.2001"
    assert rows[0].district_code == "35.10.09"
    for row in rows:
        codes = row.issue_codes.split(";")
        assert [i["code"] for i in row.issues] == codes
        assert stage.quarantine_raw(row=row).startswith(str(row.row_number - 1).encode() + b";")


def test_extras_are_the_json_of_the_present_values():
    import pyarrow as pa

    values = ['a"b', "c\\d", "x\ny", "\x00\x1f\x7f", "é✓\u2028😀", "", None, "/"]
    other = list(reversed(values))
    table = pa.table({"extra.status": values, 'extra.kötü "k"': other, "nik": ["1"] * len(values)})
    keys = ["status", 'kötü "k"']
    expected = [json.dumps({k: v for k, v in zip(keys, row, strict=True) if v is not None},
                           ensure_ascii=False) for row in zip(values, other, strict=True)]
    assert stage._extras(table).to_pylist() == expected
    assert stage._extras(pa.table({"nik": ["1", "2"]})).to_pylist() == ["{}", "{}"]
