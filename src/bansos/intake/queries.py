"""Reads for the intake pages, always limited to the officer's area."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from bansos.areas.models import Area, Role
from bansos.areas.scope import officer_area, scoped
from bansos.intake.models import ListImport, QuarantinedRow, Source

# Who may submit which sources: banks send account lists; auditors only read.
UPLOAD_ROLES = {Role.MINISTRY, Role.PROVINCE, Role.REGENCY, Role.DISTRICT,
                Role.VILLAGE_OPERATOR, Role.PKH_FACILITATOR, Role.BANK}


def imports_visible(*, user) -> QuerySet[ListImport]:
    """Imports submitted inside the officer's area (or by the officer)."""
    area = officer_area(user)
    qs = ListImport.objects.select_related("source", "area", "submitted_by")
    if area.level == Area.Level.NATIONAL:
        return qs
    return qs.filter(Q(area_id=area.code) | Q(area__code__startswith=area.code + ".")
                     | Q(submitted_by=user))


def import_get(*, user, pk: int) -> ListImport:
    return get_object_or_404(imports_visible(user=user), pk=pk)


def quarantine_rows(*, user, list_import: ListImport, status: str = QuarantinedRow.Status.OPEN
                    ) -> QuerySet[QuarantinedRow]:
    rows = QuarantinedRow.objects.filter(list_import=list_import, status=status)
    return scoped(rows, user).order_by("sheet", "row_number")


def sources_for(*, user) -> QuerySet[Source]:
    officer = user.officer
    if officer.role not in UPLOAD_ROLES:
        return Source.objects.none()
    if officer.role == Role.BANK:
        return Source.objects.filter(kind=Source.Kind.BANK)
    return Source.objects.all()
