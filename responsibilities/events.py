"""Events: what happened to an organization, a line of the responsibility list or an obligation, by
whom and when. Each is written by the one service that made the change, in the same transaction
(STYLE.md §10); the accountability log will chain them. Registered through responsibilities.models."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities import log


class Event(models.Model):
    """What happened to a row, by whom and when, written by the one service that made the change in
    the same transaction. Each kind of event adds the row it is about (named by `about`) and its own
    `Kind` choices."""

    about = ""  # the foreign key to the row the event is about

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @classmethod
    def record(
        cls, subject, kind: str, actor, *, at: datetime.datetime | None = None, columns: dict | None = None, **data
    ) -> Event:
        """Write one event of `kind` about `subject` by `actor` (None: the system) at `at` (default now):
        `columns` fills a subclass's own fields (an obligation event's `reason`), `data` is kept as
        JSON, and the same goes into the accountability log ("<model>.<kind>"). Call it inside the
        service's transaction."""
        event = cls.objects.create(
            **{cls.about: subject}, kind=kind, actor=actor, at=at or timezone.now(), data=data, **(columns or {})
        )
        log.append(
            action=f"{subject._meta.model_name}.{kind}", subject=subject, actor=actor, at=event.at,
            **(columns or {}), **data,
        )
        return event


class DutyItemEvent(Event):
    """What happened to a line of the responsibility list, by whom and when, written by the duty
    service that made the change in the same transaction (as ObligationEvent is for obligations)."""

    about = "item"

    class Kind(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("修改")
        RETIRED = "retired", _("停用")
        PUSHED = "pushed", _("下发")  # a copy created, brought up to date or retired by its source's push

    item = models.ForeignKey("responsibilities.DutyItem", on_delete=models.CASCADE, related_name="events", verbose_name=_("责任清单条目"))
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)

    class Meta(Event.Meta):
        verbose_name = _("责任清单事件")
        verbose_name_plural = _("责任清单事件")

    def __str__(self) -> str:
        return f"{self.item} · {self.get_kind_display()}"


class OrganizationEvent(Event):
    """An organization created or moved, or a person registered in it, written by the org service
    that made the change in the same transaction. `data` names the parents (or the person) by id and name."""

    about = "organization"

    class Kind(models.TextChoices):
        CREATED = "created", _("新建")  # data: {"parent": {"id", "name"} or None}
        MOVED = "moved", _("移动")  # data: {"from_parent": {"id", "name"}, "to_parent": {"id", "name"}}
        PERSON_ADDED = "person_added", _("登记人员")  # data: {"person": {"id", "name"}}

    organization = models.ForeignKey("responsibilities.Organization", on_delete=models.CASCADE, related_name="events", verbose_name=_("组织"))
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = _("组织事件")

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()}"


class ObligationEvent(Event):
    """What happened to an obligation, by whom and when. Issue #5 chains these into the tamper-evident log."""

    about = "obligation"

    class Kind(models.TextChoices):
        COMPLETED = "completed", _("完成")
        REOPENED = "reopened", _("重新打开")
        WAIVED = "waived", _("免除")
        OVERDUE = "overdue", _("逾期")
        EVIDENCE_ADDED = "evidence_added", _("补充佐证")
        EVIDENCE_CORRECTED = "evidence_corrected", _("更正佐证")  # data: the earlier version ("earlier")
        EVIDENCE_WITHDRAWN = "evidence_withdrawn", _("撤回佐证")

    obligation = models.ForeignKey(
        "responsibilities.Obligation", on_delete=models.CASCADE, related_name="events", verbose_name=_("工作任务")
    )
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("任务事件")
        verbose_name_plural = _("任务事件")

    def __str__(self) -> str:
        return f"{self.obligation} · {self.get_kind_display()}"
