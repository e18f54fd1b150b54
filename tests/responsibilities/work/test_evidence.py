"""Evidence an inspector can trust (issue #9 §3): files with titles on meeting records, corrections
that keep the earlier version, withdrawal with a reason, and the 补录 / 代填 marks with their filters."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accountability import flags
from responsibilities.models import EvidenceFile, MeetingRecord, Obligation
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from responsibilities.work import selectors
from responsibilities.work import services as work_services
from tests.factories import make_assignment, make_person

D = dt.date
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 32


def beijing(y, m, d, hour=10):
    return dt.datetime(y, m, d, hour - 8, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def uploads_in_tmp(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "uploads"):
        yield


@pytest.fixture
def analysis(tree):
    scheduling.obligations_generate(periods=[Period.parse("2026Q3")], now=dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC))
    return Obligation.objects.get(organization=tree.county_a, work_system__code="analysis", period="2026Q3")


@pytest.fixture
def team(tree):
    secretary = make_person("王书记", organization=tree.county_a)
    make_assignment(person=secretary, role="secretary")
    member = make_person("李委员", organization=tree.county_a)
    make_assignment(person=member, role="member")
    return secretary, member


def record(ob, actor, team, **overrides):
    secretary, member = team
    fields = {
        "obligation": ob, "actor": actor, "held_on": D(2026, 8, 20), "place": "县委常委会议室", "chair": secretary,
        "attendees": [secretary, member], "topic": "三季度意识形态形势分析研判", "discussion": "研判了网络舆情。",
    }
    fields.update(overrides)
    return work_services.obligation_add_meeting(**fields)


def pdf(name="签到表.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# -- files with titles -------------------------------------------------------------------------------


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_meeting_record_carries_its_files_with_titles(analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team, uploads=[pdf("scan-001.pdf")], file_title="签到表")
    work_services.meeting_add_files(meeting=meeting, actor=county_a_staff,
                                    uploads=[pdf("会议纪要.pdf"), SimpleUploadedFile("a.jpg", JPEG)], title="")
    work_services.meeting_add_files(meeting=meeting, actor=county_a_staff,
                                    uploads=[SimpleUploadedFile("1.jpg", JPEG), SimpleUploadedFile("2.jpg", JPEG)],
                                    title="会议照片")
    titles = list(meeting.files.order_by("pk").values_list("title", flat=True))
    assert titles == ["签到表", "会议纪要", "a", "会议照片（1）", "会议照片（2）"]
    assert set(EvidenceFile.objects.filter(meeting=meeting).values_list("obligation", flat=True)) == {analysis.pk}


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_meeting_files_are_downloaded_only_through_the_permission_check(client, tree, analysis, team,
                                                                        county_a_staff):
    from tests.factories import make_user

    meeting = record(analysis, county_a_staff, team, uploads=[pdf()], file_title="签到表")
    file = meeting.files.get()
    client.force_login(county_a_staff)
    page = client.get(reverse("responsibilities:obligation_detail", args=[analysis.pk])).content.decode()
    assert "签到表" in page and reverse("responsibilities:evidence_download", args=[file.pk]) in page
    assert client.get(reverse("responsibilities:evidence_download", args=[file.pk])).status_code == 200
    client.force_login(make_user("sibling", grants=[("view", tree.county_b)]))
    assert client.get(reverse("responsibilities:evidence_download", args=[file.pk])).status_code == 404


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_files_are_uploaded_to_a_meeting_from_its_page(client, analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team)
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:meeting_files", args=[meeting.pk]),
                           {"title": "会议纪要", "files": [pdf("x.pdf")]})
    assert response.status_code == 302
    assert list(meeting.files.values_list("title", flat=True)) == ["会议纪要"]


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_refused_meeting_form_says_the_chosen_files_must_be_chosen_again(client, analysis, team, county_a_staff):
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:obligation_meeting", args=[analysis.pk]),
                           {"held_on": "2026-08-20", "place": "", "topic": "", "files": [pdf()]})

    assert response.status_code == 400
    assert "所选文件尚未保存：请修正后重新选择文件再提交。" in response.content.decode()
    assert not analysis.meetings.exists()


# -- correction and withdrawal -----------------------------------------------------------------------


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_correction_keeps_the_earlier_version_visible_in_the_history(client, analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team)
    secretary, member = team
    with pytest.raises(ValidationError, match="更正必须填写理由"):
        work_services.meeting_correct(meeting=meeting, actor=county_a_staff, reason=" ", held_on=D(2026, 8, 20),
                                      place="县委常委会议室", chair=secretary, attendees=[secretary],
                                      topic="三季度意识形态形势分析研判", discussion="研判了网络舆情。")
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:meeting_correct", args=[meeting.pk]), {
        "held_on": "2026-08-19", "place": "县委常委会议室", "chair": secretary.pk, "attendees": [secretary.pk],
        "topic": "三季度意识形态形势分析研判", "discussion": "研判了网络舆情与阵地管理。", "reason": "会议日期登记错误",
    })
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.version, meeting.held_on, meeting.discussion) == (2, D(2026, 8, 19), "研判了网络舆情与阵地管理。")
    event = analysis.events.get(kind="evidence_corrected")
    assert event.reason == "会议日期登记错误"
    assert event.data["earlier"]["held_on"] == "2026-08-20"
    assert event.data["earlier"]["discussion"] == "研判了网络舆情。"
    assert event.data["earlier"]["attendees"] == ["王书记", "李委员"]
    assert event.data["changed"] == ["held_on", "attendees", "discussion"]
    page = client.get(reverse("responsibilities:obligation_detail", args=[analysis.pk])).content.decode()
    assert "会议日期登记错误" in page and "研判了网络舆情。" in page and "已更正（第2版）" in page


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_correction_that_changes_nothing_is_refused(analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team)
    secretary, member = team
    with pytest.raises(ValidationError, match="内容没有变化"):
        work_services.meeting_correct(meeting=meeting, actor=county_a_staff, reason="核对", held_on=D(2026, 8, 20),
                                      place="县委常委会议室", chair=secretary, attendees=[member, secretary],
                                      topic="三季度意识形态形势分析研判", discussion="研判了网络舆情。")


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_withdrawing_the_only_record_reopens_the_task_after_a_warning(client, analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team)
    analysis.refresh_from_db()
    assert analysis.status == "done"
    client.force_login(county_a_staff)
    url = reverse("responsibilities:meeting_withdraw", args=[meeting.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'data-testid="reopen-warning"' in confirm.content.decode()
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 400
    assert client.post(url, {"reason": "误将其他会议登记于此"}).status_code == 302
    meeting.refresh_from_db()
    analysis.refresh_from_db()
    assert meeting.withdrawn_reason == "误将其他会议登记于此" and meeting.withdrawn_at is not None
    assert analysis.status == "open" and analysis.completed_at is None
    assert list(analysis.events.values_list("kind", "reason")) == [
        ("evidence_added", ""), ("completed", ""), ("evidence_withdrawn", "误将其他会议登记于此"),
        ("reopened", "撤回会议记录“三季度意识形态形势分析研判”后佐证不足"),
    ]
    page = client.get(reverse("responsibilities:obligation_detail", args=[analysis.pk])).content.decode()
    assert 'data-testid="withdrawn"' in page and "误将其他会议登记于此" in page
    with pytest.raises(ValidationError, match="已撤回"):
        work_services.meeting_withdraw(meeting=meeting, actor=county_a_staff, reason="再次")


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_withdrawn_record_may_be_entered_again_and_counts_no_more(analysis, team, county_a_staff):
    meeting = record(analysis, county_a_staff, team)
    work_services.meeting_withdraw(meeting=meeting, actor=county_a_staff, reason="内容有误")
    record(analysis, county_a_staff, team)
    analysis.refresh_from_db()
    assert analysis.status == "done"
    assert analysis.meetings.filter(withdrawn_at__isnull=True).count() == 1


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_withdrawing_one_of_more_records_than_required_keeps_the_task_done(client, analysis, team, county_a_staff):
    first = record(analysis, county_a_staff, team)
    Obligation.objects.filter(pk=analysis.pk).update(status="open", completed_at=None)
    record(analysis, county_a_staff, team, topic="专题研判")
    client.force_login(county_a_staff)
    confirm = client.get(reverse("responsibilities:meeting_withdraw", args=[first.pk])).content.decode()
    assert 'data-testid="reopen-warning"' not in confirm
    work_services.meeting_withdraw(meeting=first, actor=county_a_staff, reason="重复登记")
    analysis.refresh_from_db()
    assert analysis.status == "done"


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_only_staff_who_manage_may_correct_or_withdraw(client, tree, analysis, team, county_a_staff):
    from tests.factories import make_user

    meeting = record(analysis, county_a_staff, team)
    client.force_login(make_user("viewer", grants=[("view", tree.county_a)]))
    for name in ("meeting_correct", "meeting_withdraw"):
        assert client.get(reverse(f"responsibilities:{name}", args=[meeting.pk])).status_code == 403
    client.force_login(make_user("sibling", grants=[("manage", tree.county_b), ("view", tree.county_b)]))
    assert client.post(reverse("responsibilities:meeting_withdraw", args=[meeting.pk]),
                       {"reason": "x"}).status_code == 404


# -- 补录 and 代填 -----------------------------------------------------------------------------------


def _entered_on(day: dt.date, ob, actor, team):
    Obligation.objects.filter(pk=ob.pk).update(status="open", completed_at=None)  # room for one more record
    with time_machine.travel(beijing(day.year, day.month, day.day), tick=False):
        return record(ob, actor, team, held_on=D(2026, 8, 20), topic=f"研判 {day}")


def test_a_record_entered_16_days_after_the_meeting_is_late_but_not_at_15(settings, analysis, team, county_a_staff):
    settings.ZEREN_LATE_ENTRY_DAYS = 15
    on_time = _entered_on(D(2026, 9, 4), analysis, county_a_staff, team)
    late = _entered_on(D(2026, 9, 5), analysis, county_a_staff, team)
    marked = {m.pk: m.is_late_entry for m in selectors.meetings_with_entry_marks(MeetingRecord.objects.all())}
    assert marked == {on_time.pk: False, late.pk: True}
    assert list(selectors.meetings_entered_late(MeetingRecord.objects.all())) == [late]
    # The inspector's 线索 read the same rule.
    assert list(flags.late_meeting_records(analysis.organization, 2026)) == [late]


def test_the_default_threshold_is_15_days(settings):
    del settings.ZEREN_LATE_ENTRY_DAYS
    assert selectors.late_entry_days() == 15


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_record_entered_by_the_upper_level_is_proxy(client, analysis, team, county_a_staff, city_staff):
    own = record(analysis, county_a_staff, team)
    Obligation.objects.filter(pk=analysis.pk).update(status="open")
    proxy = record(analysis, city_staff, team, topic="市委代为登记")
    marked = {m.pk: m.is_proxy_entry for m in selectors.meetings_with_entry_marks(MeetingRecord.objects.all())}
    assert marked == {own.pk: False, proxy.pk: True}
    assert list(flags.proxy_meeting_records(analysis.organization, 2026)) == [proxy]
    client.force_login(county_a_staff)
    page = client.get(reverse("responsibilities:obligation_detail", args=[analysis.pk])).content.decode()
    assert page.count('data-testid="proxy-entry"') == 1


def test_the_task_list_filters_by_late_and_proxy_entries(client, settings, tree, analysis, team, county_a_staff,
                                                         city_staff):
    settings.ZEREN_LATE_ENTRY_DAYS = 15
    _entered_on(D(2026, 9, 5), analysis, county_a_staff, team)  # 补录
    other = Obligation.objects.get(organization=tree.town_a1, work_system__code="analysis", period="2026Q3")
    town_team = (make_person("赵书记", organization=tree.town_a1), make_person("钱委员", organization=tree.town_a1))
    with time_machine.travel(beijing(2026, 8, 21), tick=False):
        record(other, city_staff, town_team)  # 代填
    client.force_login(city_staff)
    url = reverse("responsibilities:obligation_list")

    def listed(entry):
        page = client.get(url, {"period": "2026Q3", "org": tree.city.pk, "entry": entry})
        assert page.status_code == 200
        return [ob.pk for ob in page.context["page"]]

    assert listed("late") == [analysis.pk]
    assert listed("proxy") == [other.pk]
    assert set(listed("")) >= {analysis.pk, other.pk}
    page = client.get(url, {"period": "2026Q3", "org": tree.city.pk}).content.decode()
    assert page.count('data-testid="late-entry"') == 1 and page.count('data-testid="proxy-entry"') == 1
    assert client.get(url, {"period": "2026Q3", "entry": "other"}).status_code == 400


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_withdrawn_record_is_no_longer_flagged(analysis, team, city_staff):
    proxy = record(analysis, city_staff, team)
    work_services.meeting_withdraw(meeting=proxy, actor=city_staff, reason="登记错了任务")
    assert list(flags.proxy_meeting_records(analysis.organization, 2026)) == []
    assert list(selectors.obligations_with_entry_mark(Obligation.objects.all(), "proxy")) == []


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_the_meeting_form_takes_the_sign_in_sheet_with_it(client, analysis, team, county_a_staff):
    secretary, member = team
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:obligation_meeting", args=[analysis.pk]), {
        "held_on": "2026-08-20", "place": "县委常委会议室", "chair": secretary.pk, "attendees": [secretary.pk],
        "topic": "三季度研判", "discussion": "研判了网络舆情。", "file_title": "", "files": [pdf("签到表.pdf")],
    })
    assert response.status_code == 302
    assert list(analysis.meetings.get().files.values_list("title", "original_name")) == [("签到表", "签到表.pdf")]


@time_machine.travel(beijing(2026, 8, 21), tick=False)
def test_a_withdrawn_record_is_not_counted_in_a_reports_figures(tree, analysis, team, county_a_staff):
    from reporting.reports.selectors import report_facts

    kept = record(analysis, county_a_staff, team)
    Obligation.objects.filter(pk=analysis.pk).update(status="open", completed_at=None)
    dropped = record(analysis, county_a_staff, team, topic="重复登记的研判")
    work_services.meeting_withdraw(meeting=dropped, actor=county_a_staff, reason="重复登记")
    facts = report_facts(tree.county_a, Period.parse("2026Q3"))
    assert [s["meetings"] for s in facts["systems"] if s["code"] == "analysis"] == [1]
    assert kept.withdrawn_at is None
