"""The home page's panels ask "which organizations is this user staff of" once per request, not once
per panel (`staffed_organization_ids` is kept on the user object, like the grants)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsibilities import permissions
from responsibilities.models import OrganizationUserPermission
from responsibilities.org.selectors import staffed_organization_ids
from tests.factories import make_user

STAFF_GRANTS_TABLE = OrganizationUserPermission._meta.db_table


def _staff_grant_queries(queries) -> list[str]:
    # PostgreSQL wraps each side of the UNION in parentheses, SQLite does not.
    return [q["sql"] for q in queries
            if q["sql"].lstrip("(").startswith(f'SELECT "{STAFF_GRANTS_TABLE}"."content_object_id"')]


def test_staffed_organizations_are_read_once_per_user_object(tree, county_a_staff):
    with CaptureQueriesContext(connection) as queries:
        first = staffed_organization_ids(county_a_staff)
        second = staffed_organization_ids(county_a_staff)
    assert first == second == {tree.county_a.pk}
    assert len(queries) == 1


def test_a_caller_changing_the_answer_does_not_change_the_next_one(tree, county_a_staff):
    staffed_organization_ids(county_a_staff).add(tree.county_b.pk)
    assert staffed_organization_ids(county_a_staff) == {tree.county_a.pk}


def test_a_grant_given_or_taken_in_the_same_request_is_seen(tree, county_a_staff):
    assert staffed_organization_ids(county_a_staff) == {tree.county_a.pk}
    permissions.grant(county_a_staff, "manage", tree.town_b1, actor=None)
    assert staffed_organization_ids(county_a_staff) == {tree.county_a.pk, tree.town_b1.pk}
    permissions.revoke(county_a_staff, "manage", tree.county_a, actor=None)
    assert staffed_organization_ids(county_a_staff) == {tree.town_b1.pk}


def test_a_deactivated_user_is_no_ones_staff(tree, county_a_staff):
    assert staffed_organization_ids(county_a_staff) == {tree.county_a.pk}
    county_a_staff.is_active = False
    assert staffed_organization_ids(county_a_staff) == set()


@pytest.mark.parametrize("persona", ["staff", "secretary"])
def test_the_home_page_reads_the_staff_grants_at_most_once(client, tree, persona):
    grants = {"staff": [("view", tree.county_a), ("manage", tree.county_a), ("draft_report", tree.county_a)],
              "secretary": [("view", tree.county_a), ("sign_report", tree.county_a)]}[persona]
    client.force_login(make_user(f"home_{persona}", grants=grants))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(_staff_grant_queries(queries.captured_queries)) == 1
    # Before the answer was kept, staff paid 7 reads of their grants among 33 queries.
    assert len(queries) <= 27
