import re

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bansos.core.identifiers import error_codes
from bansos.demo.formats import SEX_FORMS
from bansos.intake.issue_codes import ISSUES, codes_of
from bansos.intake.parse_codes import (
    account_parse,
    phone_parse,
    rt_rw_parse,
    rt_rw_split,
    sex_parse,
)


def rows(parsed):
    return list(zip(parsed.values.to_pylist(), parsed.issues.to_pylist(), strict=True))


def text(values):
    return pa.array(values, pa.string())


# --- sex -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("L", "L"), ("l", "L"), ("L.", "L"), ("LK", "L"), ("Lk.", "L"), ("LAKI-LAKI", "L"),
        ("Laki-laki", "L"), ("LAKI LAKI", "L"), ("LAKI2", "L"), ("LAKI", "L"), ("PRIA", "L"),
        ("1", "L"), ("1.0", "L"), ("M", "L"), ("MALE", "L"), (" l ", "L"),
        ("P", "P"), ("p", "P"), ("PR", "P"), ("PEREMPUAN", "P"), ("Perempuan", "P"),
        ("WANITA", "P"), ("W", "P"), ("2", "P"), ("2.0", "P"), ("F", "P"), ("FEMALE", "P"),
    ],
)  # fmt: skip
def test_sex_forms(raw, sex):
    assert rows(sex_parse(values=text([raw]))) == [(sex, None)]


def test_every_demo_sex_form():
    for male, female in SEX_FORMS.values():
        assert rows(sex_parse(values=text([male, female]))) == [("L", None), ("P", None)]


@pytest.mark.parametrize("raw", ["X", "0", "3", "10", "LP", "L/P", "-", "LAKI-LAKI/PEREMPUAN"])
def test_unknown_sex(raw):
    assert rows(sex_parse(values=text([raw]))) == [(None, "sex_invalid")]


def test_missing_sex_is_null_without_issue():
    assert rows(sex_parse(values=text([None, "", " "]))) == [(None, None)] * 3


# --- RT / RW -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number"),
    [("1", "001"), ("01", "001"), ("001", "001"), ("0001", "001"), ("12", "012"),
     ("999", "999"), ("RT 01", "001"), ("rt.001", "001"), ("RT:3", "003"), ("RT01", "001"),
     ("1.0", "001"), (" 7 ", "007")],
)  # fmt: skip
def test_rt_numbers(raw, number):
    assert rows(rt_rw_parse(values=text([raw]), field="rt")) == [(number, None)]


@pytest.mark.parametrize("raw", ["0", "000", "1000", "-1", "abc", "12a", "RW 01", "1/2", "1.5"])
def test_invalid_rt(raw):
    assert rows(rt_rw_parse(values=text([raw]), field="rt")) == [(None, "rt_invalid")]


def test_rw_numbers_and_their_own_code():
    parsed = rt_rw_parse(values=text(["RW 02", "2", "RT 02", None]), field="rw")
    assert rows(parsed) == [("002", None), ("002", None), (None, "rw_invalid"), (None, None)]


def test_rt_rw_field_is_checked():
    with pytest.raises(ValueError, match="field"):
        rt_rw_parse(values=text(["1"]), field="rk")


@pytest.mark.parametrize(
    ("raw", "rt", "rw"),
    [("001/002", "001", "002"), ("1/2", "001", "002"), ("01-02", "001", "002"),
     ("001 / 002", "001", "002"), ("1 2", "001", "002"), ("RT 01 RW 02", "001", "002"),
     ("RT.01/RW.02", "001", "002"), ("rt 1, rw 2", "001", "002"), ("RW 02 RT 01", "001", "002"),
     ("RT/RW 001/002", "001", "002"), ("RT/RW: 3/4", "003", "004")],
)  # fmt: skip
def test_combined_rt_rw(raw, rt, rw):
    rt_text, rw_text = rt_rw_split(values=text([raw]))
    assert rows(rt_rw_parse(values=rt_text, field="rt")) == [(rt, None)]
    assert rows(rt_rw_parse(values=rw_text, field="rw")) == [(rw, None)]


@pytest.mark.parametrize("raw", ["001", "x/2", "RT 01", "1/2/3", "0/0"])
def test_combined_cells_that_cannot_be_split_are_reported_in_both_parts(raw):
    rt_text, rw_text = rt_rw_split(values=text([raw]))
    assert rows(rt_rw_parse(values=rt_text, field="rt")) == [(None, "rt_invalid")]
    assert rows(rt_rw_parse(values=rw_text, field="rw")) == [(None, "rw_invalid")]


def test_combined_missing_cells_stay_missing():
    rt_text, rw_text = rt_rw_split(values=text([None, " ", "1/2"]))
    assert rt_text.to_pylist() == [None, None, "1"]
    assert rw_text.to_pylist() == [None, None, "2"]


