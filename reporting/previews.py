"""Draft PDF previews, rendered once per content and kept (#11 §2 "every request bounded").

A signed version's PDF is rendered once, when it is signed, and stored (services.signed_pdf_path).
A draft's PDF depends on live figures and on the day it is printed, so it is keyed by the SHA-256 of
what is rendered: the document as JSON (`tasks.document_to_payload`), the attached files, and
PREVIEW_RENDERER. The file lives under MEDIA_ROOT/previews/<key>.pdf and is served only through
the permission-checked views (`version_pdf`, the preview job's page); the same draft asked again is
served from there, never rendered twice.

A long draft (more paragraphs or characters than ZEREN_PREVIEW_BACKGROUND_BLOCKS / _CHARS) is not
rendered inside the request: an ExportJob of kind "report_preview" renders it in the Celery task
`reporting.render_report_preview`, and its page polls the progress. Preview files unused for
PREVIEW_KEEP are removed after each render (`previews_prune`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import secrets
import time
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction

from reporting.models import ReportVersion
from responsibilities.jobs import ExportJob, job_claim, job_enqueue, job_finish, job_timed_out
from responsibilities.permissions import Capability, can

log = logging.getLogger(__name__)

KIND = "report_preview"
PREVIEW_RENDERER = "gbt9704-1"  # changed whenever the layout changes, so older previews are not served
PREVIEW_KEEP = datetime.timedelta(days=2)  # a draft's preview prints the day's date: older ones are stale
STEPS = 3  # progress of a background preview: prepared, body rendered, stored


def previews_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "previews"
    path.mkdir(parents=True, exist_ok=True)
    return path


def preview_key(version: ReportVersion) -> str:
    """The SHA-256 of everything the draft PDF is rendered from."""
    from reporting.reports.services import version_document
    from reporting.tasks import document_to_payload

    files = [[f.stored_name, f.is_pdf] for f in version.files.all()]
    material = {
        "renderer": PREVIEW_RENDERER,
        "fonts": settings.ZEREN_PDF_FONTS,
        "document": document_to_payload(version_document(version, draft=True)),
        "files": files,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def cached(key: str) -> Path | None:
    """The stored preview of `key`, its time renewed (a preview in use is not pruned)."""
    path = previews_dir() / f"{key}.pdf"
    try:
        os.utime(path)
    except FileNotFoundError:
        return None
    return path


def is_long(version: ReportVersion) -> bool:
    """Too long to render inside a request: rendered in the background with a progress page."""
    blocks = version.blocks or []
    chars = sum(len(str(b.get("text", ""))) for b in blocks)
    return len(blocks) > settings.ZEREN_PREVIEW_BACKGROUND_BLOCKS or chars > settings.ZEREN_PREVIEW_BACKGROUND_CHARS


def render_cached(version: ReportVersion, key: str, *, on_step=None) -> Path:
    """Render the draft PDF of `version` and store it under `key` (written whole, then renamed into
    place, so a half file is never served)."""
    from reporting.reports.services import document_pdf

    pdf = document_pdf(version, draft=True)
    if on_step:
        on_step(2)
    final = previews_dir() / f"{key}.pdf"
    part = final.with_name(f".{key}.{secrets.token_hex(4)}.part")
    part.write_bytes(pdf)
    os.replace(part, final)
    previews_prune()
    return final


def previews_prune(*, now: float | None = None) -> int:
    """Remove previews (and part files left by a crash) not used for PREVIEW_KEEP; how many went."""
    cutoff = (now or time.time()) - PREVIEW_KEEP.total_seconds()
    removed = 0
    for path in previews_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


# -- background previews ---------------------------------------------------------------------------


@transaction.atomic
def preview_job_start(*, user, version: ReportVersion, key: str) -> ExportJob:
    """The job rendering this preview for `user`: the one already queued or running for the same
    content, or a new one queued once the row is committed."""
    from reporting import tasks  # the task module imports this one

    params = {"report": version.report_id, "number": version.number, "key": key}
    for job in ExportJob.objects.filter(user=user, kind=KIND, params__key=key,
                                        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]):
        if job.params == params and not job_timed_out(job):
            return job
    job = ExportJob.objects.create(user=user, kind=KIND, params=params, total=STEPS)
    transaction.on_commit(partial(job_enqueue, job.pk, tasks.render_report_preview))
    return job


def preview_version(job: ExportJob) -> ReportVersion | None:
    """The version a job previews, if it still exists and its owner may still view it."""
    version = ReportVersion.objects.select_related("report__organization").filter(
        report_id=job.params.get("report"), number=job.params.get("number")
    ).first()
    if version is None or not can(job.user, Capability.VIEW, version.report.organization):
        return None
    return version


def preview_path(job: ExportJob) -> Path | None:
    if job.status != ExportJob.Status.DONE or not job.file_name:
        return None
    return cached(job.file_name.removesuffix(".pdf"))


def preview_run(*, job_id: int) -> None:
    """Render a job's preview. Claims the job first: a second delivery of the task does nothing."""
    job = job_claim(job_id)
    if job is None:
        return
    version = preview_version(job)
    if version is None:
        job_finish(job_id, status=ExportJob.Status.FAILED, error="该报告已不存在，或您已无权查看。")
        return
    steps = ExportJob.objects.filter(pk=job_id)
    steps.update(total=STEPS, done=1)
    try:
        key = preview_key(version)  # the figures may have changed since the page asked
        path = cached(key) or render_cached(version, key, on_step=lambda n: steps.update(done=n))
    except Exception:
        log.exception("preview job %s failed", job_id)
        job_finish(job_id, status=ExportJob.Status.FAILED, error="PDF 预览生成失败，请稍后重试。")
        return
    job_finish(job_id, status=ExportJob.Status.DONE, file_name=path.name, done=STEPS)
