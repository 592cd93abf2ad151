from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bansos.demo import formats as demo_formats
from bansos.intake.issue_codes import ISSUES, codes_of
from bansos.intake.parse_dates import _CODES, MONTHS, SERIAL_MIN, dates_parse

TODAY = date(2026, 6, 1)
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def parse(values, **options):
    options.setdefault("today", TODAY)
    parsed = dates_parse(values=pa.array(values, pa.string()), **options)
    return list(zip(parsed.values.to_pylist(), parsed.issues.to_pylist(), strict=True))


AUGUST_12 = date(1975, 8, 12)


@pytest.mark.parametrize(
    "text",
    [
        "12-08-1975", "12/08/1975", "12.08.1975", "12/08/75", "12-08-75", "12.8.1975",
        "12 / 08 / 1975", "1975-08-12", "1975/08/12", "1975-8-12", "1975-08-12 00:00:00",
        "1975-08-12T00:00:00", "1975-08-12 13:45", "12/08/1975 00:00", "27618", "27618.0",
        "27618.5", "'12-08-1975", " 12-08-1975\u00a0", "12 Agustus 1975", "12 AGUSTUS 1975",
        "12 agustus 1975", "12-Agu-1975", "12 Agt 1975", "12 Ags 1975", "12-Agus-75",
        "12 Aug 1975", "12-Aug-75", "12 August 1975", "August 12, 1975", "Aug 12 1975",
        "Agt. 12, 1975", "12Agustus1975", "12. Agu. 1975",
    ],
)  # fmt: skip
def test_every_supported_form_reads_12_august_1975(text):
    assert parse([text]) == [(AUGUST_12, None)]


@pytest.mark.parametrize(
    ("text", "month"),
    [(f"1 {name} 1990", n) for n, name in enumerate(MONTHS_ID, 1)]
    + [(f"1-{abbr}-1990", month) for abbr, month in MONTHS.items()]
    + [("1 Pebruari 1990", 2), ("1 Nopember 1990", 11), ("1 Nop 1990", 11), ("1 Peb 1990", 2)],
)
def test_month_names_indonesian_and_english(text, month):
    assert parse([text]) == [(date(1990, month, 1), None)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31-02-1990", "date_invalid"),
        ("29-02-1990", "date_invalid"),
        ("29-02-1900", "date_invalid"),  # 1900 was no leap year
        ("00-01-1990", "date_invalid"),
        ("13-13-1990", "date_invalid"),  # neither day-month nor month-day exists
        ("1990-02-30", "date_invalid"),
        ("1990-13-01", "date_invalid"),
        ("garbage", "date_invalid"),
        ("-", "date_invalid"),
        ("12 Foo 1975", "date_invalid"),
        ("12345678", "date_invalid"),
        ("3653", "date_invalid"),  # below SERIAL_MIN: a typo more than a date
        ("100000", "date_invalid"),
        ("1975", "date_incomplete"),
        ("08-1975", "date_incomplete"),
        ("8/1975", "date_incomplete"),
        ("1975-08", "date_incomplete"),
        ("Agustus 1975", "date_incomplete"),
        ("Mei 1990", "date_incomplete"),
        ("12-08-2030", "date_future"),
        ("02-06-2026", "date_future"),
        ("2030-01-01 00:00:00", "date_future"),
        ("99999", "date_future"),
        ("12-08-1875", "date_too_old"),
        ("1899-12-31", "date_too_old"),
    ],
)
def test_errors_leave_no_value(text, code):
    assert parse([text]) == [(None, code)]


def test_boundaries_today_and_1900_are_accepted():
    assert parse(["01-06-2026", "01-01-1900"]) == [(TODAY, None), (date(1900, 1, 1), None)]


def test_excel_serials_of_the_1900_system():
    assert parse(["25569", "45658", str(SERIAL_MIN)]) == [
        (date(1970, 1, 1), None),
        (date(2025, 1, 1), None),
        (date(1910, 1, 1), None),
    ]


def test_missing_cells_are_null_without_issue():
    assert parse([None, "", "   ", "\t"]) == [(None, None)] * 4


def test_two_digit_years_never_put_a_birth_date_in_the_future():
    assert parse(["01/06/26", "02/06/26", "31/12/99", "01/01/00", "29/02/00", "12/08/75"]) == [
        (date(2026, 6, 1), None),
        (date(1926, 6, 2), None),
        (date(1999, 12, 31), None),
        (date(2000, 1, 1), None),
        (date(2000, 2, 29), None),
        (date(1975, 8, 12), None),
    ]
    # 29 February of YY=00 in the 1900s does not exist.
    assert parse(["29/02/00"], today=date(1999, 1, 1)) == [(None, "date_invalid")]


# --- day or month first ------------------------------------------------------------------


def test_day_first_wins_and_month_first_only_values_are_read_with_a_warning():
    assert parse(["05/06/1990", "12/25/1990", "06/06/1990"]) == [
        (date(1990, 6, 5), None),
        (date(1990, 12, 25), "date_month_first"),
        (date(1990, 6, 6), None),
    ]


def test_month_first_order():
    assert parse(["05/06/1990", "25/12/1990"], order="mdy") == [
        (date(1990, 5, 6), None),
        (date(1990, 12, 25), "date_day_first"),
    ]


