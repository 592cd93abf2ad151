"""The citizen's side of cases: propose (usul), rebut (sanggah), complain, withdraw, follow
one's own cases. Only the signed-in citizen's own cases are reachable; a rebutted family never
sees who rebutted it (the case is not theirs, and its pages name no filer)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bansos.cases import queries
from bansos.cases.engine import CaseError, actions_for, case_act, case_cancel, step_of
from bansos.cases.forms import ComplaintForm, ProposalForm, RebuttalForm, WithdrawalForm
from bansos.cases.models import CaseDocument
from bansos.cases.services import (
    Upload,
    complaint_submit,
    proposal_submit,
    rebuttal_submit,
    recipient_programs,
    withdrawal_submit,
)
from bansos.cases.uploads import UploadError
from bansos.cases.views import document_response
from bansos.core.masking import mask_name
from bansos.portal.citizens import citizen_required
from bansos.programs.models import Program
from bansos.registry.models import Household

# Filing is rate-limited per account: a handful a day is what a resident needs.
FILE_RATE = "20/d"


def _programs():
    return Program.objects.exclude(code="PBIJK").values_list("code", "name").order_by("code")


@citizen_required
@require_GET
def my_cases(request):
    page = Paginator(queries.citizen_cases(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "cases/citizen_list.html",
                  {"page": page, "rows": [(c, queries.case_summary(c)) for c in page]})


@citizen_required
@require_GET
def my_case(request, pk: int):
    case = queries.citizen_case_get(user=request.user, pk=pk)
    return render(request, "cases/citizen_case.html", {
        "case": case, "summary": queries.case_summary(case), "step": step_of(case),
        "actions": actions_for(case=case, user=request.user),
        "events": queries.case_timeline(case=case, public_only=True),
        "documents": queries.case_documents(case=case, public_only=True),
        "subject": mask_name(case.subject_name or (case.person.full_name if case.person_id else "")),
    })


@citizen_required
@require_POST
def my_case_action(request, pk: int):
    case = queries.citizen_case_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "cancel":
            case_cancel(case=case, by=request.user, note=request.POST.get("note", ""))
        else:
            case_act(case=case, action=action, by=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("Tersimpan."))
    except (CaseError, PermissionDenied) as error:
        messages.error(request, str(error))
    return redirect("citizen_cases:detail", pk=case.pk)


@citizen_required
@require_GET
def my_document(request, pk: int):
    document = get_object_or_404(CaseDocument, pk=pk, public=True, case__filed_by=request.user)
    return document_response(document)


def _uploads(form, names: dict[str, str]) -> list[Upload]:
    return [Upload(kind, form.cleaned_data[field]) for field, kind in names.items() if form.cleaned_data.get(field)]


@citizen_required
@ratelimit(key="user", rate=FILE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def proposal_new(request):
    citizen = request.citizen
    household = citizen.person.household
    form = ProposalForm(request.POST or None, request.FILES or None, programs=_programs(),
                        initial={"rw": household.rw, "rt": household.rt} if household else None)
    if request.method == "POST" and getattr(request, "limited", False):
        form.add_error(None, _("Terlalu banyak pengajuan hari ini; coba lagi besok."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = proposal_submit(
                by=request.user, citizen=citizen, village=household.village, nik=data["nik"], kk=data["kk"],
                name=data["name"], relation=data["relation"], program_id=data["program"] or None,
                rw=data["rw"], rt=data["rt"], address=data["address"], details=data["details"],
                uploads=_uploads(form, {"ktp": "ktp", "kk_photo": "kk", "selfie": "selfie", "house": "house",
                                         "letter": "letter", "electricity": "electricity"}))
            messages.success(request, _("Usulan %(ref)s terkirim. Perkembangannya dikabarkan lewat SMS dan kotak masuk.")
                             % {"ref": case.ref})
            return redirect("citizen_cases:detail", pk=case.pk)
        except (CaseError, UploadError) as error:
            form.add_error(None, str(error))
    return render(request, "cases/citizen_proposal.html", {"form": form, "village": household.village})


@citizen_required
@ratelimit(key="user", rate=FILE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def rebuttal_new(request):
    citizen = request.citizen
    raw = request.GET.get("rumah") or request.POST.get("rumah") or ""
    own = citizen.person.household
    target = get_object_or_404(Household.objects.select_related("head", "village"),
                               pk=int(raw) if raw.isdigit() else 0, village_id=own.village_id)
    form = RebuttalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and getattr(request, "limited", False):
        form.add_error(None, _("Terlalu banyak pengajuan hari ini; coba lagi besok."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = rebuttal_submit(by=request.user, citizen=citizen, household_id=target.pk, reason=data["reason"],
                                   details=data["details"], latitude=data["latitude"], longitude=data["longitude"],
                                   uploads=_uploads(form, {"house": "house"}))
            messages.success(request, _("Sanggahan %(ref)s terkirim. Identitas Anda tidak diberitahukan kepada "
                                        "keluarga yang disanggah.") % {"ref": case.ref})
            return redirect("citizen_cases:detail", pk=case.pk)
        except (CaseError, UploadError, PermissionDenied) as error:
            form.add_error(None, str(error))
    return render(request, "cases/citizen_rebuttal.html", {
        "form": form, "target": target, "target_name": mask_name(target.head.full_name if target.head else ""),
        "programs": recipient_programs(household=target)})


@citizen_required
@ratelimit(key="user", rate=FILE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    form = ComplaintForm(request.POST or None, request.FILES or None, programs=_programs())
    if request.method == "POST" and getattr(request, "limited", False):
        form.add_error(None, _("Terlalu banyak pengajuan hari ini; coba lagi besok."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = complaint_submit(by=request.user, citizen=request.citizen, category=data["category"],
                                    details=data["details"], program_id=data["program"] or None,
                                    uploads=_uploads(form, {"evidence": "other"}))
            messages.success(request, _("Pengaduan %(ref)s terkirim.") % {"ref": case.ref})
            return redirect("citizen_cases:detail", pk=case.pk)
        except (CaseError, UploadError) as error:
            form.add_error(None, str(error))
    return render(request, "cases/citizen_complaint.html", {"form": form})


@citizen_required
@require_http_methods(["GET", "POST"])
def withdrawal_new(request):
    household = request.citizen.person.household
    programs = [(code, code) for code in (recipient_programs(household=household) if household else [])]
    form = WithdrawalForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            case = withdrawal_submit(by=request.user, citizen=request.citizen,
                                     program_id=form.cleaned_data["program"] or None,
                                     details=form.cleaned_data["details"])
            messages.success(request, _("Pengunduran diri %(ref)s terkirim.") % {"ref": case.ref})
            return redirect("citizen_cases:detail", pk=case.pk)
        except CaseError as error:
            form.add_error(None, str(error))
    return render(request, "cases/citizen_withdrawal.html", {"form": form, "programs": programs})
