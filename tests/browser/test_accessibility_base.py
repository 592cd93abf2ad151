"""The shared base template (base.html) in a state the office pages tested elsewhere do not
reach: messages after an action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.browser.helpers import axe_check


def test_base_template_with_messages_has_no_violations(page):
    request = RequestFactory().get("/office/")
    shown = [Message(messages.SUCCESS, "Tersimpan."), Message(messages.ERROR, "Gagal.")]
    page.set_content(render_to_string("base.html", {"messages": shown}, request=request))
    assert page.get_by_role("status").locator("li").count() == 2
    axe_check(page)
