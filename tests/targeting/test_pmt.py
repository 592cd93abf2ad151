"""The proxy-means test: exact recovery, strata fallback, scoring rules, the TOML file, the
survey reader, and one realistic fit on a generated population."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import tomli_w

from bansos.demo.generate import generate_population
from bansos.targeting import criteria
from bansos.targeting.deciles import deciles_rank
from bansos.targeting.pmt import (
    PMT_INPUT_SCHEMA,
    PmtFileError,
    PmtModel,
    Stratum,
    SurveyError,
    design_matrix,
    households_parquet_table,
    pmt_dump,
    pmt_fit,
    pmt_load,
    pmt_predict,
    survey_read,
)

DAY = date(2026, 11, 1)
FLOORS = np.array(["SEMEN/BATA MERAH", "TANAH", "KERAMIK/MARMER/GRANIT"], dtype=object)
TRUE = {"log_household_size": -0.4, "log_floor_area_per_person": 0.3, "motorcycles": 0.1,
        "has_car": 0.5, "floor_material=TANAH": -0.3, "floor_material=KERAMIK/MARMER/GRANIT": 0.2}


def synthetic(n: int, *, seed: int, province: str | None = "35", urban: bool | None = False,
              intercept: float = 13.0) -> tuple[pa.Table, np.ndarray]:
    """Households whose log expenditure is exactly linear in a few features."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 9, n)
    area = rng.uniform(10, 150, n)
    motorcycles = rng.integers(0, 5, n)
    car = rng.random(n) < 0.3
    floor = FLOORS[rng.choice(3, n, p=[0.5, 0.25, 0.25])]
    columns = {
        "household_id": np.arange(1, n + 1), "province_code": [province] * n,
        "urban": [urban] * n, "household_size": size, "head_education": ["SD"] * n,
        "head_occupation": ["PEDAGANG"] * n, "floor_area_m2": area, "floor_material": floor,
        "wall_material": ["TEMBOK"] * n, "roof_material": ["GENTENG"] * n,
        "water_source": ["LEDENG"] * n, "sanitation": ["SENDIRI"] * n,
        "lighting": ["PLN METERAN"] * n, "electricity_va": [900] * n,
        "cooking_fuel": ["ELPIJI 3 KG"] * n, "house_ownership": ["MILIK SENDIRI"] * n,
        "motorcycles": motorcycles, "has_car": car, "smartphones": [1] * n,
        **{name: [False] * n for name in ("has_fridge", "has_ac", "has_gold", "has_land",
                                          "has_livestock", "has_tv")},
    }
    table = pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in PMT_INPUT_SCHEMA},
                     schema=PMT_INPUT_SCHEMA)
    log_pce = (intercept + TRUE["log_household_size"] * np.log(size)
               + TRUE["log_floor_area_per_person"] * np.log(area / size)
               + TRUE["motorcycles"] * motorcycles + TRUE["has_car"] * car
               + TRUE["floor_material=TANAH"] * (floor == "TANAH")
               + TRUE["floor_material=KERAMIK/MARMER/GRANIT"] * (floor == FLOORS[2]))
    return table, log_pce


def replaced(table: pa.Table, row: int, **values: object) -> pa.Table:
    """`table` with some cells of one row changed."""
    rows = table.to_pylist()
    rows[row].update(values)
    return pa.Table.from_pylist(rows, schema=table.schema)


def test_exact_linear_data_is_recovered():
    table, log_pce = synthetic(600, seed=1)
    model = pmt_fit(table=table, log_pce=log_pce, weights=np.full(600, 20.0), version="t",
                    fitted_on=DAY, alphas=(1e-8,))
    assert "floor_material=SEMEN/BATA MERAH" not in model.features  # the reference level
    assert set(model.strata) == {"ID", "ID-R", "35", "35-R"}
    for stratum in model.strata.values():
        coef = dict(zip(model.features, stratum.coefficients, strict=True))
        for feature, value in coef.items():
            assert value == pytest.approx(TRUE.get(feature, 0.0), abs=1e-6), feature
        assert stratum.intercept == pytest.approx(13.0, abs=1e-6)
        assert stratum.r2 == pytest.approx(1.0) and stratum.rmse < 1e-6
        assert stratum.n == 600
    predicted, key = pmt_predict(model=model, table=table)
    assert np.allclose(predicted, log_pce, atol=1e-6)
    assert set(key) == {"35-R"}


