"""Display filters for the linkage pages: percentages, the engine's bilingual level labels,
and a list row's program-specific values with identifiers masked."""

from __future__ import annotations

from django import template
from django.utils import translation

from bansos.core import masking
from bansos.registry.models import Relationship, Sex

register = template.Library()

# Program-specific values that are a person's secret though not digits (a bank's security
# question); digit strings long enough to identify (card, student, account numbers) are masked
# whatever their key.
_NAME_KEYS = frozenset({"mother_name"})
_IDENTIFYING_DIGITS = 8


@register.filter
def percent(value) -> str:
    """0.9534 -> '95,3 %' ('95.3 %' in English)."""
    if value is None or value == "":
        return "—"
    text = f"{float(value) * 100:.1f}"
    if translation.get_language() != "en":
        text = text.replace(".", ",")
    return f"{text} %"


@register.filter
def bilingual(label: str) -> str:
    """The engine labels levels 'sama / equal': the part in the page's language."""
    indonesian, _, english = (label or "").partition(" / ")
    return english if english and translation.get_language() == "en" else indonesian


def masked_extra(key: str, value) -> str:
    text = "" if value is None else str(value)
    if key in _NAME_KEYS:
        return masking.mask_name(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= _IDENTIFYING_DIGITS and len(digits) >= len(text.replace(" ", "")) - 3:
        return masking.mask_digits(digits)
    return text


@register.filter
def extra_items(extra) -> list[tuple[str, str]]:
    """A row's `extra` values as (key, value) pairs, identifiers masked."""
    if not isinstance(extra, dict):
        return []
    return [(key, masked_extra(key, value)) for key, value in sorted(extra.items())
            if value not in (None, "")]



@register.filter
def sex_label(code: str) -> str:
    """A staged row's sex code as the registry names it."""
    return str(Sex(code).label) if code in Sex.values else (code or "")


@register.filter
def relationship_label(code: str) -> str:
    return str(Relationship(code).label) if code in Relationship.values else (code or "")
