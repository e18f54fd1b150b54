"""Issue #10 §13: working-day deadlines through a year without holiday data are provisional, and
entering that year's holidays moves them and their reminders (logged); the administrator loads a
year from the State Council notice's dates in one form.

The 2027 holidays are not published yet (today is 2026-11-30): every 2027 date below is made up
for the test, except that 1 January is 元旦 every year."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibilities.log import LogEntry
from responsibilities.models import (
    Notification,
    Obligation,
    WorkCalendarDay,
    WorkSystem,
    WorkSystemOverride,
)
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from responsibilities.scheduling import workdays
from responsibilities.scheduling.forms import CalendarYearForm
from responsibilities.scheduling.notice import parse_days
from tests.factories import make_org, make_user

D = dt.date
Q4 = Period.parse("2026Q4")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return scheduling.local_moment(day, hour)


@pytest.fixture
def five_workdays(tree):
    """County A's 分析研判: "quarterly, 5 working days after the quarter", generated in July."""
    analysis = WorkSystem.objects.get(code="analysis")
    WorkSystemOverride.objects.create(organization=tree.county_a, work_system=analysis,
                                      deadline_rule="workdays_after_end", deadline_days=5)
    scheduling.obligations_generate(periods=[Q4], now=at(D(2026, 7, 1)))
    return analysis


@pytest.fixture
def admin_user(db):
    user = make_user("calendar_admin")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def county_q4(tree, analysis) -> Obligation:
    return Obligation.objects.get(organization=tree.county_a, work_system=analysis, period="2026Q4")


def test_a_deadline_counted_through_2027_is_provisional_and_counts_new_year_as_a_working_day(tree, five_workdays):
    ob = county_q4(tree, five_workdays)
    assert ob.due_date == D(2027, 1, 7)
    assert ob.due_provisional is True
    # The city keeps the calendar date (end of period): never provisional.
    city = Obligation.objects.get(organization=tree.city, work_system=five_workdays, period="2026Q4")
    assert (city.due_date, city.due_provisional) == (D(2026, 12, 31), False)


def test_the_calendar_warning_comes_in_july_when_a_deadline_is_already_provisional(tree, five_workdays, admin_user):
    assert scheduling.calendar_missing_for_next_year(D(2026, 7, 15)) == 2027
    workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user,
                                  now=at(D(2026, 7, 15)))
    assert scheduling.calendar_missing_for_next_year(D(2026, 7, 15)) is None


def test_entering_new_year_moves_the_deadline_and_its_reminders_and_logs_it(tree, five_workdays, admin_user):
    ob = county_q4(tree, five_workdays)
    assert ob.next_reminder_at == at(D(2026, 12, 24), 9)  # 14 days before 2027-01-07

    plan = workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user,
                                         now=at(D(2026, 11, 30)))

    assert plan.moved == 3  # county A and its two towns (the override reaches the subtree)
    ob.refresh_from_db()
    assert ob.due_date == D(2027, 1, 8)
    assert ob.due_provisional is False  # 2027 is entered now
    assert ob.due_at == at(D(2027, 1, 9), 0)
    assert ob.next_reminder_at == at(D(2026, 12, 25), 9)  # 14 days before 2027-01-08
    moves = LogEntry.objects.filter(action="obligation.deadline_moved", object_id=str(ob.pk))
    assert [(e.payload["from"], e.payload["to"], e.actor_id) for e in moves] == [
        ("2027-01-07", "2027-01-08", admin_user.pk)]
    entered = LogEntry.objects.get(action="workcalendarday.entered")
    assert entered.payload == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    # The city's calendar-date deadline did not move.
    assert Obligation.objects.get(organization=tree.city, work_system=five_workdays, period="2026Q4").due_date \
        == D(2026, 12, 31)


def test_reminders_and_their_emails_say_the_deadline_is_provisional(tree, five_workdays):
    make_user("a_clerk", grants=[("manage", tree.county_a)])
    scheduling.sweep_reminders(now=at(D(2026, 12, 24)))
    note = Notification.objects.get(obligation=county_q4(tree, five_workdays), offset_days=14)
    assert "截止日期：2027年1月7日（暂定：当年节假日安排尚未录入）" in note.body


def test_renaming_a_day_moves_nothing_and_is_logged(tree, five_workdays, admin_user):
    workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user)
    plan = workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦节")}, actor=admin_user)
    assert (plan.moved, list(plan.changed)) == (0, [D(2027, 1, 1)])
    changed = LogEntry.objects.get(action="workcalendarday.changed")
    assert (changed.payload["name"], changed.payload["previous_name"]) == ("元旦节", "元旦")
    # The same days again change nothing and log nothing.
    assert workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦节")}, actor=admin_user).empty
    assert LogEntry.objects.filter(action__startswith="workcalendarday.").count() == 2


