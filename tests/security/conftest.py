"""The permission matrix's world (tests/responsibilities/permission_world.py), built once for the whole
package: organizations in and out of county A's staff's scope, each with evidence, meetings, reports,
findings, cases and assessments, and the personas who may or may not see them."""

from __future__ import annotations

import pytest

from tests.responsibilities.permission_world import World, world_built_once


@pytest.fixture(scope="package")
def _security_world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_built_once(django_db_blocker, tmp_path_factory) as world:
        yield world


@pytest.fixture
def world(_security_world, settings) -> World:
    """The shared world; whatever a test writes is rolled back with the test's savepoint."""
    settings.MEDIA_ROOT = _security_world.uploads
    return _security_world
