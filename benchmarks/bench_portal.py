"""The public Cek Bansos search (portal) at one village of 10,000 persons, in a registry of
100,000 (the other 90,000 spread over the rest of the Banyuwangi regency): every household
scored in a finished run, five programs with an approved cycle each and entitlements for the
poorer deciles. The rows are size-independent: the issue's budget is per request (50 ms at the
median for a search of that village), so the village and the registry have a fixed size.

`portal-search-*`: searches through Django's test client (the whole request: middleware,
session, rate limit, queries, template), the human check answered once as a person would and
remembered by the session; median, p95 and p99 ms per request. `portal-load-*`: gunicorn (2
workers × 4 threads) serving the same data, locust with 50 users and no think time for 20 s;
requests/s and percentiles. The load test cannot answer questions: it runs gunicorn with its own
settings module (written to the scratch directory) that turns the human check off and raises
the rate limit; the project's settings have no switch for either.

Setup (untimed): areas of the regency, households, persons, scores, cycles and entitlements,
all written with bulk inserts (COPY on PostgreSQL), then statistics refreshed.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from benchmarks.context import Context
from benchmarks.registry import benchmark

VILLAGE = "35.10.09.2001"  # Kembiritan, Genteng
VILLAGE_PERSONS = 10_000
REGISTRY_PERSONS = 100_000
SEARCHES = 1_000
BUDGET_MEDIAN_MS = 50
LOAD_USERS = 50
LOAD_SECONDS = 20
PROGRAMS = {"PKH": 3, "SEMBAKO": 4, "PBIJK": 4, "PIP": 3, "BLT": 4}  # code: highest decile listed
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile_portal.py"


# --- the registry --------------------------------------------------------------------------


def _names(rng: np.random.Generator, n: int, sex: np.ndarray) -> list[str]:
    """Names as East Java's registry holds them: a Javanese, Madurese or Muslim given name,
    most with a second word."""
    from bansos.demo.names import pools

    p = pools()
    male = np.concatenate([p["javanese"]["male"], p["madurese"]["male"], p["muslim"]["male"]])
    female = np.concatenate([p["javanese"]["female"], p["madurese"]["female"], p["muslim"]["female"]])
    second_male, second_female = p["javanese"]["second_male"], p["javanese"]["second_female"]
    first = np.where(sex == "L", male[rng.integers(0, len(male), n)], female[rng.integers(0, len(female), n)])
    second = np.where(sex == "L", second_male[rng.integers(0, len(second_male), n)],
                      second_female[rng.integers(0, len(second_female), n)])
    with_second = rng.random(n) < 0.6
    return [f"{a} {b}" if two else str(a) for a, b, two in zip(first, second, with_second, strict=True)]


def _household_sizes(rng: np.random.Generator, persons: int) -> np.ndarray:
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=persons, p=[0.1, 0.2, 0.25, 0.25, 0.12, 0.08])
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, persons)) + 1
    sizes = sizes[:count].copy()
    sizes[-1] -= int(ends[count - 1] - persons)
    return sizes


def _registry(ctx: Context) -> None:
    """Households and persons (ids from 1), the village's first; NIKs kept for the searches."""
    from bansos.areas.models import Area
    from bansos.areas.scope import scope_codes
    from bansos.core import protected
    from bansos.core.bulk_insert import tables_insert
    from bansos.registry.models import Household, Person

    rng = np.random.default_rng(ctx.seed)
    others = list(Area.objects.filter(level=Area.Level.VILLAGE, code__startswith="35.10.").exclude(
        code=VILLAGE).values_list("code", flat=True))
    in_village = _household_sizes(rng, VILLAGE_PERSONS)
    elsewhere = _household_sizes(rng, REGISTRY_PERSONS - VILLAGE_PERSONS)
    sizes = np.concatenate([in_village, elsewhere])
    households = len(sizes)
    hh_ids = np.arange(1, households + 1, dtype=np.int64)
    village = np.array([VILLAGE] * len(in_village) + [others[i] for i in rng.integers(0, len(others), len(elsewhere))],
                       dtype=object)
    scopes = [scope_codes(v) for v in village]
    kk_blob, kk_index = protected.protect_many([f"3510{i:012d}" for i in hh_ids], purpose="kk")
    tables_insert(model=Household, tables=[pa.table({
        "id": hh_ids, "kk": pa.array(kk_blob, pa.binary()), "kk_index": kk_index, "village_id": village.tolist(),
        "province_code": [s[0] for s in scopes], "regency_code": [s[1] for s in scopes],
        "district_code": [s[2] for s in scopes], "rw": [f"{r:03d}" for r in rng.integers(1, 12, households)],
        "rt": [f"{r:03d}" for r in rng.integers(1, 9, households)], "address": ["Dusun Krajan"] * households,
        "status": ["active"] * households})])
    n = REGISTRY_PERSONS
    ids = np.arange(1, n + 1, dtype=np.int64)
    sex = np.where(rng.random(n) < 0.5, "L", "P")
    born = [date(1940, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365 * 84, n)]
    niks = [f"351009{b.day + (40 if s == 'P' else 0):02d}{b:%m%y}{i % 10_000:04d}"
            for i, b, s in zip(ids, born, sex, strict=True)]
    nik_blob, nik_index = protected.protect_many(niks, purpose="nik")
    names = _names(rng, n, sex)
    tables_insert(model=Person, tables=[pa.table({
        "id": ids, "nik": pa.array(nik_blob, pa.binary()), "nik_index": nik_index, "full_name": names,
        "birth_date": pa.array(born, pa.date32()), "sex": sex.tolist(),
        "household_id": np.repeat(hh_ids, sizes), "relationship": ["head"] * n,
        "is_alive": (rng.random(n) > 0.01).tolist(),
        **{f: [""] * n for f in ("birth_place", "education", "school_level", "occupation")}})])
    ctx.state.update(households=households, village_households=len(in_village),
                     village_names=names[:VILLAGE_PERSONS], village_niks=niks[:VILLAGE_PERSONS])


