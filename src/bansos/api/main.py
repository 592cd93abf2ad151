"""The JSON API (`/api/v1/`, OpenAPI at `/api/v1/docs`). Each app contributes a router; the
handlers are thin and call the same services and queries as the office pages. Officers sign in
with their session for now (the session authenticator checks CSRF on writes); machine tokens
come with the data-exchange work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

from bansos.intake.api import router as intake_router

api = NinjaAPI(title="bansos", version="1", urls_namespace="api", auth=django_auth)
api.add_router("/intake/", intake_router, tags=["intake"])


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "Tidak diizinkan / Forbidden"}, status=403)
