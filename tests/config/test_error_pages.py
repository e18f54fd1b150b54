"""The embedded default shows the app's own Chinese error pages, never Django's technical pages.

`make run` is not in DEBUG unless asked (ZEREN_DEBUG=1 or DEBUG=1); WhiteNoise still serves the
static files. The first test starts `manage.py serve --no-worker` (what `make run` starts) and
asks it for a page that does not exist.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, override_settings
from django.urls import include, path, reverse

from tests.config.test_serve import BASE_DIR, embedded_env, free_port, group_alive, wait_for
from tests.config.test_settings import start_django
from tests.factories import make_user


@login_not_required
def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", _broken), path("", include("config.urls"))]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize(("env", "debug"), [({}, False), ({"ZEREN_DEBUG": "1"}, True), ({"DEBUG": "true"}, True)])
def test_the_embedded_default_is_not_in_debug_unless_asked(env, debug, tmp_path):
    result = start_django(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is debug


def test_make_run_answers_a_missing_page_with_the_chinese_404_and_still_serves_static_files(tmp_path: Path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = embedded_env(var_dir)
    env.pop("DEBUG", None)
    env.pop("ZEREN_DEBUG", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                   check=True, timeout=120)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--no-worker", "--addr", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _status(f"{base}/healthz") == 200, 40, "GET /healthz", log)
        status, body = fetch(f"{base}/no-such-page/")
        assert status == 404
        assert "未找到该页面或对象，或您无权查看。" in body and "返回首页" in body
        assert "URLconf" not in body and "admin/" not in body and "Traceback" not in body
        status, css = fetch(f"{base}/static/css/zeren.css")
        assert status == 200 and "{" in css
    finally:
        if group_alive(serve.pid):
            os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=20)


def _status(url: str) -> int | None:
    try:
        return fetch(url)[0]
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_view_that_fails_shows_the_chinese_500_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器错误" in body and "请稍后重试" in body
    assert "RuntimeError" not in body and "boom" not in body and "Traceback" not in body


@override_settings(DEBUG=False)
def test_a_missing_page_and_a_refusal_show_the_chinese_pages(client, tree):
    client.force_login(make_user("viewer", grants=[("view", tree.county_a)]))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到该页面或对象，或您无权查看。" in response.content.decode()
    assert "URLconf" not in response.content.decode()
    response = client.get(reverse("responsibilities:duty_add", args=[tree.county_a.pk]))
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in response.content.decode() and "返回首页" in response.content.decode()
