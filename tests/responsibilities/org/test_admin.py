"""The admin writes through the services: a role assignment is added by `role_assign` and ended by
`role_end`, an organization is added by `organization_create` and moved by `organization_move`, a
person is added by `person_create` (their rules, their refusals as Chinese form errors, their
author); models whose state has one service writer are read-only there."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import Delegation, Report, Submission
from responsibilities.models import (
    Notification,
    Obligation,
    Organization,
    OrganizationEvent,
    Person,
    RoleAssignment,
)
from tests.factories import make_assignment, make_person, make_user

D = datetime.date


@pytest.fixture
def admin_client(tree) -> tuple[Client, object]:
    user = make_user("site_admin", superuser=True)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def secretary(tree):
    person = make_person("张书记", organization=tree.county_a)
    return make_assignment(person=person, role="secretary", start=D(2025, 1, 1))


def _add(client, *, person, organization, role="secretary", start="2025-06-01", end=""):
    return client.post(reverse("admin:responsibilities_roleassignment_add"), {
        "person": person.pk, "organization": organization.pk, "role": role,
        "start_date": start, "end_date": end, "portfolio": "",
    })


def test_an_overlapping_first_responsible_is_refused_with_a_chinese_form_error(admin_client, tree, secretary):
    client, _ = admin_client
    other = make_person("李副书记", organization=tree.county_a)

    response = _add(client, person=other, organization=tree.county_a)

    assert response.status_code == 200
    assert "同一时间只能有一人担任该角色" in response.content.decode()
    assert list(RoleAssignment.objects.filter(organization=tree.county_a, role="secretary")) == [secretary]


def test_a_role_added_in_the_admin_is_recorded_by_role_assign_with_its_author(admin_client, tree, secretary):
    client, user = admin_client
    other = make_person("王委员", organization=tree.county_a)

    response = _add(client, person=other, organization=tree.county_a, role="member")

    assert response.status_code == 302
    added = RoleAssignment.objects.get(person=other)
    assert (added.role, added.start_date, added.created_by) == ("member", D(2025, 6, 1), user)


def test_ending_a_role_in_the_admin_goes_through_role_end(admin_client, tree, secretary):
    client, user = admin_client
    url = reverse("admin:responsibilities_roleassignment_change", args=[secretary.pk])

    response = client.post(url, {"end_date": "2026-03-31"})

    assert response.status_code == 302
    secretary.refresh_from_db()
    assert (secretary.end_date, secretary.ended_by) == (D(2026, 3, 31), user)


def test_ending_a_role_before_it_began_is_a_form_error_not_a_500(admin_client, tree, secretary):
    client, _ = admin_client
    url = reverse("admin:responsibilities_roleassignment_change", args=[secretary.pk])

    response = client.post(url, {"end_date": "2024-12-31"})

    assert response.status_code == 200
    assert "结束日期不能早于起始日期" in response.content.decode()
    secretary.refresh_from_db()
    assert secretary.end_date is None


def test_the_admin_cannot_rewrite_who_held_a_role_or_delete_the_record(admin_client, tree, secretary):
    client, _ = admin_client
    other = make_person("赵委员", organization=tree.county_b)
    url = reverse("admin:responsibilities_roleassignment_change", args=[secretary.pk])

    client.post(url, {"person": other.pk, "organization": tree.county_b.pk, "role": "member",
                      "start_date": "2020-01-01", "end_date": ""})

    secretary.refresh_from_db()
    assert (secretary.person.name, secretary.organization, secretary.role, secretary.start_date) == (
        "张书记", tree.county_a, "secretary", D(2025, 1, 1))
    delete = reverse("admin:responsibilities_roleassignment_delete", args=[secretary.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=secretary.pk).exists()


@pytest.mark.parametrize("model", [Obligation, Notification, Report, Submission, Delegation])
def test_records_written_by_one_service_are_read_only_in_the_admin(admin_client, model):
    client, _ = admin_client
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200


_NO_DEPARTMENTS = {"departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0",
                   "departments-MIN_NUM_FORMS": "0", "departments-MAX_NUM_FORMS": "1000"}


def _org_form(org: Organization, **changes) -> dict:
    parent = Organization.objects.get_parent(org) if org.depth > 1 else None
    data = {"name": org.name, "short_name": org.short_name, "kind": org.kind, "sort_order": org.sort_order,
            "report_lead_days": org.report_lead_days, "parent": parent.pk if parent else "", **_NO_DEPARTMENTS}
    data.update(changes)
    return data


def _parent(org: Organization) -> Organization:
    return Organization.objects.get_parent(Organization.objects.get(pk=org.pk))


def test_an_organization_added_in_the_admin_is_created_by_the_service_with_its_author(admin_client, tree):
    client, user = admin_client

    response = client.post(reverse("admin:responsibilities_organization_add"), {
        "name": "A县三镇党委", "short_name": "", "kind": "committee", "sort_order": "3",
        "report_lead_days": "10", "parent": tree.county_a.pk, **_NO_DEPARTMENTS,
    })

    assert response.status_code == 302
    added = Organization.objects.get(name="A县三镇党委")
    assert (_parent(added), added.depth, added.sort_order) == (tree.county_a, 3, 3)
    assert [(e.kind, e.actor, e.data) for e in OrganizationEvent.objects.filter(organization=added)] == [
        ("created", user, {"parent": {"id": tree.county_a.pk, "name": "A县委"}})]


def test_moving_an_organization_in_the_admin_goes_through_the_service_with_its_author(admin_client, tree):
    client, user = admin_client
    url = reverse("admin:responsibilities_organization_change", args=[tree.town_a1.pk])

    response = client.post(url, _org_form(tree.town_a1, parent=tree.county_b.pk))

    assert response.status_code == 302
    assert _parent(tree.town_a1) == tree.county_b
    moved = OrganizationEvent.objects.get(organization=tree.town_a1, kind="moved")
    assert (moved.actor, moved.data["to_parent"]) == (user, {"id": tree.county_b.pk, "name": "B县委"})


def test_moving_an_organization_under_its_own_descendant_in_the_admin_is_a_chinese_form_error(admin_client, tree):
    client, _ = admin_client
    url = reverse("admin:responsibilities_organization_change", args=[tree.county_a.pk])
    before = sorted(Organization.objects.values_list("pk", "path", "depth", "numchild"))

    response = client.post(url, _org_form(tree.county_a, parent=tree.town_a1.pk))

    assert response.status_code == 200
    assert "不能把组织移动到它自己或它的下级组织之下" in response.content.decode()
    assert sorted(Organization.objects.values_list("pk", "path", "depth", "numchild")) == before
    assert not OrganizationEvent.objects.filter(kind="moved").exists()


def test_renaming_an_organization_in_the_admin_stays_a_plain_edit(admin_client, tree):
    client, _ = admin_client
    url = reverse("admin:responsibilities_organization_change", args=[tree.county_a.pk])

    response = client.post(url, _org_form(tree.county_a, name="A县委员会", short_name="A县委"))

    assert response.status_code == 302
    county_a = Organization.objects.get(pk=tree.county_a.pk)
    assert (county_a.name, _parent(county_a)) == ("A县委员会", tree.city)
    assert not OrganizationEvent.objects.filter(kind="moved").exists()


def test_a_drag_and_drop_move_in_the_admin_does_not_bypass_the_service(admin_client, tree):
    client, _ = admin_client
    move_url = reverse("admin:responsibilities_organization_changelist") + "move/"

    client.post(move_url, {"node": tree.town_a1.pk, "target": tree.county_b.pk, "relation": "child"})

    moved_by_service = OrganizationEvent.objects.filter(organization=tree.town_a1, kind="moved").exists()
    assert _parent(tree.town_a1) == (tree.county_b if moved_by_service else tree.county_a)


def test_a_person_added_in_the_admin_is_registered_by_the_service_with_its_author(admin_client, tree):
    client, user = admin_client

    response = client.post(reverse("admin:responsibilities_person_add"), {
        "name": "钱委员", "title": "委员", "organization": tree.county_b.pk, "department": "", "user": "",
    })

    assert response.status_code == 302
    person = Person.objects.get(name="钱委员")
    added = OrganizationEvent.objects.get(organization=tree.county_b, kind="person_added")
    assert (added.actor, added.data) == (user, {"person": {"id": person.pk, "name": "钱委员"}})


def test_a_move_with_an_invalid_department_row_is_undone_with_the_form(admin_client, tree):
    client, _ = admin_client
    url = reverse("admin:responsibilities_organization_change", args=[tree.town_a1.pk])
    two_offices = {"departments-TOTAL_FORMS": "2", "departments-0-kind": "office", "departments-0-name": "党政办",
                   "departments-1-kind": "office", "departments-1-name": "办公室"}

    response = client.post(url, _org_form(tree.town_a1, parent=tree.county_b.pk, **two_offices))

    assert response.status_code == 200
    assert _parent(tree.town_a1) == tree.county_a
    assert not OrganizationEvent.objects.filter(kind="moved").exists()


def test_the_organization_admin_pages_show_the_tree_in_order(admin_client, tree):
    client, _ = admin_client

    listing = client.get(reverse("admin:responsibilities_organization_changelist")).content.decode()
    change = client.get(reverse("admin:responsibilities_organization_change", args=[tree.town_a1.pk]))

    assert listing.index("X市委") < listing.index("A县委") < listing.index("A县一镇党委") < listing.index("B县委")
    assert client.get(reverse("admin:responsibilities_organization_add")).status_code == 200
    assert change.status_code == 200
    assert f'<option value="{tree.county_a.pk}" selected>' in change.content.decode()
