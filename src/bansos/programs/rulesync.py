"""Rule files mirrored into the database when a cycle uses them: the program, and the exact text
of the rule version (a published version never changes; a changed file needs a new version)."""

from __future__ import annotations

from django.db import transaction

from bansos.programs.models import Program, RuleVersion
from bansos.targeting.rules import ProgramRules


class RuleVersionChanged(Exception):
    """A rule version already used was edited in place instead of being given a new version."""


def rule_version_sync(*, rules: ProgramRules) -> RuleVersion:
    with transaction.atomic():
        Program.objects.update_or_create(code=rules.program, defaults={
            "name": rules.name.id, "name_en": rules.name.en})
        version, created = RuleVersion.objects.get_or_create(
            program_id=rules.program, version=rules.version,
            defaults={"source": rules.source, "sha256": rules.sha256, "body": rules.text,
                      "valid_from": rules.valid_from, "valid_to": rules.valid_to})
        if not created and version.sha256 != rules.sha256:
            if version.cycles.exists():
                raise RuleVersionChanged(
                    f"aturan {rules.program} {rules.version} sudah dipakai dan isinya berubah: beri nomor versi baru / "
                    f"rules {rules.program} {rules.version} were used and have changed: give them a new version")
            version.source, version.sha256, version.body = rules.source, rules.sha256, rules.text
            version.valid_from, version.valid_to = rules.valid_from, rules.valid_to
            version.save()
    return version
