"""Beat's heartbeat: proof, for /readyz, that the periodic ticks still run.

Beat sends `responsibilities.tick_heartbeat` every minute and a worker writes the time here, so a
recent heartbeat shows that beat, the broker and a worker all work. Registered through
responsibilities.models.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BEAT = "beat"


class Heartbeat(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("最近一次"))

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


def heartbeat_record(name: str = BEAT, *, now: datetime.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now or timezone.now()})


def heartbeat_age(name: str = BEAT, *, now: datetime.datetime | None = None) -> float | None:
    """Seconds since the last heartbeat, or None when there has never been one."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else ((now or timezone.now()) - beat_at).total_seconds()
