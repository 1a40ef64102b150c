"""The Swedish site has no untranslated string: every msgid that makemessages finds in our code and
templates has a Swedish translation in the committed catalogue, none of them fuzzy."""

import re
import shutil
import subprocess
import sys

from tests.conftest import BASE_DIR

SOURCE_DIRS = ["accounts", "awards", "config", "core", "jury", "nominations", "templates"]


def catalogue_entries(po_text: str) -> list[tuple[str, str, bool]]:
    entries = []
    for block in po_text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        msgid_text = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not msgid_text:
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        translated = all("".join(re.findall(r'"(.*)"', s)) for s in strings) and bool(strings)
        entries.append((msgid_text, "fuzzy" in block.split("msgid")[0], translated))
    return entries


def test_every_string_has_a_swedish_translation(tmp_path):
    for name in SOURCE_DIRS:
        shutil.copytree(BASE_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(BASE_DIR / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(BASE_DIR / "manage.py", tmp_path)
    committed = (tmp_path / "locale/sv/LC_MESSAGES/django.po").read_text(encoding="utf-8")

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    refreshed = catalogue_entries((tmp_path / "locale/sv/LC_MESSAGES/django.po").read_text(encoding="utf-8"))

    untranslated = [msgid for msgid, fuzzy, translated in refreshed if fuzzy or not translated]
    assert untranslated == [], "translate these in locale/sv/LC_MESSAGES/django.po (make messages)"
    assert len(refreshed) == len(catalogue_entries(committed)), "run `make messages` and commit the catalogue"
