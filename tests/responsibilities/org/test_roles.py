"""Role assignments with dates: the single-holder invariant, ending roles, "who held R on D", moves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from responsibilities import permissions
from responsibilities.models import Organization, RoleAssignment
from responsibilities.org import selectors, services
from tests.factories import make_assignment, make_org, make_person, make_user

Role = RoleAssignment.Role
SINGLE_HOLDER = [Role.SECRETARY, Role.GROUP_HEAD]

D = datetime.date


@pytest.fixture
def county(db) -> Organization:
    return make_org("A县委", parent=make_org("X市委"))


# --- the single-holder invariant, through the service -------------------------------------------


@pytest.mark.parametrize("role", SINGLE_HOLDER)
def test_overlapping_single_holder_is_rejected_naming_the_incumbent(county, role):
    zhang = make_person("张建国", organization=county)
    li = make_person("李明华", organization=county)
    make_assignment(person=zhang, organization=county, role=role, start=D(2026, 1, 1))

    with pytest.raises(ValidationError) as excinfo:
        make_assignment(person=li, organization=county, role=role, start=D(2026, 3, 1))

    message = " ".join(excinfo.value.messages)
    assert excinfo.value.code == "overlap"
    assert "张建国" in message
    assert "A县委" in message
    assert "2026-01-01 起至今" in message
    assert "同一时间只能有一人担任" in message
    assert RoleAssignment.objects.filter(organization=county, role=role).count() == 1


@pytest.mark.parametrize(
    ("new_start", "new_end"),
    [
        (D(2025, 6, 1), D(2026, 1, 1)),  # ends on the incumbent's first day
        (D(2026, 5, 31), None),  # starts on the incumbent's last day (end is inclusive)
        (D(2026, 2, 1), D(2026, 2, 28)),  # lies inside
        (D(2025, 1, 1), None),  # encloses, open-ended
    ],
)
def test_any_shared_day_counts_as_overlap(county, new_start, new_end):
    incumbent = make_person("张建国", organization=county)
    make_assignment(person=incumbent, organization=county, role=Role.SECRETARY,
                    start=D(2026, 1, 1), end=D(2026, 5, 31))

    with pytest.raises(ValidationError, match="张建国"):
        make_assignment(person=make_person(organization=county), organization=county,
                        role=Role.SECRETARY, start=new_start, end=new_end)


def test_the_same_person_cannot_hold_the_secretary_post_twice_at_once(county):
    zhang = make_person("张建国", organization=county)
    make_assignment(person=zhang, organization=county, role=Role.SECRETARY, start=D(2026, 1, 1))

    with pytest.raises(ValidationError, match="张建国"):
        make_assignment(person=zhang, organization=county, role=Role.SECRETARY, start=D(2026, 7, 1))


@pytest.mark.parametrize("role", SINGLE_HOLDER)
def test_back_to_back_terms_are_accepted(county, role):
    old = make_assignment(person=make_person("张建国", organization=county), organization=county,
                          role=role, start=D(2024, 1, 1), end=D(2026, 5, 31))
    new = make_assignment(person=make_person("李明华", organization=county), organization=county,
                          role=role, start=D(2026, 6, 1))

    assert selectors.holder_on(county, role, D(2026, 5, 31)) == old.person
    assert selectors.holder_on(county, role, D(2026, 6, 1)) == new.person


def test_secretary_and_group_head_are_separate_posts(county):
    make_assignment(person=make_person(organization=county), organization=county,
                    role=Role.SECRETARY, start=D(2026, 1, 1))
    make_assignment(person=make_person(organization=county), organization=county,
                    role=Role.GROUP_HEAD, start=D(2026, 1, 1))

    assert RoleAssignment.objects.filter(organization=county).count() == 2


def test_secretaries_of_different_organizations_do_not_clash(county):
    other = make_org("B县委")
    make_assignment(person=make_person(organization=county), organization=county,
                    role=Role.SECRETARY, start=D(2026, 1, 1))
    make_assignment(person=make_person(organization=other), organization=other,
                    role=Role.SECRETARY, start=D(2026, 1, 1))

    assert RoleAssignment.objects.filter(role=Role.SECRETARY).count() == 2


@pytest.mark.parametrize(
    "role", [Role.MEMBER, Role.DIRECT, Role.PUBLICITY, Role.GROUP_DEPUTY, Role.GROUP_MEMBER, Role.LIAISON]
)
def test_ordinary_roles_may_overlap(county, role):
    for _ in range(3):
        make_assignment(person=make_person(organization=county), organization=county,
                        role=role, start=D(2026, 1, 1))

    assert selectors.holders_on(county, role, D(2026, 3, 1)).count() == 3


def test_end_before_start_is_rejected_and_nothing_is_written(county):
    with pytest.raises(ValidationError, match="结束日期不能早于起始日期"):
        make_assignment(person=make_person(organization=county), organization=county,
                        role=Role.MEMBER, start=D(2026, 6, 1), end=D(2026, 5, 31))

    assert not RoleAssignment.objects.exists()


def test_a_one_day_term_is_allowed(county):
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.SECRETARY, start=D(2026, 6, 1), end=D(2026, 6, 1))

    assert assignment.is_active_on(D(2026, 6, 1))


def test_unknown_role_is_rejected(county):
    with pytest.raises(ValidationError, match="未知的角色"):
        make_assignment(person=make_person(organization=county), organization=county, role="king")


def test_portfolio_is_stored_trimmed(county):
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.MEMBER, portfolio="  宣传部、包抓东村  ")

    assert RoleAssignment.objects.get(pk=assignment.pk).portfolio == "宣传部、包抓东村"


# --- the database holds the invariants itself ---------------------------------------------------


def test_database_check_constraint_refuses_end_before_start(county):
    raw = RoleAssignment(person=make_person(organization=county), organization=county,
                         role=Role.MEMBER, start_date=D(2026, 6, 1), end_date=D(2026, 5, 31))

    with pytest.raises(IntegrityError), transaction.atomic():
        raw.save()

    assert not RoleAssignment.objects.exists()


def _raw(person, org, role, start, end=None) -> RoleAssignment:
    return RoleAssignment(person=person, organization=org, role=role, start_date=start, end_date=end)


@pytest.mark.postgres
@pytest.mark.parametrize("role", SINGLE_HOLDER)
def test_database_exclusion_constraint_refuses_an_overlapping_single_holder(county, role):
    """Bypassing the service: PostgreSQL alone keeps the second holder out."""
    a, b = make_person(organization=county), make_person(organization=county)

    with pytest.raises(IntegrityError, match="role_assignment_single_holder_no_overlap"), transaction.atomic():
        RoleAssignment.objects.bulk_create([
            _raw(a, county, role, D(2026, 1, 1), D(2026, 6, 30)),
            _raw(b, county, role, D(2026, 6, 30)),
        ])

    assert not RoleAssignment.objects.exists()


@pytest.mark.postgres
def test_database_exclusion_constraint_treats_open_end_as_unbounded(county):
    a, b = make_person(organization=county), make_person(organization=county)
    RoleAssignment.objects.bulk_create([_raw(a, county, Role.SECRETARY, D(2020, 1, 1))])

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([_raw(b, county, Role.SECRETARY, D(2030, 1, 1), D(2030, 12, 31))])

    assert RoleAssignment.objects.count() == 1


@pytest.mark.postgres
def test_database_exclusion_constraint_allows_back_to_back_and_ordinary_overlaps(county):
    a, b = make_person(organization=county), make_person(organization=county)
    other = make_org("B县委")

    RoleAssignment.objects.bulk_create([
        _raw(a, county, Role.SECRETARY, D(2024, 1, 1), D(2026, 5, 31)),
        _raw(b, county, Role.SECRETARY, D(2026, 6, 1)),
        _raw(a, county, Role.MEMBER, D(2024, 1, 1)),
        _raw(b, county, Role.MEMBER, D(2024, 1, 1)),
        _raw(a, other, Role.SECRETARY, D(2024, 1, 1)),
    ])

    assert RoleAssignment.objects.count() == 5


# --- ending a role ------------------------------------------------------------------------------


def test_role_end_records_last_day_and_who_ended_it(county):
    clerk = make_user()
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.SECRETARY, start=D(2025, 1, 1))

    services.role_end(assignment=assignment, end_date=D(2026, 5, 31), actor=clerk)

    assignment.refresh_from_db()
    assert assignment.end_date == D(2026, 5, 31)
    assert assignment.ended_by == clerk
    assert assignment.is_active_on(D(2026, 5, 31))
    assert not assignment.is_active_on(D(2026, 6, 1))


def test_after_role_end_a_successor_may_start_the_next_day_but_not_the_same_day(county):
    old = make_assignment(person=make_person("张建国", organization=county), organization=county,
                          role=Role.SECRETARY, start=D(2025, 1, 1))
    services.role_end(assignment=old, end_date=D(2026, 5, 31))
    successor = make_person("李明华", organization=county)

    with pytest.raises(ValidationError, match="张建国"):
        make_assignment(person=successor, organization=county, role=Role.SECRETARY, start=D(2026, 5, 31))
    make_assignment(person=successor, organization=county, role=Role.SECRETARY, start=D(2026, 6, 1))

    assert selectors.holder_on(county, Role.SECRETARY, D(2026, 6, 1)) == successor


def test_role_end_before_start_is_rejected(county):
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.MEMBER, start=D(2026, 1, 1))

    with pytest.raises(ValidationError, match="2026-01-01"):
        services.role_end(assignment=assignment, end_date=D(2025, 12, 31))

    assignment.refresh_from_db()
    assert assignment.end_date is None


def test_role_end_on_the_start_day_is_allowed(county):
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.MEMBER, start=D(2026, 1, 1))

    services.role_end(assignment=assignment, end_date=D(2026, 1, 1))

    assignment.refresh_from_db()
    assert assignment.end_date == D(2026, 1, 1)


def test_an_ended_role_may_be_shortened_but_not_extended(county):
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.MEMBER, start=D(2026, 1, 1), end=D(2026, 6, 30))

    with pytest.raises(ValidationError, match="只能提前结束日期"):
        services.role_end(assignment=assignment, end_date=D(2026, 7, 1))
    services.role_end(assignment=assignment, end_date=D(2026, 3, 31))

    assignment.refresh_from_db()
    assert assignment.end_date == D(2026, 3, 31)


def test_role_end_works_from_a_stale_instance(county):
    """The service re-reads the row: a caller's outdated copy cannot extend an ended role."""
    assignment = make_assignment(person=make_person(organization=county), organization=county,
                                 role=Role.MEMBER, start=D(2026, 1, 1))
    stale = RoleAssignment.objects.get(pk=assignment.pk)
    services.role_end(assignment=assignment, end_date=D(2026, 3, 31))

    with pytest.raises(ValidationError):
        services.role_end(assignment=stale, end_date=D(2026, 12, 31))


