"""The Celery application. The beat schedule lives here, in code, and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zeren")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Issue-by-issue, idempotent ticks are added here (obligation generation,
# reminders, overdue sweeps). Each tick may run twice or late without harm.
app.conf.beat_schedule = {}
