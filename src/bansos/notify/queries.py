"""Reads of the outbox: a household's inbox, and the office page's counts and latest messages
inside the officer's area, with their texts rendered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from bansos.areas.scope import scoped
from bansos.notify.models import Message
from bansos.notify.texts import TextError, kind_label, message_text


@dataclass(frozen=True)
class MessageView:
    message: Message
    label: str  # the kind, in the reader's language
    text: str  # Indonesian: what the citizen got
    text_en: str  # for officers reading in English ("" when asked for Indonesian only)


def _text(message: Message, language: str) -> tuple[str, bool]:
    try:
        return message_text(message, language), True
    except TextError as error:  # officers see a message that does not render, and why
        return f"[{error}]", False


def _views(messages, *, language: str, broken: bool = True) -> list[MessageView]:
    english = language.startswith("en")
    views = []
    for m in messages:
        text, ok = _text(m, "id")
        if not ok and not broken:
            continue
        text_en = _text(m, "en")[0] if english else ""
        views.append(MessageView(message=m, label=kind_label(m.kind), text=text,
                                 text_en=text_en if text_en != text else ""))
    return views


def inbox_for_household(*, household_id: int, limit: int = 50, language: str = "id"
                        ) -> list[MessageView]:
    """The household's inbox, newest first; a message whose params do not render (the office
    page shows it with the reason) is left out rather than shown to the family as an error."""
    messages = (Message.objects.filter(household_id=household_id, channel=Message.Channel.INBOX)
                .order_by("-created_at", "-id")[:limit])
    return _views(messages, language=language, broken=False)


def _filtered(qs: QuerySet[Message], *, kind: str = "", channel: str = "", status: str = ""
              ) -> QuerySet[Message]:
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    return qs


def outbox_counts(*, user, kind: str = "", channel: str = "", status: str = "") -> list[dict]:
    """Messages inside the officer's area by kind, channel and status, with display labels."""
    rows = list(_filtered(scoped(Message.objects.all(), user), kind=kind, channel=channel,
                          status=status)
                .values("kind", "channel", "status").annotate(n=Count("id"))
                .order_by("kind", "channel", "status"))
    channels, statuses = dict(Message.Channel.choices), dict(Message.Status.choices)
    for row in rows:
        row["kind_label"] = kind_label(row["kind"])
        row["channel_label"] = channels.get(row["channel"], row["channel"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    return rows


def outbox_latest(*, user, limit: int = 50, kind: str = "", channel: str = "",
                  status: str = "", language: str = "id") -> list[MessageView]:
    """The newest messages inside the officer's area; recipients only as stored (masked)."""
    qs = _filtered(scoped(Message.objects.all(), user), kind=kind, channel=channel, status=status)
    # The head's name by a join, not select_related: loading the Person would decrypt its NIK
    # and phone for nothing.
    qs = qs.annotate(head_name=F("household__head__full_name"))
    return _views(qs.order_by("-id")[:limit], language=language)
