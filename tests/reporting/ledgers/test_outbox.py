"""The background jobs' outbox (responsibilities/jobs.py) against a Redis broker of the test's own that
goes down or hangs: a large export never answers 500, never stays pending forever, and starts once the
broker is back."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from config.celery import app as celery_app
from reporting.ledgers import services as ledgers
from responsibilities import jobs
from responsibilities.models import ExportJob
from tests.celery_worker import broker_at
from tests.config.test_serve import BASE_DIR
from tests.factories import ensure_seed_data
from tests.redis_server import running_redis
from tests.reporting.ledgers.test_ledgers import export, generate, in_subtree, login, make_job

WAITING = "任务队列暂不可用，恢复后将自动开始。"
TRANSPORT = {"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0}


@pytest.fixture
def broker(tmp_path_factory):
    """The project's Celery app publishing to a Redis server of this test (settings' fail-fast options)."""
    for server in running_redis(tmp_path_factory):
        with broker_at(server.url, broker_transport_options=TRANSPORT):
            yield server


def queued(server) -> int:
    return redis.Redis.from_url(server.url).llen("celery")


def timed_export(client, organization, django_capture_on_commit_callbacks):
    start = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, organization)
    return response, time.monotonic() - start


@pytest.fixture
def large_exports(monkeypatch):
    generate()
    monkeypatch.setattr(ledgers, "STREAM_MAX_ROWS", 10)


def page(client, job: ExportJob) -> str:
    from django.urls import reverse

    return client.get(reverse("reporting:ledger_job", args=[job.pk])).content.decode()


def test_with_the_broker_up_the_job_is_queued_at_once(tree, city_staff, broker, large_exports,
                                                     django_capture_on_commit_callbacks):
    client = login(city_staff)
    response, _ = timed_export(client, tree.county_a, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.task) == ("pending", "reporting.export_ledger")
    assert job.queued_at is not None
    assert queued(broker) == 1
    assert WAITING not in page(client, job)


def test_with_the_broker_down_the_job_waits_and_the_tick_queues_it_once_the_broker_is_back(
    tree, city_staff, broker, large_exports, settings, django_capture_on_commit_callbacks
):
    client = login(city_staff)
    broker.stop()

    response, seconds = timed_export(client, tree.county_a, django_capture_on_commit_callbacks)

    assert response.status_code == 302  # not a 500
    assert seconds < 3
    job = ExportJob.objects.get()
    assert (job.status, job.task, job.queued_at, job.error) == ("pending", "reporting.export_ledger", None, "")
    assert WAITING in page(client, job)
    assert jobs.jobs_requeue() == {"published": 0, "never_started": 0, "timed_out": 0}  # still down
    assert ExportJob.objects.get().status == "pending"

    broker.start()
    assert jobs.jobs_requeue() == {"published": 1, "never_started": 0, "timed_out": 0}
    job.refresh_from_db()
    assert job.status == "pending" and job.queued_at is not None
    assert queued(broker) == 1
    assert WAITING not in page(client, job)
    assert jobs.jobs_requeue()["published"] == 0  # taken by the broker: not sent again at once

    # Taken but claimed by no worker for more than two minutes (e.g. a broker restarted without its
    # data): sent again. Both deliveries run; the claim lets one of them make the file.
    assert jobs.jobs_requeue(now=timezone.now() + dt.timedelta(minutes=3))["published"] == 1
    assert queued(broker) == 2
    ledgers.export_run(job_id=job.pk)
    ledgers.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempt, job.total) == ("done", 1, in_subtree(tree.county_a).count())
    assert [p.name for p in (Path(settings.MEDIA_ROOT) / "exports").iterdir()] == [job.file_name]


def test_with_the_broker_hung_the_export_answers_within_seconds_and_waits(
    tree, city_staff, broker, large_exports, django_capture_on_commit_callbacks
):
    client = login(city_staff)
    broker.hang()
    try:
        response, seconds = timed_export(client, tree.county_a, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert seconds < 3  # the socket timeout (1 s), not 30 s
        job = ExportJob.objects.get()
        assert (job.status, job.queued_at) == ("pending", None)
        assert WAITING in page(client, job)
    finally:
        broker.resume()
    assert jobs.jobs_requeue()["published"] == 1
    assert queued(broker) == 1


def test_no_job_stays_pending_or_running_forever(tree, city_staff, broker):
    client = login(city_staff)
    never_queued = make_job(city_staff, tree.county_a, status="pending", age=dt.timedelta(minutes=31))
    stuck = make_job(city_staff, tree.county_a, status="running", age=dt.timedelta(minutes=31))
    recent = make_job(city_staff, tree.county_a, status="running", age=dt.timedelta(minutes=5))
    ExportJob.objects.filter(pk=never_queued.pk).update(task="reporting.export_ledger")

    assert jobs.jobs_requeue() == {"published": 0, "never_started": 1, "timed_out": 1}

    rows = {job.pk: (job.status, job.error) for job in ExportJob.objects.all()}
    assert rows == {
        never_queued.pk: ("failed", "任务长时间未能开始（后台任务队列不可用），请重新发起。"),
        stuck.pk: ("failed", "任务超时未完成，请重新发起。"),
        recent.pk: ("running", ""),
    }
    assert "任务长时间未能开始（后台任务队列不可用），请重新发起。" in page(client, never_queued)
    assert queued(broker) == 0


def test_beat_runs_the_sweep_and_the_heartbeat_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert schedule["responsibilities.tick_requeue_jobs"] == 60.0
    assert schedule["responsibilities.tick_heartbeat"] == 60.0
    import responsibilities.tasks  # noqa: F401  (what the worker's autodiscovery imports)

    assert {"responsibilities.tick_requeue_jobs", "responsibilities.tick_heartbeat"} <= set(celery_app.tasks)


# --- a real worker killed in the middle of a task (late acknowledgement) -------------------------


def start_worker(name: str, redis_url: str, media: Path, log: Path, **env) -> subprocess.Popen:
    from tests.config.test_database_outage import subprocess_database_url

    environment = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "ZEREN_TEST_EXPORT_PAUSE"}}
    environment.update(DATABASE_URL=subprocess_database_url(), REDIS_URL=redis_url, ZEREN_UPLOAD_DIR=str(media),
                       ZEREN_VAR_DIR=str(log.parent / "var"), PYTHONUNBUFFERED="1", **env)
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-n", f"{name}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "INFO"],
            cwd=BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_in_the_middle_of_an_export_leaves_it_to_the_next_worker_which_makes_it_once(
    tree, city_staff, tmp_path
):
    """Late acknowledgement: the task stays on the broker until it has run. The first worker is killed
    (SIGKILL) while it holds the written workbook; a new worker gets the task again (redelivered, once
    the visibility timeout has passed) and finishes the job: one file, done once."""
    ensure_seed_data()  # an earlier transactional test's flush may have emptied the work systems
    generate([tree.county_a])
    expected = in_subtree(tree.county_a).count()
    assert expected > 0
    media = tmp_path / "media"
    exports = media / "exports"
    log = tmp_path / "workers.log"
    for server in running_redis_at(tmp_path):
        with broker_at(server.url, broker_transport_options=TRANSPORT):
            job = ExportJob.objects.create(
                user=city_staff, kind="obligations",
                params=ledgers.LedgerParams(kind="obligations", organization_id=tree.county_a.pk).as_json(),
            )
            assert jobs.job_enqueue(job.pk, "reporting.export_ledger") is True
            first = start_worker("first", server.url, media, log, ZEREN_TEST_EXPORT_PAUSE="60",
                                 CELERY_VISIBILITY_TIMEOUT="2")
            try:
                wait_until(lambda: list(exports.glob(f".job-{job.pk}-1.part")), 40, "the first worker's part file", log)
                job.refresh_from_db()
                assert (job.status, job.attempt) == ("running", 1)
            finally:
                stop(first, signal.SIGKILL)  # mid-task: no acknowledgement, no clean-up
            time.sleep(2.5)  # past the visibility timeout: the task counts as abandoned

            second = start_worker("second", server.url, media, log, CELERY_VISIBILITY_TIMEOUT="2")
            try:
                wait_until(lambda: ExportJob.objects.get(pk=job.pk).status == "done", 40, "the export", log)
            finally:
                stop(second)

    job.refresh_from_db()
    assert (job.status, job.attempt, job.total, job.done) == ("done", 2, expected, expected)
    assert sorted(p.name for p in exports.iterdir()) == [job.file_name]  # one file, no part left over
    # The task reached both workers: once new, once again after the first worker died.
    assert len(re.findall(r"Task reporting.export_ledger\[[0-9a-f-]+\] received", log.read_text())) == 2


def running_redis_at(directory: Path):
    from tests.redis_server import RedisServer

    server = RedisServer(directory).start()
    try:
        yield server
    finally:
        server.stop()


def wait_until(predicate, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; workers' output:\n{log.read_text(errors='replace')[-6000:]}")

