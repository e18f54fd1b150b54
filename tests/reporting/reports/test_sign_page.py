"""The sign page (issue #9 §1–2): the whole document before the button, what stands in the way, the
signer's password again, and 签发并报送 in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.models import DocumentCounter, Report, ReportKind, ReportVersion, Submission
from reporting.reports import services as reports_services
from responsibilities.log import LogEntry
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.reports import test_views
from tests.reporting.reports.test_views import H1, as_user, latest, new_report, ready, text
from tests.reporting.writing import write_up

# The report pages' fixtures: a county with its clerk and secretary, in mid-June 2026.
county = test_views.county
_june = test_views._june

D = dt.date
PASSWORD = "pw-zeren-test"  # tests.factories.make_user's


def sign_url(report: Report) -> str:
    return reverse("reporting:report_sign", args=[report.pk])


def test_the_sign_page_shows_the_whole_document_as_it_prints_before_the_confirm_button(county):
    report = ready(county)
    version = latest(report)
    ReportVersion.objects.filter(pk=version.pk).update(attachments=["2026年上半年会议记录汇总表"])

    page = text(as_user(county.secretary).get(sign_url(report)))

    order = ['class="doc-issuer">中共A县委', "签发人：周书记", ('class="doc-title"><span class="title-line">A县委关于2026年上半年</span>'
                                                       '<span class="title-line">意识形态工作情况的报告</span>'), "中共X市委：", "基本情况",
             "2026年上半年会议记录汇总表", "2026年6月15日", "A县委办公室　2026年6月15日印发", "登录密码",
             "确认签发第 2 版"]
    positions = [page.find(piece) for piece in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert "签发并报送X市委" in page


def test_the_sign_page_lists_each_prompt_and_links_the_drafter_to_the_editor(county):
    report = new_report(county)
    county.secretary.user_permissions.clear()

    secretary_page = text(as_user(county.secretary).get(sign_url(report)))
    drafter_grants = make_user("a_both", grants=[("view", county.org), ("sign_report", county.org),
                                                  ("draft_report", county.org)])
    both_page = text(as_user(drafter_grants).get(sign_url(report)))

    assert "第二部分“存在的问题”仍是模板提示：（请列明存在的主要问题及原因。）" in secretary_page
    assert "第三部分“下一步工作打算”仍是模板提示：（请列明下一步的工作措施。）" in secretary_page
    assert "确认签发" not in secretary_page and "请通知起草人修改正文" in secretary_page
    assert f'href="/reports/{report.pk}/edit/"' in both_page


def test_a_wrong_password_signs_nothing(county):
    report = ready(county)

    response = as_user(county.secretary).post(sign_url(report), {"version": 2, "password": "not-mine"})

    assert response.status_code == 400
    assert "密码不正确，未签发。请重新输入您的登录密码。" in text(response)
    assert not latest(report).is_signed
    assert not LogEntry.objects.filter(action="reportversion.signed").exists()


def test_no_password_signs_nothing(county):
    report = ready(county)

    response = as_user(county.secretary).post(sign_url(report), {"version": 2})

    assert response.status_code == 400 and "请输入您的登录密码以确认签发。" in text(response)
    assert not latest(report).is_signed


def test_signing_alone_offers_the_next_step_and_the_signer_may_take_it(county):
    report = ready(county)
    client = as_user(county.secretary)

    response = client.post(sign_url(report), {"version": 2, "password": PASSWORD})
    next_page = client.get(response["Location"])
    sent = client.post(reverse("reporting:report_submit", args=[report.pk]))

    assert response["Location"] == reverse("reporting:report_submit", args=[report.pk])
    assert "已签发，发文字号 A县委〔2026〕1号。下一步：报送上级。" in text(next_page) and "确认报送" in text(next_page)
    assert sent.status_code == 302
    assert Submission.objects.get().submitted_by == county.secretary


def test_sign_and_submit_in_one_step(county):
    report = ready(county)
    client = as_user(county.secretary)

    response = client.post(sign_url(report), {"version": 2, "password": PASSWORD, "and_submit": "1"})

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.version, submission.to_organization.name, submission.submitted_by) == (
        latest(report), "X市委", county.secretary)
    assert submission.version.doc_number == "A县委〔2026〕1号"
    assert Report.objects.get().status == Report.Status.SUBMITTED
    assert submission.submitted_at == submission.version.signed_at
    assert list(LogEntry.objects.filter(action__in=["reportversion.signed", "submission.submitted"])
                .values_list("action", flat=True)) == ["reportversion.signed", "submission.submitted"]
    assert "已签发并报送至X市委，发文字号 A县委〔2026〕1号（按时）。" in text(client.get(response["Location"]))


@pytest.fixture
def city_unit(tree):
    """The root of its tree: there is no upper organization to submit to."""
    secretary = make_user("x_shuji", grants=[("view", tree.city), ("sign_report", tree.city)])
    make_assignment(person=make_person("市委书记", organization=tree.city, user=secretary), organization=tree.city,
                    role="secretary", start=D(2024, 1, 1))
    staff = make_user("x_xcb", grants=[("view", tree.city), ("manage", tree.city), ("draft_report", tree.city)])
    report = reports_services.report_create(organization=tree.city, kind=ReportKind.HALF_YEAR, period=H1, actor=staff)
    write_up(report, staff)
    return report, secretary


def test_when_the_submission_is_refused_nothing_is_signed(city_unit, settings):
    report, secretary = city_unit

    with pytest.raises(ValidationError) as info:
        reports_services.report_sign_and_submit(version=latest(report), actor=secretary)

    assert info.value.messages == ["X市委 没有上级组织，无法报送。"]
    version = latest(report)
    assert (version.is_signed, version.doc_number, version.pdf_name) == (False, "", "")
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    assert not DocumentCounter.objects.filter(last__gt=0).exists()
    assert not LogEntry.objects.filter(action="reportversion.signed").exists()
    assert not list(reports_services.pdf_dir().iterdir())


def test_a_report_without_an_upper_organization_offers_signing_alone(city_unit):
    report, secretary = city_unit

    page = text(as_user(secretary).get(sign_url(report)))

    assert "确认签发第 2 版" in page and "签发并报送" not in page


def test_an_old_notice_leading_to_the_sign_page_of_a_signed_version_says_so_and_shows_no_second_header(county):
    report = ready(county)
    reports_services.report_sign(version=latest(report), actor=county.secretary)

    response = as_user(county.secretary).get(sign_url(report), follow=True)

    assert response.redirect_chain[-1][0] == reverse("reporting:report_detail", args=[report.pk])
    page = text(response)
    assert "第 2 版已签发（A县委〔2026〕1号），无需再签发。" in page
    assert "发文字号（签发时编定）" not in page and "登录密码" not in page
