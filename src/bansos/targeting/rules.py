"""Program rules as data: one TOML file per program version, validated against a schema.

The engine (engine.py) reads only what this module has validated, so every attribute, operator
and value that reaches SQL has been checked here against a whitelist."""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

RULES_DIR = Path(__file__).resolve().parent / "rules"


@dataclass(frozen=True)
class AttributeSpec:
    kind: Literal["int", "float", "str", "bool"]
    choices: tuple[str, ...] | None = None


HOUSEHOLD_ATTRIBUTES: dict[str, AttributeSpec] = {
    "decile": AttributeSpec("int"),
    "decile_regional": AttributeSpec("int"),
    "score": AttributeSpec("float"),
    "criteria_met": AttributeSpec("int"),
    "members_alive": AttributeSpec("int"),
    "province_code": AttributeSpec("str"),
    "regency_code": AttributeSpec("str"),
    "district_code": AttributeSpec("str"),
    "village_code": AttributeSpec("str"),
    "urban": AttributeSpec("bool"),
}
MEMBER_ATTRIBUTES: dict[str, AttributeSpec] = {
    "age": AttributeSpec("int"),
    "sex": AttributeSpec("str", ("L", "P")),
    "relationship": AttributeSpec("str", (
        "head", "spouse", "child", "child_in_law", "grandchild", "parent", "parent_in_law", "other",
    )),
    "school_level": AttributeSpec("str", ("", "SD", "SMP", "SMA")),
    "disability": AttributeSpec("str", ("none", "mild", "severe")),
    "pregnant": AttributeSpec("bool"),
    "occupation": AttributeSpec("str"),
    "education": AttributeSpec("str"),
    "alive": AttributeSpec("bool"),
}  # fmt: skip
HouseholdAttribute = Literal[
    "decile", "decile_regional", "score", "criteria_met", "members_alive",
    "province_code", "regency_code", "district_code", "village_code", "urban",
]  # fmt: skip
MemberAttribute = Literal[
    "age", "sex", "relationship", "school_level", "disability", "pregnant", "occupation",
    "education", "alive",
]  # fmt: skip
Op = Literal["=", "!=", "<", "<=", ">", ">=", "in", "not_in", "between"]
FLAGS = ("deceased_record", "ineligible_region", "ineligible_field_check", "welfare_staff", "gambling", "withdrawn")
Flag = Literal["deceased_record", "ineligible_region", "ineligible_field_check", "welfare_staff", "gambling", "withdrawn"]
REGION_LEVELS = ("province", "regency", "district", "village")
_REGION_PATTERN = {
    "province": r"\d{2}",
    "regency": r"\d{2}\.\d{2}",
    "district": r"\d{2}\.\d{2}\.\d{2}",
    "village": r"\d{2}\.\d{2}\.\d{2}\.\d{4}",
}
_SCALAR_SCHEMA = {"anyOf": [{"type": "boolean"}, {"type": "number"}, {"type": "string"}]}
ConditionValue = Annotated[
    Any, WithJsonSchema({"anyOf": [*_SCALAR_SCHEMA["anyOf"], {"type": "array", "items": _SCALAR_SCHEMA}]})
]


def _rule_error(*, message_id: str, message_en: str, at: str = "") -> PydanticCustomError:
    """A validation error carrying both languages; `at` is a key path below the error's loc."""
    return PydanticCustomError("bansos_rule", "{en}", {"id": message_id, "en": message_en, "at": at})


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class LocalizedName(_Strict):
    id: str = Field(min_length=1, description="Indonesian")
    en: str = Field(min_length=1, description="English")


def _scalar_ok(spec: AttributeSpec, value: Any) -> bool:
    if spec.kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if spec.kind == "int":
        return isinstance(value, int)
    if spec.kind == "float":
        return isinstance(value, int | float) and math.isfinite(value)
    return isinstance(value, str) and (spec.choices is None or value in spec.choices)


def _kind_text(spec: AttributeSpec) -> tuple[str, str]:
    if spec.choices is not None:
        allowed = ", ".join(repr(c) for c in spec.choices)
        return f"salah satu dari {allowed}", f"one of {allowed}"
    return {
        "int": ("bilangan bulat", "an integer"),
        "float": ("angka", "a number"),
        "str": ("teks", "a string"),
        "bool": ("true atau false", "true or false"),
    }[spec.kind]


