"""`bansos demo` end to end, small: build, print the JSON summary, log in as its officers."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bansos.registry.models import Household, Person

REGION = "35.10.09"
PERSONS = 1200


@pytest.fixture
def demo_summary(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "--no-serve", "--json", "--reset", "--persons", str(PERSONS),
                 "--region", REGION, "--seed", "5", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_demo_builds_the_registry_and_reports_it(demo_summary, tmp_path):
    registry, linkage = demo_summary["registry"], demo_summary["linkage"]
    assert registry["persons"] == PERSONS
    assert 0 < registry["withheld"] < 0.05 * PERSONS  # people the civil registry lacks ...
    # ... some of whom the lists name: linkage adds them, and places every staged row
    proposed = demo_summary["cases"]["states"]["proposal:included"]  # an approved usul adds a person
    assert Person.objects.count() == PERSONS - registry["withheld"] + linkage["new_persons"] + proposed
    assert linkage["rows"] == sum(c["staged"] for c in demo_summary["intake"].values())
    assert linkage["sure"] > 0.9 * linkage["rows"]
    # The approved usul was for a family the registry lacked: its household is new too.
    assert demo_summary["registry"]["households"] + proposed == Household.objects.count() > 200
    assert set(demo_summary["population"]["program_list_rows"]) == {"PKH", "BPNT", "PBIJK",
                                                                      "PIP", "BLT"}
    assert (tmp_path / "demo" / "population" / "ground_truth.csv").exists()
    for code, counts in demo_summary["intake"].items():
        assert counts["rows"] == demo_summary["population"]["program_list_rows"][code]
        assert counts["rows"] == counts["staged"] + counts["quarantined"]
        assert counts["staged"] > 0.8 * counts["rows"]
    assert demo_summary["areas"]["village"] == 83_441
    assert set(Household.objects.values_list("district_code", flat=True)) == {REGION}
    assert {x["username"] for x in demo_summary["logins"]} == {
        "kemensos", "dinsos.provinsi", "dinsos.kabupaten", "kecamatan", "operator.desa",
        "pendamping.pkh", "bank.bri", "auditor"}


def test_demo_logins_work_and_each_sees_its_own_area(demo_summary, client):
    logins = {x["username"]: x for x in demo_summary["logins"]}
    operator_village = logins["operator.desa"]["area"].split()[0]
    mine = Household.objects.filter(village_id=operator_village)
    other = Household.objects.exclude(village_id=operator_village).first()
    assert mine.exists() and other is not None

    assert client.login(username="operator.desa", password=logins["operator.desa"]["password"])
    page = client.get("/office/keluarga/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == mine.count()
    assert client.get(f"/office/keluarga/{mine.first().pk}/").status_code == 200
    assert client.get(f"/office/keluarga/{other.pk}/").status_code == 404

    client.logout()
    assert client.login(username="dinsos.kabupaten", password=logins["kemensos"]["password"])
    imports = client.get("/office/impor/")
    from bansos.intake.models import ListImport

    # The five generated lists, and the banks' answers to the account requests.
    banks = ListImport.objects.filter(source__code="BANK").count()
    assert banks >= 1 and imports.context["page"].paginator.count == 5 + banks

    client.logout()
    assert client.login(username="kemensos", password=logins["kemensos"]["password"])
    everything = client.get("/office/keluarga/")
    assert everything.context["page"].paginator.count == Household.objects.count()
    assert 'href="?page=2"' in everything.content.decode()
    searched = client.get("/office/keluarga/?rw=001").content.decode()
    assert 'href="?rw=001&amp;page=2"' in searched


def test_demo_refuses_to_wipe_another_database_without_reset(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--no-serve", "--persons", "10", "--region", REGION)
    with pytest.raises(CommandError, match="99.99"):
        call_command("demo", "--no-serve", "--reset", "--region", "99.99")


def test_demo_enrols_the_five_programs_and_reports_each_cycle(demo_summary):
    from django.db.models import Sum

    from bansos.programs.models import Cycle, Entitlement

    programs = demo_summary["programs"]
    assert set(programs) == {"PKH", "SEMBAKO", "PBIJK", "PIP", "BLT"}
    assert demo_summary["scoring"]["ranked"] > 0.9 * demo_summary["scoring"]["households"]
    for code, reported in programs.items():
        cycle = Cycle.objects.get(pk=reported["cycle"], program_id=code)
        listed = Entitlement.objects.filter(cycle=cycle, state=Entitlement.State.APPROVED)
        # Paid through the banks, except PBI-JK (premiums go to the insurer, not to families).
        expected = Cycle.State.APPROVED if code == "PBIJK" else Cycle.State.PAYING
        assert cycle.state == expected and reported["households"] == listed.count() > 0
        assert reported["total"] == listed.aggregate(total=Sum("amount"))["total"]
        assert cycle.measures["administration"]["every_household_decided"]
    assert programs["SEMBAKO"]["total"] == 600_000 * programs["SEMBAKO"]["households"]
    assert programs["BLT"]["total"] == 900_000 * programs["BLT"]["households"]


def test_demo_pays_through_the_simulated_bank_and_reconciles_to_the_rupiah(demo_summary):
    from django.db.models import Sum

    from bansos.notify.models import Message
    from bansos.payments.ledger import ledger_balances
    from bansos.payments.models import BankReport, Payment
    from bansos.programs.models import Cycle, Entitlement

    paid = demo_summary["payments"]
    assert set(paid["payments"]) == {"PKH", "SEMBAKO", "PIP", "BLT"}
    assert paid["account_requests"] > 0 and paid["accounts_opened"] > 0
    for code, states in paid["payments"].items():
        cycle = Cycle.objects.get(program_id=code)
        assert states["ledger_problems"] == []
        assert states["credited"]["count"] > 0 and states["rejected"]["count"] > 0
        assert states["sent"]["count"] == 0  # every payment answered
        # Never more than one credited payment per entitlement, never more than entitled.
        credited = Payment.objects.filter(cycle=cycle, state__in=["credited", "returned"])
        assert credited.values("entitlement").distinct().count() == credited.count()
        entitled = Entitlement.objects.filter(cycle=cycle, state="approved").aggregate(t=Sum("amount"))["t"]
        assert states["credited"]["total"] + states["returned"]["total"] <= entitled
        balances = ledger_balances(cycle=cycle)
        assert balances[f"anggaran:{code}"] == -(states["credited"]["total"] + sum(
            v for k, v in balances.items() if k == "kas_negara"))
    assert paid["lapsed"] > 0
    assert BankReport.objects.filter(kind="activity").exists()
    assert paid["messages"]["sent"] > 0
    assert Message.objects.filter(channel="sms", status="sent").count() == paid["messages"]["sent"]
    assert Message.objects.filter(channel="inbox").count() >= Payment.objects.count()


def test_demo_leaves_cases_at_every_stage_and_residents_who_can_log_in(demo_summary, client):
    from bansos.cases.models import Case
    from bansos.core.models import Run
    from bansos.core.protected import blind_index
    from bansos.portal.models import Citizen

    states = demo_summary["cases"]["states"]
    for key in ("proposal:submitted", "proposal:social_office_verification", "proposal:included",
                "rebuttal:village_verification", "complaint:answered", "complaint:received"):
        assert states.get(key, 0) >= 1, key
    included = Case.objects.get(pk=demo_summary["cases"]["cases"]["included"])
    assert included.person_id == demo_summary["cases"]["registry_person_from_proposal"] is not None
    late = Case.objects.get(pk=demo_summary["cases"]["cases"]["late"])
    assert late.escalation == 1 and late.assigned_role == "district"
    # The residents' NIKs are printed for trying the portal, never stored in the run's summary.
    logins = demo_summary["citizens"]
    assert len(logins) == 4 and Citizen.objects.filter(verified_at__isnull=False).count() == 4
    stored = json.dumps(Run.objects.filter(kind="demo.build").latest("pk").summary)
    assert all(login["nik"] not in stored for login in logins)
    assert demo_summary["signup"]["nik"] not in stored
    # Everything the demo did left an unbroken audit chain.
    from bansos.audit.verify import audit_verify

    assert audit_verify().ok
    citizen = Citizen.objects.get(person__nik_index=blind_index(logins[0]["nik"], purpose="nik"))
    client.force_login(citizen.user)
    assert client.get("/akun/kasus/").status_code == 200
