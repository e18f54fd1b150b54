"""Celery tasks of the accountability app: thin wrappers around services. The schedule is in config/celery.py."""

from __future__ import annotations

from celery import shared_task

from accountability.log import services as log_services
from accountability.workplace import services as workplace


@shared_task(name="accountability.tick_verify_log")
def tick_verify_log() -> bool:
    """Verify the log's chain (nightly); alerts administrators and inspectors once per break."""
    return log_services.chain_check_nightly().ok


@shared_task(name="accountability.build_evidence_bundle")
def build_evidence_bundle(job_id: int) -> None:
    workplace.bundle_run(job_id=job_id)
