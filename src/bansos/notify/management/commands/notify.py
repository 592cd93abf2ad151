"""`bansos notify send [--limit N] [--json]`: send the due messages of the outbox (SMS, email)
once, with the same retries and back-off as the job worker. Run it every minute (cron or a
systemd timer) so retries go out when they are due."""

from __future__ import annotations

from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.notify.send import notify_send


class Command(BatchCommand):
    help = "Notifications: send the due messages of the outbox."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("action", choices=["send"])
        parser.add_argument("--limit", type=int, default=1000, help="at most this many messages")

    def run(self, **options):
        if options["limit"] < 1:
            raise CommandError("--limit harus positif / must be positive")
        return notify_send(limit=options["limit"])
