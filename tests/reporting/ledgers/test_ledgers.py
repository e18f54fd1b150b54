"""台账导出: what the Excel files hold, that no cell becomes a formula, filters, scoping,
and the background path with its progress page, run by a real Celery worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import urllib.parse
import zipfile
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.ledgers import services as ledgers
from responsibilities import jobs
from responsibilities.models import (
    DutyItem,
    EvidenceFile,
    ExportJob,
    MeetingRecord,
    Obligation,
    Organization,
)
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from responsibilities.work import services
from tests.celery_worker import broker_at, running_worker
from tests.factories import make_org, make_person, make_user

D = dt.date
EXPORT = reverse("reporting:ledger_export")
OBLIGATION_HEADERS = [
    "组织", "组织层级路径", "工作制度", "期间", "截止日期", "状态", "完成时间", "完成登记人", "佐证", "免除理由",
]
DUTY_HEADERS = ["组织", "责任内容", "责任主体", "责任人", "牵头单位", "责任单位", "认定标准", "频次", "状态"]
DANGEROUS_PREFIXES = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]


# --- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(tmp_path) -> Path:
    root = tmp_path / "media"
    with override_settings(MEDIA_ROOT=root):
        yield root


def year_2026() -> list[Period]:
    return [p for kind in ("month", "quarter", "half", "year") for p in Period.all_in_year(kind, 2026)]


def generate(organizations: list[Organization] | None = None, periods: list[Period] | None = None) -> int:
    return scheduling.obligations_generate(
        periods=periods or year_2026(), organizations=organizations,
        now=scheduling.local_moment(D(2026, 1, 1)),
    )


def complete_with_evidence(obligation: Obligation, user, *, meetings: int = 0, files: int = 0) -> None:
    """Evidence rows written directly: the services refuse meeting dates after today's real date."""
    chair = make_person(organization=obligation.organization)
    for i in range(meetings):
        MeetingRecord.objects.create(
            obligation=obligation, held_on=obligation.period_start, place="会议室", chair=chair,
            topic=f"专题学习{i}", discussion="讨论", created_by=user,
        )
    for i in range(files):
        EvidenceFile.objects.create(
            obligation=obligation, original_name=f"材料{i}.pdf", stored_name=f"{obligation.pk}-{i}",
            content_type="application/pdf", size=1, sha256="0" * 64, uploaded_by=user,
        )
    Obligation.objects.filter(pk=obligation.pk).update(
        status=Obligation.Status.DONE, completed_by=user,
        completed_at=scheduling.local_moment(obligation.period_start, 15),
    )


def make_duty(organization: Organization, content: str = "每季度分析研判意识形态领域情况", **fields) -> DutyItem:
    defaults = {"responsible": "secretary", "verification": "会议记录", "lead_unit": "宣传部"}
    return DutyItem.objects.create(organization=organization, content=content, **{**defaults, **fields})


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export(client: Client, organization: Organization, **data):
    return client.post(EXPORT, {"kind": "obligations", "organization": organization.pk, "period": "",
                                "status": "", **data})


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


HEADER_ROW = 2  # under the title row (单位, 年度, 导出时间)


