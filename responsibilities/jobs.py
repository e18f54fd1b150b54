"""Background jobs with a page of their own: ledger exports, evidence bundles and any other work too
long for one request. One row (`ExportJob`) per job, polled by its page for progress; these helpers
are the only writers of a job's state:

- `job_enqueue` queues the Celery task once the row is committed;
- `job_claim` takes a job for running (pending → running), so a duplicate delivery does nothing;
- `job_finish` ends it (done or failed) once.

Registered through responsibilities.models.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

# Finished files are kept this long; a cleanup sweep is not written yet (jobs older than this are
# ignored and their files no longer served).
JOB_KEEP_DAYS = 7
# A job not finished this long after it was queued is taken for dead (its worker crashed): the page
# stops waiting, and a new delivery of the task may claim it again.
JOB_TIMEOUT = datetime.timedelta(minutes=30)


class ExportJob(models.Model):
    """A ledger export running in the background, with progress for the page to poll."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("用户")
    )
    kind = models.CharField(_("台账"), max_length=32)
    params = models.JSONField(_("筛选条件"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0, verbose_name=_("总行数"))
    done = models.PositiveIntegerField(default=0, verbose_name=_("已导出行数"))
    file_name = models.CharField(max_length=100, blank=True, verbose_name=_("文件名"))
    error = models.CharField(max_length=500, blank=True, verbose_name=_("错误信息"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))

    class Meta:
        verbose_name = _("台账导出")
        verbose_name_plural = _("台账导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.done / self.total) if self.total else 0


def exports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_expired(job: ExportJob, *, now: datetime.datetime | None = None) -> bool:
    """Older than JOB_KEEP_DAYS: no longer listed, and its file no longer served."""
    return job.created_at < (now or timezone.now()) - datetime.timedelta(days=JOB_KEEP_DAYS)


def job_timed_out(job: ExportJob, *, now: datetime.datetime | None = None) -> bool:
    """Queued or running for longer than JOB_TIMEOUT: its worker is taken for dead."""
    unfinished = job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING)
    return unfinished and job.created_at < (now or timezone.now()) - JOB_TIMEOUT


def export_path(job: ExportJob) -> Path | None:
    """The finished file of a done job (stored under a generated name, outside the web root)."""
    if job.status != ExportJob.Status.DONE or not job.file_name or job_expired(job):
        return None
    path = exports_dir() / job.file_name
    return path if path.is_file() else None


def job_enqueue(job_id: int, task) -> None:
    """Queue `task(job_id)` (a Celery task); without a broker the job would wait forever, so it
    fails with a message its page shows instead. Call it from transaction.on_commit."""
    try:
        task.delay(job_id)
    except Exception:
        log.exception("could not queue export job %s", job_id)
        job_finish(job_id, status=ExportJob.Status.FAILED, error="任务队列暂不可用，请稍后重试。",
                   only_if=ExportJob.Status.PENDING)


def job_finish(job_id: int, *, status: str, only_if: str = ExportJob.Status.RUNNING, **fields) -> None:
    """End a job (done or failed, with `fields` such as file_name, total, error) if it is still `only_if`."""
    ExportJob.objects.filter(pk=job_id, status=only_if).update(status=status, finished_at=timezone.now(), **fields)


def job_claim(job_id: int) -> ExportJob | None:
    """Claim a queued job for running (pending → running), or one left running past JOB_TIMEOUT by a
    worker that died; None when another delivery has it or it is finished. Every background export
    (ledgers, evidence bundles) starts with this, so a duplicate delivery does nothing."""
    abandoned = Q(status=ExportJob.Status.RUNNING, created_at__lt=timezone.now() - JOB_TIMEOUT)
    claimed = ExportJob.objects.filter(Q(status=ExportJob.Status.PENDING) | abandoned, pk=job_id).update(
        status=ExportJob.Status.RUNNING, done=0
    )
    return ExportJob.objects.select_related("user").get(pk=job_id) if claimed else None
