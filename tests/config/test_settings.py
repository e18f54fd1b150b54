"""config/settings.py: the embedded default starts with nothing set; production refuses to start without its secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-secret-chosen-by-the-operator",
    "ALLOWED_HOSTS": "zeren.example,www.zeren.example",
    "DATABASE_URL": "postgres://zeren:pw@db.zeren.example:5432/zeren",
    "REDIS_URL": "redis://redis.zeren.example:6379/0",
}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "SECRET_KEY": s.SECRET_KEY, "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "ENGINE": s.DATABASES["default"]["ENGINE"], "HOST": s.DATABASES["default"].get("HOST"),
    "BROKER": s.CELERY_BROKER_URL, "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
}))
"""


def start_django(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter that sees only `env` (plus PATH and a var dir)."""
    clean_env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ZEREN_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=BASE_DIR, env=clean_env,
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = start_django(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"环境变量 {missing} 未设置" in result.stderr


def test_production_treats_an_empty_secret_as_missing(tmp_path):
    result = start_django({**PRODUCTION_ENV, "SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "环境变量 SECRET_KEY 未设置" in result.stderr


def test_production_starts_with_its_secrets_and_runs_safely(tmp_path):
    result = start_django(PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["DEBUG"] is False
    assert shown["SECRET_KEY"] == PRODUCTION_ENV["SECRET_KEY"]
    assert shown["ALLOWED_HOSTS"] == ["zeren.example", "www.zeren.example"]
    assert shown["ENGINE"] == "django.db.backends.postgresql"
    assert shown["HOST"] == "db.zeren.example"
    assert shown["BROKER"] == PRODUCTION_ENV["REDIS_URL"]
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["SESSION_COOKIE_SECURE"] is True


def test_embedded_default_starts_with_nothing_set(tmp_path):
    result = start_django({}, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["BROKER"] == "filesystem://"
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_chinese_first_in_china_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.USE_I18N is True
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert "config.middleware.ChosenLanguageMiddleware" in settings.MIDDLEWARE