def _scores_and_cycles(ctx: Context) -> None:
    """A finished scoring run with a decile per household, and per program an approved cycle
    listing the households up to the program's decile."""
    from bansos.core.bulk_insert import tables_insert
    from bansos.programs.models import Cycle, Entitlement, Program, RuleVersion
    from bansos.registry.models import Household
    from bansos.targeting.models import PmtVersion, ScoringRun, WelfareScore

    rng = np.random.default_rng(ctx.seed + 1)
    households = ctx.state["households"]
    hh_ids = np.arange(1, households + 1, dtype=np.int64)
    decile = rng.integers(1, 11, households)
    pmt = PmtVersion.objects.create(version="bench", body="", sha256="0" * 64, fitted_on=date(2025, 1, 1))
    run = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE, households=households,
                                    finished_at=datetime(2025, 9, 1, tzinfo=UTC))
    tables_insert(model=WelfareScore, constants={"run_id": run.pk, "stratum": "", "criteria_met": -1}, tables=[
        pa.table({"household_id": hh_ids, "persons": np.full(households, 4), "score": rng.normal(13, 0.5, households),
                  "decile": decile, "decile_regional": decile, "criteria_decile": decile})])
    districts = np.array(list(Household.objects.order_by("id").values_list("district_code", flat=True)), dtype=object)
    for code, top in PROGRAMS.items():
        program = Program.objects.create(code=code, name=code)
        rules = RuleVersion.objects.create(program=program, version="bench", source="bench.toml", sha256="0" * 64,
                                           body="", valid_from=date(2025, 1, 1))
        cycle = Cycle.objects.create(program=program, period="2025-Q4", starts_on=date(2025, 10, 1),
                                     ends_on=date(2025, 12, 31), state=Cycle.State.APPROVED, rule_version=rules,
                                     scoring_run=run, approved_at=datetime(2025, 10, 1, tzinfo=UTC))
        listed = (decile <= top) & (rng.random(households) < 0.8)
        tables_insert(model=Entitlement, constants={"cycle_id": cycle.pk, "state": "approved", "persons": 4,
                                                    "components": "[]"}, tables=[
            pa.table({"household_id": hh_ids[listed], "amount": np.full(int(listed.sum()), 600_000),
                      "district_code": districts[listed].tolist()})])