# --- who held role R in organization X on date D -----------------------------------------------


@pytest.fixture
def secretaries(county):
    """张 was secretary 2024-01-01..2026-05-31, 李 from 2026-06-01 on (open-ended)."""
    zhang = make_person("张建国", organization=county)
    li = make_person("李明华", organization=county)
    make_assignment(person=zhang, organization=county, role=Role.SECRETARY,
                    start=D(2024, 1, 1), end=D(2026, 5, 31))
    make_assignment(person=li, organization=county, role=Role.SECRETARY, start=D(2026, 6, 1))
    return zhang, li


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2023, 12, 31), None),  # before the first term
        (D(2024, 1, 1), "张建国"),  # on the start day
        (D(2025, 7, 1), "张建国"),
        (D(2026, 5, 31), "张建国"),  # on the end day (inclusive)
        (D(2026, 6, 1), "李明华"),  # the day after: the successor
        (D(2040, 1, 1), "李明华"),  # open-ended
    ],
)
def test_holder_on(county, secretaries, day, expected):
    holder = selectors.holder_on(county, Role.SECRETARY, day)

    assert (holder.name if holder else None) == expected


def test_holder_on_is_none_after_a_closed_term_ends(county):
    make_assignment(person=make_person("王强", organization=county), organization=county,
                    role=Role.GROUP_HEAD, start=D(2024, 1, 1), end=D(2024, 12, 31))

    assert selectors.holder_on(county, Role.GROUP_HEAD, D(2024, 12, 31)).name == "王强"
    assert selectors.holder_on(county, Role.GROUP_HEAD, D(2025, 1, 1)) is None


