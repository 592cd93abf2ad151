"""The proxy-means test (PMT): a ridge regression of log per-capita expenditure on household
proxies, one model per region stratum (province × urban/rural) with fallbacks, fitted on a
survey and applied to the registry. Pure numpy/Arrow: no ORM, no database.

    model = pmt_fit(table=survey, log_pce=y, weights=w, version="2026.11", fitted_on=day)
    log_pce, stratum = pmt_predict(model=model, table=registry)

The model file (TOML) and the survey reader live in `pmt_file.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bansos.targeting.pmt_file import (
    BOOLEAN,
    CATEGORICAL,
    COUNT_CAPS,
    NUMERIC,
    PMT_INPUT_SCHEMA,
    PmtFileError,
    PmtModel,
    Stratum,
    SurveyError,
    feature_parse,
    pmt_dump,
    pmt_load,
    survey_read,
)

__all__ = [
    "PMT_INPUT_SCHEMA", "PmtFileError", "PmtModel", "Stratum", "SurveyError", "design_matrix",
    "feature_parse", "households_parquet_table", "pmt_dump", "pmt_fit", "pmt_load",
    "pmt_predict", "survey_read",
]
AREA_PER_PERSON = (1.0, 300.0)  # m² per person, clipped: the same typo guard as COUNT_CAPS
MIN_LEVEL_COUNT = 10  # rarer categories join the reference level: too few rows to estimate
NATIONAL = "ID"
CV_FOLDS = 5
CV_SEED = 20261101  # fixed so that the same survey always gives the same alpha


# --- features -----------------------------------------------------------------------------

class _Columns:
    """The table's columns prepared once: numeric features and dictionary-coded categories."""

    def __init__(self, table: pa.Table) -> None:
        missing = [name for name in PMT_INPUT_SCHEMA.names if name not in table.column_names]
        if missing:
            raise ValueError(f"PMT input lacks columns: {', '.join(missing)}")
        self.table = table
        self.rows = table.num_rows
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}

    def number(self, name: str) -> np.ndarray:
        column = pc.cast(self.table.column(name), pa.float64())
        return column.to_numpy(zero_copy_only=False)  # nulls become NaN

    def numeric(self, feature: str) -> np.ndarray:
        if feature in BOOLEAN:
            column = pc.fill_null(pc.cast(self.table.column(feature), pa.bool_()), False)
            return column.to_numpy(zero_copy_only=False).astype(np.float64)
        if feature in COUNT_CAPS:
            return np.clip(np.nan_to_num(self.number(feature), nan=0.0), 0, COUNT_CAPS[feature])
        size = np.maximum(self.number("household_size"), 1.0)
        if feature == "log_household_size":
            return np.log(size)
        if feature == "log_floor_area_per_person":
            return np.log(np.clip(self.number("floor_area_m2") / size, *AREA_PER_PERSON))
        raise ValueError(f"unknown PMT feature {feature!r}")

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Per row an index into the column's labels (trimmed, upper case), -1 where null."""
        if column not in self._codes:
            values = pc.cast(self.table.column(column), pa.string())
            values = pc.utf8_upper(pc.utf8_trim_whitespace(values))
            encoded = pc.dictionary_encode(values.combine_chunks()
                                           if isinstance(values, pa.ChunkedArray) else values)
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            self._codes[column] = (codes.astype(np.int64), encoded.dictionary.to_pylist())
        return self._codes[column]

    def missing_profile(self) -> np.ndarray:
        return self.table.column("floor_area_m2").is_null().to_numpy(zero_copy_only=False)


def _default_features(columns: _Columns) -> list[str]:
    """Numeric features, then per category its levels seen at least MIN_LEVEL_COUNT times
    except the most frequent one: the reference that unseen or missing values fall to."""
    features = list(NUMERIC)
    for column in CATEGORICAL:
        codes, labels = columns.codes(column)
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        if not counts.sum():
            continue
        reference = min(range(len(labels)), key=lambda i: (-counts[i], labels[i]))
        features += [f"{column}={labels[i]}" for i in sorted(range(len(labels)),
                                                             key=lambda i: labels[i])
                     if i != reference and counts[i] >= MIN_LEVEL_COUNT]
    return features


