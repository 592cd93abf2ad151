"""`bansos sms_gateway --addr 127.0.0.1:8025 --record FILE`: run the demo SMS gateway in the
foreground until Ctrl-C. Point the sender at it with
`BANSOS_SMS_URL=http://127.0.0.1:8025/sms` (and the same user and password)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bansos.demo.sms_gateway import gateway_start


class Command(BaseCommand):
    help = "Run the demo SMS gateway: records each SMS (phone masked) as a JSON line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8025", help="host:port to listen on")
        parser.add_argument("--record", type=Path, required=True, help="JSON-lines file to append to")
        parser.add_argument("--user", default=None, help="basic-auth user (default BANSOS_SMS_USER)")
        parser.add_argument("--password", default=None, help="default BANSOS_SMS_PASSWORD")
        parser.add_argument("--fail-every", type=int, default=0,
                            help="answer every N-th message with 503 (to watch retries)")

    def handle(self, *args, **options) -> None:
        host, _, port = options["addr"].rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--addr seperti / like 127.0.0.1:8025")
        user = settings.BANSOS_SMS_USER if options["user"] is None else options["user"]
        password = settings.BANSOS_SMS_PASSWORD if options["password"] is None else options["password"]
        options["record"].parent.mkdir(parents=True, exist_ok=True)
        try:
            url, stop = gateway_start(record=options["record"], host=host, port=int(port), user=user,
                                      password=password, fail_every=options["fail_every"])
        except OSError as error:
            raise CommandError(f"{options['addr']}: {error}") from error
        self.stdout.write(f"SMS gateway at {url}, recording to {options['record']}"
                          f"{' (basic auth)' if user else ''}; Ctrl-C to stop")
        self.stdout.flush()  # a supervising process reads the URL from this line
        done = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: done.set())
        try:
            while not done.wait(1):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            stop()
