"""The issue's journeys in a real browser, as a new user would take them: search a village and
find a recipient (masked); sign up as a resident; propose a neighbour; rebut a recipient; file a
complaint; then as the village operator and the social office move each case to its end and
see the registry and the notifications change. axe-core runs on every page on the way."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from PIL import Image

from bansos.cases.models import Case
from bansos.core.protected import blind_index
from bansos.notify.models import Message
from bansos.registry.models import Person
from bansos.targeting.models import HouseholdFlag
from tests.browser.helpers import PUBLIC_PAGE_BUDGET, axe_check, office_login, page_weight
from tests.cases.conftest import NEW_KK, NEW_NIK
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
         "sembilan": 9}
PASSWORD = "kata-sandi-warga-2026"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters of earlier tests
    yield
    cache.clear()


def _answer(page, prefix: str) -> None:
    question = page.locator(f"label[for='{prefix}-jawaban']").inner_text()
    first, second = (WORDS[w] for w in re.findall(r"\b(" + "|".join(WORDS) + r")\b", question.lower())[:2])
    page.locator(f"#{prefix}-jawaban").fill(str(first + second))


def _photo(tmp_path, name: str) -> str:
    path = tmp_path / name
    Image.new("RGB", (120, 80), (90, 140, 200)).save(path, format="PNG")
    return str(path)


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_public_search_finds_a_recipient_masked(page, base_url, world):
    weight = page_weight(page, f"{base_url}/")
    assert weight.total <= PUBLIC_PAGE_BUDGET, weight.report()
    axe_check(page)
    # Choosing a level brings the next one (htmx; the "Pilih" button does it without JavaScript).
    for select_id, value in (("id_provinsi", "35"), ("id_kabupaten", "35.10"),
                             ("id_kecamatan", "35.10.09"), ("id_desa", VILLAGE_A)):
        page.locator(f"#{select_id} option[value='{value}']").wait_for(state="attached")
        select = page.locator(f"#{select_id}")
        if select.get_attribute("hx-get"):
            # htmx has wired the select it just inserted (its listener is set on processing).
            page.wait_for_function("el => el['htmx-internal-data'] !== undefined", arg=select.element_handle())
        select.select_option(value)
    page.locator("#wilayah-nama").fill("Sutrisno")
    _answer(page, "wilayah")
    with page.expect_navigation():
        page.locator("button[name=cari][value=wilayah]").click()
    results = page.locator("table.hasil").inner_text()
    assert "S******O" in results and "SUTRISNO" not in results
    assert "3510090101800001" not in page.content()
    axe_check(page)


def test_resident_signs_up_proposes_rebuts_and_complains(page, base_url, world, enrolled, tmp_path):
    enrolled(world["SITI AMINAH"].household)
    for path in ("/akun/masuk/", "/akun/daftar/"):  # the citizen's first pages, on a slow phone too
        weight = page_weight(page, f"{base_url}{path}")
        assert weight.total <= PUBLIC_PAGE_BUDGET, weight.report()
    axe_check(page)
    page.locator("#id_nik").fill("3510090101800001")
    page.locator("#id_kk").fill("3510091203150007")
    page.locator("#id_name").fill("Sutrisno")
    page.locator("#id_phone").fill("0812 3456 7890")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    _submit(page, "Daftar")
    assert "/akun/verifikasi/" in page.url
    axe_check(page)
    code = Message.objects.get(kind="otp_code", channel="sms").params["code"]
    page.locator("#id_code").fill(code)
    _submit(page, "Verifikasi")
    assert page.url.rstrip("/").endswith("/akun")
    axe_check(page)

    # Propose a neighbour the registry lacks.
    page.goto(f"{base_url}/akun/kasus/usul/baru/")
    axe_check(page)
    page.get_by_label("Siapa yang diusulkan").select_option("other")
    page.get_by_label("Nama lengkap sesuai KTP").fill("Ratna Sari")
    page.get_by_label("NIK (16 angka)").fill(NEW_NIK)
    page.get_by_label("Nomor KK (16 angka)").fill(NEW_KK)
    page.get_by_label("Alasan diusulkan").fill("Janda lansia, tinggal sendiri di rumah bambu.")
    page.get_by_label("Foto KTP").set_input_files(_photo(tmp_path, "ktp.png"))
    page.get_by_label("Foto Kartu Keluarga").set_input_files(_photo(tmp_path, "kk.png"))
    _submit(page, "Kirim usulan")
    proposal = Case.objects.get(kind="proposal")
    assert proposal.ref in page.content()
    axe_check(page)

    # Rebut a recipient from the village list.
    page.goto(f"{base_url}/akun/desa/")
    axe_check(page)
    assert "Keluarga Anda" in page.content()  # no rebutting one's own family
    with page.expect_navigation():
        page.locator(f"a[href$='rumah={world['SITI AMINAH'].household_id}']").click()
    axe_check(page)
    page.get_by_label("Alasan sanggahan").select_option("civil_servant")
    page.get_by_label("Keterangan").fill("Suaminya guru PNS di SD negeri.")
    page.get_by_label("Foto rumah yang disanggah").set_input_files(_photo(tmp_path, "rumah.png"))
    _submit(page, "Kirim sanggahan")
    assert Case.objects.filter(kind="rebuttal", household=world["SITI AMINAH"].household).exists()
    axe_check(page)

    # Complain.
    page.goto(f"{base_url}/akun/kasus/pengaduan/baru/")
    axe_check(page)
    page.get_by_label("Jenis pengaduan").select_option("wrong_amount")
    page.get_by_label("Uraian pengaduan").fill("Bantuan PKH tahap ini kurang dari biasanya.")
    _submit(page, "Kirim pengaduan")
    assert Case.objects.filter(kind="complaint").exists()
    axe_check(page)
    page.goto(f"{base_url}/akun/kasus/")
    axe_check(page)
    page.goto(f"{base_url}/akun/kotak-masuk/")
    assert proposal.ref in page.content()
    axe_check(page)


def _act(page, label: str, note: str = "") -> None:
    form = page.locator("form.action").filter(has=page.get_by_role("button", name=label))
    if note:
        form.locator("textarea").fill(note)
    with page.expect_navigation():
        form.get_by_role("button", name=label).click()


def test_officers_move_each_case_to_its_end(browser, base_url, world, citizen, officer, enrolled, tmp_path):
    from bansos.cases.services import Upload, complaint_submit, proposal_submit, rebuttal_submit
    from tests.cases.conftest import pdf, photo

    user = citizen("SUTRISNO")
    siti = world["SITI AMINAH"].household
    enrolled(siti)
    village = user.citizen.person.household.village
    proposal = proposal_submit(by=user, citizen=user.citizen, village=village, nik=NEW_NIK, kk=NEW_KK,
                               name="RATNA SARI", relation="other", details="janda lansia",
                               uploads=[Upload("ktp", photo()), Upload("kk", photo("kk.png"))])
    rebuttal = rebuttal_submit(by=user, citizen=user.citizen, household_id=siti.pk, reason="civil_servant",
                               details="suaminya guru PNS")
    complaint = complaint_submit(by=user, citizen=user.citizen, category="wrong_amount",
                                 details="kurang dari biasanya", program_id="PKH")
    operator, regency = officer("village_operator", VILLAGE_A), officer("regency", "35.10")

    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    office_login(page, base_url, operator.username)
    page.goto(f"{base_url}/office/kasus/")
    axe_check(page)
    page.locator(f"#pick-{proposal.pk}").check()
    page.get_by_label("Tindakan", exact=True).select_option("accept")
    _submit(page, "Proses")
    page.goto(f"{base_url}/office/kasus/{proposal.pk}/")
    axe_check(page)
    _act(page, "Hasil verifikasi: layak diusulkan", "Dikunjungi, layak.")
    page.get_by_label("Jenis dokumen").select_option("minutes")
    minutes = tmp_path / "berita-acara.pdf"
    minutes.write_bytes(pdf().read())
    page.get_by_label("Berkas").set_input_files(str(minutes))
    _submit(page, "Unggah")
    _act(page, "Kirim ke Dinas Sosial dengan berita acara")
    page.goto(f"{base_url}/office/kasus/{rebuttal.pk}/")
    _act(page, "Terbukti di lapangan, kirim ke Dinas Sosial", "SK PNS dilihat.")
    context.close()

    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    office_login(page, base_url, regency.username)
    page.goto(f"{base_url}/office/kasus/{proposal.pk}/")
    _act(page, "Lolos verifikasi, ajukan ke bupati/wali kota")
    _act(page, "Setujui: masuk DTSEN periode berikutnya")
    axe_check(page)
    page.goto(f"{base_url}/office/kasus/{rebuttal.pk}/")
    _act(page, "Sanggahan diterima: keluarkan dari penerima", "Dikeluarkan.")
    page.goto(f"{base_url}/office/kasus/{complaint.pk}/")
    _act(page, "Tangani")
    _act(page, "Kirim jawaban", "Komponen SD berakhir karena anak lulus.")
    context.close()

    assert Person.objects.filter(nik_index=blind_index(NEW_NIK, purpose="nik")).exists()
    assert HouseholdFlag.objects.filter(household=siti, kind="ineligible_field_check").exists()
    steps = Message.objects.filter(kind="case_update", household_id=user.citizen.person.household_id,
                                   channel="sms").count()
    assert steps >= 10  # every step of three cases, by SMS (and as many in the inbox)

    # The resident reads the answer and closes the complaint.
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.goto(f"{base_url}/akun/masuk/")
    page.locator("#id_nik").fill("3510090101800001")
    page.locator("#id_password").fill("pass-for-tests-1")
    _submit(page, "Masuk")
    page.goto(f"{base_url}/akun/kasus/{complaint.pk}/")
    assert "Komponen SD berakhir" in page.content()
    axe_check(page)
    _submit(page, "Jawaban diterima")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.outcome) == ("closed", "resolved")
    context.close()
