"""Officer pages for duplicate reviews (queue, detail with the model's reasons, decision) and
the split of a wrongly merged row. Thin: reads through `queries`, writes through `review`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from bansos.areas.scope import officer_area
from bansos.audit.services import access_record
from bansos.core import masking
from bansos.intake.models import StagedRow
from bansos.linkage import queries
from bansos.linkage.models import DuplicateReview
from bansos.linkage.review import LinkageRefused, duplicate_review_decide, record_link_split
from bansos.linkage.templatetags.linkage_display import relationship_label, sex_label
from bansos.registry.models import Person

PAGE_SIZE = 50

# The engine's comparisons (linkage.compare), named for the reviewer.
COMPARISON_LABELS = {
    "nik": _("NIK"),
    "nik_birth_date": _("Tanggal dalam NIK dan tanggal lahir"),
    "birth_date": _("Tanggal lahir"),
    "name": _("Nama"),
    "sex": _("Jenis kelamin"),
    "place": _("Desa dan RT"),
    "kk": _("No. KK"),
    "id_number": _("Nomor identitas lain"),
    "phone": _("Telepon"),
    "postcode": _("Kode pos"),
    "birth_place": _("Tempat lahir"),
}
# The rows of the side-by-side table: identifiers only ever masked (core.masking).
RECORD_FIELDS = [
    ("name", _("Nama")),
    ("birth_place", _("Tempat lahir")),
    ("birth_date", _("Tanggal lahir")),
    ("sex", _("Jenis kelamin")),
    ("relationship", _("Hubungan dengan kepala keluarga")),
    ("nik", _("NIK")),
    ("kk", _("No. KK")),
    ("phone", _("Telepon")),
    ("village", _("Desa/kelurahan")),
    ("rt_rw", _("RT/RW")),
    ("address", _("Alamat")),
]
STATUS_FILTERS = [*DuplicateReview.Status.choices, ("all", _("Semua"))]


class DecideForm(forms.Form):
    note = forms.CharField(label=_("Catatan (boleh kosong)"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class SplitForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pemisahan"), max_length=300)


def _require_view(user) -> None:
    officer_area(user)  # non-officers: 403
    if not queries.review_may_view(user=user):
        raise PermissionDenied


@login_required
@require_GET
def review_list(request):
    _require_view(request.user)
    status = request.GET.get("status", DuplicateReview.Status.OPEN)
    if status not in dict(STATUS_FILTERS):
        status = DuplicateReview.Status.OPEN
    reviews = queries.reviews_visible(user=request.user, status="" if status == "all" else status)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "linkage/review_list.html", {
        "area": officer_area(request.user), "page": page, "status": status,
        "statuses": STATUS_FILTERS, "query": f"status={status}&"})


def _record(*, row: StagedRow | None = None, person: Person | None = None) -> dict[str, str]:
    """One side of the comparison, as the strings the table shows."""
    if person is not None:
        home = person.household
        values = {
            "name": person.full_name, "birth_place": person.birth_place,
            "birth_date": person.birth_date, "sex": person.get_sex_display(),
            "relationship": person.get_relationship_display(), "nik": person.nik,
            "kk": home.kk if home else "", "phone": person.phone,
            "village": home.village.name if home else "",
            "rt": home.rt if home else "", "rw": home.rw if home else "",
            "address": home.address if home else ""}
    else:
        values = {
            "name": " ".join(filter(None, [row.full_name, row.name_titles])),
            "birth_place": row.birth_place, "birth_date": row.birth_date,
            "sex": sex_label(row.sex), "relationship": relationship_label(row.relationship),
            "nik": row.nik, "kk": row.kk, "phone": row.phone,
            "village": row.village.name if row.village_id and row.village else "",
            "rt": row.rt, "rw": row.rw, "address": row.address}
    born = values["birth_date"]
    return {
        "name": values["name"], "sex": values["sex"], "relationship": values["relationship"],
        "birth_place": values["birth_place"],
        "birth_date": date_format(born, "d-m-Y") if born else "",
        "nik": masking.mask_digits(values["nik"]), "kk": masking.mask_digits(values["kk"]),
        "phone": masking.mask_phone(values["phone"]), "village": values["village"],
        "rt_rw": f"RT {values['rt']}/RW {values['rw']}" if values["rt"] or values["rw"] else "",
        "address": values["address"]}


def _record_rows(*, left: dict[str, str], right: dict[str, str]) -> list[dict]:
    return [{"label": label, "left": left[key] or "—", "right": right[key] or "—",
             "differs": bool(left[key] and right[key]
                             and left[key].casefold() != right[key].casefold())}
            for key, label in RECORD_FIELDS]


def _weight_rows(weights: list[dict]) -> list[dict]:
    """Each comparison's level and weight in bits, with a bar width relative to the largest."""
    largest = max((abs(float(w.get("weight") or 0)) for w in weights), default=0.0) or 1.0
    rows = []
    for w in weights:
        weight = float(w.get("weight") or 0)
        name = w.get("field", "")
        rows.append({"field": name, "label": COMPARISON_LABELS.get(name, name),
                     "level": w.get("level", ""), "weight": weight,
                     "width": round(abs(weight) / largest * 100)})
    return rows


