"""English translation of the user interface (source strings are Indonesian).

The catalog is src/bansos/locale/en/LC_MESSAGES/django.po, compiled to django.mo; both are
committed. See docs/translations.md for how to update them.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

import bansos
from tests.conftest import VILLAGE_A

SRC = Path(bansos.__file__).resolve().parent
LC_MESSAGES = SRC / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


# --- a small .po reader (polib is not a dependency) ------------------------------------------

def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (str or {n: str}),
    flags (set), obsolete (bool). The header (msgid "") is included."""
    entries: list[dict] = []
    current: dict | None = None
    key: str | None = None

    def finish():
        if current is not None and "msgid" in current:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
            continue
        if line.startswith("#,"):
            current["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            name, index, value = match.groups()
            if name.startswith("msgstr"):
                key = ("msgstr", int(index) if index is not None else None)
                current["msgstr"][key[1]] = _unquote(value)
            else:
                key = name
                current[name] = _unquote(value)
            continue
        if line.startswith('"') and key is not None:  # continuation line
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += _unquote(line)
            else:
                current[key] += _unquote(line)
            continue
        raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    finish()
    for entry in entries:
        if "msgid_plural" not in entry:
            entry["msgstr"] = entry["msgstr"].get(None, "")
    return entries


def _messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


def _catalog_from_po(entries: list[dict]) -> dict:
    """The catalog gettext would load from a .mo compiled from these entries (header left out)."""
    catalog = {}
    for e in _messages(entries):
        if "fuzzy" in e["flags"]:
            continue
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            for n, text in e["msgstr"].items():
                catalog[(msgid, n)] = text
        else:
            catalog[msgid] = e["msgstr"]
    return catalog


def _catalog_from_mo(path: Path) -> dict:
    with path.open("rb") as fh:
        catalog = dict(gettext.GNUTranslations(fh)._catalog)
    catalog.pop("", None)  # header: its dates change on every makemessages run
    return catalog


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*\w+\s*\}\}")


# --- (a) the catalog is complete ------------------------------------------------------------

def test_every_message_is_translated_and_checked():
    entries = read_po(PO)
    messages = _messages(entries)
    assert len(messages) > 50, "the English catalog looks truncated"
    header = next(e for e in entries if e["msgid"] == "")
    assert "Language: en\n" in header["msgstr"]
    assert "fuzzy" not in header["flags"]

    problems = []
    for e in messages:
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {e['msgid']!r}")
        if "msgid_plural" in e:
            forms = e["msgstr"]
            if sorted(forms) != [0, 1] or not all(t.strip() for t in forms.values()):
                problems.append(f"missing plural form: {e['msgid']!r} -> {forms!r}")
            translations = list(forms.values())
        else:
            if not e["msgstr"].strip():
                problems.append(f"untranslated: {e['msgid']!r}")
            translations = [e["msgstr"]]
        wanted = sorted(set(_PLACEHOLDER.findall(e["msgid"])))
        for text in translations:
            if sorted(set(_PLACEHOLDER.findall(text))) != wanted:
                problems.append(f"placeholders differ: {e['msgid']!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_no_obsolete_entries():
    obsolete = [e["msgid"] for e in read_po(PO) if e["obsolete"]]
    assert not obsolete, f"obsolete entries (run makemessages with --no-obsolete): {obsolete}"


def _msgids(path: Path) -> set:
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in _messages(read_po(path))}


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_catalog_has_every_string_marked_in_the_source(tmp_path, monkeypatch):
    """makemessages on a copy of the source finds exactly the msgids of the committed .po:
    a new {% translate %} without a translation, or a stale entry, fails here."""
    copy = tmp_path / "bansos"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0,
                     ignore_patterns=["demo/data/*"])
    fresh = _msgids(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = _msgids(PO)
    missing, stale = sorted(fresh - committed), sorted(committed - fresh)
    assert not missing, f"marked in the source but not in django.po (run makemessages): {missing}"
    assert not stale, f"in django.po but no longer in the source (run makemessages): {stale}"


# --- (b) the compiled .mo matches the .po ---------------------------------------------------

def _differences(compiled: dict, expected: dict) -> list:
    keys = compiled.keys() | expected.keys()
    return sorted(str(k) for k in keys if compiled.get(k) != expected.get(k))


def test_mo_matches_po():
    assert MO.exists(), "run compilemessages and commit django.mo"
    differ = _differences(_catalog_from_mo(MO), _catalog_from_po(read_po(PO)))
    assert not differ, f"django.mo is stale (run compilemessages); differing messages: {differ}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt not installed")
def test_mo_matches_msgfmt_output(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(PO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt rejects django.po:\n{result.stderr}"
    differ = _differences(_catalog_from_mo(MO), _catalog_from_mo(compiled))
    assert not differ, f"django.mo is stale (run compilemessages); differing messages: {differ}"


# --- (c) pages in English -------------------------------------------------------------------

@pytest.fixture
def operator_client(client, small_registry, officer):
    client.force_login(officer("village_operator", VILLAGE_A))
    return client


def test_household_list_is_indonesian_by_default(operator_client):
    html = operator_client.get(reverse("office:household_list")).content.decode()
    assert '<html lang="id">' in html
    assert "Kepala keluarga" in html and "Operator Desa/Kelurahan" in html
    assert "Head of family" not in html


def test_household_list_in_english_by_cookie(operator_client):
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = operator_client.get(reverse("office:household_list")).content.decode()
    assert '<html lang="en">' in html
    assert "Head of family" in html  # template string
    assert "Village operator" in html  # model choice label (the officer's role)
    assert "Family card no. (KK)" in html
    assert "2 families" in html  # plural form: two families in village A
    for indonesian in ("Kepala keluarga", "Operator Desa/Kelurahan", "Cari", "Beranda"):
        assert indonesian not in html


def test_household_list_in_english_by_accept_language(operator_client):
    response = operator_client.get(reverse("office:household_list"),
                                   HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert "Head of family" in html and "Kepala keluarga" not in html


def test_household_detail_in_english(operator_client, small_registry):
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    household = small_registry["SUTRISNO"].household
    url = reverse("office:household_detail", args=[household.pk])
    html = operator_client.get(url).content.decode()
    assert "Family members" in html and "Male" in html and "Head of family" in html
    assert "Anggota keluarga" not in html and "Laki-laki" not in html


def test_language_switcher_posts_to_setlang(operator_client):
    target = reverse("office:household_list")
    response = operator_client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = operator_client.get(target).content.decode()
    assert "Head of family" in html and "Kepala keluarga" not in html

    operator_client.post(reverse("set_language"), {"language": "id", "next": target})
    html = operator_client.get(target).content.decode()
    assert "Kepala keluarga" in html and "Head of family" not in html


def test_login_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("office:login")).content.decode()
    assert "Officer login" in html and "Masuk petugas" not in html


def test_choice_labels_translate():
    from bansos.areas.models import Role
    from bansos.registry.models import Relationship

    with translation.override("en"):
        assert str(Role.REGENCY.label) == "Regency/city social office"
        assert str(Role.PKH_FACILITATOR.label) == "PKH facilitator"
        assert str(Relationship.HEAD.label) == "Head of family"
    with translation.override("id"):
        assert str(Relationship.HEAD.label) == "Kepala keluarga"
