"""Building the demo: a fresh database for a pilot region with everything that exists so far."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db.models import Count

from bansos.areas import catalog
from bansos.areas.services import areas_load
from bansos.core.runs import run_finish, run_start
from bansos.demo.cases_demo import demo_cases
from bansos.demo.generate import AS_OF
from bansos.demo.officers import DEMO_PASSWORD, demo_officers_create
from bansos.demo.payments_demo import demo_payments
from bansos.demo.programs_demo import demo_programs
from bansos.intake.services import list_import_run
from bansos.linkage.run import link_run
from bansos.registry.bulk import registry_load_population
from bansos.registry.models import Household, Membership, Person, SourceValue

# The national pilot: a few districts of Kabupaten Banyuwangi (Banyuwangi, Glagah, Giri, Genteng).
DEFAULT_REGIONS = ("35.10.16", "35.10.15", "35.10.17", "35.10.09")
DEFAULT_PERSONS = 30_000
DEFAULT_SEED = 2026
# The civil-registry extract lags behind the lists (newborns, people never registered): this
# share of persons, never a household head, is left out of the registry, so linkage has new
# people to add and uncertain pairs for officers to review, as it would in the field.
WITHHELD_SHARE = 0.02
# Payment files go to the banks two days after the cycles are approved.
PAY_AFTER = timedelta(days=2)

Progress = Callable[[str, int, int], None]


@dataclass
class DemoResult:
    summary: dict[str, Any] = field(default_factory=dict)
    citizen_logins: dict[str, Any] = field(default_factory=dict)  # printed, never stored
    timings: dict[str, float] = field(default_factory=dict)


def demo_build(*, work_dir: Path, regions: tuple[str, ...] = DEFAULT_REGIONS, persons: int = DEFAULT_PERSONS,
               seed: int = DEFAULT_SEED, progress: Progress | None = None) -> DemoResult:
    """Migrate, load areas, generate the population and load the registry; assumes an empty database."""
    from bansos.demo.generate import generate_population

    result = DemoResult()
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = round(now - clock, 2)
        clock = now

    call_command("migrate", verbosity=0, interactive=False)
    lap("migrate")
    run = run_start(kind="demo.build", params={"regions": list(regions), "persons": persons, "seed": seed})
    areas = areas_load(progress=progress)
    lap("areas")
    population_dir = work_dir / "population"
    generated = generate_population(regions=list(regions), persons=persons, seed=seed, out_dir=population_dir,
                                    progress=progress)
    lap("generate")
    registry = registry_load_population(population_dir=population_dir, run=run, progress=progress)
    registry["withheld"] = registry_withhold(share=WITHHELD_SHARE, seed=seed)
    lap("registry")
    regency = ".".join(regions[0].split(".")[:2])
    imports = _import_lists(generated.files, area_code=regency, progress=progress)
    lap("intake")
    linked = link_run(started_by="demo", progress=progress)
    lap("linkage")
    targeting = demo_programs(population_dir=population_dir, on=AS_OF.astype(object), progress=progress)
    lap("programs")
    payments = demo_payments(work_dir=work_dir / "payments", on=AS_OF.astype(object) + PAY_AFTER, seed=seed,
                             area_code=regency, progress=progress)
    lap("payments")
    posts = _demo_posts(regions)
    logins = demo_officers_create(**posts)
    lap("officers")
    cases, result.citizen_logins = demo_cases(village_code=posts["village"], seed=seed)
    lap("cases")
    result.summary = {
        "regions": {code: catalog.by_code()[code].name for code in regions},
        "areas": {k: areas[k] for k in ("province", "regency", "district", "village")},
        "population": {"persons": generated.persons, "households": generated.households,
                       "program_list_rows": generated.list_rows, "files": str(population_dir)},
        "registry": registry,
        "intake": imports,
        "linkage": {"run": linked.pk, **linked.counts},
        "pmt": targeting["pmt"],
        "scoring": targeting["scoring"],
        "programs": targeting["programs"],
        "payments": payments,
        "cases": cases,
        "logins": [{"username": x.username, "password": DEMO_PASSWORD, "role": x.role, "area": f"{x.area_code} {x.area_name}"}
                   for x in logins],
        "timings": result.timings,
    }
    run_finish(run=run, summary=result.summary)
    return result


def _import_lists(files: dict[str, Path], *, area_code: str, progress: Progress | None
                  ) -> dict[str, dict]:
    """Import the five generated program lists as the regency's social office would."""
    out = {}
    for code in ("PKH", "BPNT", "PBIJK", "PIP", "BLT"):
        result = list_import_run(path=files[code.lower()], source_code=code, area_code=area_code,
                                 today=AS_OF.astype(object), progress=progress)
        out[code] = {"rows": result.rows_read, "staged": result.rows_staged,
                     "quarantined": result.rows_quarantined}
    return out


def registry_withhold(*, share: float, seed: int) -> int:
    """Remove a seeded sample of non-head persons from the freshly loaded registry."""
    import random

    heads = set(Household.objects.exclude(head=None).values_list("head_id", flat=True))
    candidates = sorted(set(Person.objects.values_list("pk", flat=True)) - heads)
    chosen = random.Random(seed).sample(candidates, int(len(candidates) * share))
    for start in range(0, len(chosen), 5_000):
        chunk = chosen[start:start + 5_000]
        SourceValue.objects.filter(person_id__in=chunk).delete()
        Membership.objects.filter(person_id__in=chunk).delete()
        Person.objects.filter(pk__in=chunk).delete()
    return len(chosen)


def _demo_posts(regions: tuple[str, ...]) -> dict[str, str]:
    """Pick the regency, a district and the busiest village of the demo data for the logins."""
    first = regions[0]
    regency = ".".join(first.split(".")[:2])
    busiest = Household.objects.values("village_id").annotate(n=Count("id")).order_by("-n", "village_id").first()
    if busiest is None:
        raise RuntimeError("the demo population loaded no households")
    village = busiest["village_id"]
    return {"regency": regency, "district": ".".join(village.split(".")[:3]), "village": village}
