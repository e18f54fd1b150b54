"""Celery tasks of the accountability app: thin wrappers around services. The schedule is in config/celery.py."""

from celery import shared_task

from accountability.log import services as log_services


@shared_task(name="accountability.tick_verify_log")
def tick_verify_log() -> bool:
    """Verify the log's chain (nightly); alerts administrators and inspectors once per break."""
    return log_services.chain_check_nightly().ok