def test_removing_the_year_again_makes_the_deadline_provisional_again(tree, five_workdays, admin_user):
    workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user,
                                  now=at(D(2026, 11, 30)))
    plan = workdays.work_calendar_change(enter={}, remove=[D(2027, 1, 1)], actor=admin_user,
                                         now=at(D(2026, 12, 1)))
    ob = county_q4(tree, five_workdays)
    assert plan.moved == 3
    assert (ob.due_date, ob.due_provisional) == (D(2027, 1, 7), True)
    assert LogEntry.objects.filter(action="workcalendarday.removed").count() == 1


def test_a_deadline_left_behind_by_a_partial_entry_follows_when_the_year_is_loaded(tree, five_workdays, admin_user):
    """元旦 2027 entered before this release (no recompute then), the whole notice loaded now: the
    deadline generated when only 2027's weekends were known still follows."""
    WorkCalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    # A made-up notice: 1 (Fri) and 4 (Mon) January off, Saturday 9 January worked.
    plan = workdays.work_calendar_load_year(
        year=2027, holidays={D(2027, 1, 1): "元旦", D(2027, 1, 4): "元旦"}, workdays={D(2027, 1, 9): "元旦"},
        actor=admin_user, now=at(D(2026, 12, 1)))
    ob = county_q4(tree, five_workdays)
    # Working days after 31 Dec: 5 Tue, 6 Wed, 7 Thu, 8 Fri, 9 Sat (调休上班).
    assert (ob.due_date, ob.due_provisional, plan.moved) == (D(2027, 1, 9), False, 3)


def test_reminders_follow_a_changed_day_for_calendar_date_deadlines_too(tree, admin_user):
    scheduling.obligations_generate(periods=[Q4], now=at(D(2026, 7, 1)))
    ob = Obligation.objects.get(organization=tree.city, work_system__code="analysis", period="2026Q4")
    assert (ob.due_date, ob.next_reminder_at) == (D(2026, 12, 31), at(D(2026, 12, 17), 9))
    # A made-up holiday on the 14-day reminder's day (test data only).
    plan = workdays.work_calendar_change(enter={D(2026, 12, 17): ("holiday", "测试")}, actor=admin_user,
                                         now=at(D(2026, 11, 30)))
    ob.refresh_from_db()
    assert (ob.due_date, ob.next_reminder_at, plan.moved) == (D(2026, 12, 31), at(D(2026, 12, 16), 9), 0)
    assert plan.updated > 0


def test_a_finished_or_overdue_obligation_keeps_its_deadline(tree, five_workdays, admin_user):
    ob = county_q4(tree, five_workdays)
    Obligation.objects.filter(pk=ob.pk).update(status=Obligation.Status.OVERDUE)
    workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user,
                                  now=at(D(2026, 11, 30)))
    ob.refresh_from_db()
    assert ob.due_date == D(2027, 1, 7)


def test_recompute_queries_do_not_grow_with_the_obligations(tree, five_workdays, admin_user):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            workdays.work_calendar_change(enter={D(2027, 1, 1): ("holiday", "元旦")}, actor=admin_user,
                                          now=at(D(2026, 11, 30)))
            workdays.work_calendar_change(enter={}, remove=[D(2027, 1, 1)], actor=admin_user,
                                          now=at(D(2026, 11, 30)))
        return len(ctx.captured_queries)

    few = queries()
    for i in range(20):
        make_org(f"A县{i}号党支部", parent=tree.town_a1, kind="branch")
    scheduling.obligations_generate(periods=[Q4], now=at(D(2026, 7, 1)))
    assert Obligation.objects.filter(due_provisional=True).count() == 23
    assert queries() == few


# -- the notice's dates ---------------------------------------------------------------------------


def test_notice_lines_with_names_ranges_and_weekdays():
    text = "一、元旦：1月1日（周五）放假，共1天。\n春节：2月15日至23日放假调休，共9天。\n国庆节 10月1日至7日"
    days = parse_days(text, 2027)
    assert days[D(2027, 1, 1)] == "元旦"
    assert [d for d, n in days.items() if n == "春节"] == [D(2027, 2, d) for d in range(15, 24)]
    assert [d for d, n in days.items() if n == "国庆节"] == [D(2027, 10, d) for d in range(1, 8)]
    assert len(days) == 17


def test_notice_dates_one_per_line_and_full_width():
    days = parse_days("2027-01-01\n２０２７－１０－０１至２０２７－１０－０３\n2027/5/1、5月2日", 2027)
    assert sorted(days) == [D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2),
                            D(2027, 10, 3)]


