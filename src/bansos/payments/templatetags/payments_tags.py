from django import template
from django.utils.translation import get_language

from bansos.payments.reasons import reason_text

register = template.Library()


@register.filter
def payment_reason(code: str) -> str:
    """A bank's reason code in the reader's language."""
    return reason_text(code, language="en" if (get_language() or "id").startswith("en") else "id") if code else ""
