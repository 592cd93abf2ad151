import re
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik

from bansos.areas.catalog import district_codes_compact
from bansos.core.identifiers import (
    WHITESPACE,
    IdentifierError,
    check_nik_against,
    error_codes,
    identifier_error,
    make_kk,
    make_nik,
    mask_nik,
    nik_birth_date,
    nik_sex,
    parse_kk,
    parse_nik,
)
from bansos.core.identifiers_bulk import OUTPUT_SCHEMA, parse_kk_array, parse_nik_array

NIK = "3510094107850001"  # Banyuwangi district 35.10.09, woman born 1 July 1985, serial 1
DISTRICTS = sorted(district_codes_compact())
TODAY = date(2026, 6, 1)


def code(parsed) -> str | None:
    return parsed.error.code if parsed.error else None


# --- valid numbers and the facts they carry ---------------------------------------------------


@given(
    district=st.sampled_from(DISTRICTS),
    born=st.dates(min_value=date(1926, 6, 2), max_value=TODAY),
    sex=st.sampled_from("LP"),
    serial=st.integers(1, 9999),
)
def test_make_parse_round_trip_recovers_birth_date_and_sex(district, born, sex, serial):
    nik = make_nik(district=district, birth_date=born, sex=sex, serial=serial)
    assert parse_nik(nik) == parse_nik(int(nik))
    assert parse_nik(nik).value == nik and parse_nik(nik).repaired == ()
    assert nik[:6] == district and int(nik[12:]) == serial
    # Within the 100 years before the reference date the century is never in doubt.
    assert nik_birth_date(nik, today=TODAY) == born
    assert nik_sex(nik) == sex
    assert check_nik_against(nik=nik, birth_date=born, sex=sex) == []


def test_woman_has_40_added_to_the_day():
    woman = make_nik(district="351009", birth_date=date(1985, 7, 1), sex="P", serial=1)
    man = make_nik(district="351009", birth_date=date(1985, 7, 1), sex="L", serial=1)
    assert woman == NIK and woman[6:8] == "41"
    assert man == "3510090107850001"
    assert (nik_sex(woman), nik_sex(man)) == ("P", "L")
    assert nik_birth_date(woman, today=TODAY) == nik_birth_date(man, today=TODAY)
    assert nik_birth_date(woman) == date(1985, 7, 1)  # default reference: today


@pytest.mark.parametrize(
    ("ddmmyy", "expected"),
    [
        ("010125", date(2025, 1, 1)),
        ("010626", date(2026, 6, 1)),  # the reference day itself
        ("020626", date(1926, 6, 2)),  # one day later would be in the future
        ("311299", date(1999, 12, 31)),
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year (1900 was not)
        ("690296", date(1996, 2, 29)),  # a woman born on a leap day
    ],
)
def test_two_digit_year_resolved_against_reference(ddmmyy, expected):
    assert nik_birth_date(f"351009{ddmmyy}0001", today=TODAY) == expected


def test_centenarian_reads_as_child_but_gets_no_mismatch_warning():
    # Born 1920: the NIK says `20`, which resolves to 2020; nothing in the NIK can tell.
    nik = make_nik(district="351009", birth_date=date(1920, 3, 5), sex="L", serial=7)
    assert nik_birth_date(nik, today=TODAY) == date(2020, 3, 5)
    assert check_nik_against(nik=nik, birth_date=date(1920, 3, 5), sex="L") == []


def test_accepts_real_districts_that_stdnum_does_not_know():
    # North Kalimantan (65) and West Papua (92) regencies are missing from stdnum 2.2's list.
    for district in ("650101", next(d for d in DISTRICTS if d.startswith("92"))):
        nik = make_nik(district=district, birth_date=date(1990, 5, 17), sex="L", serial=12)
        assert not stdnum_nik.is_valid(nik)
        assert parse_nik(nik).value == nik


def test_kk_round_trip_and_no_plus_40():
    kk = make_kk(district="351009", issue_date=date(2014, 3, 21), serial=42)
    assert kk == "3510092103140042"
    assert parse_kk(kk).value == kk
    assert code(parse_kk("3510094103140042")) == "kk_invalid_date"  # a KK day is never + 40
    assert code(parse_nik("3510094103140042")) is None


