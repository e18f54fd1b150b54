"""The admin writes through the services: a role assignment is added by `role_assign` and ended by
`role_end` (their rules, their refusals as Chinese form errors, their author); models whose state
has one service writer are read-only there."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from reporting.models import Delegation, Report, Submission
from responsibilities.models import Notification, Obligation, RoleAssignment
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
