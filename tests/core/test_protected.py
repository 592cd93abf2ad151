import base64
import sqlite3

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from bansos.core import protected
from bansos.core.protected import ProtectedValueError, parse_keyring


def _key(byte: bytes) -> str:
    return base64.b64encode(byte * 32).decode()


def test_round_trip_and_purpose_binding():
    blob = protected.encrypt("3510094107850001", purpose="nik")
    assert b"3510094107850001" not in blob
    assert protected.decrypt(blob, purpose="nik") == "3510094107850001"
    with pytest.raises(ProtectedValueError):
        protected.decrypt(blob, purpose="phone")


def test_encryption_is_randomised_but_index_is_stable():
    a, b = protected.encrypt("x", purpose="nik"), protected.encrypt("x", purpose="nik")
    assert a != b
    assert protected.blind_index("x", purpose="nik") == protected.blind_index("x", purpose="nik")
    assert protected.blind_index("x", purpose="nik") != protected.blind_index("x", purpose="kk")


def test_tampered_value_is_refused():
    blob = bytearray(protected.encrypt("3510094107850001", purpose="nik"))
    blob[-1] ^= 1
    with pytest.raises(ProtectedValueError):
        protected.decrypt(bytes(blob), purpose="nik")


def test_rotation_old_key_still_decrypts_new_key_encrypts():
    old = parse_keyring(f"k1:{_key(b'a')}", _key(b"i"))
    new = parse_keyring(f"k2:{_key(b'b')},k1:{_key(b'a')}", _key(b"i"))
    blob = old.encrypt("081234567890", purpose="phone")
    assert new.decrypt(blob, purpose="phone") == "081234567890"
    assert new.key_id_of(new.encrypt("x", purpose="phone")) == "k2"
    # The blind index does not depend on the data key, so rotation needs no re-indexing.
    assert old.blind_index("x", purpose="phone") == new.blind_index("x", purpose="phone")


@pytest.mark.parametrize(
    ("data", "index"),
    [
        ("", _key(b"i")),
        ("k1:notbase64!!", _key(b"i")),
        ("k1:" + base64.b64encode(b"short").decode(), _key(b"i")),
        ("nokid", _key(b"i")),
    ],
)
def test_bad_key_configuration_is_a_clear_error(data, index):
    with pytest.raises(ImproperlyConfigured):
        parse_keyring(data, index)


@pytest.mark.django_db(transaction=True)
@pytest.mark.sqlite_only
def test_no_plaintext_identifier_in_the_database_file(tmp_path):
    from bansos.areas.services import areas_load
    from bansos.registry.models import Household, Person

    if connection.vendor != "sqlite":
        pytest.skip("checks the SQLite file")
    areas_load(prefixes=["35.10.09"])
    household = Household.objects.create(kk="3510091203150007", village_id="35.10.09.2001", rw="001", rt="002")
    Person.objects.create(nik="3510094107850001", full_name="SITI AMINAH", sex="P", household=household, phone="081234567890")
    found = Person.objects.get(nik_index=protected.blind_index("3510094107850001", purpose="nik"))
    assert found.nik == "3510094107850001" and found.phone == "081234567890"

    # Copy the live database (including its WAL) into one file and search its raw bytes.
    target = tmp_path / "copy.sqlite3"
    dest = sqlite3.connect(target)
    connection.ensure_connection()
    connection.connection.backup(dest)
    dest.close()
    raw = target.read_bytes()
    for secret in (b"3510094107850001", b"3510091203150007", b"081234567890"):
        assert secret not in raw
    assert b"SITI AMINAH" in raw  # the search itself works: unprotected fields are in the file


@pytest.mark.django_db
def test_no_plaintext_identifier_in_any_table_cell(small_registry):
    """Backend-agnostic: read every cell of every table with raw SQL (no decrypting field code)."""
    from django.apps import apps

    from bansos.audit.services import access_record
    from bansos.registry.versions import registry_version_publish

    registry_version_publish(period="2026-11", actor="test")
    access_record(person_id=small_registry["SLAMET"].pk, user=None)
    secrets = ["3510090101800001", "3510091203150007", "3510160504900004"]
    cells = 0
    with connection.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            for row in cursor.fetchall():
                for cell in row:
                    cells += 1
                    text = bytes(cell).decode("latin-1") if isinstance(cell, (bytes, memoryview)) else str(cell)
                    assert not any(s in text for s in secrets), f"plaintext identifier in {model._meta.db_table}"
    assert cells > 50


def test_bulk_protection_gives_what_one_value_at_a_time_gives():
    import hashlib
    import hmac

    ring = parse_keyring(f"k2:{_key(b'b')},k1:{_key(b'a')}", _key(b"i"))
    values = ["3510094107850001", "", None, "3510094107850001", "081234567890", "é"]
    blobs = ring.encrypt_many(values, purpose="nik")
    indexes = ring.index_many(values, purpose="nik")
    assert blobs[1] is blobs[2] is None and indexes[1] is indexes[2] is None
    assert blobs[0] != blobs[3]  # a fresh nonce for each value, equal or not
    for value, blob, index in zip(values, blobs, indexes, strict=True):
        if value:
            assert ring.key_id_of(blob) == "k2"
            assert ring.decrypt(blob, purpose="nik") == value
            # The index format is HMAC-SHA256(index key, purpose NUL value), 32 hex digits.
            expected = hmac.new(b"i" * 32, b"nik\x00" + value.encode(), hashlib.sha256)
            assert index == expected.hexdigest()[:32] == ring.blind_index(value, purpose="nik")
    with pytest.raises(ProtectedValueError):
        ring.decrypt(blobs[0], purpose="kk")
    assert ring.index_many(["x"], purpose="kk") != ring.index_many(["x"], purpose="nik")


def test_protect_many_takes_any_iterable():
    blobs, indexes = protected.protect_many(iter(["1", None]), purpose="phone")
    assert protected.decrypt(blobs[0], purpose="phone") == "1" and blobs[1] is None
    assert indexes == [protected.blind_index("1", purpose="phone"), None]
    assert protected.decrypt(protected.encrypt_many(("2",), purpose="kk")[0], purpose="kk") == "2"