def condition_check(*, spec: AttributeSpec, attribute: str, op: str, value: Any) -> None:
    """Raise a bilingual error unless `value` suits `op` and the attribute's type."""
    ordered = spec.kind in ("int", "float")
    if op in ("<", "<=", ">", ">=", "between") and not ordered:
        raise _rule_error(
            message_id=f"operator {op!r} hanya untuk atribut angka, bukan {attribute!r}",
            message_en=f"operator {op!r} needs a numeric attribute, not {attribute!r}", at="op")
    kind_id, kind_en = _kind_text(spec)
    if op in ("in", "not_in"):
        ok = isinstance(value, list) and bool(value) and all(_scalar_ok(spec, v) for v in value)
        shape_id, shape_en = f"daftar berisi {kind_id}", f"a non-empty list of {kind_en}"
    elif op == "between":
        ok = (isinstance(value, list) and len(value) == 2
              and all(_scalar_ok(spec, v) for v in value) and value[0] <= value[1])
        shape_id, shape_en = f"[bawah, atas] berisi {kind_id}", f"[low, high] of {kind_en}, low <= high"
    else:
        ok = _scalar_ok(spec, value)
        shape_id, shape_en = kind_id, kind_en
    if not ok:
        raise _rule_error(
            message_id=f"nilai {value!r} untuk {attribute!r} {op} harus {shape_id}",
            message_en=f"value {value!r} for {attribute!r} {op} must be {shape_en}", at="value")


class HouseholdCondition(_Strict):
    """A test on a household attribute; all of a program's conditions must hold."""

    attribute: HouseholdAttribute
    op: Op
    value: ConditionValue

    @model_validator(mode="after")
    def _value_fits(self) -> HouseholdCondition:
        condition_check(spec=HOUSEHOLD_ATTRIBUTES[self.attribute], attribute=self.attribute,
                        op=self.op, value=self.value)
        return self


class MemberCondition(_Strict):
    """A test on a member attribute; a member qualifies for a component when all hold."""

    attribute: MemberAttribute
    op: Op
    value: ConditionValue

    @model_validator(mode="after")
    def _value_fits(self) -> MemberCondition:
        condition_check(spec=MEMBER_ATTRIBUTES[self.attribute], attribute=self.attribute,
                        op=self.op, value=self.value)
        return self


class Eligibility(_Strict):
    max_decile: int = Field(ge=1, le=10)
    decile_basis: Literal["national", "regional"] = "national"
    conditions: list[HouseholdCondition] = []
    requires_component: bool = False


class Exclusions(_Strict):
    deceased: bool = False
    occupations: list[Annotated[str, Field(min_length=1)]] = []
    flags: list[Flag] = []


