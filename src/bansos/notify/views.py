"""The office page of notifications: what was announced inside the officer's area, by kind,
channel and status, and the latest messages as the citizen got them. Thin: reads through
`queries`; recipients are shown only masked, as stored at send time."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from bansos.areas.scope import officer_area
from bansos.notify import queries
from bansos.notify.models import Message
from bansos.notify.texts import KINDS

LATEST = 50


@login_required
@require_GET
def outbox(request):
    area = officer_area(request.user)  # non-officers: 403
    allowed = {"kind": set(KINDS), "channel": set(Message.Channel.values),
               "status": set(Message.Status.values)}
    filters = {name: request.GET.get(name, "") for name in allowed}
    filters = {name: value if value in allowed[name] else "" for name, value in filters.items()}
    return render(request, "notify/outbox.html", {
        "area": area, "filters": filters,
        "counts": queries.outbox_counts(user=request.user, **filters),
        "latest": queries.outbox_latest(user=request.user, limit=LATEST, language=get_language() or "id",
                                        **filters),
        "kinds": [(code, kind.label) for code, kind in KINDS.items()],
        "channels": Message.Channel.choices, "statuses": Message.Status.choices,
        "query": urlencode({k: v for k, v in filters.items() if v}),
    })
