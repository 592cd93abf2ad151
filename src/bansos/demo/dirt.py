"""The dirt of real program lists, applied to a small share of cells and recorded per row.

Every change is tagged (e.g. `name_typo`, `nik_sci`, `date_serial`) in a `Dirt` log, so the
ground truth can tell tests and benchmarks exactly what was done to each row. Rates are
per row; each value-level helper takes one random integer so results stay deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bansos.demo import names as nm

VOWELS = "AEIOU"
SIMILAR = {"A": "E", "E": "I", "I": "E", "O": "U", "U": "O", "D": "T", "T": "D", "B": "P",
           "P": "B", "M": "N", "N": "M", "S": "Z", "Z": "S", "Y": "I", "K": "G", "G": "K"}
TITLES_BEFORE = {False: ("DRS.", "IR.", "DR."), True: ("DRA.", "IR.", "DR.")}  # by female
TITLES_AFTER = ("S.PD.", "S.PD", "S.E.", "S.H.", "S.SOS", "S.AG.", "A.MD.", "M.PD.", "SE")


@dataclass
class Dirt:
    """Which dirt was applied to which row of one list."""

    n: int
    tags: dict[str, np.ndarray] = field(default_factory=dict)

    def mark(self, tag: str, rows: np.ndarray) -> None:
        mask = self.tags.setdefault(tag, np.zeros(self.n, dtype=bool))
        mask[rows] = True

    def labels(self) -> np.ndarray:
        """Per row: the applied tags joined by ';' (empty when the row is clean)."""
        out = np.full(self.n, "", dtype=object)
        for tag in sorted(self.tags):
            rows = np.flatnonzero(self.tags[tag])
            out[rows] = np.where(out[rows] == "", tag, out[rows] + ";" + tag)
        return out


def apply(values: np.ndarray, rows: np.ndarray, fn: Callable[[str, int], str | None],
          rng: np.random.Generator) -> np.ndarray:
    """values[rows] = fn(value, random int); returns the rows that really changed."""
    draws = rng.integers(0, 2**31, len(rows))
    changed = []
    for row, r in zip(rows.tolist(), draws.tolist(), strict=True):
        old = values[row]
        if old is None or old == "":
            continue
        new = fn(old, r)
        if new is not None and new != old:
            values[row] = new
            changed.append(row)
    return np.array(changed, dtype=np.int64)


def choose(rng: np.random.Generator, n: int, rate: float,
           where: np.ndarray | None = None) -> np.ndarray:
    """Row indices picked with probability `rate` (only where `where` is True)."""
    hit = rng.random(n) < rate
    if where is not None:
        hit &= where
    return np.flatnonzero(hit)


# --- names -----------------------------------------------------------------------------------


def name_typo(name: str, r: int) -> str:
    """One letter substituted by a look-alike, dropped, doubled or swapped with its neighbour."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 3:
        return name
    i = letters[r % len(letters)]
    kind = (r // 1024) % 4
    c = name[i]
    if kind == 0:
        up = SIMILAR.get(c.upper(), "A" if c.upper() not in VOWELS else "I")
        new = up if c.isupper() else up.lower()
        return name[:i] + new + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    if kind == 2:
        return name[:i] + c + name[i:]
    j = i + 1 if i + 1 < len(name) and name[i + 1].isalpha() else i - 1
    a, b = sorted((i, j))
    return name[:a] + name[b] + name[a] + name[b + 1:]


def name_title(name: str, r: int, *, female: bool = False, hajj: bool = True,
               graduate: bool = True) -> str | None:
    """A Hajj title (H. for men, Hj. for women) where `hajj`, or where `graduate` an academic
    one before (Drs./Dra., Ir.) or after (S.Pd., S.E.) the name; None where neither fits."""
    if hajj and (not graduate or r % 3 == 0):
        return f"{'HJ.' if female else 'H.'} {name}"
    if not graduate:
        return None
    r //= 3
    if r % 2:
        before = TITLES_BEFORE[female]
        return f"{before[(r // 2) % len(before)]} {name}"
    return f"{name}, {TITLES_AFTER[(r // 2) % len(TITLES_AFTER)]}"


def name_swap(name: str, r: int) -> str | None:
    """Family name first: "SIREGAR BONAR"."""
    words = name.split(" ")
    if len(words) < 2:
        return None
    return " ".join([words[-1], *words[:-1]])


def name_case(name: str, r: int) -> str:
    return name.lower() if r % 3 == 0 else (name.title() if name.isupper() else name.upper())


def name_spaces(name: str, r: int) -> str:
    kind = r % 3
    if kind == 0 and " " in name:
        return name.replace(" ", "  ", 1)
    if kind == 1:
        return name + " "
    return " " + name


def name_spelling(name: str, r: int) -> str | None:
    """Old spelling written new (Soeharto -> Suharto), or new written old (Joko -> Djoko)."""
    upper = name.upper()
    new = nm.respell(upper, old=not nm.has_old_spelling(upper))
    if new == upper:
        return None
    return new if name.isupper() else new.title()


# --- identifiers -----------------------------------------------------------------------------


def nik_sci(nik: str, r: int) -> str:
    """What Excel shows for a 16-digit number in a General cell: 3.51012E+15."""
    mantissa = f"{int(nik) / 10 ** (len(nik) - 1):.5f}".rstrip("0").rstrip(".")
    return f"{mantissa}E+{len(nik) - 1}"


def nik_precision(nik: str, r: int) -> str | None:
    """Excel keeps 15 significant digits: the 16th becomes 0."""
    return None if nik.endswith("0") else nik[:-1] + "0"


def nik_format(nik: str, r: int) -> str:
    kind = r % 4
    if kind == 0:
        return " ".join(nik[i:i + 4] for i in range(0, len(nik), 4))
    if kind == 1:
        return ".".join([nik[:2], nik[2:4], nik[4:6], nik[6:12], nik[12:]])
    if kind == 2:
        return "'" + nik
    return f" {nik} "


def nik_typo(nik: str, r: int) -> str:
    i = r % len(nik)
    digit = str((int(nik[i]) + 1 + (r // 64) % 9) % 10)
    return nik[:i] + digit + nik[i + 1:]


def nik_transpose(nik: str, r: int) -> str | None:
    for step in range(len(nik) - 1):
        i = (r + step) % (len(nik) - 1)
        if nik[i] != nik[i + 1]:
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2:]
    return None