class Component(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: LocalizedName
    scope: Literal["household", "member"]
    conditions: list[MemberCondition] = []
    amount: int = Field(gt=0, le=10**12, description="rupiah, per `per`")
    per: Literal["year", "month", "cycle"]
    max_per_household: int | None = Field(default=None, ge=1)
    _cycle_months: int = PrivateAttr(default=0)

    @model_validator(mode="after")
    def _household_scope_is_flat(self) -> Component:
        if self.scope == "household" and self.conditions:
            raise _rule_error(message_id="komponen keluarga tidak memakai syarat anggota",
                              message_en="a household component takes no member conditions",
                              at="conditions")
        if self.scope == "household" and self.max_per_household is not None:
            raise _rule_error(message_id="max_per_household hanya untuk komponen anggota",
                              message_en="max_per_household applies to member components only",
                              at="max_per_household")
        return self

    @computed_field
    @property
    def cycle_amount(self) -> int:
        """Rupiah per cycle (per member for member components)."""
        return _cycle_amount(amount=self.amount, per=self.per, cycle_months=self._cycle_months)


def _cycle_amount(*, amount: int, per: str, cycle_months: int) -> int:
    if per == "year":
        return amount * cycle_months // 12
    if per == "month":
        return amount * cycle_months
    return amount


class Caps(_Strict):
    # Programme guidelines (e.g. PKH's four members), kept as data so they can change.
    max_members: int | None = Field(default=None, ge=1)
    one_component_per_member: bool = False


class Quota(_Strict):
    level: Literal["province", "regency", "district", "village"]
    limits: dict[str, Annotated[int, Field(ge=0)]] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_fit_level(self) -> Quota:
        pattern = re.compile(_REGION_PATTERN[self.level])
        for code in self.limits:
            if not pattern.fullmatch(code):
                raise _rule_error(
                    message_id=f"kode wilayah {code!r} bukan kode tingkat {self.level}",
                    message_en=f"region code {code!r} is not a {self.level} code",
                    at=f'limits["{code}"]')
        return self


class Continuity(_Strict):
    # An enrolled family that rises just above the threshold (PKH: to desil 5) is suspended
    # pending a social-office check instead of dropped; the cycle code applies it.
    suspend_max_decile: int = Field(ge=1, le=10)


class ProgramRules(_Strict):
    """One version of one program's rules, as read from its TOML file."""

    program: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=20)
    version: str = Field(pattern=r"^\d{4}\.\d{1,3}$")
    name: LocalizedName
    valid_from: date
    valid_to: date | None = None
    payee: Literal["household", "insurer"]
    cycle_months: int = Field(ge=1, le=12)
    cycles_per_year: int = Field(ge=1, le=12)
    eligibility: Eligibility
    exclusions: Exclusions = Exclusions()
    components: list[Component] = Field(min_length=1)
    caps: Caps = Caps()
    quota: Quota | None = None
    continuity: Continuity | None = None
    sha256: str = Field(default="", description="set by the loader: hash of the file's bytes")
    source: str = Field(default="", description="set by the loader: the file's name")
    text: str = Field(default="", description="set by the loader: the file's text")

    @field_validator("components")
    @classmethod
    def _codes_unique(cls, components: list[Component]) -> list[Component]:
        seen: set[str] = set()
        for i, component in enumerate(components):
            if component.code in seen:
                raise _rule_error(message_id=f"kode komponen {component.code!r} ganda",
                                  message_en=f"duplicate component code {component.code!r}",
                                  at=f"[{i}].code")
            seen.add(component.code)
        return components

    @model_validator(mode="after")
    def _cycles(self) -> ProgramRules:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise _rule_error(message_id="valid_to sebelum valid_from",
                              message_en="valid_to is before valid_from", at="valid_to")
        if self.continuity and self.continuity.suspend_max_decile <= self.eligibility.max_decile:
            raise _rule_error(message_id="suspend_max_decile harus di atas max_decile",
                              message_en="suspend_max_decile must be above max_decile",
                              at="continuity.suspend_max_decile")
        if self.cycle_months * self.cycles_per_year > 12:
            raise _rule_error(message_id="cycle_months × cycles_per_year melebihi 12 bulan",
                              message_en="cycle_months × cycles_per_year exceeds 12 months",
                              at="cycles_per_year")
        for i, component in enumerate(self.components):
            if component.per == "year" and (component.amount * self.cycle_months) % 12:
                raise _rule_error(
                    message_id=f"{component.amount} × {self.cycle_months} / 12 bukan rupiah bulat",
                    message_en=f"{component.amount} × {self.cycle_months} / 12 is not a whole rupiah amount",
                    at=f"components[{i}].amount")
            component._cycle_months = self.cycle_months
        return self

    @property
    def version_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


class RuleFileError(ValueError):
    """A rule file that cannot be used, with the key path and a message in both languages."""

    def __init__(self, *, path: str, location: str, message_id: str, message_en: str) -> None:
        self.path, self.location = path, location
        self.message_id, self.message_en = message_id, message_en
        super().__init__(f"{path}: {location}: {message_id} / {message_en}")


# Pydantic error types -> (Indonesian, English); {…} are filled from the error's ctx.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("kunci wajib tidak ada", "required key is missing"),
    "extra_forbidden": ("kunci tidak dikenal", "unknown key"),
    "literal_error": ("nilai {input!r} tidak diizinkan; pilihan: {expected_id}",
                      "value {input!r} is not allowed; expected {expected}"),
    "int_type": ("harus bilangan bulat", "must be an integer"),
    "float_type": ("harus angka", "must be a number"),
    "bool_type": ("harus true atau false", "must be true or false"),
    "string_type": ("harus teks", "must be a string"),
    "date_type": ("harus tanggal TOML (YYYY-MM-DD)", "must be a TOML date (YYYY-MM-DD)"),
    "list_type": ("harus daftar [ … ]", "must be a list [ … ]"),
    "dict_type": ("harus tabel", "must be a table"),
    "model_type": ("harus tabel", "must be a table"),
    "model_attributes_type": ("harus tabel", "must be a table"),
    "greater_than": ("harus lebih dari {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("paling kecil {ge}", "must be at least {ge}"),
    "less_than_equal": ("paling besar {le}", "must be at most {le}"),
    "string_pattern_mismatch": ("tidak sesuai pola {pattern}", "does not match pattern {pattern}"),
    "string_too_short": ("tidak boleh kosong", "must not be empty"),
    "string_too_long": ("terlalu panjang (paling banyak {max_length})",
                        "too long (at most {max_length})"),
    "too_short": ("paling sedikit {min_length} butir", "needs at least {min_length} item(s)"),
    "less_than": ("harus kurang dari {lt}", "must be less than {lt}"),
}


