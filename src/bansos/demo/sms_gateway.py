"""A tiny SMS gateway for the demo and the tests: it speaks the protocol notify.channels sends
(`POST /sms`, form fields `to` and `text`, HTTP basic auth), answers `200 {"id": "sms-000001"}`
and records each message as one JSON line: the phone masked to its last four digits, the
text and the time. Nothing leaves the machine.

`fail_every=N` answers every N-th message with 503 (N=1: all of them), so the sender's
back-off can be watched and tested.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

PATH = "/sms"
MAX_BODY = 16_384


class SmsGateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, record: Path, user: str = "",
                 password: str = "", fail_every: int = 0) -> None:
        super().__init__(address, _Handler)
        self.record = Path(record)
        self.user, self.password, self.fail_every = user, password, fail_every
        self.lock = threading.Lock()
        self.received = 0  # requests with a valid message, failed ones included
        self.accepted = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def authorized(self, header: str | None) -> bool:
        if not self.user:
            return True
        expected = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return hmac.compare_digest((header or "").encode(), expected.encode())

    def take(self, *, to: str, text: str) -> str | None:
        """Count and record one message; None when failure injection refuses it."""
        with self.lock:
            self.received += 1
            if self.fail_every and self.received % self.fail_every == 0:
                return None
            self.accepted += 1
            message_id = f"sms-{self.accepted:06d}"
            line = {"id": message_id, "to": "****" + to[-4:], "text": text,
                    "at": datetime.now(UTC).isoformat(timespec="seconds")}
            with self.record.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            return message_id


class _Handler(BaseHTTPRequestHandler):
    server: SmsGateway
    server_version = "bansos-sms-gateway/1"

    def do_POST(self) -> None:
        if self.path.split("?")[0] != PATH:
            return self._answer(404, {"error": "not found"})
        if not self.server.authorized(self.headers.get("Authorization")):
            return self._answer(401, {"error": "unauthorized"},
                                {"WWW-Authenticate": 'Basic realm="sms"'})
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"error": "too large"})
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        to, text = form.get("to", [""])[0], form.get("text", [""])[0]
        if not to.startswith("+") or not to[1:].isdigit() or not text:
            return self._answer(400, {"error": "need to (E.164) and text"})
        message_id = self.server.take(to=to, text=text)
        if message_id is None:
            return self._answer(503, {"error": "try again later"})
        return self._answer(200, {"id": message_id})

    def _answer(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        pass  # the record file is the log; request lines would only repeat it


def gateway_start(*, record: Path, port: int = 0, host: str = "127.0.0.1", user: str = "",
                  password: str = "", fail_every: int = 0
                  ) -> tuple[str, Callable[[], None]]:
    """Serve a gateway in a background thread; returns its URL (for BANSOS_SMS_URL) and a
    function that stops it. Port 0 picks a free port."""
    server = SmsGateway((host, port), record=record, user=user, password=password,
                        fail_every=fail_every)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="sms-gateway", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return server.url, stop
