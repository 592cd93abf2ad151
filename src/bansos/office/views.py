"""Officer pages. Thin: every read goes through registry.queries / areas.scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bansos.areas.models import Area
from bansos.areas.scope import officer_area, scoped, scoped_get
from bansos.audit.services import access_record
from bansos.cases import queries as case_queries
from bansos.linkage import queries as linkage_queries
from bansos.payments import queries as payment_queries
from bansos.programs import queries as program_queries
from bansos.registry import queries
from bansos.registry.models import Household, Person

PAGE_SIZE = 50


@login_required
@require_GET
def home(request):
    area = officer_area(request.user)
    return render(request, "office/home.html", {"area": area, "counts": queries.area_counts(user=request.user),
                                                "cases": case_queries.queue_counts(user=request.user)})


@login_required
@require_GET
def household_list(request):
    area = officer_area(request.user)
    params = {k: request.GET.get(k, "") for k in ("village", "rw", "rt", "q")}
    qs = queries.household_list(user=request.user, village=params["village"], rw=params["rw"], rt=params["rt"], text=params["q"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    villages = Area.objects.filter(level=Area.Level.VILLAGE, code__in=scoped(Household.objects.all(), request.user).values("village_id")).order_by("name")
    query = urlencode({k: v for k, v in params.items() if v})
    return render(request, "office/household_list.html", {"area": area, "page": page, "params": params, "villages": villages,
                                                          "query": f"{query}&" if query else ""})


@login_required
@require_GET
def household_detail(request, pk: int):
    household = scoped_get(Household.objects.select_related("village__parent__parent", "head"), request.user, pk=pk)
    members = list(queries.household_members(household=household))
    for person in members:
        access_record(person_id=person.pk, user=request.user, action="view", purpose="household page")
    context = {
        "household": household,
        "members": members,
        "memberships": household.memberships.select_related("person").order_by("start_date", "id"),
        "profile": household.profiles.order_by("-observed_on").first(),
        "sources": household.source_values.filter(person__isnull=True).order_by("field", "observed_at"),
        "welfare": program_queries.household_welfare(household=household),
        "decisions": program_queries.household_decisions(household=household),
        "payments": payment_queries.payment_history(household_id=household.pk),
        "accounts": payment_queries.household_accounts(household_id=household.pk),
        "household_cases": case_queries.household_cases(household=household, user=request.user),
        "may_fix_account": program_queries.role_of(request.user) in payment_queries.ACCOUNT_ROLES,
    }
    return render(request, "office/household_detail.html", context)


@login_required
@require_GET
def person_detail(request, pk: int):
    person = scoped_get(Person.objects.select_related("household__village"), request.user, pk=pk)
    access_record(person_id=person.pk, user=request.user, action="view", purpose="person page")
    source_rows = list(linkage_queries.person_source_rows(person=person))
    context = {
        "person": person,
        "memberships": person.memberships.select_related("household__village").order_by("start_date", "id"),
        "sources": person.source_values.order_by("field", "observed_at"),
        "source_rows": source_rows,
        "can_split": linkage_queries.person_split_allowed(user=request.user, person=person, rows=len(source_rows)),
    }
    return render(request, "office/person_detail.html", context)
