"""Reads for the duplicate-review pages and the person page's sources, always limited to the
officer's area.

A review belongs to the area of its staged row: the run copies the row's province, regency
and district codes onto the review (indexed), and below a district the row's own village and
RW/RT decide. The registry person or other row it is compared with may lie elsewhere: the
reviewer sees both sides, as deciding needs them."""

from __future__ import annotations

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from bansos.areas.models import Area, Role
from bansos.areas.scope import area_filter, officer_area
from bansos.linkage.models import DuplicateReview, LinkRun, RecordLink
from bansos.registry.models import Person

# Who may decide reviews and split links: the officers who enter and verify registry data
# (village operators, district, the social offices and the ministry's data centre). PKH
# facilitators, auditors and banks read the registry but do not change it.
DECIDE_ROLES = frozenset({Role.MINISTRY, Role.PROVINCE, Role.REGENCY, Role.DISTRICT,
                          Role.VILLAGE_OPERATOR})
# Banks see their own accounts only, never the registry's duplicates.
VIEW_ROLES = frozenset(Role) - {Role.BANK}

_OWN_CODES = {Area.Level.NATIONAL, Area.Level.PROVINCE, Area.Level.REGENCY, Area.Level.DISTRICT}


def review_area_filter(area: Area) -> Q:
    """A Q limiting duplicate reviews to `area` (see the module docstring)."""
    if area.level in _OWN_CODES:
        return area_filter(area)  # the review's own indexed province/regency/district codes
    district = ".".join(area.code.split(".")[:3])
    return Q(district_code=district) & area_filter(area, path="staged_row__")


def review_may_view(*, user) -> bool:
    officer = getattr(user, "officer", None)
    return officer is not None and officer.role in VIEW_ROLES


def review_may_decide(*, user) -> bool:
    """Whether the user's role may decide duplicate reviews and split record links."""
    officer = getattr(user, "officer", None)
    return officer is not None and officer.role in DECIDE_ROLES


def reviews_visible(*, user, status: str = DuplicateReview.Status.OPEN
                    ) -> QuerySet[DuplicateReview]:
    """Reviews in the officer's area with `status` ("" for all), most probable first."""
    if not review_may_view(user=user):
        return DuplicateReview.objects.none()
    qs = DuplicateReview.objects.filter(review_area_filter(officer_area(user)))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("staged_row__list_import__source", "staged_row__village").order_by(
        "-match_probability", "id")


def review_get(*, user, pk: int) -> DuplicateReview:
    """One review in the officer's area, with both sides; outside it: 404."""
    qs = reviews_visible(user=user, status="").select_related(
        "person__household__village", "other_row__list_import__source", "other_row__village",
        "decided_by", "run")
    return get_object_or_404(qs, pk=pk)


def review_in_area(*, review: DuplicateReview, user) -> bool:
    return DuplicateReview.objects.filter(
        review_area_filter(officer_area(user)), pk=review.pk).exists()


def reviews_of_row(*, review: DuplicateReview, status: str = DuplicateReview.Status.OPEN
                   ) -> QuerySet[DuplicateReview]:
    """The other reviews of the same staged row (as either side), for the reviewer's context."""
    row = review.staged_row_id
    return (DuplicateReview.objects.filter(Q(staged_row_id=row) | Q(other_row_id=row),
                                           status=status)
            .exclude(pk=review.pk).order_by("-match_probability", "id"))


def row_links(*, row_ids: list[int]) -> dict[int, RecordLink]:
    """staged row id -> its RecordLink (where it went), for the rows named."""
    return {link.staged_row_id: link
            for link in RecordLink.objects.filter(staged_row_id__in=row_ids)}


def person_source_rows(*, person: Person) -> QuerySet[RecordLink]:
    """Every staged list row linked to `person`, with its import, source, file and row: the
    provenance of the person's record, oldest import first."""
    return (RecordLink.objects.filter(person=person)
            .select_related("staged_row__list_import__source", "staged_row__village")
            .order_by("staged_row__list_import__created_at", "staged_row__list_import_id",
                      "staged_row__sheet", "staged_row__row_number"))


def link_get_for_split(*, user, pk: int) -> RecordLink:
    """A record link whose person lies in the officer's area; outside it: 404."""
    link = get_object_or_404(RecordLink.objects.select_related("person", "staged_row"), pk=pk)
    if link.person_id is None or not Person.objects.filter(
            area_filter(officer_area(user), path=Person.scope_path), pk=link.person_id).exists():
        raise Http404
    return link


def person_made_by_linkage(*, person: Person) -> bool:
    """Whether linkage created `person` (no earlier registry record): created at or after the
    start of the first run that linked a row to it."""
    first = LinkRun.objects.filter(
        pk__in=RecordLink.objects.filter(person=person).values("run_id")
    ).aggregate(first=Min("started_at"))["first"]
    return first is not None and person.created_at >= first


def person_split_allowed(*, user, person: Person, rows: int) -> bool:
    """Whether the person page offers to split its rows: a permitted officer, and a person with
    evidence besides any one row (several rows, or a registry record older than linkage)."""
    if not review_may_decide(user=user) or rows == 0:
        return False
    return rows > 1 or not person_made_by_linkage(person=person)
