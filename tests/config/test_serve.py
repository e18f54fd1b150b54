"""`manage.py serve` on the embedded default: SQLite, a filesystem broker, no servers to install.

This is what `make run` starts. The test runs it for real in a subprocess, as a
terminal would, and presses Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}}
    env["ZEREN_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}; output:\n{log.read_text(errors='replace')}")


def get_healthz(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.read().decode() if response.status == 200 else None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in argv:
            found.append(argv)
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    path = tmp_path / "var"
    path.mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR, env=embedded_env(path), check=True, timeout=120,
    )
    return path


def test_serve_runs_web_worker_and_beat_and_stops_cleanly_on_ctrl_c(var_dir: Path, tmp_path: Path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = embedded_env(var_dir)
    with log.open("wb") as out:
        # A session of its own, like a terminal: Ctrl-C goes to the foreground process group.
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    groups: set[int] = set()
    try:
        health = wait_for(lambda: get_healthz(port), 40, "GET /healthz", log)
        assert health == "ok"

        output = lambda: log.read_text(errors="replace")  # noqa: E731
        wait_for(lambda: "celery@" in output() and " ready." in output(), 40, "the Celery worker", log)
        wait_for(lambda: "beat: Starting" in output(), 20, "Celery beat", log)

        # A task sent by another process travels through the filesystem broker to the worker.
        subprocess.run(
            [sys.executable, "-c",
             "from config.celery import app; app.send_task('celery.accumulate', args=(20, 26))"],
            cwd=BASE_DIR, env=env, check=True, timeout=60,
        )
        wait_for(
            lambda: any("celery.accumulate[" in line and "succeeded" in line and "(20, 26)" in line
                        for line in output().splitlines()),
            30, "the task to run in the worker", log,
        )

        groups = {os.getpgid(pid) for pid in child_pids(serve.pid)}
        assert len(groups) == 2, "web and worker each run in a process group of their own"

        os.killpg(serve.pid, signal.SIGINT)
        returncode = serve.wait(timeout=20)
        assert returncode == 0, log.read_text(errors="replace")
        wait_for(lambda: not any(group_alive(g) for g in groups), 5, "child processes to exit", log)
        assert "已全部停止" in output()
        assert processes_mentioning(str(var_dir)) == []
        assert "Cold shutdown" not in output()
    finally:
        for pgid in {serve.pid, *groups}:
            if group_alive(pgid):
                os.killpg(pgid, signal.SIGKILL)
        serve.wait(timeout=10)


def test_serve_stops_everything_when_one_process_dies(var_dir: Path, tmp_path: Path):
    log = tmp_path / "serve.log"
    with socket.socket() as taken, log.open("wb") as out:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=embedded_env(var_dir), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = serve.wait(timeout=40)
        finally:
            if group_alive(serve.pid):
                os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=10)
    output = log.read_text(errors="replace")
    assert returncode == 1, output
    assert "web 进程意外退出" in output
    assert "已全部停止" not in output
    assert processes_mentioning(str(var_dir)) == [], "the Celery worker was stopped too"
