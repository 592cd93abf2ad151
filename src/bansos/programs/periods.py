"""Cycle periods: a program paid every 3 months has quarterly stages (tahap) `2025-Q4`, a
monthly one `2025-10`, a half-yearly one `2025-H2`, a yearly one `2025`."""

from __future__ import annotations

import calendar
from datetime import date


def cycle_period(*, cycle_months: int, on: date) -> tuple[str, date, date]:
    """The period containing `on` for a program paid every `cycle_months` months: its code,
    first and last day."""
    if cycle_months not in (1, 3, 6, 12):
        raise ValueError(f"cycle_months must be 1, 3, 6 or 12, not {cycle_months}")
    first_month = (on.month - 1) // cycle_months * cycle_months + 1
    last_month = first_month + cycle_months - 1
    starts = date(on.year, first_month, 1)
    ends = date(on.year, last_month, calendar.monthrange(on.year, last_month)[1])
    index = (first_month - 1) // cycle_months + 1
    code = {1: f"{on.year}-{first_month:02d}", 3: f"{on.year}-Q{index}", 6: f"{on.year}-H{index}",
            12: f"{on.year}"}[cycle_months]
    return code, starts, ends


def period_label(period: str) -> str:
    """`2025-Q4` -> `Tahap 4 2025`; other periods as they are."""
    year, _, part = period.partition("-")
    if part.startswith("Q"):
        return f"Tahap {part[1:]} {year}"
    return period
