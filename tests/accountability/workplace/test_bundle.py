"""The evidence bundle (证据包): contents, the manifest's hashes, the log entry holding the
manifest's hash, the bound, and the pages (own jobs only, inspectors only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accountability.workplace import services as bundles
from reporting.models import Report, ReportKind, ReportVersion
from reporting.reports.services import signed_pdf_path
from responsibilities import jobs
from responsibilities.log import LogEntry
from responsibilities.models import ExportJob, MeetingRecord, Obligation, WorkSystem
from responsibilities.work import services as work_services
from tests.factories import make_person, make_user

D = dt.date
EVIDENCE = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%% evidence\n%%EOF\n"
SIGNED = b"%PDF-1.4\n% signed report of A\n%%EOF\n"


@pytest.fixture
def inspector(tree):
    return make_user("inspector", grants=[("inspect", tree.city)])


@pytest.fixture
def records(tree, county_a_staff):
    a = tree.county_a
    briefing = Obligation.objects.create(
        organization=a, work_system=WorkSystem.objects.get(code="briefing"), period="2026H1",
        period_start=D(2026, 1, 1), period_end=D(2026, 6, 30), due_date=D(2026, 7, 15), responsible="committee")
    work_services.obligation_add_files(obligation=briefing, actor=county_a_staff, complete=False,
                                       uploads=[SimpleUploadedFile("通报.pdf", EVIDENCE, "application/pdf")])
    analysis = Obligation.objects.create(
        organization=a, work_system=WorkSystem.objects.get(code="analysis"), period="2026Q1",
        period_start=D(2026, 1, 1), period_end=D(2026, 3, 31), due_date=D(2026, 3, 31), responsible="committee")
    MeetingRecord.objects.create(obligation=analysis, held_on=D(2026, 3, 10), place="县委常委会议室",
                                 chair=make_person("王书记", organization=a), topic="一季度意识形态形势分析研判",
                                 discussion="=研判了网络舆情。", created_by=county_a_staff)
    report = Report.objects.create(organization=a, kind=ReportKind.HALF_YEAR, period="2026H1",
                                   status=Report.Status.SIGNED)
    version = ReportVersion.objects.create(
        report=report, number=1, title="报告", addressee="X市委", blocks=[{"level": 0, "text": "正文"}],
        signed_at=dt.datetime(2026, 7, 5, 2, tzinfo=dt.UTC), issuer=a, doc_year=2026, doc_seq=1,
        doc_number="A县委〔2026〕1号", pdf_name="a-2026-1.pdf", pdf_sha256=hashlib.sha256(SIGNED).hexdigest())
    signed_pdf_path(version).write_bytes(SIGNED)
    return a


def built(inspector, org, year=2026) -> ExportJob:
    job = bundles.bundle_job_create(user=inspector, organization=org, year=year)
    bundles.bundle_run(job_id=job.pk)  # synchronously: the queued task only fires on commit
    job.refresh_from_db()
    return job


def test_the_manifest_lists_every_file_with_its_sha256_and_the_log_holds_the_manifests_hash(inspector, records):
    job = built(inspector, records)

    assert (job.status, job.total, job.done) == ("done", 6, 6)
    archive = zipfile.ZipFile(jobs.exports_dir() / job.file_name)
    manifest = archive.read("MANIFEST.sha256")
    lines = [line.split("  ", 1) for line in manifest.decode().splitlines()]
    assert sorted(name for _sha, name in lines) == [
        "00-目录.pdf", "会议记录/会议记录.xlsx", "佐证文件/2026年上半年-党内通报/通报.pdf", "台账/工作任务台账-A县委-2026年度.xlsx",
        "台账/责任清单-A县委.xlsx", "报告/A县委〔2026〕1号.pdf",
    ]
    assert sorted(archive.namelist()) == sorted([name for _sha, name in lines] + ["MANIFEST.sha256"])
    for sha, name in lines:
        assert hashlib.sha256(archive.read(name)).hexdigest() == sha, name
    assert archive.read("佐证文件/2026年上半年-党内通报/通报.pdf") == EVIDENCE
    assert archive.read("报告/A县委〔2026〕1号.pdf") == SIGNED
    assert archive.read("00-目录.pdf").startswith(b"%PDF")

    entry = LogEntry.objects.order_by("-seq").first()
    manifest_sha = hashlib.sha256(manifest).hexdigest()
    assert (entry.action, entry.object_id, entry.organization_id) == ("evidencebundle.built", str(job.pk), records.pk)
    assert entry.payload == {"manifest_sha256": manifest_sha, "year": 2026, "files": 6, "bytes": entry.payload["bytes"]}
    assert bundles.bundle_log_entry(manifest_sha) == entry
    assert job.params["manifest_sha256"] == manifest_sha


def test_the_meeting_sheet_shows_withdrawn_and_corrected_records_as_such(inspector, records, county_a_staff):
    meeting = MeetingRecord.objects.get(topic="一季度意识形态形势分析研判")
    work_services.meeting_withdraw(meeting=meeting, actor=county_a_staff, reason="重复登记")

    job = built(inspector, records)

    import openpyxl

    archive = zipfile.ZipFile(jobs.exports_dir() / job.file_name)
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read("会议记录/会议记录.xlsx"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "会议日期" in r)
    record = next(r for r in rows if "一季度意识形态形势分析研判" in r)
    assert record[header.index("状态")] == "已撤回：重复登记"


def test_a_year_without_records_still_has_its_ledgers_and_index(inspector, records):
    job = built(inspector, records, year=2025)

    archive = zipfile.ZipFile(jobs.exports_dir() / job.file_name)
    assert sorted(archive.namelist()) == [
        "00-目录.pdf", "MANIFEST.sha256", "会议记录/会议记录.xlsx", "台账/工作任务台账-A县委-2025年度.xlsx", "台账/责任清单-A县委.xlsx",
    ]


def test_a_bundle_over_the_bound_is_refused_with_the_sizes(inspector, records, settings):
    settings.ZEREN_BUNDLE_MAX_BYTES = 64

    with pytest.raises(ValidationError) as refused:
        bundles.bundle_job_create(user=inspector, organization=records, year=2026)

    assert refused.value.messages == ["该组织本年度的佐证文件和报告共 1 MB，超过证据包上限 0 MB。请联系系统管理员调整上限，或分别下载各项材料。"]
    assert not ExportJob.objects.exists()


def test_a_missing_stored_file_is_named_in_the_index_and_left_out(inspector, records):
    (ReportVersion.objects.get().pdf_name and signed_pdf_path(ReportVersion.objects.get())).unlink()

    job = built(inspector, records)

    assert "报告/A县委〔2026〕1号.pdf" not in zipfile.ZipFile(jobs.exports_dir() / job.file_name).namelist()
    assert job.total == 5


def test_only_inspectors_build_bundles_and_only_their_owner_downloads_one(tree, inspector, records, city_staff):
    client = Client()
    client.force_login(inspector)
    response = client.post(reverse("accountability:bundle_create"), {"organization": records.pk, "year": 2026})
    job = ExportJob.objects.get(kind="evidence_bundle")
    assert response.status_code == 302 and response["Location"] == reverse("accountability:bundle_job", args=[job.pk])
    assert client.get(reverse("accountability:bundle_download", args=[job.pk])).status_code == 404  # not built yet
    assert 'data-status="pending"' in client.get(reverse("accountability:bundle_progress", args=[job.pk])).content.decode()

    bundles.bundle_run(job_id=job.pk)
    response = client.get(reverse("accountability:bundle_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "MANIFEST.sha256" in zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()

    other = Client()
    other.force_login(make_user("inspector2", grants=[("inspect", tree.city)]))
    assert other.get(reverse("accountability:bundle_download", args=[job.pk])).status_code == 404
    staff = Client()
    staff.force_login(city_staff)
    assert staff.get(reverse("accountability:bundle_download", args=[job.pk])).status_code == 403
    # Not a ledger export: the ledger pages do not know it.
    assert client.get(reverse("reporting:ledger_job", args=[job.pk])).status_code == 404


def test_the_form_refuses_an_organization_outside_the_inspect_scope(tree, records):
    county_inspector = make_user("county_inspector", grants=[("inspect", tree.county_b)])
    client = Client()
    client.force_login(county_inspector)

    response = client.post(reverse("accountability:bundle_create"), {"organization": records.pk, "year": 2026})

    assert response.status_code == 400
    assert "所选组织不存在或不在您的检查范围内。" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_bundle_task_leaves_other_kinds_of_job_alone(county_a_staff, tree):
    job = ExportJob.objects.create(user=county_a_staff, kind="obligations",
                                   params={"kind": "obligations", "organization_id": tree.county_a.pk})

    bundles.bundle_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "pending"
