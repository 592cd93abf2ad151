import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from bansos.core.redact import RedactFilter, redact

NIK = "3510094107850001"


@pytest.mark.parametrize("form", [NIK, "3510 0941 0785 0001", "3510.0941.0785.0001", "081234567890", "+6281234567890"])
def test_identifiers_in_text_are_redacted(form):
    text = f"row 12: bad value {form} in field nik"
    assert form not in redact(text)
    assert "row 12" in redact(text)  # short numbers (row numbers, RT/RW) survive


def test_log_records_are_redacted(caplog):
    logger = logging.getLogger("bansos.test")
    logger.addFilter(RedactFilter())
    with caplog.at_level(logging.WARNING):
        logger.warning("lookup failed for %s", NIK)
    assert NIK not in caplog.text and "redacted" in caplog.text


def _boom(request):
    raise ValueError(f"cannot process NIK {NIK}")


urlpatterns = [path("boom/", _boom)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_error_page_shows_no_identifier(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert NIK not in response.content.decode()
    assert "Terjadi kesalahan" in response.content.decode()


def test_tracebacks_in_log_output_are_redacted():
    from bansos.core.redact import RedactingFormatter

    try:
        _boom(None)
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, sys.exc_info())
    text = RedactingFormatter("%(message)s").format(record)
    assert "Traceback" in text and "ValueError" in text and NIK not in text


def test_configured_handlers_use_the_redacting_formatter():
    from bansos.core.redact import RedactingFormatter

    ours = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactFilter) for f in h.filters)]
    assert ours and all(isinstance(h.formatter, RedactingFormatter) for h in ours)


def test_the_time_stamp_in_front_of_a_log_line_is_kept():
    import logging

    from bansos.core.redact import RedactingFormatter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "NIK 3510090101800001 ditolak", None, None)
    text = RedactingFormatter("%(asctime)s %(levelname)s %(message)s").format(record)
    assert text.startswith(record.asctime) and "-" in record.asctime
    assert "3510090101800001" not in text and "[disamarkan/redacted]" in text
