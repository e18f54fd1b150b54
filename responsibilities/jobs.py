"""Background jobs with a page of their own: ledger exports, evidence bundles and any other work too
long for one request. One row (`ExportJob`) per job, polled by its page for progress; these helpers
are the only writers of a job's state:

- `job_enqueue` queues the Celery task once the row is committed;
- `job_claim` takes a job for running (pending → running), so a duplicate delivery does nothing;
- `job_finish` ends it (done or failed) once.

The row is also the outbox of its task. `job_enqueue` records the task's name and tries the broker
once, briefly; `queued_at` stays empty until the broker took the task. When Redis is down or hung the
job waits, its page says so, and `jobs_requeue` (a beat tick, every minute) publishes it again once
the broker answers; it also re-publishes a job the broker took but no worker claimed within
REQUEUE_AFTER (a broker restarted without its data), and fails a job not finished within JOB_TIMEOUT
with a message. No job stays pending forever, none is dropped silently, and the claim makes every
extra delivery harmless.

Each claim counts an attempt. A delivery the broker marks *redelivered* (late acknowledgement: the
worker that had it died, or never acknowledged it) may take over a running job; the earlier attempt,
if it still runs, can then no longer finish it (`job_finish(attempt=...)`), so its effect happens once.

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
# A job the broker took but no worker claimed within this time is published again.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
BROKER_WAIT = "任务队列暂不可用，恢复后将自动开始。"
NEVER_STARTED = "任务长时间未能开始（后台任务队列不可用），请重新发起。"
TIMED_OUT = "任务超时未完成，请重新发起。"


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
    # The outbox: the Celery task that runs the job, and when the broker last took it (empty: not yet).
    task = models.CharField(max_length=100, blank=True, verbose_name=_("后台任务"))
    queued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("入队时间"))
    attempt = models.PositiveIntegerField(default=0, verbose_name=_("执行次数"))

    class Meta:
        verbose_name = _("台账导出")
        verbose_name_plural = _("台账导出")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def waiting_for_broker(self) -> bool:
        """Pending and not yet taken by the broker: its page says it will start once the queue is back."""
        return self.status == self.Status.PENDING and self.queued_at is None

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


def job_enqueue(job_id: int, task) -> bool:
    """Record that `task(job_id)` (a Celery task, or its name) runs the job, and try to queue it. When
    the broker does not answer within about a second the job stays pending, and its page says it will
    start later: `jobs_requeue` publishes it once the broker is back. Call it from transaction.on_commit.
    True when the broker took the task."""
    name = task if isinstance(task, str) else task.name
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(task=name)
    return job_publish(job_id, name)


def job_publish(job_id: int, task_name: str) -> bool:
    """Send the task to the broker, once and briefly (no retries: see CELERY_BROKER_TRANSPORT_OPTIONS);
    on success note when. A failure is logged and leaves the job as it was."""
    from config.celery import app

    try:
        app.send_task(task_name, args=(job_id,), retry=False)
    except Exception as exc:  # noqa: BLE001  (any broker failure: the outbox keeps the job)
        log.warning("job %s: the broker did not take %s (%s); it waits in the outbox",
                    job_id, task_name, exc.__class__.__name__)
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(queued_at=timezone.now())
    return True


def jobs_requeue(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The outbox's sweep (beat, every minute). Fails unfinished jobs older than JOB_TIMEOUT (with a
    message their page shows), then publishes every pending job the broker never took, and again each
    one it took more than REQUEUE_AFTER ago that no worker claimed. Idempotent: the claim lets one
    delivery run a job, and the others do nothing."""
    now = now or timezone.now()
    Status = ExportJob.Status
    stale = Q(created_at__lt=now - JOB_TIMEOUT)
    never_started = ExportJob.objects.filter(stale, status=Status.PENDING).update(
        status=Status.FAILED, finished_at=now, error=NEVER_STARTED)
    timed_out = ExportJob.objects.filter(stale, status=Status.RUNNING).update(
        status=Status.FAILED, finished_at=now, error=TIMED_OUT)
    waiting = ExportJob.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER), status=Status.PENDING,
    ).exclude(task="").values_list("pk", "task")
    published = 0
    for job_id, task_name in waiting:
        if not job_publish(job_id, task_name):
            break  # the broker is still away: the next tick tries again
        published += 1
    return {"published": published, "never_started": never_started, "timed_out": timed_out}


def job_finish(job_id: int, *, status: str, only_if: str = ExportJob.Status.RUNNING, attempt: int | None = None,
               **fields) -> bool:
    """End a job (done or failed, with `fields` such as file_name, total, error) if it is still `only_if`
    (and, given `attempt`, still held by that claim). True when this call ended it."""
    jobs = ExportJob.objects.filter(pk=job_id, status=only_if)
    if attempt is not None:
        jobs = jobs.filter(attempt=attempt)
    return bool(jobs.update(status=status, finished_at=timezone.now(), **fields))


def job_claim(job_id: int, *, redelivered: bool = False) -> ExportJob | None:
    """Claim a queued job for running (pending → running), or one left running past JOB_TIMEOUT by a
    worker that died, or — for a delivery the broker marks redelivered (the worker holding it died
    before acknowledging) — one still running; None when another delivery has it or it is finished.
    Every background export (ledgers, evidence bundles) starts with this, so a duplicate delivery does
    nothing. The returned job's `attempt` identifies this claim."""
    takeable = Q(status=ExportJob.Status.PENDING) | Q(
        status=ExportJob.Status.RUNNING, created_at__lt=timezone.now() - JOB_TIMEOUT)
    if redelivered:
        takeable |= Q(status=ExportJob.Status.RUNNING)
    claimed = ExportJob.objects.filter(takeable, pk=job_id).update(
        status=ExportJob.Status.RUNNING, done=0, attempt=models.F("attempt") + 1
    )
    return ExportJob.objects.select_related("user").get(pk=job_id) if claimed else None
