"""`bansos keys init`: create ./var/keys.env with fresh keys for a local install."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from bansos.core.keyfile import KEYFILE_NAME, ensure_local_keys


class Command(BaseCommand):
    help = "Create the local key file (var/keys.env) if it does not exist. Production sets keys in the environment."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["init"])

    def handle(self, *args, **options) -> None:
        existed = (settings.VAR_DIR / KEYFILE_NAME).exists()
        path = ensure_local_keys(settings.VAR_DIR)
        self.stdout.write(f"{'kept existing' if existed else 'created'} {path} (mode 600; back it up apart from the database)")
