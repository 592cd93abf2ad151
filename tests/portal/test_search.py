"""Cek Bansos, the public search: the region cascade with and without htmx, searches by village
and name and by NIK showing masked names only, program statuses of the latest frozen cycle,
the accessible human check and honeypot, the rate limit, and a bounded number of queries."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bansos.portal import humancheck
from bansos.portal.search import MAX_RESULTS, age_on
from bansos.registry.models import Household, Person
from tests.conftest import VILLAGE_A, VILLAGE_B

SEARCH = "/"
REGION_A = {"provinsi": "35", "kabupaten": "35.10", "kecamatan": "35.10.09", "desa": VILLAGE_A}
SUTRISNO_NIK, SUTRISNO_KK = "3510090101800001", "3510091203150007"
SITI_NIK = "3510094502850002"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and spent nonces live in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()


def _answer(challenge: humancheck.Challenge) -> dict[str, str]:
    return {"token": challenge.token, "jawaban": str(challenge.first + challenge.second)}


def _pass(**extra) -> dict[str, str]:
    """Search parameters with a fresh question answered right."""
    return {**_answer(humancheck.challenge_new()), **extra}


def _by_name(client, name: str, region: dict | None = None, **extra):
    return client.get(SEARCH, {**(region or REGION_A), "nama": name, "cari": "wilayah", **_pass(**extra)})


def _by_nik(client, nik: str, **extra):
    return client.post(SEARCH, {"nik": nik, "cari": "nik", **_pass(**extra)})


def _rows(response) -> list[list[str]]:
    """The result table's body rows as the visible text of their cells."""
    doc = lxml.html.fromstring(response.content)
    rows = []
    for tr in doc.xpath("//table[contains(@class, 'hasil')]/tbody/tr"):
        cells = []
        for cell in tr.xpath("./th|./td"):
            visible = [t for t in cell.xpath(".//text()[not(ancestor::*[contains(@class,'visually-hidden')])]")]
            cells.append(" ".join("".join(visible).split()))
        rows.append(cells)
    return rows


def _headers(response) -> list[str]:
    doc = lxml.html.fromstring(response.content)
    return [" ".join(th.text_content().split()) for th in doc.xpath("//table[contains(@class,'hasil')]/thead//th")]


def _select_options(response, select_id: str) -> list[str]:
    doc = lxml.html.fromstring(response.content)
    return [o.get("value") for o in doc.xpath(f"//select[@id='{select_id}']/option") if o.get("value")]


# --- the page and the region cascade ---------------------------------------------------------


def test_first_load_is_an_accessible_form_under_100_kb(client, small_registry):
    response = client.get(SEARCH)
    assert response.status_code == 200
    html = response.content.decode()
    doc = lxml.html.fromstring(html)
    assert doc.get("lang") == "id"
    assert doc.xpath("//fieldset[@id='wilayah']/legend")  # the region group is a fieldset
    assert _select_options(response, "id_provinsi") == ["35"]  # only provinces in the database
    assert not doc.xpath("//select[@id='id_kabupaten']")  # nothing chosen yet
    for control in doc.xpath("//form//input[not(@type='hidden')]|//form//select"):
        labels = doc.xpath(f"//label[@for='{control.get('id')}']")
        assert labels, f"no label for {control.get('id')}"
    assert doc.xpath("//input[@name='jawaban']")  # the human check is asked
    assert "Berapa" in html and "ditambah" in html
    honeypot = doc.xpath(f"//input[@name='{humancheck.HONEYPOT_FIELD}']")
    assert honeypot and all(i.getparent().get("hidden") is not None for i in honeypot)
    assert doc.xpath("//form[@method='post']//input[@name='nik']")  # a NIK never goes in a URL
    static = sum(Path(finders.find(p)).stat().st_size
                 for p in ("bansos/site.css", "django_htmx/htmx-2.min.js"))
    assert len(response.content) + static <= 100 * 1024


