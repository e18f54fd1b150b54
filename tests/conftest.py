from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from responsibilities.demo import organizations as demo
from responsibilities.models import Organization
from tests.factories import make_org, make_user
from tests.skip_guard import NoSkipsAllowed

NEEDS_POSTGRES = "需要 PostgreSQL（设置 DATABASE_URL）"


def _on_postgres_settings() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_configure(config):
    # CI runs on PostgreSQL, where every test must run: a skip fails the session. With
    # pytest-xdist the controller sees every worker's reports, so the guard lives there.
    if _on_postgres_settings() and not hasattr(config, "workerinput"):
        config.pluginmanager.register(NoSkipsAllowed(), "zeren-no-skips-on-postgres")


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    where = db.get("HOST") or db.get("NAME")
    broker = settings.REDIS_URL or "embedded (no Redis server)"
    return [f"zeren: database = {engine} ({where}); broker/cache = {broker}"]


# Fixtures holding data that takes seconds to build, once for many tests: the demo city
# (SharedData below) and test_query_counts.py's tree grown to 2,000 organizations.
BUILT_ONCE = ("_seeded_demo_city", "measurements")


@pytest.hookimpl(trylast=True)  # after pytest-django has put the database tests in its order
def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are part of CI's run; on SQLite they are reported as skipped.

    The tests using a BUILT_ONCE fixture run first, each fixture's one after the other, so that
    its data is built once rather than again after each test in between that does not use it;
    being first, they also fall into the first batch that pytest-xdist hands to one worker, so
    the other worker does not build it again. (They are all plain database tests, which
    pytest-django runs first anyway.) Everything else keeps its order.
    """
    if not _on_postgres_settings():
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(pytest.mark.skip(reason=NEEDS_POSTGRES))
    # A transactional test ends by emptying every table. With serialized_rollback the migrations'
    # rows (work systems, calendar, permissions) come back for the next one; without it, whichever
    # transactional test a worker happens to run next finds them gone. So every one declares it.
    unserialized = [
        item.nodeid for item in items
        if (marker := item.get_closest_marker("django_db")) is not None
        and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback")
    ]
    if unserialized:
        raise pytest.UsageError(
            "transactional tests must use serialized_rollback=True: " + ", ".join(unserialized))

    def position(indexed: tuple[int, pytest.Item]) -> tuple[int, int]:
        index, item = indexed
        for rank, fixture in enumerate(BUILT_ONCE):
            if fixture in item.fixturenames:
                return (rank, index)
        return (len(BUILT_ONCE), index)

    items[:] = [item for _, item in sorted(enumerate(items), key=position)]


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings for the whole run, set once here rather than per file:

    - a fast password hasher: the production one costs a good fraction of a second per password;
    - cache keys of their own per pytest-xdist worker, so that workers sharing one Redis never
      see each other's counts (login throttling lives in the cache);
    - WhiteNoise looking static files up when asked instead of indexing every file of every
      finder whenever a test client is built (about 50 ms per Client(), i.e. per test). No test
      requests /static/ through the test client; the live server serves it with Django's handler.
    """
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    caches = {alias: {**conf, "KEY_PREFIX": f"test-{worker}"} for alias, conf in settings.CACHES.items()}
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES=caches,
        WHITENOISE_AUTOREFRESH=True,
        # Rate limits far above what any test does, so that only tests/config/test_ratelimit.py meets them.
        ZEREN_RATE_LIMITS={"login": "100000/min", "pdf": "100000/min", "export": "100000/min"},
    ):
        yield


