import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bansos.demo import dirt as demo_dirt
from bansos.demo import names as demo_names
from bansos.intake.issue_codes import ISSUES, codes_of
from bansos.intake.parse_names import (
    _CODES,
    AHMAD_VARIANTS,
    MUHAMMAD_VARIANTS,
    PREFIX_TITLES,
    SITI_VARIANTS,
    name_key,
    names_normalise,
)


def normalise(values):
    parsed = names_normalise(values=pa.array(values, pa.string()))
    return list(
        zip(
            parsed.values.to_pylist(),
            parsed.extra["titles"].to_pylist(),
            parsed.issues.to_pylist(),
            strict=True,
        )
    )


def keys(values):
    return name_key(values=pa.array(values, pa.string())).to_pylist()


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("sutrisno", "SUTRISNO"),
        ("  Siti   Aminah ", "SITI AMINAH"),
        ('"SLAMET"', "SLAMET"),
        ("-SLAMET-", "SLAMET"),
        ("'SLAMET", "SLAMET"),
        ("SLAMET.", "SLAMET"),
        ("M.ALI", "M. ALI"),
        ("MOCH.ALI", "MOCH. ALI"),
        ("ALI M.", "ALI M."),
        ("ST. NURHALIZA", "ST. NURHALIZA"),  # ST. is Siti here, not a title
        ("MA\u2019RUF AMIN", "MA'RUF AMIN"),
        ("I WAYAN SUDARSANA", "I WAYAN SUDARSANA"),
        ("SITI-AMINAH", "SITI-AMINAH"),
        ("SUTRISNO (ALM)", "SUTRISNO ALM"),
        ("Hartono", "HARTONO"),  # H without a dot or space is part of the name
        ("IRAWAN", "IRAWAN"),
        ("DRAJAT", "DRAJAT"),
        ("SE", "SE"),  # a degree needs a name before it
    ],
)
def test_names_without_titles(raw, name):
    assert normalise([raw]) == [(name, None, None)]


@pytest.mark.parametrize(
    ("raw", "name", "titles"),
    [
        ("h. sutrisno", "SUTRISNO", "H."),
        ("H SUTRISNO", "SUTRISNO", "H"),
        ("H.SUTRISNO", "SUTRISNO", "H."),
        ("Hj. Siti Aminah", "SITI AMINAH", "HJ."),
        ("Hj Siti Aminah", "SITI AMINAH", "HJ"),
        ("HJH. SITI AMINAH", "SITI AMINAH", "HJH."),
        ("KH. MA'RUF AMIN", "MA'RUF AMIN", "KH."),
        ("DRS. SUTRISNO", "SUTRISNO", "DRS."),
        ("DRA SRI WAHYUNI", "SRI WAHYUNI", "DRA"),
        ("DR. BUDI", "BUDI", "DR."),
        ("IR. SOEKARNO", "SOEKARNO", "IR."),
        ("PROF. DR. IR. H. BUDI SANTOSO", "BUDI SANTOSO", "PROF. DR. IR. H."),
        ("sutrisno, s.pd.", "SUTRISNO", "S.PD."),
        ("SUTRISNO S.Pd", "SUTRISNO", "S.PD"),
        ("SUTRISNO, S.PD", "SUTRISNO", "S.PD"),
        ("SUTRISNO SPD", "SUTRISNO", "SPD"),
        ("SUTRISNO, S.Pd.I", "SUTRISNO", "S.PD.I"),
        ("SUTRISNO, S.E.", "SUTRISNO", "S.E."),
        ("SUTRISNO SE", "SUTRISNO", "SE"),
        ("SUTRISNO, S.H.", "SUTRISNO", "S.H."),
        ("SUTRISNO, S.SOS", "SUTRISNO", "S.SOS"),
        ("SUTRISNO, S.AG.", "SUTRISNO", "S.AG."),
        ("SUTRISNO, A.MD.", "SUTRISNO", "A.MD."),
        ("SUTRISNO A.Md.Kep", "SUTRISNO", "A.MD.KEP"),
        ("SUTRISNO, M.PD.", "SUTRISNO", "M.PD."),
        ("SUTRISNO, S.KOM", "SUTRISNO", "S.KOM"),
        ("SUTRISNO ST", "SUTRISNO", "ST"),
        ("DRS. H. SUTRISNO, M.SI", "SUTRISNO", "DRS. H. M.SI"),
        ("Prof.Dr. Sutrisno,SH,MH", "SUTRISNO", "PROF.DR. SH MH"),
        ("DR. IR. H. BUDI SANTOSO, S.E., M.M.", "BUDI SANTOSO", "DR. IR. H. S.E. M.M."),
        ("SUTRISNO, H.", "SUTRISNO", "H."),
        ("H. M. ALI", "M. ALI", "H."),
    ],
)
def test_titles_are_removed_and_kept(raw, name, titles):
    assert normalise([raw]) == [(name, titles, "name_title")]


