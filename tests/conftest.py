from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import override_settings

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


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are part of CI's run; on SQLite they are reported as skipped."""
    if _on_postgres_settings():
        return
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason=NEEDS_POSTGRES))


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings for the whole run, set once here rather than per file:

    - a fast password hasher: the production one costs a good fraction of a second per password;
    - WhiteNoise looking static files up when asked instead of indexing every file of every
      finder whenever a test client is built (about 50 ms per Client(), i.e. per test). No test
      requests /static/ through the test client; the live server serves it with Django's handler.
    """
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


@pytest.fixture(autouse=True)
def _uploads_outside_the_repository(settings, tmp_path_factory):
    """Uploaded evidence and exports from tests never land in the project's var/ folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


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
