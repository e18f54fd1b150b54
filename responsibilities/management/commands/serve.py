"""Run the whole embedded product in one terminal: the web app plus a Celery worker with beat.

`make run` calls this after migrating and loading the demo data. Ctrl-C stops
every process it started, and it stops them all as soon as one of them dies.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网页服务与后台任务（Celery worker + beat），Ctrl-C 一并停止。"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="网页服务监听地址，默认 127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="只启动网页服务")

    def handle(self, *args, addr: str, no_worker: bool, **options):
        if not settings.REDIS_URL:
            for key in ("data_folder_in", "data_folder_out", "processed_folder"):
                folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]
                Path(folder).mkdir(parents=True, exist_ok=True)
        commands = [[sys.executable, "manage.py", "runserver", addr, "--noreload"]]
        if not no_worker:
            commands.append(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
                 "--loglevel=INFO", "--concurrency=1",
                 f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}"]
            )
        children = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603  (fixed argv, no shell)
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            self.stdout.write("正在停止网页服务与后台任务……")
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("已全部停止。")
