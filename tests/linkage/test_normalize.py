from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos.linkage.normalize import (
    ADDED_SCHEMA,
    INPUT_SCHEMA,
    name_rare,
    nik_parts,
    phone_key,
    records_normalise,
)
from bansos.linkage.normalize_address import addresses_normalise

VILLAGE = "35.10.09.2001"


def normalise(**columns):
    """records_normalise on a table of the given columns, `uid` numbered from 1."""
    n = len(next(iter(columns.values())))
    table = pa.table({"uid": pa.array(range(1, n + 1), pa.int64()), **columns})
    return records_normalise(records=table)


def column(name, values, out_column):
    return normalise(**{name: values})[out_column].to_pylist()


def name_columns(names, *out_columns):
    out = normalise(full_name=pa.array(names, pa.string()))
    return [tuple(row.values()) for row in out.select(list(out_columns)).to_pylist()]


# --- golden table ----------------------------------------------------------------------------

GOLDEN_IN = pa.table(
    {
        "uid": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "full_name": ["Hj. Siti Aminah, S.Pd.", "I WAYAN SUDARSANA", "AHMAD BIN SALEH",
                      "bpk. soekarno", None, "NI KETUT ARI"],
        "birth_date": pa.array([date(1980, 1, 1), date(1975, 5, 17), None, None, None,
                                date(2001, 12, 31)], pa.date32()),
        "sex": ["P", "L", "laki-laki", None, None, "P"],
        "nik": ["3510 0941 0180 0001", "5103011705750002", "3.5101E+15", "3510093201800003",
                None, "5103017112010001"],
        "address": ["Jl. Mawar No.3 RT.003/RW.005", "Br. Kaja, Desa Sukawati",
                    "Dsn. Krajan RT 01 RW 02", None, None, "DUSUN II 003/004"],
        "rt": [None, "2", None, "RT 04", None, None],
        "rw": [None, "1", None, "005", None, "7"],
        "village": [VILLAGE, "51.03.01.2001", VILLAGE, VILLAGE, None, "51.03.01.2001"],
        "phone": ["+62 812-3456-7890", "0361 123456", None, "812345678", None, "12345"],
    }
)  # fmt: skip

GOLDEN_OUT = {
    "uid": [1, 2, 3, 4, 5, 6],
    "full_name": GOLDEN_IN["full_name"].to_pylist(),  # the input name is kept as it came
    "birth_date": GOLDEN_IN["birth_date"].to_pylist(),
    "sex": ["P", "L", "L", None, None, "P"],
    "nik": ["3510094101800001", "5103011705750002", None, "3510093201800003", None,
            "5103017112010001"],
    "address": GOLDEN_IN["address"].to_pylist(),
    "rt": ["003", "002", "001", "004", None, "003"],
    "rw": ["005", "001", "002", "005", None, "007"],
    "village": GOLDEN_IN["village"].to_pylist(),
    "phone": GOLDEN_IN["phone"].to_pylist(),
    "name_titles": ["HJ. S.PD.", None, None, "BPK.", None, None],
    "name_clean": ["SITI AMINAH", "I WAYAN SUDARSANA", "AHMAD BIN SALEH", "SOEKARNO", None,
                   "NI KETUT ARI"],
    "name_key": ["SITI AMINAH", "SUDARSANA", "AHMAD", "SUKARNO", None, "ARI"],
    "name_key_sorted": ["AMINAH SITI", "SUDARSANA", "AHMAD", "SUKARNO", None, "ARI"],
    "name_first": ["SITI", "SUDARSANA", "AHMAD", "SUKARNO", None, "ARI"],
    "name_last": ["AMINAH", "SUDARSANA", "AHMAD", "SUKARNO", None, "ARI"],
    "name_father": [None, None, "SALEH", None, None, None],
    "name_marker": [None, "I WAYAN", None, None, None, "NI KETUT"],
    "name_rare": ["AMINAH", "SUDARSANA", "AHMAD", "SUKARNO", None, "ARI"],
    "name_token_count": [2, 1, 1, 1, None, 1],
    "address_key": ["JALAN MAWAR NO 3", "BANJAR KAJA DESA SUKAWATI", "DUSUN KRAJAN", None, None,
                    "DUSUN II"],
    "dusun": [None, "KAJA", "KRAJAN", None, None, "II"],
    "nik_region": ["351009", "510301", None, "351009", None, "510301"],
    "nik_birth_date": [date(1980, 1, 1), date(1975, 5, 17), None, None, None, date(2001, 12, 31)],
    "nik_sex": ["P", "L", None, None, None, "P"],
    "nik_serial": ["0001", "0002", None, "0003", None, "0001"],
    "phone_key": ["081234567890", "0361123456", None, "0812345678", None, None],
}  # fmt: skip


