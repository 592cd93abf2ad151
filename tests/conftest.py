"""Shared fixtures: a tiny registry in two villages of two districts, and officers of each role."""

from __future__ import annotations

from datetime import date

import pytest

from bansos.areas.services import areas_load, officer_create
from bansos.registry.models import Household, Person

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
