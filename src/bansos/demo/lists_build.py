"""The five program lists, each with the headers, formats and quirks of its ministry.

| list  | file      | sep | dates       | sex codes            | names      |
|-------|-----------|-----|-------------|----------------------|------------|
| PKH   | pkh.csv   | ;   | 31-12-1980  | LAKI-LAKI/PEREMPUAN  | upper      |
| BPNT  | bpnt.csv  | ,   | 1980-12-31  | L/P                  | upper      |
| PBIJK | pbijk.csv | ,   | 31/12/1980  | 1/2                  | upper      |
| PIP   | pip.xlsx  | —   | date cells  | L/P                  | Title Case |
| BLT   | blt.csv   | ;   | 31/12/1980  | LAKI-LAKI/PEREMPUAN  | upper      |
PKH and PBIJK are database exports (every text field quoted); BPNT and BLT were saved from a
spreadsheet (quotes only where needed), BLT as Excel's "CSV UTF-8": byte-order mark, CRLF.
"""

from __future__ import annotations

import numpy as np

from bansos.demo import attributes as attr
from bansos.demo import field_dirt as fd
from bansos.demo import formats as fmt
from bansos.demo import geography as geo
from bansos.demo import names as nm
from bansos.demo import population as pop
from bansos.demo.dirt import Dirt
from bansos.demo.lists_context import ListContext, ProgramList, numbered, ordered, start_dirt
from bansos.demo.lists_select import Selection

RATES = fd.Rates()


class Rows:
    """Clean per-row values of a list, looked up from the truth once."""

    def __init__(self, ctx: ListContext, sel: Selection) -> None:
        pp, hh, v = ctx.truth.persons, ctx.truth.households, ctx.truth.villages
        self.person = p = sel.person
        self.household = h = pp["household"][p]
        self.village = hh["village"][h]
        self.nik = ctx.nik[p].copy()
        self.kk = ctx.kk[h].copy()
        self.stale_kk = ctx.stale_kk[p]
        self.name = pp["name"][p].copy()
        self.birth = pp["birth"][p]
        self.birth_year = pp["birth_year"][p]
        self.female = pp["female"][p]
        self.adult = pp["age"][p] >= 25
        self.hajj = np.isin(pp["culture"][p], list(nm.MUSLIM_CULTURES)) & (pp["age"][p] >= 35)
        self.graduate = pp["education"][p] >= attr.DIPLOMA
        self.address = hh["address"][h].copy()
        self.rt = fmt.padded(hh["rt"][h])
        self.rw = fmt.padded(hh["rw"][h])
        self.village_code = ctx.village_compact[self.village].copy()
        self.village_name = v.name[self.village].copy()
        self.district_name = v.district_name[self.village]
        self.regency_name = v.regency_name[self.village]

    def person_dirt(self, dirt: Dirt, rng: np.random.Generator, *, date_format: str,
                    sex_form: str) -> tuple[np.ndarray, np.ndarray]:
        """Dirt on the fields every list has; returns the (date, sex) cell columns."""
        fd.names(self.name, dirt, rng, RATES, birth_year=self.birth_year, adult=self.adult,
                 female=self.female, hajj=self.hajj, graduate=self.graduate)
        fd.niks(self.nik, dirt, rng, RATES)
        fd.kks(self.kk, dirt, rng, RATES, stale=self.stale_kk != None,  # noqa: E711
               stale_values=self.stale_kk)
        dates = fmt.format_dates(self.birth, date_format)
        fd.dates(dates, dirt, rng, RATES, days=self.birth)
        sex = fmt.sex_codes(self.female, sex_form)
        fd.sexes(sex, dirt, rng, RATES, female=self.female, form=sex_form)
        fd.addresses(self.address, dirt, rng, RATES)
        return dates, sex


def _finish(code: str, filename: str, headers: list[str], columns: list[np.ndarray],
            rows: Rows, dirt: Dirt, **options: object) -> ProgramList:
    n = len(rows.person)
    return ProgramList(code=code, filename=filename, headers=headers,
                       columns=[numbered(n), *columns], person=rows.person,
                       household=rows.household, dirt=dirt.labels(), row_label=numbered(n),
                       **options)  # type: ignore[arg-type]


