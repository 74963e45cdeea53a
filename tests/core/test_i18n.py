"""Translations (DESIGN.md §4.8): Chinese by default, catalogs complete and compiled.

The catalogs are produced by `make messages` (scripts/messages.py) and the .mo files are
committed, so a fresh machine needs no gettext tools. These tests fail while a catalog is
missing, stale (a string in the code is not in it), untranslated, fuzzy or not compiled.
"""

import gettext
import importlib.util
import re
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]

_spec = importlib.util.spec_from_file_location("zw_messages", BASE_DIR / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("zw_messages", messages)
_spec.loader.exec_module(messages)

PO_FILES = messages.po_files()
HEADER = ""


def _rel(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


# --- which strings the code marks for translation (simple literals only) ------------------

_PY_CALL = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*\)"""
)
_TEMPLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_SKIP_DIRS = {"migrations", "locale", "static", "tests", "__pycache__"}


def _source_files(root: Path):
    for path in sorted(root.rglob("*")):
        if any(part in _SKIP_DIRS for part in path.relative_to(root).parts[:-1]):
            continue
        if path.suffix in (".py", ".html", ".txt") and path.is_file():
            yield path


def marked_strings(roots: list[Path]) -> set[str]:
    import ast

    found = set()
    for root in roots:
        for path in _source_files(root):
            text = path.read_text(encoding="utf-8")
            pattern = _PY_CALL if path.suffix == ".py" else _TEMPLATE_TAG
            for literal in pattern.findall(text):
                value = ast.literal_eval(literal)
                if value:
                    found.add(value)
    return found


def _domains() -> list[tuple[str, list[Path], Path]]:
    """(name, source roots, catalog) for the project and every app with marked strings."""
    domains = [
        ("project", [BASE_DIR / "zhongwei_carbon", BASE_DIR / "templates"], BASE_DIR / "locale"),
    ]
    for app in messages.APPS:
        if (BASE_DIR / app).is_dir():
            domains.append((app, [BASE_DIR / app], BASE_DIR / app / "locale"))
    return domains


def _po(locale_dir: Path) -> Path:
    return locale_dir / messages.LOCALE / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize(("name", "roots", "locale_dir"), _domains(), ids=[d[0] for d in _domains()])
def test_catalog_covers_the_strings_of_the_code(name, roots, locale_dir):
    wanted = marked_strings(roots)
    if not wanted:
        pytest.skip(f"{name} marks no strings for translation")
    po = _po(locale_dir)
    assert po.exists(), f"{_rel(po)} is missing: run `make messages` and translate it"
    have = {e.msgid for e in messages.parse_po(po)}
    missing = sorted(wanted - have)
    assert not missing, f"{_rel(po)} is stale, run `make messages`; not in it: {missing[:10]}"


def test_there_is_a_root_catalog():
    assert _po(BASE_DIR / "locale") in PO_FILES


@pytest.mark.parametrize("po", PO_FILES, ids=_rel)
def test_catalog_is_fully_translated(po):
    catalog = polib.pofile(str(po))
    entries = messages.parse_po(po)
    assert not catalog.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert catalog.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert not fuzzy, f"fuzzy entries in {_rel(po)}: {fuzzy[:10]}"
    assert not untranslated, f"untranslated entries in {_rel(po)}: {untranslated[:10]}"


@pytest.mark.parametrize("po", PO_FILES, ids=_rel)
def test_compiled_catalog_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{_rel(mo)} is missing: run `python scripts/messages.py --compile`"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    expected = messages.catalog(po)
    compiled.pop(HEADER, None)
    expected.pop(HEADER, None)
    assert compiled == expected, f"{_rel(mo)} is out of date: run `python scripts/messages.py --compile`"


# --- the pages ------------------------------------------------------------------------------


def test_default_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client_as):
    # An English browser still gets Chinese: the portal ignores Accept-Language.
    response = client_as(None).get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in html
    assert "用户名" in html and "密码" in html
    assert ">Log in<" not in html


@pytest.mark.django_db
def test_english_can_be_chosen(client_as):
    client = client_as(None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Log in" in html
    assert "用户名" not in html
