"""Reads of the accountability log for the inspector's pages: the chain status and the entries in
scope (`inspect`, which `administer` satisfies), filtered and shown with Chinese labels."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.log.labels import ACTIONS, OBJECT_TYPES, PAYLOAD_KEYS
from accountability.models import Case, ChainCheck
from responsibilities.log import LogEntry
from responsibilities.models import Organization
from responsibilities.permissions import Capability, require, scope_paths, visible


def chain_status() -> ChainCheck | None:
    """The latest verification of the chain (nightly tick or verify_log); None before the first."""
    return ChainCheck.objects.order_by("-checked_at", "-pk").first()


@dataclass(frozen=True)
class EntryFilter:
    """What the log page narrows to: an organization's subtree, one object (type + id), an actor
    (name or account contains), an action, Beijing dates (inclusive)."""

    organization: Organization | None = None
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def entries(user, only: EntryFilter = EntryFilter()) -> QuerySet[LogEntry]:
    """Entries `user` may inspect (its `inspect` subtrees; everything for a superuser, the only ones
    who also see entries without an organization), newest first, narrowed by `only`."""
    qs = visible(user, Capability.INSPECT, LogEntry.objects.select_related("organization"), via="organization")
    if only.organization is not None:
        qs = qs.filter(organization__path__startswith=only.organization.path)
    if only.object_type:
        qs = qs.filter(object_type=only.object_type)
    if only.object_id:
        qs = qs.filter(object_id=only.object_id)
    if only.actor:
        qs = qs.filter(actor_name__icontains=only.actor)
    if only.action:
        qs = qs.filter(action=only.action)
    if only.date_from:
        qs = qs.filter(at__gte=_midnight(only.date_from))
    if only.date_to:
        qs = qs.filter(at__lt=_midnight(only.date_to + datetime.timedelta(days=1)))
    return qs.order_by("-seq")


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def entry_for(user, seq: int) -> LogEntry:
    """One entry, if `user` may inspect its organization: Http404 when missing or out of view,
    PermissionDenied when seen without `inspect`. An entry without an organization: superusers only."""
    entry = LogEntry.objects.select_related("organization").filter(seq=seq).first()
    if entry is None or (entry.organization is None and scope_paths(user, Capability.INSPECT) is not None):
        raise Http404(_("未找到该对象，或您无权查看。"))
    if entry.organization is not None:
        require(user, Capability.INSPECT, entry)
    return entry


def action_label(action: str, payload: dict | None = None) -> str:
    """What an entry records, in Chinese (`ACTIONS`; an unknown action as written). Given the entry's
    payload, a case's transition names both states, 流转：立案 → 调查 (the payload's `previous` and
    `status`, written by accountability.cases.services.case_transition); without it, just 流转."""
    if action == "case.transitioned" and payload:
        states = dict(Case.Status.choices)
        return _("流转：%(a)s → %(b)s") % {"a": states.get(payload.get("previous"), "—"),
                                         "b": states.get(payload.get("status"), "—")}
    return str(ACTIONS.get(action, action))


def object_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


def payload_lines(payload: dict) -> list[tuple[str, str]]:
    """(label, value) pairs of a payload for reading: known keys in Chinese, names instead of
    {"id", "name"} objects, 是/否 for booleans, — for nothing."""
    return [(str(PAYLOAD_KEYS.get(key, key)), _readable(value)) for key, value in payload.items()]


def _readable(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        if "name" in value:
            return f"{value['name']}（ID {value['id']}）" if "id" in value else str(value["name"])
        if set(value) == {"seq", "hash"}:
            return f"#{value['seq']} · {value['hash']}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
