"""The harness itself: axe_check finds and reports violations, page_weight counts every byte of
a first load, and a missing browser skips the tests (or fails them where CI requires them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.helpers import REPO_ROOT, axe_check, page_weight

BAD_PAGE = """<!doctype html><html><head><title>t</title></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color:#aaa;background:#fff">grey on white</p>
<button></button></body></html>"""

GOOD_PAGE = """<!doctype html><html lang="id"><head><title>Contoh</title></head><body>
<header><p>bansos</p></header><main><h1>Judul</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo">
<label for="q">Cari</label><input id="q"><button>Cari</button></main></body></html>"""


def test_axe_check_lists_each_violation(page):
    page.set_content(BAD_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    report = str(failure.value)
    for rule in ("image-alt", "button-name", "color-contrast", "html-has-lang"):
        assert rule in report
    assert "(critical)" in report and "at img" in report and "<button></button>" in report


def test_axe_check_passes_on_clean_page(page):
    page.set_content(GOOD_PAGE)
    result = axe_check(page)
    assert result["passes"], "axe ran no rule"


def test_axe_check_can_skip_a_rule(page):
    page.set_content(GOOD_PAGE.replace(' alt="Logo"', ""))
    axe_check(page, disable=("image-alt",))


@pytest.mark.django_db(transaction=True)
def test_page_weight_counts_document_and_subresources(page, base_url):
    weight = page_weight(page, f"{base_url}/office/masuk/")
    assert any(u.endswith("/office/masuk/") for u in weight.by_url)
    assert any(u.endswith("/bansos/site.css") for u in weight.by_url)
    assert any("htmx" in u for u in weight.by_url)
    css = (REPO_ROOT / "src/bansos/core/static/bansos/site.css").stat().st_size
    assert weight.total > css
    assert weight.total == sum(weight.by_url.values())
    assert "site.css" in weight.report()


def test_missing_parts_fail_where_required_else_skip(monkeypatch):
    from tests.browser.conftest import requirements_check

    requirements_check([])
    monkeypatch.setenv("BANSOS_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="BANSOS_REQUIRE_BROWSER=1 but browser tests need x; y"):
        requirements_check(["x", "y"])
    monkeypatch.delenv("BANSOS_REQUIRE_BROWSER")
    with pytest.raises(pytest.skip.Exception, match="browser tests need x"):
        requirements_check(["x"])


def test_missing_browser_skips_the_tests():
    """End to end, as on a developer's machine without Chromium: skipped, with the reason."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL"))}
    env |= {"BANSOS_CHROMIUM": "/nonexistent/chromium", "BANSOS_REQUIRE_BROWSER": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:xdist", "-p", "no:cacheprovider",
         f"{Path(__file__).relative_to(REPO_ROOT)}::test_axe_check_passes_on_clean_page"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0 and "1 skipped" in out, out
    assert "browser tests need Chromium at /nonexistent/chromium" in out, out
