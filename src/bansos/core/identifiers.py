"""NIK and KK numbers: parse, validate, honestly repair, and read the facts a NIK encodes.

A NIK is 16 digits: district code (province 2 + regency 2 + district 2), birth date DDMMYY with
40 added to the day for women, and a 4-digit serial from 0001. A KK (family card number) is the
district code, the issue date DDMMYY and a 4-digit serial.

What `python-stdnum` (`stdnum.id.nik`, 2.2) does and why we add to it:
- its `validate` checks digits, length 16, a calendar date for DDMMYY with `day % 40` (so it
  accepts days 81-99, which no NIK has), and the first 4 digits against its own regency list,
  which lacks real regencies (North Kalimantan 65xx, West Papua 92xx) and never looks at the
  district, so `359999...` passes. It does not check the serial.
- its `get_birth_date` always prefers the 1900s, so a child born in 2015 comes out as 1915.
We therefore use it only for the one thing it gets right, the calendar check of the date digits
(`_stdnum_date_ok`), and check the day range, the district (against the Kemendagri catalog) and
the serial ourselves. The bulk path (`identifiers_bulk`) re-implements the same rules with
numpy; a property test proves both agree on every input.

Leading zeros: a number read as an integer loses its leading zeros. Province codes start at 11
(Aceh), so no district code, hence no NIK or KK, starts with 0: an integer never drops a digit
of a NIK or KK, and prefixing a zero to 15 digits can never give a real district. A 15-digit value
is therefore a lost or mistyped digit, reported as `*_wrong_length`, never "repaired". A test
pins the catalog fact this rests on.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from bansos.areas.catalog import district_codes_compact
from bansos.core.masking import mask_digits

Kind = Literal["nik", "kk"]
Severity = Literal["error", "warning"]

# Repair codes, in the canonical order both the scalar and bulk parsers report them.
REPAIR_CODES: tuple[str, ...] = (
    "stripped_whitespace",  # spaces, tabs, newlines, no-break space or BOM around the value
    "stripped_apostrophe",  # Excel's leading ' text marker
    "stripped_float_suffix",  # `.0` (or `,0`) of a whole number that passed through a float
    "stripped_separators",  # spaces, dots, dashes between digit groups
)

# Shared with the bulk parser, which runs them as RE2 patterns: ASCII digits only ([0-9], not
# \d, which in Python also matches Arabic-Indic and full-width digits).
WHITESPACE = " \t\r\n\u00a0\ufeff"
SEPARATOR_CLASS = "[ .\\-\u00a0]"
SCIENTIFIC_RE = "[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+"
FLOAT_SUFFIX_RE = "[0-9]+[.,]0+"
GROUPED_RE = f"[0-9]+(?:{SEPARATOR_CLASS}+[0-9]+)*"

# Every integer below 2**53 is exact in a float64; above it a float may have been rounded. NIKs
# of provinces 91 and 92 (Papua) are all above it. Note: Excel itself keeps only 15 significant
# digits, so a NIK typed into a Number cell already lost its 16th digit (it became 0) before any
# float reached us; that is undetectable here, which is why intake should read such cells as text.
FLOAT64_EXACT_LIMIT = 2**53
LENGTH = 16

_SCIENTIFIC = re.compile(SCIENTIFIC_RE)
_FLOAT_SUFFIX = re.compile(FLOAT_SUFFIX_RE)
_GROUPED = re.compile(GROUPED_RE)
_SEPARATOR = re.compile(SEPARATOR_CLASS)

_FIELD = {"nik": ("NIK", "NIK"), "kk": ("Nomor KK", "KK number")}
_DOC = {"nik": ("KTP atau KK", "KTP or family card"), "kk": ("Kartu Keluarga", "family card")}

# (Indonesian, English) per problem; {f} = field name, {d} = source document. No raw value is
# ever put in a message: codes are enough to rebuild the error from the bulk parser's output.
_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": (
        "{f} kosong. Isi {f} 16 angka sesuai {d}.",
        "{f} is empty. Enter the 16-digit {f} as printed on the {d}.",
    ),
    "scientific_notation": (
        "{f} tertulis dalam notasi ilmiah (mis. 3,51E+15) sehingga angka belakangnya hilang. "
        "Format kolom sebagai Teks di Excel lalu ketik ulang {f} dari {d}.",
        "{f} is in scientific notation (e.g. 3.51E+15), so its last digits are lost. Format the "
        "column as Text in Excel and re-enter the {f} from the {d}.",
    ),
    "imprecise_number": (
        "{f} tersimpan sebagai angka pecahan yang terlalu besar untuk disimpan persis; angka "
        "belakangnya mungkin berubah. Simpan kolom sebagai Teks lalu ketik ulang {f} dari {d}.",
        "{f} was stored as a floating-point number too large to hold exactly; its last digits "
        "may have changed. Store the column as Text and re-enter the {f} from the {d}.",
    ),
    "not_digits": (
        "{f} hanya boleh berisi angka 0-9. Hapus huruf atau tanda lain, lalu cocokkan dengan {d}.",
        "{f} may contain only the digits 0-9. Remove letters or other marks and check it "
        "against the {d}.",
    ),
    "wrong_length": (
        "{f} harus tepat 16 angka. Periksa angka yang hilang atau berlebih dengan {d}.",
        "{f} must be exactly 16 digits. Check the {d} for a missing or extra digit.",
    ),
    "unknown_district": (
        "6 angka pertama {f} bukan kode kecamatan Kemendagri yang dikenal. Cocokkan {f} "
        "dengan {d}.",
        "The first 6 digits of the {f} are not a known Kemendagri district code. Check the {f} "
        "against the {d}.",
    ),
    "invalid_date": (
        "Angka ke-7 s.d. ke-12 {f} harus tanggal yang ada (DDMMYY{x_id}). Cocokkan {f} dengan {d}.",
        "Digits 7 to 12 of the {f} must be a real date (DDMMYY{x_en}). Check the {f} against "
        "the {d}.",
    ),
    "zero_serial": (
        "4 angka terakhir {f} tidak boleh 0000. Cocokkan {f} dengan {d}.",
        "The last 4 digits of the {f} cannot be 0000. Check the {f} against the {d}.",
    ),
}
_DATE_NOTE = {
    "nik": ("; tanggal lahir, ditambah 40 untuk perempuan", "; birth date, day + 40 for women"),
    "kk": ("; tanggal terbit", "; issue date"),
}
_WARNINGS: dict[str, tuple[str, str]] = {
    "nik_birth_date_mismatch": (
        "Tanggal lahir yang dicatat berbeda dengan tanggal lahir di dalam NIK. Periksa KTP; "
        "NIK kadang memuat tanggal yang salah, jadi ikuti data Dukcapil.",
        "The recorded birth date differs from the birth date inside the NIK. Check the KTP; "
        "NIKs sometimes carry a wrong date, so follow the Dukcapil record.",
    ),
    "nik_sex_mismatch": (
        "Jenis kelamin yang dicatat berbeda dengan yang tersirat di NIK (tanggal lahir +40 untuk "
        "perempuan). Periksa KTP dan data Dukcapil.",
        "The recorded sex differs from the one the NIK implies (birth day + 40 for women). "
        "Check the KTP and the Dukcapil record.",
    ),
}


@dataclass(frozen=True, slots=True)
class IdentifierError:
    code: str  # stable snake_case, e.g. `nik_unknown_district`
    message_id: str
    message_en: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class ParsedId:
    value: str | None  # the clean 16 digits when valid, else None
    repaired: tuple[str, ...] = ()  # codes from REPAIR_CODES, only when a value was produced
    error: IdentifierError | None = None


def identifier_error(code: str) -> IdentifierError:
    """The error (with its messages) for a code, e.g. one from the bulk parser's `error_code`."""
    if code in _WARNINGS:
        message_id, message_en = _WARNINGS[code]
        return IdentifierError(code, message_id, message_en, "warning")
    kind, _, problem = code.partition("_")
    if kind not in _FIELD or problem not in _MESSAGES:
        raise ValueError(f"unknown identifier error code: {code!r}")
    (f_id, f_en), (d_id, d_en) = _FIELD[kind], _DOC[kind]
    x_id, x_en = _DATE_NOTE[kind]
    template_id, template_en = _MESSAGES[problem]
    return IdentifierError(
        code,
        template_id.format(f=f_id, d=d_id, x_id=x_id),
        template_en.format(f=f_en, d=d_en, x_en=x_en),
    )


