import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from bansos.audit.models import AuditEvent
from bansos.registry.models import Household, Person, VersionEntry
from bansos.registry.versions import VersionError, registry_version_diff, registry_version_publish
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


def test_publish_freezes_and_diff_explains(small_registry):
    v1 = registry_version_publish(period="2026-10", actor="kemensos")
    assert (v1.persons, v1.households) == (4, 4)
    assert AuditEvent.objects.filter(action="registry.publish", target_id=str(v1.pk)).exists()

    # A month of change: a death, a move, a birth and a spelling correction.
    siti, slamet, sutrisno = small_registry["SITI AMINAH"], small_registry["SLAMET"], small_registry["SUTRISNO"]
    slamet.is_alive, slamet.death_date = False, date(2026, 10, 20)
    slamet.save()
    siti.household = sutrisno.household
    siti.save()
    Person.objects.create(nik="3510090111260001", full_name="BAYU", sex="L", birth_date=date(2026, 11, 1),
                          household=sutrisno.household, relationship="child")
    wayan = small_registry["I WAYAN SUDARSANA"]
    wayan.full_name = "I WAYAN SUDARSANA PUTRA"
    wayan.save()

    v2 = registry_version_publish(period="2026-11", actor="kemensos")
    diff = registry_version_diff(old=v1, new=v2)
    assert diff.added == 1 and diff.removed == 0
    assert diff.died == 1 and diff.moved == 1
    assert diff.changed == 3 and diff.unchanged == 1
    # The first version did not change with the registry.
    assert VersionEntry.objects.filter(version=v1).count() == 4


def test_a_period_is_published_once_and_must_be_well_formed(small_registry):
    registry_version_publish(period="2026-11", actor="kemensos")
    with pytest.raises(VersionError, match="already published"):
        registry_version_publish(period="2026-11", actor="kemensos")
    with pytest.raises(VersionError, match="YYYY-MM"):
        registry_version_publish(period="2026-13", actor="kemensos")


def test_commands(small_registry):
    out = StringIO()
    call_command("registry", "publish", "--period", "2026-10", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["persons"] == 4
    Household.objects.create(kk="3510091203150099", village_id=VILLAGE_A, rw="001", rt="001")
    call_command("registry", "publish", "--period", "2026-11", stdout=StringIO())
    out = StringIO()
    call_command("registry", "diff", "2026-10", "2026-11", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["unchanged"] == 4
