"""What scoring and the rules engine read from the registry, set-at-a-time as Arrow tables:
each active household's PMT variables (its latest socio-economic profile, its head, its living
members), every member's attributes, and the open exclusion flags."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from bansos.core.bulk_read import query_table
from bansos.registry.models import Household

# Booleans are read as integers: SQLite returns 0/1 for expressions and PostgreSQL's CSV `t`/`f`
# is not an Arrow boolean; both become booleans after reading.
_PROFILE_BOOLS = ("has_car", "has_fridge", "has_ac", "has_gold", "has_land", "has_livestock", "has_tv")
PMT_READ_SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("province_code", pa.string()), ("regency_code", pa.string()),
    ("district_code", pa.string()), ("village_code", pa.string()), ("urban", pa.int8()),
    ("household_size", pa.int32()), ("head_education", pa.string()),
    ("head_occupation", pa.string()), ("floor_area_m2", pa.float64()),
    ("floor_material", pa.string()), ("wall_material", pa.string()),
    ("roof_material", pa.string()), ("water_source", pa.string()), ("sanitation", pa.string()),
    ("lighting", pa.string()), ("electricity_va", pa.int32()), ("cooking_fuel", pa.string()),
    ("house_ownership", pa.string()), ("motorcycles", pa.int16()),
    *[(name, pa.int8()) for name in _PROFILE_BOOLS], ("smartphones", pa.int16()),
])
MEMBERS_READ_SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("person_id", pa.int64()), ("birth_date", pa.date32()),
    ("sex", pa.string()), ("relationship", pa.string()), ("school_level", pa.string()),
    ("disability", pa.string()), ("pregnant", pa.int8()), ("occupation", pa.string()),
    ("education", pa.string()), ("alive", pa.int8()),
])
FLAGS_SCHEMA = pa.schema([("household_id", pa.int64()), ("flag", pa.string())])

# A village code's fifth part starting with 1 is a kelurahan (urban); regency codes from 71 up
# are cities (kota): the BPS urban/rural split the PMT strata follow.
_URBAN_SQL = "CASE WHEN substr(h.village_id, 10, 1) = '1' OR substr(h.regency_code, 4, 2) >= '71' THEN 1 ELSE 0 END"


def households_read() -> pa.Table:
    """Active households with their latest profile, head and living-member count, by id."""
    bools = ", ".join(f"CAST(p.{name} AS INTEGER)" for name in _PROFILE_BOOLS)
    sql = f"""
        SELECT h.id, h.province_code, h.regency_code, h.district_code, h.village_id,
               {_URBAN_SQL}, COALESCE(m.alive, 0), hp.education, hp.occupation,
               p.floor_area_m2, p.floor_material, p.wall_material, p.roof_material,
               p.water_source, p.sanitation, p.lighting, p.electricity_va, p.cooking_fuel,
               p.house_ownership, p.motorcycles, {bools}, p.smartphones
        FROM registry_household h
        LEFT JOIN registry_person hp ON hp.id = h.head_id
        LEFT JOIN (SELECT household_id, COUNT(*) AS alive FROM registry_person
                   WHERE is_alive AND household_id IS NOT NULL GROUP BY household_id) m
               ON m.household_id = h.id
        LEFT JOIN (SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.household_id
                                                  ORDER BY x.observed_on DESC, x.id DESC) AS rn
                   FROM registry_socioeconomicprofile x) p
               ON p.household_id = h.id AND p.rn = 1
        WHERE h.status = '{Household.Status.ACTIVE}'
        ORDER BY h.id"""
    table = query_table(sql=sql, schema=PMT_READ_SCHEMA)
    return _booleans(table, ("urban", *_PROFILE_BOOLS))


def members_read() -> pa.Table:
    """Every person of an active household (the dead too: rules decide what death means)."""
    sql = f"""
        SELECT p.household_id, p.id, p.birth_date, p.sex, p.relationship, p.school_level,
               p.disability, CAST(p.pregnant AS INTEGER), p.occupation, p.education,
               CAST(p.is_alive AS INTEGER)
        FROM registry_person p JOIN registry_household h ON h.id = p.household_id
        WHERE h.status = '{Household.Status.ACTIVE}'
        ORDER BY p.household_id, p.id"""
    table = query_table(sql=sql, schema=MEMBERS_READ_SCHEMA)
    table = _booleans(table, ("pregnant", "alive"))
    for name in ("school_level", "occupation", "education", "relationship", "disability", "sex"):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.fill_null(table.column(name), ""))
    return table


def flags_read() -> pa.Table:
    """Open exclusion flags (a household may have several)."""
    sql = ("SELECT household_id, kind FROM targeting_householdflag WHERE lifted_at IS NULL "
           "ORDER BY household_id, kind")
    return query_table(sql=sql, schema=FLAGS_SCHEMA)


def _booleans(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    for name in names:
        i = table.schema.get_field_index(name)
        table = table.set_column(i, pa.field(name, pa.bool_()),
                                 pc.not_equal(table.column(name), 0))
    return table
