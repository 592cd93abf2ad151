"""Officer pages in a real browser: no WCAG 2.1 A/AA violation (axe-core), usable by keyboard,
and the login page (the one office page anyone can open) within the public page budget."""

from __future__ import annotations

import pytest

from tests.browser.helpers import OFFICER_PASSWORD, PUBLIC_PAGE_BUDGET, axe_check, page_weight

pytestmark = pytest.mark.django_db(transaction=True)


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
                href: el.getAttribute('href'), text: (el.innerText || '').trim()};
    }""")


def test_login_page_has_no_violations(page, base_url):
    page.goto(f"{base_url}/office/masuk/")
    axe_check(page)


def test_login_page_error_has_no_violations(page, base_url, small_registry):
    page.goto(f"{base_url}/office/masuk/")
    page.get_by_label("Nama pengguna").fill("tidak-ada")
    page.get_by_label("Kata sandi").fill("salah-sekali-123")
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").is_visible()
    username = page.get_by_label("Nama pengguna")
    assert username.get_attribute("aria-invalid") == "true"
    assert username.get_attribute("aria-describedby") == "login-error"
    axe_check(page)


def test_login_page_in_english_has_no_violations(browser, base_url):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/office/masuk/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_label("Username").is_visible()
        axe_check(page)
    finally:
        context.close()


def test_login_page_within_public_budget(page, base_url):
    weight = page_weight(page, f"{base_url}/office/masuk/")
    assert weight.total <= PUBLIC_PAGE_BUDGET, weight.report()


@pytest.mark.parametrize("where", ["home", "household_list", "household_detail", "person_detail"])
def test_office_page_has_no_violations(where, office_page, base_url, small_registry):
    page, _ = office_page("regency", "35.10")
    household = small_registry["SUTRISNO"].household
    path = {
        "home": "/office/",
        "household_list": "/office/keluarga/",
        "household_detail": f"/office/keluarga/{household.pk}/",
        "person_detail": f"/office/penduduk/{small_registry['SUTRISNO'].pk}/",
    }[where]
    page.goto(base_url + path)
    assert page.locator("h1").count() == 1
    axe_check(page)


@pytest.mark.parametrize("logged_in", [False, True], ids=["login", "home"])
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(logged_in, page, base_url, office_page, small_registry):
    if logged_in:
        office_page("regency", "35.10")
        page.goto(f"{base_url}/office/")
    else:
        page.goto(f"{base_url}/office/masuk/")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert (first["tag"], first["href"]) == ("a", "#main"), first
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link must be on screen"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none", \
        "keyboard focus must be visible"
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


def test_login_by_keyboard_only(page, base_url, officer, small_registry):
    user = officer("regency", "35.10")
    page.goto(f"{base_url}/office/masuk/")
    for _ in range(15):
        page.keyboard.press("Tab")
        if _focused(page)["id"] == "id_username":
            break
    else:
        pytest.fail("the username field is not reachable with Tab")
    page.keyboard.type(user.username)
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_password"
    page.keyboard.type(OFFICER_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/office/"
    assert "BANYUWANGI" in page.get_by_role("heading", level=1).inner_text().upper()
    assert page.get_by_role("button", name="Keluar").is_visible()
