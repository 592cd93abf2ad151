"""The PMT's data at rest: the input schema and feature vocabulary, the fitted model, the
survey CSV it is fitted on and the TOML file it is kept in (rules are data: a model is a
versioned, human-readable file). `pmt.py` re-exports everything public here."""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import tomli_w

PMT_INPUT_SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("province_code", pa.string()), ("urban", pa.bool_()),
    ("household_size", pa.int32()), ("head_education", pa.string()),
    ("head_occupation", pa.string()), ("floor_area_m2", pa.float64()),
    ("floor_material", pa.string()), ("wall_material", pa.string()),
    ("roof_material", pa.string()), ("water_source", pa.string()), ("sanitation", pa.string()),
    ("lighting", pa.string()), ("electricity_va", pa.int32()), ("cooking_fuel", pa.string()),
    ("house_ownership", pa.string()), ("motorcycles", pa.int16()), ("has_car", pa.bool_()),
    ("has_fridge", pa.bool_()), ("has_ac", pa.bool_()), ("has_gold", pa.bool_()),
    ("has_land", pa.bool_()), ("has_livestock", pa.bool_()), ("has_tv", pa.bool_()),
    ("smartphones", pa.int16()),
])  # fmt: skip
CATEGORICAL = (
    "floor_material", "wall_material", "roof_material", "water_source", "sanitation",
    "lighting", "electricity_va", "cooking_fuel", "house_ownership", "head_education",
    "head_occupation",
)  # fmt: skip
BOOLEAN = ("urban", "has_car", "has_fridge", "has_ac", "has_gold", "has_land", "has_livestock",
           "has_tv")
# Counts are capped so that one typo (99 motorcycles) cannot make a poor household look rich.
COUNT_CAPS = {"motorcycles": 6, "smartphones": 8}
NUMERIC = ("log_household_size", "log_floor_area_per_person", *COUNT_CAPS, *BOOLEAN)


def feature_parse(feature: str) -> tuple[str, str | None]:
    """(column, level) of a dummy `column=level`, (feature, None) of a numeric feature;
    ValueError for a name the PMT does not know."""
    column, sep, level = feature.partition("=")
    if sep and column in CATEGORICAL and level:
        return column, level
    if not sep and feature in NUMERIC:
        return feature, None
    raise ValueError(f"unknown PMT feature {feature!r}")


@dataclass(frozen=True)
class Stratum:
    intercept: float
    coefficients: list[float]  # aligned with PmtModel.features
    n: int  # survey households the stratum was fitted on
    r2: float  # weighted, in sample
    rmse: float  # weighted, log units


@dataclass(frozen=True)
class PmtModel:
    version: str
    fitted_on: date
    survey: str
    survey_sha256: str
    alpha: float
    features: list[str]
    strata: dict[str, Stratum]


class SurveyError(ValueError):
    """A survey file that cannot be used; the message is Indonesian / English."""


class PmtFileError(ValueError):
    """A PMT model file that cannot be used; the message is Indonesian / English."""


# --- the survey CSV -----------------------------------------------------------------------

# Schema field -> accepted survey column names, first found wins.
_SOURCES = {"household_id": ("household_id", "survey_id"),
            "province_code": ("province_code", "regency_code"),
            "has_gold": ("has_gold", "has_gold_10g")}
_TRUE = ("true", "1", "ya", "y", "t")
_FALSE = ("false", "0", "tidak", "n", "f")
# Numeric fields: (must be > 0, must be whole, Indonesian, English) for the error message.
_NUMBERS = {
    "pce_measured": (True, False, "bukan angka positif", "not a positive number"),
    "weight": (True, False, "bukan angka positif", "not a positive number"),
    "household_size": (True, True, "bukan bilangan bulat positif", "not a positive whole number"),
    "floor_area_m2": (False, False, "bukan angka ≥ 0", "not a number ≥ 0"),
    "electricity_va": (False, True, "bukan bilangan bulat ≥ 0", "not a whole number ≥ 0"),
    "motorcycles": (False, True, "bukan bilangan bulat ≥ 0", "not a whole number ≥ 0"),
    "smartphones": (False, True, "bukan bilangan bulat ≥ 0", "not a whole number ≥ 0"),
}
_REQUIRED_VALUES = ("pce_measured", "weight", "household_size", "province_code", "urban")
_NUMBER_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