@pytest.fixture(autouse=True)
def _uploads_outside_the_repository(settings, tmp_path_factory):
    """Uploaded evidence and exports from tests never land in the project's var/ folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _log_triggers(request, django_db_blocker):
    """On PostgreSQL the accountability log refuses UPDATE, DELETE and TRUNCATE (migration 0008),
    and a transactional test ends by emptying every table with one TRUNCATE. For those tests this
    connection skips ordinary triggers (session_replication_role = replica, which only a superuser
    may set), so that the flush succeeds; every other database test runs with the triggers on."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db or not _on_postgres_settings():
        return
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"SET session_replication_role = {'replica' if transactional else 'origin'}")


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class Tree:
    """A small city tree: city → two counties → towns; plus a sibling city for isolation tests."""

    city: Organization
    county_a: Organization
    county_b: Organization
    town_a1: Organization
    town_a2: Organization
    town_b1: Organization
    other_city: Organization


@pytest.fixture
def tree(db) -> Tree:
    city = make_org("X市委", short_name="X市委")
    county_a = make_org("A县委", parent=city, short_name="A县委")
    county_b = make_org("B县委", parent=city, short_name="B县委")
    town_a1 = make_org("A县一镇党委", parent=county_a)
    town_a2 = make_org("A县二镇党委", parent=county_a)
    town_b1 = make_org("B县一镇党委", parent=county_b)
    other_city = make_org("Y市委")
    return Tree(city, county_a, county_b, town_a1, town_a2, town_b1, other_city)


@pytest.fixture
def county_a_staff(tree):
    return make_user("county_a_staff", grants=[("view", tree.county_a), ("manage", tree.county_a)])


@pytest.fixture
def city_staff(tree):
    return make_user("city_staff", grants=[("view", tree.city), ("manage", tree.city)])


# --- data built once and shared by the tests that ask for it ----------------------------------


class SharedData:
    """Rows built once, inside a transaction kept open, for the consecutive tests that ask for them.

    Each such test runs in its own savepoint inside that transaction (pytest-django's `db`), so
    whatever it writes is rolled back. Before a test that did not ask for the data runs, the
    transaction is rolled back (see pytest_runtest_setup below): no other test ever sees the
    rows, and the next test that asks for them gets them built again.
    """

    def __init__(self, build: Callable[[], Any], blocker) -> None:
        self._build, self._blocker = build, blocker
        self._atomic = None
        self.value: Any = None

    def open(self) -> None:
        if self._atomic is not None:
            return
        with self._blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                self.value = self._build()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
            self._atomic = atomic

    def close(self) -> None:
        if self._atomic is not None:
            atomic, self._atomic, self.value = self._atomic, None, None
            with self._blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


_SHARED: dict[str, SharedData] = {}  # fixture name → its shared data, while the fixture lives


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Runs before any of the item's fixtures: roll back shared data the test did not ask for,
    and rebuild (outside the test's own transaction) the data it asks for if it was rolled back."""
    for name, shared in _SHARED.items():
        if name in item.fixturenames:
            shared.open()
        else:
            shared.close()


@dataclass
class DemoCity:
    root_pk: int
    output: str  # what the first `seed_demo` printed
    uploads: str  # where its files (evidence, signed PDFs) were stored


@pytest.fixture(scope="session")
def _seeded_demo_city(_test_settings, django_db_setup, django_db_blocker, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("demo-uploads")

    def build() -> DemoCity:
        shutil.rmtree(uploads)
        uploads.mkdir()
        out = StringIO()
        with override_settings(MEDIA_ROOT=uploads):
            call_command("seed_demo", stdout=out)
        root = Organization.objects.get(depth=1, name=demo.CITY_NAME)
        return DemoCity(root_pk=root.pk, output=out.getvalue(), uploads=str(uploads))

    shared = SharedData(build, django_db_blocker)
    shared.open()
    _SHARED["_seeded_demo_city"] = shared
    yield shared
    del _SHARED["_seeded_demo_city"]
    shared.close()


@pytest.fixture
def seeded_demo(_seeded_demo_city, _uploads_outside_the_repository, settings, db) -> DemoCity:
    """The demo city of `seed_demo` (江川市), seeded once per run of the tests that use it.

    Its files are copied into this test's own MEDIA_ROOT, so the test may change them freely."""
    city = _seeded_demo_city.value
    shutil.copytree(city.uploads, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return city
