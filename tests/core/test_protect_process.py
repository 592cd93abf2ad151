"""The encryption helper process gives exactly what protecting in place gives."""

from __future__ import annotations

import pytest

from bansos.core import protect_process, protected


def _niks(n: int) -> list[str | None]:
    return [None if i % 7 == 0 else f"35100{i:011d}" for i in range(n)]


def _check(columns, results) -> None:
    assert len(results) == len(columns)
    for (values, purpose), (blobs, indexes) in zip(columns, results, strict=True):
        assert len(blobs) == len(indexes) == len(values)
        for value, blob, index in zip(values, blobs, indexes, strict=True):
            if value is None:
                assert blob is None and index is None
            else:
                assert protected.decrypt(blob, purpose=purpose) == value
                assert index == protected.blind_index(value, purpose=purpose)


@pytest.fixture
def fresh_helper():
    protect_process._close()
    yield
    protect_process._close()


def test_a_big_batch_goes_to_the_helper_and_comes_back_decryptable(fresh_helper):
    kk = ["3510010807220001"] * 3 + [f"35100108072{i:05d}" for i in range(protect_process.MIN_VALUES)]
    columns = [(_niks(protect_process.MIN_VALUES), "nik"), (kk, "kk")]
    results = protect_process.protect_columns(columns)
    assert protect_process._helper is not None and protect_process._helper.process.poll() is None
    _check(columns, results)
    # The same KK three times shares one ciphertext (its index is shared anyway).
    assert results[1][0][0] == results[1][0][1] == results[1][0][2]


def test_small_batches_and_the_switch_keep_it_in_process(fresh_helper, settings):
    columns = [(_niks(100), "nik")]
    _check(columns, protect_process.protect_columns(columns))
    settings.BANSOS_PROTECT_PROCESS = False
    columns = [(_niks(protect_process.MIN_VALUES), "nik")]
    _check(columns, protect_process.protect_columns(columns))
    assert protect_process._helper is None


def test_a_dead_helper_is_replaced_by_doing_the_batch_in_place(fresh_helper):
    columns = [(_niks(protect_process.MIN_VALUES), "nik")]
    protect_process.protect_columns(columns)
    protect_process._helper.process.kill()
    protect_process._helper.process.wait()
    _check(columns, protect_process.protect_columns(columns))
    # The next big batch starts a new helper.
    _check(columns, protect_process.protect_columns(columns))
    assert protect_process._helper is not None and protect_process._helper.process.poll() is None


def test_new_keys_start_a_new_helper(fresh_helper, settings):
    columns = [(_niks(protect_process.MIN_VALUES), "nik")]
    protect_process.protect_columns(columns)
    first = protect_process._helper.process
    settings.BANSOS_INDEX_KEY = "aW5kZXgta2V5LWZvci10ZXN0cy0zMi1ieXRlcy0hISE="
    _check(columns, protect_process.protect_columns(columns))
    assert protect_process._helper.process is not first and first.poll() is not None
