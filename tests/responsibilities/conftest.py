"""Fixtures of the permission matrix's world (tests/responsibilities/permission_world.py)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from tests.responsibilities.permission_world import World, build_world


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module's ~600 cases inside a transaction rolled back at the end.

    Evidence files go to a temporary directory, never the repository's var/.
    """
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=uploads), transaction.atomic():
        world = build_world()
        world.uploads = uploads
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(_shared_world, settings) -> World:
    """The shared world; whatever a test writes is rolled back with the test's savepoint."""
    settings.MEDIA_ROOT = _shared_world.uploads
    return _shared_world