def records(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[HEADER_ROW]]
    return [dict(zip(header, (cell.value for cell in row), strict=True))
            for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def in_subtree(org: Organization):
    return Obligation.objects.filter(organization__path__startswith=org.path)


# --- the obligations ledger ---------------------------------------------------------------------


def test_obligations_ledger_has_chinese_headers_real_dates_and_period_labels(tree, city_staff):
    generate()
    ob = Obligation.objects.get(organization=tree.town_a1, work_system__code="analysis", period="2026Q1")
    complete_with_evidence(ob, city_staff, meetings=2, files=1)

    response = export(login(city_staff), tree.city, period="2026")

    assert response.status_code == 200
    assert response["Content-Type"] == ledgers.XLSX_CONTENT_TYPE
    sheet = sheet_of(content_of(response))
    assert [cell.value for cell in sheet[HEADER_ROW]] == OBLIGATION_HEADERS
    assert all(cell.font.b for cell in sheet[HEADER_ROW])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width > 30  # the path column is wide enough to read
    rows = records(sheet)
    assert len(rows) == in_subtree(tree.city).count() > 0
    assert {r["期间"] for r in rows} >= {"2026年1月", "2026年第一季度", "2026年上半年", "2026年度"}

    (done,) = [r for r in rows if r["组织"] == "A县一镇党委" and r["期间"] == "2026年第一季度"
               and r["工作制度"] == ob.work_system.name]
    assert done["组织层级路径"] == "X市委 / A县委 / A县一镇党委"
    assert done["状态"] == "已完成"
    assert done["佐证"] == "会议记录 2 次，文件 1 份"
    assert done["完成登记人"] == "city_staff"
    assert done["截止日期"] == dt.datetime(2026, 3, 31)
    assert done["完成时间"] == dt.datetime(2026, 1, 1, 15, 0)  # Beijing time, not UTC

    due_cell = next(row[4] for row in sheet.iter_rows(min_row=HEADER_ROW + 1) if row[4].value is not None)
    assert due_cell.is_date and due_cell.data_type == "d"
    assert due_cell.number_format == "yyyy-mm-dd"


def test_a_ledger_carries_a_title_row_and_a_page_footer_for_printing(tree, city_staff):
    generate([tree.county_a], [Period.parse("2026Q1")])
    moment = dt.datetime(2026, 11, 30, 2, 5, tzinfo=dt.UTC)  # 10:05 in Beijing

    with time_machine.travel(moment, tick=False):
        content = content_of(export(login(city_staff), tree.county_a, period="2026Q1"))

    sheet = sheet_of(content)
    assert [cell.value for cell in sheet[1]][:3] == ["单位：A县委", "年度：2026年", "导出时间：2026-11-30 10:05"]
    assert all(cell.font.b for cell in sheet[1][:3])
    assert [cell.value for cell in sheet[HEADER_ROW]] == OBLIGATION_HEADERS
    assert sheet.freeze_panes == "A3"  # title and header stay in view
    assert sheet.print_title_rows == "$1:$2"  # and are printed on every page
    assert sheet.oddFooter.left.text == "A县委"
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert len(records(sheet)) == in_subtree(tree.county_a).count() > 0

    make_duty(tree.county_a)
    with time_machine.travel(moment, tick=False):
        duties_sheet = sheet_of(content_of(login(city_staff).post(
            EXPORT, {"kind": "duties", "organization": tree.county_a.pk, "period": "", "status": ""})))
    assert [cell.value for cell in duties_sheet[1]][:3] == ["单位：A县委", "年度：2026年", "导出时间：2026-11-30 10:05"]
    assert [cell.value for cell in duties_sheet[HEADER_ROW]] == DUTY_HEADERS


def test_an_export_with_no_rows_says_so_and_produces_no_file(tree, city_staff, media_root):
    generate([tree.county_a], [Period.parse("2026Q1")])
    client = login(city_staff)

    response = export(client, tree.county_b, period="2026Q1")  # nothing generated for county B

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "没有符合条件的记录，未生成文件。" in page
    assert 'data-testid="ledger-form"' in page  # the form again, with the choices kept
    assert response.context["form"]["organization"].value() == str(tree.county_b.pk)
    assert not (media_root / "exports").exists() or list((media_root / "exports").iterdir()) == []


def test_a_job_whose_rows_are_gone_says_so_and_leaves_no_file(tree, city_staff, media_root):
    job = ExportJob.objects.create(
        user=city_staff, kind="obligations",
        params=ledgers.LedgerParams(kind="obligations", organization_id=tree.county_b.pk).as_json(),
    )

    ledgers.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and job.file_name == ""
    assert job.error == "没有符合条件的记录，未生成文件。请调整组织、期间或状态后重试。"
    assert list((media_root / "exports").iterdir()) == []


def test_download_name_is_an_rfc5987_utf8_attachment(tree, city_staff):
    generate([tree.county_a], [Period.parse("2026Q1")])

    response = export(login(city_staff), tree.county_a, period="2026q1")

    response.close()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + urllib.parse.quote("工作任务台账-A县委-2026年第一季度.xlsx") in disposition


def test_period_filter_keeps_the_periods_inside_it(tree, city_staff):
    generate()

    rows = records(sheet_of(content_of(export(login(city_staff), tree.county_a, period="2026Q1"))))

    assert {r["期间"] for r in rows} == {"2026年1月", "2026年2月", "2026年3月", "2026年第一季度"}
    assert len(rows) == in_subtree(tree.county_a).filter(period__in=["2026-01", "2026-02", "2026-03", "2026Q1"]).count()


def test_status_filter(tree, city_staff):
    generate()
    waived = list(in_subtree(tree.county_a).filter(period="2026-05")[:3])
    for ob in waived:
        services.obligation_waive(obligation=ob, actor=city_staff, reason="机构改革，本月合并开展")

    rows = records(sheet_of(content_of(export(login(city_staff), tree.county_a, status="waived"))))

    assert len(rows) == 3
    assert {(r["状态"], r["免除理由"], r["完成登记人"]) for r in rows} == {("免除", "机构改革，本月合并开展", "city_staff")}


def test_subtree_filter_exports_only_that_subtree(tree, city_staff):
    generate()

    rows = records(sheet_of(content_of(export(login(city_staff), tree.county_a))))

    assert {r["组织"] for r in rows} == {"A县委", "A县一镇党委", "A县二镇党委"}
    assert len(rows) == in_subtree(tree.county_a).count()


# --- the responsibility list --------------------------------------------------------------------


def test_duty_list_export_with_status(tree, county_a_staff):
    chair = make_person("王书记", organization=tree.county_a)
    make_duty(tree.county_a, "定期研究部署意识形态工作", responsible_person=chair, responsible_units="各乡镇党委",
              recurrence="每半年")
    make_duty(tree.town_a1, "落实网络意识形态责任制", responsible="publicity", retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    make_duty(tree.county_b, "B县的责任")
    client = login(county_a_staff)

    response = client.post(EXPORT, {"kind": "duties", "organization": tree.county_a.pk})

    sheet = sheet_of(content_of(response))
    assert [cell.value for cell in sheet[HEADER_ROW]] == DUTY_HEADERS
    rows = records(sheet)
    assert [(r["组织"], r["责任内容"], r["状态"]) for r in rows] == [
        ("A县委", "定期研究部署意识形态工作", "在用"),
        ("A县一镇党委", "落实网络意识形态责任制", "停用"),
    ]
    assert (rows[0]["责任主体"], rows[0]["责任人"], rows[0]["牵头单位"], rows[0]["责任单位"], rows[0]["频次"]) == (
        "第一责任人", "王书记", "宣传部", "各乡镇党委", "每半年",
    )
    assert rows[1]["责任主体"] == "宣传委员"

    retired = records(sheet_of(content_of(client.post(EXPORT, {"kind": "duties", "organization": tree.county_a.pk,
                                                               "status": "retired"}))))
    assert [r["责任内容"] for r in retired] == ["落实网络意识形态责任制"]


# --- formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", DANGEROUS_PREFIXES)
def test_each_formula_trigger_needs_a_quote_prefix(prefix):
    assert ledgers.needs_quote_prefix(f"{prefix}1+1")
    assert ledgers.safe_text(f"{prefix}1+1") == "1+1"


def test_ordinary_text_needs_no_quote_prefix():
    assert not ledgers.needs_quote_prefix("每季度分析研判 = 重点")
    assert not ledgers.needs_quote_prefix("'引号开头")
    assert ledgers.safe_text("每季度分析研判 = 重点") == "每季度分析研判 = 重点"
    assert ledgers.safe_text(None) == ""


def as_read(text: str) -> str:
    """A carriage return is written as a plain line break (issue #10 §14), never as XlsxWriter's
    _x000D_ escape, which openpyxl and other readers leave as it is."""
    return text.replace("\r", "\n")


@pytest.mark.parametrize("prefix", DANGEROUS_PREFIXES, ids=[repr(p) for p in DANGEROUS_PREFIXES])
def test_no_cell_of_an_export_becomes_a_formula(tree, city_staff, prefix):
    payload = f'{prefix}HYPERLINK("http://evil.example","点击")'
    org_name, lead_unit = f"{prefix}SUM(1,2)", f"{prefix}cmd|' /C calc'!A0"
    hostile_org = make_org("待改名", parent=tree.county_a)
    # Written past the services, which strip leading whitespace: an import or the admin might not.
    Organization.objects.filter(pk=hostile_org.pk).update(name=org_name)
    make_duty(hostile_org, payload, lead_unit=lead_unit, verification=payload)
    generate([hostile_org], [Period.parse("2026-01")])
    ob = Obligation.objects.filter(organization=hostile_org).first()
    services.obligation_waive(obligation=ob, actor=city_staff, reason="临时")
    Obligation.objects.filter(pk=ob.pk).update(waived_reason=payload)
    client = login(city_staff)
    expected = {
        "duties": {"组织": org_name, "责任内容": payload, "牵头单位": lead_unit, "认定标准": payload},
        "obligations": {"组织": org_name, "免除理由": payload},
    }

    for kind, hostile in expected.items():
        content = content_of(client.post(EXPORT, {"kind": kind, "organization": hostile_org.pk, "status": "waived"
                                                  if kind == "obligations" else ""}))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml and "<f " not in xml
        sheet = sheet_of(content)
        header = [cell.value for cell in sheet[HEADER_ROW]]
        (row,) = list(sheet.iter_rows(min_row=HEADER_ROW + 1))
        cells = dict(zip(header, row, strict=True))
        assert all(cell.data_type != "f" for cell in row)
        for column, text in hostile.items():
            # The text as typed, as a string, in a cell styled with Excel's quote prefix (never evaluated).
            assert cells[column].data_type == "s"
            assert cells[column].value == as_read(text), (kind, column)
            assert cells[column].quotePrefix is True, (kind, column)
        ordinary = [cell for column, cell in cells.items() if cell.value and column not in hostile]
        assert ordinary and not any(cell.quotePrefix for cell in ordinary)
        assert all(not cell.quotePrefix for cell in sheet[HEADER_ROW])


# --- scoping and validation ---------------------------------------------------------------------


def test_an_organization_outside_the_users_view_is_not_found(tree, county_a_staff):
    generate()
    client = login(county_a_staff)

    assert export(client, tree.county_b).status_code == 404
    assert export(client, tree.city).status_code == 404
    assert export(client, tree.other_city).status_code == 404
    assert client.get(reverse("reporting:ledgers"), {"org": tree.county_b.pk}).status_code == 404


def test_county_staff_export_holds_no_row_of_another_subtree(tree, county_a_staff):
    generate()

    rows = records(sheet_of(content_of(export(login(county_a_staff), tree.county_a))))

    assert rows
    assert all(r["组织层级路径"].startswith("X市委 / A县委") for r in rows)
    assert not {r["组织"] for r in rows} & {"B县委", "B县一镇党委", "X市委", "Y市委"}


def test_form_lists_only_visible_organizations_and_preselects_one_from_its_page(tree, county_a_staff):
    client = login(county_a_staff)

    page = client.get(reverse("reporting:ledgers"), {"org": tree.town_a2.pk}).content.decode()

    assert "台账导出" in page
    assert "A县委" in page and "A县二镇党委" in page
    assert "B县委" not in page and "X市委" not in page
    assert f'<option value="{tree.town_a2.pk}" selected>' in page


def test_a_user_without_any_scope_is_refused(tree):
    client = login(make_user("nobody"))

    assert client.get(reverse("reporting:ledgers")).status_code == 403
    assert client.post(EXPORT, {"kind": "obligations", "organization": tree.city.pk}).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2026Q5"}, "无法识别的期间"),
        ({"period": "2026-13"}, "无法识别的期间"),
        ({"period": "明年"}, "无法识别的期间"),
        ({"kind": "duties", "status": "overdue"}, "该状态不适用于所选台账"),
        ({"status": "retired"}, "该状态不适用于所选台账"),
        ({"organization": ""}, "请选择组织。"),
        ({"organization": "abc"}, "请选择组织。"),
    ],
)
def test_bad_input_is_answered_in_chinese(tree, city_staff, data, message):
    response = login(city_staff).post(
        EXPORT, {"kind": "obligations", "organization": tree.city.pk, "period": "", "status": "", **data}
    )

    assert response.status_code == 400
    assert message in response.content.decode()


