"""Creating and moving an organization, and registering a person in it, record who did it and when:
an OrganizationEvent written by the org service in the same transaction."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from responsibilities.models import Organization, OrganizationEvent
from responsibilities.org import services
from tests.factories import make_org, make_user

# 2026-03-02 09:30 in Asia/Shanghai
AT = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)


def _events(org: Organization) -> list[tuple]:
    return [(e.kind, e.actor, e.at, e.data) for e in OrganizationEvent.objects.filter(organization=org)]


def test_creating_an_organization_records_its_author_and_time(db):
    admin = make_user("org_admin")
    city = make_org("X市委")

    with time_machine.travel(AT, tick=False):
        county = services.organization_create(name="A县委", kind="committee", parent=city, actor=admin)

    assert _events(county) == [("created", admin, AT, {"parent": {"id": city.pk, "name": "X市委"}})]


def test_a_root_organization_created_by_the_system_records_no_author(db):
    with time_machine.travel(AT, tick=False):
        city = services.organization_create(name="X市委", kind="committee", actor=None)

    assert _events(city) == [("created", None, AT, {"parent": None})]


def test_moving_an_organization_records_its_author_time_and_both_parents(tree):
    admin = make_user("org_admin")

    with time_machine.travel(AT, tick=False):
        services.organization_move(organization=tree.town_a1, new_parent=tree.county_b, actor=admin)

    moved = OrganizationEvent.objects.filter(organization=tree.town_a1, kind="moved")
    assert [(e.actor, e.at, e.data) for e in moved] == [(admin, AT, {
        "from_parent": {"id": tree.county_a.pk, "name": "A县委"},
        "to_parent": {"id": tree.county_b.pk, "name": "B县委"},
    })]


def test_a_refused_move_records_nothing(tree):
    admin = make_user("org_admin")

    with pytest.raises(ValidationError):
        services.organization_move(organization=tree.county_a, new_parent=tree.town_a1, actor=admin)

    assert not OrganizationEvent.objects.filter(kind="moved").exists()


def test_registering_a_person_records_its_author_on_the_organization(tree):
    admin = make_user("org_admin")

    with time_machine.travel(AT, tick=False):
        person = services.person_create(name="王五", organization=tree.county_a, title="委员", actor=admin)

    added = OrganizationEvent.objects.filter(organization=tree.county_a, kind="person_added")
    assert [(e.actor, e.at, e.data) for e in added] == [(admin, AT, {"person": {"id": person.pk, "name": "王五"}})]


def test_moving_an_organization_on_its_page_records_the_user(client, tree):
    admin = make_user("city_admin", grants=[("view", tree.city), ("administer", tree.city)])
    client.force_login(admin)

    response = client.post(f"/orgs/{tree.town_a1.pk}/move/", {"new_parent": tree.county_b.pk})

    assert response.status_code == 302
    moved = OrganizationEvent.objects.get(organization=tree.town_a1, kind="moved")
    assert (moved.actor, moved.data["from_parent"]["name"], moved.data["to_parent"]["name"]) == (admin, "A县委", "B县委")
