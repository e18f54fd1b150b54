"""The Celery application. The beat schedule lives here, in code, and nowhere else."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zeren")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every tick is idempotent: it may run twice, late, or in two workers at once
# without doing anything twice (see responsibilities/scheduling.py).
app.conf.beat_schedule = {
    "generate-obligations": {"task": "responsibilities.tick_generate", "schedule": 3600.0},
    "mark-overdue": {"task": "responsibilities.tick_overdue", "schedule": 300.0},
    "send-reminders": {"task": "responsibilities.tick_remind", "schedule": 300.0},
    "send-emails": {"task": "responsibilities.tick_email", "schedule": 60.0},
    # Every night at 02:00 (CELERY_TIMEZONE, Beijing time): is the accountability log's chain intact?
    "verify-log": {"task": "accountability.tick_verify_log", "schedule": crontab(hour=2, minute=0)},
    # Every night at 03:30: the security log keeps ZEREN_SECURITY_LOG_DAYS (180) days.
    "prune-security-events": {"task": "responsibilities.prune_security_events", "schedule": crontab(hour=3, minute=30)},
    # Reliability (#11): beat's heartbeat for /readyz, and the background jobs' outbox sweep.
    "heartbeat": {"task": "responsibilities.tick_heartbeat", "schedule": 60.0},
    "requeue-jobs": {"task": "responsibilities.tick_requeue_jobs", "schedule": 60.0},
}


@worker_ready.connect
def catch_up(sender, **kwargs) -> None:
    """After downtime, run every tick once at start instead of waiting for its interval."""
    for entry in app.conf.beat_schedule.values():
        sender.app.send_task(entry["task"])
