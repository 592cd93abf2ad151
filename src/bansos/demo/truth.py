"""Assemble the true population: villages -> households -> persons -> attributes -> history ->
names -> socio-economic profile -> NIK/KK. Columns are numpy arrays indexed by household or
person position (household_id = index + 1, person_id = index + 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bansos.demo import attributes as attr
from bansos.demo import geography as geo
from bansos.demo import history as hist
from bansos.demo import identifiers as ids
from bansos.demo import names as nm
from bansos.demo import population as pop
from bansos.demo import socioeconomic as se
from bansos.demo.name_shapes import person_names
from bansos.demo.rng import stream

Columns = dict[str, np.ndarray]


@dataclass
class Truth:
    villages: geo.Villages
    households: Columns
    persons: Columns
    movers: hist.Movers
    as_of: int  # days since 1970-01-01


def _households(seed: int, villages: geo.Villages, persons: int) -> tuple[Columns, Columns]:
    rng = stream(seed, "households")
    kind, head_age, counts = pop.household_counts(rng=rng, persons=persons)
    weight = villages.weight / villages.weight.sum()
    village = np.sort(rng.choice(len(villages), size=len(kind), p=weight))
    culture = geo.household_cultures(rng=rng, villages=villages, village=village)
    rw, rt = geo.neighbourhoods(rng=rng, villages=villages, village=village)
    address = geo.addresses(rng=rng, villages=villages, village=village, rw=rw, rt=rt,
                            culture=culture)
    hh = {"kind": kind, "head_age": head_age, "village": village, "culture": culture, "rw": rw, "rt": rt,
          "address": address, "wealth": stream(seed, "wealth").normal(0, 1, len(kind))}
    household, role, within = pop.expand(counts)
    return hh, {"household": household, "role0": role, "within": within}


def _people(seed: int, villages: geo.Villages, hh: Columns, pp: Columns, as_of: int) -> None:
    rng = stream(seed, "people")
    h = pp["household"]
    female, age = pop.sexes_and_ages(rng=rng, kind=hh["kind"], head_age=hh["head_age"],
                                     household=h, role=pp["role0"], within=pp["within"])
    birth = as_of - (age * hist.YEAR).astype(np.int64) - 1
    age = (as_of - birth) / hist.YEAR  # exact age at the reference date
    village = hh["village"][h]
    wealth = hh["wealth"][h]
    urban = villages.urban[village]
    year = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    education, school, university = attr.schooling(
        rng=rng, age=age, birth_year=year, wealth=wealth, urban=urban)
    occupation = attr.occupations(
        rng=rng, female=female, age=age, education=education, school=school,
        university=university, wealth=wealth, urban=urban, coastal=villages.coastal[village],
        role=pp["role0"])
    pp.update(female=female, age=age, birth=birth, birth_year=year, education=education,
              school=school, occupation=occupation,
              disability=attr.disabilities(rng=rng, age=age))


def _history(seed: int, villages: geo.Villages, hh: Columns, pp: Columns, as_of: int
             ) -> hist.Movers:
    rng = stream(seed, "history")
    h, role = pp["household"], pp["role0"]
    head = np.flatnonzero(role == pop.HEAD)  # exactly one per household, in household order
    formed, issued = hist.formation_dates(
        rng=rng, kind=hh["kind"], head_birth=pp["birth"][head], household=h, role=role,
        birth=pp["birth"], as_of=as_of)
    start = hist.membership_starts(rng=rng, household=h, role=role, birth=pp["birth"],
                                   formed=formed, as_of=as_of)
    death = hist.deaths(rng=rng, household=h, role=role, age=pp["age"], start=start,
                        as_of=as_of)
    movers = hist.earlier_households(
        rng=rng, kind=hh["kind"], formed=formed, head_age=pp["age"][head],
        district_of=villages.district_compact[hh["village"]], household=h, role=role,
        age=pp["age"], birth=pp["birth"], start=start)
    origin = h.copy()
    origin[movers.person] = movers.household
    has_spouse = np.bincount(h[role == pop.SPOUSE], minlength=len(formed)) > 0
    married = (np.isin(role, [pop.HEAD, pop.SPOUSE]) & has_spouse[h]) | (role == pop.CHILD_IN_LAW)
    pregnant = attr.pregnancies(rng=rng, female=pp["female"], age=pp["age"], role=role,
                                married=married) & (death < 0)
    pp.update(start=start, death=death, role=hist.succession(household=h, role=role, death=death),
              origin=origin, pregnant=pregnant)
    hh.update(formed=formed, issued=issued)
    return movers


def _names(seed: int, villages: geo.Villages, hh: Columns, pp: Columns) -> None:
    rng = stream(seed, "names")
    h, role0, female = pp["household"], pp["role0"], pp["female"]
    culture = hh["culture"][h].copy()
    spouse = np.flatnonzero((role0 == pop.SPOUSE) & (rng.random(len(h)) < 0.12))
    culture[spouse] = geo.household_cultures(rng=rng, villages=villages,
                                             village=hh["village"][h[spouse]])
    order = np.where(role0 == pop.CHILD, pp["within"], np.minimum(rng.geometric(0.45, len(h)) - 1, 5))
    inherits = ((role0 == pop.HEAD) & ~female) | np.isin(role0, [pop.CHILD, pop.GRANDCHILD])
    inherits |= (role0 == pop.PARENT) & ~female
    names = person_names(rng=rng, culture=culture, female=female, birth_year=pp["birth_year"],
                         birth_order=order, household=h, inherits_family=inherits)
    # Javanese-style repeats: now and then a son carries exactly his father's name.
    head_of = np.searchsorted(h, h, side="left")  # the head is each household's first row
    junior = (role0 == pop.CHILD) & ~female & ~female[head_of] & (rng.random(len(h)) < 0.02)
    junior &= np.isin(culture, [nm.JAVANESE, nm.SUNDANESE, nm.MADURESE])
    names[junior] = names[head_of[junior]]
    origin_village = hh["village"][pp["origin"]]
    pp["name"] = names
    pp["culture"] = culture
    pp["birth_place"] = geo.birth_places(rng=stream(seed, "places"), villages=villages,
                                         village=origin_village)


def _welfare(seed: int, villages: geo.Villages, hh: Columns, pp: Columns) -> None:
    rng = stream(seed, "welfare")
    h, alive = pp["household"], pp["death"] < 0
    living = np.bincount(h[alive], minlength=len(hh["kind"]))
    head = np.flatnonzero((pp["role"] == pop.HEAD) & alive)
    v = hh["village"]
    regency_codes, regency_index = np.unique(villages.regency_code, return_inverse=True)
    effect = se.region_effects(rng=rng, province=villages.province_code,
                               regency_index=regency_index, n_regencies=len(regency_codes))
    occupation = pp["occupation"][head]
    log_pce = se.latent_log_pce(
        rng=rng, wealth=hh["wealth"], region_effect=effect[v],
        head_education=pp["education"][head], head_occupation=occupation, size=living,
        urban=villages.urban[v])
    java_bali = np.isin(villages.province_code[v], ["31", "32", "33", "34", "35", "36", "51"])
    formal = np.isin(occupation, [attr.CIVIL_SERVANT, attr.ARMY, attr.POLICE])
    hh.update(se.pmt_variables(rng=rng, log_pce=log_pce, size=living,
                               urban=villages.urban[v], java_bali=java_bali, formal_head=formal))
    hh.update(head=head, size=living, log_pce=log_pce,
              pce=np.rint(np.exp(log_pce) / 100).astype(np.int64) * 100,
              decile=se.deciles(log_pce=log_pce, persons=living))


def build_truth(*, seed: int, regions: Sequence[str], persons: int, as_of: int) -> Truth:
    """The whole true population for the given regions."""
    villages = geo.select_villages(regions=regions, rng=stream(seed, "villages"))
    hh, pp = _households(seed, villages, persons)
    _people(seed, villages, hh, pp, as_of)
    movers = _history(seed, villages, hh, pp, as_of)
    _names(seed, villages, hh, pp)
    _welfare(seed, villages, hh, pp)
    district = villages.district_compact
    pp["nik"] = ids.niks(district=district[hh["village"][pp["origin"]]], birth=pp["birth"],
                         female=pp["female"])
    hh["kk"] = ids.kks(district=district[hh["village"]], issued=hh["issued"])
    return Truth(villages=villages, households=hh, persons=pp, movers=movers, as_of=as_of)