def build_pkh(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> ProgramList:
    sel = ordered(ctx, sel, rng)
    rows, dirt = Rows(ctx, sel), start_dirt(sel)
    carer_name = ctx.truth.persons["name"][sel.extra["carer"]]
    dates, sex = rows.person_dirt(dirt, rng, date_format="dmy-", sex_form="word")
    fd.rt_rw([rows.rt, rows.rw], dirt, rng, RATES)
    fd.villages(rows.village_code, dirt, rng, RATES, by_name=False)
    headers = ["NO", "NIK", "NO_KK", "NAMA_ANGGOTA", "NAMA_PENGURUS", "TGL_LAHIR",
               "JENIS_KELAMIN", "ALAMAT", "RT", "RW", "KODE_DESA", "KOMPONEN", "NO_REKENING",
               "BANK"]
    columns = [rows.nik, rows.kk, rows.name, carer_name, dates, sex, rows.address, rows.rt,
               rows.rw, rows.village_code, sel.extra["component"],
               ctx.account[rows.household], ctx.bank[rows.household]]
    return _finish("PKH", "pkh.csv", headers, columns, rows, dirt, delimiter=";",
                   quote_all=True)


def build_bpnt(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> ProgramList:
    sel = ordered(ctx, sel, rng)
    rows, dirt = Rows(ctx, sel), start_dirt(sel)
    dates, sex = rows.person_dirt(dirt, rng, date_format="iso", sex_form="LP")
    fd.rt_rw([rows.rt, rows.rw], dirt, rng, RATES)
    rt_rw = (rows.rt.astype(str) + "/" + rows.rw.astype(str)).astype(object)
    village = np.char.upper(rows.village_name.astype(str)).astype(object)
    fd.villages(village, dirt, rng, RATES, by_name=True)
    headers = ["No", "NIK", "No KK", "NAMA KPM", "Tanggal Lahir", "Jenis Kelamin", "Alamat",
               "RT/RW", "Kelurahan", "Kecamatan", "Kabupaten/Kota", "Status"]
    columns = [rows.nik, rows.kk, rows.name, dates, sex, rows.address, rt_rw, village,
               np.char.upper(rows.district_name.astype(str)).astype(object), rows.regency_name,
               np.full(len(rows.person), "AKTIF", dtype=object)]
    return _finish("BPNT", "bpnt.csv", headers, columns, rows, dirt)


def build_pbijk(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> ProgramList:
    sel = ordered(ctx, sel, rng)
    rows, dirt = Rows(ctx, sel), start_dirt(sel)
    dates, sex = rows.person_dirt(dirt, rng, date_format="dmy/", sex_form="12")
    fd.villages(rows.village_code, dirt, rng, RATES, by_name=False)
    # BPJS card numbers: 13 digits with leading zeros, a fixed bijection of the person index.
    noka = np.char.zfill(((rows.person * 7919 + 1_234_567) % 10**10).astype(str), 13)
    role = ctx.truth.persons["role"][rows.person]
    pisa = np.select([role == pop.HEAD, role == pop.SPOUSE, role == pop.CHILD], ["1", "2", "3"],
                     "4").astype(object)
    headers = ["NO", "NOKA", "NIK", "NO_KK", "NAMA_PESERTA", "TGL_LAHIR", "JK", "PISA",
               "ALAMAT", "KODE_DESA", "NAMA_KAB", "STATUS_PESERTA"]
    columns = [noka.astype(object), rows.nik, rows.kk, rows.name, dates, sex, pisa, rows.address,
               rows.village_code, rows.regency_name,
               np.full(len(rows.person), "AKTIF", dtype=object)]
    return _finish("PBIJK", "pbijk.csv", headers, columns, rows, dirt, quote_all=True)


def build_blt(ctx: ListContext, sel: Selection, rng: np.random.Generator) -> ProgramList:
    sel = ordered(ctx, sel, rng)
    rows, dirt = Rows(ctx, sel), start_dirt(sel)
    dates, sex = rows.person_dirt(dirt, rng, date_format="dmy/", sex_form="word")
    fd.rt_rw([rows.rt, rows.rw], dirt, rng, RATES)
    village = np.char.upper(rows.village_name.astype(str)).astype(object)
    fd.villages(village, dirt, rng, RATES, by_name=True)
    headers = ["NO", "NAMA", "NIK", "NO KK", "JENIS KELAMIN", "TGL LAHIR", "ALAMAT", "RT",
               "RW", "DESA", "KECAMATAN", "KETERANGAN"]
    columns = [rows.name, rows.nik, rows.kk, sex, dates, rows.address, rows.rt, rows.rw, village,
               np.char.upper(rows.district_name.astype(str)).astype(object),
               np.full(len(rows.person), "LAYAK", dtype=object)]
    return _finish("BLT", "blt.csv", headers, columns, rows, dirt, delimiter=";", bom=True,
                   eol="\r\n")


def town(regency_names: np.ndarray) -> np.ndarray:
    return np.array([geo.town_name(r) for r in regency_names], dtype=object)
