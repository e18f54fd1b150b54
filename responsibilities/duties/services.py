"""Writes of the responsibility list (责任清单): create, update, retire, push to subordinates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibilities.duties import selectors
from responsibilities.models import (
    DutyItem,
    DutyItemEvent,
    Organization,
    Person,
    Responsible,
    RoleAssignment,
    WorkSystem,
)

# ---------------------------------------------------------------------------------
# Responsibility list (责任清单): duty items and their cascade to subordinate organizations
# ---------------------------------------------------------------------------------

# What a manager may set on a duty item (create and update take the same names).
DUTY_EDITABLE_FIELDS = frozenset({
    "content", "responsible", "responsible_person", "lead_unit", "responsible_units",
    "verification", "work_system", "recurrence", "sort_order",
})
_DUTY_TEXT_FIELDS = ("content", "lead_unit", "responsible_units", "verification", "recurrence")


def _duty_validate(item: DutyItem) -> None:
    """The rules a duty item obeys whoever writes it: 可落实 (content, responsible), 可认定 (verification)."""
    for name in _DUTY_TEXT_FIELDS:
        setattr(item, name, (getattr(item, name) or "").strip())
    if not item.content:
        raise ValidationError(_("责任内容不能为空。"), code="content")
    if item.responsible not in Responsible.values:
        raise ValidationError(_("未知的责任主体：%(value)s") % {"value": item.responsible}, code="responsible")
    if not item.verification:
        raise ValidationError(_("请填写认定标准：以什么材料证明该项责任已落实。"), code="verification")
    person = item.responsible_person
    if person is not None and person.organization_id != item.organization_id and not RoleAssignment.objects.filter(
        person=person, organization_id=item.organization_id
    ).exists():
        raise ValidationError(
            _("%(person)s 不是 %(org)s 的人员，不能作为该组织的责任人。")
            % {"person": person.name, "org": item.organization.name},
            code="responsible_person",
        )


@transaction.atomic
def duty_item_create(
    *,
    organization: Organization,
    content: str,
    responsible: str,
    verification: str,
    responsible_person: Person | None = None,
    lead_unit: str = "",
    responsible_units: str = "",
    work_system: WorkSystem | None = None,
    recurrence: str = "",
    sort_order: int | None = None,
    actor,
) -> DutyItem:
    """Add a line to `organization`'s responsibility list; without `sort_order` it goes last.

    `actor` (a user, or None for the system) is recorded on a `created` DutyItemEvent. Raises
    ValidationError (Chinese) when the content, the responsible subject or the verification
    standard is missing, or the responsible person is not of the organization (三可: 可落实、可认定).
    """
    if sort_order is None:
        last = DutyItem.objects.filter(organization=organization).order_by("-sort_order").first()
        sort_order = last.sort_order + 10 if last else 10
    item = DutyItem(
        organization=organization, content=content, responsible=responsible, verification=verification,
        responsible_person=responsible_person, lead_unit=lead_unit, responsible_units=responsible_units,
        work_system=work_system, recurrence=recurrence, sort_order=sort_order,
    )
    _duty_validate(item)
    item.save()
    DutyItemEvent.record(item, DutyItemEvent.Kind.CREATED, actor)
    return item


@transaction.atomic
def duty_item_update(*, item: DutyItem, actor, **changes) -> DutyItem:
    """Change a duty item (`changes`: any of DUTY_EDITABLE_FIELDS). A real change bumps `version`,
    which tells the cascade that copies are behind, and is recorded as an `updated` DutyItemEvent
    by `actor` with data {"fields": [changed names], "version": new version}; no change, no event.
    Raises ValidationError for a retired item or what `duty_item_create` refuses."""
    unknown = set(changes) - DUTY_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"duty_item_update() got unexpected fields: {sorted(unknown)}")
    if "sort_order" in changes and changes["sort_order"] is None:
        del changes["sort_order"]  # a blank position keeps the item where it is
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("organization").get(pk=item.pk)
    if item.retired_at is not None:
        raise ValidationError(_("该条目已停用，不能再修改。"), code="retired")
    before = {name: getattr(item, DutyItem._meta.get_field(name).attname) for name in DUTY_EDITABLE_FIELDS}
    for name, value in changes.items():
        setattr(item, name, value)
    _duty_validate(item)
    after = {name: getattr(item, DutyItem._meta.get_field(name).attname) for name in DUTY_EDITABLE_FIELDS}
    if after != before:
        item.version += 1
        item.save()
        changed = sorted(name for name in after if after[name] != before[name])
        DutyItemEvent.record(item, DutyItemEvent.Kind.UPDATED, actor, fields=changed, version=item.version)
    return item


@transaction.atomic
def duty_item_retire(*, item: DutyItem, actor) -> DutyItem:
    """Retire a duty item, recorded as a `retired` DutyItemEvent by `actor`. The row stays:
    obligations, copies and old lists refer to it. Raises ValidationError when it is already
    retired, or is a pushed copy whose source is still in force (the source retires it)."""
    item = DutyItem.objects.select_for_update(of=("self",)).select_related("source__organization").get(pk=item.pk)
    if item.retired_at is not None:
        raise ValidationError(
            _("该条目已于 %(at)s 停用。") % {"at": f"{timezone.localtime(item.retired_at):%Y-%m-%d}"},
            code="retired",
        )
    if item.source is not None and item.source.retired_at is None:
        # A pushed copy follows its source: it is retired when the source is retired and pushed again.
        raise ValidationError(
            _("该条目由%(org)s下发，需由%(org)s停用并再次下发。") % {"org": item.source.organization.name},
            code="pushed",
        )
    item.retired_at = timezone.now()
    item.save(update_fields=["retired_at", "updated_at"])
    DutyItemEvent.record(item, DutyItemEvent.Kind.RETIRED, actor)
    return item


@transaction.atomic
def duty_items_cascade(
    *, source_org: Organization, items, targets, actor
) -> list[selectors.CascadeTarget]:
    """Push `items` of `source_org`'s list down to `targets` (subordinate organizations).

    Each target gets its own copy bound to its own role holders; copies behind their source are
    updated, missing ones created, and copies of retired items retired. Returns the plan it applied
    (the same `duty_cascade_preview` the page showed), so pushing twice changes nothing the second time.
    Every copy created, updated or retired gets a `pushed` DutyItemEvent by `actor` with data
    {"action": "new" | "updated" | "retired", "source": source item id, "source_version": n}.
    Raises ValidationError when nothing is chosen, a target is not below `source_org`, an item is
    not on `source_org`'s own list, or a copy changed under the push.
    """
    item_ids = sorted({item.pk for item in items})
    target_ids = sorted({target.pk for target in targets})
    if not item_ids:
        raise ValidationError(_("请选择要下发的责任清单条目。"), code="items")
    if not target_ids:
        raise ValidationError(_("请选择接收下发的下级组织。"), code="targets")
    source_org = Organization.objects.get(pk=source_org.pk)
    fresh_targets = list(Organization.objects.filter(pk__in=target_ids))
    outside = [t for t in fresh_targets if t.pk == source_org.pk or not t.path.startswith(source_org.path)]
    if outside or len(fresh_targets) != len(target_ids):
        raise ValidationError(
            _("%(orgs)s 不是 %(org)s 的下级组织，不能下发。")
            % {"orgs": "、".join(t.name for t in outside) or _("所选组织"), "org": source_org.name},
            code="targets",
        )
    # Locking the sources makes two pushes of the same items run one after the other.
    sources = list(DutyItem.objects.select_for_update().filter(pk__in=item_ids, organization=source_org).order_by("pk"))
    if len(sources) != len(item_ids):
        raise ValidationError(_("只能下发本组织责任清单中的条目。"), code="items")
    list(DutyItem.objects.select_for_update().filter(source_id__in=item_ids, organization_id__in=target_ids)
         .values_list("pk", flat=True))
    plan = selectors.duty_cascade_preview(source_org=source_org, items=sources, targets=fresh_targets)

    now = timezone.now()
    copied = {name: DutyItem._meta.get_field(name).attname for name in selectors.DUTY_COPIED_FIELDS}
    created: list[DutyItem] = []
    updated: list[DutyItem] = []
    retired: list[int] = []
    pushed: list[tuple[DutyItem, str, DutyItem]] = []  # (copy, action, source) for the event rows
    for entry in plan:
        for change in entry.changes:
            source = change.source
            if change.action == selectors.CascadeAction.NEW:
                copy = DutyItem(
                    organization=entry.organization, source=source, source_version=source.version,
                    responsible_person=change.responsible_person,
                    **{attname: getattr(source, attname) for attname in copied.values()},
                )
                created.append(copy)
                pushed.append((copy, "new", source))
            elif change.action == selectors.CascadeAction.UPDATED:
                copy = change.copy
                for attname in copied.values():
                    setattr(copy, attname, getattr(source, attname))
                copy.responsible_person = change.responsible_person
                copy.source_version = source.version
                copy.version += 1  # the copy's own copies further down are now behind it
                copy.retired_at = None
                copy.updated_at = now
                updated.append(copy)
                pushed.append((copy, "updated", source))
            elif change.action == selectors.CascadeAction.RETIRED:
                retired.append(change.copy.pk)
                pushed.append((change.copy, "retired", source))
    try:
        with transaction.atomic():
            DutyItem.objects.bulk_create(created, batch_size=500)
    except IntegrityError as exc:
        raise ValidationError(_("下级组织的副本刚被另一操作更改，请重新预览后再下发。"), code="conflict") from exc
    DutyItem.objects.bulk_update(
        updated,
        [*copied.values(), "responsible_person", "source_version", "version", "retired_at", "updated_at"],
        batch_size=500,
    )
    DutyItem.objects.filter(pk__in=retired).update(retired_at=now, updated_at=now)
    DutyItemEvent.objects.bulk_create([
        DutyItemEvent(item=copy, kind=DutyItemEvent.Kind.PUSHED, actor=actor, at=now,
                      data={"action": action, "source": source.pk, "source_version": source.version})
        for copy, action, source in pushed
    ], batch_size=500)
    return plan
