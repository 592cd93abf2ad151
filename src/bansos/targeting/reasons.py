"""Decision reasons (codes + params from engine.py) rendered as text in the active language.

Msgids are Indonesian (the interface's first language); English comes from the .po file. Money
is written as Rp900.000 in both languages, as on Indonesian payment slips."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop

from bansos.core.templatetags.bansos import rupiah

_FLAGS = {
    "deceased_record": gettext_noop("tercatat meninggal dunia (MENINGGAL)"),
    "ineligible_region": gettext_noop("dinyatakan tidak layak oleh daerah (TIDAK LAYAK DAERAH)"),
    "ineligible_field_check": gettext_noop("tidak layak menurut pemeriksaan lapangan"),
    "welfare_staff": gettext_noop("terindikasi petugas atau pendamping kesejahteraan sosial"),
    "gambling": gettext_noop("terindikasi judi online"),
    "withdrawn": gettext_noop("mengundurkan diri dari program"),
}
_ATTRIBUTES = {
    "decile": gettext_noop("desil"),
    "decile_regional": gettext_noop("desil regional"),
    "score": gettext_noop("skor kesejahteraan"),
    "criteria_met": gettext_noop("jumlah kriteria kemiskinan terpenuhi"),
    "members_alive": gettext_noop("jumlah anggota keluarga yang hidup"),
    "province_code": gettext_noop("kode provinsi"),
    "regency_code": gettext_noop("kode kabupaten/kota"),
    "district_code": gettext_noop("kode kecamatan"),
    "village_code": gettext_noop("kode desa/kelurahan"),
    "urban": gettext_noop("perkotaan"),
}
_OPS = {
    "=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
    "in": gettext_noop("salah satu dari"),
    "not_in": gettext_noop("bukan salah satu dari"),
    "between": gettext_noop("antara"),
}  # fmt: skip
_MESSAGES = {
    "excluded_deceased": gettext_noop("dikecualikan: tidak ada anggota keluarga yang masih hidup"),
    "excluded_occupation": gettext_noop("dikecualikan: anggota keluarga bekerja sebagai %(occupation)s"),
    "excluded_flag": gettext_noop("dikecualikan: %(flag)s"),
    "unranked": gettext_noop("belum ada data sosial-ekonomi, keluarga belum diperingkat"),
    "decile_above": gettext_noop("desil %(decile)s di atas batas %(program)s, yaitu desil %(max)s"),
    "decile_within": gettext_noop("desil %(decile)s dalam batas %(program)s, yaitu desil %(max)s"),
    "decile_above_regional": gettext_noop(
        "desil regional %(decile)s di atas batas %(program)s, yaitu desil %(max)s"),
    "decile_within_regional": gettext_noop(
        "desil regional %(decile)s dalam batas %(program)s, yaitu desil %(max)s"),
    "condition_failed": gettext_noop(
        "syarat tidak terpenuhi: %(attribute)s %(op)s %(value)s (keluarga ini: %(actual)s)"),
    "component": gettext_noop("%(name)s: %(paid)s × %(unit)s = %(amount)s"),
    "component_household": gettext_noop("%(name)s: %(amount)s per keluarga"),
    "component_none_paid": gettext_noop(
        "%(name)s: %(qualifying)s anggota memenuhi syarat, tidak ada yang dibayar"),
    "no_component": gettext_noop("tidak ada anggota keluarga yang memenuhi komponen %(program)s"),
    "component_max": gettext_noop(
        "%(qualifying)s anggota memenuhi komponen %(name)s, paling banyak %(max)s dibayar"),
    "one_component_per_member": gettext_noop(
        "%(members)s anggota memenuhi lebih dari satu komponen; tiap anggota dihitung sekali, "
        "untuk komponen terbesar"),
    "max_members": gettext_noop(
        "%(members)s anggota memenuhi komponen, paling banyak %(max)s anggota dibayar"),
    "quota_within": gettext_noop(
        "peringkat %(rank)s dalam kuota %(limit)s keluarga di wilayah %(region)s"),
    "quota_reached": gettext_noop(
        "kuota wilayah %(region)s sudah penuh: peringkat %(rank)s, kuota %(limit)s keluarga"),
    "eligible": gettext_noop("layak %(program)s: %(amount)s per tahap"),
    "eligible_insurer": gettext_noop(
        "layak %(program)s: %(persons)s jiwa, iuran %(amount)s per tahap dibayar ke BPJS Kesehatan"),
    "not_eligible": gettext_noop("tidak layak %(program)s"),
    # Added by the cycle code (programs/cycles.py) for enrolled families over the threshold.
    "suspended_pending_check": gettext_noop(
        "ditangguhkan: desil %(decile)s di atas batas %(program)s (desil %(max)s), "
        "menunggu pemeriksaan Dinas Sosial"),
}


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    return "–" if value is None else str(value)


def _name(params: dict[str, Any]) -> str:
    english = (get_language() or "").lower().startswith("en")
    return str(params.get("name_en" if english else "name_id") or params.get("code", ""))


def _message_key(code: str, params: dict[str, Any]) -> str:
    """Some codes read differently depending on their params."""
    if code in ("decile_above", "decile_within") and params.get("basis") == "regional":
        return f"{code}_regional"
    if code == "component" and params.get("scope") == "household":
        return "component_household"
    if code == "component" and not params.get("paid"):
        return "component_none_paid"
    if code == "eligible" and params.get("payee") == "insurer":
        return "eligible_insurer"
    return code


def _fill(code: str, params: dict[str, Any], programs: dict[str, str]) -> dict[str, Any]:
    fill = dict(params)
    if "program" in fill:
        fill["program"] = programs.get(fill["program"], fill["program"])
    for money in ("amount", "unit_amount"):
        if money in fill:
            fill[money] = rupiah(fill[money] or 0)
    fill["unit"] = fill.get("unit_amount", "")
    if "name_id" in fill or "name_en" in fill:
        fill["name"] = _name(params)
    if code == "excluded_flag":
        flag = str(params.get("flag", ""))
        fill["flag"] = gettext(_FLAGS[flag]) if flag in _FLAGS else flag
    if code == "condition_failed":
        attribute = str(params.get("attribute", ""))
        op = str(params.get("op", ""))
        fill["attribute"] = gettext(_ATTRIBUTES[attribute]) if attribute in _ATTRIBUTES else attribute
        fill["op"] = gettext(_OPS[op]) if op in ("in", "not_in", "between") else _OPS.get(op, op)
        fill["value"] = _value_text(params.get("value"))
        fill["actual"] = _value_text(params.get("actual"))
    return fill


def reason_text(reason: dict[str, Any], *, programs: dict[str, str] | None = None) -> str:
    """One reason ({"code", "params"}) as a sentence in the active language. `programs` maps
    program codes to display names. An unknown code is shown as it is, never dropped."""
    code = str(reason.get("code", ""))
    params = reason.get("params") or {}
    key = _message_key(code, params)
    if key not in _MESSAGES:
        return f"{code} {json.dumps(params, ensure_ascii=False, sort_keys=True)}"
    return gettext(_MESSAGES[key]) % _fill(code, params, programs or {})


def reasons_text(reasons_json: str, *, programs: dict[str, str] | None = None) -> list[str]:
    """Every reason of one decision (the engine's `reasons` column), in order."""
    return [reason_text(r, programs=programs) for r in json.loads(reasons_json or "[]")]