class _Survey:
    """The survey's text columns and the error naming a file line (the header is line 1)."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), [])
            self.text = pacsv.read_csv(
                path, read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False,
                ))
        except (OSError, UnicodeDecodeError, pa.ArrowInvalid) as exc:
            raise SurveyError(f"{self.name}: berkas tidak terbaca ({exc}) / "
                              f"file unreadable ({exc})") from exc
        if not self.text.num_rows:
            raise SurveyError(f"{self.name}: tidak ada baris data / no data rows")

    def source(self, field: str) -> str | None:
        """The file's column that holds `field`."""
        return next((name for name in _SOURCES.get(field, (field,))
                     if name in self.text.column_names), None)

    def column(self, field: str, *, required: bool = True) -> pa.Array | None:
        """The trimmed text of `field` (empty cells null), None if absent and not required."""
        name = self.source(field)
        if name is not None:
            text = pc.utf8_trim_whitespace(self.text.column(name).combine_chunks())
            return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        if not required:
            return None
        names = " / ".join(_SOURCES.get(field, (field,)))
        raise SurveyError(f"{self.name}: kolom {names} tidak ada / column {names} missing")

    def fail(self, field: str, bad: np.ndarray, message_id: str, message_en: str) -> None:
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            raise SurveyError(f"{self.name}: baris {line}, kolom {field}: {message_id} / "
                              f"row {line}, field {field}: {message_en}")


def _survey_number(survey: _Survey, field: str) -> pa.Array:
    positive, whole, message_id, message_en = _NUMBERS[field]
    text = survey.column(field)
    shaped = pc.fill_null(pc.match_substring_regex(text, _NUMBER_PATTERN), True)
    survey.fail(field, ~shaped.to_numpy(zero_copy_only=False), message_id, message_en)
    values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    given = ~np.isnan(values)
    bad = (values <= 0 if positive else values < 0) | (given & ~np.isfinite(values))
    if whole:
        bad |= given & (values != np.floor(values))
    if field in _REQUIRED_VALUES:
        bad |= ~given
    survey.fail(field, bad, message_id, message_en)
    if whole:  # within the schema's integer type, so the cast cannot overflow
        limit = np.iinfo(PMT_INPUT_SCHEMA.field(field).type.to_pandas_dtype()).max
        survey.fail(field, given & (values > limit), "terlalu besar", "too large")
    return pa.array(values, type=pa.float64(), from_pandas=True)


def _survey_bool(survey: _Survey, field: str) -> pa.Array:
    text = pc.utf8_lower(survey.column(field))
    truth = pc.is_in(text, value_set=pa.array(_TRUE))
    known = pc.or_(truth, pc.is_in(text, value_set=pa.array(_FALSE)))
    bad = pc.invert(pc.fill_null(known, field not in _REQUIRED_VALUES))
    survey.fail(field, bad.to_numpy(zero_copy_only=False),
                "bukan nilai ya/tidak (true/false)", "not a yes/no value (true/false)")
    return pc.if_else(pc.is_null(text), pa.scalar(None, pa.bool_()), truth)