def test_small_strata_fall_back_to_province_then_national():
    parts = [synthetic(200, seed=2), synthetic(60, seed=3, urban=True, intercept=13.5),
             synthetic(40, seed=4, province="12", intercept=12.5)]
    table = pa.concat_tables([t for t, _ in parts])
    log_pce = np.concatenate([y for _, y in parts])
    model = pmt_fit(table=table, log_pce=log_pce, weights=np.ones(300), version="t",
                    fitted_on=DAY)
    assert set(model.strata) == {"ID", "ID-R", "35", "35-R"}  # ID-U has 60 < 150
    assert model.strata["35"].n == 260 and model.strata["ID-R"].n == 240
    probe = pa.concat_tables([
        synthetic(1, seed=5)[0], synthetic(1, seed=5, urban=True)[0],
        synthetic(1, seed=5, province="12")[0], synthetic(1, seed=5, province="12", urban=True)[0],
        synthetic(1, seed=5, province=None, urban=True)[0],
        synthetic(1, seed=5, province="35", urban=None)[0],
    ])
    predicted, key = pmt_predict(model=model, table=probe)
    assert key.tolist() == ["35-R", "35", "ID-R", "ID", "ID", "35"]
    x, _ = design_matrix(probe, features=model.features)
    for row, stratum in enumerate(key):
        s = model.strata[stratum]
        assert predicted[row] == pytest.approx(s.intercept + x[row] @ s.coefficients)


def test_missing_profile_is_unscored():
    table, log_pce = synthetic(300, seed=6)
    model = pmt_fit(table=table, log_pce=log_pce, weights=np.ones(300), version="t",
                    fitted_on=DAY)
    probe = replaced(replaced(table.slice(0, 3), 0, floor_area_m2=None), 1,
                     household_size=None)
    predicted, key = pmt_predict(model=model, table=probe)
    assert np.isnan(predicted[:2]).all() and np.isfinite(predicted[2])
    assert key.tolist() == [None, None, "35-R"]
    assert np.isnan(design_matrix(probe, features=model.features)[0][0]).all()


def test_unseen_or_missing_category_counts_as_the_reference():
    table, log_pce = synthetic(300, seed=7)
    model = pmt_fit(table=table, log_pce=log_pce, weights=np.ones(300), version="t",
                    fitted_on=DAY)
    base = replaced(table.slice(0, 1), 0, floor_material="SEMEN/BATA MERAH")
    probe = pa.concat_tables([
        base, replaced(base, 0, floor_material="LANTAI EMAS"),
        replaced(base, 0, floor_material=None), replaced(base, 0, electricity_va=5500),
        replaced(base, 0, floor_material=" tanah"), replaced(base, 0, floor_material="TANAH"),
    ])
    predicted, _ = pmt_predict(model=model, table=probe)
    assert predicted[1] == predicted[0] and predicted[2] == predicted[0]
    assert predicted[3] == predicted[0]
    assert predicted[4] == predicted[5] != predicted[0]  # labels are trimmed and upper-cased


def test_design_matrix_builds_exactly_the_given_features():
    table, _ = synthetic(30, seed=8)
    x, names = design_matrix(table, features=["has_car", "floor_material=TANAH",
                                              "roof_material=BETON"])
    assert names == ["has_car", "floor_material=TANAH", "roof_material=BETON"]
    assert x.shape == (30, 3) and x.dtype == np.float64
    assert (x[:, 2] == 0).all()
    assert (x[:, 1] == (table.column("floor_material").to_numpy(zero_copy_only=False)
                        == "TANAH")).all()
    with pytest.raises(ValueError, match="unknown PMT feature"):
        design_matrix(table, features=["income"])
    with pytest.raises(ValueError, match="lacks columns: has_tv"):
        design_matrix(table.drop_columns(["has_tv"]))