def test_golden_table():
    out = records_normalise(records=GOLDEN_IN)
    assert out.schema == pa.schema(list(INPUT_SCHEMA) + list(ADDED_SCHEMA))
    for name, expected in GOLDEN_OUT.items():
        assert out[name].to_pylist() == expected, name


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Soekarno", "Sukarno", "SOEKARNO", "Ir. Soekarno"),
        ("Moch. Ali", "M. ALI", "Muhammad Ali", "MUH ALI", "Mohammad Ali"),
        ("I WAYAN SUDARSANA", "WAYAN SUDARSANA", "I Wajan Sudarsana", "SUDARSANA"),
        ("NI LUH PUTU SARI", "PUTU SARI", "SARI"),
        ("AHMAD BIN SALEH", "Achmad bin Saleh", "AHMAD"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings):
    keys = column("full_name", list(spellings), "name_key")
    assert len(set(keys)) == 1 and keys[0] is not None


@pytest.mark.parametrize(
    ("raw", "clean", "titles"),
    [
        ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH", "HJ. S.PD."),
        ("BPK SUTRISNO", "SUTRISNO", "BPK"),
        ("Ibu Sri", "SRI", "IBU"),
        ("Bu Sri", "SRI", "BU"),
        ("Bapak H. Sutrisno", "SUTRISNO", "BAPAK H."),
        ("Sdr. Budi", "BUDI", "SDR."),
        ("SDRI ANI", "ANI", "SDRI"),
        ("Ny. Siti", "SITI", "NY."),
        ("Tn. Budi", "BUDI", "TN."),
        ("Alm. Sutrisno", "SUTRISNO", "ALM."),
        ("Sutrisno (Alm)", "SUTRISNO", "ALM"),
        ("Almarhumah Siti Aminah", "SITI AMINAH", "ALMARHUMAH"),
        ("bpk. h. sutrisno (alm)", "SUTRISNO", "BPK. H. ALM"),
        ("DRS. BUDI SANTOSO, M.SI", "BUDI SANTOSO", "DRS. M.SI"),
        ("dr. Budi", "BUDI", "DR."),
        ("AN. BUDI", "BUDI", "AN."),
    ],
)
def test_titles_and_honorifics_are_moved_aside(raw, clean, titles):
    assert name_columns([raw], "name_clean", "name_titles") == [(clean, titles)]


@pytest.mark.parametrize(
    "name",
    ["IBU", "BPK", "AN NISA", "BUDIMAN", "IBRAHIM", "PAKU ALAM", "SALIM", "NYOMAN ARTA"],
)
def test_names_that_only_look_like_honorifics_are_kept(name):
    assert name_columns([name], "name_clean", "name_titles") == [(name, None)]


def test_father_part():
    rows = name_columns(
        ["AHMAD BIN SALEH", "SITI BINTI M. SALEH", "ALI BT. SALEH", "NUR BINTY H. SALEH", "BIN"],
        "name_key", "name_father", "name_clean",
    )  # fmt: skip
    assert rows == [
        ("AHMAD", "SALEH", "AHMAD BIN SALEH"),
        ("SITI", "MUHAMMAD SALEH", "SITI BINTI M. SALEH"),
        ("ALI", "SALEH", "ALI BT. SALEH"),
        ("NUR", "SALEH", "NUR BINTY H. SALEH"),
        ("BIN", None, "BIN"),
    ]


