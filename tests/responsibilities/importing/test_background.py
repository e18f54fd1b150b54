"""Imports of more than ZEREN_IMPORT_BACKGROUND_ROWS data rows run as background jobs with a progress
page (issue #10 §12): claimed once, all or nothing, the same problems as the synchronous import,
the stored upload deleted when the job ends."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from responsibilities import tasks
from responsibilities.duties.importing import DUTY_SHEET
from responsibilities.importing import services as importing_services
from responsibilities.importing import workbook as importing_workbook
from responsibilities.jobs import JOB_TIMEOUT
from responsibilities.models import DutyItem, ExportJob, Organization
from tests.celery_worker import broker_at, running_worker
from tests.factories import make_user
from tests.responsibilities.duties.test_duty_import import HEADERS as DUTY_HEADERS
from tests.responsibilities.importing.test_import import ORG_HEADERS, as_upload

IMPORT = reverse("responsibilities:import")


@pytest.fixture(autouse=True)
def media_root(tmp_path) -> Path:
    root = tmp_path / "media"
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture
def county_a_admin(tree):
    return make_user("county_a_admin", grants=[("administer", tree.county_a)])


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def org_rows(n: int, *, bad_row: int | None = None) -> list[tuple]:
    """`n` new towns under A县委; sheet row `bad_row` (2 = the first data row) has an unknown 类型."""
    return [
        (f"X市委/A县委/新{i:03d}镇党委", "", "党委委" if i + 2 == bad_row else "党委", i) for i in range(n)
    ]


def xlsx(sheet: str, headers: list[str], rows: list[tuple], name: str) -> object:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return as_upload(buffer.getvalue(), name)


def org_file(rows: list[tuple]):
    return xlsx("组织", ORG_HEADERS, rows, "组织.xlsx")


def duty_file(n: int):
    rows = [(f"第{i}项责任", "第一责任人", "", "", "会议记录", "", "每季度", None) for i in range(n)]
    return xlsx(DUTY_SHEET, DUTY_HEADERS, rows, "责任清单.xlsx")


def new_towns() -> int:
    return Organization.objects.filter(name__startswith="新").count()


def stored_uploads(media_root: Path) -> list[str]:
    folder = media_root / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def job_page(client: Client, job: ExportJob) -> str:
    response = client.get(reverse("responsibilities:import_job", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


# -- the threshold ---------------------------------------------------------------------------


def test_a_sheet_of_100_rows_is_imported_within_the_request(tree, county_a_admin, media_root):
    response = login(county_a_admin).post(IMPORT, {"file": org_file(org_rows(100))})

    assert response.status_code == 302 and response["Location"] == IMPORT
    assert new_towns() == 100
    assert not ExportJob.objects.exists()
    assert stored_uploads(media_root) == []


def test_a_sheet_of_101_rows_becomes_a_job_that_imports_everything_once(tree, county_a_admin, media_root):
    client = login(county_a_admin)

    response = client.post(IMPORT, {"file": org_file(org_rows(101))})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("responsibilities:import_job", args=[job.pk])
    assert (job.kind, job.status, job.total, job.user) == ("import", "pending", 101, county_a_admin)
    assert stored_uploads(media_root) == [job.params["file"]]
    assert job.params["file"].endswith(".xlsx") and "组织" not in job.params["file"]
    assert new_towns() == 0  # nothing is written before the worker runs
    waiting = job_page(client, job)
    assert "排队中" in waiting and reverse("responsibilities:import_job_progress", args=[job.pk]) in waiting

    tasks.import_workbook(job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 101, 101)
    assert job.params["result"] == {"organizations": 101, "people": 0, "assignments": 0}
    assert new_towns() == 101
    assert Organization.objects.get(name="新100镇党委").sort_order == 100
    assert stored_uploads(media_root) == []
    page = job_page(client, job)
    assert "导入成功：新建组织 101 个、人员 0 名、任职 0 条。" in page
    assert reverse("responsibilities:organization_tree") in page and 'hx-get' not in page

    finished_at = job.finished_at
    tasks.import_workbook(job.pk)  # a second delivery of the same task

    job.refresh_from_db()
    assert (job.status, job.finished_at) == ("done", finished_at)
    assert new_towns() == 101


def test_a_sheet_with_hundreds_of_errors_keeps_and_lists_the_first_200_with_the_total(
    tree, county_a_admin, media_root
):
    """A bounded page (#11 §2): 250 bad rows give 250 problems; the job keeps and lists the first 200."""
    rows = [(f"X市委/A县委/新{i:03d}镇党委", "", "党委委", i) for i in range(250)]
    client = login(county_a_admin)
    client.post(IMPORT, {"file": org_file(rows)})
    job = ExportJob.objects.get()

    tasks.import_workbook(job.pk)

    job.refresh_from_db()
    assert (job.error, len(job.params["problems"]), job.params["problem_count"]) == (
        "发现 250 个问题，未导入任何数据", 200, 250)
    page = client.get(reverse("responsibilities:import_job", args=[job.pk])).content.decode()
    assert "发现 250 个问题，未导入任何数据" in page
    assert "下表只列出前 200 个问题" in page
    assert page.count("无法识别的组织类型") == 200
    assert "第201行 C列（类型）" in page and "第202行 C列（类型）" not in page  # rows 2–201 listed


def test_a_sheet_with_an_error_imports_nothing_and_its_page_lists_the_error(tree, county_a_admin, media_root):
    rows = org_rows(120, bad_row=57)
    client = login(county_a_admin)
    synchronous = importing_services.workbook_import(
        workbook=importing_workbook.upload_open(org_file(rows)), actor=county_a_admin
    )
    client.post(IMPORT, {"file": org_file(rows)})
    job = ExportJob.objects.get()

    tasks.import_workbook(job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.error) == ("failed", 120, "发现 1 个问题，未导入任何数据")
    assert new_towns() == 0
    assert stored_uploads(media_root) == []
    response = client.get(reverse("responsibilities:import_job", args=[job.pk]))
    listed = [(p.sheet, p.location, p.message) for p in response.context["problems"]]
    assert listed == [("组织", "第57行 C列（类型）", "无法识别的组织类型“党委委”，应为：党委、党组、党工委、党总支、党支部")]
    assert listed == [(p.sheet, p.location, p.message) for p in synchronous.problems]
    page = response.content.decode()
    assert "第57行 C列（类型）" in page and "发现 1 个问题，未导入任何数据" in page
    assert reverse("responsibilities:import") in page  # the next step: upload the corrected file


def test_the_progress_page_shows_the_rows_validated(tree, county_a_admin):
    client = login(county_a_admin)
    client.post(IMPORT, {"file": org_file(org_rows(101))})
    job = ExportJob.objects.get()
    progress = reverse("responsibilities:import_job_progress", args=[job.pk])

    ExportJob.objects.filter(pk=job.pk).update(status="running", done=50)
    validating = client.get(progress).content.decode()
    ExportJob.objects.filter(pk=job.pk).update(done=101)
    writing = client.get(progress).content.decode()

    assert "校验中：已校验 50 / 101 行（49%）" in validating and f'hx-get="{progress}"' in validating
    assert "101 行已全部校验，正在写入……" in writing and f'hx-get="{progress}"' in writing


def test_the_page_stops_waiting_for_a_job_whose_worker_died(tree, county_a_admin):
    client = login(county_a_admin)
    client.post(IMPORT, {"file": org_file(org_rows(101))})
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status="running", created_at=timezone.now() - JOB_TIMEOUT * 1.1)

    page = client.get(reverse("responsibilities:import_job_progress", args=[job.pk])).content.decode()

    assert "导入超时，未导入任何数据，请重新上传。" in page and "hx-get" not in page
    assert f'href="{IMPORT}"' in page


