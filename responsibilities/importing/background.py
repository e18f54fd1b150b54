"""Excel imports too large for one request run as background jobs (issue #10 §12).

An upload with more than `settings.ZEREN_IMPORT_BACKGROUND_ROWS` data rows is stored under
MEDIA_ROOT/imports with a generated name (outside the web root) and becomes an `ExportJob` of kind
"import" (organizations and leadership teams) or "import_duties" (a responsibility list). The task
`responsibilities.import_workbook` claims the job once, validates every row with the same code as
the synchronous import (same messages, row numbers), reporting rows validated / total for the job
page to poll, and imports all or nothing in one transaction that also marks the job done. The
stored upload is deleted when the job ends. Problems and results are kept in the job's params.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from responsibilities.duties import importing as duty_importing
from responsibilities.importing import services
from responsibilities.importing.workbook import (
    SHEET_ERRORS,
    SHEETS,
    ImportProblem,
    ImportWorkbook,
    data_row_count,
    stored_open,
)
from responsibilities.jobs import ExportJob, job_claim, job_enqueue, job_finish
from responsibilities.models import Organization
from responsibilities.permissions import Capability, can

log = logging.getLogger(__name__)

ORG_IMPORT = "import"  # organizations and leadership teams (the 组织 and 班子成员 sheets)
DUTY_IMPORT = "import_duties"  # a responsibility list (the 责任清单 sheet) into one organization
KINDS = (ORG_IMPORT, DUTY_IMPORT)
# The sheets each kind reads, and the columns of each (to count rows and to name a problem's column).
KIND_SHEETS = {ORG_IMPORT: SHEETS, DUTY_IMPORT: {duty_importing.DUTY_SHEET: duty_importing.DUTY_COLUMNS}}
COLUMNS = {**SHEETS, duty_importing.DUTY_SHEET: duty_importing.DUTY_COLUMNS}
# The job row is updated after this many validated rows (and after the last).
PROGRESS_EVERY = 50


class _JobLost(Exception):
    """The job is no longer this run's (it timed out and another delivery took it): roll back."""


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_in_background(workbook: ImportWorkbook, kind: str) -> bool:
    """More data rows than ZEREN_IMPORT_BACKGROUND_ROWS: too many to validate and write in the request.
    A sheet that cannot be read stays in the request, whose import reports it as unreadable."""
    try:
        return data_row_count(workbook, KIND_SHEETS[kind]) > settings.ZEREN_IMPORT_BACKGROUND_ROWS
    except SHEET_ERRORS:
        return False


