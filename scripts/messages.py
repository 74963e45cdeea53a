#!/usr/bin/env python
"""Translation catalogs (`make messages`, DESIGN.md §4.8).

1. Extract: ``makemessages -l zh_Hans`` for the project (root ``locale/``: ``zhongwei_carbon/``
   and the top-level ``templates/``) and for each app into its own ``<app>/locale/``, run from
   inside the app directory so that each catalog holds only that app's strings.
   Extraction needs GNU gettext (``xgettext``, ``msgmerge``) on the developer's machine.
2. Compile: every ``.po`` to ``.mo`` in pure Python (no gettext tools needed). The ``.mo``
   files are committed, so a fresh checkout shows Chinese without any extra step.

Usage:
    python scripts/messages.py              extract everything, then compile everything
    python scripts/messages.py --root       extract the root catalog only, then compile
    python scripts/messages.py --compile    compile only

The small PO reader and MO writer below are also used by tests/core/test_i18n.py.
"""

from __future__ import annotations

import argparse
import array
import ast
import os
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
APPS = ["accounts", "registry", "verifiers", "reporting", "allowances", "credit"]
# Never scanned (besides each app's own locale/ and migrations, which hold no UI strings
# worth translating twice).
IGNORE = [".venv", "venv", "static", "staticfiles", "media", "tests", "scripts", "node_modules",
          ".pgdata", ".pgrun", "build", "*.egg-info", "bench", "migrations"]


# --- PO reader / MO writer -------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def key(self) -> str:
        """The msgid as gettext looks it up (context joined with EOT)."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(token: str) -> str:
    token = token.strip()
    if not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"not a PO string: {token!r}")
    return ast.literal_eval(token)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file (the header is the entry with an empty msgid)."""
    entries: list[Entry] = []
    current = Entry()
    field_name: str | None = None
    started = False

    def finish():
        nonlocal current, started, field_name
        if started:
            entries.append(current)
        current, started, field_name = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            if started and field_name and field_name.startswith("msgstr"):
                finish()
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            if started and field_name and field_name.startswith("msgstr"):
                finish()
            continue
        if line.startswith('"'):
            value = _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and started and field_name and field_name.startswith("msgstr"):
                finish()
            field_name, value, started = keyword, _unquote(rest), True
            if keyword == "msgid_plural":
                current.msgid_plural = ""
            elif keyword == "msgctxt":
                current.msgctxt = ""
        if field_name == "msgid":
            current.msgid += value
        elif field_name == "msgid_plural":
            current.msgid_plural += value
        elif field_name == "msgctxt":
            current.msgctxt += value
        elif field_name == "msgstr":
            current.msgstr += value
        elif field_name and field_name.startswith("msgstr["):
            index = int(field_name[len("msgstr["):-1])
            current.msgstr_plural[index] = current.msgstr_plural.get(index, "") + value
        else:
            raise ValueError(f"{path}: unexpected line {raw!r}")
    finish()
    return [e for e in entries if not e.obsolete]


def catalog(entries: list[Entry]) -> dict:
    """What a compiled catalog must contain, in ``gettext.GNUTranslations._catalog`` form:
    translated, non-fuzzy entries (and the header)."""
    result = {}
    for e in entries:
        if e.fuzzy and e.msgid:
            continue
        if e.msgid_plural is not None:
            if e.translated:
                for index, text in e.msgstr_plural.items():
                    result[(e.key, index)] = text
        elif e.msgstr:
            result[e.key] = e.msgstr
    return result


def mo_bytes(entries: list[Entry]) -> bytes:
    """A GNU MO file of the translated, non-fuzzy entries (as msgfmt writes it)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if e.fuzzy and e.msgid:
            continue
        if e.msgid_plural is not None:
            if not e.translated:
                continue
            key = (e.key + "\0" + e.msgid_plural).encode()
            value = "\0".join(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)).encode()
        elif e.msgstr:
            key, value = e.key.encode(), e.msgstr.encode()
        else:
            continue
        messages[key] = value
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets: list[int] = []
    value_offsets: list[int] = []
    for id_offset, id_len, str_offset, str_len in offsets:
        key_offsets += [id_len, id_offset + key_start]
        value_offsets += [str_len, str_offset + value_start]
    header = struct.pack(
        "Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0
    )
    return header + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs


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
        data = mo_bytes(parse_po(po))
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
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
        1 for po in po_files() for e in parse_po(po) if e.msgid and (e.fuzzy or not e.translated)
    )
    if untranslated:
        print(f"{untranslated} entries are untranslated or fuzzy: translate them, then "
              "run `python scripts/messages.py --compile`.")


if __name__ == "__main__":
    main()
