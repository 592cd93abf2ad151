"""Locust users for the `portal-load-*` benchmarks (benchmarks/bench_portal.py starts locust
with this file against a gunicorn it started; not a benchmark module itself).

Each user opens the search page once (a session and a CSRF cookie, as a browser would), then
searches without pause: by village and name (7 in 10), by NIK (2 in 10, posted with the CSRF
token), or picks a district in the region cascade (1 in 10, the htmx fragment). The queries
come from the JSON file named by $PORTAL_LOAD_QUERIES. The server runs with the human check
off (its own settings module), so no answer is sent.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

from locust import HttpUser, constant, task

QUERIES = json.loads(Path(os.environ["PORTAL_LOAD_QUERIES"]).read_text(encoding="utf-8"))


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311 (picking test queries)
        self.client.get("/", name="/ (form)")
        self.csrf = self.client.cookies.get("csrftoken", "")

    def _check(self, response, marker: bytes) -> None:
        if response.status_code != 200 or marker not in response.content:
            response.failure(f"status {response.status_code}")

    @task(7)
    def by_name(self) -> None:
        params = {**QUERIES["region"], "nama": self.rng.choice(QUERIES["names"]), "cari": "wilayah"}
        with self.client.get("/", params=params, name="/ (nama)", catch_response=True) as response:
            self._check(response, b'id="judul-hasil"')

    @task(2)
    def by_nik(self) -> None:
        data = {"nik": self.rng.choice(QUERIES["niks"]), "cari": "nik", "csrfmiddlewaretoken": self.csrf}
        with self.client.post("/", data=data, name="/ (NIK)", catch_response=True,
                              headers={"X-CSRFToken": self.csrf}) as response:
            self._check(response, b'id="judul-hasil"')

    @task(1)
    def cascade(self) -> None:
        with self.client.get(f"/wilayah/{QUERIES['district']}/", name="/wilayah/<kode>/",
                             catch_response=True) as response:
            self._check(response, b'id="id_desa"')