@pytest.mark.parametrize(("text", "message"), [
    ("2月30日", "第 1 行：“2月30日”不是有效日期"),
    ("元旦：1月1日\n2026-12-31", "第 2 行：2026-12-31 不在 2027 年内"),
    ("3月5日至3月1日", "第 1 行：“3月5日至3月1日”的结束日期早于开始日期"),
    ("1月1日至2月1日", "第 1 行：“1月1日至2月1日”超过 15 天，请检查日期"),
    ("1月1日 明天", "第 1 行：无法识别“明天”（示例：1月1日、2月15日至23日、2027-01-01）"),
])
def test_notice_refuses_what_it_cannot_read(text, message):
    with pytest.raises(ValidationError) as exc:
        parse_days(text, 2027)
    assert exc.value.messages == [message]


def test_form_refuses_a_day_in_both_lists_and_a_weekday_as_makeup_day():
    form = CalendarYearForm({"year": "2027", "holidays": "1月1日", "workdays": "1月1日\n1月6日"})
    assert not form.is_valid()
    assert form.errors["workdays"] == ["2027-01-01 同时出现在放假日期和调休上班日期中。",
                                       "2027-01-06（星期三） 本来就是工作日，调休上班日应是周六或周日。"]
    assert CalendarYearForm({"year": "2027", "holidays": "", "workdays": ""}).errors["holidays"] == ["这个字段是必填项。"]


# -- the administrator's page ---------------------------------------------------------------------

URL = "/admin/responsibilities/workcalendarday/load-year/"


def test_the_page_previews_then_saves_and_says_how_many_moved(client, tree, five_workdays, admin_user):
    assert reverse("admin:responsibilities_workcalendarday_load_year") == URL
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    data = {"year": "2027", "holidays": "元旦：1月1日", "workdays": ""}
    preview = client.post(URL, {**data, "preview": "1"})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2027-01-01" in page and "新增" in page
    assert "保存后，3 项未到期工作任务的截止日期将调整。" in page
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()  # a preview writes nothing

    saved = client.post(URL, {**data, "confirm": "1"}, follow=True)
    assert "已录入2027年节假日安排：放假 1 天，调休上班 0 天（新增 1、修改 0、删除 0）；3 项工作任务的截止日期随之调整。" \
        in saved.content.decode()
    assert county_q4(tree, five_workdays).due_date == D(2027, 1, 8)


def test_the_page_shows_errors_in_chinese_and_keeps_the_text(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, {"year": "2027", "holidays": "元旦：1月32日", "workdays": "", "confirm": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "第 1 行：“1月32日”不是有效日期" in page
    assert "元旦：1月32日" in page
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()


def test_only_administrators_may_load_the_calendar(client, tree):
    city_admin = make_user("city_admin", grants=[("administer", tree.city)])
    client.force_login(city_admin)
    response = client.post(URL, {"year": "2027", "holidays": "1月1日", "confirm": "1"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()
    client.logout()
    assert client.get(URL).status_code == 302


def test_adding_one_day_in_the_admin_moves_deadlines(client, tree, five_workdays, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/responsibilities/workcalendarday/add/",
                           {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, follow=True)
    assert "3 项工作任务的截止日期已随工作日历调整。" in response.content.decode()
    assert county_q4(tree, five_workdays).due_date == D(2027, 1, 8)
    day = WorkCalendarDay.objects.get(date=D(2027, 1, 1))
    response = client.post(f"/admin/responsibilities/workcalendarday/{day.pk}/delete/", {"post": "yes"}, follow=True)
    assert county_q4(tree, five_workdays).due_date == D(2027, 1, 7)


def test_pages_mark_a_provisional_deadline(client, tree, five_workdays):
    staff = make_user("a_staff", grants=[("view", tree.county_a), ("manage", tree.county_a)])
    client.force_login(staff)
    ob = county_q4(tree, five_workdays)
    detail = client.get(reverse("responsibilities:obligation_detail", args=[ob.pk])).content.decode()
    assert "2027年1月7日<span" in detail and "（暂定）" in detail
    work = client.get(reverse("responsibilities:my_work")).content.decode()
    assert "2027-01-07<span" in work and "（暂定）" in work
    city_ob = Obligation.objects.get(organization=tree.city, work_system=five_workdays, period="2026Q4")
    client.force_login(make_user("city_x", grants=[("view", tree.city), ("manage", tree.city)]))
    city = client.get(reverse("responsibilities:obligation_detail", args=[city_ob.pk])).content.decode()
    assert "（暂定）" not in city


def test_the_calendar_warning_and_the_home_page_link_to_the_page(client, admin_user):
    from responsibilities.checks import work_calendar_covers_next_year

    with time_machine.travel(at(D(2026, 11, 30)), tick=False):
        [warning] = work_calendar_covers_next_year(None)
        client.force_login(admin_user)
        home = client.get("/").content.decode()
    assert warning.id == "zeren.W001"
    assert "缺少 2027 年" in warning.msg and URL in warning.msg
    assert f'<a href="{URL}">按国务院通知录入全年安排</a>' in home