# --- honest repairs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        (NIK, ()),
        (f"  {NIK}\t\n", ("stripped_whitespace",)),
        (f"\u00a0{NIK}\ufeff", ("stripped_whitespace",)),
        (f"'{NIK}", ("stripped_apostrophe",)),
        (f" ' {NIK} ", ("stripped_whitespace", "stripped_apostrophe")),
        ("3510 0941 0785 0001", ("stripped_separators",)),
        ("3510.0941.0785.0001", ("stripped_separators",)),
        ("35-10-09-410785-0001", ("stripped_separators",)),
        ("3.510.094.107.850.001", ("stripped_separators",)),  # Indonesian thousands dots
        ("3510 - 0941\u00a00785 0001", ("stripped_separators",)),
        (f"'{NIK[:8]} {NIK[8:]}", ("stripped_apostrophe", "stripped_separators")),
        (f"{NIK}.0", ("stripped_float_suffix",)),
        (f"{NIK},00", ("stripped_float_suffix",)),
        (float(NIK), ("stripped_float_suffix",)),
        (np.float64(NIK), ("stripped_float_suffix",)),
        (int(NIK), ()),
        (np.int64(NIK), ()),
    ],
)
def test_repairs(raw, repaired):
    parsed = parse_nik(raw)
    assert (parsed.value, parsed.repaired, parsed.error) == (NIK, repaired, None)


def test_no_leading_zero_repair_because_no_district_starts_with_zero():
    # The reasoning in identifiers.py rests on this catalog fact: province codes are 11..94.
    assert min(DISTRICTS)[:2] == "11" and not any(d.startswith("0") for d in DISTRICTS)
    # So 15 digits are a lost digit, not a lost zero: prefixing 0 never gives a real district.
    for raw in ("351009410785001", 351009410785001, 351009410785001.0):
        assert code(parse_nik(raw)) == "nik_wrong_length"
        assert code(parse_nik("0" + str(int(raw)))) == "nik_unknown_district"


# --- rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "nik_empty"),
        ("", "nik_empty"),
        ("  \t", "nik_empty"),
        ("'", "nik_empty"),
        (float("nan"), "nik_empty"),
        ("3.51012E+15", "nik_scientific_notation"),
        ("3,51012E+15", "nik_scientific_notation"),
        ("3.51012e15", "nik_scientific_notation"),
        ("'3.510094107850001E+15", "nik_scientific_notation"),  # even all digits: never guess
        ("9171011708450001.0", "nik_imprecise_number"),  # > 2**53: may have been rounded
        (9171011708450001.0, "nik_imprecise_number"),
        (np.float32(NIK), "nik_imprecise_number"),  # float32 is exact only below 2**24
        ("3510O94107850001", "nik_not_digits"),  # letter O
        ("\u0663\u0665\u0661\u0660094107850001", "nik_not_digits"),  # Arabic-Indic digits
        ("-3510094107850001", "nik_not_digits"),
        ("3510094107850001-", "nik_not_digits"),
        ("3510/0941/0785/0001", "nik_not_digits"),
        (-3510094107850001, "nik_not_digits"),
        (3510094107850001.5, "nik_not_digits"),
        (float("inf"), "nik_not_digits"),
        (True, "nik_not_digits"),
        (Decimal(NIK), "nik_not_digits"),
        (NIK.encode(), "nik_not_digits"),
        ("351009410785001", "nik_wrong_length"),
        ("35100941078500011", "nik_wrong_length"),
        ("351009410785001.0", "nik_wrong_length"),  # a float of 15 digits, not groups `...0010`
        (35100941078500011, "nik_wrong_length"),
        (1e16, "nik_wrong_length"),
        ("3599994107850001", "nik_unknown_district"),  # stdnum 2.2 accepts this one
        ("0000004107850001", "nik_unknown_district"),
        ("3510090007850001", "nik_invalid_date"),  # day 00
        ("3510093207850001", "nik_invalid_date"),  # day 32
        ("3510094007850001", "nik_invalid_date"),  # day 40 = woman's day 0
        ("3510097207850001", "nik_invalid_date"),  # day 72 = woman's day 32
        ("3510098507850001", "nik_invalid_date"),  # day 85: stdnum reads it as 5 and accepts
        ("3510091013850001", "nik_invalid_date"),  # month 13
        ("3510091000850001", "nik_invalid_date"),  # month 00
        ("3510093104850001", "nik_invalid_date"),  # 31 April
        ("3510092902850001", "nik_invalid_date"),  # 29 February 1985
        ("3510096902010001", "nik_invalid_date"),  # woman, 29 February 2001
        ("3510094107850000", "nik_zero_serial"),
    ],
)
def test_rejections(raw, expected):
    parsed = parse_nik(raw)
    assert (parsed.value, parsed.repaired, code(parsed)) == (None, (), expected)
    assert parsed.error.severity == "error"


