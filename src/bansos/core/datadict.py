"""The data dictionary (docs/data-dictionary.md), rendered from the models themselves so it
cannot drift from the schema; a test fails when the committed file is stale."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from bansos.core.fields import BlindIndexField, EncryptedField

HEADER = """# Data dictionary

Generated from the models by `bansos datadict > docs/data-dictionary.md`; do not edit by hand.
Protected columns hold AES-GCM ciphertext (`encrypted`) or a keyed HMAC (`blind index`), never
the value itself.
"""


def _type(field: models.Field) -> str:
    if isinstance(field, EncryptedField):
        return f"encrypted ({field.purpose})"
    if isinstance(field, BlindIndexField):
        return f"blind index of `{field.source}`"
    if isinstance(field, models.ForeignKey):
        return f"→ {field.related_model._meta.label}"
    kind = field.get_internal_type().replace("Field", "").lower()
    if getattr(field, "max_length", None) and kind == "char":
        return f"text({field.max_length})"
    return kind


def _notes(field: models.Field) -> str:
    parts = []
    if field.help_text:
        parts.append(str(field.help_text))
    if field.choices and not isinstance(field, models.ForeignKey):
        parts.append("one of: " + ", ".join(f"`{value}`" for value, _ in field.choices))
    if field.null:
        parts.append("may be empty")
    return "; ".join(parts).replace("|", "/")


def render() -> str:
    out = [HEADER]
    for config in apps.get_app_configs():
        if not config.name.startswith("bansos."):
            continue
        for model in sorted(config.get_models(), key=lambda m: m.__name__):
            meta = model._meta
            out.append(f"\n## {meta.label} (`{meta.db_table}`)\n")
            doc = " ".join((model.__doc__ or "").split())
            if doc and not doc.startswith(model.__name__ + "("):
                out.append(f"{doc}\n")
            out.append("\n| column | type | notes |\n|---|---|---|")
            for field in meta.concrete_fields:
                out.append(f"| `{field.column}` | {_type(field)} | {_notes(field)} |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
