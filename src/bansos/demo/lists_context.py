"""What every program list builder needs: identifiers as strings, stale family cards, bank
accounts, region names, and the row order of a list."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bansos.demo import formats as fmt
from bansos.demo import history as hist
from bansos.demo.dirt import Dirt
from bansos.demo.lists_select import Selection
from bansos.demo.truth import Truth

BANKS = np.array(["BRI", "BNI", "MANDIRI", "BTN"], dtype=object)
BANK_SHARE = [0.45, 0.25, 0.2, 0.1]
ACCOUNT_DIGITS = {"BRI": 15, "BNI": 10, "MANDIRI": 13, "BTN": 16, "BSI": 10}


@dataclass
class ProgramList:
    """One list as written: headers, cell columns and, per row, the true person and dirt."""

    code: str  # PKH, BPNT, PBIJK, PIP, BLT
    filename: str
    headers: list[str]
    columns: list[np.ndarray]
    person: np.ndarray
    household: np.ndarray
    dirt: np.ndarray  # ';'-joined tags per row
    row_label: np.ndarray  # 1-based data row number, "sheet:row" for workbooks
    sheet: np.ndarray | None = None
    delimiter: str = ","
    quote_all: bool = False  # database exports quote every text field; spreadsheets do not
    bom: bool = False
    eol: str = "\n"


@dataclass
class ListContext:
    truth: Truth
    nik: np.ndarray  # per person, 16-digit strings
    kk: np.ndarray  # per household
    stale_kk: np.ndarray  # per person: the KK before a move/split in the last 3 years, or None
    bank: np.ndarray  # per household
    account: np.ndarray  # per household
    village_compact: np.ndarray  # per village, 10 digits
    extras: dict[str, np.ndarray] = field(default_factory=dict)


def list_context(truth: Truth, rng: np.random.Generator) -> ListContext:
    pp, hh, v = truth.persons, truth.households, truth.villages
    kk = fmt.digits(hh["kk"])
    stale = np.full(len(pp["nik"]), None, dtype=object)
    movers = truth.movers
    recent = movers.end >= truth.as_of - int(3 * hist.YEAR)
    stale[movers.person[recent]] = kk[movers.household[recent]]
    province = v.province_code[hh["village"]]
    bank = np.where(province == "11", "BSI", rng.choice(BANKS, len(province), p=BANK_SHARE))
    account = np.empty(len(bank), dtype=object)
    for name, width in ACCOUNT_DIGITS.items():
        at = np.flatnonzero(bank == name)
        numbers = rng.integers(10 ** (width - 1), 10**width, len(at), dtype=np.int64)
        account[at] = numbers.astype(str)
    return ListContext(
        truth=truth, nik=fmt.digits(pp["nik"]), kk=kk, stale_kk=stale, bank=bank.astype(object),
        account=account,
        village_compact=np.array([c.replace(".", "") for c in v.code], dtype=object),
    )


def ordered(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> Selection:
    """Rows grouped by village and family, families in random order; a duplicate lands at a
    random place in its village, not next to its original."""
    h = ctx.truth.persons["household"][sel.person]
    village = ctx.truth.households["village"][h]
    family_key = rng.permutation(len(ctx.truth.households["kind"]))[h].astype(float)
    family_key = np.where(sel.duplicate, rng.random(len(h)) * len(family_key) + 0.5, family_key)
    order = np.lexsort((sel.person, family_key, village))
    return Selection(person=sel.person[order], duplicate=sel.duplicate[order],
                     extra={k: val[order] for k, val in sel.extra.items()})


def start_dirt(sel: Selection) -> Dirt:
    dirt = Dirt(len(sel.person))
    dirt.mark("duplicate", np.flatnonzero(sel.duplicate))
    return dirt


def numbered(n: int) -> np.ndarray:
    return np.arange(1, n + 1).astype(str).astype(object)


def upper_names(names: np.ndarray) -> np.ndarray:
    return np.char.upper(names.astype(str)).astype(object)
