"""PIP (Program Indonesia Pintar): a Dapodik-style workbook with one sheet for SD pupils and one
for SMP/SMA pupils. Cells are typed as Excel types them: dates as date cells, amounts as
numbers, NISN and NIK as text except where a spreadsheet turned them into numbers (an NISN then
loses its leading zero, a NIK its 16th digit)."""

from __future__ import annotations

import numpy as np

from bansos.demo import attributes as attr
from bansos.demo import field_dirt as fd
from bansos.demo import formats as fmt
from bansos.demo import population as pop
from bansos.demo.dirt import Dirt
from bansos.demo.lists_build import RATES, Rows, town
from bansos.demo.lists_context import ListContext, ProgramList, ordered, start_dirt
from bansos.demo.lists_select import Selection

SHEETS = ("SD", "SMP_SMA")
AMOUNT = np.array([0, 450_000, 750_000, 1_800_000])
HEADERS = ["No", "NISN", "Nama Siswa", "NIK", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin",
           "Nama Ibu Kandung", "Tingkat Kelas", "Nama Sekolah", "NPSN", "Desa/Kelurahan",
           "Kecamatan", "Kabupaten/Kota", "Nominal"]
NISN_ZERO_RATE = 0.02


def _mothers(ctx: ListContext, person: np.ndarray) -> np.ndarray:
    """The mother's name for a child of the head (the female head or wife), else None."""
    pp = ctx.truth.persons
    h, role0, female = pp["household"], pp["role0"], pp["female"]
    mother = np.full(len(ctx.truth.households["kind"]), -1, dtype=np.int64)
    for role in (pop.HEAD, pop.SPOUSE):
        at = np.flatnonzero((role0 == role) & female)
        mother[h[at]] = at
    m = mother[h[person]]
    is_child = role0[person] == pop.CHILD
    names = np.where((m >= 0) & is_child, pp["name"][np.maximum(m, 0)], None)
    return np.array([n.title() if n else None for n in names], dtype=object)


def _schools(rows: Rows, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A school name per pupil from level and place, and its 8-digit NPSN."""
    k = (1 + (rows.village * 7 + level) % 4).astype(str).astype(object)
    village = np.char.upper(rows.village_name.astype(str)).astype(object)
    district = np.char.upper(rows.district_name.astype(str)).astype(object)
    madrasah = (rows.village + level) % 5 == 0
    sd = np.where(madrasah, "MI NEGERI " + k + " " + district, "SD NEGERI " + k + " " + village)
    smp = np.where(madrasah, "MTS NEGERI " + k + " " + district, "SMP NEGERI " + k + " " + district)
    sma = np.where(madrasah, "SMK NEGERI " + k + " ", "SMA NEGERI " + k + " ") + town(
        rows.regency_name)
    name = np.select([level == attr.SD, level == attr.SMP], [sd, smp], sma).astype(object)
    npsn = 10_000_000 + (rows.village * 1009 + level * 37 + k.astype(int)) % 89_999_999
    return name, npsn.astype(str).astype(object)


def _birth_cells(rows: Rows, dirt: Dirt, rng: np.random.Generator) -> np.ndarray:
    """Date cells; the dirty ones become text, an Excel serial number, or empty."""
    text = fmt.format_dates(rows.birth, "dmy-")
    fd.dates(text, dirt, rng, RATES, days=rows.birth)
    dirty = np.zeros(len(text), dtype=bool)
    for tag, mask in dirt.tags.items():
        if tag.startswith("birth_date_"):
            dirty |= mask
    cells = np.empty(len(text), dtype=object)
    cells[~dirty] = [fmt.to_date(d) for d in rows.birth[~dirty]]
    cells[dirty] = text[dirty]
    serial = dirt.tags.get("birth_date_serial", np.zeros(len(text), dtype=bool))
    cells[serial] = [int(v) for v in text[serial]]
    return cells


def build_pip(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> ProgramList:
    pp = ctx.truth.persons
    sel = ordered(ctx, sel, rng)
    level = pp["school"][sel.person]
    sheet_index = (level != attr.SD).astype(np.int64)
    order = np.argsort(sheet_index, kind="stable")
    sel = Selection(person=sel.person[order], duplicate=sel.duplicate[order])
    level, sheet_index = level[order], sheet_index[order]
    rows, dirt = Rows(ctx, sel), start_dirt(sel)
    rows.name = np.array([n.title() for n in rows.name], dtype=object)
    fd.names(rows.name, dirt, rng, RATES, birth_year=rows.birth_year, adult=rows.adult,
             female=rows.female, hajj=rows.hajj, graduate=rows.graduate)
    fd.niks(rows.nik, dirt, rng, RATES, as_number=True)
    births = _birth_cells(rows, dirt, rng)
    sex = fmt.sex_codes(rows.female, "LP")
    fd.sexes(sex, dirt, rng, RATES, female=rows.female, form="LP")
    nisn = _nisn(rows, dirt, rng)
    grade = np.floor(pp["age"][rows.person]).astype(np.int64) - 5
    grade = np.clip(grade, np.array([0, 1, 7, 10])[level], np.array([0, 6, 9, 12])[level])
    school, npsn = _schools(rows, level)
    village = rows.village_name.copy()
    fd.villages(village, dirt, rng, RATES, by_name=True)
    per_sheet = np.r_[np.arange(1, (sheet_index == 0).sum() + 1),
                      np.arange(1, (sheet_index == 1).sum() + 1)]
    sheet = np.array(SHEETS, dtype=object)[sheet_index]
    birth_place = np.array([b.title() for b in pp["birth_place"][rows.person]], dtype=object)
    columns = [per_sheet.astype(object), nisn, rows.name, rows.nik, birth_place, births, sex,
               _mothers(ctx, rows.person), grade.astype(object), school, npsn, village,
               rows.district_name, np.array([r.title() for r in rows.regency_name], object),
               AMOUNT[level].astype(object)]
    return ProgramList(code="PIP", filename="pip.xlsx", headers=HEADERS, columns=columns,
                       person=rows.person, household=rows.household, dirt=dirt.labels(),
                       row_label=(sheet + ":" + per_sheet.astype(str)).astype(object),
                       sheet=sheet)


def _nisn(rows: Rows, dirt: Dirt, rng: np.random.Generator) -> np.ndarray:
    """NISN: the last three digits of the birth year, then seven more; a few cells were
    stored as numbers and lost the leading zero."""
    tail = (rows.person * 104_729 + 7) % 10_000_000
    nisn = np.char.add(np.char.zfill((rows.birth_year % 1000).astype(str), 3),
                       np.char.zfill(tail.astype(str), 7)).astype(object)
    rows_hit = np.flatnonzero(rng.random(len(nisn)) < NISN_ZERO_RATE)
    rows_hit = rows_hit[[v.startswith("0") for v in nisn[rows_hit]]]
    nisn[rows_hit] = [int(v) for v in nisn[rows_hit]]
    dirt.mark("nisn_number", rows_hit)
    return nisn
