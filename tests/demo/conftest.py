"""One small generated world shared by the demo tests (a few seconds to build)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from bansos.demo.generate import AS_OF, GenerateSummary, generate_population

# Bali (Denpasar), East Java (Banyuwangi), North Sumatra (Tapanuli Utara, Batak), NTT
# (Manggarai), West Java (Garut): five naming cultures.
REGIONS = ["51.71", "35.10", "12.02", "53.10", "32.05"]
PERSONS = 8000
SEED = 20251001

CSV_LISTS = {"PKH": ("pkh.csv", ";"), "BPNT": ("bpnt.csv", ","), "PBIJK": ("pbijk.csv", ","),
             "BLT": ("blt.csv", ";")}
PROGRAMS = ("PKH", "BPNT", "PBIJK", "PIP", "BLT")


@dataclass
class World:
    summary: GenerateSummary
    persons: dict[str, np.ndarray]
    households: dict[str, np.ndarray]
    memberships: dict[str, np.ndarray]
    ground_truth: list[dict[str, str]]

    def list_rows(self, code: str) -> list[dict[str, object]]:
        """A list's data rows as dicts (header -> cell), PIP with a '_sheet' key."""
        if code == "PIP":
            return read_workbook(self.summary.files["pip"])
        filename, delimiter = CSV_LISTS[code]
        return read_csv(self.summary.out_dir / filename, delimiter)

    @cached_property
    def age(self) -> np.ndarray:
        """Exact age in years at the reference date, per person row."""
        days = (AS_OF - self.persons["birth_date"]).astype(np.int64)
        return days / 365.2425

    @cached_property
    def lists(self) -> dict[str, list[tuple[dict[str, object], dict[str, str]]]]:
        """Per program: (data row, its ground-truth row) pairs, in file order."""
        truth: dict[str, list[dict[str, str]]] = {code: [] for code in PROGRAMS}
        for row in self.ground_truth:
            truth[row["source"]].append(row)
        out = {}
        for code in PROGRAMS:
            rows = self.list_rows(code)
            assert len(rows) == len(truth[code]), code
            out[code] = list(zip(rows, truth[code], strict=True))
        return out

    def person(self, truth_row: dict[str, str]) -> int:
        """Row index into `persons` of a ground-truth row's person."""
        return int(truth_row["person_id"]) - 1


def columns(path: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(path)
    return {name: table[name].to_numpy(zero_copy_only=False) for name in table.column_names}


def read_csv(path: Path, delimiter: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def read_workbook(path: Path) -> list[dict[str, object]]:
    book = CalamineWorkbook.from_path(str(path))
    rows: list[dict[str, object]] = []
    for name in book.sheet_names:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        header = data[0]
        for values in data[1:]:
            rows.append({"_sheet": name, **dict(zip(header, values, strict=True))})
    return rows


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    out = tmp_path_factory.mktemp("world")
    summary = generate_population(regions=REGIONS, persons=PERSONS, seed=SEED, out_dir=out)
    with open(summary.files["ground_truth"], encoding="utf-8", newline="") as f:
        truth_rows = list(csv.DictReader(f))
    return World(
        summary=summary,
        persons=columns(summary.files["persons"]),
        households=columns(summary.files["households"]),
        memberships=columns(summary.files["memberships"]),
        ground_truth=truth_rows,
    )