def test_stdnum_is_weaker_where_we_add_checks():
    for added in ("3599994107850001", "3510098507850001", "3510094107850000"):
        assert stdnum_nik.is_valid(added)
        assert parse_nik(added).value is None


def test_kk_rejections_carry_kk_codes():
    assert code(parse_kk("3599992103140042")) == "kk_unknown_district"
    assert code(parse_kk("3510093203140042")) == "kk_invalid_date"
    assert code(parse_kk("3510092103140000")) == "kk_zero_serial"
    assert code(parse_kk("3.51009E+15")) == "kk_scientific_notation"
    assert code(parse_kk(None)) == "kk_empty"
    assert parse_kk("'3510 0921 0314 0042").repaired == (
        "stripped_apostrophe",
        "stripped_separators",
    )


def test_make_refuses_impossible_parts():
    with pytest.raises(ValueError):
        make_nik(district="359999", birth_date=date(1985, 7, 1), sex="P", serial=1)
    with pytest.raises(ValueError):
        make_nik(district="351009", birth_date=date(1985, 7, 1), sex="X", serial=1)
    with pytest.raises(ValueError):
        make_nik(district="351009", birth_date=date(1985, 7, 1), sex="L", serial=0)
    with pytest.raises(ValueError):
        make_kk(district="351009", issue_date=date(2014, 3, 21), serial=10000)


# --- messages, warnings, masking --------------------------------------------------------------


def test_every_code_has_messages_naming_the_field():
    codes = error_codes()
    assert len(codes) == len(set(codes)) == 18
    for each in codes:
        error = identifier_error(each)
        assert isinstance(error, IdentifierError) and error.code == each
        field_id, field_en = ("NIK", "NIK") if each.startswith("nik") else ("KK", "KK")
        assert field_id in error.message_id and field_en in error.message_en
        assert error.severity == ("warning" if each.endswith("mismatch") else "error")
    with pytest.raises(ValueError):
        identifier_error("nik_bogus")


@pytest.mark.parametrize("raw", ["3599994107850001", "3510097207850001", "3510094107850000"])
def test_messages_never_echo_the_value(raw):
    error = parse_nik(raw).error
    for message in (error.message_id, error.message_en):
        assert not re.search(r"\d{5}", message)


def test_mismatch_warnings():
    assert check_nik_against(nik=NIK, birth_date=date(1985, 7, 1), sex="P") == []
    assert check_nik_against(nik=NIK, birth_date=None, sex=" p ") == []
    warnings = check_nik_against(nik=NIK, birth_date=date(1985, 7, 2), sex="L")
    assert [w.code for w in warnings] == ["nik_birth_date_mismatch", "nik_sex_mismatch"]
    assert all(w.severity == "warning" for w in warnings)
    assert [w.code for w in check_nik_against(nik=NIK, birth_date=date(1986, 7, 1), sex=None)] == [
        "nik_birth_date_mismatch"
    ]
    with pytest.raises(ValueError, match="sex"):
        check_nik_against(nik=NIK, birth_date=None, sex="perempuan")
    with pytest.raises(ValueError) as raised:
        check_nik_against(nik="3599994107850001", birth_date=None, sex=None)
    assert "3599994107850001" not in str(raised.value) and "3599********0001" in str(raised.value)


def test_mask_nik():
    assert mask_nik(NIK) == "3510********0001"
    assert mask_nik("") == ""


# --- the bulk parser agrees with the scalar one -----------------------------------------------