def _settle() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _searches(ctx: Context, count: int) -> list[dict[str, Any]]:
    """What people type: a whole name (40 %), one of its words (25 %), a fragment (10 %), a
    name nobody has (10 %), a NIK (15 %), for persons of the village."""
    rng = np.random.default_rng(ctx.seed + 2)
    names, niks = ctx.state["village_names"], ctx.state["village_niks"]
    out: list[dict[str, Any]] = []
    for kind in rng.choice(["full", "word", "part", "none", "nik"], size=count, p=[0.4, 0.25, 0.1, 0.1, 0.15]):
        pick = int(rng.integers(0, len(names)))
        name = names[pick]
        if kind == "nik":
            out.append({"kind": "nik", "nik": niks[pick]})
            continue
        if kind == "word":
            words = name.split()
            name = words[int(rng.integers(0, len(words)))]
        elif kind == "part":
            start = int(rng.integers(0, max(1, len(name) - 5)))
            name = name[start:start + 5].strip() or name
        elif kind == "none":
            name = "ZULKARNAEN WIRJOSOEDARMO"
        out.append({"kind": kind, "nama": name.title()})
    return out


def _region() -> dict[str, str]:
    parts = VILLAGE.split(".")
    return {"provinsi": parts[0], "kabupaten": ".".join(parts[:2]), "kecamatan": ".".join(parts[:3]),
            "desa": VILLAGE}


def _setup(ctx: Context) -> None:
    from bansos.areas.services import areas_load

    areas_load(prefixes=["35.10"])
    _registry(ctx)
    _scores_and_cycles(ctx)
    _settle()
    ctx.state["searches"] = _searches(ctx, SEARCHES)


# --- portal-search: per request, in process ------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    return {"median": statistics.median(ordered), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1]}


def _search_in_process(ctx: Context) -> dict[str, Any]:
    from django.test import Client, override_settings

    from bansos.portal import humancheck

    region = _region()
    timings: dict[str, list[float]] = {}
    rows = statuses = 0
    with override_settings(BANSOS_PORTAL_SEARCH_RATES=["1000000/m"]):
        client = Client(HTTP_HOST="localhost")
        challenge = humancheck.challenge_new()  # answered once, as a person would
        first = client.get("/", {**region, "nama": "SUTRISNO", "cari": "wilayah", "token": challenge.token,
                                 "jawaban": str(challenge.first + challenge.second)})
        if first.status_code != 200:
            raise RuntimeError(f"the human check was not passed: {first.status_code}")
        for search in ctx.state["searches"][:20]:  # warm the caches and the template loader
            _one(client, region, search)
        for search in ctx.state["searches"]:
            start = time.perf_counter()
            response = _one(client, region, search)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                statuses += 1
            rows += response.content.count(b'<th scope="row">')
            timings.setdefault(search["kind"], []).append(elapsed)
    every = [t for values in timings.values() for t in values]
    overall = _percentiles(every)
    names = _percentiles([t for kind, values in timings.items() if kind != "nik" for t in values])
    nik = _percentiles(timings.get("nik", []))
    return {
        "searches": len(every), "median ms": overall["median"], "p95 ms": overall["p95"],
        "p99 ms": overall["p99"], "max ms": overall["max"], "name median ms": names["median"],
        "name p95 ms": names["p95"], "NIK median ms": nik["median"], "NIK p95 ms": nik["p95"],
        "budget median ms": BUDGET_MEDIAN_MS,
        "median within budget": "yes" if overall["median"] < BUDGET_MEDIAN_MS else "NO",
        "rows shown": rows, "non-200": statuses, "village persons": VILLAGE_PERSONS,
        "registry persons": REGISTRY_PERSONS,
    }


def _one(client, region: dict[str, str], search: dict[str, Any]):
    if search["kind"] == "nik":
        return client.post("/", {"nik": search["nik"], "cari": "nik"})
    return client.get("/", {**region, "nama": search["nama"], "cari": "wilayah"})


@benchmark("portal-search-sqlite", budget_seconds=SEARCHES * BUDGET_MEDIAN_MS / 1000, sized=False, django=True,
           database="sqlite", setup=_setup)