def test_fit_is_deterministic_and_chooses_alpha_from_the_grid():
    table, log_pce = synthetic(400, seed=9)
    noisy = log_pce + np.random.default_rng(0).normal(0, 0.5, 400)
    fits = [pmt_fit(table=table, log_pce=noisy, weights=np.ones(400), version="t",
                    fitted_on=DAY) for _ in range(2)]
    assert fits[0] == fits[1]
    assert fits[0].alpha in (0.1, 1.0, 10.0, 100.0)


# --- the TOML file --------------------------------------------------------------------------

def awkward_model() -> PmtModel:
    features = ["log_household_size", "floor_material=TANAH", "electricity_va=450"]
    return PmtModel(
        version="2026.11", fitted_on=DAY, survey="survey.csv", survey_sha256="ab" * 32,
        alpha=10.0, features=features,
        strata={"ID": Stratum(intercept=13.1 + 1e-12, coefficients=[0.1 + 0.2, 1 / 3, -2.5e-300],
                              n=1234, r2=0.4567891234567891, rmse=0.3),
                "35-R": Stratum(intercept=12.0, coefficients=[0.0, -1e-17, 123456.789],
                                n=150, r2=0.0, rmse=1.0)})


def test_toml_round_trip_is_exact():
    model = awkward_model()
    text = pmt_dump(model)
    assert text.startswith("# bansos PMT model")
    assert "fitted_on = 2026-11-01" in text and "[strata.35-R.coefficients]" in text
    assert '"floor_material=TANAH" = 0.3333333333333333' in text
    assert pmt_load(text) == model
    table, log_pce = synthetic(300, seed=10)
    fitted = pmt_fit(table=table, log_pce=log_pce, weights=np.ones(300), version="v",
                     fitted_on=DAY)
    assert pmt_load(pmt_dump(fitted)) == fitted


def broken(change) -> str:
    document = tomllib.loads(pmt_dump(awkward_model()))
    change(document)
    return tomli_w.dumps(document)


@pytest.mark.parametrize(("change", "key_id", "key_en"), [
    (lambda d: d.pop("alpha"), "kunci 'alpha': tidak ada", "key 'alpha': missing"),
    (lambda d: d.update(alpha="ten"), "kunci 'alpha': harus angka",
     "key 'alpha': must be a number"),
    (lambda d: d.update(fitted_on="2026-11-01"), "kunci 'fitted_on': harus tanggal",
     "key 'fitted_on': must be a date"),
    (lambda d: d["strata"]["35-R"]["coefficients"].pop("electricity_va=450"),
     "kunci 'strata.35-R.coefficients': 2 koefisien untuk 3 fitur (tidak ada: electricity_va=450)",
     "key 'strata.35-R.coefficients': 2 coefficients for 3 features (missing: electricity_va=450)"),
    (lambda d: d["strata"]["ID"]["coefficients"].update(has_car=1.0),
     "tidak dikenal: has_car", "unknown: has_car"),
    (lambda d: d["strata"]["ID"]["coefficients"].update({"floor_material=TANAH": "x"}),
     "kunci 'strata.ID.coefficients.floor_material=TANAH': harus angka", "must be a number"),
    (lambda d: d["strata"]["ID"].update(n=1.5), "kunci 'strata.ID.n': harus bilangan bulat",
     "key 'strata.ID.n': must be a whole number"),
    (lambda d: d["strata"].pop("ID"), "kunci 'strata.ID': tidak ada", "key 'strata.ID': missing"),
    (lambda d: d["features"].append("income"), "fitur 'income' tidak dikenal",
     "unknown feature 'income'"),
    (lambda d: d.update(aplha=1.0), "kunci 'aplha': tidak dikenal", "key 'aplha': unknown"),
])
def test_bad_model_files_name_the_key_in_both_languages(change, key_id, key_en):
    with pytest.raises(PmtFileError) as error:
        pmt_load(broken(change))
    assert key_id in str(error.value) and key_en in str(error.value)


def test_not_toml_at_all():
    with pytest.raises(PmtFileError, match="bukan TOML yang sah .* / PMT file is not valid TOML"):
        pmt_load("version = ")


# --- the survey and a realistic fit ---------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """One district, large enough for a survey of about 340 households."""
    out = tmp_path_factory.mktemp("pmt-demo")
    generate_population(regions=["35.10.09"], persons=25_000, seed=7, out_dir=out)
    return out