def test_holder_on_looks_only_at_the_given_organization_and_role(county, secretaries):
    other = make_org("B县委")

    assert selectors.holder_on(other, Role.SECRETARY, D(2025, 1, 1)) is None
    assert selectors.holder_on(county, Role.GROUP_HEAD, D(2025, 1, 1)) is None


def test_holders_on_lists_every_member_active_that_day(county):
    early = make_person("赵一", organization=county)
    late = make_person("钱二", organization=county)
    gone = make_person("孙三", organization=county)
    make_assignment(person=early, organization=county, role=Role.MEMBER, start=D(2025, 1, 1))
    make_assignment(person=late, organization=county, role=Role.MEMBER, start=D(2026, 3, 1))
    make_assignment(person=gone, organization=county, role=Role.MEMBER,
                    start=D(2024, 1, 1), end=D(2026, 2, 28))

    def names(day):
        return [a.person.name for a in selectors.holders_on(county, Role.MEMBER, day)]

    assert names(D(2026, 2, 28)) == ["孙三", "赵一"]
    assert names(D(2026, 3, 1)) == ["赵一", "钱二"]


def test_leadership_team_groups_assignments_by_role(county):
    def assign(name, role, start=D(2025, 1, 1), end=None, portfolio=""):
        return make_assignment(person=make_person(name, organization=county), organization=county,
                               role=role, start=start, end=end, portfolio=portfolio)

    assign("前任书记", Role.SECRETARY, start=D(2020, 1, 1), end=D(2024, 12, 31))
    assign("书记甲", Role.SECRETARY)
    assign("分管乙", Role.DIRECT, portfolio="宣传部")
    assign("成员丙", Role.MEMBER, portfolio="组织部")
    assign("成员丁", Role.MEMBER, portfolio="东村")
    assign("委员戊", Role.PUBLICITY)
    assign("组长己", Role.GROUP_HEAD)
    assign("副组长庚", Role.GROUP_DEPUTY)
    assign("组员辛", Role.GROUP_MEMBER)
    assign("主任壬", Role.GROUP_OFFICE_DIRECTOR)
    assign("联络员癸", Role.LIAISON)
    assign("未来成员", Role.MEMBER, start=D(2027, 1, 1))

    team = selectors.leadership_team(county, D(2026, 6, 1))

    def names(bucket):
        return [a.person.name for a in bucket]

    assert team.day == D(2026, 6, 1)
    assert names(team.secretary) == ["书记甲"]
    assert names(team.direct) == ["分管乙"]
    assert names(team.members) == ["成员丙", "成员丁"]
    assert [a.portfolio for a in team.members] == ["组织部", "东村"]
    assert names(team.publicity) == ["委员戊"]
    assert names(team.group_head) == ["组长己"]
    assert names(team.group_deputies) == ["副组长庚"]
    assert names(team.group_members) == ["组员辛"]
    assert names(team.group_office_director) == ["主任壬"]
    assert names(team.liaisons) == ["联络员癸"]
    assert team.has_leading_group

    earlier = selectors.leadership_team(county, D(2024, 6, 1))
    assert names(earlier.secretary) == ["前任书记"]
    assert not earlier.has_leading_group


