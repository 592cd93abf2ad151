"""A registry linkage run end to end on a generated world: the five program lists linked into
a registry that lacks some of their people, checked against the ground truth."""

from __future__ import annotations

import csv
from datetime import date

import numpy as np
import pytest

from bansos.areas.services import areas_load
from bansos.demo.build import registry_withhold
from bansos.demo.generate import generate_population
from bansos.intake.models import ListImport, StagedRow
from bansos.intake.services import list_import_run
from bansos.linkage.evaluate import accuracy, data_row_labels
from bansos.linkage.models import LinkRun, RecordLink
from bansos.linkage.run import link_run
from bansos.registry.bulk import registry_load_population
from bansos.registry.models import Person

REGION = "35.10.09"
FILES = {"PKH": "pkh.csv", "BPNT": "bpnt.csv", "PBIJK": "pbijk.csv", "PIP": "pip.xlsx",
         "BLT": "blt.csv"}
TODAY = date(2025, 10, 1)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    generate_population(regions=[REGION], persons=3000, seed=21, out_dir=out)
    with open(out / "ground_truth.csv", encoding="utf-8", newline="") as f:
        truth = {(r["source"], r["row_number"]): r for r in csv.DictReader(f)}
    return out, truth


def _load(out, sources):
    for code in sources:
        result = list_import_run(path=out / FILES[code], source_code=code, today=TODAY)
        assert result.status == ListImport.Status.DONE, result.error


def _listed_withheld(out, truth) -> set[int]:
    """Persons left out of the registry who appear on a staged row: each must become exactly
    one new person."""
    import pyarrow.parquet as pq

    everyone = set(pq.read_table(out / "persons.parquet", columns=["person_id"])
                   ["person_id"].to_pylist())
    missing = everyone - set(Person.objects.values_list("pk", flat=True))
    labels = {}
    for li in ListImport.objects.select_related("source"):
        labels.update({pk: (li.source.code, label)
                       for pk, label in data_row_labels(list_import_id=li.pk).items()})
    return {int(truth[label]["person_id"]) for label in labels.values()} & missing


def _scores(truth):
    """Pairwise accuracy of persons (registry persons count as records too) and the share of
    rows placed in their true household."""
    labels = {}
    for li in ListImport.objects.select_related("source"):
        labels.update({pk: (li.source.code, label)
                       for pk, label in data_row_labels(list_import_id=li.pk).items()})
    top = max(int(t["person_id"]) for t in truth.values())
    predicted, true, households = [], [], 0
    links = RecordLink.objects.values_list("staged_row_id", "person_id", "household_id")
    for staged_id, person_id, household_id in links:
        row = truth[labels[staged_id]]
        predicted.append(person_id if person_id is not None else -staged_id)
        true.append(int(row["person_id"]))
        households += household_id == int(row["household_id"])
    nodes = sorted({p for p in predicted if 0 < p <= top})  # the registry's own records
    result = accuracy(predicted=np.array(predicted + nodes), truth=np.array(true + nodes))
    return result, households / len(true)


def test_lists_link_into_a_registry_missing_some_people(db, world):
    out, truth = world
    areas_load(prefixes=["35.10"])
    registry_load_population(population_dir=out)
    withheld = registry_withhold(share=0.05, seed=3)
    persons_before = Person.objects.count()
    _load(out, FILES)

    expected_new = _listed_withheld(out, truth)
    run = link_run(started_by="test")

    assert run.status == LinkRun.Status.DONE
    assert RecordLink.objects.count() == StagedRow.objects.count() == run.counts["rows"]
    assert run.model["comparisons"], "the trained model is stored with the run"
    assert (run.upper_threshold, run.lower_threshold) == (0.99, 0.8)
    assert withheld and expected_new
    # each becomes one new person, unless its row waits for a duplicate review
    assert len(expected_new) - run.counts["reviews"] <= run.counts["new_persons"]
    assert run.counts["new_persons"] <= len(expected_new)
    assert Person.objects.count() == persons_before + run.counts["new_persons"]
    result, household_share = _scores(truth)
    assert result.f1 >= 0.99, result.as_dict()
    assert result.precision >= 0.99, result.as_dict()
    assert household_share >= 0.99
    # every new person is in a household and has a membership
    new = Person.objects.filter(pk__gt=max(int(t["person_id"]) for t in truth.values()))
    assert not new.filter(household=None).exists()
    assert all(p.memberships.count() == 1 for p in new[:20])


def test_new_lists_link_incrementally_against_what_is_linked(db, world):
    out, truth = world
    areas_load(prefixes=["35.10"])
    registry_load_population(population_dir=out)
    registry_withhold(share=0.05, seed=3)
    _load(out, ["PKH", "BPNT"])
    first_new = _listed_withheld(out, truth)
    first = link_run()
    assert len(first_new) - first.counts["reviews"] <= first.counts["new_persons"]
    assert first.counts["new_persons"] <= len(first_new)
    linked = RecordLink.objects.count()
    persons = Person.objects.count()

    assert link_run().counts == {"rows": 0}  # nothing new: nothing done
    _load(out, ["PBIJK", "PIP", "BLT"])
    all_new = _listed_withheld(out, truth) | first_new
    second = link_run()

    assert second.counts["rows"] == StagedRow.objects.count() - linked
    assert RecordLink.objects.filter(run=first).count() == linked  # earlier links untouched
    # people added by the first run are found again, not added twice
    assert second.counts["new_persons"] <= len(all_new - first_new)
    assert Person.objects.count() - persons == second.counts["new_persons"]
    result, _ = _scores(truth)
    assert result.f1 >= 0.99, result.as_dict()


def test_only_one_run_at_a_time(db):
    from bansos.linkage.run import LinkRunBusy

    LinkRun.objects.create(upper_threshold=0.99, lower_threshold=0.8)
    with pytest.raises(LinkRunBusy):
        link_run()


def test_thresholds_are_checked(db):
    with pytest.raises(ValueError, match="thresholds"):
        link_run(upper=0.5, lower=0.9)


def test_link_command_registry_mode_links_staged_rows(db, world, tmp_path):
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, _ = world
    areas_load(prefixes=["35.10"])
    registry_load_population(population_dir=out)
    _load(out, ["BLT"])
    buffer = io.StringIO()
    call_command("link", "--registry", "--json", stdout=buffer)
    summary = json.loads(buffer.getvalue().strip().splitlines()[-1])
    assert summary["rows"] == StagedRow.objects.count() == RecordLink.objects.count()
    assert summary["thresholds"] == [0.8, 0.99]
    with pytest.raises(CommandError, match="thresholds"):
        call_command("link", "--registry", "--upper", "0.5", "--lower", "0.9")
    with pytest.raises(CommandError, match="--out"):
        call_command("link", str(tmp_path / "x.csv"))
