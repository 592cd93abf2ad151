"""Column-level dirt: which rows of a list get which deviation, per field.

Each function changes an object array of cell values in place and tags the rows in `Dirt`.
Rates (`Rates`) are per row and in the low per cent, like real ministry lists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from bansos.demo import dirt as d
from bansos.demo import formats as fmt
from bansos.demo.identifiers import day_month_year


@dataclass(frozen=True)
class Rates:
    name_spelling: float = 0.12  # among people born before 1980
    name_title: float = 0.02  # among adults who can carry a title
    name_swap: float = 0.008
    name_typo: float = 0.02
    name_case: float = 0.02
    name_spaces: float = 0.02
    nik_sci: float = 0.008
    nik_precision: float = 0.004
    nik_format: float = 0.01
    nik_typo: float = 0.008
    nik_transpose: float = 0.004
    nik_missing: float = 0.003
    kk_sci: float = 0.005
    kk_missing: float = 0.005
    kk_stale: float = 0.5  # among people who changed KK in the last three years
    date_format: float = 0.015
    date_serial: float = 0.007
    date_month_name: float = 0.007
    date_swap: float = 0.005
    date_missing: float = 0.01
    sex_form: float = 0.02
    sex_missing: float = 0.005
    village_missing: float = 0.01
    village_variant: float = 0.02
    rtrw_unpadded: float = 0.03
    address_abbrev: float = 0.03


def _exclusive(rng: np.random.Generator, n: int, rates: list[float]) -> np.ndarray:
    """Per row the index of at most one deviation (-1 = none): one dirt per value."""
    cuts = np.cumsum(rates)
    pick = np.searchsorted(cuts, rng.random(n), side="right")
    return np.where(pick < len(rates), pick, -1)


def names(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
          birth_year: np.ndarray, adult: np.ndarray, female: np.ndarray, hajj: np.ndarray,
          graduate: np.ndarray, field: str = "name") -> None:
    """Spelling, titles, swapped order, typos, case and spacing, in that order. Titles fit the
    person: H./Hj. only where `hajj` (older Muslims), Drs./Dra. by sex, degrees for graduates."""
    n = len(values)
    rows = d.choose(rng, n, rates.name_spelling, birth_year < 1980)
    dirt.mark(f"{field}_spelling", d.apply(values, rows, d.name_spelling, rng))
    rows = d.choose(rng, n, rates.name_title, adult & (hajj | graduate))
    key = female[rows] * 4 + hajj[rows] * 2 + graduate[rows]
    titled = [np.zeros(0, dtype=np.int64)]
    for k in np.unique(key).tolist():
        title = functools.partial(d.name_title, female=bool(k & 4), hajj=bool(k & 2),
                                  graduate=bool(k & 1))
        titled.append(d.apply(values, rows[key == k], title, rng))
    dirt.mark(f"{field}_title", np.concatenate(titled))
    steps = [
        ("swap", d.name_swap, rates.name_swap, None),
        ("typo", d.name_typo, rates.name_typo, None),
        ("case", d.name_case, rates.name_case, None),
        ("spaces", d.name_spaces, rates.name_spaces, None),
    ]
    for tag, fn, rate, where in steps:
        rows = d.choose(rng, n, rate, where)
        dirt.mark(f"{field}_{tag}", d.apply(values, rows, fn, rng))


def niks(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
         field: str = "nik", as_number: bool = False) -> None:
    """One deviation per NIK. `as_number` (XLSX): the Excel-mangled NIK is a real number cell
    (15 significant digits) instead of the text "3.51012E+15"."""
    kinds = [
        ("sci", d.nik_sci, rates.nik_sci),
        ("precision", d.nik_precision, rates.nik_precision),
        ("format", d.nik_format, rates.nik_format),
        ("typo", d.nik_typo, rates.nik_typo),
        ("transpose", d.nik_transpose, rates.nik_transpose),
    ]
    which = _exclusive(rng, len(values), [r for *_, r in kinds] + [rates.nik_missing])
    for k, (tag, fn, _) in enumerate(kinds):
        rows = np.flatnonzero(which == k)
        if as_number and tag == "sci":
            for row in rows:
                values[row] = float(values[row][:15] + "0")
            dirt.mark(f"{field}_number", rows)
            continue
        dirt.mark(f"{field}_{tag}", d.apply(values, rows, fn, rng))
    missing = np.flatnonzero(which == len(kinds))
    values[missing] = None
    dirt.mark(f"{field}_missing", missing)


def kks(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
        stale: np.ndarray, stale_values: np.ndarray) -> None:
    """The old family card of someone who moved or split off recently; Excel damage; gaps."""
    rows = d.choose(rng, len(values), rates.kk_stale, stale)
    values[rows] = stale_values[rows]
    dirt.mark("kk_stale", rows)
    which = _exclusive(rng, len(values), [rates.kk_sci, rates.kk_missing])
    sci = np.flatnonzero(which == 0)
    dirt.mark("kk_sci", d.apply(values, sci, d.nik_sci, rng))
    missing = np.flatnonzero(which == 1)
    values[missing] = None
    dirt.mark("kk_missing", missing)


def dates(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
          days: np.ndarray, field: str = "birth_date") -> None:
    """Another text format, an Excel serial, Indonesian month names, day/month swapped, empty."""
    kinds = ["format", "serial", "month_name", "swap"]
    which = _exclusive(rng, len(values), [rates.date_format, rates.date_serial,
                                          rates.date_month_name, rates.date_swap,
                                          rates.date_missing])
    draws = rng.integers(0, 2**31, len(values))
    day, month, _ = day_month_year(days)
    for k, kind in enumerate(kinds):
        rows = np.flatnonzero(which == k)
        if kind == "swap":  # only visible when the day could be a month
            rows = rows[(day[rows] <= 12) & (day[rows] != month[rows])]
        changed = []
        for row in rows.tolist():
            new = fmt.date_variant(int(days[row]), kind, int(draws[row]))
            if new != values[row]:
                values[row] = new
                changed.append(row)
        dirt.mark(f"{field}_{kind}", np.array(changed, dtype=np.int64))
    missing = np.flatnonzero(which == len(kinds))
    values[missing] = None
    dirt.mark(f"{field}_missing", missing)


def sexes(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
          female: np.ndarray, form: str) -> None:
    """The sex written in another code form (L/P, LAKI-LAKI/PEREMPUAN, 1/2), or missing."""
    which = _exclusive(rng, len(values), [rates.sex_form, rates.sex_missing])
    rows = np.flatnonzero(which == 0)
    others = [f for f in fmt.SEX_FORMS if f != form]
    alt = rng.integers(0, len(others), len(rows))
    for k, other in enumerate(others):
        sub = rows[alt == k]
        values[sub] = fmt.sex_codes(female[sub], other)
    dirt.mark("sex_form", rows)
    missing = np.flatnonzero(which == 1)
    values[missing] = None
    dirt.mark("sex_missing", missing)


def villages(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates, *,
             by_name: bool) -> None:
    """Village left empty; for names also "DESA X", "DS. X", "KEL. X" or another case."""
    if by_name:
        rows = d.choose(rng, len(values), rates.village_variant)
        dirt.mark("village_variant", d.apply(values, rows, _village_variant, rng))
    missing = d.choose(rng, len(values), rates.village_missing)
    values[missing] = None
    dirt.mark("village_missing", missing)


def _village_variant(name: str, r: int) -> str:
    kind = r % 4
    if kind == 3:
        return name.upper() if not name.isupper() else name.title()
    return ("DESA ", "DS. ", "KEL. ")[kind] + name


def rt_rw(columns: list[np.ndarray], dirt: d.Dirt, rng: np.random.Generator, rates: Rates
          ) -> None:
    """RT/RW without leading zeros ("1" for "001"), as typed into a spreadsheet."""
    rows = d.choose(rng, len(columns[0]), rates.rtrw_unpadded)
    for col in columns:
        col[rows] = [v.lstrip("0") or "0" if v else v for v in col[rows]]
    dirt.mark("rtrw_unpadded", rows)


ABBREVIATIONS = (("DUSUN ", "DSN. "), ("JL. ", "JLN. "), ("KP. ", "KAMPUNG "),
                 ("BANJAR ", "BR. "), ("GG. ", "GANG "), (" NO. ", " NO "))


def addresses(values: np.ndarray, dirt: d.Dirt, rng: np.random.Generator, rates: Rates) -> None:
    rows = d.choose(rng, len(values), rates.address_abbrev)
    dirt.mark("address_abbrev", d.apply(values, rows, _abbreviate, rng))


def _abbreviate(address: str, r: int) -> str:
    for long, short in ABBREVIATIONS:
        if long in address:
            return address.replace(long, short, 1)
    return address