_DIGITS = "0123456789"
# Papua (91, 92): every NIK there is above 2**53, where floats stop being exact.
_PAPUA = [d for d in DISTRICTS if d[:2] in ("91", "92")]
_real_district = st.one_of(st.sampled_from(DISTRICTS), st.sampled_from(_PAPUA))
_fake_district = st.text(_DIGITS, min_size=6, max_size=6).filter(
    lambda d: d not in district_codes_compact()
)
_valid_nik = st.builds(
    lambda district, born, sex, serial: make_nik(
        district=district, birth_date=born, sex=sex, serial=serial
    ),
    _real_district,
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from("LP"),
    st.integers(1, 9999),
)


def _edgy(edges: list[int], top: int) -> st.SearchStrategy[int]:
    """Integers, often right at the edges where a date or serial rule flips."""
    return st.one_of(st.sampled_from(edges), st.integers(0, top))


_near_nik = st.builds(  # right shape, any day/month/serial, real or fake district
    lambda district, day, month, yy, serial: f"{district}{day:02d}{month:02d}{yy:02d}{serial:04d}",
    st.one_of(_real_district, _real_district, _fake_district),
    _edgy([0, 1, 28, 29, 30, 31, 32, 39, 40, 41, 68, 69, 70, 71, 72, 79, 81, 99], 99),
    _edgy([0, 1, 2, 4, 6, 9, 11, 12, 13], 19),
    _edgy([0, 1, 4, 25, 26, 27, 96, 99], 99),
    _edgy([0, 1, 9999], 9999),
)
_base = st.one_of(_valid_nik, _near_nik, st.text(_DIGITS, max_size=19))


@st.composite
def _repaired(draw) -> str:
    """A valid NIK with only honest damage, so each repair shows up on a valid value."""
    text = draw(_valid_nik)
    if draw(st.booleans()):
        cuts = sorted(draw(st.sets(st.integers(1, 15), max_size=4)), reverse=True)
        for cut in cuts:
            text = text[:cut] + draw(st.sampled_from([" ", ".", "-", "\u00a0", " - "])) + text[cut:]
    elif draw(st.booleans()):
        text += draw(st.sampled_from([".0", ",0", ".000"]))
    if draw(st.booleans()):
        text = "'" + draw(st.text(WHITESPACE, max_size=2)) + text
    return draw(st.text(WHITESPACE, max_size=1)) + text + draw(st.text(WHITESPACE, max_size=1))


@st.composite
def _messy(draw) -> str:
    text = draw(_base)
    if len(text) > 2 and draw(st.booleans()):  # separators between digit groups
        cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=5)), reverse=True)
        for cut in cuts:
            sep = draw(st.text(" .-\u00a0", min_size=1, max_size=3))
            text = text[:cut] + sep + text[cut:]
    if text and draw(st.integers(0, 5)) == 0:  # Excel's scientific notation
        mark = draw(st.sampled_from([".", ","]))
        e = draw(st.sampled_from(["E+", "e", "E"]))
        text = f"{text[0]}{mark}{text[1:8]}{e}{len(text) - 1}"
    suffix = draw(st.sampled_from(["", "", "", ".0", ",0", ".00", ".5", "-", "x"]))
    if draw(st.integers(0, 8)) == 0 and text:  # a stray character anywhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(list("'/,_Oo\u0663+e"))) + text[at:]
    text += suffix
    if draw(st.booleans()):
        text = "'" + draw(st.text(WHITESPACE, max_size=2)) + text
    return draw(st.text(WHITESPACE, max_size=2)) + text + draw(st.text(WHITESPACE, max_size=2))


_junk = st.text(st.sampled_from(list(_DIGITS + " .,-'eE+\u00a0\t\u0663x")), max_size=22)


def _assert_agree(raws: list, array: pa.Array, *, kind: str) -> int:
    """Bulk and scalar parsers give the same row for every input; returns how many are valid."""
    parse, parse_array = (
        (parse_nik, parse_nik_array) if kind == "nik" else (parse_kk, parse_kk_array)
    )
    table = parse_array(array)
    assert table.schema == OUTPUT_SCHEMA and table.num_rows == len(raws)
    valid = 0
    for raw, row in zip(raws, table.to_pylist(), strict=True):
        parsed = parse(raw)
        expected = {
            "value": parsed.value,
            "repaired": list(parsed.repaired),
            "error_code": code(parsed),
        }
        assert row == expected, repr(raw)
        valid += parsed.value is not None
    return valid


