"""Dates as program lists write them, to `pa.date32()`.

Accepted forms (case, surrounding spaces and an Excel `'` marker ignored; a time part such as
`00:00:00` after the date ignored, as XLSX readers write date cells):
- day first: `12-08-1975`, `12/08/1975`, `12.08.1975`, `12/08/75` (also `-` or `.` with YY);
- year first: `1975-08-12`, `1975/08/12`, `1975-08-12 00:00:00`, `1975-08-12T00:00:00`;
- month names, Indonesian or English, full or abbreviated, day first (`12 Agustus 1975`,
  `12-Agu-1975`, `12 Agt 75`) or month first (`August 12, 1975`);
- Excel serial numbers of the 1900 date system (`27618` = 1975-08-12), only from
  `SERIAL_MIN` (1910-01-01): smaller numbers are far more often a typo than a date.

Day or month first: `05/06/1990` is 5 June in Indonesia and 6 May in a US-locale spreadsheet.
- `order="dmy"` (default): day first wins; a value only possible month first (`12/25/1990`) is
  read month first with the warning `date_month_first`;
- `order="mdy"`: the reverse, warning `date_day_first`;
- `order="ymd"`: for lists written year first (Dukcapil exports): also reads `75-08-12` as
  YY-MM-DD; day/month forms are read as with `dmy`;
- `order="auto"`: the column decides. If no value of the column is possible only month first,
  it is day first (and vice versa); if both kinds occur the column mixes orders, so values that
  read both ways become null with `date_ambiguous`, and the minority kind keeps its warning.

Two-digit years take the most recent century that does not put the date after `today`:
`12/08/75` is 1975, `01/01/20` is 2020, `31/12/99` is 1999 (so a birth date is never future).

Errors (value null): `date_invalid` (not a date, or no such day: `31-02-1990`),
`date_incomplete` (a year or month and year only), `date_ambiguous` (see above), `date_future`
(after `today`), `date_too_old` (before 1900).

Speed: lists hold few distinct dates relative to rows, so every rule runs vectorised (RE2
regexes, numpy arithmetic) over the distinct texts only, and the result is spread back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.intake.parsed import (
    ParsedColumn,
    as_text,
    blank_to_null,
    distinct,
    issues_from_flags,
    spread,
    to_numpy_bool,
)

Order = Literal["dmy", "mdy", "ymd", "auto"]

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 in the 1900 system (after its 1900 leap bug)
SERIAL_MIN = (dt.date(1910, 1, 1) - EXCEL_EPOCH).days  # 3654
SERIAL_MAX = 99_999  # 2173-10-14; later serials would have 6 digits
OLDEST = dt.date(1900, 1, 1)
_NO_DATE = np.iinfo(np.int64).min

MONTHS: dict[str, int] = {
    # Indonesian, with the spellings seen in lists (Pebruari/Nopember are pre-EYD forms).
    "JANUARI": 1, "FEBRUARI": 2, "PEBRUARI": 2, "MARET": 3, "APRIL": 4, "MEI": 5, "JUNI": 6,
    "JULI": 7, "AGUSTUS": 8, "SEPTEMBER": 9, "OKTOBER": 10, "NOVEMBER": 11, "NOPEMBER": 11,
    "DESEMBER": 12,
    "JAN": 1, "FEB": 2, "PEB": 2, "MAR": 3, "APR": 4, "JUN": 6, "JUL": 7, "AGU": 8, "AGT": 8,
    "AGS": 8, "AGUS": 8, "SEP": 9, "SEPT": 9, "OKT": 10, "NOV": 11, "NOP": 11, "DES": 12,
    # English.
    "JANUARY": 1, "FEBRUARY": 2, "MARCH": 3, "MAY": 5, "JUNE": 6, "JULY": 7, "AUGUST": 8,
    "OCTOBER": 10, "DECEMBER": 12, "AUG": 8, "OCT": 10, "DEC": 12,
}  # fmt: skip

_SEP = r"\s*[-/.]\s*"
_YEAR = r"(?P<y>\d{4}|\d{2})"
_PATTERNS = {
    "ymd": rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})$",
    "short_ymd": rf"^(?P<y>\d{{2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})$",
    "num": rf"^(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}}){_SEP}{_YEAR}$",
    "name_dmy": rf"^(?P<d>\d{{1,2}})[-/.,\s]*(?P<mon>[A-Z]+)\.?[-/.,\s]*{_YEAR}$",
    "name_mdy": r"^(?P<mon>[A-Z]+)\.?[-/.,\s]*(?P<d>\d{1,2})(?:ST|ND|RD|TH)?[-/.,\s]+(?P<y>\d{4})$",
    "serial": r"^(?P<n>\d{1,6})(?:[.,]\d+)?$",  # a fraction is the time of day
}
# A year alone, or a month (number or name) and year: real, but not a date.
_INCOMPLETE = (
    r"^(?:(?:\d{1,2}|[A-Z]+)\.?[-/.,\s]+)?(?:18|19|20)\d\d$|^(?:18|19|20)\d\d[-/.]\d{1,2}$"
)
# Time of day after the date, as written by XLSX readers and datetime-formatted cells.
_TIME = r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AP]\.?M\.?)?(?:Z|[+-]\d{2}:?\d{2})?$"

# Issue codes in the order they are joined; the first five are errors (value null).
_CODES = (
    "date_invalid",
    "date_incomplete",
    "date_ambiguous",
    "date_future",
    "date_too_old",
    "date_month_first",
    "date_day_first",
)


def dates_parse(
    *, values: pa.Array | pa.ChunkedArray, order: Order = "dmy", today: dt.date | None = None
) -> ParsedColumn:
    """Text dates to `pa.date32()`, with issue codes per row (see the module docstring)."""
    if order not in ("dmy", "mdy", "ymd", "auto"):
        raise ValueError(f"order must be 'dmy', 'mdy', 'ymd' or 'auto', got {order!r}")
    reference = today or dt.date.today()
    texts, indices = distinct(blank_to_null(as_text(values)))
    counts = np.bincount(
        indices.fill_null(-1).to_numpy(zero_copy_only=False) + 1, minlength=len(texts) + 1
    )[1:]
    return spread(_parse_distinct(texts, counts, order=order, today=reference), indices)


@dataclass
class _Reading:
    """Year, month and day read so far per distinct text; the first form that reads wins."""

    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    found: np.ndarray  # a form matched (the date may still not exist)
    two_digit: np.ndarray  # the year was written with two digits

    @classmethod
    def empty(cls, n: int) -> _Reading:
        unset = np.full(n, -1, dtype=np.int64)
        return cls(unset.copy(), unset.copy(), unset.copy(), *np.zeros((2, n), dtype=bool))

    def take(
        self,
        where: np.ndarray,
        year: np.ndarray,
        month: np.ndarray,
        day: np.ndarray,
        *,
        two_digit: np.ndarray | bool,
    ) -> None:
        where = where & ~self.found
        self.year[where], self.month[where] = year[where], month[where]
        self.day[where] = day[where]
        self.two_digit |= where & two_digit
        self.found |= where


@dataclass
class _DayMonth:
    """What the numeric day/month forms said about the order of the column."""

    only_dmy: np.ndarray  # values possible day first only
    only_mdy: np.ndarray  # ... and month first only
    ambiguous: np.ndarray  # both, in a column of mixed orders: not read
    chosen: str  # "dmy", "mdy" or "mixed"


def _parse_distinct(
    texts: pa.Array, counts: np.ndarray, *, order: Order, today: dt.date
) -> ParsedColumn:
    """Parse each distinct text once; `counts` (rows per text) weighs the `auto` order vote."""
    n = len(texts)
    clean = pc.utf8_upper(texts)
    clean = pc.replace_substring_regex(clean, r"^'\s*", "")
    clean = pc.utf8_trim_whitespace(pc.replace_substring_regex(clean, _TIME, ""))

    reading = _Reading.empty(n)
    _read_year_first(clean, reading, order=order)
    day_month = _read_day_month(clean, reading, order=order, counts=counts)
    _read_month_names(clean, reading)
    incomplete = to_numpy_bool(pc.match_substring_regex(clean, _INCOMPLETE)) & ~reading.found
    serial_days = _read_serials(clean, ~incomplete & ~reading.found)

    r = reading
    year = np.where(r.two_digit, _pivot(r.year, r.month, r.day, today), r.year)
    valid = r.found & _valid_day_month(r.day, r.month, year, np.zeros(n, dtype=bool))
    days = np.where(valid, _days_from_civil(year, r.month, r.day), serial_days)
    has_date = valid | (serial_days != _NO_DATE)

    invalid = ~has_date & ~incomplete & ~day_month.ambiguous
    future = has_date & (days > _epoch_days(today))
    too_old = has_date & (days < _epoch_days(OLDEST))
    ok = has_date & ~future & ~too_old
    warn_mdy, warn_dmy = _order_warnings(day_month, ok, counts)

    flags = [invalid, incomplete, day_month.ambiguous, future, too_old, warn_mdy, warn_dmy]
    issues = issues_from_flags(list(zip(_CODES, flags, strict=True)), n)
    out = pa.array(np.where(ok, days, 0).astype(np.int32), pa.int32(), mask=~ok)
    return ParsedColumn(values=out.cast(pa.date32()), issues=issues)


def _read_year_first(clean: pa.Array, reading: _Reading, *, order: Order) -> None:
    four = _groups(clean, "ymd")
    if four is not None:
        reading.take(four["ok"], four["y"], four["m"], four["d"], two_digit=False)
    two = _groups(clean, "short_ymd") if order == "ymd" else None
    if two is not None:
        exists = _valid_day_month(two["d"], two["m"], two["y"], np.ones(len(clean), dtype=bool))
        reading.take(two["ok"] & exists, two["y"], two["m"], two["d"], two_digit=True)


def _read_day_month(
    clean: pa.Array, reading: _Reading, *, order: Order, counts: np.ndarray
) -> _DayMonth:
    """`05/06/1990`-like values: day first or month first, by what exists and the order."""
    none = np.zeros(len(clean), dtype=bool)
    num = _groups(clean, "num")
    if num is None:
        return _DayMonth(none, none, none, "mdy" if order == "mdy" else "dmy")
    ok, a, b, y, short = num["ok"] & ~reading.found, num["a"], num["b"], num["y"], num["y_len"] == 2
    dmy_ok = ok & _valid_day_month(a, b, y, short)
    mdy_ok = ok & _valid_day_month(b, a, y, short)
    only_dmy, only_mdy = dmy_ok & ~mdy_ok, mdy_ok & ~dmy_ok
    both = dmy_ok & mdy_ok & (a != b)
    chosen = _choose_order(order, only_dmy, only_mdy, counts)
    ambiguous = both & (chosen == "mixed")
    as_mdy = only_mdy | (both & (chosen == "mdy"))
    month, day = np.where(as_mdy, a, b), np.where(as_mdy, b, a)
    reading.take(ok & ~ambiguous, y, month, day, two_digit=short)
    return _DayMonth(only_dmy, only_mdy, ambiguous, chosen)


def _read_month_names(clean: pa.Array, reading: _Reading) -> None:
    for kind in ("name_dmy", "name_mdy"):
        named = _groups(clean, kind)
        if named is not None:
            hit = named["ok"] & (named["mon"] > 0)
            short = named["y_len"] == 2
            reading.take(hit, named["y"], named["mon"], named["d"], two_digit=short)


def _read_serials(clean: pa.Array, candidates: np.ndarray) -> np.ndarray:
    """Days since 1970 of Excel serial numbers in range, `_NO_DATE` elsewhere."""
    days = np.full(len(clean), _NO_DATE, dtype=np.int64)
    serial = _groups(clean, "serial")
    if serial is not None:
        number = serial["n"]
        hit = candidates & serial["ok"] & (number >= SERIAL_MIN) & (number <= SERIAL_MAX)
        days[hit] = number[hit] + _epoch_days(EXCEL_EPOCH)
    return days


def _groups(clean: pa.Array, kind: str) -> dict[str, np.ndarray] | None:
    """The named groups of one pattern as int64 arrays (-1 where absent); None if no match."""
    matched = pc.extract_regex(clean, _PATTERNS[kind])
    ok = to_numpy_bool(pc.is_valid(matched))
    if not ok.any():
        return None
    out = {"ok": ok}
    for index in range(matched.type.num_fields):
        name = matched.type.field(index).name
        text = pc.struct_field(matched, [index])
        if name == "mon":
            month = pc.index_in(text, value_set=pa.array(list(MONTHS)))
            numbers = np.array([0, *MONTHS.values()], dtype=np.int64)
            out["mon"] = numbers[month.fill_null(-1).to_numpy(zero_copy_only=False) + 1]
            continue
        filled = pc.if_else(pc.equal(text, ""), "-1", text).fill_null("-1")
        out[name] = pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)
        if name == "y":
            out["y_len"] = pc.utf8_length(text).fill_null(0).to_numpy(zero_copy_only=False)
    return out


def _choose_order(
    order: Order, only_dmy: np.ndarray, only_mdy: np.ndarray, counts: np.ndarray
) -> str:
    """The reading for values that fit both orders: 'dmy', 'mdy' or 'mixed' (no guess)."""
    if order != "auto":
        return "mdy" if order == "mdy" else "dmy"
    dmy_rows, mdy_rows = counts[only_dmy].sum(), counts[only_mdy].sum()
    if mdy_rows == 0:
        return "dmy"  # Indonesian default when nothing in the column says otherwise
    return "mdy" if dmy_rows == 0 else "mixed"


def _order_warnings(
    day_month: _DayMonth, ok: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(warn month first, warn day first): values only readable against the column's order.

    In a column of mixed orders (`auto`), the minority order is the suspect one."""
    only_mdy, only_dmy = ok & day_month.only_mdy, ok & day_month.only_dmy
    chosen = day_month.chosen
    if chosen == "mixed":
        chosen = "dmy" if counts[only_mdy].sum() <= counts[only_dmy].sum() else "mdy"
    none = np.zeros(len(ok), dtype=bool)
    return (only_mdy, none) if chosen == "dmy" else (none, only_dmy)


def _pivot(yy: np.ndarray, month: np.ndarray, day: np.ndarray, today: dt.date) -> np.ndarray:
    """Two-digit years: this century unless that puts the date after `today`, else the last.

    Compared as (month, day) tuples, so a day that does not exist (29-02) still gets a year
    and is then rejected by the calendar check.
    """
    century = today.year // 100 * 100
    this = century + yy
    after_today = (this > today.year) | (
        (this == today.year)
        & ((month > today.month) | ((month == today.month) & (day > today.day)))
    )
    return np.where(after_today, this - 100, this)


def _valid_day_month(
    day: np.ndarray, month: np.ndarray, year: np.ndarray, two_digit: np.ndarray
) -> np.ndarray:
    """Whether day and month exist in that year. A two-digit year counts as 20YY here (leap
    when divisible by 4); the date is checked again once the pivot has fixed the century."""
    full = np.where(two_digit, 2000 + year, year)
    leap = (full % 4 == 0) & ((full % 100 != 0) | (full % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    lengths = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    last = lengths[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    return month_ok & (day >= 1) & (day <= last) & (year >= 0)


def _days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _epoch_days(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days