# --- phone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["081234567890", "+6281234567890", "6281234567890", "81234567890", "0812-3456-7890",
     "0812 3456 7890", "0812.3456.7890", "+62 812-3456-7890", "+62 (0)812 3456 7890",
     "(0812) 34567890", "006281234567890", "'081234567890", " 081234567890 "],
)  # fmt: skip
def test_phone_forms_become_e164(raw):
    assert rows(phone_parse(values=text([raw]))) == [("+6281234567890", None)]


@pytest.mark.parametrize(
    ("raw", "phone"),
    [("0811234567", "+62811234567"), ("0812345678901", "+62812345678901")],
)
def test_phone_length_limits(raw, phone):
    assert rows(phone_parse(values=text([raw]))) == [(phone, None)]


@pytest.mark.parametrize(
    "raw",
    ["081123456", "08123456789012", "021-5551234", "0215551234", "0801234567", "6.28123E+11",
     "0812345678x", "0812 3456 7890 / 0813 1111 2222", "+6581234567", "-", "62"],
)  # fmt: skip
def test_invalid_phones(raw):
    assert rows(phone_parse(values=text([raw]))) == [(None, "phone_invalid")]


def phone_forms(nsn: str) -> list[str]:
    return [f"0{nsn}", f"+62{nsn}", f"62{nsn}", nsn, f"0{nsn[:3]}-{nsn[3:7]}-{nsn[7:]}",
            f"+62 {nsn[:3]} {nsn[3:]}", f"+62 (0){nsn}"]  # fmt: skip


@given(st.lists(st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True), min_size=1, max_size=20))
def test_every_form_of_one_number_agrees(numbers):
    values = [form for nsn in numbers for form in phone_forms(nsn)]
    parsed = phone_parse(values=text(values))
    assert parsed.values.to_pylist() == [f"+62{n}" for n in numbers for _ in phone_forms(n)]
    assert parsed.issues.null_count == len(values)


# --- bank accounts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "account"),
    [("1234567890", "1234567890"), ("0123456789", "0123456789"),
     ("0123-01-012345-50-1", "012301012345501"), ("12 3456 7890", "1234567890"),
     ("'0123456789", "0123456789"), ("1234567890123456", "1234567890123456"),
     ("1234'5678'90", "1234567890")],
)  # fmt: skip
def test_accounts(raw, account):
    assert rows(account_parse(values=text([raw]))) == [(account, None)]


@pytest.mark.parametrize(
    "raw", ["123456789", "12345678901234567", "1234567890.0", "12345abcde", "1.234.567.890", "-"]
)
def test_invalid_accounts(raw):
    assert rows(account_parse(values=text([raw]))) == [(None, "account_invalid")]


@pytest.mark.parametrize("raw", ["3.51E+15", "3,51E+15", "3.51012e+14", "1E+10"])
def test_scientific_notation_accounts_are_never_guessed(raw):
    assert rows(account_parse(values=text([raw]))) == [(None, "account_scientific_notation")]


# --- shared --------------------------------------------------------------------------------


PARSERS = [
    sex_parse,
    phone_parse,
    account_parse,
    lambda values: rt_rw_parse(values=values, field="rt"),
    lambda values: rt_rw_parse(values=values, field="rw"),
]


@given(st.lists(st.one_of(st.none(), st.text(max_size=20))), st.sampled_from(PARSERS))
def test_any_text_gives_one_result_per_row_and_catalogued_codes(raw, parse):
    parsed = parse(values=text(raw))
    assert len(parsed.values) == len(parsed.issues) == len(raw)
    for value, issues in rows(parsed):
        codes = codes_of(issues)
        assert all(
            code in ISSUES and ISSUES[code].severity in ("error", "warning") for code in codes
        )
        assert value is None or not codes  # every code here leaves the value empty


def test_chunked_inputs():
    parsed = phone_parse(values=pa.chunked_array([["081234567890"], [None]], pa.large_string()))
    assert rows(parsed) == [("+6281234567890", None), (None, None)]


# --- the issue catalogue -------------------------------------------------------------------


def test_catalogue_is_complete_and_plain():
    assert set(error_codes()) <= set(ISSUES)  # NIK/KK codes and warnings of core.identifiers
    for code, issue in ISSUES.items():
        assert issue.code == code
        assert issue.severity in ("error", "warning")
        assert issue.field and issue.message_id.strip() and issue.message_en.strip()
        # Messages are fixed texts: no placeholder could ever carry a NIK, phone or account.
        assert not re.search(r"[{}%]", issue.message_id + issue.message_en)
        assert not re.search(r"[0-9]{8,}", issue.message_id + issue.message_en)


def test_catalogue_severities():
    assert ISSUES["nik_unknown_district"].severity == "error"
    assert ISSUES["nik_sex_mismatch"].severity == "warning"
    assert ISSUES["nik_sex_mismatch"].field == "sex"
    assert ISSUES["kk_wrong_length"].field == "kk"
    assert ISSUES["phone_invalid"].severity == "warning"
    assert ISSUES["account_scientific_notation"].severity == "error"
