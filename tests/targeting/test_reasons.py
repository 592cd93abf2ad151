"""Reasons rendered as text: Indonesian exactly (the msgids), English at least renders."""

from __future__ import annotations

import json

import pytest
from django.utils.translation import override

from bansos.targeting.reasons import reason_text, reasons_text

SD = {"code": "sd", "name_id": "SD", "name_en": "primary school (SD)", "scope": "member"}
EARLY = {"code": "early_childhood", "name_id": "anak usia dini", "name_en": "early childhood"}
CASES = [
    ({"code": "decile_above", "params": {"decile": 5, "max": 4, "program": "PKH", "basis": "national"}},
     "desil 5 di atas batas PKH, yaitu desil 4"),
    ({"code": "decile_within", "params": {"decile": 2, "max": 4, "program": "PKH", "basis": "national"}},
     "desil 2 dalam batas PKH, yaitu desil 4"),
    ({"code": "decile_above", "params": {"decile": 6, "max": 5, "program": "SEMBAKO", "basis": "regional"}},
     "desil regional 6 di atas batas SEMBAKO, yaitu desil 5"),
    ({"code": "unranked", "params": {"program": "PKH", "basis": "national"}},
     "belum ada data sosial-ekonomi, keluarga belum diperingkat"),
    ({"code": "excluded_deceased", "params": {}},
     "dikecualikan: tidak ada anggota keluarga yang masih hidup"),
    ({"code": "excluded_occupation", "params": {"occupation": "PEGAWAI NEGERI SIPIL (PNS)", "members": 1}},
     "dikecualikan: anggota keluarga bekerja sebagai PEGAWAI NEGERI SIPIL (PNS)"),
    ({"code": "excluded_flag", "params": {"flag": "gambling"}}, "dikecualikan: terindikasi judi online"),
    ({"code": "excluded_flag", "params": {"flag": "ineligible_region"}},
     "dikecualikan: dinyatakan tidak layak oleh daerah (TIDAK LAYAK DAERAH)"),
    ({"code": "condition_failed", "params": {"attribute": "criteria_met", "op": ">=", "value": 3, "actual": 2}},
     "syarat tidak terpenuhi: jumlah kriteria kemiskinan terpenuhi ≥ 3 (keluarga ini: 2)"),
    ({"code": "condition_failed", "params": {"attribute": "urban", "op": "=", "value": False, "actual": True}},
     "syarat tidak terpenuhi: perkotaan = tidak (keluarga ini: ya)"),
    ({"code": "component", "params": {**SD, "qualifying": 1, "paid": 1, "unit_amount": 225000, "amount": 225000}},
     "SD: 1 × Rp225.000 = Rp225.000"),
    ({"code": "component", "params": {**SD, "qualifying": 2, "paid": 0, "unit_amount": 225000, "amount": 0}},
     "SD: 2 anggota memenuhi syarat, tidak ada yang dibayar"),
    ({"code": "component", "params": {"code": "food", "name_id": "bantuan pangan", "name_en": "food assistance",
                                      "scope": "household", "qualifying": 1, "paid": 1,
                                      "unit_amount": 600000, "amount": 600000}},
     "bantuan pangan: Rp600.000 per keluarga"),
    ({"code": "no_component", "params": {"program": "PKH"}},
     "tidak ada anggota keluarga yang memenuhi komponen PKH"),
    ({"code": "component_max", "params": {**EARLY, "qualifying": 3, "max": 2}},
     "3 anggota memenuhi komponen anak usia dini, paling banyak 2 dibayar"),
    ({"code": "one_component_per_member", "params": {"members": 1}},
     "1 anggota memenuhi lebih dari satu komponen; tiap anggota dihitung sekali, untuk komponen terbesar"),
    ({"code": "max_members", "params": {"members": 6, "max": 4}},
     "6 anggota memenuhi komponen, paling banyak 4 anggota dibayar"),
    ({"code": "quota_within", "params": {"level": "regency", "region": "35.10", "rank": 12, "limit": 12000}},
     "peringkat 12 dalam kuota 12000 keluarga di wilayah 35.10"),
    ({"code": "quota_reached", "params": {"level": "regency", "region": "35.10", "rank": 12001, "limit": 12000}},
     "kuota wilayah 35.10 sudah penuh: peringkat 12001, kuota 12000 keluarga"),
    ({"code": "eligible", "params": {"program": "PKH", "payee": "household", "amount": 1575000, "persons": 4}},
     "layak PKH: Rp1.575.000 per tahap"),
    ({"code": "eligible", "params": {"program": "PBIJK", "payee": "insurer", "amount": 168000, "persons": 4}},
     "layak PBIJK: 4 jiwa, iuran Rp168.000 per tahap dibayar ke BPJS Kesehatan"),
    ({"code": "not_eligible", "params": {"program": "PKH"}}, "tidak layak PKH"),
    ({"code": "suspended_pending_check", "params": {"decile": 5, "max": 4, "program": "PKH"}},
     "ditangguhkan: desil 5 di atas batas PKH (desil 4), menunggu pemeriksaan Dinas Sosial"),
]  # fmt: skip


@pytest.mark.parametrize(("reason", "indonesian"), CASES)
def test_reason_text_in_both_languages(reason, indonesian):
    with override("id"):
        assert reason_text(reason) == indonesian
    with override("en"):
        english = reason_text(reason)
    assert isinstance(english, str) and english


def test_component_names_follow_the_language():
    reason = {"code": "component_max", "params": {**EARLY, "qualifying": 3, "max": 2}}
    with override("en"):
        assert "early childhood" in reason_text(reason)


def test_program_display_names():
    reason = {"code": "not_eligible", "params": {"program": "SEMBAKO"}}
    with override("id"):
        assert reason_text(reason, programs={"SEMBAKO": "Sembako (BPNT)"}) == "tidak layak Sembako (BPNT)"


def test_unknown_codes_are_shown_not_dropped():
    with override("id"):
        assert reason_text({"code": "new_rule", "params": {"x": 1}}) == 'new_rule {"x": 1}'


def test_reasons_text_reads_the_engine_column():
    column = json.dumps([CASES[0][0], {"code": "not_eligible", "params": {"program": "PKH"}}])
    with override("id"):
        assert reasons_text(column) == ["desil 5 di atas batas PKH, yaitu desil 4", "tidak layak PKH"]
    assert reasons_text("") == []