@pytest.mark.parametrize(
    ("name", "key", "marker"),
    [
        ("I WAYAN SUDARSANA", "SUDARSANA", "I WAYAN"),
        ("WAYAN SUDARSANA", "SUDARSANA", "WAYAN"),
        ("NI KETUT ARI", "ARI", "NI KETUT"),
        ("NI LUH PUTU SARI", "SARI", "NI LUH PUTU"),
        ("I GUSTI NGURAH RAI", "RAI", "I GUSTI NGURAH"),
        ("I GUSTI AYU KADE SARI", "KADE SARI", "I GUSTI AYU"),
        ("IDA BAGUS MADE OKA", "OKA", "IDA BAGUS MADE"),
        ("ANAK AGUNG GEDE AGUNG", "AGUNG", "ANAK AGUNG GEDE"),
        ("I KOMANG ADI PUTRA", "ADI PUTRA", "I KOMANG"),
        ("I NJOMAN ARTA", "ARTA", "I NYOMAN"),  # old spelling, one key
        ("I MADE", "MADE", "I"),  # only markers: the last word is the name
        ("KETUT", "KETUT", None),
        # Not Balinese markers:
        ("I SUTRISNO", "I SUTRISNO", None),  # `I` before one word is an initial
        ("NI ARI", "NI ARI", None),
        ("IDA ROYANI", "IDA ROYANI", None),  # IDA is a name unless before BAGUS/AYU
        ("AYU LESTARI", "AYU LESTARI", None),
        ("AGUNG SEDAYU", "AGUNG SEDAYU", None),
        ("SUDARSANA WAYAN", "SUDARSANA WAYAN", None),  # markers open a name
        ("I PUTU", "PUTU", "I"),
    ],
)
def test_balinese_markers(name, key, marker):
    assert name_columns([name], "name_key", "name_marker") == [(key, marker)]


def test_key_parts():
    rows = name_columns(
        ["SITI NURHALIZA", "Slamet", "BUDI  santoso  wibowo", "3510090101800001", "..."],
        "name_key", "name_key_sorted", "name_first", "name_last", "name_token_count",
    )  # fmt: skip
    assert rows == [
        ("SITI NURHALIZA", "NURHALIZA SITI", "SITI", "NURHALIZA", 2),
        ("SLAMET", "SLAMET", "SLAMET", "SLAMET", 1),  # single names
        ("BUDI SANTOSO WIBOWO", "BUDI SANTOSO WIBOWO", "BUDI", "WIBOWO", 3),
        (None, None, None, None, None),  # a NIK in the name column is no name
        (None, None, None, None, None),
    ]


def test_swapped_names_share_the_sorted_key():
    first, second = column("full_name", ["BUDI SANTOSO", "SANTOSO BUDI"], "name_key_sorted")
    assert first == second == "BUDI SANTOSO"


def test_name_rare_drops_the_always_common_words():
    rare = column("full_name", ["SITI NURHALIZA", "NUR AINI", "Muhammad Ali",
                                "SITI NUR", "ABDUL AHMAD", "NURUL"], "name_rare")  # fmt: skip
    assert rare == ["NURHALIZA", "AINI", "ALI", "NUR SITI", "ABDUL AHMAD", "NURUL"]


def test_name_rare_drops_words_common_in_the_table():
    keys = ["BUDI SANTOSO"] * 3 + [f"BUDI W{chr(65 + i)}" for i in range(4)] + ["SRI BUDI"] * 4
    keys += ["SLAMET"] * 989  # 1,000 names: BUDI is carried by 11 of them, over 0.5 % and 5
    rare = name_rare(keys=pa.array(keys + [None])).to_pylist()
    assert rare[:11] == ["SANTOSO"] * 3 + ["WA", "WB", "WC", "WD"] + ["SRI"] * 4
    assert rare[-2:] == ["SLAMET", None]  # every word common: the whole key
    for limits in ({"common_share": 0.011}, {"common_floor": 11}):  # now 11 is not over them
        assert name_rare(keys=pa.array(keys), **limits).to_pylist()[0] == "BUDI SANTOSO"


