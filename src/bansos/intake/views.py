"""Officer pages for program lists: upload, the run's report, the quarantine to correct.

Thin: uploads are handed to `services.list_import_run`, reads go through `queries`."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bansos.areas.scope import officer_area
from bansos.audit.services import audit_record
from bansos.intake import queries
from bansos.intake.export import quarantine_workbook
from bansos.intake.issue_codes import ISSUES
from bansos.intake.mapping import MappingError
from bansos.intake.models import ListImport
from bansos.intake.uploads import ALLOWED_SUFFIXES, UploadRefused, upload_import

PAGE_SIZE = 50


class UploadForm(forms.Form):
    source = forms.ChoiceField(label=_("Sumber data"))
    file = forms.FileField(label=_("Berkas (CSV atau XLSX)"))

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.code, f"{s.code} — {s.name}") for s in sources]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Hanya berkas CSV atau XLSX."))
        return upload


class CorrectionForm(forms.Form):
    file = forms.FileField(label=_("Berkas karantina yang sudah diperbaiki (XLSX)"))


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    area = officer_area(request.user)
    sources = queries.sources_for(user=request.user)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST":
        if not sources.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                result = upload_import(upload=form.cleaned_data["file"], user=request.user,
                                       source_code=form.cleaned_data["source"])
            except (MappingError, UploadRefused) as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("intake:import_detail", pk=result.pk)
    page = Paginator(queries.imports_visible(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "intake/import_list.html",
                  {"area": area, "form": form, "page": page, "can_upload": sources.exists()})


@login_required
@require_GET
def import_detail(request, pk: int):
    list_import = queries.import_get(user=request.user, pk=pk)
    rows = queries.quarantine_rows(user=request.user, list_import=list_import)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    issue_rows = [{"code": code, "count": n, "issue": ISSUES.get(code)}
                  for code, n in sorted(list_import.issue_counts.items(), key=lambda x: -x[1])]
    for row in page:
        row.issue_list = [ISSUES.get(i["code"]) or i["code"] for i in row.issues]
    if request.htmx and list_import.status not in (ListImport.Status.PENDING,
                                                   ListImport.Status.RUNNING):
        # The import ended while the page polled: reload it once to show the whole report.
        return HttpResponse(headers={"HX-Refresh": "true"})
    template = "intake/_progress.html" if request.htmx else "intake/import_detail.html"
    return render(request, template, {
        "imp": list_import, "page": page, "issue_rows": issue_rows,
        "correction_form": CorrectionForm(),
        "can_upload": queries.sources_for(user=request.user).exists(),
    })


@login_required
@require_GET
def quarantine_download(request, pk: int):
    list_import = queries.import_get(user=request.user, pk=pk)
    rows = list(queries.quarantine_rows(user=request.user, list_import=list_import))
    audit_record(actor=request.user.username, action="intake.quarantine_download",
                 target_type="ListImport", target_id=list_import.pk, data={"rows": len(rows)})
    response = HttpResponse(
        quarantine_workbook(list_import=list_import, rows=rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"karantina-{list_import.source.code.lower()}-{list_import.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def correction_upload(request, pk: int):
    list_import = queries.import_get(user=request.user, pk=pk)
    if not queries.sources_for(user=request.user).filter(pk=list_import.source_id).exists():
        raise PermissionDenied
    form = CorrectionForm(request.POST, request.FILES)
    if not form.is_valid():
        return redirect("intake:import_detail", pk=pk)
    try:
        result = upload_import(upload=form.cleaned_data["file"], user=request.user,
                               source_code=list_import.source.code, resubmits=list_import)
    except UploadRefused:
        return redirect("intake:import_detail", pk=pk)
    return redirect("intake:import_detail", pk=result.pk)
