"""签发委托: who may delegate the sign-off to whom, revoking it, and who may sign under it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from reporting.delegations import services
from reporting.models import Delegation, ReportKind, ReportVersion
from reporting.reports import services as reports_services
from responsibilities.models import Person
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
H1 = Period.parse("2026H1")
TODAY = D(2026, 6, 1)  # the day the delegations here are recorded


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@dataclass
class County:
    org: object
    secretary: object  # the 第一责任人's account
    secretary_person: Person
    deputy: object  # a deputy secretary's account, holding sign_report
    deputy_person: Person
    clerk_person: Person  # works at the county but holds no role in its leadership team
    drafter: object


@pytest.fixture
def county(tree) -> County:
    org = tree.county_a
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    secretary_person = make_person("王书记", organization=org, user=secretary, title="县委书记")
    make_assignment(person=secretary_person, role="secretary", start=D(2024, 1, 1))
    deputy = make_user("a_fushuji", grants=[("view", org), ("sign_report", org)])
    deputy_person = make_person("赵副书记", organization=org, user=deputy, title="县委副书记")
    make_assignment(person=deputy_person, role="direct", start=D(2024, 1, 1))
    clerk_person = make_person("办公室文员", organization=org)
    drafter = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    return County(org, secretary, secretary_person, deputy, deputy_person, clerk_person, drafter)


def delegate(county: County, *, actor, to: Person | None = None, start: dt.date = D(2026, 6, 1),
             end: dt.date = D(2026, 6, 10), now: dt.date = TODAY) -> Delegation:
    return services.delegation_create(
        organization=county.org, delegate=to or county.deputy_person, start_date=start, end_date=end,
        reason="书记参加省委党校学习", actor=actor, now=at(now),
    )


def refused_to_delegate(county: County, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        delegate(county, **kwargs)
    assert not Delegation.objects.exists()
    return " ".join(info.value.messages)


def draft(county: County) -> ReportVersion:
    report = reports_services.report_create(organization=county.org, kind=ReportKind.HALF_YEAR, period=H1,
                                            actor=county.drafter)
    return write_up(report, county.drafter)


def refused_to_sign(version: ReportVersion, user, day: dt.date) -> str:
    with pytest.raises(ValidationError) as info:
        reports_services.report_sign(version=version, actor=user, now=at(day))
    version.refresh_from_db()
    assert not version.is_signed
    return " ".join(info.value.messages)


# --- who may delegate to whom -------------------------------------------------------------------


def test_the_secretary_delegates_the_sign_off_to_a_member_of_the_team(county):
    delegation = delegate(county, actor=county.secretary)

    assert (delegation.delegate, delegation.created_by, delegation.revoked_at) == (
        county.deputy_person, county.secretary, None)


def test_a_deputy_holding_sign_report_cannot_delegate_to_himself(county):
    message = refused_to_delegate(county, actor=county.deputy, to=county.deputy_person)

    assert "只有2026年6月1日担任A县委第一责任人的同志（或系统管理员）可以委托签发" in message


def test_nobody_delegates_to_himself_not_even_the_secretary(county):
    assert "不能委托本人" in refused_to_delegate(county, actor=county.secretary, to=county.secretary_person)


def test_an_administrator_cannot_delegate_to_the_secretary_who_needs_no_delegation(county):
    admin = make_user("admin", superuser=True)

    assert "第一责任人本人无需委托" in refused_to_delegate(county, actor=admin, to=county.secretary_person)


def test_the_secretary_cannot_delegate_to_a_clerk_outside_the_leadership_team(county):
    message = refused_to_delegate(county, actor=county.secretary, to=county.clerk_person)

    assert "受托人须为2026年6月1日在任的A县委领导班子成员" in message


@pytest.mark.parametrize("role", ["liaison", "group_member", "group_office_director"])
def test_a_liaison_or_leading_group_member_outside_the_team_proper_cannot_be_delegated_to(county, role):
    liaison = make_person("胡联络员", organization=county.org)
    make_assignment(person=liaison, role=role, start=D(2024, 1, 1))

    message = refused_to_delegate(county, actor=county.secretary, to=liaison)

    assert "受托人须为2026年6月1日在任的A县委领导班子成员" in message


def test_a_delegate_moved_from_the_team_to_the_leading_group_cannot_sign(county):
    delegate(county, actor=county.secretary)
    county.deputy_person.roles.update(end_date=D(2026, 6, 4))
    make_assignment(person=county.deputy_person, role="group_deputy", start=D(2026, 6, 5))

    message = refused_to_sign(draft(county), county.deputy, D(2026, 6, 5))

    assert "受托人须在签发当日（2026年6月5日）仍为A县委领导班子成员" in message


def test_a_second_delegation_overlapping_one_in_force_is_refused(county):
    other = make_person("钱委员", organization=county.org)
    make_assignment(person=other, role="member", start=D(2024, 1, 1))
    delegate(county, actor=county.secretary, start=D(2026, 6, 1), end=D(2026, 6, 10))

    with pytest.raises(ValidationError, match="2026-06-01 至 2026-06-10 已委托赵副书记"):
        delegate(county, actor=county.secretary, to=other, start=D(2026, 6, 8), end=D(2026, 6, 20))
    assert Delegation.objects.count() == 1


def test_a_new_delegation_may_follow_a_revoked_one_in_the_same_window(county):
    other = make_person("钱委员", organization=county.org)
    make_assignment(person=other, role="member", start=D(2024, 1, 1))
    first = delegate(county, actor=county.secretary)
    services.delegation_revoke(delegation=first, actor=county.secretary, now=at(TODAY))

    second = delegate(county, actor=county.secretary, to=other)

    assert second.delegate == other


def test_a_member_whose_role_starts_later_cannot_be_delegated_to_yet(county):
    newcomer = make_person("新任副书记", organization=county.org)
    make_assignment(person=newcomer, role="direct", start=D(2026, 7, 1))

    message = refused_to_delegate(county, actor=county.secretary, to=newcomer, start=D(2026, 7, 1),
                                  end=D(2026, 7, 10))

    assert "受托人须为2026年6月1日在任的A县委领导班子成员" in message


def test_a_secretary_whose_role_has_ended_cannot_delegate(county):
    former = make_user("old_shuji", grants=[("view", county.org), ("sign_report", county.org)])
    old = make_person("老书记", organization=county.org, user=former)
    make_assignment(person=old, role="secretary", start=D(2020, 1, 1), end=D(2023, 12, 31))

    assert "只有2026年6月1日担任A县委第一责任人" in refused_to_delegate(county, actor=former)


def test_an_administrator_may_record_the_secretarys_delegation(county):
    admin = make_user("admin", superuser=True)

    assert delegate(county, actor=admin).created_by == admin


def test_a_secretary_of_another_county_cannot_delegate_here(tree, county):
    other = make_user("b_shuji", grants=[("view", tree.county_b), ("sign_report", tree.county_b)])
    make_assignment(person=make_person("B县委书记", organization=tree.county_b, user=other),
                    organization=tree.county_b, role="secretary", start=D(2024, 1, 1))

    assert "只有2026年6月1日担任A县委第一责任人" in refused_to_delegate(county, actor=other)


@pytest.mark.parametrize(("start", "end", "message"), [
    (D(2026, 6, 10), D(2026, 6, 1), "结束日期不能早于起始日期。"),
    (D(2026, 5, 1), D(2026, 5, 31), "委托期已经结束，无需登记。"),
])
def test_a_delegation_with_dates_that_make_no_sense_is_refused(county, start, end, message):
    assert message in refused_to_delegate(county, actor=county.secretary, start=start, end=end)


# --- revoking -----------------------------------------------------------------------------------


def test_the_secretary_revokes_a_delegation_and_the_deputy_can_no_longer_sign(county):
    delegation = delegate(county, actor=county.secretary)

    services.delegation_revoke(delegation=delegation, actor=county.secretary, now=at(D(2026, 6, 3), 9))

    delegation.refresh_from_db()
    assert (delegation.revoked_by, delegation.revoked_at) == (
        county.secretary, dt.datetime(2026, 6, 3, 1, 0, tzinfo=dt.UTC))
    assert "或在委托期内的受托人" in refused_to_sign(draft(county), county.deputy, D(2026, 6, 5))


def test_a_delegation_is_revoked_only_once(county):
    delegation = delegate(county, actor=county.secretary)
    services.delegation_revoke(delegation=delegation, actor=county.secretary, now=at(D(2026, 6, 3)))

    with pytest.raises(ValidationError, match="该委托已于2026-06-03 10:00撤销"):
        services.delegation_revoke(delegation=delegation, actor=county.secretary, now=at(D(2026, 6, 4)))


def test_the_deputy_cannot_revoke_the_delegation_he_holds(county):
    delegation = delegate(county, actor=county.secretary)

    with pytest.raises(ValidationError, match="可以撤销签发委托"):
        services.delegation_revoke(delegation=delegation, actor=county.deputy, now=at(D(2026, 6, 3)))
    delegation.refresh_from_db()
    assert delegation.revoked_at is None


# --- who may sign under a delegation ------------------------------------------------------------


def test_a_delegate_whose_role_has_ended_cannot_sign_inside_the_window(county):
    delegate(county, actor=county.secretary)
    county.deputy_person.roles.update(end_date=D(2026, 6, 4))

    message = refused_to_sign(draft(county), county.deputy, D(2026, 6, 5))

    assert "受托人须在签发当日（2026年6月5日）仍为A县委领导班子成员" in message


def test_a_delegate_still_in_the_team_signs_under_the_delegation(county):
    delegation = delegate(county, actor=county.secretary)
    county.deputy_person.roles.update(end_date=D(2026, 6, 5))

    version = reports_services.report_sign(version=draft(county), actor=county.deputy, now=at(D(2026, 6, 5)))

    assert (version.signer, version.delegation) == (county.deputy_person, delegation)


def test_the_signing_rule_answers_for_an_organization_and_a_day(county):
    delegation = delegate(county, actor=county.secretary)

    assert services.signing_capacity(organization=county.org, actor=county.secretary, day=D(2026, 6, 5)) == (
        county.secretary_person, None)
    assert services.signing_capacity(organization=county.org, actor=county.deputy, day=D(2026, 6, 5)) == (
        county.deputy_person, delegation)
    with pytest.raises(ValidationError):
        services.signing_capacity(organization=county.org, actor=county.deputy, day=D(2026, 6, 11))


# --- the pages ----------------------------------------------------------------------------------


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def on_june_first():
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):
        yield


def test_the_delegate_choice_offers_the_current_team_but_not_the_secretary_or_future_members(county, on_june_first):
    newcomer = make_person("新任副书记", organization=county.org)
    make_assignment(person=newcomer, role="direct", start=D(2026, 7, 1))
    gone = make_person("离任委员", organization=county.org)
    make_assignment(person=gone, role="member", start=D(2024, 1, 1), end=D(2026, 5, 31))

    page = as_user(county.secretary).get(reverse("reporting:delegation_list", args=[county.org.pk]))

    choices = list(page.context["form"].fields["delegate"].queryset)
    assert choices == [county.deputy_person]


def test_a_deputy_with_sign_report_is_not_offered_the_delegation_form_and_his_post_is_refused(county, on_june_first):
    client = as_user(county.deputy)

    page = client.get(reverse("reporting:delegation_list", args=[county.org.pk]))
    response = client.post(
        reverse("reporting:delegation_list", args=[county.org.pk]),
        {"delegate": county.deputy_person.pk, "start_date": "2026-06-01", "end_date": "2026-06-10", "reason": "外出"},
    )

    assert page.status_code == 200 and page.context["form"] is None
    assert response.status_code == 403
    assert not Delegation.objects.exists()


def test_the_secretary_revokes_from_the_list_after_confirming(county, on_june_first):
    delegation = delegate(county, actor=county.secretary)
    client = as_user(county.secretary)
    url = reverse("reporting:delegation_revoke", args=[delegation.pk])

    listing = text(client.get(reverse("reporting:delegation_list", args=[county.org.pk])))
    confirm = text(client.get(url))
    response = client.post(url)

    assert f'href="{url}"' in listing and "撤销" in listing
    assert "确认撤销" in confirm and "赵副书记" in confirm and "2026-06-01 至 2026-06-10" in confirm
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:delegation_list", args=[county.org.pk])
    delegation.refresh_from_db()
    assert delegation.revoked_by == county.secretary
    after = text(client.get(response["Location"]))
    assert "已撤销签发委托" in after and "已撤销" in after


def test_the_deputy_cannot_revoke_through_the_page(county, on_june_first):
    delegation = delegate(county, actor=county.secretary)
    url = reverse("reporting:delegation_revoke", args=[delegation.pk])

    assert as_user(county.deputy).post(url).status_code == 403
    delegation.refresh_from_db()
    assert delegation.revoked_at is None
