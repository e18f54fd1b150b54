"""`manage.py check --deploy --fail-level WARNING` passes with the production settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.config.test_settings import PRODUCTION_ENV

BASE_DIR = Path(settings.BASE_DIR)


def check_deploy(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean_env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
                 "ZEREN_VAR_DIR": str(tmp_path / "var"), **PRODUCTION_ENV, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=BASE_DIR,
        env=clean_env, capture_output=True, text=True, timeout=120,
    )


def test_production_passes_the_deploy_checks(tmp_path):
    result = check_deploy({"SECRET_KEY": "k7-Qz9vR2mXw4LpT8sYb1NcFh6JdGa3UoEiV5rKy0WtZnBqHxM"}, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout, result.stdout


def test_the_deploy_checks_fail_when_the_operator_turns_https_off(tmp_path):
    """The check is not silenced wholesale: without HSTS and secure cookies it fails and names them."""
    result = check_deploy({"SECRET_KEY": "k7-Qz9vR2mXw4LpT8sYb1NcFh6JdGa3UoEiV5rKy0WtZnBqHxM",
                           "SECURE_HSTS_SECONDS": "0", "SESSION_COOKIE_SECURE": "false",
                           "CSRF_COOKIE_SECURE": "false", "SECURE_SSL_REDIRECT": "false"}, tmp_path)

    assert result.returncode == 1
    reported = set(re.findall(r"\((security\.\w+)\)", result.stdout + result.stderr))
    assert reported == {"security.W004", "security.W008", "security.W012", "security.W016"}, result.stderr
