"""Helpers for browser tests: accessibility (axe-core), page weight, officer login.

Import them in a test module:

    from tests.browser.helpers import axe_check, office_login, page_weight, PUBLIC_PAGE_BUDGET

Fixtures (`browser`, `page`, `live_server`, `office_page`) come from tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("BANSOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# What axe checks: WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A public page, with everything it loads on a first visit, must stay within this many bytes.
PUBLIC_PAGE_BUDGET = 100_000
# The password the `officer` fixture of tests/conftest.py gives every officer.
OFFICER_PASSWORD = "pass-for-tests-1"  # noqa: S105


# ---------------------------------------------------------------------------------------------
# Accessibility
# ---------------------------------------------------------------------------------------------

def axe_run(page, *, tags=AXE_TAGS, context: str | None = None, disable: tuple[str, ...] = ()) -> dict:
    """Inject axe-core into the page (once) and return its full result object."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    # resultTypes: only violations carry every node (faster on long pages); `incomplete`
    # (what axe cannot decide, e.g. text over images) is returned but not failed on.
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return page.evaluate(
        "([context, options]) => axe.run(context ? document.querySelector(context) : document, options)",
        [context, options],
    )


def axe_violations_report(violations: list[dict]) -> str:
    """One readable paragraph per violation: rule, impact, help, and each offending node."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}\n  {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            target = " ".join(" > ".join(t) if isinstance(t, list) else str(t) for t in node["target"])
            html = re.sub(r"\s+", " ", node.get("html", ""))[:200]
            lines.append(f"    at {target}\n       {html}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("       " + summary.replace("\n", "\n       "))
    return "\n".join(lines)


def axe_check(page, *, context: str | None = None, disable: tuple[str, ...] = ()) -> dict:
    """Fail the test if axe finds any WCAG 2.1 A/AA violation on the page as it is now.

    `context`: a CSS selector to check only part of the page; `disable`: rule ids to skip
    (say why in the test). Returns axe's result for further checks."""
    result = axe_run(page, context=context, disable=disable)
    violations = result["violations"]
    if violations:
        import pytest

        pytest.fail(f"{len(violations)} accessibility violation(s) on {page.url}:\n"
                    + axe_violations_report(violations), pytrace=False)
    return result


# ---------------------------------------------------------------------------------------------
# Page weight
# ---------------------------------------------------------------------------------------------

@dataclass
class PageWeight:
    url: str
    total: int = 0
    by_url: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        rows = sorted(self.by_url.items(), key=lambda kv: -kv[1])
        return f"{self.total:,} bytes for {self.url}:\n" + "\n".join(f"  {n:>9,}  {u}" for u, n in rows)


def page_weight(page, url: str) -> PageWeight:
    """Load `url` in `page` as a first visit (cache off) and count the bytes transferred:
    the encoded (on the wire) size of every response, headers included, until the network is
    idle. Use a fresh `page` (the fixture gives one per test)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    try:
        page.goto(url, wait_until="networkidle")
    finally:
        cdp.detach()
    weight = PageWeight(url=url)
    for request_id, size in sizes.items():
        key = urls.get(request_id, request_id)
        weight.by_url[key] = weight.by_url.get(key, 0) + size
        weight.total += size
    return weight


# ---------------------------------------------------------------------------------------------
# Officer login
# ---------------------------------------------------------------------------------------------

def office_login(page, base_url: str, username: str, password: str = OFFICER_PASSWORD) -> None:
    """Log an officer in through the real login form (/office/masuk/) and wait for the office
    home page. Uses the labels a screen-reader user would hear."""
    page.goto(f"{base_url}/office/masuk/")
    page.get_by_label(re.compile(r"^(Nama pengguna|Username)$")).fill(username)
    page.get_by_label(re.compile(r"^(Kata sandi|Password)$")).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^(Masuk|Log in)$")).click()
    if "/office/masuk/" in page.url:
        raise AssertionError(f"login as {username!r} failed: still on {page.url}")
