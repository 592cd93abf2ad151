"""Officer pages for programs: cycles with their lists, approval, suspensions, the rule files and
the rule preview. Thin: reads through `queries`, writes through `cycles` and `entitlements`."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bansos.areas.scope import officer_area
from bansos.programs import queries
from bansos.programs.cycles import CycleError, cycle_advance, cycle_approve, cycle_verify
from bansos.programs.entitlements import EntitlementError, suspension_decide
from bansos.programs.models import Cycle, Entitlement, RuleVersion
from bansos.programs.preview import PREVIEW_LEVELS, PreviewError, preview_run
from bansos.targeting.rules import rules_catalog

PAGE_SIZE = 50


def _actor(user) -> str:
    return user.get_username()


def _require_role(user, roles: set[str]) -> None:
    officer_area(user)  # non-officers: 403
    if queries.role_of(user) not in roles:
        raise PermissionDenied


@login_required
@require_GET
def cycle_list(request):
    officer_area(request.user)
    return render(request, "programs/cycle_list.html", {
        "area": officer_area(request.user), "rows": queries.cycles_visible(user=request.user),
        "may_preview": queries.role_of(request.user) in queries.PREVIEW_ROLES})


@login_required
@require_GET
def cycle_detail(request, pk: int):
    area = officer_area(request.user)
    cycle = get_object_or_404(Cycle.objects.select_related("program", "rule_version", "scoring_run__pmt"), pk=pk)
    state = request.GET.get("state", "")
    if state not in Entitlement.State.values:
        state = ""
    page = Paginator(queries.cycle_entitlements(cycle=cycle, user=request.user, state=state),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    role = queries.role_of(request.user)
    return render(request, "programs/cycle_detail.html", {
        "area": area, "cycle": cycle, "page": page, "state": state, "states": Entitlement.State.choices,
        "districts": queries.cycle_by_district(cycle=cycle, user=request.user),
        "suspensions": queries.suspensions_open(user=request.user, cycle=cycle)[:PAGE_SIZE],
        # Recomputing the digest reads the whole list (a million rows nationally): on request only.
        "verified": cycle_verify(cycle) if cycle.digest and request.GET.get("periksa") else None,
        "may_approve": role in queries.APPROVE_ROLES, "may_decide": role in queries.SUSPENSION_ROLES,
        "query": f"state={state}&" if state else ""})


@login_required
@require_POST
def cycle_approve_view(request, pk: int):
    _require_role(request.user, queries.APPROVE_ROLES)
    cycle = get_object_or_404(Cycle, pk=pk)
    try:
        if request.POST.get("action") == "advance":
            cycle_advance(cycle=cycle, by=_actor(request.user))
        else:
            cycle_approve(cycle=cycle, by=_actor(request.user))
        messages.success(request, _done_message(cycle))
    except CycleError as error:
        messages.error(request, str(error))
    return redirect("programs:cycle_detail", pk=pk)


def _done_message(cycle: Cycle) -> str:
    return gettext("Siklus %(cycle)s diperbarui.") % {"cycle": cycle}


class SuspensionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("lift", "lift"), ("confirm", "confirm")])
    note = forms.CharField(max_length=500, required=False)


@login_required
@require_POST
def suspension_decide_view(request, pk: int):
    _require_role(request.user, queries.SUSPENSION_ROLES)
    suspension = queries.suspension_get(user=request.user, pk=pk)
    form = SuspensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
    else:
        try:
            suspension_decide(suspension=suspension, lift=form.cleaned_data["decision"] == "lift",
                              by=_actor(request.user), note=form.cleaned_data["note"])
            messages.success(request, gettext("Penangguhan sudah diputuskan."))
        except EntitlementError as error:
            messages.error(request, str(error))
    return redirect("programs:cycle_detail", pk=suspension.cycle_id)


@login_required
@require_GET
def rule_version_detail(request, pk: int):
    officer_area(request.user)
    version = get_object_or_404(RuleVersion.objects.select_related("program"), pk=pk)
    return render(request, "programs/rule_version.html", {"version": version})


class PreviewForm(forms.Form):
    rules = forms.ChoiceField(required=False)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 80}))
    level = forms.ChoiceField(choices=[(x, x) for x in PREVIEW_LEVELS], initial="district")
    on = forms.DateField(required=False)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request):
    """How many households a rule version (shipped, or a draft pasted here) would enrol, by
    region, at what cost, on the latest scoring run."""
    _require_role(request.user, queries.PREVIEW_ROLES)
    catalog = {f"{r.program} {r.version}": r for r in rules_catalog()}
    form = PreviewForm(request.POST or None)
    form.fields["rules"].choices = [("", "—")] + [(k, f"{k} ({r.source})") for k, r in catalog.items()]
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = preview_run(rules=catalog.get(data["rules"]), text=data["text"], level=data["level"],
                                 on=data["on"] or date.today(), user=request.user)
        except PreviewError as error:
            form.add_error(None, str(error))
    return render(request, "programs/preview.html", {"form": form, "result": result,
                                                     "area": officer_area(request.user)})
