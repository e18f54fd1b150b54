"""The permission matrix's world (tests/responsibilities/permission_world.py), built once per module:
organizations in and out of county A's staff's scope, each with evidence, meetings, reports, findings,
cases and assessments, and the personas who may or may not see them."""

from tests.responsibilities.conftest import _shared_world, world  # noqa: F401