def _location(loc: tuple[str | int, ...], at: str = "") -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    if at:
        text += at if at.startswith("[") or not text else f".{at}"
    return text or "(file)"


def _translate(error: dict[str, Any], *, path: str) -> RuleFileError:
    ctx = error.get("ctx") or {}
    if error["type"] == "bansos_rule":
        return RuleFileError(path=path, location=_location(error["loc"], ctx.get("at", "")),
                             message_id=ctx["id"], message_en=ctx["en"])
    message_id, message_en = _MESSAGES.get(error["type"], ("nilai tidak sah: {msg}", "{msg}"))
    fill = {**ctx, "input": error.get("input"), "msg": error.get("msg", ""),
            "expected_id": str(ctx.get("expected", "")).replace(" or ", " atau ")}
    return RuleFileError(path=path, location=_location(error["loc"]),
                         message_id=message_id.format(**fill), message_en=message_en.format(**fill))


def _toml_error(error: tomllib.TOMLDecodeError, *, path: str) -> RuleFileError:
    found = re.search(r"at line (\d+), column (\d+)", str(error))
    line, column = (found.group(1), found.group(2)) if found else ("?", "?")
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    return RuleFileError(path=path, location=f"line {line}",
                         message_id=f"sintaks TOML salah pada baris {line}, kolom {column}: {reason}",
                         message_en=f"TOML syntax error at line {line}, column {column}: {reason}")


_LOADER_KEYS = ("sha256", "source", "text")


def _rules_from_bytes(raw: bytes, *, source: str) -> ProgramRules:
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise RuleFileError(path=source, location="(file)", message_id="berkas bukan UTF-8",
                            message_en=f"file is not UTF-8 ({error.reason})") from error
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(error, path=source) from error
    for reserved in _LOADER_KEYS:
        if reserved in data:
            raise RuleFileError(path=source, location=reserved,
                                message_id="kunci ini diisi oleh pembaca berkas, bukan oleh berkas",
                                message_en="this key is set by the loader, not by the file")
    data |= {"sha256": hashlib.sha256(raw).hexdigest(), "source": source, "text": text}
    try:
        return ProgramRules.model_validate(data)
    except ValidationError as error:
        raise _translate(error.errors()[0], path=source) from error


def rules_parse(text: str, *, source: str) -> ProgramRules:
    """Rules from TOML text; `source` names it in errors and in the decision record."""
    return _rules_from_bytes(text.encode("utf-8"), source=source)


def rules_load(path: Path) -> ProgramRules:
    return _rules_from_bytes(Path(path).read_bytes(), source=Path(path).name)


def rules_catalog(directory: Path = RULES_DIR) -> list[ProgramRules]:
    """Every rule file in the folder, sorted by program then version; one file per version."""
    seen: dict[tuple[str, str], str] = {}
    catalog = []
    for path in sorted(Path(directory).glob("*.toml")):
        rules = rules_load(path)
        key = (rules.program, rules.version)
        if key in seen:
            raise RuleFileError(
                path=path.name, location="version",
                message_id=f"{rules.program} versi {rules.version} sudah ada di {seen[key]}",
                message_en=f"{rules.program} version {rules.version} is already in {seen[key]}")
        seen[key] = path.name
        catalog.append(rules)
    return sorted(catalog, key=lambda r: (r.program, r.version_key))


def rules_current(program: str, *, on: date, directory: Path = RULES_DIR) -> ProgramRules:
    """The latest version of a program whose validity covers the date."""
    valid = [
        rules for rules in rules_catalog(directory)
        if rules.program == program.upper() and rules.valid_from <= on
        and (rules.valid_to is None or on <= rules.valid_to)
    ]
    if not valid:
        raise LookupError(f"no rules for program {program!r} valid on {on.isoformat()}")
    return valid[-1]


def rules_json_schema() -> dict[str, Any]:
    """The rule-file format as JSON Schema (the loader's own keys left out)."""
    schema = ProgramRules.model_json_schema(mode="validation")
    for key in _LOADER_KEYS:
        schema["properties"].pop(key, None)
    return schema