def survey_read(path: Path) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The survey CSV (as the demo generator writes it) as a PMT_INPUT_SCHEMA table, the log of
    measured per-capita expenditure and the design weights. SurveyError names the file line
    and field of the first bad value."""
    survey = _Survey(Path(path))
    columns: dict[str, pa.Array] = {}
    for field in PMT_INPUT_SCHEMA:
        if field.name in _NUMBERS:
            columns[field.name] = _survey_number(survey, field.name)
        elif pa.types.is_boolean(field.type):
            columns[field.name] = _survey_bool(survey, field.name)
        elif field.name == "household_id":
            found = survey.column("household_id", required=False)
            columns[field.name] = (pa.array(np.arange(1, survey.text.num_rows + 1))
                                   if found is None else _survey_id(survey, found))
        else:
            columns[field.name] = survey.column(field.name)
    province = columns["province_code"]
    survey.fail(survey.source("province_code") or "province_code",
                ~pc.fill_null(pc.match_substring_regex(province, r"^\d\d"), False)
                .to_numpy(zero_copy_only=False),
                "bukan kode wilayah", "not a region code")
    columns["province_code"] = pc.utf8_slice_codeunits(province, 0, 2)
    table = pa.table({f.name: pc.cast(columns[f.name], f.type) for f in PMT_INPUT_SCHEMA},
                     schema=PMT_INPUT_SCHEMA)
    pce = _survey_number(survey, "pce_measured").to_numpy(zero_copy_only=False)
    weights = _survey_number(survey, "weight").to_numpy(zero_copy_only=False)
    return table, np.log(pce), weights


def _survey_id(survey: _Survey, text: pa.Array) -> pa.Array:
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,18}$"), False)
    survey.fail("household_id", ~shaped.to_numpy(zero_copy_only=False),
                "bukan nomor", "not an id number")
    return pc.cast(text, pa.int64())


# --- the model file (TOML) ----------------------------------------------------------------

_HEADER = ("# bansos PMT model: log per-capita expenditure = intercept + sum(coefficient x "
           "feature),\n# per stratum (province-U/R, province, ID-U/ID-R, ID).\n")
_KINDS: dict[str, tuple[tuple[type, ...], str, str]] = {
    "text": ((str,), "teks", "text"),
    "number": ((int, float), "angka", "a number"),
    "whole": ((int,), "bilangan bulat", "a whole number"),
    "date": ((date,), "tanggal", "a date"),
    "list": ((list,), "daftar", "a list"),
    "table": ((dict,), "tabel", "a table"),
}
_TOP = {"version": "text", "fitted_on": "date", "survey": "text", "survey_sha256": "text",
        "alpha": "number", "features": "list", "strata": "table"}
_STRATUM = {"n": "whole", "r2": "number", "rmse": "number", "intercept": "number",
            "coefficients": "table"}


def pmt_dump(model: PmtModel) -> str:
    """The model as TOML: a header, the feature list, one table per stratum."""
    document = {
        "version": model.version, "fitted_on": model.fitted_on, "survey": model.survey,
        "survey_sha256": model.survey_sha256, "alpha": model.alpha,
        "features": list(model.features),
        "strata": {key: {"n": s.n, "r2": s.r2, "rmse": s.rmse, "intercept": s.intercept,
                         "coefficients": dict(zip(model.features, s.coefficients, strict=True))}
                   for key, s in model.strata.items()},
    }
    return _HEADER + tomli_w.dumps(document)


def _file_error(key: str, message_id: str, message_en: str) -> PmtFileError:
    return PmtFileError(f"berkas PMT, kunci '{key}': {message_id} / "
                        f"PMT file, key '{key}': {message_en}")


def _value(table: dict[str, Any], key: str, kind: str, path: str) -> Any:
    if key not in table:
        raise _file_error(path, "tidak ada", "missing")
    value = table[key]
    types, name_id, name_en = _KINDS[kind]
    if (not isinstance(value, types) or isinstance(value, bool)
            or (kind == "date" and isinstance(value, datetime))
            or (kind == "number" and not math.isfinite(value))):
        raise _file_error(path, f"harus {name_id}", f"must be {name_en}")
    return float(value) if kind == "number" else value


def _checked(table: dict[str, Any], spec: dict[str, str], prefix: str) -> dict[str, Any]:
    unknown = sorted(set(table) - set(spec))
    if unknown:
        raise _file_error(f"{prefix}{unknown[0]}", "tidak dikenal", "unknown")
    return {key: _value(table, key, kind, f"{prefix}{key}") for key, kind in spec.items()}


def _features_load(features: list[Any]) -> list[str]:
    for feature in features:
        if not isinstance(feature, str):
            raise _file_error("features", "harus daftar teks", "must be a list of text")
        try:
            feature_parse(feature)
        except ValueError:
            raise _file_error("features", f"fitur {feature!r} tidak dikenal",
                              f"unknown feature {feature!r}") from None
    if len(set(features)) != len(features):
        raise _file_error("features", "fitur berulang", "repeated feature")
    return list(features)


def _stratum_load(key: str, table: Any, features: list[str]) -> Stratum:
    prefix = f"strata.{key}."
    if not isinstance(table, dict):
        raise _file_error(prefix[:-1], "harus tabel", "must be a table")
    values = _checked(table, _STRATUM, prefix)
    given = values["coefficients"]
    absent, extra = [f for f in features if f not in given], sorted(set(given) - set(features))
    if absent or extra:
        names = ", ".join(absent or extra)
        raise _file_error(f"{prefix}coefficients",
                          f"{len(given)} koefisien untuk {len(features)} fitur "
                          f"({'tidak ada' if absent else 'tidak dikenal'}: {names})",
                          f"{len(given)} coefficients for {len(features)} features "
                          f"({'missing' if absent else 'unknown'}: {names})")
    coefficients = [_value(given, f, "number", f"{prefix}coefficients.{f}") for f in features]
    if values["n"] < 0:
        raise _file_error(f"{prefix}n", "negatif", "negative")
    return Stratum(intercept=values["intercept"], coefficients=coefficients, n=values["n"],
                   r2=values["r2"], rmse=values["rmse"])


def pmt_load(text: str) -> PmtModel:
    """A model from its TOML text, checked key by key (PmtFileError names the key)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PmtFileError(f"berkas PMT bukan TOML yang sah ({exc}) / "
                           f"PMT file is not valid TOML ({exc})") from exc
    values = _checked(document, _TOP, "")
    if values["alpha"] <= 0:
        raise _file_error("alpha", "harus lebih dari 0", "must be greater than 0")
    features = _features_load(values["features"])
    if "ID" not in values["strata"]:
        raise _file_error("strata.ID", "tidak ada (model nasional wajib)",
                          "missing (the national model is required)")
    strata = {key: _stratum_load(key, table, features)
              for key, table in values["strata"].items()}
    return PmtModel(version=values["version"], fitted_on=values["fitted_on"],
                    survey=values["survey"], survey_sha256=values["survey_sha256"],
                    alpha=values["alpha"], features=features, strata=strata)