def error_codes() -> tuple[str, ...]:
    """Every code this module can produce, for documentation and quarantine reason lists."""
    return tuple(f"{kind}_{p}" for kind in _FIELD for p in _MESSAGES) + tuple(_WARNINGS)


def parse_nik(raw: object) -> ParsedId:
    return _parse(raw, kind="nik")


def parse_kk(raw: object) -> ParsedId:
    return _parse(raw, kind="kk")


def _parse(raw: object, *, kind: Kind) -> ParsedId:
    digits, repairs, problem = _clean(raw)
    if problem is None:
        problem = _validate_digits(digits, kind=kind, from_float="stripped_float_suffix" in repairs)
    if problem is not None:
        return ParsedId(value=None, error=identifier_error(f"{kind}_{problem}"))
    ordered = tuple(code for code in REPAIR_CODES if code in repairs)
    return ParsedId(value=digits, repaired=ordered)


def _clean(raw: object) -> tuple[str, set[str], str | None]:
    """Turn any input into a digit string plus the repairs made, or name the problem."""
    if raw is None:
        return "", set(), "empty"
    if isinstance(raw, str):
        return _clean_text(raw)
    if isinstance(raw, bool):  # a bool is an int to Python, never an identifier
        return "", set(), "not_digits"
    if isinstance(raw, numbers.Integral):
        return ("", set(), "not_digits") if raw < 0 else (str(int(raw)), set(), None)
    if isinstance(raw, float | np.floating):
        return _clean_float(float(raw), exact_limit=float_exact_limit(np.dtype(type(raw))))
    return "", set(), "not_digits"  # no guessing what an arbitrary object means