def test_cascade_without_javascript_keeps_choices_in_the_query_string(client, small_registry):
    response = client.get(SEARCH, {"provinsi": "35", "pilih": "1"})
    assert _select_options(response, "id_kabupaten") == ["35.10"]
    assert not lxml.html.fromstring(response.content).xpath("//select[@id='id_kecamatan']")
    response = client.get(SEARCH, {"provinsi": "35", "kabupaten": "35.10", "pilih": "1"})
    assert set(_select_options(response, "id_kecamatan")) == {"35.10.09", "35.10.16"}
    response = client.get(SEARCH, {"provinsi": "35", "kabupaten": "35.10", "kecamatan": "35.10.09", "pilih": "1"})
    villages = _select_options(response, "id_desa")
    assert VILLAGE_A in villages and VILLAGE_B in villages and "35.10.16.1001" not in villages
    doc = lxml.html.fromstring(response.content)
    assert doc.xpath("//select[@id='id_kecamatan']/option[@selected]/@value") == ["35.10.09"]
    # A stale choice (the province changed) ends the chain: no district select under it.
    response = client.get(SEARCH, {"provinsi": "35", "kabupaten": "36.01", "kecamatan": "36.01.01", "pilih": "1"})
    assert _select_options(response, "id_kabupaten") == ["35.10"]
    assert not lxml.html.fromstring(response.content).xpath("//select[@id='id_kecamatan']")


