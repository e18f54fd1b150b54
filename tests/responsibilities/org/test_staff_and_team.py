"""The two "who" questions every feature asks: the staff of an organization, and its team on a day."""

from __future__ import annotations

import datetime as dt

from responsibilities.org.selectors import staff_of, staffed_organization_ids, team_on
from tests.factories import make_assignment, make_group, make_members, make_person, make_user

D = dt.date


def test_staff_are_the_active_users_granted_manage_on_the_organization_directly_or_through_a_group(tree):
    direct = make_user("direct", grants=[("manage", tree.county_a)])
    member = make_user("member")
    make_group("A县委宣传部", grants=[("manage", tree.county_a)], members=[member])
    left = make_user("left", grants=[("manage", tree.county_a)])
    left.is_active = False
    left.save()
    make_user("viewer", grants=[("view", tree.county_a), ("draft_report", tree.county_a)])

    assert staff_of([tree.county_a]) == {tree.county_a.pk: {direct.pk, member.pk}}


def test_the_upper_organizations_staff_are_not_staff_of_the_organizations_below(tree):
    make_user("city", grants=[("manage", tree.city)])
    make_group("市委宣传部", grants=[("manage", tree.city)], members=[make_user("city_group")])
    town = make_user("town", grants=[("manage", tree.town_a1)])

    assert staff_of([tree.county_a.pk, tree.town_a1.pk]) == {tree.town_a1.pk: {town.pk}}


def test_an_inactive_member_of_a_staff_group_is_not_staff(tree):
    gone = make_user("gone")
    make_group("A县委宣传部", grants=[("manage", tree.county_a)], members=[gone])
    gone.is_active = False
    gone.save()

    assert staff_of([tree.county_a]) == {}


def test_the_organizations_a_user_staffs_are_the_same_question_asked_the_other_way(tree):
    user = make_user("both", grants=[("manage", tree.county_b)])
    make_group("A县委宣传部", grants=[("manage", tree.county_a)], members=[user])

    assert staffed_organization_ids(user) == {tree.county_a.pk, tree.county_b.pk}


def test_the_team_on_a_day_has_only_roles_that_have_started_and_not_ended(tree):
    org = tree.county_a
    current, future, _ended = make_members(org, {
        "现任": (D(2024, 1, 1), None), "新任": (D(2026, 7, 1), None), "离任": (D(2024, 1, 1), D(2026, 5, 31))})
    last_day = make_person("当日离任", organization=org)
    make_assignment(person=last_day, role="direct", start=D(2024, 1, 1), end=D(2026, 6, 15))
    elsewhere = make_person("他处任职", organization=tree.county_b)
    make_assignment(person=elsewhere, organization=tree.county_b, role="member", start=D(2024, 1, 1))

    assert set(team_on(org, D(2026, 6, 15))) == {current, last_day}
    assert set(team_on(org, D(2026, 7, 1))) == {current, future}