@pytest.mark.parametrize(
    "raw",
    [".", "-", "12345", "3510090101800001", "3510 0901 0180 0001", "NIK 3510090101800001",
     "SUTRISNO 081234567890", "H.", "HJ", "DRS. H."],
)  # fmt: skip
def test_invalid_names(raw):
    [(name, _, issues)] = normalise([raw])
    assert name is None and "name_invalid" in codes_of(issues)


def test_missing_names_are_null_without_issue():
    assert normalise([None, "", "   "]) == [(None, None, None)] * 3


def test_chunked_input_and_repeats():
    parsed = names_normalise(values=pa.chunked_array([["h. slamet", None], ["h. slamet"]]))
    assert parsed.values.to_pylist() == ["SLAMET", None, "SLAMET"]
    assert parsed.extra["titles"].to_pylist() == ["H.", None, "H."]


def test_every_code_is_catalogued():
    for code in _CODES:
        assert ISSUES[code].field == "name"


# --- comparison keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("SOEKARNO", "SUKARNO"),
        ("DJOKO SOESILO", "JOKO SUSILO"),
        ("TJAHJONO", "CAHYONO"),
        ("SJAMSOEL", "SYAMSUL"),
        ("NJOMAN", "NYOMAN"),
        ("SOEJONO", "SUYONO"),
        ("SOEHARDJO", "SUHARJO"),
        ("HIDAJAT", "HIDAYAT"),  # old J with no other old mark in the word
        ("HARJONO", "HARYONO"),
        ("WIDJAJA", "WIJAYA"),
        ("WIDJA", "WIDYA"),  # old D+J is modern DY ...
        ("SETJO", "SETYO"),  # ... and old T+J modern TY
        ("SOELISTJOWATI", "SULISTYOWATI"),
        ("JUSUF", "YUSUF"),
        ("JULIANA", "YULIANA"),
        ("CHAIRUL", "KHAIRUL", "HAIRUL"),
        ("ROCHMAN", "ROKHMAN", "ROHMAN"),
        ("HENDRY", "HENDRI"),
        ("RUDY", "RUDI"),
        ("ABBAS", "ABAS"),
        ("MA'RUF", "MARUF"),
        ("SITI-AMINAH", "SITI AMINAH"),
        ("ABD. ROHMAN", "ABDUL ROHMAN", "ABDOEL ROCHMAN"),
        ("ACHMAD", "AHMAD", "AKHMAD"),
        ("SITI AMINAH", "SITTI AMINAH", "ST. AMINAH"),
        ("M. ALI", "MUHAMMAD ALI", "MUHAMAD ALI", "MOHAMMAD ALI", "MOHAMAD ALI", "MOCHAMAD ALI",
         "MOCHAMMAD ALI", "MOCH. ALI", "MOH. ALI", "MUH. ALI", "MOEHAMMAD ALI"),
    ],
)  # fmt: skip
def test_spellings_of_one_name_share_a_key(spellings):
    assert len(set(keys(list(spellings)))) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("ALI M", "ALI MUHAMMAD"),  # M is Muhammad only as the first word
        ("ST", "SITI"),  # ... and only before another word
        ("CANDRA", "HANDRA"),
    ],
)
def test_different_names_keep_different_keys(left, right):
    first, second = keys([left, right])
    assert first != second


def test_every_demo_name_word_and_its_old_spelling_share_a_key():
    words = sorted(w for w in demo_names.distinct_tokens() if "." not in w)
    old = [demo_names.to_old_spelling(w) for w in words]
    assert keys(words) == keys(old)


def test_key_families_become_one_token():
    assert set(keys(list(MUHAMMAD_VARIANTS))) == {"MUHAMMAD"}
    assert set(keys(list(SITI_VARIANTS))) == {"SITI"}
    assert set(keys(list(AHMAD_VARIANTS))) == {"AHMAD"}
    assert keys(["M ALI", "ST AMINAH", "M"]) == ["MUHAMMAD ALI", "SITI AMINAH", "M"]


