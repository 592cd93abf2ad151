import pyarrow as pa
import pytest

from bansos.intake.mapping import (
    SHIPPED_SOURCES,
    MappingError,
    mapping_apply,
    mapping_override,
    mapping_parse,
    mapping_resolve,
    mapping_shipped,
)

PKH = mapping_parse(text=mapping_shipped(source="PKH"))


@pytest.mark.parametrize("source", SHIPPED_SOURCES)
def test_every_shipped_mapping_parses(source):
    mapping = mapping_parse(text=mapping_shipped(source=source))
    assert mapping.source == source
    assert "nik" in mapping.fields


def test_columns_match_ignoring_case_spaces_and_punctuation():
    resolved = mapping_resolve(mapping=PKH, columns=["no", "nik", "No. KK", "Nama Anggota",
                                                     "RT", "rw", "KOMPONEN", "LAINNYA"])
    assert resolved.fields["kk"] == ("No. KK",)
    assert resolved.fields["full_name"] == ("Nama Anggota",)
    assert resolved.extra == {"component": "KOMPONEN"}
    assert "LAINNYA" in resolved.unmapped and "no" in resolved.unmapped
    assert "birth_date=TGL_LAHIR" in resolved.missing
    assert "extra.caretaker_name=NAMA_PENGURUS" in resolved.missing


def test_apply_gives_canonical_text_columns_and_joins_repeated_address():
    mapping = mapping_parse(text='source = "X"\n[fields]\nnik = "NIK"\n'
                                 'address = ["JALAN", "DUSUN"]\n[extra]\nnote = "KET"\n')
    batch = pa.record_batch({"NIK": ["1", "2", "3"], "JALAN": ["Jl. Mawar", None, None],
                             "DUSUN": ["Krajan", "Kulon", None], "KET": ["a", None, "c"],
                             "_row": pa.array([2, 3, 4], pa.int64())})
    resolved = mapping_resolve(mapping=mapping, columns=["NIK", "JALAN", "DUSUN", "KET"])
    table = mapping_apply(resolved=resolved, batch=batch)
    assert table["address"].to_pylist() == ["Jl. Mawar, Krajan", "Kulon", None]
    assert table["nik"].to_pylist() == ["1", "2", "3"]
    assert table["full_name"].null_count == 3
    assert table["extra.note"].to_pylist() == ["a", None, "c"]
    assert table["_row"].to_pylist() == [2, 3, 4]


def test_override_from_the_command_line():
    mapping = mapping_override(mapping=PKH, overrides={"nik": "NO_NIK", "extra.x": "KOL_X"})
    assert mapping.fields["nik"] == ("NO_NIK",)
    assert mapping.extra["x"] == "KOL_X"
    with pytest.raises(MappingError, match="nama_ibu"):
        mapping_override(mapping=PKH, overrides={"nama_ibu": "IBU"})


@pytest.mark.parametrize("text, key", [
    ("source = 'X'\n[fields]\nnik = 'NIK'\nhobby = 'HOBI'\n", "fields.hobby"),
    ("source = 'X'\n[fields]\nbirth_date = 'TGL'\n", "nik"),
    ("source = 'X'\n[fields]\nnik = ['A', 'B']\n", "fields.nik"),
    ("source = 'X'\n[fields]\nnik = 'N'\n[options]\ndate_order = 'xyz'\n", "date_order"),
    ("[fields]\nnik = 'N'\n", "source"),
    ("source = 'X'\n[fields\n", "TOML"),
])
def test_bad_mappings_are_refused_naming_the_key(text, key):
    with pytest.raises(MappingError, match=key):
        mapping_parse(text=text)
