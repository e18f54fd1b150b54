"""Celery tasks: thin wrappers that take ids and call services. The schedule is in config/celery.py."""

from celery import shared_task
from django.utils import timezone

from responsibilities.importing import background as importing
from responsibilities.scheduling import services as scheduling


@shared_task(name="responsibilities.tick_generate")
def tick_generate() -> int:
    return scheduling.obligations_generate(periods=scheduling.periods_to_generate(timezone.localdate()))


@shared_task(name="responsibilities.tick_remind")
def tick_remind() -> int:
    return scheduling.sweep_reminders()


@shared_task(name="responsibilities.tick_overdue")
def tick_overdue() -> int:
    return scheduling.sweep_overdue()


@shared_task(name="responsibilities.tick_email")
def tick_email() -> int:
    return scheduling.send_pending_emails()


@shared_task(name="responsibilities.import_workbook")
def import_workbook(job_id: int) -> None:
    importing.import_run(job_id=job_id)


@shared_task(name="responsibilities.prune_security_events")
def prune_security_events() -> int:
    from responsibilities.securitylog.services import security_events_prune

    return sum(security_events_prune())


@shared_task(name="responsibilities.tick_heartbeat")
def tick_heartbeat() -> None:
    from responsibilities.heartbeat import heartbeat_record

    heartbeat_record()


@shared_task(name="responsibilities.tick_requeue_jobs")
def tick_requeue_jobs() -> dict:
    from responsibilities.jobs import jobs_requeue

    return jobs_requeue()