def test_another_user_gets_404_for_the_job_and_its_progress(tree, county_a_admin, city_staff):
    login(county_a_admin).post(IMPORT, {"file": org_file(org_rows(101))})
    job = ExportJob.objects.get()
    other_admin = make_user("city_admin", grants=[("administer", tree.city)])

    for user in (city_staff, other_admin):
        for name in ("import_job", "import_job_progress"):
            assert login(user).get(reverse(f"responsibilities:{name}", args=[job.pk])).status_code == 404


def test_a_job_of_another_kind_is_not_an_import_page(tree, county_a_admin):
    ledger_job = ExportJob.objects.create(user=county_a_admin, kind="obligations")

    response = login(county_a_admin).get(reverse("responsibilities:import_job", args=[ledger_job.pk]))

    assert response.status_code == 404
    tasks.import_workbook(ledger_job.pk)  # not an import: left alone
    ledger_job.refresh_from_db()
    assert ledger_job.status == "pending"


def test_without_a_broker_the_job_waits_with_its_upload_and_runs_once_the_broker_is_back(
    tree, county_a_admin, media_root, django_capture_on_commit_callbacks
):
    from config.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "broker_transport_options", "task_publish_retry")}
    # Nothing listens on port 9; no retries, so the refusal comes at once.
    app.conf.update(broker_url="redis://127.0.0.1:9/0", broker_transport_options={"max_retries": 0},
                    task_publish_retry=False)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = login(county_a_admin).post(IMPORT, {"file": org_file(org_rows(101))})
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.task, job.queued_at) == ("pending", "responsibilities.import_workbook", None)
    assert len(stored_uploads(media_root)) == 1
    assert new_towns() == 0
    page = login(county_a_admin).get(reverse("responsibilities:import_job_progress", args=[job.pk]))
    assert "任务队列暂不可用，恢复后将自动开始。" in page.content.decode()

    tasks.import_workbook(job.pk)  # what the worker does once the outbox's sweep queued it

    assert ExportJob.objects.get().status == "done"
    assert new_towns() == 101
    assert stored_uploads(media_root) == []


