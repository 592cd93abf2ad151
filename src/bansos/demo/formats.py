"""How values are written in the files: date formats, sex codes, RT/RW numbers, NIK strings.

Bulk formatting is vectorised through Arrow; the per-value helpers serve the few rows that
get a deviating (dirty) form.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
DATE_FORMATS = {
    "dmy-": "%d-%m-%Y",  # 12-08-1975
    "dmy/": "%d/%m/%Y",  # 12/08/1975
    "iso": "%Y-%m-%d",  # 1975-08-12
    "dmy2/": "%d/%m/%y",  # 12/08/75
    "dmy.": "%d.%m.%Y",  # 12.08.1975
}
EXCEL_EPOCH_OFFSET = 25569  # Excel serial of 1970-01-01 (1900 date system)
SEX_FORMS = {
    "LP": ("L", "P"),
    "word": ("LAKI-LAKI", "PEREMPUAN"),
    "12": ("1", "2"),
}
EPOCH = dt.date(1970, 1, 1)


def to_date(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def date_array(days: np.ndarray, *, optional: bool = False) -> pa.Array:
    """int64 days since 1970 as an Arrow date array. Birth dates before 1970 are negative, so
    only `optional` dates (death, end of membership: all after 1970) read a negative as none."""
    return pa.array(days.astype("datetime64[D]"), mask=days < 0 if optional else None)


def format_dates(days: np.ndarray, fmt: str, *, optional: bool = False) -> np.ndarray:
    """int64 days since 1970 -> strings in one of DATE_FORMATS (see `date_array`)."""
    arr = date_array(days, optional=optional)
    out = pc.strftime(arr, format=DATE_FORMATS[fmt])
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=object)


def date_variant(days: int, kind: str, r: int) -> str:
    """One date in a deviating form: another text format, an Excel serial, Indonesian month
    name, or day and month swapped (a US-locale spreadsheet)."""
    d = to_date(days)
    if kind == "serial":
        return str(int(days) + EXCEL_EPOCH_OFFSET)
    if kind == "month_name":
        month = MONTHS_ID[d.month - 1]
        return f"{d.day} {month} {d.year}" if r % 3 else f"{d.day:02d}-{month[:3]}-{d.year}"
    if kind == "swap":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    fmt = list(DATE_FORMATS.values())[r % len(DATE_FORMATS)]
    return d.strftime(fmt)


def sex_codes(female: np.ndarray, form: str) -> np.ndarray:
    male_code, female_code = SEX_FORMS[form]
    return np.where(female, female_code, male_code).astype(object)


def padded(numbers: np.ndarray, width: int = 3) -> np.ndarray:
    """RT/RW numbers as the registry writes them: 001, 012."""
    return np.char.zfill(numbers.astype(str), width).astype(object)


def digits(values: np.ndarray) -> np.ndarray:
    """int64 identifiers (NIK, KK) as 16-character strings."""
    return pa.array(values).cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