# --- query counts -------------------------------------------------------------------------------


def _queries_for(client: Client, org: Organization, **data) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(EXPORT, {"organization": org.pk, "period": "", "status": "", **data})
        rows = len(records(sheet_of(content_of(response))))
    return len(ctx.captured_queries), rows


def test_query_count_of_a_direct_export_does_not_grow_with_rows(tree, city_staff):
    generate()
    for ob in in_subtree(tree.city).filter(work_system__evidence="meeting")[:40]:
        complete_with_evidence(ob, city_staff, meetings=1, files=1)
    client = login(city_staff)
    client.get(reverse("reporting:ledgers"))  # warm the session

    few, few_rows = _queries_for(client, tree.county_a, kind="obligations", period="2026Q1")
    many, many_rows = _queries_for(client, tree.city, kind="obligations", period="2026")

    assert few_rows >= 10 and many_rows >= 100
    assert few == many


def test_query_count_of_a_duty_list_export_does_not_grow_with_rows(tree, city_staff):
    for i in range(10):
        make_duty(tree.town_a1, f"第{i}项")
    for i in range(100):
        make_duty(tree.county_b, f"第{i}项", responsible_person=make_person(organization=tree.county_b))
    client = login(city_staff)
    client.get(reverse("reporting:ledgers"))

    few, few_rows = _queries_for(client, tree.town_a1, kind="duties")
    many, many_rows = _queries_for(client, tree.county_b, kind="duties")

    assert (few_rows, many_rows) == (10, 100)
    assert few == many


