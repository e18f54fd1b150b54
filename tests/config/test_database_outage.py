"""PostgreSQL goes away while the app runs: requests get a clear 503 page, and the app recovers by
itself once the database is back (CONN_HEALTH_CHECKS replaces the broken persistent connection).

A real gunicorn (one sync worker, persistent connections) reaches the test database through a TCP
proxy of the test's own; cutting the proxy drops every open connection and refuses new ones, as a
database restart does, without touching the shared PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection

from tests.config.test_serve import BASE_DIR, free_port, wait_for

UNREACHABLE = "数据库暂时无法连接，请稍后刷新。"
WRONG_PASSWORD = "用户名或密码不正确，请重新输入。"


class Proxy:
    """Forwards 127.0.0.1:port to the database server until cut."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, server]
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                sock.close()

    def cut(self) -> None:
        """The database goes away: open connections drop, new ones are refused."""
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            self.listener.close()
            self.listener = None
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str, float]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        start = time.monotonic()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode(), time.monotonic() - start
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(), time.monotonic() - start

    def log_in(self, username: str, password: str):
        _, _, page, _ = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("/accounts/login/", {"csrfmiddlewaretoken": token, "username": username,
                                                 "password": password})


def subprocess_database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The URL of the test database (which pytest-django made), for an app started in a subprocess."""
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    return f"postgres://{credentials}{host or db.get('HOST') or '127.0.0.1'}:{port or db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def proxy(db):  # the test database exists (the app needs no rows of this test)
    db = connection.settings_dict
    proxy = Proxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    proxy.start()
    yield proxy
    proxy.cut()


@pytest.fixture
def web(proxy, tmp_path: Path):
    """gunicorn on the test database through the proxy: embedded profile (not DEBUG), persistent connections."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ENV", "DEBUG", "ZEREN_DEBUG"}}
    env.update(DATABASE_URL=subprocess_database_url(host="127.0.0.1", port=proxy.port),
               DB_CONN_MAX_AGE="600", ZEREN_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--timeout", "60"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            if process.poll() is not None:
                pytest.fail(log.read_text())
            try:
                return Browser(base).request("/healthz")[0] == 200
            except urllib.error.URLError:
                return False

        wait_for(answers, 40, "gunicorn", log)
        browser = Browser(base)
        browser.log = log
        yield browser
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        _forget_committed_logins()


def _forget_committed_logins() -> None:
    """The server committed its failed logins (security log lines, login counts) outside this test's
    transaction: delete them on a connection of their own, so that no later test sees them."""
    from django.db import connections

    from responsibilities.models import LoginThrottle, SecurityEvent

    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            for model in (SecurityEvent, LoginThrottle):
                cursor.execute(f"DELETE FROM {own.ops.quote_name(model._meta.db_table)}")
    finally:
        own.close()


@pytest.mark.postgres
def test_requests_during_a_database_outage_get_a_503_page_and_the_app_recovers_by_itself(proxy, web):
    status, _, page, _ = web.log_in("nobody", "wrong")  # the form checks the password in the database
    assert status == 200 and WRONG_PASSWORD in page, web.log.read_text()

    proxy.cut()  # PostgreSQL restarts: the worker's persistent connection is gone, new ones refused
    for _ in range(2):
        status, headers, page, seconds = web.log_in("nobody", "wrong")
        assert status == 503
        assert UNREACHABLE in page and "Traceback" not in page
        assert headers["Retry-After"] == "30"
        assert seconds < 5
    status, _, body, _ = web.request("/readyz")
    assert status == 503 and '"database": "failed"' in body
    assert web.request("/healthz")[:1] == (200,)

    proxy.start()  # back: the very next request works, no restart of the app
    status, _, page, _ = web.log_in("nobody", "wrong")
    assert status == 200 and WRONG_PASSWORD in page

    # A restart between two requests: the persistent connection is dead, and CONN_HEALTH_CHECKS
    # replaces it before the request uses it (without, this request would fail).
    proxy.cut()
    proxy.start()
    status, _, page, _ = web.log_in("nobody", "wrong")
    assert status == 200 and WRONG_PASSWORD in page, web.log.read_text()[-3000:]


def test_other_errors_keep_the_plain_500_page():
    from django.db import OperationalError
    from django.test import RequestFactory

    from config.errors import server_error

    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = server_error(request)
    try:
        try:
            raise ConnectionRefusedError("connection refused")
        except ConnectionRefusedError as exc:
            raise OperationalError("could not connect to server") from exc
    except OperationalError:
        outage = server_error(request)
    assert (bug.status_code, "Retry-After" in bug) == (500, False)
    assert "系统出现错误" in bug.content.decode()
    assert (outage.status_code, outage["Retry-After"]) == (503, "30")
    assert UNREACHABLE in outage.content.decode()
