"""Names by naming culture and region, the name pools as data, and the spelling reform."""

import numpy as np
import pytest

from bansos.demo import dirt
from bansos.demo import names as nm

BALI_ORDER = [{"WAYAN", "PUTU", "GEDE"}, {"MADE", "KADEK", "NENGAH"}, {"NYOMAN", "KOMANG"},
              {"KETUT"}]
MUHAMMAD = {"MUHAMMAD", "MOHAMMAD", "MOCH.", "MOH.", "MUH.", "MOCHAMAD", "MOCHAMMAD", "MUHAMAD",
            "M.", "MOHAMAD"}


def _regency(world) -> np.ndarray:
    return np.array([code[:5] for code in world.persons["village_code"]])


def _names_in(world, regency: str, sex: str | None = None) -> list[str]:
    pp = world.persons
    at = _regency(world) == regency
    if sex:
        at &= pp["sex"] == sex
    return pp["full_name"][at].tolist()


def _share(names: list[str], test) -> float:
    return sum(1 for n in names if test(n.split())) / len(names)


def test_balinese_birth_order_names_in_denpasar(world):
    names = _names_in(world, "51.71")
    i_ni = _share(names, lambda w: w[0] in ("I", "NI"))
    order_word = _share(names, lambda w: any(x in set().union(*BALI_ORDER) for x in w[:3]))
    assert i_ni >= 0.75 and order_word >= 0.75
    # Women are NI, men I; "I Gusti Ayu" is a woman's caste title.
    assert _share(_names_in(world, "51.71", "P"), lambda w: w[0] == "I" and w[2] != "AYU") == 0
    assert _share(_names_in(world, "51.71", "L"), lambda w: w[0] == "NI") == 0
    assert _share(_names_in(world, "35.10"), lambda w: w[0] in ("I", "NI")) < 0.02


def _bali_slot(name: str) -> int | None:
    """Birth-order slot (0-3) of an I/NI name: "NI LUH KADEK SARI" -> 1, "NI LUH SARI" -> 0
    (Luh alone names a first daughter), None without an order word."""
    words = name.split()
    if words[0] not in ("I", "NI"):
        return None  # a Javanese family in Denpasar, or a caste title
    for word in words[1:3]:
        for slot, order in enumerate(BALI_ORDER):
            if word in order:
                return slot
    return 0 if words[1] == "LUH" else None


def test_balinese_children_are_named_by_birth_order(world):
    """Wayan/Putu/Gede for the first child, Made/Kadek/Nengah the second, Nyoman/Komang the
    third, Ketut the fourth; the fifth starts again."""
    pp = world.persons
    children = np.flatnonzero((_regency(world) == "51.71") & (pp["relationship"] == "ANAK"))
    checked = 0
    for hid in np.unique(pp["household_id"][children]):
        kids = children[pp["household_id"][children] == hid]
        kids = kids[np.argsort(pp["birth_date"][kids], kind="stable")]
        for rank, kid in enumerate(kids.tolist()):
            slot = _bali_slot(pp["full_name"][kid])
            if slot is not None:
                assert slot == rank % 4, (pp["full_name"][kid], rank)
                checked += 1
    assert checked >= 100


def test_batak_family_names_in_tapanuli_utara(world):
    pools = nm.pools()["batak"]
    marga = set(pools["marga"]) | set(pools["mandailing"])
    assert {"SIMANJUNTAK", "HUTAGALUNG", "SIREGAR", "NASUTION"} <= marga

    def in_marga(words: list[str]) -> bool:  # two-word margas too: KARO KARO
        return " ".join(words[-2:]) in marga or words[-1] in marga

    assert _share(_names_in(world, "12.02"), in_marga) >= 0.8
    assert _share(_names_in(world, "35.10"), in_marga) < 0.05
    # Children carry their father's marga.
    pp = world.persons
    heads = np.flatnonzero((_regency(world) == "12.02") & (pp["relationship"] == "KEPALA KELUARGA")
                           & (pp["sex"] == "L"))
    same = total = 0
    for head in heads.tolist():
        father = pp["full_name"][head].split()[-1]
        if father not in marga:
            continue
        kids = np.flatnonzero((pp["household_id"] == pp["household_id"][head])
                              & (pp["relationship"] == "ANAK"))
        total += len(kids)
        same += sum(pp["full_name"][k].split()[-1] == father for k in kids.tolist())
    assert total >= 100 and same / total >= 0.95


def test_muslim_names_with_muhammad_and_siti_variants(world):
    men = _names_in(world, "35.10", "L") + _names_in(world, "32.05", "L")
    women = _names_in(world, "35.10", "P") + _names_in(world, "32.05", "P")
    firsts = {n.split()[0] for n in men}
    assert len(firsts & MUHAMMAD) >= 4  # Muhammad, Moch., Muh., M. ...
    assert _share(men, lambda w: w[0] in MUHAMMAD) >= 0.03
    assert _share(women, lambda w: w[0] == "SITI") >= 0.01
    # Rare where Hindus (Bali), Catholics (Manggarai) or Protestants (Toba) live.
    for regency in ("51.71", "53.10", "12.02"):
        assert _share(_names_in(world, regency, "L"), lambda w: w[0] in MUHAMMAD) < 0.03


