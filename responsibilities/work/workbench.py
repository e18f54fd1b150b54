"""The obligations' panels of the workbench (responsibilities.workbench): what the staff must finish
(逾期, 今日到期, 本周到期), what the secretary's subtree has overdue, and the open notices.

Each panel is one selector here, a fixed number of queries whatever the size of the tree;
`register_panels` is called by ResponsibilitiesConfig.ready.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibilities import workbench
from responsibilities.models import Notification, Obligation
from responsibilities.org.selectors import staffed_organization_ids
from responsibilities.periods import Period
from responsibilities.permissions import Capability, scope_paths
from responsibilities.workbench import ENTRIES, Card, Entry, Panel

OVERDUE, TODAY, WEEK = "overdue", "today", "week"


def _bucket(today: datetime.date, bucket: str) -> Q:
    if bucket == OVERDUE:
        return Q(due_date__lt=today)
    if bucket == TODAY:
        return Q(due_date=today)
    week_end = today + datetime.timedelta(days=6 - today.weekday())  # through Sunday
    return Q(due_date__gt=today, due_date__lte=week_end)


def _obligation_entry(ob: Obligation) -> Entry:
    return Entry(
        title=f"{ob.work_system.name}（{Period.parse(ob.period).label}）",
        url=reverse("responsibilities:obligation_detail", args=[ob.pk]),
        detail=ob.organization.name, due_date=ob.due_date, due_provisional=ob.due_provisional,
    )


def obligations_due(user, today: datetime.date, bucket: str) -> Card | None:
    """The open obligations of the organizations `user` is staff of (`staffed_organization_ids`, the
    people the scheduler reminds) that are overdue (`bucket` "overdue": deadline before `today`), due
    `today` ("today") or later this week through Sunday ("week"); earliest deadline first.
    None when the user is staff of no organization. Three queries."""
    org_ids = staffed_organization_ids(user)
    if not org_ids:
        return None
    qs = Obligation.objects.open().filter(_bucket(today, bucket), organization_id__in=org_ids)
    rows = qs.select_related("organization", "work_system").order_by("due_date", "organization__path", "pk")
    return Card(count=qs.count(), entries=[_obligation_entry(ob) for ob in rows[:ENTRIES]],
                more_url=reverse("responsibilities:my_work"))


def subtree_overdue(user, today: datetime.date) -> Card | None:
    """For who signs (`sign_report`): the overdue obligations in the subtrees of their grants, counted
    per organization (most first). None without such a grant (or for a superuser, whose subtree is
    everything: the dashboards serve them). Two queries after the user's grants."""
    paths = scope_paths(user, Capability.SIGN_REPORT)
    if not paths:
        return None
    where = Q(pk__in=[])
    for path in paths:
        where |= Q(organization__path__startswith=path)
    qs = Obligation.objects.open().filter(where, due_date__lt=today)
    per_org = (qs.values("organization_id", "organization__name", "organization__path")
               .annotate(n=Count("pk")).order_by("-n", "organization__path")[:ENTRIES])
    base = reverse("responsibilities:obligation_list")
    entries = [
        Entry(title=row["organization__name"], detail=_("%(n)s 项逾期") % {"n": row["n"]},
              url=f"{base}?{urlencode({'org': row['organization_id'], 'status': 'overdue', 'period': today.year})}")
        for row in per_org
    ]
    return Card(count=qs.count(), entries=entries)


def open_notices(user, today: datetime.date) -> Card:
    """The user's notices not yet 已办结 (`done_at` empty) and not yet read, newest first. Two queries."""
    qs = Notification.objects.filter(recipient=user, done_at__isnull=True, read_at__isnull=True)
    entries = [Entry(title=n.title, url=n.url or reverse("responsibilities:inbox"))
               for n in qs.order_by("-created_at", "-pk")[:ENTRIES]]
    return Card(count=qs.count(), entries=entries, more_url=reverse("responsibilities:inbox"))


def register_panels() -> None:
    workbench.register(Panel("obligations.overdue", gettext_lazy("逾期"), 10,
                             lambda user, today: obligations_due(user, today, OVERDUE),
                             gettext_lazy("本组织已过截止日期、尚未完成的任务")))
    workbench.register(Panel("obligations.today", gettext_lazy("今日到期"), 11,
                             lambda user, today: obligations_due(user, today, TODAY)))
    workbench.register(Panel("obligations.week", gettext_lazy("本周到期"), 12,
                             lambda user, today: obligations_due(user, today, WEEK)))
    workbench.register(Panel("obligations.subtree_overdue", gettext_lazy("辖区逾期"), 40, subtree_overdue,
                             gettext_lazy("本组织及下级组织逾期未完成的任务")))
    workbench.register(Panel("notices.open", gettext_lazy("未读待办通知"), 90, open_notices))
