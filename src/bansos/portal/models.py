"""Citizens' accounts on the public portal: a login bound to one registry person, opened after
the NIK, KK, name and phone were checked against the registry and a one-time code."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Citizen(models.Model):
    """A resident's portal account. The Django user's username is not the NIK (it is
    `warga-<id>`), so no identifier sits in the clear in the auth tables."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen")
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="citizen")
    verified_at = models.DateTimeField(null=True, blank=True, help_text="phone confirmed by a one-time code")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Citizen {self.pk}"
