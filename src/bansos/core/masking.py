"""Masking rules, in one place: what a viewer who may not see a value is shown instead."""

from __future__ import annotations


def mask_word(word: str) -> str:
    """`PRASETYO` -> `P******O`; one- and two-letter words keep only their first letter."""
    if len(word) <= 2:
        return word[:1] + "*" * (len(word) - 1)
    return word[0] + "*" * (len(word) - 2) + word[-1]


def mask_name(name: str) -> str:
    """Each word masked as on the public Cek Bansos page: `SITI AMINAH` -> `S**I A****H`."""
    return " ".join(mask_word(w) for w in name.split())


def mask_digits(value: str | None, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """`3510094107850001` -> `3510********0001`."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str | None) -> str:
    return mask_digits(value, keep_start=4, keep_end=3)
