"""Reads of the responsibility list (责任清单) and the preview of pushing it down the tree."""

from __future__ import annotations

import datetime

# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.
from dataclasses import dataclass, field

from django.db import (
    models,
)
from django.db.models import Exists, OuterRef, Q, QuerySet  # noqa: E402
from django.utils.translation import gettext_lazy as _

from responsibilities.models import (  # noqa: E402
    DutyItem,
    Organization,
    Person,
)
from responsibilities.org.selectors import (
    responsible_holders,
    responsible_person_for,
    role_holders_by_org,
)
from responsibilities.permissions import Capability, visible


def duty_list(organization: Organization, day: datetime.date | None = None) -> list[DutyItem]:
    """The active duty items of `organization`, in order, each with `.holders`: the people who hold
    its responsible role on `day`, and `.copies_sent`: the active copies pushed down from it (the units
    that received it, with the version each holds: `source_version` against the item's `version`).
    Three queries whatever the number of items."""
    holders = role_holders_by_org([organization.pk], day).get(organization.pk, {})
    copies = DutyItem.objects.active().select_related("organization").order_by("organization__path")
    items = list(
        DutyItem.objects.active()
        .filter(organization=organization)
        .select_related("responsible_person", "work_system", "source__organization")
        .prefetch_related(models.Prefetch("copies", queryset=copies, to_attr="copies_sent"))
        .order_by("sort_order", "pk")
    )
    for item in items:
        item.holders = responsible_holders(holders, item.responsible)
    return items


def duty_items_for_cascade(organization: Organization):
    """What `organization` can push down: its active items, and retired ones whose copies are still active."""
    active_copies = DutyItem.objects.filter(source=OuterRef("pk"), retired_at__isnull=True)
    return (
        DutyItem.objects.filter(organization=organization)
        .filter(Q(retired_at__isnull=True) | Exists(active_copies))
        .order_by("retired_at", "sort_order", "pk")
    )


def cascade_targets(user, organization: Organization) -> QuerySet[Organization]:
    """Every direct and indirect subordinate of `organization` the user may manage, in tree order."""
    below = Organization.objects.filter(path__startswith=organization.path, depth__gt=organization.depth)
    return visible(user, Capability.MANAGE, below).order_by("path")


# Fields a copy takes over from its source; `responsible_person` is resolved in the target instead.
DUTY_COPIED_FIELDS = (
    "content",
    "responsible",
    "lead_unit",
    "responsible_units",
    "verification",
    "work_system",
    "recurrence",
    "sort_order",
)


class CascadeAction(models.TextChoices):
    NEW = "new", _("新增")
    UPDATED = "updated", _("更新")
    RETIRED = "retired", _("停用")
    UNCHANGED = "unchanged", _("无变化")


@dataclass(frozen=True)
class DutyChange:
    """What pushing `source` to one target does to that target's copy."""

    source: object  # DutyItem
    action: str
    copy: object | None = None  # the target's existing copy, if any
    fields: tuple[str, ...] = ()  # for UPDATED: the fields whose values change
    responsible_person: Person | None = None  # for NEW and UPDATED: whom the copy binds

    @property
    def field_labels(self) -> list[str]:
        labels = {"retired_at": _("恢复启用")}
        return [labels.get(f) or DutyItem._meta.get_field(f).verbose_name for f in self.fields]

    @property
    def action_label(self) -> str:
        return CascadeAction(self.action).label


@dataclass
class CascadeTarget:
    organization: Organization
    changes: list[DutyChange] = field(default_factory=list)

    def _of(self, action: str) -> list[DutyChange]:
        return [c for c in self.changes if c.action == action]

    @property
    def new(self) -> list[DutyChange]:
        return self._of(CascadeAction.NEW)

    @property
    def updated(self) -> list[DutyChange]:
        return self._of(CascadeAction.UPDATED)

    @property
    def retired(self) -> list[DutyChange]:
        return self._of(CascadeAction.RETIRED)

    @property
    def unchanged(self) -> list[DutyChange]:
        return self._of(CascadeAction.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return any(c.action != CascadeAction.UNCHANGED for c in self.changes)


def _field_value(item, name: str):
    return item.work_system_id if name == "work_system" else getattr(item, name)


def _duty_change(source, copy, holders: dict[str, list[Person]]) -> DutyChange | None:
    if source.retired_at is not None:
        if copy is None:
            return None  # nothing was pushed, nothing to retire
        if copy.retired_at is None:
            return DutyChange(source, CascadeAction.RETIRED, copy)
        return DutyChange(source, CascadeAction.UNCHANGED, copy)
    if copy is None:
        person = responsible_person_for(holders, source.responsible)
        return DutyChange(source, CascadeAction.NEW, responsible_person=person)
    if copy.source_version >= source.version and copy.retired_at is None:
        return DutyChange(source, CascadeAction.UNCHANGED, copy)
    fields = [f for f in DUTY_COPIED_FIELDS if _field_value(copy, f) != _field_value(source, f)]
    # Keep a person the target chose itself unless the responsible role changes.
    person = copy.responsible_person
    if copy.responsible != source.responsible or person is None:
        person = responsible_person_for(holders, source.responsible)
    if (person.pk if person else None) != copy.responsible_person_id:
        fields.append("responsible_person")
    if copy.retired_at is not None:
        fields.append("retired_at")
    return DutyChange(source, CascadeAction.UPDATED, copy, tuple(fields), person)


def duty_cascade_preview(
    *, source_org: Organization, items, targets, day: datetime.date | None = None
) -> list[CascadeTarget]:
    """Per target, what pushing `items` of `source_org` would do: new / updated (with the changed
    fields) / retired / unchanged. Three queries whatever the number of items and targets; the
    cascade service applies exactly this plan."""
    sources = sorted(items, key=lambda i: (i.sort_order, i.pk))
    targets = sorted(targets, key=lambda o: o.path)
    target_ids = [t.pk for t in targets]
    copies = {
        (c.organization_id, c.source_id): c
        for c in DutyItem.objects.filter(source__in=[s.pk for s in sources], organization_id__in=target_ids)
        .select_related("responsible_person")
    }
    holders = role_holders_by_org(target_ids, day)
    plan = []
    for target in targets:
        entry = CascadeTarget(organization=target)
        for source in sources:
            change = _duty_change(source, copies.get((target.pk, source.pk)), holders.get(target.pk, {}))
            if change is not None:
                entry.changes.append(change)
        plan.append(entry)
    return plan
