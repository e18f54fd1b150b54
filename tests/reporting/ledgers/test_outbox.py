"""The background jobs' outbox (responsibilities/jobs.py) against a Redis broker of the test's own that
goes down or hangs: a large export never answers 500, never stays pending forever, and starts once the
broker is back."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from config.celery import app as celery_app
from reporting.ledgers import services as ledgers
from responsibilities import jobs
from responsibilities.models import ExportJob
from tests.redis_server import running_redis
from tests.reporting.ledgers.test_ledgers import export, generate, in_subtree, login, make_job

WAITING = "任务队列暂不可用，恢复后将自动开始。"
TRANSPORT = {"socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0}


@pytest.fixture
def broker(tmp_path_factory):
    """The project's Celery app publishing to a Redis server of this test (settings' fail-fast options)."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options")}
    for server in running_redis(tmp_path_factory):
        celery_app.conf.update(broker_url=server.url, broker_transport_options=TRANSPORT)
        _drop_connections()
        try:
            yield server
        finally:
            celery_app.conf.update(saved)
            _drop_connections()


def _drop_connections() -> None:
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


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
        never_queued.pk: ("failed", "任务长时间未能开始（后台任务队列不可用），请重新导出。"),
        stuck.pk: ("failed", "导出超时，请重新导出。"),
        recent.pk: ("running", ""),
    }
    assert "任务长时间未能开始（后台任务队列不可用），请重新导出。" in page(client, never_queued)
    assert queued(broker) == 0


def test_beat_runs_the_sweep_and_the_heartbeat_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert schedule["responsibilities.tick_requeue_jobs"] == 60.0
    assert schedule["responsibilities.tick_heartbeat"] == 60.0
    import responsibilities.tasks  # noqa: F401  (what the worker's autodiscovery imports)

    assert {"responsibilities.tick_requeue_jobs", "responsibilities.tick_heartbeat"} <= set(celery_app.tasks)
