"""Reads of the public Cek Bansos search: the region choices (province → regency → district →
village) and the persons found by village and name or by NIK, each with what an anonymous
visitor may see: the masked name, the age, the household's desil and, per program, whether the
family receives it in the program's latest frozen cycle.

Nothing here returns a full name, NIK, KK, address, RT/RW or account: the persons' select
reads the name and birth date only (no protected field is even decrypted), and hits carry the
name masked.
A name search reads one village only and returns at most MAX_RESULTS persons.

Queries per search: the region selects (1) and the persons with their household's decile and
program statuses (1); the programs' latest frozen cycles and the latest scoring run (2 more)
once a minute (`search_context`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
from django.core.cache import cache
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language, gettext

from bansos.areas.models import NATIONAL_CODE, Area
from bansos.core import protected
from bansos.core.masking import mask_name
from bansos.intake.parse_names import names_normalise
from bansos.programs.models import Cycle, Entitlement, Program
from bansos.registry.models import Household, Person
from bansos.targeting.models import ScoringRun, WelfareScore

MAX_RESULTS = 20
MIN_LETTERS = 3
MAX_QUERY_LENGTH = 80
# Programs in the order the public knows them; any other program follows by code.
PROGRAM_ORDER = ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT")

# The region levels of the search form with their query-string parameters, top down.
LEVELS = (
    (Area.Level.PROVINCE, "provinsi"),
    (Area.Level.REGENCY, "kabupaten"),
    (Area.Level.DISTRICT, "kecamatan"),
    (Area.Level.VILLAGE, "desa"),
)
PARAMS = tuple(param for _, param in LEVELS)
_PARAM_OF = {level.value: param for level, param in LEVELS}
_LABEL_OF = {level.value: level.label for level, _ in LEVELS}
_AREA_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")


class SearchInputError(ValueError):
    """A query refused before any search, with the message for the visitor."""


# --- regions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionLevel:
    """One select of the region group: its options, the chosen code ("" for none yet), and the
    message when a search needs a choice here."""

    level: str
    param: str
    label: str
    options: tuple[tuple[str, str], ...]  # (code, name), by name
    selected: str = ""
    error: str = ""

    @property
    def last(self) -> bool:
        return self.param == PARAMS[-1]


@dataclass(frozen=True)
class RegionChoice:
    levels: tuple[RegionLevel, ...]  # the province, then one more level per valid choice
    village: str = ""  # the chosen village's code once every level is chosen
    village_name: str = ""

    @property
    def missing(self) -> RegionLevel | None:
        """The first level still to choose, or None when a village is chosen."""
        return next((level for level in self.levels if not level.selected), None)


def region_choice(*, chosen: Mapping[str, str]) -> RegionChoice:
    """The selects to show for the codes in `chosen` (parameter -> code, e.g. from the query
    string), in one query. A code that is not a child of the level above (a stale choice after
    the province changed) ends the chain there."""
    parents = [NATIONAL_CODE]
    for param in PARAMS[:-1]:
        code = chosen.get(param, "")
        under = parents[-1] == NATIONAL_CODE or code.startswith(parents[-1] + ".")
        if not (_AREA_CODE.match(code) and under and code.count(".") == len(parents) - 1):
            break
        parents.append(code)
    rows = Area.objects.filter(parent_id__in=parents, level__in=_PARAM_OF.keys()).values_list(
        "parent_id", "code", "name").order_by("name", "code")
    options: dict[str, list[tuple[str, str]]] = {parent: [] for parent in parents}
    for parent, code, name in rows:
        options[parent].append((code, name))
    levels: list[RegionLevel] = []
    village = village_name = ""
    for (level, param), parent in zip(LEVELS, parents, strict=False):
        names = dict(options[parent])
        selected = chosen.get(param, "")
        selected = selected if selected in names else ""
        levels.append(RegionLevel(level=level.value, param=param, label=str(level.label),
                                  options=tuple(options[parent]), selected=selected))
        if not selected:
            break
        if param == PARAMS[-1]:
            village, village_name = selected, names[selected]
    return RegionChoice(levels=tuple(levels), village=village, village_name=village_name)


def area_children(*, code: str) -> RegionLevel | None:
    """The select of the areas directly under `code` (for the htmx cascade), or None when it
    has none the search offers (a village's RWs are not offered)."""
    if code != NATIONAL_CODE and not _AREA_CODE.match(code):
        return None
    rows = list(Area.objects.filter(parent_id=code, level__in=_PARAM_OF.keys()).values_list(
        "level", "code", "name").order_by("name", "code"))
    if not rows:
        return None
    level = rows[0][0]
    return RegionLevel(level=level, param=_PARAM_OF[level], label=str(_LABEL_OF[level]),
                       options=tuple((c, n) for _, c, n in rows))


# --- queries people type -------------------------------------------------------------------


def name_query_clean(text: str) -> str:
    """The name as the registry stores it (intake's `names_normalise`: upper case, titles
    taken off); refused with a message when it has fewer than MIN_LETTERS letters."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    name = names_normalise(values=pa.array([text], pa.string())).values[0].as_py() if text else None
    if not name or sum(ch.isalpha() for ch in name) < MIN_LETTERS:
        raise SearchInputError(gettext("Tulis nama sesuai KTP, paling sedikit %(n)d huruf.") % {"n": MIN_LETTERS})
    return name


def nik_query_clean(text: str) -> str:
    """The 16 digits of a NIK typed with or without spaces, dots or dashes."""
    text = (text or "").strip()
    digits = re.sub(r"[\s.\-]", "", text)
    if not (len(digits) == 16 and digits.isascii() and digits.isdigit()):
        raise SearchInputError(gettext("NIK terdiri dari 16 angka, sesuai KTP atau Kartu Keluarga."))
    return digits


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramColumn:
    """A program with its latest frozen (non-draft) cycle; no cycle yet: period "" and no id."""

    code: str
    name: str
    period: str
    cycle_id: int | None


@dataclass(frozen=True)
class SearchHit:
    masked_name: str
    spoken_name: str  # the masked name as a screen reader should read it
    age: int | None
    decile: int | None  # national decile 1-10; None when not ranked
    receives: tuple[bool, ...]  # per program column, in the order of SearchResult.programs


@dataclass(frozen=True)
class SearchResult:
    programs: tuple[ProgramColumn, ...]
    hits: tuple[SearchHit, ...]
    more: bool  # more than MAX_RESULTS matched: only the first are shown


# Besides the persons, every search needs the programs' latest frozen cycles and the latest
# finished scoring run. Those change a few times a year, so they are kept in the cache for
# CONTEXT_SECONDS: an approved cycle or a finished run shows on the public page within a minute.
CONTEXT_SECONDS = 60
_CONTEXT_KEY = "portal:search:context:v1"


def search_context() -> tuple[tuple[ProgramColumn, ...], int | None]:
    """(programs with their latest frozen cycle, the latest finished scoring run's id)."""
    cached = cache.get(_CONTEXT_KEY)
    if cached is None:
        cached = (_program_rows(), scoring_run_latest_id())
        cache.set(_CONTEXT_KEY, cached, CONTEXT_SECONDS)
    rows, run_id = cached
    english = (get_language() or "").startswith("en")
    columns = [ProgramColumn(code=code, name=(name_en if english and name_en else name), period=period or "",
                             cycle_id=cycle_id) for code, name, name_en, cycle_id, period in rows]
    rank = {code: n for n, code in enumerate(PROGRAM_ORDER)}
    return tuple(sorted(columns, key=lambda c: (rank.get(c.code, len(rank)), c.code))), run_id


def _program_rows() -> list[tuple]:
    """Every program with its latest cycle that is not a draft (one query)."""
    latest = Cycle.objects.filter(program=OuterRef("pk")).exclude(state=Cycle.State.DRAFT).order_by(
        "-starts_on", "-pk")
    return list(Program.objects.annotate(cycle_id=Subquery(latest.values("pk")[:1]),
                                         cycle_period=Subquery(latest.values("period")[:1])).values_list(
        "code", "name", "name_en", "cycle_id", "cycle_period"))


def scoring_run_latest_id() -> int | None:
    """The latest finished scoring run (as programs.queries.household_welfare reads it)."""
    return ScoringRun.objects.filter(status=ScoringRun.Status.DONE).order_by("-started_at", "-pk").values_list(
        "pk", flat=True).first()


# The persons are read with SQL written here, not the ORM's. PostgreSQL cannot estimate how
# many names a `LIKE '%…%'` keeps and, with the village's households a join away, prefers to
# read every person of the registry and hash-join them (20 ms at 100k persons, growing with the
# registry) over reading each household's members through the index (6 ms, growing only with
# the village): the LATERAL subquery with OFFSET 0 (which the planner may not flatten) pins the
# index path. SQLite takes that path by itself and has no LATERAL. The `found` CTE also keeps
# the lookups per household to the few rows shown (a common name matches hundreds in a
# village), and the ORM took longer to compile five EXISTS than the database took to run them.
_TABLES = {"person": Person._meta.db_table, "household": Household._meta.db_table,
           "score": WelfareScore._meta.db_table, "entitlement": Entitlement._meta.db_table}


def _village_persons() -> str:
    """SQL of the CTE `village` (id, full_name of the living persons of one village); its
    parameters are (alive, village)."""
    person, household = _TABLES["person"], _TABLES["household"]
    if connection.vendor == "postgresql":
        return (f"village AS (SELECT p.id, p.full_name FROM {household} h CROSS JOIN LATERAL "  # noqa: S608
                f"(SELECT id, full_name FROM {person} WHERE household_id = h.id AND is_alive = %s OFFSET 0) p "
                f"WHERE h.village_id = %s)")
    return (f"village AS (SELECT p.id, p.full_name FROM {household} h JOIN {person} p "  # noqa: S608
            f"ON p.household_id = h.id WHERE p.is_alive = %s AND h.village_id = %s)")


def persons_by_name(*, village: str, name: str, today: date) -> SearchResult:
    """Living persons of `village` whose name equals or contains `name` (already cleaned by
    `name_query_clean`: upper case; stored names are compared upper-cased too), exact matches
    first, then by name."""
    pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = (f"{_village_persons()}, found AS (SELECT id, "  # noqa: S608
             f"CASE WHEN UPPER(full_name) = %s THEN 0 ELSE 1 END AS hit_rank FROM village "
             f"WHERE UPPER(full_name) LIKE %s ESCAPE '\\' ORDER BY hit_rank, full_name, id LIMIT {MAX_RESULTS + 1})")
    return _result(found=found, params=[True, village, name, pattern], today=today)


def persons_by_nik(*, nik: str, today: date) -> SearchResult:
    """The living person(s) with this NIK, found through the blind index."""
    found = (f"found AS (SELECT id, 0 AS hit_rank FROM {_TABLES['person']} "  # noqa: S608
             f"WHERE nik_index = %s AND is_alive = %s ORDER BY id LIMIT {MAX_RESULTS + 1})")
    return _result(found=found, params=[protected.blind_index(nik, purpose="nik"), True], today=today)


def _result(*, found: str, params: list, today: date) -> SearchResult:
    """The persons of the CTE `found` (id, rank; at most MAX_RESULTS + 1, to tell whether there
    are more) with their household's decile in the latest finished scoring run and, per
    program, whether the household has an approved entitlement in the program's latest frozen
    cycle (one bit per program), in one statement."""
    programs, run_id = search_context()
    bits = [(column.cycle_id, 1 << n) for n, column in enumerate(programs) if column.cycle_id is not None]
    statuses, status_params = "0", []
    if bits:
        cases = " ".join("WHEN %s THEN %s" for _ in bits)
        statuses = (f"(SELECT SUM(CASE e.cycle_id {cases} ELSE 0 END) FROM {_TABLES['entitlement']} e "  # noqa: S608
                    f"WHERE e.household_id = p.household_id AND e.state = %s "
                    f"AND e.cycle_id IN ({', '.join('%s' for _ in bits)}))")
        status_params = [v for pair in bits for v in pair] + [Entitlement.State.APPROVED] + [c for c, _ in bits]
    sql = (f"WITH {found} SELECT f.hit_rank, p.full_name, p.id, p.birth_date, "  # noqa: S608
           f"(SELECT w.decile FROM {_TABLES['score']} w WHERE w.run_id = %s AND w.household_id = p.household_id), "
           f"{statuses} FROM found f JOIN {_TABLES['person']} p ON p.id = f.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, run_id, *status_params])
        rows = sorted(cursor.fetchall(), key=lambda row: row[:3])  # the CTE's order: IN/JOIN keep none
    hits = tuple(SearchHit(masked_name=mask_name(name), spoken_name=spoken_name(name),
                           age=age_on(_as_date(born), today), decile=decile or None,
                           receives=tuple(bool(int(mask or 0) & (1 << n)) for n in range(len(programs))))
                 for _, name, _, born, decile, mask in rows[:MAX_RESULTS])
    return SearchResult(programs=programs, hits=hits, more=len(rows) > MAX_RESULTS)


def _as_date(value: date | str | None) -> date | None:
    """SQLite hands a raw select's dates over as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def spoken_name(name: str) -> str:
    """What a screen reader should say for the masked name (it would read every `*` aloud):
    per word its first and last letter and its length, exactly what the masked text shows."""
    words = []
    for word in mask_name(name).split():
        if len(word) <= 2:
            words.append(gettext("%(first)s, %(n)d huruf") % {"first": word[0], "n": len(word)})
        else:
            words.append(gettext("%(first)s sampai %(last)s, %(n)d huruf") % {
                "first": word[0], "last": word[-1], "n": len(word)})
    return "; ".join(words)

