"""Duplicate-record reviews become cases, are decided through them (calling linkage's own
service), and follow a decision made on the linkage page."""

from __future__ import annotations

import pytest

from bansos.cases.engine import case_act
from bansos.cases.models import Case
from bansos.cases.reviews import review_cases_sync
from bansos.linkage.models import DuplicateReview
from tests.conftest import VILLAGE_A
from tests.linkage import review_data as data

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(small_registry):
    from bansos.intake.models import Source

    Source.objects.get_or_create(code="PKH", defaults={"name": "PKH", "kind": "program"})
    run, imp = data.link_run(), data.list_import()
    first = data.review(data.staged_row(imp), run, person=small_registry["SUTRISNO"])
    second = data.review(data.staged_row(imp, nik="3510094502850009", name="SITI AMINA"), run,
                         person=small_registry["SITI AMINAH"])
    return first, second


def test_reviews_become_cases_once_and_are_decided_through_them(reviews, officer, small_registry):
    from bansos.linkage.review import duplicate_review_decide

    assert review_cases_sync() == {"opened": 2, "closed": 0}
    assert review_cases_sync() == {"opened": 0, "closed": 0}
    first, second = reviews
    case = Case.objects.get(ref_type="linkage.review", ref_id=first.pk)
    assert (case.kind, case.village_id, case.assigned_role) == ("duplicate_review", VILLAGE_A, "village_operator")
    operator = officer("village_operator", VILLAGE_A)
    case = case_act(case=case, action="same", by=operator, note="orang yang sama")
    first.refresh_from_db()
    assert first.status == DuplicateReview.Status.SAME and (case.state, case.outcome) == ("merged", "same")
    # Decided on the linkage page instead: the case follows.
    duplicate_review_decide(review=second, same=False, by=operator, note="beda orang")
    assert review_cases_sync() == {"opened": 0, "closed": 1}
    mirrored = Case.objects.get(ref_id=second.pk)
    assert (mirrored.state, mirrored.closed_at is not None) == ("kept_apart", True)
