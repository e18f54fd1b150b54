"""What the scheduler's sweeps chase: any item with a deadline, reminded before it, marked overdue
after it and escalated to the upper organization's staff (DESIGN.md flow 3).

Obligations are one kind (registered by responsibilities.scheduling.services); other apps register
theirs at start-up (accountability: rectification of findings, filing of decided cases), so there is
one reminder sweep and one overdue sweep, not a copy per kind. Dependencies point inward: a kind
knows this protocol, this module knows no kind.

A kind's rows carry their due-ness (STYLE.md §7): `due_date` (the deadline day), `due_at` (the first
late moment, `calendar.due_moment`), `next_reminder_at` (`calendar.next_reminder`) and an
`organization_id`; the sweeps claim rows (`ClaimQuerySet.claim`) so a doubled run does nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Notice:
    """What a reminder, overdue notice or escalation says about one item."""

    what: str  # "季度分析研判", "问题整改：……"
    organization: str  # the organization's name
    due_date: datetime.date | None
    body: str
    url: str


@dataclass(frozen=True)
class Chased:
    """One kind of deadline-bearing item.

    - `pending()`: the rows still owed and not yet overdue (reminders go to these);
    - `mark_overdue(now=, limit=)`: the kind's own lifecycle service: claims up to `limit` pending rows
      late at `now`, marks them and returns (pk, organization id, *claim_fields[1:]) per row ([] when done);
    - `recipients(claimed, day)`: {pk: {user id}} of the item's own people on `day`;
    - `notices(pks)`: {pk: Notice};
    - `item_type`: written on the notifications ("" for obligations, which have their own column named
      by `notification_field`).
    """

    item_type: str
    pending: Callable[[], models.QuerySet]
    mark_overdue: Callable[..., list[tuple]]
    recipients: Callable[[list[tuple], datetime.date], dict[int, set[int]]]
    notices: Callable[[list[int]], dict[int, Notice]]
    claim_fields: tuple[str, ...] = ("organization_id",)
    notification_field: str = "item_id"

    def target(self, pk: int) -> dict:
        """The Notification fields naming one item."""
        return {self.notification_field: pk, "item_type": self.item_type}

    def targets(self, pks: list[int]) -> dict:
        """The Notification filter naming these items."""
        return {f"{self.notification_field}__in": pks, "item_type": self.item_type}


_registry: dict[str, Chased] = {}


def register(kind: Chased) -> Chased:
    """Add (or replace) a kind; idempotent, so an app's ready() may run twice."""
    _registry[kind.item_type] = kind
    return kind


def registered() -> list[Chased]:
    """Every kind, in registration order."""
    return list(_registry.values())
