"""附件: files attached to a report version, carried into later versions and with the submission,
downloaded through the permission check, appended to the signed PDF under their 附件 labels."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from reporting.models import ReportAttachment
from reporting.reports import services as reports_services
from responsibilities.log import LogEntry
from tests.factories import make_assignment, make_person, make_user
from tests.reporting.reports.test_views import County, as_user, latest, new_report, text
from tests.reporting.writing import write_up


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def county(tree) -> County:
    org = tree.county_a
    staff = make_user("a_xcb", grants=[("view", org), ("manage", org), ("draft_report", org)])
    secretary = make_user("a_shuji", grants=[("view", org), ("sign_report", org)])
    person = make_person("周书记", organization=org, user=secretary, title="县委书记")
    make_assignment(person=person, organization=org, role="secretary", start=dt.date(2024, 1, 1))
    viewer = make_user("a_viewer", grants=[("view", org)])
    outsider = make_user("b_xcb", grants=[("view", tree.county_b), ("manage", tree.county_b),
                                          ("draft_report", tree.county_b)])
    return County(org, staff, secretary, person, viewer, outsider)


def pdf_bytes(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_files() -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "evidence"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload(client, report, *files):
    return client.post(reverse("reporting:report_attachments_add", args=[report.pk]), {"files": list(files)},
                       follow=True)


def test_staff_upload_attachments_on_the_edit_page_as_a_new_version(county):
    report = new_report(county)
    client = as_user(county.staff)

    response = upload(client, report, SimpleUploadedFile("落实情况统计表.pdf", pdf_bytes(2)),
                      SimpleUploadedFile("任务清单.xlsx", xlsx_bytes()))

    version = latest(report)
    assert (version.number, version.note) == (2, "添加附件：落实情况统计表、任务清单")
    assert [(f.title, f.content_type) for f in version.files.all()] == [
        ("落实情况统计表", "application/pdf"),
        ("任务清单", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]
    page = text(response)
    assert "已上传附件，保存为第 2 版。" in page and 'data-testid="attachments"' in page
    assert "落实情况统计表" in page and "仅在附件说明中列出" in page


def test_a_refused_file_refuses_the_whole_batch_and_leaves_no_file_on_disk(county):
    report = new_report(county)

    response = upload(as_user(county.staff), report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)),
                      SimpleUploadedFile("说明.docx", b"not a word file at all"))

    assert "文件“说明.docx”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。" in text(response)
    assert report.versions.count() == 1
    assert stored_files() == []


def test_the_same_file_twice_is_refused_naming_the_attachment_it_repeats(county):
    report = new_report(county)
    client = as_user(county.staff)
    upload(client, report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)))

    again = upload(client, report, SimpleUploadedFile("统计表（副本）.pdf", pdf_bytes(1)))

    assert "文件“统计表（副本）.pdf”与附件“统计表”内容相同，不必重复上传。" in text(again)
    assert latest(report).files.count() == 1
    assert len(stored_files()) == 1


def test_a_damaged_pdf_is_refused_with_a_clear_message(county):
    report = new_report(county)

    response = upload(as_user(county.staff), report, SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4 broken"))

    assert "附件“扫描件.pdf”无法作为 PDF 打开（可能已损坏或加密），不能接在正文之后。" in text(response)
    assert report.versions.count() == 1 and stored_files() == []


def test_an_unsupported_type_is_refused(county):
    report = new_report(county)

    response = upload(as_user(county.staff), report, SimpleUploadedFile("脚本.exe", b"MZ"))

    assert "不支持的文件类型“.exe”" in text(response)
    assert stored_files() == []


def test_new_versions_carry_the_attachments_and_earlier_versions_keep_theirs(county):
    report = new_report(county)
    client = as_user(county.staff)
    upload(client, report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)), SimpleUploadedFile("照片.png", PNG))
    v2 = latest(report)
    reports_services.report_version_save(report=report, actor=county.staff, title="新标题", addressee=v2.addressee,
                                         copy_to=v2.copy_to, blocks=v2.blocks, attachments=[])
    v3 = latest(report)
    assert [f.title for f in v3.files.all()] == ["统计表", "照片"]
    assert {f.sha256 for f in v3.files.all()} == {f.sha256 for f in v2.files.all()}
    assert not {f.stored_name for f in v3.files.all()} & {f.stored_name for f in v2.files.all()}

    photo = v3.files.get(title="照片")
    client.post(reverse("reporting:report_attachment_remove", args=[report.pk, photo.pk]))

    assert [f.title for f in latest(report).files.all()] == ["统计表"]
    assert [f.title for f in v3.files.all()] == ["统计表", "照片"]


def test_the_attachment_is_downloaded_by_its_organization_and_the_upper_level_only(tree, county):
    report = new_report(county)
    upload(as_user(county.staff), report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)))
    reports_services.report_sign(version=write_up(report), actor=county.secretary)
    reports_services.report_submit(report=report, actor=county.staff)
    attachment = latest(report).files.get()
    url = reverse("reporting:attachment_download", args=[attachment.pk])
    receiver = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city)])
    other_city = make_user("y_xcb", grants=[("view", tree.other_city), ("manage", tree.other_city)])

    own = as_user(county.staff).get(url)
    upper = as_user(receiver).get(url)

    assert own.status_code == 200 and upper.status_code == 200
    assert b"".join(upper.streaming_content) == (Path(settings.MEDIA_ROOT) / "evidence" / attachment.stored_name).read_bytes()
    assert upper["Content-Disposition"].startswith("attachment;")
    assert as_user(county.outsider).get(url).status_code == 404  # the sibling county
    assert as_user(other_city).get(url).status_code == 404
    assert as_user(county.staff).get(reverse("reporting:attachment_download", args=[attachment.pk + 999])).status_code == 404
    submission_page = text(as_user(receiver).get(reverse("reporting:submission_detail",
                                                         args=[report.submissions.get().pk])))
    assert url in submission_page


def test_only_the_drafting_organization_uploads_or_removes(county):
    report = new_report(county)
    upload(as_user(county.staff), report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)))
    attachment = latest(report).files.get()

    assert as_user(county.viewer).post(reverse("reporting:report_attachments_add", args=[report.pk]),
                                       {"files": [SimpleUploadedFile("x.pdf", pdf_bytes(1))]}).status_code == 403
    assert as_user(county.outsider).post(reverse("reporting:report_attachment_remove",
                                                 args=[report.pk, attachment.pk])).status_code == 404
    assert ReportAttachment.objects.count() == 1


def test_the_signed_pdf_appends_the_pdf_attachments_labelled_and_lists_the_others(county):
    report = new_report(county)
    upload(as_user(county.staff), report, SimpleUploadedFile("落实情况统计表.pdf", pdf_bytes(2)),
           SimpleUploadedFile("会议照片.png", PNG), SimpleUploadedFile("任务清单.pdf", pdf_bytes(1)))

    version = reports_services.report_sign(version=write_up(report), actor=county.secretary)

    data = reports_services.signed_pdf_path(version).read_bytes()
    assert hashlib.sha256(data).hexdigest() == version.pdf_sha256
    assert LogEntry.objects.get(action="reportversion.signed").payload["sha256"] == version.pdf_sha256
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    body = len(pages) - 3
    assert body >= 1 and "印发" in pages[body - 1]
    assert pages[body].startswith("附件1") and pages[body + 1] == "" and pages[body + 2].startswith("附件3")
    lines = [line for page in pages[:body] for line in page.splitlines()]
    first = lines.index("附件：1.落实情况统计表")
    assert lines[first + 1:first + 3] == ["2.会议照片", "3.任务清单"]


def test_a_returned_report_keeps_its_attachments_in_the_new_draft(tree, county):
    from reporting.submissions import services as submissions_services

    report = new_report(county)
    upload(as_user(county.staff), report, SimpleUploadedFile("统计表.pdf", pdf_bytes(1)))
    reports_services.report_sign(version=write_up(report), actor=county.secretary)
    submission = reports_services.report_submit(report=report, actor=county.staff)
    receiver = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city)])

    submissions_services.submission_return(submission=submission, actor=receiver, reason="请补充数据")

    assert [f.title for f in latest(report).files.all()] == ["统计表"]
    assert [f.title for f in submission.version.files.all()] == ["统计表"]
