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
    "ZEREN_BASE_URL": "https://zeren.example",
}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG, "SECRET_KEY": s.SECRET_KEY, "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "ENGINE": s.DATABASES["default"]["ENGINE"], "HOST": s.DATABASES["default"].get("HOST"),
    "BROKER": s.CELERY_BROKER_URL, "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "ZEREN_BASE_URL": s.ZEREN_BASE_URL,
    "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT, "SECURE_REDIRECT_EXEMPT": s.SECURE_REDIRECT_EXEMPT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "PASSWORD_VALIDATORS": [v["NAME"].rsplit(".", 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS],
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


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "ZEREN_BASE_URL"])
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
    assert shown["ZEREN_BASE_URL"] == "https://zeren.example"
    assert shown["SESSION_COOKIE_AGE"] == 30 * 60
    assert shown["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 31536000
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]  # the container's plain-HTTP health check
    # X-Forwarded-Proto is a client's word unless a proxy in front is declared to set it.
    assert shown["SECURE_PROXY_SSL_HEADER"] is None
    assert "NumericPasswordValidator" in shown["PASSWORD_VALIDATORS"]


def test_production_trusts_x_forwarded_proto_only_when_told_to(tmp_path):
    result = start_django({**PRODUCTION_ENV, "TRUST_X_FORWARDED_PROTO": "true", "SECURE_HSTS_SECONDS": "0",
                           "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SESSION_COOKIE_AGE": "3600"}, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SESSION_COOKIE_AGE"] == 3600


@pytest.mark.parametrize("key", ["short", "x" * 31])
def test_production_refuses_a_short_secret_key(key, tmp_path):
    result = start_django({**PRODUCTION_ENV, "SECRET_KEY": key}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"环境变量 SECRET_KEY 过短（{len(key)} 个字符）" in result.stderr


def test_production_refuses_a_base_url_that_is_not_an_address(tmp_path):
    result = start_django({**PRODUCTION_ENV, "ZEREN_BASE_URL": "zeren.example"}, tmp_path)
    assert result.returncode != 0
    assert "环境变量 ZEREN_BASE_URL 应为以 https:// 或 http:// 开头的完整地址" in result.stderr


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


def test_uploads_are_limited_before_a_view_sees_them():
    # The limiter first: it stops a file past UPLOAD_MAX_BYTES before Django's handlers store it.
    assert settings.FILE_UPLOAD_HANDLERS == [
        "responsibilities.work.uploads.LimitedUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 20


@pytest.mark.django_db
def test_a_request_with_more_than_twenty_files_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.7\n") for i in range(21)]
    assert client.post("/accounts/login/", {"username": "x", "password": "y", "f": files}).status_code == 400
    files = [SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.7\n") for i in range(20)]
    assert client.post("/accounts/login/", {"username": "x", "password": "y", "f": files}).status_code == 200


def test_sessions_end_with_the_browser_after_thirty_idle_minutes_and_twelve_hours():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.ZEREN_SESSION_MAX_AGE == 12 * 3600