_agreement = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_agreement
@given(raws=st.lists(st.one_of(_messy(), _repaired(), _junk, _near_nik, st.none()), max_size=100))
def test_bulk_agrees_with_scalar_on_text(raws):
    for kind in ("nik", "kk"):
        _assert_agree(raws, pa.array(raws, pa.string()), kind=kind)
    _assert_agree(raws, pa.array(raws, pa.large_string()), kind="nik")


@_agreement
@given(
    raws=st.lists(
        st.one_of(
            _valid_nik.map(int),
            _near_nik.map(int),
            st.integers(-(10**17), 10**17),
            st.sampled_from([-1, 0, 10**15 - 1, 10**15, 10**16 - 1, 10**16]),
            st.none(),
        ),
        max_size=100,
    )
)
def test_bulk_agrees_with_scalar_on_integers(raws):
    _assert_agree(raws, pa.array(raws, pa.int64()), kind="nik")
    _assert_agree(raws, pa.array(raws, pa.int64()), kind="kk")


@_agreement
@given(
    raws=st.lists(
        st.one_of(
            _valid_nik.map(float),
            _near_nik.map(float),
            st.floats(),
            st.floats(min_value=1e15, max_value=1e16),
            st.sampled_from([-1.0, -0.0, 1e15 - 1, 1e15, 2.0**53 - 1, 2.0**53, 1e16 - 2, 1e16]),
            _valid_nik.map(lambda n: float(n) + 0.5),
            st.none(),
        ),
        max_size=100,
    )
)
def test_bulk_agrees_with_scalar_on_floats(raws):
    _assert_agree(raws, pa.array(raws, pa.float64()), kind="nik")
    with np.errstate(over="ignore"):  # floats beyond float32's range become inf, on purpose
        as_float32 = pa.array([r if r is None else np.float32(r) for r in raws], pa.float32())
    raws32 = [None if v is None else np.float32(v) for v in as_float32.to_pylist()]
    _assert_agree(raws32, as_float32, kind="nik")


@pytest.mark.parametrize("kind", ["nik", "kk"])
def test_bulk_agrees_with_scalar_on_every_date_field(kind):
    # Exhaustive over DD 00-99, MM 00-14 and two leap cycles of YY (00 is special: 1900 was
    # not a leap year, 2000 was): every leap day, +40 day and month edge.
    years = [0, 1, 2, 3, 4, 5, 6, 7, 96, 97, 98, 99]
    raws = [
        f"351009{day:02d}{month:02d}{yy:02d}0001"
        for day in range(100)
        for month in range(15)
        for yy in years
    ]
    valid = _assert_agree(raws, pa.array(raws), kind=kind)
    # Real dates: 365 a year plus 3 leap days, twice over for a NIK (men, women), once for a KK.
    assert valid == (365 * len(years) + 3) * (2 if kind == "nik" else 1)


def test_bulk_handles_chunks_dictionaries_and_other_types():
    chunked = pa.chunked_array([[NIK, None], [], [f"'{NIK}"]], pa.string())
    assert parse_nik_array(chunked).column("value").to_pylist() == [NIK, None, NIK]
    assert parse_nik_array(pa.chunked_array([], pa.string())).num_rows == 0
    encoded = pa.array([NIK, "3599994107850001", NIK]).dictionary_encode()
    assert parse_nik_array(encoded).column("error_code").to_pylist() == [
        None,
        "nik_unknown_district",
        None,
    ]
    for other in (pa.array([True, None]), pa.nulls(2), pa.array([b"x", None])):
        codes = parse_nik_array(other).column("error_code").to_pylist()
        expected = ["nik_not_digits", "nik_empty"] if other.type != pa.null() else ["nik_empty"] * 2
        assert codes == expected
    big = pa.array([2**64 - 1, int(NIK)], pa.uint64())
    assert parse_nik_array(big).column("error_code").to_pylist() == ["nik_wrong_length", None]


def test_bulk_repaired_lists_in_canonical_order():
    table = parse_nik_array(pa.array([f" '{NIK[:8]} {NIK[8:]}", NIK, "3.5E+15"]))
    assert table.column("repaired").to_pylist() == [
        ["stripped_whitespace", "stripped_apostrophe", "stripped_separators"],
        [],
        [],
    ]
    assert table.column("repaired").to_pylist()[0] == list(
        parse_nik(f" '{NIK[:8]} {NIK[8:]}").repaired
    )

