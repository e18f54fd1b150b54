"""The assessment pages through the client: the whole flow, refusals, the results table and the 通报 PDF."""

import subprocess
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountability.assessments import services
from accountability.models import Assessment, AssessmentFile, Indicator
from tests.accountability.assessments.world import full_marks, make_assess_world, self_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_assess_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(assessment: Assessment, *, points_less: D = D("0")) -> dict:
    data = {}
    for pk, entry in full_marks(assessment, minus=points_less).items():
        data[f"points_{pk}"] = str(entry.points)
    return data


def test_county_staff_self_assess_with_evidence_and_submit(w):
    assessment = w.assessment(w.county_a)
    first = Indicator.objects.filter(rubric=w.campaign.rubric, method="award").order_by("pk").first()
    data = {**_form(assessment), "summary": "全年认真落实", "op": "submit", f"note_{first.pk}": "书记亲自部署",
            f"files_{first.pk}": SimpleUploadedFile("部署会记录.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}

    response = _client(w.a_staff).post(reverse("accountability:assessment_self", args=[assessment.pk]), data)

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.self_total) == ("self_assessed", D("100.0"))
    file = AssessmentFile.objects.get()
    download = _client(w.city_staff).get(reverse("accountability:assessment_file", args=[file.pk]))
    assert download.status_code == 200
    assert _client(w.b_staff).get(reverse("accountability:assessment_file", args=[file.pk])).status_code == 404


def test_a_bad_score_is_refused_in_chinese_and_the_input_is_kept(w):
    assessment = w.assessment(w.county_a)
    leaf = Indicator.objects.filter(rubric=w.campaign.rubric, method="award").order_by("pk").first()
    data = {**_form(assessment), f"points_{leaf.pk}": "七", f"note_{leaf.pk}": "已部署", "op": "save"}

    response = _client(w.a_staff).post(reverse("accountability:assessment_self", args=[assessment.pk]), data)

    assert response.status_code == 400
    text = response.content.decode()
    assert "的得分应为数字（最多一位小数）。" in text
    assert "已部署" in text


def test_other_county_cannot_open_the_self_assessment_or_review(w):
    assessment = w.assessment(w.county_a)

    assert _client(w.b_staff).get(reverse("accountability:assessment_self", args=[assessment.pk])).status_code == 404
    assert _client(w.a_staff).get(reverse("accountability:assessment_review", args=[assessment.pk])).status_code == 403


def test_result_stays_hidden_from_the_assessed_until_published(w):
    a = self_submit(w, w.county_a, w.a_staff)
    services.assessment_score(assessment=a, actor=w.city_staff, entries=full_marks(a), comment="审核意见甲")
    url = reverse("accountability:assessment_detail", args=[a.pk])

    assert "审核意见甲" not in _client(w.a_staff).get(url).content.decode()
    assert "审核意见甲" in _client(w.city_staff).get(url).content.decode()


def test_review_publish_and_bulletin_pdf(w, tmp_path):
    for org, user in ((w.county_a, w.a_staff), (w.county_b, w.b_staff)):
        self_submit(w, org, user)
    city = _client(w.city_staff)
    a, b = w.assessment(w.county_a), w.assessment(w.county_b)
    assert city.post(reverse("accountability:assessment_review", args=[a.pk]), _form(a)).status_code == 302
    deductions = {"quarterly_analysis": 4, "leadership_study": 2, "half_year_report": 2, "timely_records": 3}
    occ = {f"occ_{i.pk}": str(deductions[i.code]) for i in Indicator.objects.filter(
        rubric=w.campaign.rubric, code__in=deductions)}  # 8 + 8 + 6 + 3 = 25 points off
    assert city.post(reverse("accountability:assessment_review", args=[b.pk]), {**_form(b), **occ}).status_code == 302

    confirm = city.get(reverse("accountability:campaign_publish", args=[w.campaign.pk]))
    assert "确认发布" in confirm.content.decode()
    assert city.post(reverse("accountability:campaign_publish", args=[w.campaign.pk])).status_code == 302

    results = city.get(reverse("accountability:campaign_results", args=[w.campaign.pk])).content.decode()
    assert "临河县委" in results and "一般" in results
    pdf = _client(w.a_staff).get(reverse("accountability:campaign_bulletin", args=[w.campaign.pk]))
    assert pdf.status_code == 200
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    assert "关于2026年度意识形态工作责任制检查考核结果的通报" in compact
    assert "第1名：临河县委，得分100分，等次为“好”。" in compact
    assert "第2名：青山县委，得分75分，等次为“一般”。" in compact
    assert "江川市委〔" in compact


def test_bulletin_of_an_unpublished_campaign_is_not_shown_to_the_assessed(w):
    url = reverse("accountability:campaign_bulletin", args=[w.campaign.pk])

    assert _client(w.a_staff).get(url).status_code == 404
    assert _client(w.city_staff).get(url).status_code == 200


def test_an_inspector_registers_a_finding_from_an_assessment_with_its_source_filled_in(w):
    from tests.factories import make_user

    inspector = make_user("city_jijian_t", grants=[("view", w.city), ("inspect", w.city)])
    assessment = w.assessment(w.county_a)
    page = _client(inspector).get(reverse("accountability:assessment_detail", args=[assessment.pk])).content.decode()
    staff_page = _client(w.city_staff).get(reverse("accountability:assessment_detail", args=[assessment.pk]))

    link = reverse("accountability:finding_create") + (
        f"?org={w.county_a.pk}&amp;source=assessment&amp;reference="
        "2026%E5%B9%B4%E5%BA%A6%E6%84%8F%E8%AF%86%E5%BD%A2%E6%80%81%E5%B7%A5%E4%BD%9C%E8%B4%A3%E4%BB%BB%E5%88%B6"
        "%E6%A3%80%E6%9F%A5%E8%80%83%E6%A0%B8")
    assert link in page
    assert 'data-testid="register-finding"' not in staff_page.content.decode()  # case work is the inspectors'
    form = _client(inspector).get(link.replace("&amp;", "&")).context["form"]
    assert (form.initial["source"], form.initial["source_reference"]) == ("assessment", "2026年度意识形态工作责任制检查考核")