def test_a_word_twice_in_one_name_counts_once():
    keys = ["ALI ALI"] * 3 + ["ALI BUDI"] * 3
    assert name_rare(keys=pa.array(keys), common_floor=6).to_pylist()[-1] == "ALI BUDI"
    assert name_rare(keys=pa.array(keys), common_floor=5).to_pylist()[-1] == "BUDI"


# --- addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key", "rt", "rw"),
    [
        ("Jl. Mawar No. 3 RT 03 RW 05", "JALAN MAWAR NO 3", "003", "005"),
        ("JL MAWAR NO.3 RT.003/RW.005", "JALAN MAWAR NO 3", "003", "005"),
        ("Jln. Mawar Nomor 3, RT 3 / RW 5", "JALAN MAWAR NO 3", "003", "005"),
        ("Jalan Mawar No 3 003/005", "JALAN MAWAR NO 3", "003", "005"),
        ("JL. MAWAR NO 3 RT/RW 03/05", "JALAN MAWAR NO 3", "003", "005"),
        ("JL. MAWAR NO 3 RT03RW05", "JALAN MAWAR NO 3", "003", "005"),
        ("JL. MAWAR NO 3 RW 05 RT 03", "JALAN MAWAR NO 3", "003", "005"),
        ("JL. MAWAR NO 3 rt:3 rw:5", "JALAN MAWAR NO 3", "003", "005"),
        ("Gg. Rukun RT 3", "GANG RUKUN", "003", None),
        ("Gang Rukun rw.5", "GANG RUKUN", None, "005"),
        ("Kp. Ciherang No. 12/3", "KAMPUNG CIHERANG NO 12 3", None, None),  # a house number
        ("Kamp. Ciherang", "KAMPUNG CIHERANG", None, None),
        ("Perum. Griya Asri Blok C-5", "PERUMAHAN GRIYA ASRI BLOK C 5", None, None),
        ("Perumahan Griya Asri", "PERUMAHAN GRIYA ASRI", None, None),
        ("Ds. Sukamaju Kel. Sukajadi", "DESA SUKAMAJU KELURAHAN SUKAJADI", None, None),
        ("Desa Sukamaju", "DESA SUKAMAJU", None, None),
        ("RT 000 RW 005", None, None, "005"),  # no RT is numbered 0
        ("JL. PERTAMA 12", "JALAN PERTAMA 12", None, None),  # RT inside a word
        ("  ", None, None, None),
        (None, None, None, None),
    ],
)
def test_address_forms(raw, key, rt, rw):
    parts = addresses_normalise(values=pa.array([raw], pa.string()))
    assert (parts.key.to_pylist(), parts.rt.to_pylist(), parts.rw.to_pylist()) == (
        [key],
        [rt],
        [rw],
    )


@pytest.mark.parametrize(
    ("raw", "dusun"),
    [
        ("Dsn. Krajan RT 01 RW 02", "KRAJAN"),
        ("DUSUN KRAJAN, DESA SUKAMAJU", "KRAJAN"),
        ("Dusun Krajan Lor Desa Sukamaju", "KRAJAN LOR"),
        ("Dsn Krajan, Sukamaju", "KRAJAN"),  # a comma ends the hamlet's name
        ("Ds. Sukamaju", None),  # DS. is desa
        ("DUSUN II", "II"),
        ("Br. Kaja", "KAJA"),  # banjar: Bali's hamlet
        ("Dukuh Ngasem Desa X Dusun Y", "NGASEM"),  # the first hamlet named
        ("Kota Banjar Dsn Sukamaju", "SUKAMAJU"),  # after KOTA, BANJAR is a place name
        ("JL. DUSUN 5", None),
        ("Jl. Mawar No. 3", None),
    ],
)
def test_dusun(raw, dusun):
    assert addresses_normalise(values=pa.array([raw])).dusun.to_pylist() == [dusun]


