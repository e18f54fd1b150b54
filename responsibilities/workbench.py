"""The home page as a workbench (工作台, issue #9 §1): for each role, what the user must do now.

Panels are registered by the apps at start-up (AppConfig.ready), as deadline kinds are in
`scheduling.chase`: responsibilities registers the obligations' panels, reporting registers the
reports' (待签发, 待报送, 被退回, 待签收, 未报送的下级). Dependencies point inward: a panel knows this
protocol, this module knows no panel. Each panel's data is one selector with a bounded number of
queries, whatever the size of the tree; a panel that does not concern the user (no such role)
answers None and is not shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

ENTRIES = 5  # rows listed per panel; the count is the whole number


@dataclass(frozen=True)
class Entry:
    """One thing to do: what, where it is done (a URL), and the deadline it serves, if any."""

    title: str
    url: str
    detail: str = ""  # the organization, a reason
    due_date: datetime.date | None = None
    due_provisional: bool = False  # a deadline counted through a year whose holidays are not yet entered


@dataclass(frozen=True)
class Card:
    """A panel's answer for one user: how many in all, the first ENTRIES of them, the list page."""

    count: int
    entries: list[Entry] = field(default_factory=list)
    more_url: str = ""


@dataclass(frozen=True)
class Panel:
    key: str  # "reports.to_sign"
    title: str | Promise  # 待签发 (lazy: shown in the user's language)
    order: int  # smaller first
    collect: Callable[[object, datetime.date], Card | None]  # (user, today) -> Card, None: not for this user
    hint: str | Promise = ""  # one line under the title


_registry: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    """Add (or replace) a panel; idempotent, so an app's ready() may run twice."""
    _registry[panel.key] = panel
    return panel


def registered() -> list[Panel]:
    return sorted(_registry.values(), key=lambda p: (p.order, p.key))


def workbench(user, today: datetime.date) -> list[tuple[Panel, Card]]:
    """The panels that concern `user` on `today` with their cards, in order."""
    result = []
    for panel in registered():
        card = panel.collect(user, today)
        if card is not None:
            result.append((panel, card))
    return result
