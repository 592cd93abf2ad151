"""An officer sees only the households and persons of their own area, through every page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bansos.areas.scope import scoped
from bansos.registry.models import Household, Person
from tests.conftest import VILLAGE_A, VILLAGE_B

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "area", "expected"),
    [
        ("ministry", "ID", {"SUTRISNO", "SITI AMINAH", "SLAMET", "I WAYAN SUDARSANA"}),
        ("province", "35", {"SUTRISNO", "SITI AMINAH", "SLAMET", "I WAYAN SUDARSANA"}),
        ("regency", "35.10", {"SUTRISNO", "SITI AMINAH", "SLAMET", "I WAYAN SUDARSANA"}),
        ("district", "35.10.09", {"SUTRISNO", "SITI AMINAH", "SLAMET"}),
        ("village_operator", VILLAGE_A, {"SUTRISNO", "SITI AMINAH"}),
        ("village_operator", VILLAGE_B, {"SLAMET"}),
        ("village_operator", "35.10.16.1002", set()),
    ],
)
def test_scope_by_level(small_registry, officer, role, area, expected):
    user = officer(role, area)
    assert {p.full_name for p in scoped(Person.objects.all(), user)} == expected
    assert scoped(Household.objects.all(), user).count() == len(expected)


def test_scope_below_the_village_to_rw_and_rt(small_registry, officer):
    from bansos.areas.services import neighbourhoods_ensure

    neighbourhoods_ensure(units=[(VILLAGE_A, "001", "002"), (VILLAGE_A, "002", "001")])
    rw_officer = officer("pkh_facilitator", f"{VILLAGE_A}.001")
    rt_officer = officer("pkh_facilitator", f"{VILLAGE_A}.002.001")
    assert [p.full_name for p in scoped(Person.objects.all(), rw_officer)] == ["SUTRISNO"]
    assert [p.full_name for p in scoped(Person.objects.all(), rt_officer)] == ["SITI AMINAH"]


def test_non_officer_is_refused(small_registry, django_user_model):
    user = django_user_model.objects.create_user("citizen", password="x-password-1")
    with pytest.raises(PermissionDenied):
        scoped(Person.objects.all(), user)


def test_village_operator_cannot_open_another_villages_household_or_person(small_registry, officer, client):
    user = officer("village_operator", VILLAGE_A)
    client.force_login(user)
    own = small_registry["SUTRISNO"]
    other = small_registry["SLAMET"]
    assert client.get(reverse("office:household_detail", args=[own.household_id])).status_code == 200
    assert client.get(reverse("office:person_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("office:household_detail", args=[other.household_id])).status_code == 404
    assert client.get(reverse("office:person_detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("office:household_list")).content.decode()
    assert "SUTRISNO" in listing and "SLAMET" not in listing
    # Searching another village's NIK finds nothing either.
    listing = client.get(reverse("office:household_list"), {"q": "3510091003700003"}).content.decode()
    assert "SLAMET" not in listing and "0 keluarga" in listing


def test_search_by_nik_uses_the_blind_index(small_registry, officer, client):
    client.force_login(officer("district", "35.10.09"))
    page = client.get(reverse("office:household_list"), {"q": "3510 0945 0285 0002"}).content.decode()
    assert "SITI AMINAH" in page and "SUTRISNO" not in page


def test_person_page_is_logged_for_the_citizen(small_registry, officer, client):
    from bansos.audit.models import AccessLog

    user = officer("village_operator", VILLAGE_A)
    client.force_login(user)
    person = small_registry["SITI AMINAH"]
    client.get(reverse("office:person_detail", args=[person.pk]))
    entry = AccessLog.objects.get(person=person)
    assert entry.role == "village_operator" and entry.office == f"office {VILLAGE_A}"


def test_pages_need_login(client):
    response = client.get(reverse("office:household_list"))
    assert response.status_code == 302 and reverse("office:login") in response["Location"]


def test_scope_codes_go_as_far_as_the_code():
    from bansos.areas.scope import scope_codes

    assert scope_codes("35.10.09.2001") == ("35", "35.10", "35.10.09")
    assert scope_codes("35.10") == ("35", "35.10", "")
    assert scope_codes("ID") == scope_codes(None) == ("", "", "")