def test_auto_order_follows_the_column():
    us_list = ["12/25/1990", "05/06/1990", "01/31/1985"]
    assert parse(us_list, order="auto") == [
        (date(1990, 12, 25), None),
        (date(1990, 5, 6), None),
        (date(1985, 1, 31), None),
    ]
    indonesian = ["25/12/1990", "05/06/1990"]
    assert parse(indonesian, order="auto") == [(date(1990, 12, 25), None), (date(1990, 6, 5), None)]
    assert parse(["05/06/1990"], order="auto") == [(date(1990, 6, 5), None)]  # no evidence


def test_auto_order_in_a_mixed_column_refuses_to_guess():
    mixed = ["25/12/1990", "26/12/1990", "12/27/1990", "05/06/1990", "07/07/1990"]
    assert parse(mixed, order="auto") == [
        (date(1990, 12, 25), None),
        (date(1990, 12, 26), None),
        (date(1990, 12, 27), "date_month_first"),  # the minority order is the suspect one
        (None, "date_ambiguous"),
        (date(1990, 7, 7), None),  # the same either way
    ]


def test_year_first_order_reads_two_digit_years_first():
    assert parse(["75-08-12", "12-08-1975", "1975-08-12"], order="ymd") == [(AUGUST_12, None)] * 3
    assert parse(["75-08-12"]) == [(None, "date_invalid")]  # 75 is no day


def test_unknown_order_is_refused():
    with pytest.raises(ValueError, match="order"):
        dates_parse(values=pa.array(["01-01-2000"]), order="ydm")


# --- shapes of input ---------------------------------------------------------------------


def test_chunked_large_string_and_empty_inputs():
    chunked = pa.chunked_array([["12-08-1975"], [None, "1975"]], pa.large_string())
    parsed = dates_parse(values=chunked, today=TODAY)
    assert parsed.values.type == pa.date32()
    assert parsed.values.to_pylist() == [AUGUST_12, None, None]
    assert parsed.issues.to_pylist() == [None, None, "date_incomplete"]
    empty = dates_parse(values=pa.array([], pa.string()), today=TODAY)
    assert len(empty.values) == 0 and len(empty.issues) == 0
    nothing = dates_parse(values=pa.nulls(3), today=TODAY)
    assert nothing.values.to_pylist() == [None] * 3 and nothing.issues.to_pylist() == [None] * 3


def test_repeated_values_are_parsed_once_and_spread_back():
    values = ["12-08-1975", "31-02-1990", None] * 1000
    assert parse(values) == [(AUGUST_12, None), (None, "date_invalid"), (None, None)] * 1000


def test_every_code_is_catalogued():
    for code in _CODES:
        assert ISSUES[code].field == "date"


# --- properties --------------------------------------------------------------------------


def formats(day: date) -> list[str]:
    """The same day in every supported form (day first or year first)."""
    out = [
        f"{day:%d-%m-%Y}", f"{day:%d/%m/%Y}", f"{day:%d.%m.%Y}",
        f"{day.day}/{day.month}/{day.year}", f"{day:%Y-%m-%d}", f"{day:%Y/%m/%d}",
        f"{day:%Y-%m-%d} 00:00:00", f"{day:%Y-%m-%d}T00:00:00",
        f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}",
        f"{day:%d}-{MONTHS_ID[day.month - 1][:3]}-{day.year}",
        f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}",
        f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}",
    ]  # fmt: skip
    if day >= date(1910, 1, 1):
        out.append(str((day - date(1899, 12, 30)).days))
    return out


@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), min_size=1, max_size=20))
def test_any_date_in_any_format_parses_back_to_itself(days):
    texts = [text for day in days for text in formats(day)]
    expected = [(day, None) for day in days for _ in formats(day)]
    assert parse(texts) == expected


@given(st.lists(st.dates(min_value=date(1926, 6, 2), max_value=TODAY), min_size=1, max_size=20))
def test_two_digit_years_within_a_century_parse_back(days):
    assert parse([f"{day:%d/%m/%y}" for day in days]) == [(day, None) for day in days]


@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), min_size=1, max_size=20))
def test_month_first_lists_parse_back_with_mdy(days):
    assert parse([f"{day:%m/%d/%Y}" for day in days], order="mdy") == [(d, None) for d in days]


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=25), st.from_regex(r"\d{1,6}", fullmatch=True))),
    st.sampled_from(["dmy", "mdy", "ymd", "auto"]),
)
def test_any_text_gives_one_result_per_row_and_catalogued_codes(texts, order):
    rows = parse(texts, order=order)
    assert len(rows) == len(texts)
    for value, issues in rows:
        codes = codes_of(issues)
        assert all(code in ISSUES for code in codes)
        errors = [c for c in codes if ISSUES[c].severity == "error"]
        if errors:
            assert value is None  # an error never leaves a value behind
        elif value is None:
            assert issues is None  # a null without an error is a missing cell
        if value is not None:
            assert date(1900, 1, 1) <= value <= TODAY


@given(
    st.lists(
        st.tuples(
            # Within a century of TODAY: the demo also writes two-digit years.
            st.dates(min_value=date(1926, 6, 2), max_value=TODAY),
            st.sampled_from(["format", "serial", "month_name"]),
            st.integers(0, 2**31 - 1),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_demo_generators_date_dirt_parses_back(cases):
    """What `bansos demo` writes into its program lists, the parser reads back."""
    epoch = date(1970, 1, 1)
    texts = [demo_formats.date_variant((day - epoch).days, kind, r) for day, kind, r in cases]
    assert parse(texts) == [(day, None) for day, _, _ in cases]
