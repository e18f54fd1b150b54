"""Upload batches (issue #11 §1): a refused batch or form leaves no file on disk, whatever upload
service it went through; oversized and disguised files are refused with a Chinese message."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfWriter

from accountability.assessments import services as assessments
from accountability.assessments.services import Entry
from accountability.cases import services as cases
from accountability.findings import services as findings
from reporting.reports import services as reports
from responsibilities.models import EvidenceFile
from responsibilities.work import services as work
from responsibilities.work.uploads import discard_on_error, store_upload
from tests.responsibilities.permission_world import client_for, rolled_back

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><script>alert(1)</script>"


def real_pdf(token: str) -> bytes:
    """A real one-page PDF (a report's attachment is opened to be appended), different per token."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": token})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


GOOD = real_pdf("a good scan")


def good(name="签到表.pdf"):
    return SimpleUploadedFile(name, real_pdf(name), "application/pdf")


def disguised(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, HTML, "application/pdf")


def on_disk(world) -> set[str]:
    folder = Path(world.uploads) / "evidence"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_mixed_batch_through_the_page_is_refused_and_leaves_no_file(world):
    before = on_disk(world)
    obligation = world.obligations["own"]
    with rolled_back():
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:obligation_files", args=[obligation.pk]),
            {"title": "", "files": [good(), disguised()]})
        assert response.status_code == 400
        assert "文件“会议纪要.pdf”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。" in response.content.decode()
        assert EvidenceFile.objects.filter(obligation=obligation).count() == 1  # the world's own file only
    assert on_disk(world) == before


def _meeting_files(world, actor, batch):
    work.meeting_add_files(meeting=world.meetings["own"], actor=actor, uploads=batch)


def _obligation_files(world, actor, batch):
    work.obligation_add_files(obligation=world.obligations["own"], actor=actor, uploads=batch, complete=False)


def _report_attachments(world, actor, batch):
    reports.report_attachments_add(report=world.reports["own"], actor=actor, files=batch)


def _finding_rectify(world, actor, batch):
    findings.finding_rectify(finding=world.accountability["findings"]["own"], actor=actor,
                             rectification="已补开专题会议。", uploads=batch)


def _case_files(world, actor, batch):
    cases.case_add_files(case=world.accountability["cases"]["own"], actor=actor, uploads=batch)


def _case_open(world, actor, batch):
    cases.case_open(organization=world.orgs["own"], title="问责", source="inspection", facts_date=dt.date(2025, 6, 1),
                    facts="未落实责任制", actor=actor, people=[], collective=True, uploads=batch)


def _self_assessment(world, actor, batch):
    assessment = world.assess.assessments["own"]
    indicator = world.assess.files["own"].indicator
    assessments.assessment_self_save(assessment=assessment, actor=actor, entries={indicator.pk: Entry()},
                                     uploads={indicator.pk: batch})


SERVICES = {
    "meeting_add_files": (_meeting_files, "county_a_staff"),
    "obligation_add_files": (_obligation_files, "county_a_staff"),
    "report_attachments_add": (_report_attachments, "county_a_staff"),
    "finding_rectify": (_finding_rectify, "county_a_staff"),
    "case_add_files": (_case_files, "admin"),
    "case_open": (_case_open, "admin"),
    "assessment_self_save": (_self_assessment, "county_a_staff"),
}


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_upload_service_leaves_no_file_after_a_refused_batch(world, service):
    call, persona = SERVICES[service]
    before = on_disk(world)
    with rolled_back(), pytest.raises(ValidationError) as refused:
        call(world, world.users[persona], [good(), good("照片.pdf"), disguised()])
    assert refused.value.messages == ["文件“会议纪要.pdf”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。"]
    assert on_disk(world) == before


@pytest.mark.parametrize("service", ["obligation_add_files", "case_add_files"])
def test_a_database_error_after_the_files_were_stored_removes_them(world, service, monkeypatch):
    """The batch was accepted, but the transaction then fails: the files go with it."""
    call, persona = SERVICES[service]
    before = on_disk(world)

    def fail(*args, **kwargs):
        raise IntegrityError("the log refused the row")

    monkeypatch.setattr("responsibilities.log.append", fail)
    monkeypatch.setattr(work, "_record", fail)
    with rolled_back(), pytest.raises(IntegrityError):
        call(world, world.users[persona], [good()])
    assert on_disk(world) == before


def test_a_file_stored_outside_a_discarding_block_is_refused_to_the_programmer(world):
    with pytest.raises(RuntimeError, match="discard_on_error"):
        store_upload(good())


def test_an_outer_block_removes_what_an_inner_block_kept(world):
    before = on_disk(world)
    with pytest.raises(ValueError), discard_on_error():  # e.g. a view's block around two services
        with discard_on_error():
            store_upload(good())
        assert len(on_disk(world) - before) == 1
        raise ValueError("the second service refused")
    assert on_disk(world) == before


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_an_oversized_file_in_a_batch_is_refused_in_chinese_and_leaves_nothing(world):
    before = on_disk(world)
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * 2048, "application/pdf")
    with rolled_back(), pytest.raises(ValidationError) as refused:
        _obligation_files(world, world.users["county_a_staff"], [good(), big])
    assert refused.value.messages == ["文件“扫描件.pdf”超过大小限制（0 MB）。"]
    assert on_disk(world) == before


@override_settings(UPLOAD_MAX_BYTES=4096)
def test_an_oversized_upload_through_the_page_is_stopped_with_a_chinese_message(world):
    before = on_disk(world)
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * 8192, "application/pdf")
    with rolled_back():
        response = client_for(world, "county_a_staff").post(
            reverse("responsibilities:obligation_files", args=[world.obligations["own"].pk]),
            {"title": "", "files": [good(), big]})
        text = response.content.decode()
        assert response.status_code == 400  # the good file before the big one is not stored on its own
        assert "上传的文件过大，已停止接收（单个文件不超过 4.0\xa0KB）。" in text
        assert "有文件超过大小限制，本次选择的文件均未保存；请处理后重新选择全部文件。" in text
        assert EvidenceFile.objects.filter(obligation=world.obligations["own"]).count() == 1
    assert on_disk(world) == before


@pytest.mark.parametrize(("name", "content", "message"), [
    ("报告.pdf", b"MZ\x90\x00 an executable", "文件“报告.pdf”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。"),
    ("表格.xlsx", b"PK\x03\x04 not a zip", "文件“表格.xlsx”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。"),
    ("照片.png", GOOD, "文件“照片.png”的内容与扩展名不符（可能是改了扩展名的其他文件），已拒绝。"),
    ("page.html", HTML, "不支持的文件类型“.html”。可上传 PDF、Word、Excel、PowerPoint、OFD 或图片（PNG/JPG）。"),
    ("脚本.svg", b"<svg onload=alert(1)>", "不支持的文件类型“.svg”。可上传 PDF、Word、Excel、PowerPoint、OFD 或图片（PNG/JPG）。"),
    ("无扩展名", GOOD, "不支持的文件类型“无扩展名”。可上传 PDF、Word、Excel、PowerPoint、OFD 或图片（PNG/JPG）。"),
    ("空.pdf", b"", "文件“空.pdf”是空文件。"),
])
def test_disguised_and_unsupported_files_are_refused_in_chinese(world, name, content, message):
    before = on_disk(world)
    with rolled_back(), pytest.raises(ValidationError) as refused:
        _obligation_files(world, world.users["county_a_staff"], [SimpleUploadedFile(name, content)])
    assert refused.value.messages == [message]
    assert on_disk(world) == before
