"""The documentation of rule files stays true: the shipped JSON schema is the loader's schema,
and the flags rule files may name are the flags officers and detectors can raise."""

from __future__ import annotations

import json
from pathlib import Path

from bansos.targeting.models import FlagKind
from bansos.targeting.rules import FLAGS, rules_json_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_committed_rule_schema_matches_the_loader():
    committed = json.loads((DOCS / "rules.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(rules_json_schema())), (
        "regenerate docs/rules.schema.json (see docs/targeting.md)")


def test_rule_flags_are_the_flags_that_can_be_raised():
    assert set(FLAGS) == set(FlagKind.values)