def test_cascade_fragments_return_the_next_select_only(client, small_registry):
    response = client.get(reverse("portal:search_areas"), {"provinsi": "35"},
                          headers={"HX-Request": "true", "HX-Trigger-Name": "provinsi"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert _select_options(response, "id_kabupaten") == ["35.10"]
    select = lxml.html.fromstring(f"<div>{html}</div>").xpath("//select[@id='id_kabupaten']")[0]
    assert select.get("hx-target") == "#setelah-kabupaten"
    assert 'id="setelah-kabupaten"' in html  # where the next level will go
    assert "Pilihan Kabupaten/Kota tersedia: 1 wilayah." in html  # announced to screen readers
    response = client.get(reverse("portal:search_area_children", args=["35.10.09"]))
    villages = _select_options(response, "id_desa")
    assert VILLAGE_A in villages and "35.10.16.1001" not in villages
    assert "hx-get" not in response.content.decode().split('id="id_desa"')[1].split(">")[0]  # the last level
    for empty in (reverse("portal:search_area_children", args=[VILLAGE_A]),  # RWs are not offered
                  reverse("portal:search_area_children", args=["xx'<script>"]),
                  reverse("portal:search_areas") + "?provinsi="):
        assert "<select" not in client.get(empty).content.decode()


# --- results ---------------------------------------------------------------------------------


def test_name_search_finds_the_person_masked(client, world):
    response = _by_name(client, "tris")
    assert response.status_code == 200
    rows = _rows(response)
    assert [row[:3] for row in rows] == [["S******O", f"{age_on(date(1980, 1, 1), timezone.localdate())} tahun", "2"]]
    html = response.content.decode()
    assert "SUTRISNO" not in html
    assert "S sampai O, 8 huruf" in html  # what a screen reader reads instead of the stars


def test_name_search_stays_in_the_village_and_puts_the_exact_name_first(client, world):
    household = Household.objects.create(kk="3510091203150099", village_id=VILLAGE_A, rw="001", rt="001")
    Person.objects.create(nik="3510090101800099", full_name="SITI AMINAH ZAHRA", sex="P",
                          birth_date=date(2000, 1, 1), household=household)
    Person.objects.create(nik="3510090101800098", full_name="SITI AMINAH", sex="P", birth_date=date(1950, 1, 1),
                          household=household, is_alive=False)  # deceased: never listed
    rows = _rows(_by_name(client, "Siti Aminah"))
    assert [row[0] for row in rows] == ["S**I A****H", "S**I A****H Z***A"]
    # SLAMET lives in village B: not found from village A, found from B.
    assert _rows(_by_name(client, "SLAMET")) == []
    assert [r[0] for r in _rows(_by_name(client, "SLAMET", region={**REGION_A, "desa": VILLAGE_B}))] == ["S****T"]


def test_programs_show_yes_or_no_for_the_latest_frozen_cycle_with_its_period(client, world):
    response = _by_name(client, "SUTRISNO")
    assert _headers(response) == ["Nama (disamarkan)", "Umur", "Desil", "PKH 2025-Q4", "SEMBAKO 2025-10",
                                  "PBIJK belum ada tahap", "PIP belum ada tahap", "BLT 2025-Q4"]
    # PKH approved; SEMBAKO suspended; no PBIJK/PIP cycle; BLT not in its latest cycle.
    assert _rows(response)[0][3:] == ["YA", "TIDAK", "TIDAK", "TIDAK", "TIDAK"]
    assert "<strong>YA</strong>" in response.content.decode()  # status in words, not colour
    siti = _rows(_by_name(client, "AMINAH"))[0]
    assert siti[2:] == ["7", "TIDAK", "YA", "TIDAK", "TIDAK", "TIDAK"]  # a pending draft is no YA


def test_nik_search_posts_and_shows_nothing_identifying(client, world):
    response = _by_nik(client, "3510 0945 0285 0002")
    assert response.status_code == 200
    assert [row[:3] for row in _rows(response)] == [
        ["S**I A****H", f"{age_on(date(1985, 2, 5), timezone.localdate())} tahun", "7"]]
    html = response.content.decode()
    for secret in ("SITI AMINAH", SITI_NIK, "3510 0945 0285 0002", "3510091203150008", "Dusun Krajan",
                   "RT 001", "RW 002", "RT/RW"):
        assert secret not in html
    response = client.get(SEARCH, {"nik": SITI_NIK, "cari": "nik", **_pass()})  # a NIK in a URL ...
    assert response.status_code == 200 and not _rows(response)  # ... is no search
    assert "Hasil pencarian" not in response.content.decode()


def test_no_participant(client, world):
    response = _by_nik(client, "3510090101809999")
    assert response.status_code == 200 and _rows(response) == []
    assert "Tidak ada peserta." in response.content.decode()
    response = _by_name(client, "JOKO SUSILO")
    assert "Tidak ada peserta." in response.content.decode()
    assert "Kembiritan" in response.content.decode()  # says where it looked


def test_results_are_capped_so_a_village_cannot_be_listed(client, world):
    household = Household.objects.create(kk="3510091203150098", village_id=VILLAGE_A, rw="001", rt="001")
    Person.objects.bulk_create([Person(nik=f"35100901018{n:05d}", full_name=f"SRI WAHYUNI {n}",
                                       sex="P", household=household) for n in range(MAX_RESULTS + 5)])
    response = _by_name(client, "SRI")
    assert len(_rows(response)) == MAX_RESULTS
    assert f"Hanya {MAX_RESULTS} peserta pertama" in response.content.decode()


def test_short_or_empty_names_are_refused_with_a_clear_message(client, world):
    for name in ("", "ab", "a.b", "  S  "):
        response = _by_name(client, name)
        assert response.status_code == 200
        doc = lxml.html.fromstring(response.content)
        assert not _rows(response)
        error = doc.xpath("//p[@id='wilayah-nama-galat']")[0]
        assert "paling sedikit 3 huruf" in error.text_content()
        assert "wilayah-nama-galat" in doc.xpath("//input[@id='wilayah-nama']/@aria-describedby")[0]
        assert doc.xpath("//input[@id='wilayah-nama']/@aria-invalid") == ["true"]
        assert doc.xpath("//div[@role='alert']//a[@href='#wilayah-nama']")  # the summary links to it


def test_a_search_without_a_village_says_which_level_is_missing(client, world):
    response = client.get(SEARCH, {"provinsi": "35", "kabupaten": "35.10", "nama": "SUTRISNO", "cari": "wilayah",
                                   **_pass()})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    assert doc.xpath("//select[@id='id_kecamatan']/@aria-describedby") == ["id_kecamatan-galat"]
    assert "Pilih kecamatan." in doc.xpath("//p[@id='id_kecamatan-galat']")[0].text_content()
    assert not _rows(response)


def test_a_bad_nik_is_refused(client, world):
    response = _by_nik(client, "35100901018")
    assert response.status_code == 200 and not _rows(response)
    assert "16 angka" in lxml.html.fromstring(response.content).xpath("//p[@id='nik-nik-galat']")[0].text_content()


# --- human check, honeypot, rate limit -------------------------------------------------------


def _question_answer(html: str) -> dict[str, str]:
    """Answer the page's question as a person would: read the words, type digits."""
    doc = lxml.html.fromstring(html)
    question = doc.xpath("//label[@for='wilayah-jawaban']")[0].text_content()
    words = [str(w) for w in humancheck.NUMBER_WORDS]
    first, second = (words.index(w) for w in question.rstrip("?").split() if w in words)
    return {"token": doc.xpath("//form[@method='get']//input[@name='token']/@value")[0],
            "jawaban": str(first + second)}


def test_human_check_is_required_refused_when_wrong_and_remembered(client, world):
    search = {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah"}
    response = client.get(SEARCH, search)  # no answer
    assert response.status_code == 200 and not _rows(response)
    assert "Jawab pertanyaan pengaman" in response.content.decode()
    wrong = _answer(humancheck.challenge_new())
    wrong["jawaban"] = str(int(wrong["jawaban"]) + 1)
    response = client.get(SEARCH, {**search, **wrong})
    assert response.status_code == 200 and not _rows(response)
    doc = lxml.html.fromstring(response.content)
    assert "salah" in doc.xpath("//p[@id='wilayah-jawaban-galat']")[0].text_content()
    assert "wilayah-jawaban-galat" in doc.xpath("//input[@id='wilayah-jawaban']/@aria-describedby")[0]
    response = client.get(SEARCH, {**search, **_question_answer(response.content.decode())})
    assert response.status_code == 200 and len(_rows(response)) == 1
    assert "jawaban" not in [i.get("name") for i in lxml.html.fromstring(response.content).xpath("//input")]
    response = client.post(SEARCH, {"nik": SUTRISNO_NIK, "cari": "nik"})  # remembered for a few minutes
    assert response.status_code == 200 and len(_rows(response)) == 1


def test_a_question_is_answered_once_and_expires(client, world, monkeypatch):
    answer = _answer(humancheck.challenge_new())
    assert _by_name_with(client, answer).status_code == 200
    client.cookies.clear()  # another visitor replays the same token and answer
    response = _by_name_with(client, answer)
    assert not _rows(response) and "sudah dijawab" in response.content.decode()
    forged = {"token": signing.dumps({"a": 1, "b": 1, "n": "x"}, salt="other"), "jawaban": "2"}
    assert "tidak sah" in _by_name_with(client, forged).content.decode()
    monkeypatch.setattr(humancheck, "QUESTION_MAX_AGE", -1)
    assert "kedaluwarsa" in _by_name_with(client, _answer(humancheck.challenge_new())).content.decode()


def _by_name_with(client, answer: dict[str, str]):
    return client.get(SEARCH, {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah", **answer})


def test_the_human_check_is_on_unless_a_benchmark_turns_it_off(client, world, settings):
    from bansos import settings as project_settings

    assert project_settings.BANSOS_PORTAL_HUMAN_CHECK is True
    search = {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah"}
    refused = client.get(SEARCH, search)
    assert not _rows(refused) and "Jawab pertanyaan pengaman" in refused.content.decode()
    settings.BANSOS_PORTAL_HUMAN_CHECK = False  # what benchmarks/bench_portal.py does
    assert len(_rows(client.get(SEARCH, search))) == 1


def test_a_filled_honeypot_is_refused(client, world):
    response = _by_name(client, "SUTRISNO", **{humancheck.HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 400 and not _rows(response)
    assert "Pencarian ditolak" in response.content.decode()
    response = _by_nik(client, SUTRISNO_NIK, **{humancheck.HONEYPOT_FIELD: "x"})
    assert response.status_code == 400 and not _rows(response)


def test_rate_limit_returns_429_per_client_address(client, world, settings):
    settings.BANSOS_PORTAL_SEARCH_RATES = ["3/m", "100/d"]
    for _ in range(3):
        assert _by_name(client, "SUTRISNO").status_code == 200
    response = _by_nik(client, SUTRISNO_NIK)
    assert response.status_code == 429 and not _rows(response)
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert "Terlalu banyak pencarian" in html and "coba lagi dalam 1 menit" in html
    english = client.post(
        SEARCH, {"nik": SUTRISNO_NIK, "cari": "nik", **_pass()}, headers={"Accept-Language": "en"})
    assert english.status_code == 429 and lxml.html.fromstring(english.content).get("lang") == "en"
    assert client.get(SEARCH, {"provinsi": "35", "pilih": "1"}).status_code == 200  # choosing is no search
    elsewhere = client.get(SEARCH, {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah", **_pass()},
                           REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200 and len(_rows(elsewhere)) == 1  # each address has its own count


def test_rate_limit_has_a_daily_cap_and_counts_refused_searches(client, world, settings):
    settings.BANSOS_PORTAL_SEARCH_RATES = ["100/m", "3/d"]
    assert _by_name(client, "SUTRISNO").status_code == 200
    assert "paling sedikit 3 huruf" in _by_name(client, "S").content.decode()  # refused, but counted
    assert client.get(SEARCH, {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah"}).status_code == 200
    assert client.get(SEARCH, {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah"}).status_code == 429


def test_queries_per_search_are_bounded(client, world, django_assert_max_num_queries):
    _by_name(client, "SUTRISNO")  # the human check passed: the session is read on each search
    household = Household.objects.create(kk="3510091203150097", village_id=VILLAGE_A, rw="001", rt="001")
    Person.objects.bulk_create([Person(nik=f"35100901017{n:05d}", full_name=f"SUTRISNO {n}", sex="L",
                                       household=household) for n in range(30)])
    search = {**REGION_A, "nama": "SUTRISNO", "cari": "wilayah"}
    # session, region options, persons with their decile and program statuses
    with django_assert_max_num_queries(3):
        assert len(_rows(client.get(SEARCH, search))) == MAX_RESULTS
    with django_assert_max_num_queries(3):
        assert len(_rows(client.post(SEARCH, {"nik": SUTRISNO_NIK, "cari": "nik"}))) == 1
    cache.clear()  # the programs' latest cycles and the latest scoring run, read once a minute
    with django_assert_max_num_queries(5):
        assert len(_rows(client.get(SEARCH, search))) == MAX_RESULTS
    with django_assert_max_num_queries(1):
        client.get(reverse("portal:search_area_children", args=["35.10.09"]))


# --- settings --------------------------------------------------------------------------------


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import bansos.settings as s; print(s.CACHES['default']['BACKEND'])"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=False)


def test_cache_is_local_memory_unless_a_redis_url_is_set():
    default = _settings_with({"BANSOS_CACHE_URL": ""})
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    redis = _settings_with({"BANSOS_CACHE_URL": "redis://127.0.0.1:6379/0"})
    try:
        import redis as _redis  # noqa: F401
    except ImportError:
        assert redis.returncode != 0
        assert "`redis` package is not installed" in redis.stderr
    else:
        assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    wrong = _settings_with({"BANSOS_CACHE_URL": "memcached://127.0.0.1"})
    assert wrong.returncode != 0 and "redis://" in wrong.stderr
