"""`bansos generate`'s library: a deterministic synthetic population for any region, with the
dirty program lists that really arrive from ministries, a civil-registry extract, a survey
sample and the ground truth that ties every list row to a true person.

    summary = generate_population(regions=["35.10"], persons=100_000, seed=7, out_dir=Path("out"))

Same arguments give byte-identical files. See DOMAIN.md for the domain facts used.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from bansos.demo import lists_select as sel
from bansos.demo import outputs
from bansos.demo import writers as w
from bansos.demo.lists_build import build_blt, build_bpnt, build_pbijk, build_pkh
from bansos.demo.lists_context import ProgramList, list_context
from bansos.demo.lists_pip import build_pip
from bansos.demo.rng import stream
from bansos.demo.truth import Truth, build_truth

AS_OF = np.datetime64("2025-10-01", "D")  # the reference date of the generated world
GENERATOR_VERSION = 1
Progress = Callable[[str, int, int], None]
PROGRAMS = (
    ("PKH", sel.select_pkh, build_pkh),
    ("BPNT", sel.select_bpnt, build_bpnt),
    ("PBIJK", sel.select_pbijk, build_pbijk),
    ("PIP", sel.select_pip, build_pip),
    ("BLT", sel.select_blt, build_blt),
)
STEPS = ("population", "truth files", *(code for code, *_ in PROGRAMS), "registry files",
         "manifest")


@dataclass(frozen=True)
class GenerateSummary:
    persons: int
    households: int
    out_dir: Path
    files: dict[str, Path]  # name -> path
    list_rows: dict[str, int]  # program code -> rows written
    seconds: float


def generate_population(*, regions: Sequence[str], persons: int, seed: int, out_dir: Path,
                        progress: Progress | None = None) -> GenerateSummary:
    """Generate the population of `regions` (dotted codes of any level) and write all files
    into `out_dir`; `progress(step, done, total)` is called as steps finish."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    started = time.perf_counter()
    report = progress or (lambda step, done, total: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_of = int(AS_OF.astype(np.int64))
    done = 0
    report(STEPS[0], done, len(STEPS))
    truth = build_truth(seed=seed, regions=list(regions), persons=persons, as_of=as_of)
    done += 1
    report(STEPS[done], done, len(STEPS))
    files = _write_truth(truth, out_dir)
    done += 1
    lists = []
    est = sel.estimated_deciles(truth, stream(seed, "targeting"))
    ctx = list_context(truth, stream(seed, "accounts"))
    for code, select, build in PROGRAMS:
        report(code, done, len(STEPS))
        plist = build(ctx, select(truth, stream(seed, f"select {code}"), est),
                      stream(seed, f"dirt {code}"))
        files[code.lower()] = w.write_list(out_dir, plist)
        lists.append(plist)
        done += 1
    report(STEPS[done], done, len(STEPS))
    files.update(_write_registry(truth, lists, out_dir, seed))
    done += 1
    report(STEPS[done], done, len(STEPS))
    list_rows = {p.code: len(p.person) for p in lists}
    files["manifest"] = _write_manifest(out_dir, files, truth, list_rows, seed, regions)
    report("done", len(STEPS), len(STEPS))
    return GenerateSummary(
        persons=len(truth.persons["nik"]), households=len(truth.households["kk"]),
        out_dir=out_dir, files=files, list_rows=list_rows,
        seconds=time.perf_counter() - started,
    )


def _write_truth(truth: Truth, out_dir: Path) -> dict[str, Path]:
    files = {}
    for name, table in (("persons", outputs.persons_table(truth)),
                        ("households", outputs.households_table(truth)),
                        ("memberships", outputs.memberships_table(truth))):
        files[name] = out_dir / f"{name}.parquet"
        w.write_parquet(files[name], table)
    return files


def _write_registry(truth: Truth, lists: list[ProgramList], out_dir: Path, seed: int
                    ) -> dict[str, Path]:
    tables: dict[str, pa.Table] = {
        "dukcapil": outputs.dukcapil_table(truth),
        "dukcapil_deaths": outputs.deaths_table(truth),
        "survey": outputs.survey_table(truth, stream(seed, "survey")),
        "ground_truth": outputs.ground_truth_table(lists),
    }
    files = {}
    for name, table in tables.items():
        files[name] = out_dir / f"{name}.csv"
        w.write_csv(files[name], table)
    return files


def _write_manifest(out_dir: Path, files: dict[str, Path], truth: Truth,
                    list_rows: dict[str, int], seed: int, regions: Sequence[str]) -> Path:
    """Counts, arguments and a sha256 per file; no timings, so the manifest is reproducible."""
    pp = truth.persons
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "regions": list(regions),
        "as_of": str(AS_OF),
        "persons": len(pp["nik"]),
        "persons_alive": int((pp["death"] < 0).sum()),
        "households": len(truth.households["kk"]),
        "villages": len(truth.villages),
        "list_rows": list_rows,
        "files": {name: {"file": path.name, "sha256": w.sha256(path)}
                  for name, path in sorted(files.items())},
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
