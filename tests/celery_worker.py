"""The project's Celery app in tests: pointed at another broker, and a real worker thread that runs
tasks on the test's own database connection (tests/reporting/ledgers, tests/responsibilities/importing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from config.celery import app


def drop_broker_connections() -> None:
    """Forget the connection pools built for the previous broker (they are built lazily from
    broker_url). kombu keeps its pools in a registry keyed by connection: closing only the app's pool
    would leave a closed one there for the next test to acquire from."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str | None = None, **conf) -> Iterator:
    """The app publishing to `url` (default: the configured broker; in memory without REDIS_URL),
    with `conf` overrides; everything restored afterwards."""
    if url is None and not settings.REDIS_URL:
        url, conf = "memory://", {"broker_transport_options": {}, **conf}
    overrides = {**({"broker_url": url} if url else {}), **conf}
    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", *overrides)}
    app.conf.update(overrides)
    drop_broker_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        drop_broker_connections()


@contextmanager
def running_worker(task_name: str, monkeypatch) -> Iterator[threading.Event]:
    """A real worker thread consuming from the app's broker, on this test's database connection.

    Like Django's LiveServerTestCase, the thread shares the test's connection: the worker sees the
    rows of the (never committed) test transaction, and the test database needs no flush, which would
    take the seeded work systems and permissions away from the tests after this one. Yields an event
    set when a task named `task_name` has finished.
    """
    from celery import signals
    from celery.contrib.testing.worker import start_worker
    from celery.fixups.django import DjangoWorkerFixup

    # Celery's Django fixup closes every connection when the pool starts and around each task,
    # which would end the test transaction; the shared connection is this test's to manage.
    monkeypatch.setattr(DjangoWorkerFixup, "install", lambda self: self)
    shared = connections[DEFAULT_DB_ALIAS]
    finished = threading.Event()

    def use_test_connection(**kwargs) -> None:
        connections[DEFAULT_DB_ALIAS] = shared

    def task_finished(sender=None, **kwargs) -> None:
        if sender is not None and sender.name == task_name:
            finished.set()

    app.control.purge()  # messages left on the broker by an earlier, interrupted run
    signals.task_prerun.connect(use_test_connection, weak=False)
    signals.task_postrun.connect(task_finished, weak=False)
    shared.inc_thread_sharing()
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield finished
    finally:
        shared.dec_thread_sharing()
        signals.task_prerun.disconnect(use_test_connection)
        signals.task_postrun.disconnect(task_finished)
