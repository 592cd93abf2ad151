"""Browser tests: a real Chromium driven by Playwright (sync API) against pytest-django's live
server, with axe-core for accessibility. See docs/testing.md.

Fixtures
  browser       one headless Chromium per test session (so one per xdist worker)
  page          a fresh browser context and page per test (Indonesian locale, no cache shared)
  base_url      the live server's URL, e.g. "http://localhost:41234"
  office_page   factory: office_page(role="regency", area_code="35.10") -> (page, user), the
                page logged in through the login form as a new officer of that role and area
Helpers (tests/browser/helpers.py)
  axe_check(page)          fail on any WCAG 2.1 A/AA violation, listing each one
  page_weight(page, url)   bytes transferred on a first load (PUBLIC_PAGE_BUDGET = 100 KB)
  office_login(page, base_url, username, password)

Data a test creates must be committed to be seen by the live server's thread (on PostgreSQL it
is a different connection): mark such tests `@pytest.mark.django_db(transaction=True)`.
Using `live_server` (which `base_url` does) makes the database transactional anyway.

What the tests need: the `playwright` Python package (in the dev dependencies), Debian's
`chromium` at /usr/bin/chromium (another path in BANSOS_CHROMIUM) and `npm ci` for
node_modules/axe-core. Where one is missing the tests are skipped, unless
BANSOS_REQUIRE_BROWSER=1 (set by .ci/run), where they fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from bansos.areas.models import Area
from bansos.areas.services import areas_load
from tests.browser.helpers import AXE_JS, CHROMIUM, CHROMIUM_ARGS, office_login

HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ carries the `browser` marker (`-m "not browser"`)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing() -> list[str]:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package `playwright` (run `make install`)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        missing.append(f"Chromium at {CHROMIUM} (Debian: `apt-get install chromium`; "
                       "or set BANSOS_CHROMIUM to a Chromium/Chrome binary)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core at {AXE_JS.relative_to(AXE_JS.parents[2])} (run `npm ci` or `make install`)")
    return missing


def requirements_check(missing: list[str]) -> None:
    """Skip when something is missing, or fail where BANSOS_REQUIRE_BROWSER=1 (CI)."""
    if missing:
        message = "browser tests need " + "; ".join(missing)
        if os.environ.get("BANSOS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BANSOS_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def _browser_requirements():
    requirements_check(_missing())


class _PlaywrightSession:
    """Playwright's sync API runs an asyncio loop in a greenlet on this thread and, between
    calls, leaves it marked as this thread's running loop. Left so, it would leak into the
    other tests an xdist worker runs after a browser test (Django refuses ORM calls when a loop
    runs, `asyncio.run()` refuses to start). So the loop is marked running only while a browser
    test (or this fixture's own start and stop) runs, and Django's async-safety check is off
    just then: the ORM calls of these tests are plain synchronous ones."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        self.manager = sync_playwright().start()
        self.loop = asyncio.get_running_loop()
        self.browser = None

    @contextlib.contextmanager
    def active(self):
        from django.db import connections

        # While a loop runs, Django keeps database connections apart from the thread's own
        # (asgiref's thread-critical Local): hand it the thread's, so that test code, fixtures
        # and pytest-django's transaction handling share one connection (none left open).
        shared = {alias: connections[alias] for alias in connections}
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        asyncio._set_running_loop(self.loop)
        for alias, connection in shared.items():
            connections[alias] = connection
        try:
            yield
        finally:
            for alias in shared:
                del connections[alias]
            asyncio._set_running_loop(None)
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

    def launch(self):
        with self.active():
            self.browser = self.manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                        headless=True)
        return self.browser

    def stop(self):
        with self.active():
            if self.browser is not None:
                self.browser.close()
            self.manager.stop()


@pytest.fixture(scope="session")
def _playwright(_browser_requirements):
    session = _PlaywrightSession()
    asyncio._set_running_loop(None)
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def _playwright_active(_playwright):
    """Every browser test: skipped (or failed, see _browser_requirements) when the browser or
    axe-core is missing; else run with Playwright's loop active (see _PlaywrightSession)."""
    with _playwright.active():
        yield


@pytest.fixture(scope="session")
def browser(_playwright):
    """One headless Debian Chromium for the whole session (each xdist worker has its own)."""
    return _playwright.launch()


@pytest.fixture
def browser_context_args():
    """Override in a module to change the context (e.g. {"locale": "en-US"} for English)."""
    return {"locale": "id-ID", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def office_page(page, base_url, officer):
    """Factory: log `page` in as a new officer (through the login form); returns (page, user)."""

    def login(role: str = "regency", area_code: str = "35.10"):
        if not Area.objects.filter(code=area_code).exists():
            areas_load(prefixes=[area_code])
        user = officer(role, area_code)
        office_login(page, base_url, user.username)
        return page, user

    return login