def test_rt_rw_columns_win_over_the_address():
    out = normalise(
        address=["RT 01 RW 02", "RT 01 RW 02", "RT 01 RW 02", None],
        rt=["7", None, "0", "RT 9"],
        rw=[8, None, None, None],
    )
    assert out["rt"].to_pylist() == ["007", "001", "001", "009"]  # `0` is no RT: the address
    assert out["rw"].to_pylist() == ["008", "002", "002", None]
    assert out["address_key"].to_pylist() == [None] * 4


# --- identifiers -----------------------------------------------------------------------------


def nik_rows(values, today=date(2026, 1, 1)):
    parts = nik_parts(values=pa.array(values, pa.string()), today=today)
    return list(zip(*(part.to_pylist() for part in parts.values()), strict=True))


def test_nik_parts():
    assert nik_rows(["3510090101800001", "3510094101800002", "3510095512200003"]) == [
        ("3510090101800001", "351009", date(1980, 1, 1), "L", "0001"),
        ("3510094101800002", "351009", date(1980, 1, 1), "P", "0002"),  # a woman: day + 40
        ("3510095512200003", "351009", date(2020, 12, 15), "P", "0003"),
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("3510 0901 0180 0001", "3510090101800001"),
        ("35.10.09.010180.0001", "3510090101800001"),
        ("'3510090101800001", "3510090101800001"),
        (" 3510-0901-0180-0001\u00a0", "3510090101800001"),
        ("3.5101E+15", None),  # Excel lost the digits
        ("351009010180001", None),  # 15 digits
        ("35100901018000011", None),
        ("NIK 3510090101800001", None),
        ("", None),
        (None, None),
    ],
)
def test_nik_cleaning(raw, clean):
    assert nik_rows([raw])[0][0] == clean


@pytest.mark.parametrize(
    "nik",
    ["3510093201800001", "3510097201800001", "3510090013800001", "3510090001800001",
     "3510093002800001", "3510092902010001", "3510090000000001"],
)  # fmt: skip
def test_a_nik_without_a_real_date_keeps_region_and_serial_only(nik):
    assert nik_rows([nik]) == [(nik, "351009", None, None, "0001")]


def test_the_nik_century_is_the_latest_not_in_the_future():
    today = date(2026, 6, 30)
    niks = ["3510093006260001", "3510090107260001", "3510090101270001", "3510092902000001"]
    assert [row[2] for row in nik_rows(niks, today)] == [
        date(2026, 6, 30),
        date(1926, 7, 1),
        date(1927, 1, 1),
        date(2000, 2, 29),
    ]


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("081234567890", "081234567890"),
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("006281234567890", "081234567890"),
        ("+62 (0)812 3456 7890", "081234567890"),
        ("81234567890", "081234567890"),  # a number cell lost the leading 0
        ("(0361) 123456", "0361123456"),
        ("1234567", None),
        ("3510090101800001", None),  # a NIK in the phone column
        ("-", None),
        (None, None),
    ],
)
def test_phone_key(raw, key):
    assert phone_key(values=pa.array([raw], pa.string())).to_pylist() == [key]


# --- table shape -------------------------------------------------------------------------------


def test_missing_optional_columns_are_added_as_nulls():
    out = normalise(full_name=["SLAMET"])
    assert out.schema == pa.schema(list(INPUT_SCHEMA) + list(ADDED_SCHEMA))
    row = out.to_pylist()[0]
    filled = {"uid", "full_name", "name_clean", "name_key", "name_key_sorted", "name_first",
              "name_last", "name_rare", "name_token_count"}  # fmt: skip
    assert {name for name, value in row.items() if value is not None} == filled
    assert row["name_token_count"] == 1 and row["name_rare"] == "SLAMET"


