"""Every issue code intake can raise: its severity, the field it concerns, and what to tell the
officer in Indonesian and English.

- `error`: the value cannot be used; the row goes to quarantine with this reason.
- `warning`: the row passes (with the value as read) and the warning stays with it.
`field` names the kind of value (`date`, `name`, `village`...); a generic parser such as the
date parser does not know which column it read, the runner adds that. Messages are plain and
short for a village operator, and never contain the raw value: a NIK, KK, phone or account
number must not leak into logs, screens or exports through a message.

The NIK/KK entries come from `bansos.core.identifiers`, which owns their rules and texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bansos.core.identifiers import error_codes, identifier_error

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    field: str
    message_id: str
    message_en: str


_OWN: tuple[tuple[str, Severity, str, str, str], ...] = (
    # --- required fields left empty (raised by the batch check, not by the parsers) ------
    ("name_missing", "error", "name",
     "Nama kosong. Isi nama sesuai KTP.",
     "The name is empty. Enter the name as on the KTP."),
    # Birth date, sex and village may be empty: the NIK carries the first two and the registry
    # may know the village, so the row is staged and the gap shown (never a reason to drop aid).
    ("birth_date_missing", "warning", "birth_date",
     "Tanggal lahir kosong. Lengkapi tanggal lahir sesuai KTP (HH-BB-TTTT).",
     "The birth date is empty. Add the birth date as on the KTP (DD-MM-YYYY)."),
    ("sex_missing", "warning", "sex",
     "Jenis kelamin kosong. Lengkapi dengan L (laki-laki) atau P (perempuan).",
     "Sex is empty. Add L (male) or P (female)."),
    ("village_missing", "warning", "village",
     "Desa/kelurahan kosong. Baris tetap diterima; lengkapi kode atau nama desa.",
     "The village is empty. The row is accepted; add the village code or name."),
    ("nik_duplicate_in_file", "warning", "nik",
     "NIK ini muncul lebih dari sekali di berkas yang sama. Periksa apakah orangnya sama.",
     "This NIK appears more than once in the same file. Check whether it is the same person."),
    # --- reading (raised by the readers in a row's `_issues`) -----------------------------
    # A row whose cells may have shifted or been cut is quarantined for a person to look at:
    # a NIK read from the wrong column could otherwise pass every check.
    ("row_too_long", "error", "row",
     "Baris terlalu panjang sehingga tidak dibaca. Periksa tanda kutip dan akhir baris.",
     "The row is too long to be read. Check its quotes and line ends."),
    ("quote_unclosed", "error", "row",
     "Tanda kutip di baris ini tidak ditutup; isi sel mungkin bergeser. Periksa barisnya.",
     "A quote in this row is not closed; its cells may have shifted. Check the row."),
    ("row_width_mismatch", "error", "row",
     "Jumlah sel di baris ini berbeda dengan jumlah judul kolom; isi sel mungkin bergeser.",
     "This row has a different number of cells than there are headers; cells may have "
     "shifted."),
    ("encoding_fallback", "warning", "row",
     "Baris ini bukan UTF-8 dan dibaca sebagai Windows-1252. Periksa huruf beraksen.",
     "This row is not UTF-8 and was read as Windows-1252. Check accented letters."),
    # --- dates ---------------------------------------------------------------------------
    ("date_invalid", "error", "date",
     "Tanggal tidak terbaca atau tidak ada (mis. 31-02). Tulis sebagai HH-BB-TTTT.",
     "The date cannot be read or does not exist (e.g. 31-02). Write it as DD-MM-YYYY."),
    ("date_incomplete", "error", "date",
     "Tanggal tidak lengkap: hanya tahun, atau bulan dan tahun. Isi tanggal lengkap.",
     "The date is incomplete: only a year, or a month and year. Enter the full date."),
    ("date_ambiguous", "error", "date",
     "Tanggal bisa dibaca dua cara (hari dan bulan bisa tertukar) karena kolom ini mencampur "
     "urutan. Tulis sebagai HH-BB-TTTT.",
     "The date can be read two ways (day and month may be swapped) because this column mixes "
     "orders. Write it as DD-MM-YYYY."),
    ("date_future", "error", "date",
     "Tanggal ada di masa depan. Periksa tahunnya.",
     "The date is in the future. Check the year."),
    ("date_too_old", "error", "date",
     "Tanggal sebelum tahun 1900. Periksa tahunnya.",
     "The date is before 1900. Check the year."),
    ("date_month_first", "warning", "date",
     "Tanggal ditulis bulan lebih dulu (BB-HH-TTTT) dan dibaca demikian. Periksa kebenarannya.",
     "The date was written month first (MM-DD-YYYY) and read that way. Check that it is right."),
    ("date_day_first", "warning", "date",
     "Tanggal ditulis hari lebih dulu (HH-BB-TTTT) padahal kolom ini bulan lebih dulu, dan "
     "dibaca demikian. Periksa kebenarannya.",
     "The date was written day first (DD-MM-YYYY) in a month-first column, and read that way. "
     "Check that it is right."),
    # --- names ---------------------------------------------------------------------------
    ("name_invalid", "error", "name",
     "Nama kosong atau bukan nama (hanya angka, gelar, atau berisi nomor seperti NIK). Isi "
     "nama sesuai KTP.",
     "The name is empty or not a name (only digits or titles, or it holds a number such as a "
     "NIK). Enter the name as on the KTP."),
    ("name_title", "warning", "name",
     "Gelar (mis. H., Hj., Drs., S.Pd.) dipisahkan dari nama. Nama disimpan tanpa gelar.",
     "A title (e.g. H., Hj., Drs., S.Pd.) was separated from the name. The name is stored "
     "without it."),
    # --- coded fields --------------------------------------------------------------------
    ("sex_invalid", "error", "sex",
     "Jenis kelamin tidak dikenal. Isi L (laki-laki) atau P (perempuan).",
     "Unknown sex. Enter L (male) or P (female)."),
    ("rt_invalid", "error", "rt",
     "Nomor RT tidak sah. Isi angka 1 sampai 999, mis. 001.",
     "Invalid RT number. Enter a number from 1 to 999, e.g. 001."),
    ("rw_invalid", "error", "rw",
     "Nomor RW tidak sah. Isi angka 1 sampai 999, mis. 002.",
     "Invalid RW number. Enter a number from 1 to 999, e.g. 002."),
    # Contact only: a wrong number is dropped, the family still gets its aid.
    ("phone_invalid", "warning", "phone",
     "Nomor HP tidak sah dan tidak disimpan. Isi nomor HP Indonesia, mis. 0812xxxxxxxx.",
     "Invalid mobile number; it was not stored. Enter an Indonesian mobile number, e.g. "
     "0812xxxxxxxx."),
    ("account_invalid", "error", "account",
     "Nomor rekening tidak sah: harus 10 sampai 16 angka. Cocokkan dengan buku tabungan.",
     "Invalid account number: it must be 10 to 16 digits. Check it against the passbook."),
    ("account_scientific_notation", "error", "account",
     "Nomor rekening tertulis dalam notasi ilmiah (mis. 3,51E+15) sehingga angka belakangnya "
     "hilang. Format kolom sebagai Teks di Excel lalu ketik ulang dari buku tabungan.",
     "The account number is in scientific notation (e.g. 3.51E+15), so its last digits are "
     "lost. Format the column as Text in Excel and re-enter it from the passbook."),
    # --- villages ------------------------------------------------------------------------
    ("village_unknown", "error", "village",
     "Desa/kelurahan tidak ditemukan di daftar Kemendagri. Periksa kode atau nama desa.",
     "Village not found in the Kemendagri list. Check the village code or name."),
    ("village_ambiguous", "error", "village",
     "Nama desa/kelurahan cocok dengan lebih dari satu desa. Isi kode desa, atau kecamatan "
     "dan kabupaten/kota.",
     "The village name matches more than one village. Enter the village code, or the "
     "district and regency."),
    ("village_fuzzy", "warning", "village",
     "Nama desa/kelurahan tidak persis sama dan dicocokkan ke desa yang paling mirip (lihat "
     "skor). Periksa kebenarannya.",
     "The village name did not match exactly and was matched to the closest village (see the "
     "score). Check that it is right."),
    ("village_mismatch", "error", "village",
     "Kode desa dan nama desa menunjuk desa yang berbeda. Perbaiki salah satunya.",
     "The village code and the village name point to different villages. Correct one of them."),
    ("village_outside_area", "error", "village",
     "Desa/kelurahan berada di luar wilayah daftar ini. Periksa kode desa.",
     "The village is outside the area this list covers. Check the village code."),
    ("village_code_unknown", "warning", "village",
     "Kode desa tidak dikenal; desa ditentukan dari namanya. Perbaiki kodenya.",
     "Unknown village code; the village was found by its name. Correct the code."),
    ("village_district_unknown", "warning", "village",
     "Nama kecamatan tidak ditemukan, jadi tidak dipakai untuk mencari desa. Periksa ejaannya.",
     "The district name was not found, so it was not used to find the village. Check its "
     "spelling."),
    ("village_regency_unknown", "warning", "village",
     "Nama kabupaten/kota tidak ditemukan, jadi tidak dipakai untuk mencari desa. Periksa "
     "ejaannya.",
     "The regency or city name was not found, so it was not used to find the village. Check "
     "its spelling."),
)  # fmt: skip

# The identifier warnings compare a valid NIK with the recorded birth date or sex.
_IDENTIFIER_FIELDS = {"nik_birth_date_mismatch": "birth_date", "nik_sex_mismatch": "sex"}


def _identifier_issues() -> dict[str, Issue]:
    out = {}
    for code in error_codes():
        error = identifier_error(code)
        field = _IDENTIFIER_FIELDS.get(code, code.partition("_")[0])
        out[code] = Issue(code, error.severity, field, error.message_id, error.message_en)
    return out


ISSUES: dict[str, Issue] = {
    **{row[0]: Issue(*row) for row in _OWN},
    **_identifier_issues(),
}


def codes_of(issues: str | None) -> list[str]:
    """The codes of one row's `;`-joined issue text (`ParsedColumn.issues`)."""
    return issues.split(";") if issues else []