@transaction.atomic
def import_job_create(
    *, user, kind: str, workbook: ImportWorkbook, filename: str, organization: Organization | None = None
) -> ExportJob:
    """Store the upload (checked by `upload_open`) and queue its import once the job row is committed.
    `organization` is where a responsibility list goes (DUTY_IMPORT; the caller checked `manage`)."""
    total = data_row_count(workbook, KIND_SHEETS[kind])
    workbook.close()
    suffix = Path(filename).suffix.lower()
    name = f"{secrets.token_hex(16)}{suffix if suffix in ('.xlsx', '.xls', '.ods') else ''}"
    path = imports_dir() / name
    path.write_bytes(workbook.data)
    params = {
        "file": name,
        "filename": Path(filename).name[:200],
        "organization_id": organization.pk if organization is not None else None,
        # Problems are worded in the language of the page that uploaded the file.
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    job = ExportJob.objects.create(user=user, kind=kind, params=params, total=total)
    from responsibilities import tasks  # the task module imports this one

    # Without a broker the job waits in the outbox (responsibilities.jobs) with its upload kept; the
    # sweep queues it once the broker is back.
    transaction.on_commit(partial(job_enqueue, job.pk, tasks.import_workbook))
    return job


def import_run(*, job_id: int) -> None:
    """Run an import job. Claims it first: a second delivery of the same task does nothing. The
    stored upload is deleted when the run ends, whatever the result."""
    if not ExportJob.objects.filter(pk=job_id, kind__in=KINDS).exists():
        return
    job = job_claim(job_id)
    if job is None:
        return
    path = imports_dir() / Path(job.params["file"]).name
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            _run(job, path)
    except _JobLost:
        log.warning("import job %s was taken over by another run", job_id)
    except Exception:
        log.exception("import job %s failed", job_id)
        job_finish(job_id, status=ExportJob.Status.FAILED, error="导入失败，请稍后重试。")
    finally:
        path.unlink(missing_ok=True)


def _run(job: ExportJob, path: Path) -> None:
    try:
        workbook = stored_open(path)
    except ValidationError as exc:
        _fail(job, [ImportProblem(_("文件"), exc.messages[0])])
        return
    hooks = {"on_progress": partial(_progress, job), "on_applied": partial(_applied, job)}
    if job.kind == ORG_IMPORT:
        outcome = services.workbook_import(workbook=workbook, actor=job.user, **hooks)
    else:
        organization = Organization.objects.filter(pk=job.params.get("organization_id")).first()
        if organization is None or not can(job.user, Capability.MANAGE, organization):
            workbook.close()
            job_finish(job.pk, status=ExportJob.Status.FAILED, error=_("所选组织已不存在，或您已无权管理该组织。"))
            return
        outcome = duty_importing.duty_items_import(
            organization=organization, workbook=workbook, actor=job.user, **hooks
        )
    if outcome.problems:
        _fail(job, outcome.problems)


def _progress(job: ExportJob, done: int) -> None:
    if done % PROGRESS_EVERY == 0 or done == job.total:
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(done=done)


def _applied(job: ExportJob, outcome) -> None:
    """Inside the import's transaction: the job is marked done together with the data it wrote."""
    if not ExportJob.objects.select_for_update().filter(pk=job.pk, status=ExportJob.Status.RUNNING).exists():
        raise _JobLost
    result = {k: v for k, v in dataclasses.asdict(outcome).items() if k != "problems"}
    job_finish(job.pk, status=ExportJob.Status.DONE, done=job.total, params={**job.params, "result": result})


# A failed job keeps (and its page lists) this many problems, with the total: a file with thousands of
# bad rows gives a page of bounded size, like the synchronous page (templates/…/_problems.html).
PROBLEMS_KEPT = 200


def _fail(job: ExportJob, problems: list[ImportProblem]) -> None:
    stored = [
        {"sheet": p.sheet, "message": p.message, "row": p.row, "column": p.column.letter if p.column else None}
        for p in problems[:PROBLEMS_KEPT]
    ]
    error = _("发现 %(n)d 个问题，未导入任何数据") % {"n": len(problems)}
    job_finish(job.pk, status=ExportJob.Status.FAILED, error=error,
               params={**job.params, "problems": stored, "problem_count": len(problems)})


# -- what the job page shows --------------------------------------------------------


def job_problem_count(job: ExportJob) -> int:
    """How many problems a failed import found (job_problems keeps the first PROBLEMS_KEPT)."""
    return job.params.get("problem_count", len(job.params.get("problems", ())))


def job_problems(job: ExportJob) -> list[ImportProblem]:
    """The first PROBLEMS_KEPT problems a failed import found, as the synchronous import lists them."""
    problems = []
    for p in job.params.get("problems", ()):
        columns = COLUMNS.get(p["sheet"], ())
        column = next((c for c in columns if c.letter == p["column"]), None)
        problems.append(ImportProblem(p["sheet"], p["message"], row=p["row"], column=column))
    return problems


def job_organization(job: ExportJob) -> Organization | None:
    """The organization a responsibility list was imported into, if it exists and its owner may
    still view it (for the link to its list)."""
    organization = Organization.objects.filter(pk=job.params.get("organization_id")).first()
    if organization is None or not can(job.user, Capability.VIEW, organization):
        return None
    return organization
