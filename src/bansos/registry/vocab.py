"""The registry's controlled vocabularies and how words used by sources map onto them."""

from __future__ import annotations

from bansos.registry.models import Disability, Relationship, SocioEconomicProfile

# Words for the relationship to the head as they appear on family cards and program lists.
_RELATIONSHIP_WORDS = {
    Relationship.HEAD: ("kepala keluarga", "kepala", "kk", "head", "kepala rumah tangga", "krt"),
    Relationship.SPOUSE: ("istri", "isteri", "suami", "spouse", "pasangan"),
    Relationship.CHILD: ("anak", "child", "anak kandung", "anak angkat", "anak tiri"),
    Relationship.CHILD_IN_LAW: ("menantu", "child_in_law", "child-in-law"),
    Relationship.GRANDCHILD: ("cucu", "grandchild"),
    Relationship.PARENT: ("orang tua", "orangtua", "ayah", "ibu", "parent"),
    Relationship.PARENT_IN_LAW: ("mertua", "parent_in_law", "parent-in-law"),
    Relationship.OTHER: ("famili lain", "lainnya", "other", "pembantu", "saudara"),
}
_RELATIONSHIP_LOOKUP = {word: code for code, words in _RELATIONSHIP_WORDS.items() for word in words}
_RELATIONSHIP_LOOKUP.update({code.value: code for code in Relationship})


def relationship_code(word: str | None) -> str:
    """'KEPALA KELUARGA' -> 'head'; unknown words -> 'other' (never lost: the source keeps it)."""
    if not word:
        return Relationship.OTHER
    key = " ".join(str(word).replace("_", " ").lower().split())
    return _RELATIONSHIP_LOOKUP.get(key, _RELATIONSHIP_LOOKUP.get(key.replace(" ", "_"), Relationship.OTHER))


_DISABILITY_WORDS = {
    Disability.NONE: ("tidak ada", "tidak", "none", "-", "0"),
    Disability.MILD: ("ringan", "sedang", "mild", "1"),
    Disability.SEVERE: ("berat", "severe", "2"),
}
_DISABILITY_LOOKUP = {word: code for code, words in _DISABILITY_WORDS.items() for word in words}


def disability_code(word: str | None) -> str:
    """'BERAT' -> 'severe'; empty -> 'none'. Unknown words raise: a disability grade decides
    a PKH component, so it is never guessed."""
    if word is None or not str(word).strip():
        return Disability.NONE
    key = " ".join(str(word).lower().split())
    if key in _DISABILITY_LOOKUP:
        return _DISABILITY_LOOKUP[key]
    raise ValueError(f"unknown disability grade {word!r}")


# Column names a population file may use for each profile field.
_PROFILE_ALIASES = {
    "floor_area_m2": ("floor_area_m2", "floor_area", "luas_lantai"),
    "floor_material": ("floor_material", "lantai"),
    "wall_material": ("wall_material", "dinding"),
    "roof_material": ("roof_material", "atap"),
    "water_source": ("water_source", "drinking_water", "sumber_air"),
    "sanitation": ("sanitation", "toilet", "sanitasi"),
    "lighting": ("lighting", "penerangan"),
    "electricity_va": ("electricity_va", "daya_listrik"),
    "cooking_fuel": ("cooking_fuel", "bahan_bakar"),
    "house_ownership": ("house_ownership", "status_rumah", "kepemilikan_rumah"),
    "motorcycles": ("motorcycles", "motorcycle", "sepeda_motor"),
    "has_car": ("has_car", "car"),
    "has_fridge": ("has_fridge", "fridge", "refrigerator"),
    "has_ac": ("has_ac", "ac", "air_conditioner"),
    "has_gold": ("has_gold", "has_gold_10g", "gold", "emas"),
    "has_land": ("has_land", "land"),
    "has_livestock": ("has_livestock", "livestock"),
    "has_tv": ("has_tv", "tv"),
    "smartphones": ("smartphones", "smartphone_count", "n_smartphones"),
}


def profile_fields(columns: list[str]) -> dict[str, str]:
    """Map model field -> column for the profile columns present in a file."""
    present = set(columns)
    model_fields = {f.name for f in SocioEconomicProfile._meta.get_fields()}
    out = {}
    for field, aliases in _PROFILE_ALIASES.items():
        column = next((a for a in aliases if a in present), None)
        if column and field in model_fields:
            out[field] = column
    return out
