"""Model fields for protected identifiers.

`EncryptedField` stores AES-GCM ciphertext (see core.protected) and hands plaintext to Python.
`BlindIndexField` derives its value on save from a sibling EncryptedField, so every write path
that goes through the ORM (save, bulk_create) keeps the index in step with the value.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from bansos.core import protected


class EncryptedField(models.BinaryField):
    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        if purpose not in protected.PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        self.purpose = purpose
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return protected.decrypt(bytes(value), purpose=self.purpose)

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return protected.decrypt(bytes(value), purpose=self.purpose)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or value == "":
            return None
        if isinstance(value, (bytes, memoryview)):
            # Already sealed (bulk loaders encrypt ahead of time).
            return connection.Database.Binary(bytes(value))
        return connection.Database.Binary(protected.encrypt(str(value), purpose=self.purpose))

    def value_to_string(self, obj):
        # Serialisation (dumpdata) must never emit plaintext.
        return "[protected]"


class BlindIndexField(models.CharField):
    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", protected.INDEX_BYTES * 2)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        kwargs.pop("editable", None)
        if not self.db_index:
            # Indexed unless told otherwise: say so, or a migration would bring the index back.
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        plain = getattr(model_instance, self.source)
        if isinstance(plain, (bytes, memoryview)):
            value = getattr(model_instance, self.attname)  # bulk loader set both
        else:
            value = protected.blind_index(plain, purpose=self.purpose) if plain else None
        setattr(model_instance, self.attname, value)
        return value
