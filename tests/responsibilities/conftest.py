"""Fixtures of the permission matrix's world (tests/responsibilities/permission_world.py)."""

from __future__ import annotations

import pytest

from tests.responsibilities.permission_world import World, world_built_once


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module's ~600 cases."""
    with world_built_once(django_db_blocker, tmp_path_factory) as world:
        yield world


@pytest.fixture
def world(_shared_world, settings) -> World:
    """The shared world; whatever a test writes is rolled back with the test's savepoint."""
    settings.MEDIA_ROOT = _shared_world.uploads
    return _shared_world
