from pathlib import Path

from bansos.core.datadict import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def test_committed_data_dictionary_matches_the_models():
    assert DOC.read_text(encoding="utf-8") == render(), "run: bansos datadict > docs/data-dictionary.md"


def test_protected_columns_are_described_as_such():
    text = render()
    assert "| `nik` | encrypted (nik) |" in text
    assert "| `nik_index` | blind index of `nik` |" in text
