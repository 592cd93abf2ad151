import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bansos.areas.models import Area
from bansos.core.models import Run


@pytest.mark.django_db
def test_areas_load_json_summary_is_the_last_line():
    out = StringIO()
    call_command("areas", "load", "--under", "35.10", "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["regency"] == 1 and summary["district"] == 25 and summary["village"] == 217
    assert summary["inserted"] == Area.objects.count() == 1 + 1 + 1 + 25 + 217
    run = Run.objects.get(pk=summary["run"])
    assert run.status == "succeeded" and run.summary["village"] == 217


@pytest.mark.django_db
def test_areas_load_rejects_a_bad_code():
    with pytest.raises(CommandError, match="not a region code"):
        call_command("areas", "load", "--under", "35;DROP", stdout=StringIO())
