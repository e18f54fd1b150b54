"""`seed_demo`: the fictional demo city, its accounts and scopes, idempotency, and the bulk tree."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from responsibilities.demo import organizations as demo
from responsibilities.models import (
    Department,
    Organization,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
)
from responsibilities.org import services
from responsibilities.org.selectors import holder_on
from responsibilities.permissions import can, visible

Role = RoleAssignment.Role
pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def city(seeded_demo) -> Organization:
    # Seeded once (tests/conftest.py) and shared; each test's changes are rolled back.
    return Organization.objects.get(pk=seeded_demo.root_pk)


def child(parent: Organization, name: str) -> Organization:
    return Organization.objects.get(path__startswith=parent.path, depth=parent.depth + 1, name=name)


def user(username: str):
    return get_user_model().objects.get(username=username)


def row_counts() -> dict[str, int]:
    return {
        "orgs": Organization.objects.count(),
        "departments": Department.objects.count(),
        "people": Person.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "users": get_user_model().objects.count(),
        "grants": OrganizationUserPermission.objects.count(),
    }


# --- the demo tree ---------------------------------------------------------------


def test_demo_tree_has_at_least_40_organizations_each_with_a_secretary_today(city):
    today = timezone.localdate()
    orgs = list(Organization.objects.all())
    assert len(orgs) >= 40
    without_secretary = [o.name for o in orgs if holder_on(o, Role.SECRETARY, today) is None]
    assert without_secretary == []
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_tree_has_the_shape_of_a_city(city):
    county_a, county_b = child(city, demo.COUNTY_A_NAME), child(city, demo.COUNTY_B_NAME)
    assert county_a.short_name == "临河县委"
    assert {d.kind for d in city.departments.all()} == set(Department.Kind.values)
    assert {d.kind for d in county_a.departments.all()} == {"propaganda", "organization", "discipline"}
    for county in (county_a, county_b):
        towns = list(Organization.objects.get_children(county))
        assert 2 <= len(towns) <= 3
        assert any(t.kind == Organization.Kind.WORKING_COMMITTEE for t in towns)
        for town in towns:
            assert 3 <= Organization.objects.get_children(town).count() <= 5
    kinds = {o.name: o.kind for o in Organization.objects.get_children(city)}
    assert kinds["江川城投集团有限公司党委"] == Organization.Kind.COMMITTEE
    assert Organization.objects.get_children(child(city, "江川城投集团有限公司党委")).count() == 3
    assert kinds["江川市第一中学党支部"] == Organization.Kind.BRANCH


def test_every_organization_has_a_full_team_and_committees_a_leading_group(city):
    today = timezone.localdate()
    for org in Organization.objects.all():
        roles = list(RoleAssignment.objects.filter(organization=org).active_on(today).values_list("role", flat=True))
        assert roles.count(Role.SECRETARY) == 1
        assert roles.count(Role.DIRECT) == 1
        assert 2 <= roles.count(Role.MEMBER) <= 4
        assert roles.count(Role.PUBLICITY) == 1
        if org.kind in (Organization.Kind.COMMITTEE, Organization.Kind.WORKING_COMMITTEE):
            assert roles.count(Role.GROUP_HEAD) == 1
            assert roles.count(Role.GROUP_DEPUTY) == 1
            assert roles.count(Role.GROUP_MEMBER) >= 2
            assert roles.count(Role.GROUP_OFFICE_DIRECTOR) == 1
            assert roles.count(Role.LIAISON) == 1
            head = holder_on(org, Role.GROUP_HEAD, today)
            assert head == holder_on(org, Role.SECRETARY, today)


def test_members_carry_one_post_two_duties_portfolios(city):
    town = Organization.objects.get(name="临河县柳溪镇党委")
    portfolios = set(
        RoleAssignment.objects.filter(organization=town, role=Role.MEMBER).values_list("portfolio", flat=True)
    )
    assert "分管经济发展、包抓柳溪村" in portfolios


def test_start_dates_lie_in_2021_to_2025_except_the_successor(city):
    starts = RoleAssignment.objects.exclude(start_date=demo.SUCCESSOR_FIRST_DAY).values_list("start_date", flat=True)
    assert all(datetime.date(2021, 1, 1) <= d <= datetime.date(2025, 12, 31) for d in starts)


def test_second_county_secretary_was_replaced_mid_year(city):
    county_b = child(city, demo.COUNTY_B_NAME)
    before = holder_on(county_b, Role.SECRETARY, datetime.date(2026, 5, 15))
    after = holder_on(county_b, Role.SECRETARY, datetime.date(2026, 6, 15))
    assert before is not None and after is not None
    assert before != after
    assert holder_on(county_b, Role.SECRETARY, demo.REPLACED_LAST_DAY) == before
    assert holder_on(county_b, Role.SECRETARY, demo.SUCCESSOR_FIRST_DAY) == after
    assert holder_on(county_b, Role.GROUP_HEAD, datetime.date(2026, 6, 15)) == after


# --- accounts and scopes -------------------------------------------------------


def test_every_demo_account_logs_in_with_the_demo_password(city, client):
    for account in demo.ACCOUNTS:
        person = user(account.username)
        assert person.last_name and person.first_name, account.username
        assert client.login(username=account.username, password=demo.DEMO_PASSWORD), account.username
        client.logout()


def test_each_account_sees_exactly_its_scope(city):
    everything = set(Organization.objects.values_list("pk", flat=True))
    county_a = child(city, demo.COUNTY_A_NAME)
    county_a_tree = set(Organization.objects.get_tree(county_a).values_list("pk", flat=True))
    assert len(county_a_tree) < len(everything)

    def seen(username: str) -> set[int]:
        return set(visible(user(username), "view", Organization.objects.all()).values_list("pk", flat=True))

    assert seen("admin") == everything
    assert seen("city_xcb") == everything
    assert seen("city_jijian") == everything
    assert seen("county_a_xcb") == county_a_tree
    assert seen("county_a_shuji") == county_a_tree


def test_accounts_hold_the_capabilities_they_are_described_with(city):
    county_a, county_b = child(city, demo.COUNTY_A_NAME), child(city, demo.COUNTY_B_NAME)
    admin = user("admin")
    assert admin.is_superuser and admin.is_staff
    assert OrganizationUserPermission.objects.filter(
        user=admin, content_object=city, permission__codename="administer"
    ).exists()
    assert can(user("city_xcb"), "draft_report", county_b)
    assert not can(user("city_xcb"), "sign_report", county_b)
    assert can(user("county_a_xcb"), "manage", county_a)
    assert not can(user("county_a_xcb"), "manage", city)
    assert can(user("county_a_shuji"), "sign_report", county_a)
    assert not can(user("county_a_shuji"), "manage", county_a)
    assert not can(user("county_a_shuji"), "sign_report", county_b)
    assert can(user("city_jijian"), "inspect", county_b)
    assert not can(user("city_jijian"), "manage", county_b)


def test_grants_are_one_row_per_granted_organization(city):
    # city_xcb: view, manage, draft_report on the city only, never per descendant.
    rows = OrganizationUserPermission.objects.filter(user=user("city_xcb"))
    assert sorted(rows.values_list("permission__codename", flat=True)) == ["draft_report", "manage", "view"]
    assert set(rows.values_list("content_object", flat=True)) == {city.pk}


def test_county_secretary_account_is_the_person_holding_first_responsibility(city):
    county_a = child(city, demo.COUNTY_A_NAME)
    secretary = holder_on(county_a, Role.SECRETARY, timezone.localdate())
    shuji = user("county_a_shuji")
    assert secretary.user == shuji
    assert shuji.last_name + shuji.first_name == secretary.name


def test_staff_accounts_are_people_in_their_departments(city):
    county_a = child(city, demo.COUNTY_A_NAME)
    assert user("city_xcb").person.department == city.departments.get(kind="propaganda")
    assert user("county_a_xcb").person.department == county_a.departments.get(kind="propaganda")
    assert user("city_jijian").person.department == city.departments.get(kind="discipline")


def test_county_a_xcb_pages_stop_at_the_county_boundary(city, client):
    county_a, county_b = child(city, demo.COUNTY_A_NAME), child(city, demo.COUNTY_B_NAME)
    town_a = Organization.objects.get_children(county_a).first()
    client.login(username="county_a_xcb", password=demo.DEMO_PASSWORD)
    detail = "responsibilities:organization_detail"
    assert client.get(reverse(detail, args=[county_a.pk])).status_code == 200
    assert client.get(reverse(detail, args=[town_a.pk])).status_code == 200
    assert client.get(reverse(detail, args=[county_b.pk])).status_code == 404
    assert client.get(reverse(detail, args=[city.pk])).status_code == 404


# --- idempotency and refusal --------------------------------------------------


def test_second_run_changes_nothing(city):
    before = row_counts()
    output = seed()
    assert "演示数据已存在，未做更改" in output
    assert row_counts() == before


def test_second_run_restores_a_missing_account_without_touching_the_tree(city):
    tree_before = Organization.objects.count(), RoleAssignment.objects.count()
    user("county_a_xcb").delete()
    output = seed()
    assert "已加载演示数据" in output
    assert (Organization.objects.count(), RoleAssignment.objects.count()) == tree_before
    assert visible(user("county_a_xcb"), "view", Organization.objects.all()).count() == (
        Organization.objects.get_tree(child(city, demo.COUNTY_A_NAME)).count()
    )


@override_settings(PRODUCTION=True)
def test_refuses_to_run_with_production_settings():
    with pytest.raises(CommandError, match="生产环境"):
        seed()
    assert Organization.objects.count() == 0
    assert not get_user_model().objects.exists()


# --- bulk tree for benchmarks -------------------------------------------------

# `--orgs N` first seeds the demo city, then adds organizations up to N. One test grows it from an
# empty database; the others start from the shared, already seeded demo city (`seeded_demo`), the
# state the command reaches after its first step, and save seeding it again.


@pytest.mark.parametrize("position", [1, 9, 10, 35, 36, 37, 1295, 1296, 46656])
def test_path_segment_matches_treebeard(position):
    assert demo.path_segment(position) == Organization._get_path("", 1, position)
    assert demo.path_position(demo.path_segment(position)) == position


def test_bulk_run_yields_exactly_n_organizations_in_a_consistent_tree():
    seed("--orgs", "300")
    assert Organization.objects.count() == 300
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    city = Organization.objects.get(depth=1)
    assert city.name == demo.CITY_NAME
    assert city.numchild == Organization.objects.get_children(city).count() > 4
    for org in Organization.objects.filter(depth__lte=3):
        assert org.numchild == Organization.objects.get_children(org).count(), org.name


def test_bulk_organizations_each_have_one_secretary_and_at_most_one_group_head(seeded_demo):
    seed("--orgs", "300")
    today = timezone.localdate()
    secretaries = RoleAssignment.objects.filter(role=Role.SECRETARY).active_on(today)
    heads = RoleAssignment.objects.filter(role=Role.GROUP_HEAD).active_on(today)
    assert secretaries.count() == 300
    assert secretaries.values("organization").distinct().count() == 300
    assert heads.count() == heads.values("organization").distinct().count()
    assert heads.count() == Organization.objects.exclude(kind=Organization.Kind.BRANCH).count()


def test_second_bulk_run_detects_the_big_tree_and_does_nothing(seeded_demo):
    seed("--orgs", "300")
    before = row_counts()
    assert "演示数据已存在，未做更改" in seed("--orgs", "300")
    assert row_counts() == before


def test_bulk_run_grows_an_existing_tree_to_the_new_total(seeded_demo):
    seed("--orgs", "150")
    seed("--orgs", "400")
    assert Organization.objects.count() == 400
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_tree_operations_work_on_bulk_created_nodes(seeded_demo):
    seed("--orgs", "300")
    town = Organization.objects.filter(depth=3, name__contains="县").order_by("-path").first()
    before = town.numchild
    village = services.organization_create(name="新设村党支部", kind="branch", parent=town, actor=None)
    town.refresh_from_db()
    assert town.numchild == before + 1
    assert Organization.objects.get_parent(village) == town
    assert Organization.objects.find_problems() == ([], [], [], [], [])
