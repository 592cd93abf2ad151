import pytest

from bansos.areas import catalog
from bansos.areas.models import Area
from bansos.areas.services import areas_load, neighbourhoods_ensure


def test_catalog_has_the_real_kemendagri_counts():
    levels = [r.level for r in catalog.regions()]
    assert levels.count("province") == 34
    assert levels.count("regency") == 514
    assert levels.count("district") == 7230
    assert levels.count("village") == 83441
    assert catalog.by_code()["35.10"].name == "KAB. BANYUWANGI"
    assert "351009" in catalog.district_codes_compact()
    assert "359999" not in catalog.district_codes_compact()


def test_code_forms():
    assert catalog.compact("35.10.01.2001") == "3510012001"
    assert catalog.dotted("3510012001") == "35.10.01.2001"
    assert catalog.dotted("351001") == "35.10.01"


@pytest.mark.django_db
def test_partial_load_is_idempotent_and_keeps_ancestors():
    first = areas_load(prefixes=["35.10.09"])
    assert first["inserted"] == Area.objects.count()
    village = Area.objects.get(code="35.10.09.2001")
    assert village.parent.parent.parent.code == "35"
    assert village.parent.parent.parent.parent.code == "ID"
    again = areas_load(prefixes=["35.10.09"])
    assert again["inserted"] == 0
    assert Area.objects.filter(code="35.10.09.2001").count() == 1
    assert not Area.objects.filter(code__startswith="35.10.08").exists()


@pytest.mark.django_db
def test_neighbourhood_units_under_a_village():
    areas_load(prefixes=["35.10.09.2001"])
    created = neighbourhoods_ensure(units=[("35.10.09.2001", "001", "001"), ("35.10.09.2001", "001", "002")])
    assert created == 3
    rt = Area.objects.get(code="35.10.09.2001.001.002")
    assert rt.level == "rt" and rt.parent.level == "rw" and rt.parent.parent_id == "35.10.09.2001"
    neighbourhoods_ensure(units=[("35.10.09.2001", "001", "001")])
    assert Area.objects.filter(level__in=["rw", "rt"]).count() == 3
