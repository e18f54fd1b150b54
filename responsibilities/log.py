"""The tamper-evident accountability log (DOMAIN.md §6: "every event of a case is logged, the log
cannot be silently edited or deleted, and anyone with access can verify that").

One append-only table, hash-chained by `responsibilities.chain`. Every service that changes state
the log covers calls `append` in its own transaction, so the entry commits or rolls back with the
change. It lives in the kernel because every app writes it (dependencies point one way,
accountability → reporting → responsibilities); the accountability app verifies, exports and shows it.

On PostgreSQL, triggers (migration 0008) reject UPDATE, DELETE and TRUNCATE on the table, and
appends are serialized by a transaction-scoped advisory lock so the chain never forks.
"""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibilities import chain, text

# pg_advisory_xact_lock key for appends (spelt out in _LOCK_AND_HEAD): any constant the application
# uses for nothing else.
APPEND_LOCK = 720_461_001


class LogEntry(models.Model):
    """One entry of the chain. Never updated or deleted (the database refuses on PostgreSQL)."""

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    organization = models.ForeignKey(
        "responsibilities.Organization", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
        blank=True, related_name="+", verbose_name=_("组织"),
    )
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象"), max_length=40)
    action = models.CharField(_("动作"), max_length=60, db_index=True)
    payload = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("问责日志条目")
        verbose_name_plural = _("问责日志")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="log_object"),
            models.Index(fields=["organization", "seq"], name="log_organization"),
            models.Index(fields=["at"], name="log_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def permission_organization(self):
        return self.organization

    def as_row(self) -> dict:
        """The entry as chain.verify reads it: FIELDS plus prev_hash and hash."""
        return {
            "seq": self.seq,
            "at": utc_text(self.at),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "organization": self.organization_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def utc_text(moment: datetime.datetime) -> str:
    """An aware instant as chain.py writes it: "2026-06-30T02:00:00.000000Z"."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _json_values(payload: dict) -> dict:
    """Dates, Decimals and lazy strings become JSON strings, so what is stored is what was hashed."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


def append(*, action: str, subject: models.Model, actor, organization=None,
           at: datetime.datetime | None = None, **payload) -> LogEntry:
    """Append one entry about `subject` (any saved model instance) and return it.

    `action` reads "<model>.<what happened>" ("reportversion.signed"); `organization` (an
    Organization, or its id) defaults to the subject's `permission_organization`; `actor` is a user
    or None for the system; `payload` holds JSON values (no floats). Must be called inside the
    changing service's transaction.atomic(); raises TransactionManagementError otherwise."""
    return append_many([dict(action=action, subject=subject, actor=actor, organization=organization, at=at,
                             **payload)])[0]


def append_many(items: list[dict]) -> list[LogEntry]:
    """Append several entries in one go (one lock, one read of the head, one INSERT), in order; each
    item holds `append`'s keyword arguments. For sweeps that change many rows at once."""
    if not connection.in_atomic_block:
        from django.db.transaction import TransactionManagementError

        raise TransactionManagementError("log.append must run inside the service's transaction")
    if not items:
        return []
    now = timezone.now()
    entries = []
    for item in items:  # everything but the chain, before the lock: the lock is held until commit
        item = dict(item)
        action, subject, actor = item.pop("action"), item.pop("subject"), item.pop("actor")
        organization, moment = item.pop("organization", None), item.pop("at", None) or now
        if organization is None:
            organization = getattr(subject, "permission_organization", None)
        entries.append(LogEntry(
            at=moment,
            actor_id=actor.pk if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            organization_id=getattr(organization, "pk", organization),
            object_type=subject._meta.label_lower,
            object_id=str(subject.pk),
            action=action,
            payload=_json_values(item),
        ))
    seq, prev_hash = _locked_head()
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.hash = prev_hash = chain.entry_hash(prev_hash, entry.as_row())
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        LogEntry.objects.bulk_create(entries)
    return entries


# Constants only: no parameters, so both drivers send it as one simple query of two statements.
_LOCK_AND_HEAD = (
    "SELECT pg_advisory_xact_lock(720461001); "  # APPEND_LOCK
    "SELECT seq, hash FROM responsibilities_logentry ORDER BY seq DESC LIMIT 1"
)


def _locked_head() -> tuple[int, str]:
    """The head, read after taking the append lock (held until the transaction ends). On PostgreSQL
    one round trip: the two statements of one query each take their own snapshot (READ COMMITTED),
    so the head is read after the lock is granted and sees every append committed before."""
    if connection.vendor != "postgresql":
        return head()  # SQLite serializes writers by itself
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_HEAD)
        last = cursor.fetchone()
    return (last[0], last[1]) if last else (0, chain.GENESIS)


def _actor_name(actor) -> str:
    if not getattr(actor, "pk", None):
        return ""
    return text.display_name(actor)[:150]  # 周雨桐, family name first (get_full_name() says 雨桐 周)


def head() -> tuple[int, str]:
    """(seq, hash) of the last entry; (0, GENESIS) for an empty log."""
    last = LogEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, chain.GENESIS)
