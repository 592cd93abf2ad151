import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos.areas import catalog
from bansos.intake.issue_codes import ISSUES, codes_of
from bansos.intake.parse_places import PlaceColumn, regency_key, villages_resolve

GENTENGWETAN = "35.10.09.2002"  # Kec. Genteng, Kab. Banyuwangi
KAMPUNG_MELAYU_JAKTIM = "31.75.03.1001"  # Kec. Jatinegara, Kota Adm. Jakarta Timur
SIDOMULYO_STABAT = "12.05.07.1006"  # Kab. Langkat has another Sidomulyo in Kec. Binjai


def text(values):
    return None if values is None else pa.array(values, pa.string())


def resolve(codes=None, names=None, districts=None, regencies=None, within=None):
    parsed = villages_resolve(
        codes=text(codes),
        names=text(names),
        district_names=text(districts),
        regency_names=text(regencies),
        within=within,
    )
    assert isinstance(parsed, PlaceColumn)
    return list(
        zip(
            parsed.values.to_pylist(),
            parsed.method.to_pylist(),
            parsed.score.to_pylist(),
            parsed.issues.to_pylist(),
            strict=True,
        )
    )


@pytest.mark.parametrize(
    "code", ["35.10.09.2002", "3510092002", " 35.10.09.2002 ", "'3510092002", "3510 09 2002"]
)
def test_codes_dotted_or_compact(code):
    assert resolve(codes=[code]) == [(GENTENGWETAN, "code", 100.0, None)]


@pytest.mark.parametrize("code", ["35.10.09.9999", "99.99.99.9999", "351009200", "35.10.09", "x"])
def test_unknown_codes(code):
    assert resolve(codes=[code]) == [(None, None, None, "village_unknown")]


@pytest.mark.parametrize("name", ["Gentengwetan", "GENTENG WETAN", "Desa Genteng Wetan"])
def test_a_code_with_a_fitting_name(name):
    assert resolve(codes=["3510092002"], names=[name]) == [(GENTENGWETAN, "code", 100.0, None)]


def test_a_code_and_a_name_of_different_villages_is_not_guessed():
    assert resolve(codes=["3510092002"], names=["KEMBIRITAN"]) == [
        (None, None, None, "village_mismatch")
    ]


def test_an_unknown_code_falls_back_to_the_name():
    assert resolve(codes=["35.10.09.2999"], names=["GENTENGWETAN"]) == [
        (GENTENGWETAN, "name_exact", 100.0, "village_code_unknown")
    ]


def test_within_limits_codes_and_names():
    assert resolve(codes=["3510092002"], within="35.10") == [(GENTENGWETAN, "code", 100.0, None)]
    assert resolve(codes=["3510092002"], within="35.11") == [
        (None, None, None, "village_outside_area")
    ]
    assert resolve(names=["GENTENGWETAN"], within="35.11") == [
        (None, None, None, "village_unknown")
    ]


@pytest.mark.parametrize(
    "name",
    ["GENTENGWETAN", "Gentengwetan", "genteng wetan", "Desa Genteng Wetan", "DS. GENTENGWETAN",
     "DESA GENTENG-WETAN", " Genteng  Wetan "],
)  # fmt: skip
def test_name_forms(name):
    assert resolve(names=[name], within="35.10") == [(GENTENGWETAN, "name_exact", 100.0, None)]


def test_a_name_with_typos_is_matched_with_a_warning_and_its_score():
    [(code, method, score, issues)] = resolve(names=["GENTENGWETN"], within="35.10")
    assert (code, method, issues) == (GENTENGWETAN, "name_fuzzy", "village_fuzzy")
    assert 85 <= score < 100


def test_names_that_repeat_across_indonesia_are_ambiguous_until_narrowed():
    assert resolve(names=["KEL. KAMPUNG MELAYU"]) == [(None, None, None, "village_ambiguous")]
    narrowed = [(KAMPUNG_MELAYU_JAKTIM, "name_exact", 100.0, None)]
    assert resolve(names=["KEL. KAMPUNG MELAYU"], districts=["KEC. JATINEGARA"]) == narrowed
    assert resolve(names=["KAMPUNG MELAYU"], regencies=["KOTA ADM. JAKARTA TIMUR"]) == narrowed
    assert resolve(names=["KAMPUNG MELAYU"], regencies=["Jakarta Timur"]) == narrowed
    assert resolve(names=["KAMPUNG MELAYU"], within="31.75") == narrowed