def test_leadership_team_of_an_organization_without_roles_is_empty(county):
    team = selectors.leadership_team(county, D(2026, 6, 1))

    assert not any((team.secretary, team.direct, team.members, team.publicity, team.group_head, team.group_deputies,
                    team.group_members, team.group_office_director, team.liaisons))
    assert not team.has_leading_group


def test_role_history_keeps_ended_assignments(county, secretaries):
    history = list(selectors.role_history(county))

    assert [(a.person.name, a.end_date) for a in history] == [
        ("李明华", None), ("张建国", D(2026, 5, 31)),
    ]


# --- moving a subtree ---------------------------------------------------------------------------


@pytest.fixture
def two_counties(db):
    city = make_org("X市委")
    county_a = make_org("A县委", parent=city)
    county_b = make_org("B县委", parent=city)
    town = make_org("A县一镇党委", parent=county_a)
    village = make_org("A县一镇东村党支部", parent=town, kind="branch")
    return city, county_a, county_b, town, village


def _fresh(*orgs):
    return [Organization.objects.get(pk=o.pk) for o in orgs]


def test_organization_move_takes_the_whole_subtree_along(two_counties):
    city, county_a, county_b, town, village = two_counties

    moved = services.organization_move(organization=town, new_parent=county_b, actor=None)

    town, village, county_a, county_b = _fresh(town, village, county_a, county_b)
    assert moved == town
    assert Organization.objects.get_parent(town) == county_b
    assert Organization.objects.get_parent(village) == town
    assert town.path.startswith(county_b.path)
    assert village.path.startswith(town.path)
    assert (town.depth, village.depth) == (3, 4)
    assert county_a.numchild == 0
    assert county_b.numchild == 1
    assert list(Organization.objects.get_descendants(county_b)) == [town, village]
    assert not Organization.objects.get_descendants(county_a).exists()


