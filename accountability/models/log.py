"""What the accountability app keeps about the chain of `responsibilities.log`: the result of each
verification (the nightly tick, `manage.py verify_log`), shown as the chain status badge."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ChainCheck"]


class ChainCheck(models.Model):
    """One verification of the whole chain (or of the chain through an anchor): written by
    `accountability.log.services.chain_check`, never changed afterwards except `alerted_at`."""

    checked_at = models.DateTimeField(_("验证时间"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("链条完好"))
    count = models.PositiveBigIntegerField(_("已验证条目数"))
    head_seq = models.PositiveBigIntegerField(_("最后完好条目序号"))
    head_hash = models.CharField(_("最后完好条目哈希"), max_length=64)
    bad_seq = models.PositiveBigIntegerField(_("首个异常条目序号"), null=True, blank=True)
    reason = models.CharField(_("异常原因"), max_length=300, blank=True)
    anchor = models.CharField(_("存证锚点"), max_length=90, blank=True)  # "SEQ:HASH" when checked against one
    # A break is announced once: the key (last intact check before it, bad seq, reason) is unique
    # among the checks that alerted, so a second run, even a concurrent one, alerts nobody again.
    alert_key = models.CharField(max_length=120, null=True, blank=True, unique=True, verbose_name=_("告警标识"))

    class Meta:
        verbose_name = _("日志链验证")
        verbose_name_plural = _("日志链验证")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'OK' if self.ok else self.bad_seq}"
