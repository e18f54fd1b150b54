"""Reports through the browser's eyes: draft, edit in versions, compare, sign, submit, receive or return."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

import pdfplumber
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reporting.delegations import services as delegations_services
from reporting.models import Delegation, Report, ReportKind, ReportVersion, Submission
from reporting.reports import selectors
from reporting.reports import services as reports_services
from responsibilities.models import Notification, Organization, Person
from responsibilities.periods import Period
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.writing import write_up

D = dt.date
TODAY = D(2026, 6, 15)
H1 = Period.parse("2026H1")


@pytest.fixture(autouse=True)
def _june():
    """Mid-June 2026, Beijing morning: inside the first half-year, before its reporting deadline."""
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        yield


@dataclass
class County:
    org: Organization
    staff: object  # 宣传部 clerk: drafts and submits
    secretary: object  # the 第一责任人's account
    secretary_person: Person
    viewer: object  # may look, not act
    outsider: object  # another county's clerk


@pytest.fixture
def county(tree) -> County:
    org = tree.county_a
    staff = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person("周书记", organization=org, user=secretary, title="县委书记")
    make_assignment(person=person, organization=org, role="secretary", start=D(2024, 1, 1))
    viewer = make_user("a_viewer", grants=[("view", org)])
    outsider = make_user("b_xcb", grants=[("view", tree.county_b), ("manage", tree.county_b),
                                          ("draft_report", tree.county_b)])
    return County(org, staff, secretary, person, viewer, outsider)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def new_report(county: County) -> Report:
    return reports_services.report_create(organization=county.org, kind=ReportKind.HALF_YEAR, period=H1, actor=county.staff)


def ready(county: County) -> Report:
    """A new report with the drafter's text over the template's prompts: version 2, ready to sign."""
    report = new_report(county)
    write_up(report, county.staff)
    return report


def editor_post(version: ReportVersion, **changes) -> dict:
    """What the editor posts for `version` unchanged, with `changes` applied (blocks as (level, text))."""
    blocks = changes.pop("blocks", [(b["level"], b["text"]) for b in version.blocks])
    data = {
        "title": version.title, "addressee": version.addressee, "copy_to": version.copy_to,
        "attachments": "\n".join(version.attachments), "note": "", "op": "save",
        "block_level": [str(level) for level, _text in blocks],
        "block_text": [t for _level, t in blocks],
        "block_facts": ["0"] * len(blocks),
    }
    data.update(changes)
    return data


def latest(report: Report) -> ReportVersion:
    return selectors.latest_version(report)


def signed(county: County) -> Report:
    report = ready(county)
    reports_services.report_sign(version=latest(report), actor=county.secretary)
    return report


def submitted(county: County) -> Submission:
    report = signed(county)
    return reports_services.report_submit(report=report, actor=county.staff)


# --- drafting ------------------------------------------------------------------------------------


def test_staff_start_a_half_year_report_from_the_list_and_land_in_the_editor(county):
    client = as_user(county.staff)
    listing = client.get(reverse("reporting:report_list"), {"org": county.org.pk})
    assert "新建报告" in text(listing)

    response = client.post(reverse("reporting:report_create"),
                           {"organization": county.org.pk, "kind": "half_year", "period": "2026h1", "title": ""})

    report = Report.objects.get(organization=county.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report_edit", args=[report.pk])
    assert (report.kind, report.period, report.status) == ("half_year", "2026H1", "draft")
    version = latest(report)
    assert version.number == 1
    assert version.title == "A县委关于2026年上半年意识形态工作情况的报告"
    assert version.addressee == "中共X市委"


def test_a_second_report_for_the_same_period_opens_the_first_instead_of_refusing(county):
    client = as_user(county.staff)
    data = {"organization": county.org.pk, "kind": "half_year", "period": "2026年上半年"}
    client.post(reverse("reporting:report_create"), data)

    again = client.post(reverse("reporting:report_create"), data, follow=True)

    report = Report.objects.get()
    assert again.redirect_chain[-1][0] == reverse("reporting:report_detail", args=[report.pk])
    assert "A县委已有2026年上半年的半年专题汇报，已为您打开。" in text(again)


@pytest.mark.parametrize(("kind", "period", "message"), [
    ("half_year", "2026", "半年专题汇报的期间应为半年，如 2026年上半年 或 2026年下半年。"),
    ("inspection", "2026年上半年", "年度专项督查报告的期间应为年度，如 2026年度。"),
    ("summary", "去年", "无法识别的期间“去年”。"),
    ("summary", "2026年第三季度", "此处的期间应为半年或年度，如 2026年上半年。"),
    ("half_year", "", "请选择报告期间。"),
    ("major", "2026", "重大情况专题报告不按期间报送，请不选报告期间。"),
])
def test_a_wrong_period_is_refused_in_chinese(county, kind, period, message):
    response = as_user(county.staff).post(reverse("reporting:report_create"),
                                          {"organization": county.org.pk, "kind": kind, "period": period})

    assert response.status_code == 400
    assert message in text(response)
    assert not Report.objects.exists()


def test_a_major_report_needs_no_period(county):
    response = as_user(county.staff).post(reverse("reporting:report_create"),
                                          {"organization": county.org.pk, "kind": "major", "period": ""})

    assert response.status_code == 302
    assert Report.objects.get().period == ""


def test_no_draft_report_right_means_no_new_report(county):
    viewer = as_user(county.viewer)

    assert "新建报告" not in text(viewer.get(reverse("reporting:report_list")))
    assert viewer.get(reverse("reporting:report_create")).status_code == 403
    assert viewer.get(reverse("reporting:report_create"), {"org": county.org.pk}).status_code == 403
    response = viewer.post(reverse("reporting:report_create"),
                           {"organization": county.org.pk, "kind": "half_year", "period": "2026H1"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_report_for_an_organization_outside_the_users_view_is_not_found(tree, county):
    response = as_user(county.staff).post(reverse("reporting:report_create"),
                                          {"organization": tree.county_b.pk, "kind": "half_year", "period": "2026H1"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_every_save_makes_a_new_version_and_raw_html_is_shown_as_text(county):
    report = new_report(county)
    client = as_user(county.staff)
    blocks = [(1, "基本情况"), (0, "<script>alert('x')</script><b>加粗</b>"), (2, "工作制度落实情况"), (0, "已召开会议。")]

    first = client.post(reverse("reporting:report_edit", args=[report.pk]),
                        editor_post(latest(report), blocks=blocks, note="补充基本情况"))
    second = client.post(reverse("reporting:report_edit", args=[report.pk]),
                         editor_post(latest(report), title="A县委关于上半年意识形态工作的报告"))

    assert first.status_code == second.status_code == 302
    assert list(report.versions.values_list("number", flat=True)) == [1, 2, 3]
    assert latest(report).blocks[1] == {"level": 0, "text": "<script>alert('x')</script><b>加粗</b>"}
    page = text(as_user(county.staff).get(reverse("reporting:report_detail", args=[report.pk])))
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;加粗&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>加粗" not in page
    assert "一、" in page and "（一）" in page  # headings numbered like the 公文
    assert "A县委关于上半年意识形态工作的报告" in page


def test_block_buttons_work_without_javascript_and_save_nothing(county):
    report = new_report(county)
    version = latest(report)
    data = editor_post(version, title="还没保存的标题", op="add:0")

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]), data)

    page = text(response)
    assert response.status_code == 200
    assert page.count('name="block_text"') == len(version.blocks) + 1
    assert "还没保存的标题" in page
    assert "<html" in page
    assert report.versions.count() == 1


@pytest.mark.parametrize(("op", "expected"), [
    ("up:1", ["第二段", "第一段", "第三段"]),
    ("down:1", ["第一段", "第三段", "第二段"]),
    ("remove:0", ["第二段", "第三段"]),
    ("add:-1", ["", "第一段", "第二段", "第三段"]),
])
def test_block_buttons_under_htmx_return_only_the_block_list(county, op, expected):
    report = new_report(county)
    blocks = [(0, "第一段"), (1, "第二段"), (0, "第三段")]
    data = editor_post(latest(report), blocks=blocks, op=op)

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]), data,
                                          HTTP_HX_REQUEST="true")

    page = text(response)
    assert response.status_code == 200
    assert page.startswith('<div id="blocks"')
    assert "<html" not in page
    textareas = [chunk.split("</textarea>")[0].split(">", 1)[1] for chunk in page.split("<textarea")[1:]]
    assert textareas == expected


def test_a_refused_save_keeps_everything_the_user_typed(county):
    report = new_report(county)
    data = editor_post(latest(report), title="  ", blocks=[(1, "我写的标题"), (0, "我写了很久的一段话")])

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]), data)

    page = text(response)
    assert response.status_code == 400
    assert "标题不能为空。" in page
    assert "我写了很久的一段话" in page and "我写的标题" in page
    assert report.versions.count() == 1


def test_an_empty_body_is_refused_with_the_services_message(county):
    report = new_report(county)

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]),
                                          editor_post(latest(report), blocks=[(0, "   ")]))

    assert response.status_code == 400
    assert "正文不能为空。" in text(response)


def test_an_unknown_level_is_refused_and_the_text_kept(county):
    report = new_report(county)
    data = editor_post(latest(report), blocks=[(0, "正文")])
    data["block_level"] = ["9"]

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]), data)

    assert response.status_code == 400
    assert "第 1 段的层级无效。" in text(response)
    assert report.versions.count() == 1


def test_refreshing_the_statistics_makes_a_new_version(county):
    report = new_report(county)

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]),
                                          editor_post(latest(report), op="refresh"))

    assert response.status_code == 302
    assert latest(report).number == 2
    assert latest(report).note == "更新统计数据"


def test_refreshing_with_unsaved_changes_asks_to_save_first(county):
    report = new_report(county)

    response = as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]),
                                          editor_post(latest(report), title="改过的标题", op="refresh"))

    assert response.status_code == 400
    assert "请先保存您的修改" in text(response)
    assert "改过的标题" in text(response)
    assert report.versions.count() == 1


def test_the_versions_page_shows_what_changed_between_two_versions(county):
    report = new_report(county)
    client = as_user(county.staff)
    v1 = latest(report)
    blocks = [(b["level"], b["text"]) for b in v1.blocks]
    blocks[1] = (0, "本期共开展专题学习四次。")
    client.post(reverse("reporting:report_edit", args=[report.pk]), editor_post(v1, blocks=blocks))

    response = client.get(reverse("reporting:report_versions", args=[report.pk]), {"a": 1, "b": 2})

    page = text(response)
    assert response.status_code == 200
    assert "第 1 版 → 第 2 版" in page
    assert "<ins>本期共开展专题学习四次。</ins>" in page
    assert "<del>（请简述本期意识形态工作总体情况。）</del>" in page


def test_comparing_with_a_version_that_does_not_exist_is_refused(county):
    report = new_report(county)

    response = as_user(county.staff).get(reverse("reporting:report_versions", args=[report.pk]), {"a": 1, "b": 7})

    assert response.status_code == 400
    assert "没有该版本。" in text(response)


# --- sign-off ------------------------------------------------------------------------------------


def test_the_sign_button_is_offered_only_to_whom_the_signing_rule_lets_sign(tree, county):
    own = new_report(county)
    town_report = reports_services.report_create(organization=tree.town_a1, kind=ReportKind.HALF_YEAR, period=H1,
                                                 actor=county.staff)
    sign_button = 'class="button primary" href="/reports/'

    own_page = text(as_user(county.secretary).get(reverse("reporting:report_detail", args=[own.pk])))
    town_page = text(as_user(county.secretary).get(reverse("reporting:report_detail", args=[town_report.pk])))

    assert sign_button + f'{own.pk}/sign/"' in own_page
    assert f"/reports/{town_report.pk}/sign/" not in town_page  # the county secretary is not the town's 第一责任人


def test_the_secretary_sees_the_final_text_and_signs_it(county):
    report = ready(county)
    client = as_user(county.secretary)

    confirm = client.get(reverse("reporting:report_sign", args=[report.pk]))
    response = client.post(reverse("reporting:report_sign", args=[report.pk]), {"version": 2, "password": "pw-zeren-test"})

    assert "周书记（第一责任人）" in text(confirm)
    assert "确认签发第 2 版" in text(confirm)
    assert response.status_code == 302
    version = latest(report)
    assert version.doc_number == "A县委〔2026〕1号"
    assert version.signer == county.secretary_person
    pdf = reports_services.signed_pdf_path(version).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    report.refresh_from_db()
    assert report.status == Report.Status.SIGNED
    detail = text(client.get(reverse("reporting:report_detail", args=[report.pk])))
    assert "A县委〔2026〕1号" in detail and version.pdf_sha256 in detail


def test_a_signed_version_is_never_edited_saving_makes_a_new_draft(county):
    report = signed(county)
    client = as_user(county.staff)
    signed_version = latest(report)

    editor = client.get(reverse("reporting:report_edit", args=[report.pk]))
    response = client.post(reverse("reporting:report_edit", args=[report.pk]),
                           editor_post(signed_version, title="签发后修改的标题"))

    assert "当前版本已签发" in text(editor)
    assert response.status_code == 302
    frozen = ReportVersion.objects.get(pk=signed_version.pk)
    assert (frozen.title, frozen.doc_number, frozen.pdf_sha256) == (
        signed_version.title, signed_version.doc_number, signed_version.pdf_sha256)
    new = latest(report)
    assert (new.number, new.title, new.is_signed) == (3, "签发后修改的标题", False)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_a_newer_save_between_confirmation_and_click_is_not_signed_unseen(county):
    report = new_report(county)
    as_user(county.staff).post(reverse("reporting:report_edit", args=[report.pk]), editor_post(latest(report)))

    response = as_user(county.secretary).post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"})

    assert response.status_code == 400
    assert "只能签发最新版本（第 2 版）。" in text(response)
    assert not ReportVersion.objects.filter(report=report, signed_at__isnull=False).exists()


def test_someone_with_sign_report_who_is_not_the_secretary_is_refused_with_the_services_message(county):
    deputy_user = make_user("deputy", grants=[("view", county.org), ("sign_report", county.org)])
    deputy = make_person("赵副书记", organization=county.org, user=deputy_user)
    make_assignment(person=deputy, organization=county.org, role="direct", start=D(2024, 1, 1))
    report = new_report(county)
    client = as_user(deputy_user)

    confirm = client.get(reverse("reporting:report_sign", args=[report.pk]))
    response = client.post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"})

    message = "只有2026年6月15日担任A县委第一责任人的同志（或在委托期内的受托人）可以签发。"
    assert confirm.status_code == 200
    assert message in text(confirm) and "确认签发" not in text(confirm)
    assert response.status_code == 400
    assert message in text(response)
    assert not latest(report).is_signed


def test_a_secretary_whose_role_has_ended_cannot_sign(county):
    old_user = make_user("old_shuji", grants=[("view", county.org), ("sign_report", county.org)])
    old = make_person("老书记", organization=county.org, user=old_user)
    make_assignment(person=old, organization=county.org, role="secretary", start=D(2020, 1, 1), end=D(2023, 12, 31))
    report = new_report(county)

    response = as_user(old_user).post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"})

    assert response.status_code == 400
    assert "只有2026年6月15日担任A县委第一责任人的同志" in text(response)
    assert not latest(report).is_signed


@pytest.fixture
def deputy(county):
    user = make_user("a_fushuji", grants=[("view", county.org), ("sign_report", county.org)])
    person = make_person("赵副书记", organization=county.org, user=user)
    make_assignment(person=person, organization=county.org, role="direct", start=D(2024, 1, 1))
    return user, person


def test_the_secretary_records_a_delegation_and_the_deputy_signs_inside_its_window(county, deputy):
    deputy_user, deputy_person = deputy
    report = ready(county)
    recorded = as_user(county.secretary).post(
        reverse("reporting:delegation_list", args=[county.org.pk]),
        {"delegate": deputy_person.pk, "start_date": "2026-06-10", "end_date": "2026-06-20", "reason": "书记外出学习"},
    )
    client = as_user(deputy_user)

    confirm = client.get(reverse("reporting:report_sign", args=[report.pk]))
    response = client.post(reverse("reporting:report_sign", args=[report.pk]), {"version": 2, "password": "pw-zeren-test"})

    assert recorded.status_code == 302
    delegation = Delegation.objects.get()
    assert "受委托签发，委托期 2026-06-10 至 2026-06-20" in text(confirm)
    assert response.status_code == 302
    version = latest(report)
    assert (version.signer, version.delegation) == (deputy_person, delegation)
    assert reports_services.version_document(version).delegation_note == "（赵副书记受委托签发）"
    pdf = b"".join(client.get(reverse("reporting:version_pdf", args=[report.pk, 2])).streaming_content)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert "受委托签发" in "".join(page.extract_text() for page in document.pages).replace(" ", "")
    assert "（赵副书记受委托签发）" in text(client.get(reverse("reporting:report_detail", args=[report.pk])))
    listing = text(client.get(reverse("reporting:delegation_list", args=[county.org.pk])))
    assert "书记外出学习" in listing


def test_the_deputy_cannot_sign_outside_the_delegation_window(county, deputy):
    deputy_user, deputy_person = deputy
    delegations_services.delegation_create(organization=county.org, delegate=deputy_person, start_date=D(2026, 5, 1),
                                           end_date=D(2026, 6, 14), reason="书记外出", actor=county.secretary,
                                           now=dt.datetime(2026, 5, 1, 2, tzinfo=dt.UTC))
    report = new_report(county)

    response = as_user(deputy_user).post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"})

    assert response.status_code == 400
    assert "或在委托期内的受托人" in text(response)
    assert not latest(report).is_signed


def test_staff_cannot_record_a_delegation(county, deputy):
    _user, person = deputy

    response = as_user(county.staff).post(
        reverse("reporting:delegation_list", args=[county.org.pk]),
        {"delegate": person.pk, "start_date": "2026-06-10", "end_date": "2026-06-20", "reason": "外出"},
    )

    assert response.status_code == 403
    assert not Delegation.objects.exists()


def test_a_delegation_ending_before_it_starts_is_refused(county, deputy):
    _user, person = deputy

    response = as_user(county.secretary).post(
        reverse("reporting:delegation_list", args=[county.org.pk]),
        {"delegate": person.pk, "start_date": "2026-06-20", "end_date": "2026-06-10", "reason": "外出"},
    )

    assert response.status_code == 400
    assert "结束日期不能早于起始日期。" in text(response)


# --- PDFs ----------------------------------------------------------------------------------------


def test_the_preview_of_a_draft_opens_in_the_browser(county):
    report = new_report(county)

    response = as_user(county.viewer).get(reverse("reporting:version_pdf", args=[report.pk, 1]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert text(response).startswith("%PDF")


def test_download_is_an_attachment(county):
    report = new_report(county)

    response = as_user(county.staff).get(reverse("reporting:version_pdf", args=[report.pk, 1]), {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.getvalue().startswith(b"%PDF")  # rendered now, or streamed from the preview cache


def test_a_signed_version_is_served_byte_for_byte_as_stored(county):
    report = signed(county)
    version = latest(report)

    response = as_user(county.viewer).get(reverse("reporting:version_pdf", args=[report.pk, 2]))

    body = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(body).hexdigest() == version.pdf_sha256


def test_a_version_that_does_not_exist_has_no_pdf(county):
    report = new_report(county)

    assert as_user(county.staff).get(reverse("reporting:version_pdf", args=[report.pk, 9])).status_code == 404


# --- submission, receipt, return -----------------------------------------------------------------


def test_staff_submit_the_signed_report_and_the_city_sees_it_in_its_inbox(county, city_staff):
    report = signed(county)
    client = as_user(county.staff)

    confirm = client.get(reverse("reporting:report_submit", args=[report.pk]))
    response = client.post(reverse("reporting:report_submit", args=[report.pk]))

    assert "确认报送" in text(confirm) and "X市委" in text(confirm)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.to_organization.name, submission.status) == ("X市委", "submitted")
    inbox = text(as_user(city_staff).get(reverse("reporting:submission_inbox")))
    assert latest(report).title in inbox and "A县委〔2026〕1号" in inbox
    assert Notification.objects.filter(recipient=city_staff, url__contains=f"/submissions/{submission.pk}/").exists()


def test_an_unsigned_report_cannot_be_submitted(county):
    report = new_report(county)
    client = as_user(county.staff)

    confirm = client.get(reverse("reporting:report_submit", args=[report.pk]))
    response = client.post(reverse("reporting:report_submit", args=[report.pk]))

    assert "报告须先由第一责任人签发，才能报送。" in text(confirm) and "确认报送" not in text(confirm)
    assert response.status_code == 400
    assert "报告须先由第一责任人签发，才能报送。" in text(response)
    assert not Submission.objects.exists()


def test_the_city_receives_the_report(county, city_staff):
    submission = submitted(county)
    client = as_user(city_staff)

    page = text(client.get(reverse("reporting:submission_detail", args=[submission.pk])))
    response = client.post(reverse("reporting:submission_receive", args=[submission.pk]))

    assert "签收" in page and "A县委〔2026〕1号" in page
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
    assert Report.objects.get().status == Report.Status.RECEIVED
    again = client.post(reverse("reporting:submission_receive", args=[submission.pk]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("reporting:submission_detail", args=[submission.pk])
    assert "无需再处理" in text(again)  # nothing happened twice
    assert Submission.objects.get(pk=submission.pk).handled_by == city_staff


def test_the_city_returns_the_report_with_a_reason_and_it_comes_back_as_a_new_draft(county, city_staff):
    submission = submitted(county)
    client = as_user(city_staff)

    confirm = client.get(reverse("reporting:submission_return", args=[submission.pk]))
    without_reason = client.post(reverse("reporting:submission_return", args=[submission.pk]), {"reason": "  "})
    response = client.post(reverse("reporting:submission_return", args=[submission.pk]),
                           {"reason": "统计数据不完整，请补充乡镇情况"})

    assert "确认退回" in text(confirm)
    assert without_reason.status_code == 400
    assert "退回必须填写理由。" in text(without_reason)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.RETURNED
    assert (latest(report).number, latest(report).is_signed) == (3, False)
    assert "统计数据不完整" in latest(report).note
    detail = text(as_user(county.staff).get(reverse("reporting:report_detail", args=[report.pk])))
    assert "X市委退回了本报告：统计数据不完整，请补充乡镇情况" in detail
    assert ">编辑<" in detail and ">签发<" not in detail  # the clerk edits; the secretary signs again
    assert ">签发<" in text(as_user(county.secretary).get(reverse("reporting:report_detail", args=[report.pk])))


def test_the_submitting_county_sees_its_submission_read_only(county):
    submission = submitted(county)
    client = as_user(county.staff)

    page = text(client.get(reverse("reporting:submission_detail", args=[submission.pk])))
    receive = client.post(reverse("reporting:submission_receive", args=[submission.pk]))
    give_back = client.post(reverse("reporting:submission_return", args=[submission.pk]), {"reason": "自己退回"})

    assert "A县委〔2026〕1号" in page
    assert "submission_receive" not in page and f"/submissions/{submission.pk}/receive/" not in page
    assert (receive.status_code, give_back.status_code) == (403, 403)
    assert Submission.objects.get().status == Submission.Status.SUBMITTED


def test_the_inbox_filters_by_status(county, city_staff):
    submission = submitted(county)
    client = as_user(city_staff)

    pending = text(client.get(reverse("reporting:submission_inbox"), {"status": "submitted"}))
    received = text(client.get(reverse("reporting:submission_inbox"), {"status": "received"}))

    assert f"/submissions/{submission.pk}/" in pending
    assert f"/submissions/{submission.pk}/" not in received


def test_the_county_inbox_does_not_show_what_the_county_sent_upward(county):
    submitted(county)

    assert "A县委〔2026〕1号" not in text(as_user(county.staff).get(reverse("reporting:submission_inbox")))


# --- who may do what -----------------------------------------------------------------------------


def test_a_view_only_user_reads_the_report_but_cannot_edit_sign_or_submit(county):
    report = new_report(county)
    client = as_user(county.viewer)

    detail = client.get(reverse("reporting:report_detail", args=[report.pk]))
    refusals = [
        client.get(reverse("reporting:report_edit", args=[report.pk])).status_code,
        client.post(reverse("reporting:report_edit", args=[report.pk]), editor_post(latest(report))).status_code,
        client.get(reverse("reporting:report_sign", args=[report.pk])).status_code,
        client.post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"}).status_code,
        client.get(reverse("reporting:report_submit", args=[report.pk])).status_code,
        client.post(reverse("reporting:report_submit", args=[report.pk])).status_code,
    ]

    assert detail.status_code == 200
    for label in (">编辑<", ">签发<", ">报送<"):
        assert label not in text(detail)
    assert refusals == [403] * 6
    assert report.versions.count() == 1


def test_the_staff_who_draft_cannot_sign(county):
    report = new_report(county)

    response = as_user(county.staff).post(reverse("reporting:report_sign", args=[report.pk]), {"version": 1, "password": "pw-zeren-test"})

    assert response.status_code == 403
    assert not latest(report).is_signed


def test_outsiders_find_nothing(county):
    submission = submitted(county)
    report = submission.report
    client = as_user(county.outsider)
    urls = [
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("reporting:report_edit", args=[report.pk]),
        reverse("reporting:report_versions", args=[report.pk]),
        reverse("reporting:report_sign", args=[report.pk]),
        reverse("reporting:report_submit", args=[report.pk]),
        reverse("reporting:version_pdf", args=[report.pk, 1]),
        reverse("reporting:submission_detail", args=[submission.pk]),
        reverse("reporting:submission_return", args=[submission.pk]),
        reverse("reporting:delegation_list", args=[county.org.pk]),
        f"{reverse('reporting:report_list')}?org={county.org.pk}",
    ]

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert client.post(reverse("reporting:submission_receive", args=[submission.pk])).status_code == 404
    listing = text(client.get(reverse("reporting:report_list")))
    assert "A县委" not in listing


def test_the_list_shows_only_reports_in_view_and_filters_them(tree, county, city_staff):
    new_report(county)
    reports_services.report_create(organization=tree.county_b, kind=ReportKind.HALF_YEAR, period=H1, actor=None)
    reports_services.report_create(organization=tree.county_a, kind=ReportKind.INSPECTION, period=Period.parse("2026"),
                           actor=None)

    mine = text(as_user(county.staff).get(reverse("reporting:report_list")))
    city = as_user(city_staff)
    everything = text(city.get(reverse("reporting:report_list")))
    inspections = text(city.get(reverse("reporting:report_list"), {"kind": "inspection"}))
    bad_period = city.get(reverse("reporting:report_list"), {"period": "上半年"})

    assert "A县委关于2026年上半年意识形态工作情况的报告" in mine
    assert "B县委" not in mine
    assert "B县委关于2026年上半年" in everything and "A县委关于2026年上半年" in everything
    assert "专项督查" in inspections and "B县委关于" not in inspections
    assert bad_period.status_code == 400
    assert "无法识别的期间“上半年”" in text(bad_period)
