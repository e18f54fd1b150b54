"""The inspector's pages: home (and who lands there), 线索 with filters, meeting search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accountability.workplace import selectors
from responsibilities.models import MeetingRecord, Obligation, WorkSystem
from tests.factories import make_assignment, make_person, make_user

D = dt.date
BJ = dt.timezone(dt.timedelta(hours=8))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def inspector(tree):
    return make_user("inspector", grants=[("inspect", tree.city)])


def meeting(org, held_on, *, by, topic="研判会", discussion="讨论", entered=None, attendees=(), other="") -> MeetingRecord:
    ob, _ = Obligation.objects.get_or_create(
        organization=org, work_system=WorkSystem.objects.get(code="analysis"), period="2026Q1",
        defaults={"period_start": D(2026, 1, 1), "period_end": D(2026, 3, 31), "due_date": D(2026, 3, 31),
                  "responsible": "committee"})
    chair = make_person("王主持", organization=org)
    record = MeetingRecord.objects.create(obligation=ob, held_on=held_on, place="会议室", chair=chair, topic=topic,
                                          discussion=discussion, created_by=by, other_attendees=other)
    record.attendees.set(attendees)
    if entered:
        MeetingRecord.objects.filter(pk=record.pk).update(created_at=entered)
    return record


# --- who lands where ----------------------------------------------------------------------------


def test_an_inspect_only_user_lands_on_the_workplace_and_an_operator_on_the_home_page(tree, inspector, city_staff):
    assert client_of(inspector).get(reverse("home")).url == reverse("accountability:workplace_home")
    assert client_of(city_staff).get(reverse("home")).status_code == 200
    both = make_user("both", grants=[("inspect", tree.city), ("manage", tree.county_a)])
    assert client_of(both).get(reverse("home")).status_code == 200
    assert selectors.is_inspector_only(make_user("admin", superuser=True)) is False

    login = Client().post(reverse("login"), {"username": "inspector", "password": "pw-zeren-test"}, follow=True)
    assert login.redirect_chain[-1][0] == reverse("accountability:workplace_home")


def test_the_workplace_is_for_inspectors_and_offers_flags_search_and_the_bundle(tree, inspector, city_staff):
    assert client_of(city_staff).get(reverse("accountability:workplace_home")).status_code == 403
    response = client_of(inspector).get(reverse("accountability:workplace_home"))
    page = response.content.decode()

    assert response.status_code == 200
    for text in ("补录", "代填", "签发含模板提示语", "临期或逾期完成", "办理中的问责案件", "备案期限", "整改逾期",
                 'data-testid="home-search"', 'data-testid="home-bundle"', "日志链尚未验证", "目前没有办理中的问责案件。", "目前没有整改逾期的问题。"):
        assert text in page, text
    assert response.context["inspector_nav"]["only"] is True
    assert client_of(city_staff).get(reverse("home")).context["inspector_nav"]["show"] is False


# --- 线索 ---------------------------------------------------------------------------------------


def test_the_flag_list_filters_by_kind_subtree_and_year_and_links_each_record(tree, inspector, city_staff):
    on_the_day = dt.datetime(2026, 1, 10, 18, tzinfo=BJ)
    a1 = meeting(tree.town_a1, D(2026, 1, 10), by=city_staff, topic="镇一代填", entered=on_the_day)
    meeting(tree.county_b, D(2026, 1, 10), by=city_staff, topic="B县代填", entered=on_the_day)
    client = client_of(inspector)
    url = reverse("accountability:flag_list")

    page = client.get(url, {"kind": "proxy_entry", "year": 2026, "org": tree.county_a.pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "镇一代填" in text and "B县代填" not in text
    assert reverse("responsibilities:obligation_detail", args=[a1.obligation_id]) in text
    assert "该账号不是A县一镇党委的工作人员" in text
    assert [(k, n) for k, _label, n in page.context["summary"]] == [
        ("late_entry", 0), ("proxy_entry", 1), ("placeholder", 0), ("last_minute", 0)]
    assert "B县代填" in client.get(url, {"kind": "proxy_entry"}).content.decode()
    assert client.get(url, {"kind": "proxy_entry", "year": 2025}).context["rows"] == []
    bad = client.get(url, {"kind": "nonsense", "year": "1999"})
    assert bad.status_code == 200 and "请选择列出的线索类型。" in bad.content.decode()
    assert "rows" not in bad.context
    outsider = make_user("outsider", grants=[("inspect", tree.other_city)])
    assert client_of(outsider).get(url, {"org": tree.county_a.pk}).status_code == 404


# --- search -------------------------------------------------------------------------------------


def test_search_finds_topic_minutes_and_attendees_within_scope_with_an_excerpt(tree, inspector, city_staff):
    zhao = make_person("赵参会", organization=tree.county_a)
    make_assignment(person=zhao, organization=tree.county_a)
    meeting(tree.county_a, D(2026, 2, 1), by=city_staff, topic="网络舆情研判",
            discussion="会议指出，" + "甲" * 50 + "要加强网络阵地管理。", attendees=[zhao])
    meeting(tree.county_a, D(2026, 3, 1), by=city_staff, topic="理论学习", discussion="学习讲话精神", other="列席人员钱某")
    meeting(tree.other_city, D(2026, 3, 1), by=city_staff, topic="Y市网络阵地管理")
    client = client_of(inspector)
    url = reverse("accountability:meeting_search")

    def topics(**params):
        response = client.get(url, params)
        return [m.topic for m, _excerpt in response.context.get("results", [])]

    assert topics(q="网络阵地") == ["网络舆情研判"]
    assert topics(q="赵参会") == ["网络舆情研判"]
    assert topics(q="钱某") == ["理论学习"]
    assert topics(q="网络 学习") == []
    assert topics(q="学习 讲话") == ["理论学习"]
    assert topics(q="研判", year=2025) == []
    response = client.get(url, {"q": "网络阵地"})
    (record, excerpt), = response.context["results"]
    assert (excerpt.field, excerpt.match, excerpt.after) == ("讨论情况", "网络阵地", "管理。")
    assert excerpt.before == "…" + "甲" * 37 + "要加强"
    assert "<mark>网络阵地</mark>" in response.content.decode()


def test_search_refuses_an_empty_or_overlong_query_and_caps_the_page(tree, inspector):
    client = client_of(inspector)
    url = reverse("accountability:meeting_search")

    assert client.get(url).status_code == 200
    empty = client.get(url, {"q": "  "})
    assert empty.status_code == 400 and "请输入关键词。" in empty.content.decode()
    long = client.get(url, {"q": "长" * 51})
    assert long.status_code == 400 and "关键词最多 50 个字。" in long.content.decode()
    assert client.get(url, {"q": "研判", "page": "99999999"}).context["page"].number == 50
    assert selectors.search_terms("a b a c d e f g") == ["a", "b", "c", "d", "e"]
