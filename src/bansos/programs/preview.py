"""Rule preview: how many households a rule version would enrol, by region, at what cost —
the same engine as cycles, on the latest scoring run's snapshot, limited to the officer's area."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from bansos.areas.models import Area
from bansos.areas.scope import officer_area
from bansos.targeting.engine import rules_preview
from bansos.targeting.inputs import flags_read
from bansos.targeting.rules import ProgramRules, RuleFileError, rules_parse
from bansos.targeting.scoring import ScoringError, scoring_latest, snapshot_load

PREVIEW_LEVELS = ("province", "regency", "district", "village")
_COLUMN = {"province": "province_code", "regency": "regency_code", "district": "district_code",
           "village": "village_code"}


class PreviewError(Exception):
    """The preview could not run: a bad draft rule file, no scoring yet."""


@dataclass(frozen=True)
class PreviewResult:
    rules: ProgramRules
    level: str
    rows: list[dict]
    households: int
    persons: int
    amount: int
    seconds: float


def preview_run(*, rules: ProgramRules | None, text: str = "", level: str, on: date, user=None) -> PreviewResult:
    """Evaluate `rules` (or a draft rule file's `text`) for every household of the latest
    scoring run inside the user's area (all when `user` is None), grouped at `level`."""
    if text.strip():
        try:
            rules = rules_parse(text, source="draft")
        except RuleFileError as error:
            raise PreviewError(str(error)) from error
    if rules is None:
        raise PreviewError("pilih berkas aturan atau tempel draf aturan / choose a rule file or paste a draft")
    if level not in PREVIEW_LEVELS:
        raise PreviewError(f"tingkat wilayah tidak dikenal / unknown level {level!r}")
    run = scoring_latest()
    if run is None:
        raise PreviewError("belum ada pemeringkatan kesejahteraan / no scoring run yet")
    try:
        households, members = snapshot_load(run)
    except ScoringError as error:
        raise PreviewError(str(error)) from error
    clock = time.perf_counter()
    households = _within(households, officer_area(user) if user is not None else None)
    table = rules_preview(rules=rules, households=households, members=members, flags=flags_read(),
                          reference_date=on, level=level)
    seconds = round(time.perf_counter() - clock, 3)
    rows = table.to_pylist()
    names = dict(Area.objects.filter(code__in=[r["region_code"] for r in rows]).values_list("code", "name"))
    for row in rows:
        row["name"] = names.get(row["region_code"], "")
    return PreviewResult(rules=rules, level=level, rows=rows, seconds=seconds,
                         households=sum(r["households"] for r in rows),
                         persons=sum(r["persons"] for r in rows), amount=sum(r["amount"] for r in rows))


def _within(households: pa.Table, area: Area | None) -> pa.Table:
    if area is None or area.level == Area.Level.NATIONAL:
        return households
    column = _COLUMN.get(area.level)
    if column is None:  # below a village: preview the village
        column, code = "village_code", ".".join(area.code.split(".")[:4])
    else:
        code = area.code
    return households.filter(pc.equal(households.column(column), code))
