from django import template

from bansos.core import masking

register = template.Library()


@register.filter
def mask_name(value: str) -> str:
    return masking.mask_name(value or "")


@register.filter
def mask_digits(value: str) -> str:
    return masking.mask_digits(value)


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value)


@register.filter
def rupiah(value) -> str:
    """12345678 -> 'Rp12.345.678' (Indonesian thousands separator)."""
    if value is None or value == "":
        return ""
    return "Rp" + f"{int(value):,}".replace(",", ".")


@register.filter
def pce(value) -> int | str:
    """A predicted log per-capita expenditure as whole rupiah (rounded to Rp1.000)."""
    import math

    if value is None or value == "":
        return ""
    return int(round(math.exp(float(value)) / 1000.0) * 1000)


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (dictionaries keyed by codes, such as payment states)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
