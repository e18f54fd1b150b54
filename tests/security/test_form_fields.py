"""Form fields as an attacker fills them (issue #11 §1): another organization's ids in select fields are
refused, fields a form does not offer are ignored, and HTML/JS typed into text fields is shown as text."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Campaign
from reporting.models import Delegation, ReportVersion
from responsibilities.models import DutyItem, MeetingRecord, Obligation, WorkSystem
from tests.responsibilities.permission_world import client_for, rolled_back, text_of

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
INVALID_CHOICE = "选择一个有效的选项：该选择不在可用的选项中。".replace("：", "： ")


def duty(world, **extra) -> dict:
    return {"content": "落实意识形态工作责任制", "responsible": "secretary", "verification": "会议记录", **extra}


def test_a_person_of_another_organization_as_the_duty_s_responsible_person_is_refused(world):
    with rolled_back():
        before = DutyItem.objects.count()
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:duty_add", args=[world.orgs["own"].pk]),
            duty(world, responsible_person=world.people["sibling"].pk))
        assert response.status_code == 400
        assert response.context["form"].errors["responsible_person"] == [INVALID_CHOICE]
        assert DutyItem.objects.count() == before


def _meeting_obligation(world) -> Obligation:
    ob = world.obligations["own"]
    return Obligation.objects.create(
        organization=ob.organization, work_system=WorkSystem.objects.get(code="analysis"), period="2026Q1",
        period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31), due_date=dt.date(2026, 4, 10),
        responsible="committee")


def meeting(world, **extra) -> dict:
    return {"held_on": "2026-03-02", "place": "会议室", "chair": world.people["own"].pk,
            "attendees": [world.people["own"].pk], "topic": "一季度形势分析", "discussion": "研判", **extra}


@pytest.mark.parametrize("field", ["chair", "attendees"])
def test_a_person_of_another_organization_in_a_meeting_record_is_refused(world, field):
    with rolled_back():
        ob = _meeting_obligation(world)
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:obligation_meeting", args=[ob.pk]),
            meeting(world, **{field: world.people["sibling"].pk}))
        assert response.status_code == 400
        assert field in response.context["meeting_form"].errors
        assert not MeetingRecord.objects.filter(obligation=ob).exists()


def test_a_delegate_of_another_organization_is_refused(world):
    with rolled_back():
        before = Delegation.objects.count()
        response = client_for(world, "county_a_secretary").post(
            reverse("reporting:delegation_list", args=[world.orgs["own"].pk]),
            {"delegate": world.people["sibling"].pk, "start_date": "2099-07-01", "end_date": "2099-07-02",
             "reason": "外出"})
        assert response.status_code == 400
        assert response.context["form"].errors["delegate"] == [INVALID_CHOICE]
        assert Delegation.objects.count() == before


def campaign(world, **extra) -> dict:
    return {"title": "考核", "year": 2026, "rubric": world.assess.rubrics["own"].pk, "methods": ["random"],
            "start_date": "2026-07-01", "end_date": "2026-12-31", "assessed": [world.orgs["child"].pk],
            "good_from": "90", "fairly_good_from": "80", "average_from": "60", **extra}


@pytest.mark.parametrize(("field", "other"), [("rubric", "sibling"), ("assessed", "sibling"), ("assessed", "parent")])
def test_a_campaign_over_another_organization_or_with_its_rubric_is_refused(world, field, other):
    ids = {"rubric": world.assess.rubrics[other].pk, "assessed": [world.orgs[other].pk]}
    with rolled_back():
        before = Campaign.objects.count()
        response = client_for(world, "county_a_staff").post(
            f"{reverse('accountability:campaign_create')}?org={world.orgs['own'].pk}", campaign(world, **{field: ids[field]}))
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert Campaign.objects.count() == before


def test_the_same_campaign_with_its_own_rubric_and_subordinate_is_opened(world):
    """The control of the test above: only the foreign id made it fail."""
    with rolled_back():
        response = client_for(world, "county_a_staff").post(
            f"{reverse('accountability:campaign_create')}?org={world.orgs['own'].pk}", campaign(world))
        assert response.status_code == 302


def test_a_next_address_outside_the_site_is_not_followed(world):
    with rolled_back():
        ob = world.obligations["own"]
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:obligation_files", args=[ob.pk]),
            {"title": "", "next": "https://evil.example/phish", "files": [
                SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n% next\n%%EOF\n", "application/pdf")]})
        assert response.status_code == 302
        assert response["Location"] == reverse("responsibilities:obligation_detail", args=[ob.pk])


@pytest.mark.parametrize("raw", ["abc", "-1", "99999999999999999999", "1.5", "", "0x10"])
def test_junk_ids_in_a_select_field_are_refused_not_a_server_error(world, raw):
    client = client_for(world, "county_a_staff")
    client.raise_request_exception = False
    with rolled_back():
        response = client.post(reverse("responsibilities:duty_add", args=[world.orgs["own"].pk]),
                               duty(world, responsible_person=raw, work_system=raw, sort_order=raw))
    assert response.status_code in (302, 400)


# -- fields the form does not offer -------------------------------------------------------------------------


def test_extra_fields_do_not_move_a_duty_item_or_name_its_author(world):
    with rolled_back():
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:duty_add", args=[world.orgs["own"].pk]),
            duty(world, content="额外字段测试", organization=world.orgs["sibling"].pk, organization_id=world.orgs["sibling"].pk,
                 created_by=world.users["admin"].pk, status="archived", pk=world.duties["sibling"].pk,
                 id=world.duties["sibling"].pk))
        assert response.status_code == 302
        item = DutyItem.objects.get(content="额外字段测试")
        assert item.organization_id == world.orgs["own"].pk
        assert DutyItem.objects.get(pk=world.duties["sibling"].pk).content == "B县委落实意识形态工作责任制"


def test_extra_fields_do_not_change_a_meeting_s_obligation_author_or_state(world):
    with rolled_back():
        ob = _meeting_obligation(world)
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:obligation_meeting", args=[ob.pk]),
            meeting(world, topic="额外字段会议", obligation=world.obligations["sibling"].pk,
                    created_by=world.users["admin"].pk, withdrawn_at="2026-03-03", status="done"))
        assert response.status_code == 302
        record = MeetingRecord.objects.get(topic="额外字段会议")
        assert (record.obligation_id, record.created_by_id, record.withdrawn_at) == (
            ob.pk, world.users["county_a_staff"].pk, None)


# -- HTML and JavaScript typed into text fields -------------------------------------------------------------


def test_markup_in_a_duty_item_is_shown_as_text_on_its_pages(world):
    client = client_for(world, "county_a_staff")
    with rolled_back():
        client.post(reverse("responsibilities:duty_add", args=[world.orgs["own"].pk]),
                    duty(world, content=PAYLOAD, lead_unit=PAYLOAD, responsible_units=PAYLOAD, verification=PAYLOAD,
                         recurrence=PAYLOAD[:100]))
        item = DutyItem.objects.get(content=PAYLOAD)
        for url in (reverse("responsibilities:duty_list", args=[world.orgs["own"].pk]),
                    reverse("responsibilities:duty_edit", args=[item.pk])):
            text = text_of(client.get(url))
            assert PAYLOAD not in text and "<img src=x" not in text
            assert ESCAPED in text


def test_markup_in_a_meeting_record_is_shown_as_text_on_the_task_page(world):
    client = client_for(world, "county_a_staff")
    with rolled_back():
        ob = _meeting_obligation(world)
        response = client.post(reverse("responsibilities:obligation_meeting", args=[ob.pk]),
                               meeting(world, place=PAYLOAD[:200], topic=PAYLOAD, discussion=PAYLOAD,
                                       decisions=PAYLOAD, other_attendees=PAYLOAD))
        assert response.status_code == 302
        text = text_of(client.get(reverse("responsibilities:obligation_detail", args=[ob.pk])))
    assert PAYLOAD not in text and "<img src=x" not in text
    assert ESCAPED in text


def test_markup_in_a_report_is_printed_as_text_in_its_pdf_and_shown_as_text_on_its_page(world):
    report = world.reports["own"]
    with rolled_back():
        version = report.versions.get()
        ReportVersion.objects.filter(pk=version.pk).update(
            title=f"关于{PAYLOAD}的报告", addressee=PAYLOAD,
            blocks=[{"level": 0, "text": f"正文{PAYLOAD}"}, {"level": 0, "text": "<b>粗体</b>&amp;<style>*{color:red}</style>"}])
        client = client_for(world, "county_a_staff")
        response = client.get(reverse("reporting:version_pdf", args=[report.pk, version.number]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        with pdfplumber.open(io.BytesIO(response.content)) as document:
            text = "".join((page.extract_text() or "") for page in document.pages)
        text = text.replace("\n", "").replace(" ", "")
        for literal in (f"正文{PAYLOAD}", "<b>粗体</b>&amp;<style>*{color:red}</style>"):
            assert literal.replace(" ", "") in text
        page = text_of(client.get(reverse("reporting:report_detail", args=[report.pk])))
    assert PAYLOAD not in page and "<img src=x" not in page
    assert ESCAPED in page
