#!/usr/bin/env python
"""Translation catalogs (`make messages`, DESIGN.md §4.8).

1. Extract: ``makemessages -l zh_Hans`` for the project (root ``locale/``: ``zhongwei_carbon/``
   and the top-level ``templates/``) and for each app into its own ``<app>/locale/``, run from
   inside the app directory so that each catalog holds only that app's strings.
   Extraction needs GNU gettext (``xgettext``, ``msgmerge``) on the developer's machine.
2. Compile: every ``.po`` to ``.mo`` with polib (no gettext tools needed). The ``.mo``
   files are committed, so a fresh checkout shows Chinese without any extra step.

Usage:
    python scripts/messages.py              extract everything, then compile everything
    python scripts/messages.py --root       extract the root catalog only, then compile
    python scripts/messages.py --compile    compile only

tests/core/test_i18n.py uses ``parse_po``, ``is_done`` and ``catalog`` from here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
APPS = ["accounts", "registry", "verifiers", "reporting", "allowances", "oversight", "complaints",
        "credit", "programme", "dashboards"]
# Never scanned (besides each app's own locale/ and migrations, which hold no UI strings
# worth translating twice).
IGNORE = [".venv", "venv", "static", "staticfiles", "media", "tests", "scripts", "node_modules",
          ".pgdata", ".pgrun", "build", "*.egg-info", "bench", "migrations"]


# --- reading and compiling catalogs (polib) ---------------------------------------------------


def parse_po(path: Path) -> list[polib.POEntry]:
    """Entries of a PO file, obsolete ones left out (the header is not an entry)."""
    return [e for e in polib.pofile(str(path), wrapwidth=0) if not e.obsolete]


def is_done(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags


def catalog(po_path: Path) -> dict:
    """What the compiled catalog must contain, in ``gettext.GNUTranslations._catalog`` form:
    the translated, non-fuzzy entries."""
    result = {}
    for e in parse_po(po_path):
        if not is_done(e):
            continue
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural:
            for index, text in e.msgstr_plural.items():
                result[(key, int(index))] = text
        else:
            result[key] = e.msgstr
    return result


def po_files() -> list[Path]:
    roots = [BASE_DIR / "locale"] + [BASE_DIR / app / "locale" for app in APPS]
    return sorted(p for root in roots if root.is_dir() for p in root.glob("*/LC_MESSAGES/*.po"))


def compile_all(verbose: bool = True) -> list[Path]:
    written = []
    msgfmt = shutil.which("msgfmt")
    for po in po_files():
        if msgfmt:  # optional extra check of the format strings where gettext is installed
            subprocess.run([msgfmt, "--check-format", "-o", os.devnull, str(po)], check=True)
        mo = po.with_suffix(".mo")
        before = mo.read_bytes() if mo.exists() else None
        polib.pofile(str(po)).save_as_mofile(str(mo))
        if mo.read_bytes() != before:
            written.append(mo)
        if verbose:
            print(f"compiled {mo.relative_to(BASE_DIR)}")
    return written


# --- extraction -------------------------------------------------------------------------------


def _makemessages(cwd: Path) -> None:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "zhongwei_carbon.settings")
    env.setdefault("DJANGO_DEBUG", "true")
    # Settings only parse this URL; it keeps them from starting the embedded PostgreSQL.
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhongwei")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BASE_DIR), env.get("PYTHONPATH")]))
    ignore = list(IGNORE)
    if cwd == BASE_DIR:
        ignore += APPS  # each app has its own catalog
        ignore += [p.name for p in BASE_DIR.iterdir() if p.is_dir() and p.name.startswith(".")]
    # -P: do not put the app directory on sys.path (registry/selectors would shadow the stdlib).
    args = [sys.executable, "-P", "-m", "django", "makemessages", "-l", LOCALE, "--no-obsolete",
            "--no-wrap", "--add-location=file", "--extension=html,txt,py"]
    for pattern in ignore:
        args += ["--ignore", pattern]
    (cwd / "locale").mkdir(exist_ok=True)
    subprocess.run(args, cwd=cwd, env=env, check=True)


def extract(*, root_only: bool = False) -> None:
    if not shutil.which("xgettext"):
        sys.exit("Extracting messages needs GNU gettext (apt-get install gettext).")
    _makemessages(BASE_DIR)
    if not root_only:
        for app in APPS:
            if (BASE_DIR / app).is_dir():
                _makemessages(BASE_DIR / app)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--root", action="store_true", help="extract the root catalog only")
    group.add_argument("--compile", action="store_true", help="compile only")
    options = parser.parse_args(argv)
    if not options.compile:
        extract(root_only=options.root)
    compile_all()
    untranslated = sum(
        1 for po in po_files() for e in parse_po(po) if not is_done(e)
    )
    if untranslated:
        print(f"{untranslated} entries are untranslated or fuzzy: translate them, then "
              "run `python scripts/messages.py --compile`.")


if __name__ == "__main__":
    main()
