"""The one place that limits officer queries to the officer's area.

Every model an officer can read declares `scope_path`: the lookup path from the model to a
Household (`""` for Household itself, `"household__"` for Person, ...). Households carry their
province/regency/district/village codes and RW/RT, so a scope is one equality filter on an
indexed column: no LIKE, no collation surprises between SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from bansos.areas.models import Area


def scope_codes(code: str | None) -> tuple[str, str, str]:
    """(province, regency, district) codes of an area code, as far as it goes: the scoping
    columns rows carry. `"35.10.09.2001"` -> `("35", "35.10", "35.10.09")`; `"35"` ->
    `("35", "", "")`; none, or the nation `"ID"`, -> empty codes."""
    if not code or code == "ID":
        return "", "", ""
    parts = code.split(".")
    return tuple(".".join(parts[:depth]) if len(parts) >= depth else ""  # type: ignore[return-value]
                 for depth in (1, 2, 3))


# Household column holding the code of each level.
_COLUMN = {
    Area.Level.PROVINCE: "province_code",
    Area.Level.REGENCY: "regency_code",
    Area.Level.DISTRICT: "district_code",
    Area.Level.VILLAGE: "village_id",
}


def area_filter(area: Area, *, path: str = "") -> Q:
    """A Q limiting rows (reached through `path` to a Household) to `area` and below."""
    if area.level == Area.Level.NATIONAL:
        return Q()
    if area.level in _COLUMN:
        return Q(**{f"{path}{_COLUMN[area.level]}": area.code})
    parts = area.code.split(".")
    village = ".".join(parts[:4])
    q = Q(**{f"{path}village_id": village, f"{path}rw": parts[4]})
    if area.level == Area.Level.RT:
        q &= Q(**{f"{path}rt": parts[5]})
    return q


def officer_area(user) -> Area:
    """The area an authenticated user may see; raises PermissionDenied for non-officers."""
    officer = getattr(user, "officer", None) if user is not None and user.is_authenticated else None
    if officer is None:
        raise PermissionDenied("not an officer")
    return officer.area


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Limit any officer-readable queryset to the user's area. Use in every officer view."""
    model = queryset.model
    path = getattr(model, "scope_path", None)
    if path is None:
        raise TypeError(f"{model.__name__} declares no scope_path; it cannot be shown to officers")
    return queryset.filter(area_filter(officer_area(user), path=path))


def scoped_get(queryset: QuerySet, user, **lookup) -> Model:
    """Fetch one object inside the user's area; outside it behaves as not found (404)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(scoped(queryset, user), **lookup)


def area_within(area: Area, ancestor: Area) -> bool:
    return ancestor.level == Area.Level.NATIONAL or area.code == ancestor.code or area.code.startswith(ancestor.code + ".")