def test_organization_move_changes_depth_of_descendants(two_counties):
    city, county_a, county_b, town, village = two_counties
    other_city = make_org("Y市委")

    services.organization_move(organization=town, new_parent=other_city, actor=None)
    services.organization_move(organization=Organization.objects.get(pk=village.pk), new_parent=county_b, actor=None)

    town, village, county_b = _fresh(town, village, county_b)
    assert town.depth == 2 and town.path.startswith(other_city.path)
    assert village.depth == 3 and Organization.objects.get_parent(village) == county_b
    assert town.numchild == 0


def test_grants_follow_a_moved_subtree(two_counties):
    city, county_a, county_b, town, village = two_counties
    staff_b = make_user(grants=[("view", county_b)])
    assert not permissions.can(staff_b, "view", village)

    services.organization_move(organization=town, new_parent=county_b, actor=None)

    permissions.forget_grants(staff_b)
    assert permissions.can(staff_b, "view", Organization.objects.get(pk=village.pk))


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_organization_move_refuses_a_cycle(two_counties, target):
    city, county_a, county_b, town, village = two_counties
    new_parent = {"self": county_a, "child": town, "grandchild": village}[target]
    before = sorted(Organization.objects.values_list("pk", "path", "depth", "numchild"))

    with pytest.raises(ValidationError, match="不能把组织移动到它自己或它的下级组织之下"):
        services.organization_move(organization=county_a, new_parent=new_parent, actor=None)

    assert sorted(Organization.objects.values_list("pk", "path", "depth", "numchild")) == before


def test_role_history_lists_the_secretary_first(tree):
    from responsibilities.org import selectors

    for role in ("member", "direct", "secretary", "group_head"):
        make_assignment(person=make_person(organization=tree.county_b), role=role)
    roles = [a.role for a in selectors.role_history(tree.county_b)]
    assert roles == ["secretary", "direct", "member", "group_head"]


def test_the_same_person_cannot_be_registered_twice_in_the_same_role(tree):
    from django.core.exceptions import ValidationError

    person = make_person(organization=tree.county_a)
    make_assignment(person=person, role="member", start=D(2026, 1, 1))
    with pytest.raises(ValidationError, match="请勿重复登记"):
        make_assignment(person=person, role="member", start=D(2026, 3, 1))
    make_assignment(person=person, role="publicity", start=D(2026, 3, 1))  # another role is fine


def test_names_are_shown_family_name_first(db):
    from django.template import Context, Template

    user = make_user("wxy")
    user.last_name, user.first_name = "王", "晓燕"
    template = Template("{% load zeren %}{{ user|display_name }}")
    assert template.render(Context({"user": user})) == "王晓燕"
    assert template.render(Context({"user": make_user("nobody")})) == "nobody"