def portal_search_sqlite(ctx: Context) -> dict[str, Any]:
    """Cek Bansos searches of a 10k-person village (name, part, NIK): ms per request on SQLite."""
    return _search_in_process(ctx)


@benchmark("portal-search-postgres", budget_seconds=SEARCHES * BUDGET_MEDIAN_MS / 1000, sized=False,
           django=True, database="postgres", setup=_setup)
def portal_search_postgres(ctx: Context) -> dict[str, Any]:
    """Cek Bansos searches of a 10k-person village (name, part, NIK): ms per request on PostgreSQL."""
    return _search_in_process(ctx)


# --- portal-load: gunicorn + locust --------------------------------------------------------

BENCH_SETTINGS = '''"""Settings of the portal load test only (written by benchmarks/bench_portal.py)."""
from bansos.settings import *  # noqa: F403

BANSOS_PORTAL_HUMAN_CHECK = False  # locust cannot answer questions
BANSOS_PORTAL_SEARCH_RATES = ["100000000/m"]  # every user comes from 127.0.0.1
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/wilayah/35/", timeout=2) as response:  # noqa: S310 (localhost)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _locust_summary(prefix: Path) -> dict[str, Any]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[str, Any] = {}
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        if name == "all":
            out.update({"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                        "requests/s": float(row["Requests/s"]), "p50 ms": float(row["50%"]),
                        "p95 ms": float(row["95%"]), "p99 ms": float(row["99%"])})
        else:
            out[f"{name} p99 ms"] = float(row["99%"])
    return out


def _load(ctx: Context) -> dict[str, Any]:
    conf = ctx.scratch / "load"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "portal_bench_settings.py").write_text(BENCH_SETTINGS, encoding="utf-8")
    queries = {"region": _region(), "district": _region()["kecamatan"],
               "names": [s["nama"] for s in ctx.state["searches"] if s["kind"] != "nik"],
               "niks": [s["nik"] for s in ctx.state["searches"] if s["kind"] == "nik"]}
    (conf / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal_bench_settings", "CONN_MAX_AGE": "600",
           "PORTAL_LOAD_QUERIES": str(conf / "queries.json")}
    if ctx.database_url:
        env["DATABASE_URL"] = ctx.database_url
    from django.db import connections

    connections.close_all()  # the server has the database to itself
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "bansos.wsgi", "--workers", "2", "--threads", "4", "--worker-class", "gthread",
         "--bind", f"127.0.0.1:{port}", "--pythonpath", str(conf), "--log-level", "warning",
         "--error-logfile", str(conf / "gunicorn.log")], env=env)
    try:
        _wait_ready(url, server)
        prefix = conf / "locust"
        locust = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(LOAD_USERS),
             "-r", str(LOAD_USERS), "-t", f"{LOAD_SECONDS}s", "--csv", str(prefix), "--host", url,
             "--only-summary", "--loglevel", "WARNING"], env=env, capture_output=True, text=True,
            timeout=LOAD_SECONDS + 120, check=False)
        if not Path(f"{prefix}_stats.csv").exists():
            raise RuntimeError(f"locust wrote no statistics (exit {locust.returncode}): {locust.stderr[-2000:]}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = _locust_summary(prefix)
    return {**summary, "users": LOAD_USERS, "seconds run": LOAD_SECONDS, "gunicorn": "2 workers x 4 threads",
            "village persons": VILLAGE_PERSONS, "registry persons": REGISTRY_PERSONS}


@benchmark("portal-load-sqlite", budget_seconds=LOAD_SECONDS + 40, sized=False, django=True, database="sqlite",
           setup=_setup)
def portal_load_sqlite(ctx: Context) -> dict[str, Any]:
    """gunicorn + locust, 50 users for 20 s on Cek Bansos searches: requests/s and p99 (SQLite)."""
    return _load(ctx)


@benchmark("portal-load-postgres", budget_seconds=LOAD_SECONDS + 40, sized=False, django=True,
           database="postgres", setup=_setup)
def portal_load_postgres(ctx: Context) -> dict[str, Any]:
    """gunicorn + locust, 50 users for 20 s on Cek Bansos searches: requests/s and p99 (PostgreSQL)."""
    return _load(ctx)