def test_survey_read(demo):
    table, log_pce, weights = survey_read(demo / "survey.csv")
    assert table.schema == PMT_INPUT_SCHEMA
    with open(demo / "survey.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert table.num_rows == len(rows) > 300
    assert set(table.column("province_code").to_pylist()) == {"35"}
    assert table.column("has_gold").to_pylist() == [r["has_gold_10g"] == "true" for r in rows]
    assert np.allclose(log_pce, np.log([float(r["pce_measured"]) for r in rows]))
    assert np.allclose(weights, [float(r["weight"]) for r in rows])


def corrupted(demo: Path, tmp_path: Path, *, line: int, field: str, value: str) -> Path:
    with open(demo / "survey.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    if value == "<drop column>":
        index = rows[0].index(field)
        rows = [r[:index] + r[index + 1:] for r in rows]
    else:
        rows[line - 1][rows[0].index(field)] = value
    path = tmp_path / "survey.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize(("line", "field", "value", "message"), [
    (12, "pce_measured", "abc", "baris 12, kolom pce_measured: bukan angka positif / "
     "row 12, field pce_measured: not a positive number"),
    (5, "pce_measured", "0", "baris 5, kolom pce_measured: bukan angka positif / "
     "row 5, field pce_measured: not a positive number"),
    (7, "weight", "", "baris 7, kolom weight: bukan angka positif / row 7, field weight"),
    (9, "household_size", "2.5", "baris 9, kolom household_size: bukan bilangan bulat positif"),
    (3, "urban", "maybe", "baris 3, kolom urban: bukan nilai ya/tidak (true/false) / "
     "row 3, field urban: not a yes/no value"),
    (4, "motorcycles", "-1", "row 4, field motorcycles: not a whole number ≥ 0"),
    (4, "motorcycles", "40000", "baris 4, kolom motorcycles: terlalu besar / row 4, field "
     "motorcycles: too large"),
    (6, "regency_code", "XX", "baris 6, kolom regency_code: bukan kode wilayah"),
    (1, "weight", "<drop column>", "kolom weight tidak ada / column weight missing"),
])
def test_bad_survey_rows_are_named(demo, tmp_path, line, field, value, message):
    with pytest.raises(SurveyError) as error:
        survey_read(corrupted(demo, tmp_path, line=line, field=field, value=value))
    assert str(error.value).startswith("survey.csv: ")
    assert message in str(error.value)


def test_empty_profile_cells_are_nulls_not_errors(demo, tmp_path):
    path = corrupted(demo, tmp_path, line=2, field="floor_area_m2", value="")
    table, _, _ = survey_read(path)
    assert table.column("floor_area_m2")[0].as_py() is None


def test_realistic_fit_beats_the_fourteen_criteria(demo):
    survey, log_pce, weights = survey_read(demo / "survey.csv")
    model = pmt_fit(table=survey, log_pce=log_pce, weights=weights, version="demo",
                    fitted_on=DAY, survey="survey.csv")
    households = households_parquet_table(demo / "households.parquet")
    assert households.schema == PMT_INPUT_SCHEMA
    truth = pq.read_table(demo / "households.parquet", columns=["true_pce", "true_decile"])
    predicted, _ = pmt_predict(model=model, table=households)
    persons = np.maximum(households.column("household_size").to_numpy(), 1)
    true_log = np.log(truth.column("true_pce").to_numpy())
    unseen = ~np.isin(households.column("household_id").to_numpy(),
                      survey.column("household_id").to_numpy())
    y, p, w = true_log[unseen], predicted[unseen], persons[unseen]
    r2 = 1 - w @ (y - p) ** 2 / (w @ (y - np.average(y, weights=w)) ** 2)
    assert r2 > 0.3
    poor = truth.column("true_decile").to_numpy() <= 4
    exclusion = {}
    for method, score in (("pmt", predicted), ("criteria", criteria.criteria_score(households))):
        chosen = deciles_rank(score=score, persons=persons) <= 4
        assert persons[chosen].sum() / persons.sum() == pytest.approx(0.4, abs=0.01)
        exclusion[method] = persons[poor & ~chosen].sum() / persons[poor].sum()
    assert exclusion["pmt"] < exclusion["criteria"]