def _clean_text(raw: str) -> tuple[str, set[str], str | None]:
    repairs: set[str] = set()
    text = raw.strip(WHITESPACE)
    if text != raw:
        repairs.add("stripped_whitespace")
    if text.startswith("'"):
        repairs.add("stripped_apostrophe")
        inner = text[1:]
        text = inner.strip(WHITESPACE)
        if text != inner:
            repairs.add("stripped_whitespace")
    if not text:
        return "", set(), "empty"
    if _SCIENTIFIC.fullmatch(text):
        return "", set(), "scientific_notation"
    if _FLOAT_SUFFIX.fullmatch(text):  # before separators: `...001.0` is a float, not a group
        repairs.add("stripped_float_suffix")
        return re.split("[.,]", text, maxsplit=1)[0], repairs, None
    if _GROUPED.fullmatch(text):
        digits = _SEPARATOR.sub("", text)
        if digits != text:
            repairs.add("stripped_separators")
        return digits, repairs, None
    return "", set(), "not_digits"


def float_exact_limit(dtype: np.dtype) -> int:
    """Integers below this are exact in `dtype` (2**53 for float64, 2**24 for float32)."""
    return 2 ** (np.finfo(dtype).nmant + 1)


def _clean_float(raw: float, *, exact_limit: int) -> tuple[str, set[str], str | None]:
    if raw != raw:  # NaN: how spreadsheets and dataframes spell an empty cell
        return "", set(), "empty"
    if raw in (float("inf"), float("-inf")) or raw < 0 or raw != int(raw):
        return "", set(), "not_digits"
    digits = str(int(raw))
    if len(digits) == LENGTH and raw >= exact_limit:
        return "", set(), "imprecise_number"  # may have been rounded: never guess the digits
    return digits, {"stripped_float_suffix"}, None


def _validate_digits(digits: str, *, kind: Kind, from_float: bool) -> str | None:
    """The first problem of a digit string, in a fixed order shared with the bulk parser."""
    if len(digits) != LENGTH:
        return "wrong_length"
    if from_float and int(digits) >= FLOAT64_EXACT_LIMIT:  # text like `9171...0001.0` came
        return "imprecise_number"  # from a float64 that may have rounded it
    if digits[:6] not in district_codes_compact():
        return "unknown_district"
    if not _date_ok(digits, kind=kind):
        return "invalid_date"
    if digits[12:] == "0000":
        return "zero_serial"
    return None