def test_javanese_single_names_and_order_prefixes(world):
    pp = world.persons
    old = (_regency(world) == "35.10") & (pp["birth_date"] < np.datetime64("1970-01-01"))
    young = (_regency(world) == "35.10") & (pp["birth_date"] >= np.datetime64("2000-01-01"))
    single = {name: _share(pp["full_name"][at].tolist(), lambda w: len(w) == 1)
              for name, at in (("old", old), ("young", young))}
    assert old.sum() >= 50 and single["old"] >= 0.4
    assert single["young"] < single["old"]  # younger Javanese carry two or three names
    firsts = {n.split()[0] for n in _names_in(world, "35.10")}
    assert {"EKO", "DWI", "TRI", "SRI"} <= firsts


def test_manggarai_catholic_given_and_family_names(world):
    christian = set(nm.pools()["christian"]["male"]) | set(nm.pools()["christian"]["female"])
    family = set(nm.pools()["christian"]["family"])
    names = _names_in(world, "53.10")
    assert _share(names, lambda w: w[0] in christian) >= 0.5
    assert _share(names, lambda w: w[-1] in family) >= 0.7


def test_sundanese_names_in_garut(world):
    sundanese = set(nm.pools()["sundanese"]["male"]) | set(nm.pools()["sundanese"]["female"])
    old = (_regency(world) == "32.05") & (world.persons["birth_date"]
                                          < np.datetime64("1985-01-01"))
    names = world.persons["full_name"][old].tolist()
    assert _share(names, lambda w: bool(sundanese & set(w))) >= 0.5


def test_every_name_word_comes_from_the_pools(world):
    """Names are built from data/names.toml (in the modern or the old spelling); only I/NI
    and a few particles are written in code."""
    words = nm.distinct_tokens()
    words |= {nm.to_old_spelling(w) for w in words} | {"I", "NI", "SRI", "LUH"}
    used = {w for n in world.persons["full_name"].tolist() for w in n.split(" ")}
    assert used <= words
    assert all(n == n.strip() and "  " not in n and n.isupper()
               for n in world.persons["full_name"].tolist())


def test_name_pools_are_clean_data():
    pools = nm.pools()
    for table in ("prefix", "bali", "javanese", "sundanese", "muslim", "batak", "christian",
                  "modern", "places"):
        assert table in pools
    for culture in nm.FAMILY_POOLS:
        assert len(nm.family_pool(culture)) >= 10
    for table, entries in pools.items():
        for key, values in entries.items():
            flat = [v for row in values for v in row] if isinstance(values[0], list) else values
            assert len(flat) > 0, (table, key)
            for value in flat:
                assert isinstance(value, str) and value == value.strip(), (table, key, value)
                assert value.isupper() or not any(c.isalpha() for c in value), (table, value)
                assert "  " not in value
    assert len(nm.distinct_tokens()) > 2000
    assert "MUHAMMAD" in pools["prefix"]["muhammad"] and "SITI" in pools["prefix"]["muslim_female"]
    assert [len(slot) for slot in pools["bali"]["order_male"]] == [3, 3, 2, 1]


@pytest.mark.parametrize(("modern", "old"), [
    ("SUKARNO", "SOEKARNO"), ("SUHARTO", "SOEHARTO"), ("JOKO", "DJOKO"),
    ("CAHYONO", "TJAHJONO"), ("NYOMAN", "NJOMAN"), ("SYAMSUL", "SJAMSOEL"),
    ("KHAIRUL", "CHAIROEL"), ("ACHMAD", "ACHMAD"), ("SURYA", "SOERJA"), ("PANJI", "PANDJI"),
    ("BENNY", "BENNY"),  # a final Y spells a vowel, never the old J
    ("TJANDRA", "TJANDRA"), ("WIDJAJA", "WIDJAJA"),  # already written the old way
])
def test_spelling_reform_both_ways(modern, old):
    assert nm.to_old_spelling(modern) == old
    if modern not in ("ACHMAD", "TJANDRA", "WIDJAJA"):
        assert nm.to_new_spelling(old) == modern
    assert nm.respell(f"{modern} {modern}", old=True) == f"{old} {old}"


@pytest.mark.parametrize(("name", "old", "respelled"), [
    ("SOEKARNO", True, "SUKARNO"), ("SJAMSOEL NOERDJAMAN", True, "SYAMSUL NURJAMAN"),
    ("NI WAJAN SOEWITRI", True, "NI WAYAN SUWITRI"),  # old J for Y, without a digraph
    # Modern words with J, NJ or OE are not old: they get the old spelling instead.
    ("PANJI IRAWAN", False, "PANDJI IRAWAN"),
    ("FERNANDO SIMANJUNTAK", False, "FERNANDO SIMANDJOENTAK"),
    ("TJIONG TANUWIJAYA", False, "TJIONG TANOEWIDJAJA"), ("YOEL SIREGAR", False, None),
])
def test_spelling_dirt_modernises_only_old_words(name, old, respelled):
    assert nm.has_old_spelling(name) == old
    assert dirt.name_spelling(name, 0) == respelled


def test_old_spellings_only_for_people_born_before_the_reform(world):
    """A word missing from the (modern) pools was respelled: Soekarno, Djoko, Tjahjono."""
    pp = world.persons
    modern = nm.distinct_tokens() | {"I", "NI", "SRI", "LUH"}
    old = np.array([any(w not in modern for w in n.split(" ")) for n in pp["full_name"].tolist()])
    born = pp["birth_date"].astype("datetime64[Y]").astype(int) + 1970
    assert old.sum() >= 20
    assert born[old].max() < 1980  # the 1972 reform; a few kept it until the late 1970s
    assert old[born < 1955].mean() > old[(born >= 1955) & (born < 1980)].mean()
