from pathlib import Path

from bansos.intake.issue_codes import ISSUES
from bansos.intake.mapping import FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "intake.md").read_text(encoding="utf-8")


def test_every_issue_code_and_canonical_field_is_documented():
    assert [code for code in ISSUES if f"| `{code}` |" not in DOC] == []
    assert [field for field in FIELDS if f"`{field}`" not in DOC] == []