def test_keys_of_missing_or_letterless_names_are_null():
    assert keys([None, "", "123", "SLAMET"]) == [None, None, None, "SLAMET"]


# --- properties ----------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["SUTRISNO", "SITI", "AMINAH", "MOCH.", "M.", "ALI", "SOEKARNO", "I", "WAYAN", "MA'RUF",
     "HARTONO", "DRAJAT", "IRAWAN", "SE", "H", "ST."]
)  # fmt: skip
TITLES_BEFORE = st.sampled_from([f"{t}." for t in PREFIX_TITLES] + list(PREFIX_TITLES))
TITLES_AFTER = st.sampled_from(["S.PD.", "S.Pd", "SE", "S.E.", "M.SI", "A.MD.", "S.H", "ST"])
NOISE = st.sampled_from([" ", "  ", ",", ", ", ".", "-", "'", '"', "(", ")", "/", "\t"])


@st.composite
def messy_names(draw):
    parts = draw(st.lists(st.one_of(TITLES_BEFORE, NOISE), max_size=3))
    parts += draw(st.lists(WORDS, min_size=1, max_size=4))
    parts += draw(st.lists(st.one_of(TITLES_AFTER, NOISE), max_size=3))
    joined = " ".join(parts) if draw(st.booleans()) else "".join(parts)
    return joined.lower() if draw(st.booleans()) else joined


@given(st.lists(st.one_of(messy_names(), st.text(max_size=30)), min_size=1, max_size=30))
def test_normalising_is_idempotent(raw):
    once = names_normalise(values=pa.array(raw, pa.string()))
    twice = names_normalise(values=once.values)
    assert twice.values.to_pylist() == once.values.to_pylist()
    assert twice.extra["titles"].to_pylist() == [None] * len(raw)
    for value, titles, issues in zip(
        once.values.to_pylist(),
        once.extra["titles"].to_pylist(),
        once.issues.to_pylist(),
        strict=True,
    ):
        codes = codes_of(issues)
        assert all(code in ISSUES for code in codes)
        assert ("name_title" in codes) == (titles is not None)
        assert (value is None) == ("name_invalid" in codes) or issues is None
        if value is not None:
            assert value == value.upper().strip() and "  " not in value


PLAIN_WORDS = st.sampled_from(
    ["SUTRISNO", "SITI", "AMINAH", "MUHAMMAD", "ALI", "SOEKARNO", "WAYAN", "HIDAJAT", "NUR",
     "DJOKO", "TJAHJONO", "RUDY", "EFFENDI", "CHAIRUL", "YULIANA"]
)  # fmt: skip


@st.composite
def noisy(draw):
    """Clean words, and the same words as a list might carry them."""
    words = draw(st.lists(PLAIN_WORDS, min_size=1, max_size=4))
    text = (" " * draw(st.integers(1, 3))).join(words)
    if draw(st.booleans()):
        text = draw(TITLES_BEFORE) + " " + text
    if draw(st.booleans()):
        text = text + draw(st.sampled_from([", ", " "])) + draw(TITLES_AFTER)
    text = draw(st.sampled_from([str.upper, str.lower, str.title]))(text)
    return " ".join(words), draw(st.sampled_from(["", " ", "'", '"', "-"])) + text


@given(st.lists(noisy(), min_size=1, max_size=30))
def test_titles_case_and_spacing_do_not_change_the_key(pairs):
    clean = [c for c, _ in pairs]
    messy = names_normalise(values=pa.array([m for _, m in pairs], pa.string())).values
    assert name_key(values=messy).to_pylist() == keys(clean)


@given(
    st.lists(
        st.tuples(
            st.lists(PLAIN_WORDS, min_size=1, max_size=3).map(" ".join),
            st.integers(0, 2**31 - 1),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_demo_generators_titles_come_off_again(cases):
    """What `bansos demo` does to names in its program lists, the parser undoes."""
    titled = [
        demo_dirt.name_title(name, r, female=female, hajj=r % 2 == 0, graduate=True)
        for name, r, female in cases
    ]
    out = normalise(titled)
    assert [value for value, _, _ in out] == [name for name, _, _ in cases]
    assert all(issues == "name_title" for _, _, issues in out)
