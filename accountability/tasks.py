"""Celery tasks of the accountability app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from accountability.workplace import services as workplace


@shared_task(name="accountability.build_evidence_bundle")
def build_evidence_bundle(job_id: int) -> None:
    workplace.bundle_run(job_id=job_id)
