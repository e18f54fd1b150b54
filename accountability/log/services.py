"""Writes about the accountability log: verifying the chain (recording a ChainCheck), alerting once
when it breaks, and exporting it for the offline verifier (issue #8 §4; DOMAIN.md §6 "anyone with
access can verify that")."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import ChainCheck
from reporting.document import in_document_language
from responsibilities import chain
from responsibilities.log import LogEntry, head, utc_text
from responsibilities.models import Capability, Organization
from responsibilities.work import services as work

CHUNK = 5_000  # entries read per query: memory stays bounded whatever the length of the chain
COLUMNS = ("seq", "at", "actor_id", "actor_name", "organization_id", "object_type", "object_id", "action",
           "payload", "prev_hash", "hash")


def entry_rows(*, after: int = 0, through: int | None = None, chunk: int = CHUNK) -> Iterator[dict]:
    """The entries with after < seq ≤ through (default: the head when called), in order, as
    chain.verify reads them: one query per `chunk` entries (keyset on seq, no model instances)."""
    through = head()[0] if through is None else through
    while after < through:
        rows = list(
            LogEntry.objects.filter(seq__gt=after, seq__lte=through).order_by("seq").values_list(*COLUMNS)[:chunk]
        )
        if not rows:
            return
        for seq, at, actor, actor_name, organization, object_type, object_id, action, payload, prev, digest in rows:
            yield {"seq": seq, "at": utc_text(at), "actor": actor, "actor_name": actor_name,
                   "organization": organization, "object_type": object_type, "object_id": object_id,
                   "action": action, "payload": payload, "prev_hash": prev, "hash": digest}
        after = rows[-1][0]


def chain_verify(*, anchor: tuple[int, str] | None = None) -> chain.Verdict:
    """Verify the whole chain as it stands (through the head read at the start) and, with `anchor`
    (seq, hash), that the entry `seq` exists with that hash. Reads only; see `chain_check`."""
    return chain.verify(entry_rows(), anchor=anchor)


def chain_check(*, anchor: tuple[int, str] | None = None, now: datetime.datetime | None = None) -> ChainCheck:
    """Verify the chain (`chain_verify`) and record the result as a ChainCheck, which the chain
    status badge shows. Returns the saved ChainCheck."""
    verdict = chain_verify(anchor=anchor)
    return ChainCheck.objects.create(
        checked_at=now or timezone.now(), ok=verdict.ok, count=verdict.count, head_seq=verdict.head_seq,
        head_hash=verdict.head_hash, bad_seq=verdict.bad_seq, reason=verdict.reason[:300],
        anchor=f"{anchor[0]}:{anchor[1]}" if anchor else "",
    )


# -- the nightly tick ----------------------------------------------------------------------------


def alert_recipients() -> set[int]:
    """Ids of the active users told when the chain breaks: superusers and everyone holding
    `administer` or `inspect` anywhere (directly or through a group)."""
    User = get_user_model()
    codes = [Capability.ADMINISTER, Capability.INSPECT]
    return set(
        User.objects.filter(is_active=True).filter(
            Q(is_superuser=True)
            | Q(organizationuserpermission__permission__codename__in=codes)
            | Q(groups__organizationgrouppermission__permission__codename__in=codes)
        ).values_list("pk", flat=True)
    )


@in_document_language
def chain_check_nightly(*, now: datetime.datetime | None = None) -> ChainCheck:
    """The nightly verification (Celery beat, config/celery.py): record a ChainCheck and, if the
    chain is broken, tell administrators and inspectors in the app and by e-mail (the outbox) —
    once per break: a second run, even a concurrent one, finds the break announced (alert_key) and
    tells nobody again. A break after an intact check is a new break."""
    now = now or timezone.now()
    check = chain_check(now=now)
    if check.ok:
        return check
    last_ok = ChainCheck.objects.filter(ok=True, checked_at__lt=check.checked_at).order_by("-checked_at").first()
    key = f"{last_ok.pk if last_ok else 0}:{check.bad_seq}:{hashlib.sha256(check.reason.encode()).hexdigest()[:16]}"
    try:
        with transaction.atomic():
            ChainCheck.objects.filter(pk=check.pk).update(alert_key=key)
            work.messages_send(at=now, messages=[work.Message(
                recipient_ids=tuple(sorted(alert_recipients())),
                title=_("【日志链异常】问责日志第 %(seq)s 条未通过验证") % {"seq": check.bad_seq},
                body=_("验证时间：%(at)s\n原因：%(reason)s\n此前完好的条目：%(count)s 条。请立即核查数据库变更记录。") % {
                    "at": f"{timezone.localtime(now):%Y-%m-%d %H:%M}", "reason": check.reason, "count": check.count},
                url=reverse("accountability:log_entry", args=[check.bad_seq]),
            )])
    except IntegrityError:
        return check  # announced already
    check.alert_key = key
    return check


# -- export --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilter:
    """Which entries an export shows in full: those of `organization`'s subtree (None: all) whose
    time falls on `date_from` … `date_to` (Beijing dates, inclusive; None: open)."""

    organization: Organization | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def export_write(out: TextIO, *, only: ExportFilter = ExportFilter()) -> tuple[int, int]:
    """Write the whole chain to `out` as JSON lines, from #1 to the head: the entries `only` selects
    in full, every other one as a redacted line {"seq", "prev_hash", "hash", "redacted": true}, so the
    chain can be verified offline (`python -m accountability.verifier FILE`) without revealing what
    lies outside the filter. Returns (full lines, redacted lines)."""
    ids = None
    if only.organization is not None:
        ids = set(Organization.objects.filter(path__startswith=only.organization.path).values_list("pk", flat=True))
    start = _local_midnight(only.date_from) if only.date_from else None
    end = _local_midnight(only.date_to + datetime.timedelta(days=1)) if only.date_to else None
    full = redacted = 0
    for row in entry_rows():
        shown = (ids is None or row["organization"] in ids) and (
            (start is None or row["at"] >= start) and (end is None or row["at"] < end))
        if shown:
            full += 1
        else:
            redacted += 1
            row = {"seq": row["seq"], "prev_hash": row["prev_hash"], "hash": row["hash"], "redacted": True}
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    return full, redacted


def _local_midnight(day: datetime.date) -> str:
    """00:00 Beijing time of `day` as the log writes instants (UTC text, comparable as strings)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return utc_text(moment)
