"""The log page for inspectors: scope, filters, one entry in Chinese, the chain status badge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from accountability.models import ChainCheck
from reporting.delegations import services as delegations
from responsibilities.log import LogEntry
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_person, make_user


@pytest.fixture
def inspector(chain):
    return make_user("county_inspector", grants=[("inspect", chain.county_a)])


def seqs(response) -> list[int]:
    return [row[0].seq for row in response.context["rows"]]


def test_an_inspector_sees_the_entries_of_his_subtree_newest_first(client, chain, inspector):
    client.force_login(inspector)

    response = client.get("/log/")

    assert response.status_code == 200
    # A县委 (#2), its towns (#4, #5), the five towns under A县一镇 (#8–#12), the inspector's grant (#13)
    assert seqs(response) == [13, 12, 11, 10, 9, 8, 5, 4, 2]


@pytest.mark.parametrize(("query", "expected"), [
    ("action=organizationuserpermission.granted", [13]),
    ("actor=nobody", []),
    ("object_type=responsibilities.organization&object_id=ORG", [4]),
    ("date_from=2000-01-01&date_to=2000-01-31", []),
])
def test_the_filters(client, chain, inspector, query, expected):
    client.force_login(inspector)

    response = client.get("/log/?" + query.replace("ORG", str(chain.town_a1.pk)))

    assert seqs(response) == expected


def test_the_organization_filter_and_the_actor_filter(client, chain, inspector):
    secretary = make_user("a_shuji", grants=[("view", chain.county_a), ("sign_report", chain.county_a)])
    secretary.last_name, secretary.first_name = "周", "书记"
    secretary.save()
    person = make_person("周书记", organization=chain.county_a, user=secretary)
    make_assignment(person=person, role="secretary")
    member = make_person("李委员", organization=chain.county_a)
    make_assignment(person=member, role="member")
    day = scheduling.local_moment(dt.date(2026, 6, 1), 10)
    delegations.delegation_create(organization=chain.county_a, delegate=member, start_date=dt.date(2026, 6, 1),
                                  end_date=dt.date(2026, 6, 30), reason="外出学习", actor=secretary, now=day)
    client.force_login(inspector)

    by_actor = client.get("/log/?actor=周")
    in_town = client.get(f"/log/?org={chain.town_a1.pk}")

    assert [LogEntry.objects.get(seq=s).action for s in seqs(by_actor)] == ["delegation.created"]
    assert seqs(in_town) == [12, 11, 10, 9, 8, 4]


def test_bad_filters_are_explained_in_chinese(client, chain, inspector):
    client.force_login(inspector)

    response = client.get("/log/?date_from=2026-13-01&date_to=x&object_id=5")

    assert response.status_code == 400
    text = response.content.decode()
    assert "请填写有效的日期，例如 2026-06-30。" in text
    assert "按对象编号筛选时，请同时选择对象类型。" in text


def test_staff_without_inspect_are_refused(client, chain):
    client.force_login(make_user("staff", grants=[("view", chain.city), ("manage", chain.city)]))

    assert client.get("/log/").status_code == 403


def test_an_entry_in_chinese_with_its_hashes(client, chain, inspector):
    client.force_login(inspector)
    entry = LogEntry.objects.get(seq=13)

    response = client.get("/log/13/")

    text = response.content.decode()
    assert "第 13 条 · 授予用户权限" in text
    assert "<dt>用户</dt><dd class=\"pre\">county_inspector（ID " in text
    assert "<dt>权限</dt><dd class=\"pre\">inspect</dd>" in text
    assert entry.hash in text and entry.prev_hash in text


def test_an_entry_outside_the_subtree_is_not_found(client, chain, inspector):
    client.force_login(inspector)

    assert client.get("/log/3/").status_code == 404  # B县委


def test_the_chain_status_badge():
    ok = ChainCheck(checked_at=dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), ok=True, count=1234,
                    head_seq=1234, head_hash="9f" * 32)
    broken = ChainCheck(checked_at=dt.datetime(2026, 11, 29, 18, 0, tzinfo=dt.UTC), ok=False, count=4,
                        head_seq=4, head_hash="9f" * 32, bad_seq=5, reason="内容与哈希不符（条目被改动）")

    def badge(check):
        return render_to_string("accountability/log/_chain_status.html", {"check": check}).strip()

    assert ">已验证至 #1234，2026年11月30日 02:00<" in badge(ok)
    assert ">链条异常：第 5 条 内容与哈希不符（条目被改动）（2026年11月30日 02:00验证）<" in badge(broken)
    assert ">日志链尚未验证<" in badge(None)