@login_required
@require_GET
def review_detail(request, pk: int):
    _require_view(request.user)
    review = queries.review_get(user=request.user, pk=pk)
    row_ids = [review.staged_row_id] + ([review.other_row_id] if review.other_row_id else [])
    links = queries.row_links(row_ids=row_ids)
    # The registry person shown, and the persons the rows are evidence of (their provenance).
    shown = {review.person_id} | {link.person_id for link in links.values()}
    for person_id in sorted(p for p in shown if p is not None):
        access_record(person_id=person_id, user=request.user, action="view",
                      purpose="duplicate review")
    left = _record(row=review.staged_row)
    right = _record(person=review.person) if review.person_id else _record(row=review.other_row)
    return render(request, "linkage/review_detail.html", {
        "review": review,
        "row": review.staged_row, "row_link": links.get(review.staged_row_id),
        "other": review.other_row, "other_link": links.get(review.other_row_id),
        "person": review.person,
        "records": _record_rows(left=left, right=right),
        "weights": _weight_rows(review.weights or []),
        "others": queries.reviews_of_row(review=review)[:20],
        "form": DecideForm(),
        "can_decide": (review.status == DuplicateReview.Status.OPEN
                       and queries.review_may_decide(user=request.user)),
    })


@login_required
@require_POST
def review_decide(request, pk: int):
    _require_view(request.user)
    review = queries.review_get(user=request.user, pk=pk)
    if not queries.review_may_decide(user=request.user):
        raise PermissionDenied
    decision = request.POST.get("decision")
    form = DecideForm(request.POST)
    if decision not in ("same", "different") or not form.is_valid():
        messages.error(request, gettext("Pilih salah satu keputusan."))
        return redirect("linkage:review_detail", pk=pk)
    try:
        duplicate_review_decide(review=review, same=decision == "same", by=request.user,
                                note=form.cleaned_data["note"])
    except LinkageRefused as exc:
        messages.warning(request, str(exc))
        return redirect("linkage:review_detail", pk=pk)
    messages.success(request, gettext("Keputusan disimpan."))
    following = queries.reviews_visible(user=request.user).values_list("pk", flat=True).first()
    if following is not None:
        return redirect("linkage:review_detail", pk=following)
    return redirect("linkage:review_list")


@login_required
@require_POST
def link_split(request, pk: int):
    link = queries.link_get_for_split(user=request.user, pk=pk)
    if not queries.review_may_decide(user=request.user):
        raise PermissionDenied
    previous = link.person_id
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Tuliskan alasan pemisahan."))
        return redirect("office:person_detail", pk=previous)
    try:
        person = record_link_split(link=link, by=request.user, reason=form.cleaned_data["reason"])
    except LinkageRefused as exc:
        messages.error(request, str(exc))
        return redirect("office:person_detail", pk=previous)
    messages.success(request, gettext("Baris dipisahkan menjadi orang baru (nomor %(id)s).")
                     % {"id": person.pk})
    return redirect("office:person_detail", pk=previous)
