"""Chinese first, English complete: every UI string is a Chinese msgid with an English translation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HOW_TO_FIX = "运行 `make messages`，为新条目填写英文译文（去掉 fuzzy 标记）后提交 .po 和 .mo"


def key(entry: polib.POEntry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def is_translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_english_catalogue_is_complete(catalogue):
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not is_translated(e)]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert untranslated == [], f"未翻译的条目（{HOW_TO_FIX}）"
    assert fuzzy == [], f"fuzzy 条目不会生效（{HOW_TO_FIX}）"
    assert not catalogue.metadata_is_fuzzy
    assert "plural=(n != 1)" in catalogue.metadata["Plural-Forms"]


def test_translations_keep_their_placeholders():
    """msgfmt --check-format: a translation must use the msgid's %(name)s placeholders."""
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(PO_PATH)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_compiled_catalogue_matches_the_po_file(catalogue):
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(MO_PATH)) if e.msgid}
    for entry in catalogue.translated_entries():
        found = compiled.get((entry.msgctxt, entry.msgid))
        assert found is not None, f"{entry.msgid!r} 不在 django.mo 中：请运行 compilemessages"
        if entry.msgid_plural:
            assert found.msgstr_plural == entry.msgstr_plural, entry.msgid
        else:
            assert found.msgstr == entry.msgstr, f"{entry.msgid!r}: django.mo 已过期，请运行 compilemessages"


def project_sources_copy(destination: Path) -> Path:
    """manage.py, config/, templates/ and every local app, without the committed catalogue."""
    local_apps = [
        Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == BASE_DIR
    ]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "locale")
    for folder in [BASE_DIR / "config", BASE_DIR / "templates", *local_apps]:
        shutil.copytree(folder, destination / folder.name, ignore=ignore)
    shutil.copy2(BASE_DIR / "manage.py", destination / "manage.py")
    (destination / "locale").mkdir()
    return destination


def test_every_string_in_the_code_has_an_english_translation(catalogue, tmp_path):
    """A string marked for translation without an English entry fails here, not in front of a user."""
    project = project_sources_copy(tmp_path / "project")
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ZEREN_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=project, env=env, check=True, capture_output=True, text=True, timeout=300,
    )
    found = polib.pofile(str(project / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    translated = {key(e) for e in catalogue if is_translated(e) and "fuzzy" not in e.flags}
    missing = [
        f"{e.msgid!r} ({e.occurrences[0][0] if e.occurrences else '?'})"
        for e in found
        if key(e) not in translated
    ]
    assert len(found) > 100
    assert missing == [], f"代码中有 {len(missing)} 个字符串没有英文译文（{HOW_TO_FIX}）:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_chinese_is_the_default_language():
    response = Client().get("/accounts/login/")
    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "登录责任制台账" in content


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_chooses_english():
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    content = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in content and "登录责任制台账" in content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in content
    assert "Log in to the Responsibility Ledger" in content
    assert ">Log in</button>" in content
    assert "登录" not in content


@pytest.mark.django_db
def test_choosing_english_in_the_language_menu_sticks():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    content = client.get("/accounts/login/").content.decode()
    assert "Username" in content and "Password" in content


@pytest.mark.django_db
def test_a_request_in_english_does_not_leave_the_thread_in_english():
    from django.utils import translation

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
    assert translation.get_language() == settings.LANGUAGE_CODE