# --- the background path ------------------------------------------------------------------------


def job_pages(job: ExportJob) -> dict[str, str]:
    return {
        name: reverse(f"reporting:{name}", args=[job.pk])
        for name in ("ledger_job", "ledger_job_progress", "ledger_download")
    }


def test_a_large_export_becomes_a_job_that_its_owner_downloads(
    tree, city_staff, county_a_staff, monkeypatch, media_root, django_capture_on_commit_callbacks
):
    generate()
    monkeypatch.setattr(ledgers, "STREAM_MAX_ROWS", 10)
    client = login(city_staff)
    expected = in_subtree(tree.county_a).count()

    with django_capture_on_commit_callbacks() as queued:
        response = export(client, tree.county_a)

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:ledger_job", args=[job.pk])
    assert len(queued) == 1  # the task goes to the broker only once the job row is committed
    assert (job.user, job.status, job.kind) == (city_staff, "pending", "obligations")
    urls = job_pages(job)
    pending = client.get(urls["ledger_job"]).content.decode()
    assert 'hx-trigger="every 1s"' in pending and "<progress" in pending
    assert client.get(urls["ledger_download"]).status_code == 404  # nothing to download yet

    ledgers.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "done" and job.total == job.done == expected
    assert job.percent == 100
    progress = client.get(urls["ledger_job_progress"]).content.decode()
    assert "hx-trigger" not in progress  # polling stops
    assert urls["ledger_download"] in progress
    download = client.get(urls["ledger_download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert len(records(sheet_of(content_of(download)))) == expected
    assert [p.name for p in (media_root / "exports").iterdir()] == [job.file_name]

    # Another user, even one who may view the same organization, never sees the job.
    stranger = login(county_a_staff)
    for url in urls.values():
        assert stranger.get(url).status_code == 404


def test_a_second_delivery_of_the_task_does_nothing(tree, city_staff, monkeypatch, media_root):
    generate([tree.county_a])
    job = ExportJob.objects.create(
        user=city_staff, kind="obligations",
        params=ledgers.LedgerParams(kind="obligations", organization_id=tree.county_a.pk).as_json(),
    )
    ledgers.export_run(job_id=job.pk)
    job.refresh_from_db()
    finished = (job.status, job.file_name, job.finished_at, job.total, job.done)

    ledgers.export_run(job_id=job.pk)
    ledgers.export_run(job_id=job.pk + 1000)  # a job that does not exist

    job.refresh_from_db()
    assert (job.status, job.file_name, job.finished_at, job.total, job.done) == finished
    assert len(list((media_root / "exports").iterdir())) == 1


def test_a_failed_job_says_so_and_leaves_no_file(tree, city_staff, monkeypatch, media_root):
    generate([tree.county_a])
    job = ExportJob.objects.create(
        user=city_staff, kind="obligations",
        params=ledgers.LedgerParams(kind="obligations", organization_id=tree.county_a.pk).as_json(),
    )

    def broken(rows):
        with contextlib.closing(rows):
            yield next(rows)
            raise OSError("disk full")

    original = ledgers.Ledger.rows
    monkeypatch.setattr(ledgers.Ledger, "rows", lambda self: broken(original(self)))

    ledgers.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and job.file_name == ""
    assert "导出失败" in job.error
    assert list((media_root / "exports").iterdir()) == []
    page = login(city_staff).get(reverse("reporting:ledger_job_progress", args=[job.pk])).content.decode()
    assert "导出失败" in page and "hx-trigger" not in page


def test_a_job_whose_owner_lost_the_organization_fails(tree, city_staff):
    from responsibilities import permissions

    job = ExportJob.objects.create(
        user=city_staff, kind="duties",
        params=ledgers.LedgerParams(kind="duties", organization_id=tree.county_a.pk).as_json(),
    )
    permissions.revoke(city_staff, "view", tree.city, actor=None)
    permissions.revoke(city_staff, "manage", tree.city, actor=None)

    ledgers.export_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and "无权" in job.error


def test_a_running_export_reports_progress_every_so_many_rows(tree, city_staff, monkeypatch):
    generate()
    monkeypatch.setattr(ledgers, "PROGRESS_EVERY", 20)
    ledger = ledgers.ledger_open(
        user=city_staff, params=ledgers.LedgerParams(kind="obligations", organization_id=tree.city.pk),
        organization=tree.city,
    )
    reported: list[int] = []

    written = ledger.write(io.BytesIO(), on_progress=reported.append)

    assert written == ledger.count()
    assert reported == list(range(20, written + 1, 20))


# --- a real Celery worker -----------------------------------------------------------------------


@pytest.fixture
def celery_worker(monkeypatch):
    """A real worker thread on the configured broker (tests/celery_worker.py); yields an event set when
    an export task has finished."""
    with broker_at(worker_hijack_root_logger=False), running_worker("reporting.export_ledger", monkeypatch) as done:
        yield done


def test_the_celery_task_runs_the_job_to_the_end(
    tree, city_staff, county_a_staff, monkeypatch, celery_worker, django_capture_on_commit_callbacks
):
    generate()
    expected = in_subtree(tree.city).count()
    monkeypatch.setattr(ledgers, "STREAM_MAX_ROWS", 10)
    monkeypatch.setattr(ledgers, "PROGRESS_EVERY", 25)
    client = login(city_staff)

    # The view queues the task on commit; the test transaction never commits, so run the hook here.
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, tree.city)
    # The worker uses the shared connection now: touch the database only once it is done.
    assert celery_worker.wait(timeout=30), "the worker did not run the export task"

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    assert job.total == job.done == expected
    urls = job_pages(job)
    download = client.get(urls["ledger_download"])
    assert download.status_code == 200
    assert len(records(sheet_of(content_of(download)))) == expected
    assert login(county_a_staff).get(urls["ledger_download"]).status_code == 404


# --- jobs that outlive their worker or their keeping time ------------------------------------


def make_job(user, organization: Organization, *, status: str = "pending", age: dt.timedelta = dt.timedelta()):
    job = ExportJob.objects.create(
        user=user, kind="obligations",
        params=ledgers.LedgerParams(kind="obligations", organization_id=organization.pk).as_json(),
    )
    ExportJob.objects.filter(pk=job.pk).update(status=status, created_at=timezone.now() - age)
    job.refresh_from_db()
    return job


def test_a_job_left_running_by_a_dead_worker_is_claimed_again_after_the_timeout(tree, city_staff, media_root):
    generate([tree.county_a])
    recent = make_job(city_staff, tree.county_a, status="running", age=dt.timedelta(minutes=29))
    abandoned = make_job(city_staff, tree.county_a, status="running", age=dt.timedelta(minutes=31))

    ledgers.export_run(job_id=recent.pk)  # a duplicate delivery while the first worker still runs
    ledgers.export_run(job_id=abandoned.pk)  # the broker's redelivery after the worker died

    recent.refresh_from_db()
    abandoned.refresh_from_db()
    assert (recent.status, recent.file_name) == ("running", "")
    assert abandoned.status == "done" and abandoned.total == in_subtree(tree.county_a).count()
    assert [p.name for p in (media_root / "exports").iterdir()] == [abandoned.file_name]
    ledgers.export_run(job_id=abandoned.pk)  # done stays done
    assert len(list((media_root / "exports").iterdir())) == 1


@pytest.mark.parametrize("status", ["pending", "running"])
def test_the_page_stops_waiting_for_a_job_that_timed_out(tree, city_staff, status):
    client = login(city_staff)
    fresh = make_job(city_staff, tree.county_a, status=status, age=dt.timedelta(minutes=29))
    stale = make_job(city_staff, tree.county_a, status=status, age=dt.timedelta(minutes=31))

    for name in ("ledger_job", "ledger_job_progress"):
        waiting = client.get(job_pages(fresh)[name]).content.decode()
        assert 'hx-trigger="every 1s"' in waiting and "导出超时" not in waiting
        page = client.get(job_pages(stale)[name]).content.decode()
        assert "hx-trigger" not in page and "hx-get" not in page  # polling stops
        assert "导出超时，请重新导出" in page
        assert reverse("reporting:ledgers") in page


def test_an_export_older_than_the_keeping_time_is_not_served(tree, city_staff):
    generate([tree.county_a])
    job = make_job(city_staff, tree.county_a)
    ledgers.export_run(job_id=job.pk)
    client = login(city_staff)
    download = job_pages(job)["ledger_download"]

    keep = dt.timedelta(days=jobs.JOB_KEEP_DAYS)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - keep + dt.timedelta(days=1))
    assert client.get(download).status_code == 200

    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - keep - dt.timedelta(minutes=1))
    assert client.get(download).status_code == 404
    assert jobs.export_path(ExportJob.objects.get(pk=job.pk)) is None
