"""Who the signed-in citizen is: the one lookup every citizen page and case form uses."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect

from bansos.portal.models import Citizen


def citizen_of(user) -> Citizen | None:
    """The verified citizen account of `user`, or None (anonymous, officer, unverified)."""
    if user is None or not user.is_authenticated:
        return None
    citizen = getattr(user, "citizen", None)
    if citizen is None or citizen.verified_at is None:
        return None
    return citizen


def citizen_required(view):
    """Citizen pages: a visitor who is not a verified citizen goes to the citizen login."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        citizen = citizen_of(request.user)
        if citizen is None:
            return redirect(f"/akun/masuk/?next={request.path}")
        request.citizen = citizen
        return view(request, *args, **kwargs)

    return wrapper
