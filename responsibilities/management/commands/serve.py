"""Run the whole embedded product in one terminal: the web app plus a Celery worker with beat.

`make run` calls this after migrating and loading the demo data. Ctrl-C stops
every process it started, and it stops them all as soon as one of them dies.

Each child runs in its own process group. A terminal's Ctrl-C therefore reaches
only this command, which then asks each child to stop exactly once, with the
signal that child treats as a clean shutdown. (Were they in the terminal's group,
Celery would get SIGINT from the terminal and SIGTERM from us, and a second
signal turns its warm shutdown into a cold one.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT_SECONDS = 15


@dataclass
class Child:
    name: str
    argv: list[str]
    stop_signal: signal.Signals
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, process_group=0)  # noqa: S603  (fixed argv, no shell)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill_group(self) -> None:
        """Last resort: the child and everything it forked (Celery's pool and beat)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


class Command(BaseCommand):
    help = "启动网页服务与后台任务（Celery worker + beat），Ctrl-C 一并停止。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="网页服务监听地址，默认 127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="只启动网页服务")

    def handle(self, *args, addr: str, no_worker: bool, **options):
        if not settings.REDIS_URL:
            for key in ("data_folder_in", "data_folder_out", "processed_folder"):
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
        Path(settings.CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)

        manage_py = str(Path(settings.BASE_DIR) / "manage.py")
        # runserver ends cleanly (exit 0) on SIGINT; a Celery worker's warm shutdown is SIGTERM.
        children = [
            Child("web", [sys.executable, manage_py, "runserver", addr, "--noreload"], signal.SIGINT),
        ]
        if not no_worker:
            children.append(
                Child(
                    "celery",
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
                     "--loglevel=INFO", "--concurrency=1",
                     f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"],
                    signal.SIGTERM,
                )
            )

        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, stop)

        died: Child | None = None
        try:
            for child in children:
                child.start()
            while not stopping and died is None:
                died = next((child for child in children if not child.running()), None)
                time.sleep(0.2)
        finally:
            self.stdout.write("正在停止网页服务与后台任务……")
            self._stop(children)
        if died is not None:
            raise CommandError(f"{died.name} 进程意外退出（退出码 {died.process.returncode}），已停止全部服务。")
        self.stdout.write("已全部停止。")

    def _stop(self, children: list[Child]) -> None:
        for child in children:
            if child.running():
                child.process.send_signal(child.stop_signal)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{child.name} 未在 {STOP_TIMEOUT_SECONDS} 秒内退出，强制结束。")
            # Whatever the child left behind in its group goes too.
            child.kill_group()
            child.process.wait()
