"""`bansos notify send`, the background job, and the demo gateway: its own checks, and its
command serving in a separate process."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bansos.demo.sms_gateway import gateway_start
from bansos.notify.models import Message
from bansos.notify.outbox import messages_enqueue
from bansos.notify.tasks import notify_send_task
from tests.notify.conftest import CREDITED, rows_of


def test_command_sends_and_prints_json(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(*((f"pay:{n}", families["SUTRISNO"], CREDITED)
                                                             for n in range(3))))
    out = StringIO()
    call_command("notify", "send", "--limit", "2", "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["sent"] == 2 and summary["sms_gateway"] is True and "seconds" in summary
    assert Message.objects.filter(channel="sms", status="pending").count() == 1
    call_command("notify", "send", "--json", stdout=out)
    assert len(gateway.lines()) == 3
    with pytest.raises(CommandError, match="positif"):
        call_command("notify", "send", "--limit", "0")


def test_task_sends(families, gateway):
    messages_enqueue(kind="payment_credited", rows=rows_of(("pay:1", families["SITI AMINAH"], CREDITED)))
    result = notify_send_task.enqueue(limit=10)  # tests run jobs at once
    assert result.return_value["sent"] == 1
    assert gateway.lines()[0]["to"] == "****5678"


def _post(url: str, *, user: str | None, password: str = "", **form: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")  # noqa: S310 (a local http URL)
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_gateway_checks_auth_and_input_and_records_masked(tmp_path):
    record = tmp_path / "sms.jsonl"
    url, stop = gateway_start(record=record, user="u", password="p", fail_every=3)
    try:
        assert _post(url, user=None, to="+6281234567890", text="x")[0] == 401
        assert _post(url, user="u", password="wrong", to="+6281234567890", text="x")[0] == 401
        assert _post(url, user="u", password="p", to="081234567890", text="x")[0] == 400
        assert _post(url.replace("/sms", "/other"), user="u", password="p", to="+62812", text="x")[0] == 404
        assert _post(url, user="u", password="p", to="+6281234567890", text="satu") == (200, {"id": "sms-000001"})
        assert _post(url, user="u", password="p", to="+6281234567890", text="dua") == (200, {"id": "sms-000002"})
        assert _post(url, user="u", password="p", to="+6281234567890", text="tiga")[0] == 503
    finally:
        stop()
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [("****7890", "satu"), ("****7890", "dua")]
    assert "1234567890" not in record.read_text()


def test_gateway_command_serves_until_stopped(tmp_path):
    record = tmp_path / "demo" / "sms.jsonl"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bansos.settings", "BANSOS_SMS_USER": "demo",
           "BANSOS_SMS_PASSWORD": "demo-pass"}
    env.pop("DATABASE_URL", None)  # the gateway needs no database
    process = subprocess.Popen([sys.executable, "-m", "bansos", "sms_gateway", "--addr", "127.0.0.1:0",
                                "--record", str(record)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        first = process.stdout.readline()
        assert first.startswith("SMS gateway at http://127.0.0.1:") and "(basic auth)" in first
        url = first.split()[3].rstrip(",")
        assert _post(url, user="demo", password="demo-pass", to="+6285712345678", text="halo")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert json.loads(record.read_text())["to"] == "****5678"