def test_all_null_columns():
    n = 3
    table = pa.table(
        {"uid": pa.array([1, 2, 3], pa.int64())}
        | {f.name: pa.nulls(n, f.type) for f in INPUT_SCHEMA if f.name != "uid"}
    )
    out = records_normalise(records=table)
    assert all(out[f.name].null_count == n for f in ADDED_SCHEMA)
    assert out.num_rows == n and out["uid"].to_pylist() == [1, 2, 3]


def test_null_typed_and_foreign_typed_columns():
    out = records_normalise(
        records=pa.table(
            {
                "uid": pa.array([1, 2], pa.int32()),
                "full_name": pa.nulls(2),
                "nik": pa.array([3510090101800001, None], pa.int64()),
                "phone": pa.array([81234567890, None], pa.int64()),
                "sex": pa.array(["1", "PEREMPUAN"]).dictionary_encode(),
            }
        )
    )
    assert out["uid"].type == pa.int64()
    assert out["nik"].to_pylist() == ["3510090101800001", None]
    assert out["phone_key"].to_pylist() == ["081234567890", None]
    assert out["sex"].to_pylist() == ["L", "P"]


def test_empty_table():
    out = records_normalise(records=pa.table({"uid": pa.array([], pa.int64())}))
    assert out.num_rows == 0
    assert out.schema == pa.schema(list(INPUT_SCHEMA) + list(ADDED_SCHEMA))


def test_other_columns_and_chunks_are_kept():
    table = pa.Table.from_batches(
        [
            pa.record_batch({"source": ["a"], "uid": pa.array([7], pa.int64()),
                             "full_name": ["H. Slamet"]}),
            pa.record_batch({"source": ["b"], "uid": pa.array([8], pa.int64()),
                             "full_name": ["slamet"]}),
        ]
    )  # fmt: skip
    out = records_normalise(records=table)
    assert out.column_names[:3] == ["source", "uid", "full_name"]
    assert out["source"].to_pylist() == ["a", "b"]
    assert out["name_key"].to_pylist() == ["SLAMET", "SLAMET"]


def test_normalising_twice_changes_nothing():
    once = records_normalise(records=GOLDEN_IN)
    assert records_normalise(records=once).equals(once)


def test_uid_is_required():
    with pytest.raises(ValueError, match="uid"):
        records_normalise(records=pa.table({"full_name": ["SLAMET"]}))


# --- properties ----------------------------------------------------------------------------------

WORDS = st.sampled_from(
    ["SUTRISNO", "SITI", "AMINAH", "MOCH.", "ALI", "SOEKARNO", "I", "WAYAN", "NI", "KETUT", "BIN",
     "SALEH", "IDA", "AYU", "BAGUS", "NUR", "PUTU"]
)  # fmt: skip
NAMES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
DRESS = st.sampled_from(["{}", "bpk. {}", "Ibu {}", "H. {}", "{}, S.Pd.", "{} (alm)", "  {} "])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAMES, DRESS, st.booleans()), min_size=1, max_size=12))
def test_titles_and_case_do_not_change_the_keys(rows):
    plain = [name for name, _, _ in rows]
    dressed = [dress.format(name.lower() if low else name) for name, dress, low in rows]
    keys = ["name_key", "name_key_sorted", "name_father", "name_marker", "name_rare"]
    assert name_columns(dressed, *keys) == name_columns(plain, *keys)


@settings(max_examples=30, deadline=None)
@given(st.lists(NAMES, min_size=2, max_size=12))
def test_each_row_is_normalised_on_its_own_but_name_rare(names):
    together = normalise(full_name=names).drop_columns(["uid", "name_rare"]).to_pylist()
    alone = [normalise(full_name=[name]).drop_columns(["uid", "name_rare"]).to_pylist()[0]
             for name in names]  # fmt: skip
    assert together == alone