def design_matrix(table: pa.Table, *, features: list[str] | None = None
                  ) -> tuple[np.ndarray, list[str]]:
    """The float64 design matrix (rows × features) and its feature names. Without `features`
    they are chosen from the table; with them, exactly those columns are built and a category
    not among them gives all-zero dummies. Rows without a profile are all NaN; a missing
    household size makes the two log features NaN."""
    columns = _Columns(table)
    names = _default_features(columns) if features is None else list(features)
    matrix = np.zeros((columns.rows, len(names)), dtype=np.float64)
    for j, feature in enumerate(names):
        column, level = feature_parse(feature)
        if level is None:
            matrix[:, j] = columns.numeric(column)
            continue
        codes, labels = columns.codes(column)
        if level in labels:
            matrix[:, j] = codes == labels.index(level)
    matrix[columns.missing_profile()] = np.nan
    return matrix, names


# --- fitting ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Normal:
    """The normal equations of one weighted sample on standardised features (so the ridge
    penalty treats all features alike); weights are scaled to mean 1, so alpha counts like
    households."""

    gram: np.ndarray
    rhs: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    y_mean: float


def _normal(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> _Normal:
    w = w / w.mean()
    total = w.sum()
    mean = w @ x / total
    centred = x - mean
    scale = np.sqrt(w @ centred**2 / total)
    scale[scale < 1e-12] = 1.0  # a constant column: its coefficient stays 0 under the penalty
    z = centred / scale
    y_mean = float(w @ y / total)
    zw = z * w[:, None]
    return _Normal(gram=zw.T @ z, rhs=zw.T @ (y - y_mean), mean=mean, scale=scale,
                   y_mean=y_mean)


def _solve(normal: _Normal, alpha: float) -> tuple[float, np.ndarray]:
    """(intercept, coefficients) on the original scale of the features."""
    penalised = normal.gram + alpha * np.eye(len(normal.rhs))
    beta = np.linalg.solve(penalised, normal.rhs) / normal.scale
    return normal.y_mean - float(normal.mean @ beta), beta


def _alpha_choose(x: np.ndarray, y: np.ndarray, w: np.ndarray, alphas: tuple[float, ...]
                  ) -> float:
    """The alpha with the lowest weighted K-fold cross-validated squared error."""
    if len(alphas) == 1 or len(y) < CV_FOLDS * 2:  # too few to cross-validate: the safest
        return float(max(alphas))
    fold = np.random.default_rng(CV_SEED).permutation(len(y)) % CV_FOLDS
    errors = np.zeros(len(alphas))
    for k in range(CV_FOLDS):
        train, test = fold != k, fold == k
        normal = _normal(x[train], y[train], w[train])  # once per fold, solved per alpha
        for i, alpha in enumerate(alphas):
            intercept, coefficients = _solve(normal, alpha)
            residual = y[test] - intercept - x[test] @ coefficients
            errors[i] += w[test] @ residual**2
    return float(alphas[int(np.argmin(errors))])


def _stratum(x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float) -> Stratum:
    intercept, coefficients = _solve(_normal(x, y, w), alpha)
    residual = y - intercept - x @ coefficients
    total = w.sum()
    sse = w @ residual**2
    sst = w @ (y - w @ y / total) ** 2
    return Stratum(
        intercept=intercept, coefficients=[float(c) for c in coefficients],
        n=len(y), r2=float(1.0 - sse / sst) if sst > 0 else 0.0,
        rmse=float(np.sqrt(sse / total)),
    )


def _stratum_keys(table: pa.Table) -> tuple[pa.ChunkedArray, ...]:
    """Per row the stratum ("35-U"), province ("35") and national urban/rural ("ID-U") keys,
    null where the province or the urban flag is unknown."""
    province = pc.utf8_trim_whitespace(pc.cast(table.column("province_code"), pa.string()))
    province = pc.if_else(pc.equal(province, ""), pa.scalar(None, pa.string()), province)
    side = pc.if_else(pc.cast(table.column("urban"), pa.bool_()), "U", "R")
    stratum = pc.binary_join_element_wise(province, side, "-")
    national = pc.binary_join_element_wise(pa.scalar(NATIONAL), side, "-")
    return tuple(pa.chunked_array([a]) if isinstance(a, pa.Array) else a
                 for a in (stratum, province, national))


def pmt_fit(*, table: pa.Table, log_pce: np.ndarray, weights: np.ndarray, version: str,
            fitted_on: date, survey: str = "", survey_sha256: str = "", min_stratum: int = 150,
            alphas: tuple[float, ...] = (0.1, 1.0, 10.0, 100.0)) -> PmtModel:
    """Fit the PMT on survey households. Alpha is chosen by cross-validation on the national
    model and used everywhere. A stratum, province or national urban/rural model is fitted
    only with at least `min_stratum` usable households; the national model "ID" always."""
    if not alphas or min(alphas) <= 0:
        raise ValueError("alphas must be positive")
    x, features = design_matrix(table)
    y = np.asarray(log_pce, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    usable = np.isfinite(x).all(axis=1) & np.isfinite(y) & np.isfinite(w) & (w > 0)
    if usable.sum() < 2:
        raise ValueError("the survey has fewer than 2 usable households")
    alpha = _alpha_choose(x[usable], y[usable], w[usable], alphas)
    strata = {NATIONAL: _stratum(x[usable], y[usable], w[usable], alpha)}
    for level in _stratum_keys(table):
        keys = level.to_numpy(zero_copy_only=False)
        for key in sorted({k for k in keys[usable] if k is not None}):
            rows = usable & (keys == key)
            if rows.sum() >= min_stratum:
                strata[key] = _stratum(x[rows], y[rows], w[rows], alpha)
    return PmtModel(version=version, fitted_on=fitted_on, survey=survey,
                    survey_sha256=survey_sha256, alpha=alpha, features=features, strata=strata)


# --- prediction ---------------------------------------------------------------------------

def _route(model: PmtModel, table: pa.Table) -> np.ndarray:
    """Per row the index (into model.strata) of the model that scores it: its stratum's, else
    its province's, else the national urban/rural one, else the national one."""
    index = {key: i for i, key in enumerate(model.strata)}
    chosen = np.full(table.num_rows, index[NATIONAL], dtype=np.int64)
    for level in reversed(_stratum_keys(table)):  # most specific last, so it wins
        encoded = pc.dictionary_encode(level.combine_chunks())
        lookup = np.array([index.get(k, -1) for k in encoded.dictionary.to_pylist()] + [-1])
        found = lookup[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
        chosen = np.where(found >= 0, found, chosen)
    return chosen


def pmt_predict(*, model: PmtModel, table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Predicted log per-capita expenditure per row (NaN without a profile) and the stratum
    key used (None without a profile). Coefficients are gathered per row from a strata ×
    features matrix, so no rows × features matrix is built."""
    columns = _Columns(table)
    row_stratum = _route(model, table)
    keys = list(model.strata)
    p = len(model.features)
    coef = np.zeros((len(keys), p + 1))  # the extra zero column serves unseen categories
    coef[:, :p] = [model.strata[k].coefficients for k in keys]
    prediction = np.array([model.strata[k].intercept for k in keys])[row_stratum]
    dummies: dict[str, dict[str, int]] = {}
    for j, feature in enumerate(model.features):
        column, level = feature_parse(feature)
        if level is None:
            prediction += coef[row_stratum, j] * columns.numeric(column)
        else:
            dummies.setdefault(column, {})[level] = j
    for column, levels in dummies.items():
        codes, labels = columns.codes(column)
        lookup = np.array([levels.get(label, p) for label in labels] + [p], dtype=np.int64)
        prediction += coef[row_stratum, lookup[codes]]  # code -1 reads the last entry: p
    missing = columns.missing_profile() | np.isnan(prediction)
    prediction[missing] = np.nan
    chosen = np.array(keys, dtype=object)[row_stratum]
    chosen[missing] = None
    return prediction, chosen


# --- the generator's households file ------------------------------------------------------

def households_parquet_table(path: Path) -> pa.Table:
    """The demo generator's households.parquet as a PMT_INPUT_SCHEMA table."""
    names = [n for n in PMT_INPUT_SCHEMA.names if n not in ("province_code", "has_gold")]
    source = pq.read_table(path, columns=[*names, "village_code", "has_gold_10g"])
    columns = {name: source.column(name) for name in names}
    columns["province_code"] = pc.utf8_slice_codeunits(source.column("village_code"), 0, 2)
    columns["has_gold"] = source.column("has_gold_10g")
    return pa.table({field.name: pc.cast(columns[field.name], field.type)
                     for field in PMT_INPUT_SCHEMA}, schema=PMT_INPUT_SCHEMA)
