"""Protected identifiers: AES-GCM encryption at rest plus an HMAC blind index for exact lookup.

Stored form (bytes): b"\x01" + key id (1 byte length + ascii) + 12-byte nonce + ciphertext+tag.
The key id travels with each value so keys can rotate: the first key in BANSOS_DATA_KEY encrypts,
every listed key can decrypt. The purpose (e.g. "nik") is bound as associated data, so a value
copied from the NIK column into the phone column will not decrypt.

The blind index is HMAC-SHA256(index key, purpose + 0x00 + value), truncated to 128 bits and
hex-encoded: equal values give equal indexes (exact search, joins, duplicate checks) without the
database ever holding the value. It uses its own key so data keys can rotate without re-indexing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORMAT_VERSION = 1
INDEX_BYTES = 16
PURPOSES = frozenset({"nik", "kk", "phone", "account", "provenance", "quarantine"})
_SHA256_BLOCK = 64
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


class ProtectedValueError(ValueError):
    """A stored value could not be decrypted (wrong key, wrong purpose or tampered bytes)."""


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, AESGCM]
    index_key: bytes
    # Per purpose, the HMAC's inner hash after key block and "purpose\x00", and its outer hash
    # after the key block: an index then costs two SHA-256 blocks and no key set-up.
    _index_states: dict[str, tuple[Any, Any]] = field(default_factory=dict, init=False,
                                                      repr=False, compare=False)

    def encrypt(self, value: str, *, purpose: str) -> bytes:
        nonce = os.urandom(12)
        kid = self.active_id.encode("ascii")
        sealed = self.keys[self.active_id].encrypt(nonce, value.encode("utf-8"), purpose.encode())
        return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + sealed

    def decrypt(self, blob: bytes, *, purpose: str) -> str:
        blob = bytes(blob)
        if len(blob) < 2 or blob[0] != FORMAT_VERSION:
            raise ProtectedValueError("unknown protected-value format")
        kid_len = blob[1]
        kid = blob[2 : 2 + kid_len].decode("ascii")
        nonce = blob[2 + kid_len : 14 + kid_len]
        key = self.keys.get(kid)
        if key is None:
            raise ProtectedValueError(f"no key with id {kid!r} is configured")
        try:
            return key.decrypt(nonce, blob[14 + kid_len :], purpose.encode()).decode("utf-8")
        except Exception as exc:  # InvalidTag: wrong key, purpose or tampering
            raise ProtectedValueError("protected value failed authentication") from exc

    def key_id_of(self, blob: bytes) -> str:
        blob = bytes(blob)
        return blob[2 : 2 + blob[1]].decode("ascii")

    def blind_index(self, value: str, *, purpose: str) -> str:
        inner, outer = self._index_state(purpose)
        inner = inner.copy()
        inner.update(value.encode("utf-8"))
        outer = outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[: INDEX_BYTES * 2]

    def _index_state(self, purpose: str) -> tuple[Any, Any]:
        """HMAC-SHA256 (RFC 2104) split at the key: hashes to `copy()` for each value."""
        state = self._index_states.get(purpose)
        if state is None:
            key = self.index_key
            if len(key) > _SHA256_BLOCK:
                key = hashlib.sha256(key).digest()
            key = key.ljust(_SHA256_BLOCK, b"\x00")
            inner = hashlib.sha256(key.translate(_IPAD))
            inner.update(purpose.encode() + b"\x00")
            state = (inner, hashlib.sha256(key.translate(_OPAD)))
            self._index_states[purpose] = state
        return state

    def encrypt_many(self, values: list[str | None], *, purpose: str) -> list[bytes | None]:
        """`encrypt` of each value (None for None or ""), with one call for all nonces."""
        kid = self.active_id.encode("ascii")
        head = bytes([FORMAT_VERSION, len(kid)]) + kid
        seal = self.keys[self.active_id].encrypt
        aad = purpose.encode()
        # One read of 12 random bytes per value, as `encrypt` does, but in one system call.
        pool = os.urandom(12 * len(values))
        nonces = [pool[i : i + 12] for i in range(0, len(pool), 12)]
        return [None if not value else b"".join((head, nonce, seal(nonce, value.encode("utf-8"), aad)))
                for value, nonce in zip(values, nonces, strict=True)]

    def index_many(self, values: list[str | None], *, purpose: str) -> list[str | None]:
        """`blind_index` of each value (None for None or ""), computed once per distinct value."""
        inner0, outer0 = self._index_state(purpose)
        width = INDEX_BYTES * 2
        seen: dict[str, str] = {}
        out: list[str | None] = []
        append = out.append
        for value in values:
            if not value:
                append(None)
                continue
            index = seen.get(value)
            if index is None:
                inner = inner0.copy()
                inner.update(value.encode("utf-8"))
                outer = outer0.copy()
                outer.update(inner.digest())
                index = seen[value] = outer.hexdigest()[:width]
            append(index)
        return out


    def protect_many(self, values: list[str | None], *, purpose: str
                     ) -> tuple[list[bytes | None], list[str | None]]:
        """`encrypt_many` and `index_many` of the same values."""
        # Equal values share one ciphertext here (a KK repeats for every family member): their
        # blind indexes are equal anyway, so this shows nothing the index does not.
        distinct = list(dict.fromkeys(values))
        if len(distinct) == len(values):
            return self.encrypt_many(values, purpose=purpose), self.index_many(values, purpose=purpose)
        sealed = dict(zip(distinct, self.encrypt_many(distinct, purpose=purpose), strict=True))
        return [sealed[v] for v in values], self.index_many(values, purpose=purpose)


def _decode_key(text: str, *, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must hold 32-byte keys (AES-256), got {len(raw)} bytes")
    return raw


def parse_keyring(data_keys: str, index_key: str) -> Keyring:
    if not data_keys or not index_key:
        raise ImproperlyConfigured(
            "BANSOS_DATA_KEY and BANSOS_INDEX_KEY must be set (run `bansos keys init` for a local "
            "install, or set them in the environment)."
        )
    keys: dict[str, AESGCM] = {}
    order: list[str] = []
    for item in data_keys.split(","):
        kid, sep, material = item.strip().partition(":")
        if not sep or not kid or len(kid) > 32:
            raise ImproperlyConfigured("BANSOS_DATA_KEY entries look like 'k1:<base64 32 bytes>'")
        keys[kid] = AESGCM(_decode_key(material, name="BANSOS_DATA_KEY"))
        order.append(kid)
    return Keyring(active_id=order[0], keys=keys, index_key=_decode_key(index_key, name="BANSOS_INDEX_KEY"))


@functools.cache
def _cached_keyring(data_keys: str, index_key: str) -> Keyring:
    return parse_keyring(data_keys, index_key)


def keyring() -> Keyring:
    """The keyring from settings (cached per key material, so tests can swap settings)."""
    return _cached_keyring(settings.BANSOS_DATA_KEY, settings.BANSOS_INDEX_KEY)


def encrypt(value: str, *, purpose: str) -> bytes:
    return keyring().encrypt(value, purpose=purpose)


def decrypt(blob: bytes, *, purpose: str) -> str:
    return keyring().decrypt(blob, purpose=purpose)


def blind_index(value: str, *, purpose: str) -> str:
    return keyring().blind_index(value, purpose=purpose)


def protect_many(values: Iterable[str | None], *, purpose: str) -> tuple[list[bytes | None], list[str | None]]:
    """Encrypt and index many values at once, for bulk loads (COPY / bulk insert); None or ""
    gives None in both lists."""
    values = values if isinstance(values, list) else list(values)
    return keyring().protect_many(values, purpose=purpose)


def encrypt_many(values: Iterable[str | None], *, purpose: str) -> list[bytes | None]:
    """Encrypt many values at once (None for None or ""), for bulk loads that need no index."""
    values = values if isinstance(values, list) else list(values)
    return keyring().encrypt_many(values, purpose=purpose)


def decrypt_many(blobs: Iterable[bytes | None], *, purpose: str) -> list[str | None]:
    """Decrypt many stored values (None stays None), for bulk writers such as payment files."""
    ring = keyring()
    return [None if blob is None else ring.decrypt(blob, purpose=purpose) for blob in blobs]
