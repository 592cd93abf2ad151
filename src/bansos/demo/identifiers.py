"""NIK and KK numbers with the real structure.

NIK = district code (6) + birth date DDMMYY, day + 40 for women (6) + serial (4), the serial
counting persons with the same district, birth date and sex. KK = district code (6) + issue
date DDMMYY (6) + serial (4) per district and issue date. Both are kept as int64 (16 digits,
never a leading zero because province codes start at 11).
"""

from __future__ import annotations

import numpy as np

from bansos.demo.rng import group_rank


def day_month_year(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day, month and full year of int64 days since 1970-01-01."""
    d = days.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = d.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (d - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return day, month, year


def _ddmmyy(days: np.ndarray, plus_day: np.ndarray | int = 0) -> np.ndarray:
    day, month, year = day_month_year(days)
    return (day + plus_day) * 10_000 + month * 100 + year % 100


def niks(*, district: np.ndarray, birth: np.ndarray, female: np.ndarray) -> np.ndarray:
    """16-digit NIKs, unique as long as fewer than 10,000 people share a district, birth date
    and sex."""
    middle = _ddmmyy(birth, np.where(female, 40, 0))
    key = district.astype(np.int64) * 1_000_000 + middle
    serial = group_rank(key) + 1
    if serial.max(initial=0) > 9999:
        raise ValueError("more than 9,999 persons share a district, birth date and sex")
    return key * 10_000 + serial


def kks(*, district: np.ndarray, issued: np.ndarray) -> np.ndarray:
    """16-digit family-card numbers, unique per district and issue date."""
    key = district.astype(np.int64) * 1_000_000 + _ddmmyy(issued)
    serial = group_rank(key) + 1
    if serial.max(initial=0) > 9999:
        raise ValueError("more than 9,999 family cards issued in one district on one day")
    return key * 10_000 + serial