def test_district_narrows_within_a_regency():
    assert resolve(names=["SIDOMULYO"], regencies=["KAB. LANGKAT"]) == [
        (None, None, None, "village_ambiguous")
    ]
    assert resolve(names=["SIDOMULYO"], districts=["Stabat"], regencies=["LANGKAT"]) == [
        (SIDOMULYO_STABAT, "name_exact", 100.0, None)
    ]
    assert resolve(names=["SIDOMULYO"], districts=["KECAMATAN STABAT"], within="12.05") == [
        (SIDOMULYO_STABAT, "name_exact", 100.0, None)
    ]


def test_district_and_regency_names_that_cannot_be_found_are_skipped_with_a_warning():
    assert resolve(names=["GENTENGWETAN"], districts=["NOWHERE AT ALL"], within="35.10") == [
        (GENTENGWETAN, "name_exact", 100.0, "village_district_unknown")
    ]
    assert resolve(names=["GENTENGWETAN"], regencies=["ATLANTIS"]) == [
        (GENTENGWETAN, "name_exact", 100.0, "village_regency_unknown")
    ]


def test_district_and_regency_names_agree_with_a_narrower_within():
    assert resolve(
        names=["GENTENGWETAN"],
        districts=["GENTENG"],
        regencies=["KAB BANYUWANGI"],
        within="35.10.09",
    ) == [(GENTENGWETAN, "name_exact", 100.0, None)]


def test_a_misspelt_district_still_narrows():
    assert resolve(names=["SIDOMULYO"], districts=["STABATT"], regencies=["LANGKAT"]) == [
        (SIDOMULYO_STABAT, "name_exact", 100.0, None)
    ]


def test_unknown_and_missing():
    assert resolve(names=["XYZQW", None, " "], within="35.10") == [
        (None, None, None, "village_unknown"),
        (None, None, None, "village_unknown"),
        (None, None, None, "village_unknown"),
    ]


def test_regency_keys():
    assert regency_key("KOTA ADM. JAKARTA PUSAT") == ("KOTA", "JAKARTAPUSAT")
    assert regency_key("Kabupaten Banyuwangi") == ("KAB", "BANYUWANGI")
    assert regency_key("KAB. ADM. KEP. SERIBU") == ("KAB", "KEPULAUANSERIBU")
    assert regency_key("BANDUNG") == (None, "BANDUNG")


def test_kind_of_regency_decides_between_a_city_and_a_regency_of_one_name():
    bandung = {r.code: r.name for r in catalog.regions() if r.level == "regency"}
    city = next(c for c, n in bandung.items() if n == "KOTA BANDUNG")
    village = catalog.descendants(city, "village")[0]
    [(code, *_)] = resolve(names=[village.name], regencies=["KOTA BANDUNG"])
    assert code == village.code


def test_each_distinct_row_is_resolved_once_and_spread_back():
    names = ["GENTENGWETAN", "XYZQW", None] * 500
    expected = [
        (GENTENGWETAN, "name_exact", 100.0, None),
        (None, None, None, "village_unknown"),
        (None, None, None, "village_unknown"),
    ]
    assert resolve(names=names, within="35.10") == expected * 500


def test_bad_calls_are_refused():
    with pytest.raises(ValueError, match="give"):
        villages_resolve(codes=None, names=None)
    with pytest.raises(ValueError, match="length"):
        villages_resolve(codes=text(["1"]), names=text(["a", "b"]))
    with pytest.raises(ValueError, match="within"):
        villages_resolve(codes=text(["1"]), names=None, within="99.99")


def test_every_code_is_catalogued():
    produced = {
        "village_unknown", "village_ambiguous", "village_fuzzy", "village_mismatch",
        "village_outside_area", "village_code_unknown", "village_district_unknown",
        "village_regency_unknown",
    }  # fmt: skip
    for code in produced:
        assert ISSUES[code].field == "village"


VILLAGES = [r for r in catalog.regions() if r.level == "village"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(VILLAGES), min_size=1, max_size=10))
def test_real_villages_resolve_to_themselves(villages):
    by_code = catalog.by_code()
    codes = [v.code if i % 2 else v.code.replace(".", "") for i, v in enumerate(villages)]
    assert [row[0] for row in resolve(codes=codes)] == [v.code for v in villages]
    out = resolve(
        names=[v.name for v in villages],
        districts=[by_code[v.parent_code].name for v in villages],
        regencies=[by_code[v.code[:5]].name for v in villages],
    )
    for village, (code, method, _, issues) in zip(villages, out, strict=True):
        # Two villages of one district may share a name: then ambiguity, never a wrong pick.
        assert (code, method, issues) in [
            (village.code, "name_exact", None),
            (None, None, "village_ambiguous"),
        ]
        assert all(c in ISSUES for c in codes_of(issues))
