"""Shared fixtures: a tiny registry in two villages of two districts, and officers of each role."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bansos.areas.services import areas_load, officer_create
from bansos.portal.models import Citizen
from bansos.programs.models import Cycle, Enrollment, Entitlement, Program, RuleVersion
from bansos.registry.models import Household, Person
from bansos.targeting.models import PmtVersion, ScoringRun, WelfareScore

VILLAGE_A = "35.10.09.2001"  # Kembiritan, Genteng
VILLAGE_B = "35.10.09.2002"  # Gentengwetan, Genteng
VILLAGE_C = "35.10.16.1001"  # a kelurahan in Kec. Banyuwangi


@pytest.fixture
def small_registry(db):
    areas_load(prefixes=["35.10.09", "35.10.16"])
    people = {}
    for n, (village, rw, rt, kk, nik, name, sex, born) in enumerate([
        (VILLAGE_A, "001", "002", "3510091203150007", "3510090101800001", "SUTRISNO", "L", date(1980, 1, 1)),
        (VILLAGE_A, "002", "001", "3510091203150008", "3510094502850002", "SITI AMINAH", "P", date(1985, 2, 5)),
        (VILLAGE_B, "001", "001", "3510091203150009", "3510091003700003", "SLAMET", "L", date(1970, 3, 10)),
        (VILLAGE_C, "003", "004", "3510161203150010", "3510160504900004", "I WAYAN SUDARSANA", "L", date(1990, 4, 5)),
    ]):
        household = Household.objects.create(kk=kk, village_id=village, rw=rw, rt=rt, address=f"Dusun Krajan {n}")
        person = Person.objects.create(nik=nik, full_name=name, sex=sex, birth_date=born, household=household,
                                       relationship="head")
        household.head = person
        household.save()
        people[name] = person
    return people


@pytest.fixture
def officer(db):
    """Factory: officer(role, area_code) -> a logged-in-able user."""
    counter = iter(range(1000))

    def make(role: str, area_code: str):
        return officer_create(username=f"{role}-{next(counter)}", password="pass-for-tests-1", role=role,
                              area_code=area_code, office_name=f"office {area_code}")

    return make


@pytest.fixture
def job_worker(settings):
    """Jobs queued in the database as in production; call the fixture to run the worker until
    the queue is empty. Use with `django_db(transaction=True)`: the worker closes connections
    between jobs, as it does in production."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return lambda: call_command("db_worker", batch=True, verbosity=0)


@pytest.fixture
def citizen(small_registry):
    """Factory: citizen(name) -> the verified portal user of that registry person."""
    def make(name: str):
        person = small_registry[name]
        user = get_user_model().objects.create_user(username=f"warga-{person.pk}", password="pass-for-tests-1")
        Citizen.objects.create(user=user, person=person, verified_at=timezone.now())
        return user
    return make


@pytest.fixture
def programs(db):
    for code in ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT"):
        Program.objects.get_or_create(code=code, defaults={"name": code})


@pytest.fixture
def enrolled(programs):
    """Factory: enrolled(household, program) -> an active enrolment (the family is a recipient)."""
    def make(household, program: str = "SEMBAKO"):
        # The cycle keys are not enforced by the database (bulk-written table): a recipient's
        # standing is all a case needs.
        return Enrollment.objects.create(program_id=program, household=household, since_id=1, last_cycle_id=1)
    return make


@pytest.fixture
def world(small_registry):
    """Scores and cycles for the small registry. SUTRISNO's family: desil 2 in the latest
    finished run; PKH 2025-Q4 approved (a later PKH draft does not count); SEMBAKO held
    (suspended); BLT in 2025-Q3 but not in the later 2025-Q4. PBIJK and PIP have no frozen
    cycle yet. SITI AMINAH's family: desil 7, SEMBAKO approved."""
    sutrisno, siti = small_registry["SUTRISNO"].household, small_registry["SITI AMINAH"].household
    pmt = PmtVersion.objects.create(version="t", body="", sha256="0" * 64, fitted_on=date(2025, 1, 1))
    old = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE)
    run = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE)
    running = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.RUNNING)
    for scoring, deciles in ((old, {sutrisno: 9, siti: 9}), (run, {sutrisno: 2, siti: 7}),
                             (running, {sutrisno: 10, siti: 10})):
        for household, decile in deciles.items():
            WelfareScore.objects.create(run=scoring, household=household, persons=1, decile=decile,
                                        decile_regional=decile, criteria_met=-1, criteria_decile=0)
    cycles = {}
    for code, name, period, starts, state in [
        ("PKH", "Program Keluarga Harapan", "2025-Q4", date(2025, 10, 1), Cycle.State.APPROVED),
        ("PKH", "Program Keluarga Harapan", "2026-Q1", date(2026, 1, 1), Cycle.State.DRAFT),
        ("SEMBAKO", "Program Sembako", "2025-10", date(2025, 10, 1), Cycle.State.PAYING),
        ("BLT", "Bantuan Langsung Tunai", "2025-Q3", date(2025, 7, 1), Cycle.State.CLOSED),
        ("BLT", "Bantuan Langsung Tunai", "2025-Q4", date(2025, 10, 1), Cycle.State.APPROVED),
        ("PBIJK", "Penerima Bantuan Iuran Jaminan Kesehatan", "", None, None),
        ("PIP", "Program Indonesia Pintar", "", None, None),
    ]:
        program, _ = Program.objects.get_or_create(code=code, defaults={"name": name})
        if starts is None:
            continue
        rules, _ = RuleVersion.objects.get_or_create(program=program, version="1", defaults={
            "source": "t.toml", "sha256": "0" * 64, "body": "", "valid_from": date(2025, 1, 1)})
        cycles[(code, period)] = Cycle.objects.create(
            program=program, period=period, starts_on=starts, ends_on=date(2026, 12, 31), state=state,
            rule_version=rules, scoring_run=run, approved_at=datetime(2025, 9, 1, tzinfo=UTC))
    for household, key, state in [
        (sutrisno, ("PKH", "2025-Q4"), Entitlement.State.APPROVED),
        (sutrisno, ("SEMBAKO", "2025-10"), Entitlement.State.SUSPENDED),
        (sutrisno, ("BLT", "2025-Q3"), Entitlement.State.APPROVED),
        (siti, ("SEMBAKO", "2025-10"), Entitlement.State.APPROVED),
        (siti, ("PKH", "2026-Q1"), Entitlement.State.PENDING),
    ]:
        Entitlement.objects.create(cycle=cycles[key], household=household, amount=750_000,
                                   district_code="35.10.09", state=state)
    return small_registry