def _date_ok(digits: str, *, kind: Kind) -> bool:
    day = int(digits[6:8])
    if kind == "kk":
        return 1 <= day <= 31 and _stdnum_date_ok(digits)
    # stdnum reads the day as `day % 40`, so it would take 81-99 as days 1-19: refuse first.
    return (1 <= day <= 31 or 41 <= day <= 71) and _stdnum_date_ok(digits)


def _stdnum_date_ok(digits: str) -> bool:
    """Whether DDMMYY (day + 40 allowed) is a real date in the 1900s or 2000s."""
    try:
        stdnum_nik.get_birth_date(digits)
    except ValidationError:
        return False
    return True


def _require_valid_nik(nik: str) -> str:
    parsed = parse_nik(nik)
    if parsed.value is None:
        assert parsed.error is not None
        raise ValueError(f"not a valid NIK ({mask_nik(str(nik))}): {parsed.error.code}")
    return parsed.value


def nik_birth_date(nik: str, *, today: date | None = None) -> date:
    """The birth date a NIK encodes, its two-digit year resolved against `today`.

    Nobody is born in the future, so the 2000s are taken unless that date is after `today`, in
    which case the 1900s. Ambiguity: someone aged 100 or more (born 1920, NIK year `20`) reads
    as a child born in 2020; only a recorded birth date can tell them apart, which is why
    `check_nik_against` compares day, month and the year's last two digits only.
    """
    value = _require_valid_nik(nik)
    reference = today or date.today()
    day, month, yy = int(value[6:8]) % 40, int(value[8:10]), int(value[10:12])
    candidate = date(2000 + yy, month, day)
    if candidate <= reference:
        return candidate
    return date(1900 + yy, month, day)  # raises for 29-02-1900, which cannot be a birth date


def nik_sex(nik: str) -> Literal["L", "P"]:
    """`P` (perempuan) when the day was raised by 40, else `L` (laki-laki)."""
    return "P" if int(_require_valid_nik(nik)[6:8]) > 40 else "L"


def check_nik_against(
    *, nik: str, birth_date: date | None, sex: str | None
) -> list[IdentifierError]:
    """Warnings where the recorded birth date or sex disagrees with what the NIK encodes.

    Warnings, not errors: in real data the NIK's date is sometimes the wrong one (issued with a
    placeholder date, or a corrected birth date on a kept NIK), and Dukcapil is the authority.
    `sex` is `L` or `P` (any case, surrounding spaces ignored) or None when unknown.
    """
    value = _require_valid_nik(nik)
    warnings: list[IdentifierError] = []
    if birth_date is not None:
        day, month, yy = int(value[6:8]) % 40, int(value[8:10]), int(value[10:12])
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, yy):
            warnings.append(identifier_error("nik_birth_date_mismatch"))
    if sex is not None:
        recorded = sex.strip().upper()
        if recorded not in ("L", "P"):
            raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
        if recorded != nik_sex(value):
            warnings.append(identifier_error("nik_sex_mismatch"))
    return warnings


def mask_nik(nik: str) -> str:
    """`3510094107850001` -> `3510********0001`: province, regency and serial stay visible."""
    return mask_digits(nik, keep_start=4, keep_end=4)


def make_nik(*, district: str, birth_date: date, sex: str, serial: int) -> str:
    """A valid NIK from its parts (for tests and the demo generator); refuses impossible parts."""
    if sex not in ("L", "P"):
        raise ValueError(f"sex must be 'L' or 'P', got {sex!r}")
    day = birth_date.day + (40 if sex == "P" else 0)
    value = _compose(district, f"{day:02d}{birth_date:%m%y}", serial)
    return _require_valid_nik(value)


def make_kk(*, district: str, issue_date: date, serial: int) -> str:
    """A valid KK number from its parts (for tests and the demo generator)."""
    value = _compose(district, f"{issue_date:%d%m%y}", serial)
    parsed = parse_kk(value)
    if parsed.value is None:
        assert parsed.error is not None
        raise ValueError(f"cannot make a KK from these parts: {parsed.error.code}")
    return parsed.value


def _compose(district: str, ddmmyy: str, serial: int) -> str:
    if district not in district_codes_compact():
        raise ValueError(f"not a known 6-digit district code: {district!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1..9999, got {serial}")
    return f"{district}{ddmmyy}{serial:04d}"
