"""Grants changed in the admin go through permissions.grant / revoke: logged with the admin as actor,
from the grant list and from guardian's per-organization pages alike."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from responsibilities.log import LogEntry
from responsibilities.models import OrganizationUserPermission
from tests.factories import make_user


@pytest.fixture
def admin(tree):
    user = make_user("site_admin", superuser=True)
    client = Client()
    client.force_login(user)
    return client, user


def _logged(action: str) -> list[tuple]:
    return list(LogEntry.objects.filter(action=action).values_list("actor_id", "organization_id", "payload"))


def test_a_grant_added_in_the_admin_is_logged_with_its_author(admin, tree):
    client, user = admin
    clerk = make_user("clerk")
    inspect = Permission.objects.get(content_type__app_label="responsibilities", codename="inspect")

    response = client.post(reverse("admin:responsibilities_organizationuserpermission_add"), {
        "user": clerk.pk, "permission": inspect.pk, "content_object": tree.county_a.pk,
    })

    assert response.status_code == 302
    assert OrganizationUserPermission.objects.filter(user=clerk, content_object=tree.county_a).count() == 1
    assert _logged("organizationuserpermission.granted") == [
        (user.pk, tree.county_a.pk, {"user": {"id": clerk.pk, "name": "clerk"}, "capability": "inspect"})]


def test_a_grant_deleted_in_the_admin_is_revoked_and_logged(admin, tree):
    client, user = admin
    clerk = make_user("clerk", grants=[("view", tree.county_a)])
    row = OrganizationUserPermission.objects.get(user=clerk)

    response = client.post(reverse("admin:responsibilities_organizationuserpermission_delete", args=[row.pk]),
                           {"post": "yes"})

    assert response.status_code == 302
    assert not OrganizationUserPermission.objects.filter(user=clerk).exists()
    assert _logged("organizationuserpermission.revoked") == [
        (user.pk, tree.county_a.pk, {"user": {"id": clerk.pk, "name": "clerk"}, "capability": "view"})]


def test_guardians_per_organization_page_saves_through_the_services(admin, tree):
    client, user = admin
    clerk = make_user("clerk", grants=[("view", tree.county_a)])

    response = client.post(
        reverse("admin:responsibilities_organization_permissions_manage_user", args=[tree.county_a.pk, clerk.pk]),
        {"permissions": ["manage"]},
    )

    assert response.status_code == 302
    assert sorted(OrganizationUserPermission.objects.filter(user=clerk).values_list("permission__codename", flat=True)) == ["manage"]
    assert [p["capability"] for _a, _o, p in _logged("organizationuserpermission.revoked")] == ["view"]
    assert [(a, p["capability"]) for a, _o, p in _logged("organizationuserpermission.granted")][-1] == (user.pk, "manage")
