"""The permission matrix's world (tests/responsibilities/permission_world.py), built once for the whole
package: organizations in and out of county A's staff's scope, each with evidence, meetings, reports,
findings, cases and assessments, and the personas who may or may not see them."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.responsibilities.permission_world import World, build_world


@pytest.fixture(scope="package")
def _security_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once inside a transaction rolled back at the end; evidence files in a temporary directory."""
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=uploads), transaction.atomic():
        world = build_world()
        world.uploads = uploads
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_security_world, settings) -> World:
    """The shared world; whatever a test writes is rolled back with the test's savepoint."""
    settings.MEDIA_ROOT = _security_world.uploads
    return _security_world