# -- the responsibility list ----------------------------------------------------------------


def test_a_long_responsibility_list_is_imported_in_the_background(tree, county_a_staff, media_root):
    client = login(county_a_staff)
    small = client.post(reverse("responsibilities:duty_import", args=[tree.county_b.pk]), {"file": duty_file(3)})
    assert small.status_code == 404  # county B's list is not county A staff's

    response = client.post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]), {"file": duty_file(101)})

    job = ExportJob.objects.get()
    assert response["Location"] == reverse("responsibilities:import_job", args=[job.pk])
    assert (job.kind, job.total, job.params["organization_id"]) == ("import_duties", 101, tree.county_a.pk)
    assert not DutyItem.objects.filter(organization=tree.county_a).exists()

    tasks.import_workbook(job.pk)
    tasks.import_workbook(job.pk)

    job.refresh_from_db()
    assert (job.status, job.params["result"]) == ("done", {"items": 101})
    items = DutyItem.objects.filter(organization=tree.county_a).order_by("sort_order")
    assert items.count() == 101 and items.first().content == "第0项责任" and items.last().content == "第100项责任"
    assert stored_uploads(media_root) == []
    page = job_page(client, job)
    assert "导入成功：新增责任清单条目 101 条。" in page
    assert reverse("responsibilities:duty_list", args=[tree.county_a.pk]) in page


def test_a_responsibility_list_job_stops_when_its_owner_lost_the_organization(tree, county_a_staff, media_root):
    from responsibilities.permissions import revoke

    login(county_a_staff).post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]),
                               {"file": duty_file(101)})
    revoke(county_a_staff, "manage", tree.county_a, actor=None)

    tasks.import_workbook(ExportJob.objects.get().pk)

    job = ExportJob.objects.get()
    assert (job.status, job.error) == ("failed", "所选组织已不存在，或您已无权管理该组织。")
    assert not DutyItem.objects.filter(organization=tree.county_a).exists()
    assert stored_uploads(media_root) == []


# -- a real Celery worker ---------------------------------------------------------------------


@pytest.fixture
def celery_worker(monkeypatch):
    """A real worker thread on the configured broker (tests/celery_worker.py); yields an event set when
    an import task has finished."""
    with broker_at(worker_hijack_root_logger=False), \
            running_worker("responsibilities.import_workbook", monkeypatch) as done:
        yield done


def test_a_celery_worker_runs_the_import_job(tree, county_a_admin, media_root, celery_worker,
                                             django_capture_on_commit_callbacks):
    client = login(county_a_admin)

    # The view queues the task on commit; the test transaction never commits, so run the hook here.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(IMPORT, {"file": org_file(org_rows(101))})
    # The worker uses the shared connection now: touch the database only once it is done.
    assert celery_worker.wait(timeout=60), "the worker did not run the import task"

    job = ExportJob.objects.get()
    assert job.status == "done", (job.error, job.params.get("problems"))
    assert new_towns() == 101
    assert stored_uploads(media_root) == []
    assert "导入成功：新建组织 101 个" in job_page(client, job)
