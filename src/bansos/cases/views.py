"""Officer pages for cases: the work queue with bulk actions, the case view with evidence and
timeline, acting on a step, a complaint taken by phone. Thin: rules are in engine/services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bansos.areas.models import Area
from bansos.areas.scope import officer_area, scoped
from bansos.audit.services import access_record
from bansos.cases import queries
from bansos.cases.engine import CaseError, actions_for, case_act, case_note, step_of
from bansos.cases.forms import DocumentForm, OfficeComplaintForm, QueueFilterForm
from bansos.cases.models import CaseDocument
from bansos.cases.services import Upload, complaint_submit, subject_nik_masked
from bansos.cases.uploads import UploadError, document_path, document_store
from bansos.programs.models import Program
from bansos.registry.models import Household

PAGE_SIZE = 50


def _require_case_role(user) -> None:
    if not queries.may_work_cases(user=user):
        raise PermissionDenied("role may not work cases")


@login_required
@require_GET
def queue(request):
    _require_case_role(request.user)
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    scope = data.get("scope") or "mine"
    qs = queries.case_queue(user=request.user, kind=data.get("kind", ""), mine=scope == "mine",
                            overdue=scope == "overdue", open_only=scope != "closed")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, queries.case_summary(case),
             [a for a in actions_for(case=case, user=request.user, in_area=True) if a.bulk]) for case in page]
    bulk = sorted({(a.code, str(a.label)) for _, _, actions in rows for a in actions})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/queue.html", {"form": form, "page": page, "rows": rows, "bulk": bulk,
                                                "query": f"{query.urlencode()}&" if query else "", "area": officer_area(request.user)})


@login_required
@require_POST
def queue_bulk(request):
    """The same action on many cases (accepting a day's proposals, taking complaints): each
    case is acted on by itself, so one refusal does not stop the others."""
    _require_case_role(request.user)
    action = request.POST.get("action", "")
    done, refused = 0, []
    for pk in request.POST.getlist("case"):
        if not pk.isdigit():
            continue
        case = queries.case_get(user=request.user, pk=int(pk))
        if not any(a.code == action and a.bulk for a in actions_for(case=case, user=request.user, in_area=True)):
            refused.append(case.ref)
            continue
        try:
            case_act(case=case, action=action, by=request.user, note=request.POST.get("note", ""))
            done += 1
        except (CaseError, PermissionDenied):
            refused.append(case.ref)
    messages.success(request, _("%(n)d kasus diproses.") % {"n": done})
    if refused:
        messages.warning(request, _("Tidak dapat diproses: %(refs)s") % {"refs": ", ".join(refused)})
    return redirect(request.POST.get("next") or "cases:queue")


# What officers add to a case: the deliberation's minutes, letters, a field visit's photo.
OFFICE_DOCUMENT_KINDS = [(k.value, k.label) for k in (
    CaseDocument.DocKind.MINUTES, CaseDocument.DocKind.LETTER, CaseDocument.DocKind.HOUSE,
    CaseDocument.DocKind.OTHER)]


@login_required
@require_GET
def case_detail(request, pk: int):
    case = queries.case_get(user=request.user, pk=pk)
    if case.person_id:
        access_record(person_id=case.person_id, user=request.user, action="view", purpose=f"kasus {case.ref}")
    return render(request, "cases/case_detail.html", {
        "case": case, "summary": queries.case_summary(case), "step": step_of(case),
        "actions": actions_for(case=case, user=request.user),
        "events": queries.case_timeline(case=case, public_only=False),
        "documents": queries.case_documents(case=case, public_only=False),
        "subject_nik": subject_nik_masked(case),
        "document_form": DocumentForm(kinds=OFFICE_DOCUMENT_KINDS),
    })


@login_required
@require_POST
def case_action(request, pk: int):
    case = queries.case_get(user=request.user, pk=pk)
    try:
        case = case_act(case=case, action=request.POST.get("action", ""), by=request.user,
                        note=request.POST.get("note", ""))
        messages.success(request, _("Kasus %(ref)s: %(step)s.") % {"ref": case.ref, "step": step_of(case).label})
    except CaseError as error:
        messages.error(request, str(error))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_note_add(request, pk: int):
    case = queries.case_get(user=request.user, pk=pk)
    try:
        case_note(case=case, by=request.user, note=request.POST.get("note", ""),
                  public=request.POST.get("public") == "1")
        messages.success(request, _("Catatan disimpan."))
    except CaseError as error:
        messages.error(request, str(error))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_document_add(request, pk: int):
    case = queries.case_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES, kinds=OFFICE_DOCUMENT_KINDS)
    if form.is_valid():
        try:
            document_store(case=case, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                           by=request.user.username)
            messages.success(request, _("Dokumen diunggah."))
        except UploadError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Pilih jenis dan berkas dokumen."))
    return redirect("cases:detail", pk=case.pk)


def document_response(document: CaseDocument) -> FileResponse:
    response = FileResponse(document_path(document).open("rb"), content_type=document.content_type,
                            as_attachment=document.content_type != "image/jpeg",
                            filename=f"{document.kind}-{document.pk}.{document.path.rsplit('.', 1)[-1]}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(CaseDocument.objects.select_related("case"), pk=pk)
    queries.case_get(user=request.user, pk=document.case_id)  # 404 outside the officer's area
    return document_response(document)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """Call centre 171, SMS or the counter: an officer enters a caller's complaint."""
    _require_case_role(request.user)
    villages = _villages(request.user)
    programs = Program.objects.values_list("code", "code")
    form = OfficeComplaintForm(request.POST or None, request.FILES or None, villages=villages, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = [Upload("other", data["evidence"])] if data.get("evidence") else []
        try:
            case = complaint_submit(by=request.user, category=data["category"], details=data["details"],
                                    village=Area.objects.get(code=data["village"]), channel=data["channel"],
                                    filer_name=data["filer_name"], contact_phone=data["contact_phone"],
                                    program_id=data["program"] or None, uploads=uploads)
            messages.success(request, _("Pengaduan %(ref)s dicatat.") % {"ref": case.ref})
            return redirect("cases:detail", pk=case.pk)
        except (CaseError, UploadError) as error:
            form.add_error(None, str(error))
    return render(request, "cases/complaint_new.html", {"form": form})


def _villages(user) -> list[tuple[str, str]]:
    """Villages of the officer's area that have registered families."""
    codes = scoped(Household.objects.all(), user).values("village_id")
    return [(a.code, f"{a.name} ({a.parent.name})")
            for a in Area.objects.filter(code__in=codes).select_related("parent").order_by("parent__name", "name")]

