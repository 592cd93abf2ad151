"""Citizen accounts: sign-up against the registry, the one-time code, login by NIK, and the
account's pages (own family, inbox, village recipients masked, access log)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from bansos.audit.models import AuditEvent
from bansos.audit.services import access_record
from bansos.notify.models import Message
from bansos.notify.outbox import citizen_notify
from bansos.payments.models import Account, Payment
from bansos.portal import signup
from bansos.portal.models import Citizen
from bansos.programs.models import Cycle, Decision, Entitlement
from bansos.registry.models import Household, Person
from tests.conftest import VILLAGE_A
from tests.payments.scenario import cycle_stub

PASSWORD = "rahasia-sekali-42"
SUTRISNO = {"nik": "3510090101800001", "kk": "3510091203150007", "name": "SUTRISNO", "phone": "0812-3456-7890"}
SITI = {"nik": "3510094502850002", "kk": "3510091203150008", "name": "SITI AMINAH", "phone": "+6281298765432"}
REFUSED = "Data tidak cocok dengan DTSEN"


@pytest.fixture(autouse=True)
def _fresh(settings):
    cache.clear()  # rate-limit counters
    settings.DEBUG = False
    settings.BANSOS_DEMO_SHOW_OTP = False
    yield
    cache.clear()


def post_signup(client, data=SUTRISNO, **changes):
    values = {**data, **changes}
    return client.post("/akun/daftar/", {**values, "password1": PASSWORD, "password2": PASSWORD})


def last_code(person: Person) -> str:
    message = (Message.objects.filter(kind="otp_code", channel="sms", person_id=person.pk)
               .order_by("-created_at", "-pk").first())
    return message.params["code"]


def age_codes(person: Person, seconds: int = 120) -> None:
    """Pretend the codes were sent a while ago (the resend limit reads the outbox)."""
    Message.objects.filter(kind="otp_code", person_id=person.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds))


def signed_up(client, person, data=SUTRISNO) -> Citizen:
    """Sign up and verify, leaving the client logged in."""
    assert post_signup(client, data).status_code == 302
    response = client.post("/akun/verifikasi/", {"code": last_code(person)})
    assert response.status_code == 302 and response.url == "/akun/"
    return Citizen.objects.get(person=person)


# --- sign-up and code ------------------------------------------------------------------------


def test_signup_sends_code_by_sms_to_the_given_phone(client, small_registry):
    person = small_registry["SUTRISNO"]
    response = post_signup(client)
    assert response.status_code == 302 and response.url == "/akun/verifikasi/"

    citizen = Citizen.objects.get(person=person)
    assert citizen.verified_at is None
    assert citizen.user.username == f"warga-{citizen.user.pk}"
    assert citizen.user.check_password(PASSWORD)
    sms = Message.objects.get(kind="otp_code", channel="sms", person_id=person.pk)
    assert sms.household_id == person.household_id
    assert sms.key == f"otp:{citizen.pk}:1"
    assert sms.params["minutes"] == 10 and len(sms.params["code"]) == 6
    assert sms.phone == "+6281234567890"  # normalised
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Message._meta.db_table} WHERE id = %s", [sms.pk])  # noqa: S608
        raw = bytes(cursor.fetchone()[0])
    assert b"81234567890" not in raw  # encrypted at rest
    # The session keeps only a signed challenge with the code's HMAC.
    token = client.session["portal.otp"]
    assert sms.params["code"] not in token
    assert signup.OtpChallenge.loads(token).citizen_id == citizen.pk
    # The registry had no phone for him: recorded, registry unchanged.
    event = AuditEvent.objects.get(action="citizen.signup")
    assert event.data["registry_phone"] == "absent" and event.data["registry_phone_confirmed"] is False
    person.refresh_from_db()
    assert person.phone is None


def test_phone_differing_from_registry_is_accepted_and_recorded(client, small_registry):
    person = small_registry["SUTRISNO"]
    person.phone = "+6285700000001"
    person.save()
    assert post_signup(client).status_code == 302
    assert AuditEvent.objects.get(action="citizen.signup").data["registry_phone"] == "different"
    person.refresh_from_db()
    assert person.phone == "+6285700000001"


def test_phone_forms_normalise_to_one():
    assert {signup.phone_normalise(v) for v in ("081234567890", "+6281234567890", "6281234567890",
                                                 "0812 3456 7890", "+62 (0)812-3456-7890")} == {"+6281234567890"}
    assert signup.phone_normalise("12345") is None
    assert signup.phone_normalise("0211234567") is None  # a landline gets no SMS


def test_verify_wrong_code_then_right_logs_in(client, small_registry):
    person = small_registry["SUTRISNO"]
    post_signup(client)
    code = last_code(person)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/akun/verifikasi/", {"code": wrong})
    assert response.status_code == 400
    assert "Kode salah" in response.content.decode() and "Sisa 4 kali" in response.content.decode()
    assert Citizen.objects.get(person=person).verified_at is None

    response = client.post("/akun/verifikasi/", {"code": code})
    assert response.status_code == 302 and response.url == "/akun/"
    citizen = Citizen.objects.get(person=person)
    assert citizen.verified_at is not None
    assert int(client.session["_auth_user_id"]) == citizen.user_id
    assert "portal.otp" not in client.session
    assert client.get("/akun/").status_code == 200
    assert AuditEvent.objects.filter(action="citizen.verify", target_id=str(citizen.pk)).exists()


def test_too_many_attempts_need_a_new_code(client, small_registry):
    person = small_registry["SUTRISNO"]
    post_signup(client)
    code = last_code(person)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(signup.OTP_MAX_ATTEMPTS):
        client.post("/akun/verifikasi/", {"code": wrong})
    response = client.post("/akun/verifikasi/", {"code": code})  # right, but too late
    assert response.status_code == 400
    assert "terlalu sering" in response.content.decode()
    assert Citizen.objects.get(person=person).verified_at is None

    # A new code at once is refused (one a minute), a minute later it is sent.
    response = client.post("/akun/verifikasi/kirim-ulang/", follow=True)
    assert "dalam" in response.content.decode() and "detik" in response.content.decode()
    assert Message.objects.filter(kind="otp_code", channel="sms", person_id=person.pk).count() == 1
    age_codes(person)
    client.post("/akun/verifikasi/kirim-ulang/")
    assert Message.objects.filter(kind="otp_code", channel="sms", person_id=person.pk).count() == 2
    new_code = last_code(person)
    response = client.post("/akun/verifikasi/", {"code": new_code})
    assert response.status_code == 302
    assert Citizen.objects.get(person=person).verified_at is not None


def test_expired_code_is_refused(small_registry):
    issued = signup.citizen_signup(nik=SUTRISNO["nik"], kk=SUTRISNO["kk"], name="SUTRISNO",
                                   phone=SUTRISNO["phone"], password=PASSWORD)
    later = timezone.now() + timedelta(minutes=signup.OTP_MINUTES, seconds=1)
    outcome = signup.otp_verify(challenge=issued.challenge, code=issued.code, now=later)
    assert outcome.result == "expired" and outcome.citizen is None
    assert signup.otp_verify(challenge=issued.challenge, code=issued.code).result == "ok"


def test_tampered_challenge_is_ignored(client, small_registry):
    post_signup(client)
    session = client.session
    session["portal.otp"] = session["portal.otp"][:-2] + "xx"
    session.save()
    response = client.get("/akun/verifikasi/")
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


def test_demo_shows_the_code(client, small_registry, settings):
    settings.BANSOS_DEMO_SHOW_OTP = True
    post_signup(client)
    response = client.get("/akun/verifikasi/")
    assert last_code(small_registry["SUTRISNO"]) in response.content.decode()


def test_code_not_shown_outside_the_demo(client, small_registry):
    post_signup(client)
    response = client.get("/akun/verifikasi/")
    assert response.status_code == 200
    assert last_code(small_registry["SUTRISNO"]) not in response.content.decode()


@pytest.mark.parametrize("changes", [
    {"kk": "3510091203150008"},  # SITI's KK: a real KK, not his
    {"name": "SUPARMAN"},
    {"nik": "3510090101800099", "kk": "3510091203150007"},  # valid NIK, not in the registry
    {"nik": "3510094502850002", "kk": "3510091203150008", "name": "SUTRISNO"},  # SITI with his name
], ids=["wrong-kk", "wrong-name", "unknown-nik", "other-persons-nik"])
def test_signup_refused_with_one_message(client, small_registry, changes):
    response = post_signup(client, **changes)
    assert response.status_code == 400
    body = response.content.decode()
    assert REFUSED in body
    assert 'class="errorlist"' not in body  # no field singled out
    assert not Citizen.objects.exists() and not Message.objects.exists()
    assert not get_user_model().objects.exists()


def test_refusals_look_the_same(client, small_registry):
    def error_box(response):
        body = response.content.decode()
        return body[body.index('id="form-errors"'):body.index("</div>", body.index('id="form-errors"'))]

    boxes = {error_box(post_signup(client, **changes)) for changes in
             ({"kk": "3510091203150008"}, {"name": "SUPARMAN"}, {"nik": "3510090101800099"})}
    assert len(boxes) == 1


def test_signup_refused_for_a_deceased_person(client, small_registry):
    person = small_registry["SUTRISNO"]
    person.is_alive = False
    person.save()
    response = post_signup(client)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Citizen.objects.exists()


@pytest.mark.parametrize("name", ["sutrisno", "  Bpk. H. Sutrisno, S.Pd. ", "SUTRISNA"])
def test_name_tolerates_case_titles_and_small_typos(client, small_registry, name):
    assert post_signup(client, name=name).status_code == 302


def test_malformed_values_are_named_per_field(client, small_registry):
    response = client.post("/akun/daftar/", {**SUTRISNO, "nik": "12345", "phone": "12",
                                             "password1": "pendek", "password2": "lain"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_nik-error"' in body and 'aria-describedby="id_nik-hint id_nik-error' in body
    assert 'id="id_phone-error"' in body and 'id="id_password2-error"' in body
    assert REFUSED not in body
    assert not Citizen.objects.exists()


def test_password_may_not_hold_the_nik(client, small_registry):
    response = client.post("/akun/daftar/", {**SUTRISNO, "password1": "x" + SUTRISNO["nik"],
                                             "password2": "x" + SUTRISNO["nik"]})
    assert response.status_code == 400 and 'id="id_password1-error"' in response.content.decode()


def test_one_account_per_person(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    age_codes(small_registry["SUTRISNO"])
    other = type(client)()
    response = post_signup(other, phone="085700000002")
    assert response.status_code == 302 and response.url == "/akun/masuk/"
    assert Citizen.objects.count() == 1 and get_user_model().objects.count() == 1
    assert Citizen.objects.get().user.check_password(PASSWORD)  # untouched
    assert Message.objects.filter(kind="otp_code", channel="sms").count() == 1


def test_signup_is_rate_limited(client, small_registry):
    for _ in range(20):
        client.post("/akun/daftar/", {})
    response = post_signup(client)
    assert response.status_code == 429
    assert not Citizen.objects.exists()


# --- login -----------------------------------------------------------------------------------


def test_login_by_nik(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    client.post("/akun/keluar/")
    assert "_auth_user_id" not in client.session
    assert client.get("/akun/").status_code == 302

    response = client.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": PASSWORD, "next": "/akun/desa/"})
    assert response.status_code == 302 and response.url == "/akun/desa/"
    assert client.get("/akun/").status_code == 200


def test_login_refuses_wrong_password_and_unknown_nik_alike(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    client.post("/akun/keluar/")
    wrong = client.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": "salah-salah-salah"})
    unknown = client.post("/akun/masuk/", {"nik": SITI["nik"], "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "NIK atau kata sandi salah" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_ignores_an_unsafe_next(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    client.post("/akun/keluar/")
    response = client.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": PASSWORD,
                                           "next": "https://evil.example/"})
    assert response.url == "/akun/"


def test_login_of_an_unverified_account_asks_for_a_code(client, small_registry):
    person = small_registry["SUTRISNO"]
    post_signup(client)
    client.session.flush()
    other = type(client)()
    age_codes(person)
    response = other.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/akun/verifikasi/"
    assert "_auth_user_id" not in other.session
    sms = Message.objects.filter(kind="otp_code", channel="sms", person_id=person.pk).order_by("-pk")
    assert sms.count() == 2 and sms[0].phone == "+6281234567890"  # the sign-up's number again
    assert other.post("/akun/verifikasi/", {"code": last_code(person)}).status_code == 302
    assert other.get("/akun/").status_code == 200


def test_login_is_rate_limited_per_nik(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    client.post("/akun/keluar/")
    for n in range(10):
        client.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": f"salah-{n}"},
                    REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post("/akun/masuk/", {"nik": SUTRISNO["nik"], "password": PASSWORD},
                           REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_officers_do_not_use_the_citizen_pages(client, small_registry, officer):
    user = officer("village_operator", VILLAGE_A)
    client.force_login(user)
    response = client.get("/akun/")
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


def test_logout_needs_post(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    assert client.get("/akun/keluar/").status_code == 405
    assert "_auth_user_id" in client.session


# --- account pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/akun/", "/akun/kotak-masuk/", "/akun/desa/", "/akun/akses/"])
def test_anonymous_goes_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url == f"/akun/masuk/?next={path}"


def test_unverified_user_cannot_see_the_account(client, small_registry):
    post_signup(client)
    citizen = Citizen.objects.get()
    client.force_login(citizen.user)
    assert client.get("/akun/").status_code == 302


def _add_child(household: Household) -> Person:
    return Person.objects.create(nik="3510094107150003", full_name="DEWI LESTARI", sex="P",
                                 birth_date=date(2015, 7, 1), household=household, relationship="child")


def test_account_shows_own_family_with_masked_niks(client, small_registry):
    person = small_registry["SUTRISNO"]
    _add_child(person.household)
    signed_up(client, person)
    body = client.get("/akun/").content.decode()
    assert "SUTRISNO" in body and "DEWI LESTARI" in body
    assert "Kepala keluarga" in body and "Anak" in body
    assert "3510********0001" in body and "3510********0003" in body
    assert SUTRISNO["nik"] not in body and "3510094107150003" not in body and SUTRISNO["kk"] not in body
    assert "SITI AMINAH" not in body and "SLAMET" not in body  # other families


def test_account_shows_decisions_payments_and_decile(client, small_registry):
    person = small_registry["SUTRISNO"]
    household = person.household
    cycle = cycle_stub()
    Decision.objects.create(cycle=cycle, household=household, eligible=True, amount=750_000, reasons=json.dumps([
        {"code": "decile_within", "params": {"decile": 1, "program": "PKH", "max": 4}},
        {"code": "eligible", "params": {"program": "PKH", "amount": 750_000}}]))
    entitlement = Entitlement.objects.create(cycle=cycle, household=household, amount=750_000, persons=1,
                                             state=Entitlement.State.APPROVED, district_code=household.district_code)
    account = Account.objects.create(household=household, bank="BRI", number="034101000123456", number_last4="3456",
                                     holder_name="SUTRISNO", name_check="exact", source="test")
    Payment.objects.create(cycle=cycle, entitlement=entitlement, household=household, account=account,
                           account_revision=1, bank="BRI", creditor_name="SUTRISNO",
                           creditor_account="034101000123456", amount=750_000, end_to_end_id="E2E-TEST-1",
                           state=Payment.State.CREDITED, credited_on=date(2025, 10, 15))
    from bansos.targeting.models import WelfareScore

    WelfareScore.objects.create(run=cycle.scoring_run, household=household, persons=1, decile=2,
                                decile_regional=1, criteria_met=-1, criteria_decile=0)
    signed_up(client, person)
    body = client.get("/akun/").content.decode()
    assert "desil 1 dalam batas" in body and "YA, menerima" in body
    assert "****3456" in body and "034101000123456" not in body
    assert "Rp750.000" in body and "15-10-2025" in body
    assert "desil 2 nasional" in body


def test_account_page_makes_few_queries(client, small_registry, django_assert_max_num_queries):
    person = small_registry["SUTRISNO"]
    _add_child(person.household)
    signed_up(client, person)
    with django_assert_max_num_queries(12):
        assert client.get("/akun/").status_code == 200


def test_inbox_lists_and_marks_read(client, small_registry):
    person = small_registry["SUTRISNO"]
    other = small_registry["SITI AMINAH"]
    for n in range(2):
        citizen_notify(kind="case_update", key=f"case:{n}", params={"what": "Sanggahan", "ref": f"S-{n}", "step": "diterima"},
                       household_id=person.household_id, sms=False)
    citizen_notify(kind="case_update", key="case:other", params={"what": "Usulan", "ref": "U-9", "step": "ditolak"},
                   household_id=other.household_id, sms=False)
    signed_up(client, person)
    body = client.get("/akun/kotak-masuk/").content.decode()
    assert "Sanggahan nomor S-0: diterima" in body and "Sanggahan nomor S-1" in body
    assert body.index("S-1") < body.index("S-0")  # newest first
    assert "U-9" not in body
    assert "Kode verifikasi bansos" not in body  # a sign-up code is not an inbox message to show
    assert body.count("Belum dibaca") == 2

    first = Message.objects.get(key="case:0", channel="inbox")
    theirs = Message.objects.get(key="case:other", channel="inbox")
    response = client.post("/akun/kotak-masuk/", {"message": [first.pk, theirs.pk]})
    assert response.status_code == 302
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.read_at is not None
    assert theirs.read_at is None  # another family's message is out of reach
    client.post("/akun/kotak-masuk/", {"all": "1"})
    assert not Message.objects.filter(household_id=person.household_id, channel="inbox",
                                      read_at__isnull=True).exclude(kind="otp_code").exists()
    assert theirs.__class__.objects.get(pk=theirs.pk).read_at is None


def test_inbox_paginates(client, small_registry):
    person = small_registry["SUTRISNO"]
    for n in range(30):
        citizen_notify(kind="case_update", key=f"case:{n}", params={"what": "Usulan", "ref": f"U-{n:02d}", "step": "diterima"},
                       household_id=person.household_id, sms=False)
    signed_up(client, person)
    first = client.get("/akun/kotak-masuk/").content.decode()
    second = client.get("/akun/kotak-masuk/?page=2").content.decode()
    assert "U-29" in first and "U-00" not in first
    assert "U-00" in second and "Halaman 2 dari 2" in second


def _entitle(cycle: Cycle, household: Household, state=Entitlement.State.APPROVED) -> None:
    Entitlement.objects.create(cycle=cycle, household=household, amount=600_000, persons=1, state=state,
                               district_code=household.district_code)


def test_village_list_is_masked_and_limited_to_the_village(client, small_registry):
    me = small_registry["SUTRISNO"]
    neighbour = small_registry["SITI AMINAH"]
    elsewhere = small_registry["SLAMET"]  # another village
    pkh = cycle_stub(program="PKH", period="2025-Q4")
    sembako = cycle_stub(program="SEMBAKO", period="2025-10")
    old = cycle_stub(program="PKH", period="2025-Q3")
    Cycle.objects.filter(pk=old.pk).update(starts_on=date(2025, 7, 1))
    draft = cycle_stub(program="SEMBAKO", period="2025-11")
    Cycle.objects.filter(pk=draft.pk).update(starts_on=date(2025, 11, 1), state=Cycle.State.DRAFT)
    _entitle(pkh, neighbour.household)
    _entitle(sembako, neighbour.household)
    _entitle(sembako, me.household)
    _entitle(pkh, elsewhere.household)
    _entitle(old, me.household)  # an older cycle: not listed for PKH
    _entitle(draft, me.household)  # a draft: not listed
    signed_up(client, me)
    body = client.get("/akun/desa/").content.decode()
    assert "S**I A****H" in body and "S******O" in body
    assert "SITI AMINAH" not in body and "S****T" not in body
    for secret in (neighbour.nik, neighbour.household.kk, me.nik, me.household.kk, "Dusun Krajan"):
        assert secret not in body
    assert f"/akun/kasus/sanggah/baru/?rumah={neighbour.household_id}" in body
    assert "/akun/kasus/usul/baru/" in body
    row = body[body.index("S**I A****H"):body.index("</tr>", body.index("S**I A****H"))]
    assert "(PKH)" in row and "(SEMBAKO)" in row
    mine = body[body.index("S******O"):body.index("</tr>", body.index("S******O"))]
    assert "(SEMBAKO)" in mine and "(PKH)" not in mine
    assert "RT 001/RW 002" in body  # the Sanggah link names the row for screen readers


def test_village_list_paginates_with_bounded_queries(client, small_registry, django_assert_max_num_queries):
    me = small_registry["SUTRISNO"]
    cycle = cycle_stub()
    for n in range(30):
        household = Household.objects.create(kk=f"35100912031501{n:02d}", village_id=VILLAGE_A, rw="003", rt="001")
        head = Person.objects.create(nik=f"35100901018{n + 10:02d}{n + 100:03d}", full_name=f"WARGA {n}", sex="L",
                                     household=household, relationship="head")
        household.head = head
        household.save()
        _entitle(cycle, household)
    signed_up(client, me)
    with django_assert_max_num_queries(10):
        first = client.get("/akun/desa/")
    assert first.content.decode().count("/akun/kasus/sanggah/baru/") == 25
    second = client.get("/akun/desa/?page=2").content.decode()
    assert second.count("/akun/kasus/sanggah/baru/") == 5


def test_access_log_shows_role_and_office_never_the_officer(client, small_registry, officer):
    me = small_registry["SUTRISNO"]
    child = _add_child(me.household)
    stranger = small_registry["SITI AMINAH"]
    operator = officer("village_operator", VILLAGE_A)
    access_record(person_id=me.pk, user=operator, purpose="household page")
    access_record(person_id=child.pk, user=operator, purpose="person page")
    access_record(person_id=stranger.pk, user=operator, purpose="duplicate review")
    signed_up(client, me)
    body = client.get("/akun/akses/").content.decode()
    assert "Operator Desa/Kelurahan" in body and f"office {VILLAGE_A}" in body
    assert "halaman keluarga" in body and "halaman data orang" in body and "DEWI LESTARI" in body
    assert operator.username not in body
    assert "pemeriksaan data ganda" not in body and "SITI AMINAH" not in body


def test_another_citizens_pages_show_only_their_family(client, small_registry):
    signed_up(client, small_registry["SUTRISNO"])
    client.post("/akun/keluar/")
    other = type(client)()
    signed_up(other, small_registry["SITI AMINAH"], data=SITI)
    body = other.get("/akun/").content.decode()
    assert "SITI AMINAH" in body and "SUTRISNO" not in body
    # No page takes a family or person id from the visitor: a guessed query changes nothing.
    body = other.get(f"/akun/?rumah={small_registry['SUTRISNO'].household_id}").content.decode()
    assert "SUTRISNO" not in body


def test_pages_have_accessible_forms(client, small_registry):
    body = client.get("/akun/daftar/").content.decode()
    assert body.count("<fieldset>") == 3 and body.count("<legend>") == 3
    for field in ("nik", "kk", "name", "phone", "password1", "password2"):
        assert f'<label for="id_{field}">' in body
    body = client.get("/akun/masuk/").content.decode()
    assert '<label for="id_nik">' in body and 'autocomplete="current-password"' in body


def test_an_unconfirmed_signup_may_be_made_again(client, small_registry):
    person = small_registry["SUTRISNO"]
    post_signup(client, phone="081200000000")  # mistyped number: the code never arrives
    first = Citizen.objects.get(person=person)
    old_code = last_code(person)

    response = post_signup(type(client)(), phone="085711112222")  # at once: too soon
    assert response.status_code == 400 and "detik" in response.content.decode()

    age_codes(person)
    again = type(client)()
    response = again.post("/akun/daftar/", {**SUTRISNO, "phone": "085711112222",
                                            "password1": "kata-sandi-baru-9", "password2": "kata-sandi-baru-9"})
    assert response.status_code == 302
    citizen = Citizen.objects.get(person=person)
    assert citizen.pk == first.pk and citizen.user.check_password("kata-sandi-baru-9")
    sms = Message.objects.filter(kind="otp_code", channel="sms", person_id=person.pk).order_by("-pk").first()
    assert sms.phone == "+6285711112222" and sms.key == f"otp:{citizen.pk}:2"
    # The first session's code no longer opens the account (it was bound to the old password).
    assert client.post("/akun/verifikasi/", {"code": old_code}).status_code == 400
    assert again.post("/akun/verifikasi/", {"code": last_code(person)}).status_code == 302
    assert AuditEvent.objects.filter(action="citizen.signup_again").exists()
