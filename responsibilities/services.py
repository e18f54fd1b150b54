"""Writes: organizations, people and role assignments. Views, commands and tests all come here."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibilities import scheduling, selectors
from responsibilities.models import (
    Department,
    DutyItem,
    EvidenceFile,
    EvidenceKind,
    MeetingRecord,
    Notification,
    Obligation,
    ObligationEvent,
    Organization,
    Person,
    Responsible,
    RoleAssignment,
    WorkSystem,
)

SINGLE_HOLDER_CONSTRAINT = "role_assignment_single_holder_no_overlap"


def _format_range(start: datetime.date, end: datetime.date | None) -> str:
    if end:
        return _("%(start)s 至 %(end)s") % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
    return _("%(start)s 起至今") % {"start": f"{start:%Y-%m-%d}"}


def _check_single_holder(
    *,
    organization: Organization,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    if role not in RoleAssignment.SINGLE_HOLDER_ROLES:
        return
    clash = (
        RoleAssignment.objects.filter(organization=organization, role=role)
        .overlapping(start_date, end_date)
        .exclude(pk=exclude_pk)
        .select_related("person")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(org)s 在 %(range)s 已由 %(person)s 担任%(role)s，同一时间只能有一人担任该角色。")
            % {
                "org": organization.name,
                "range": _format_range(clash.start_date, clash.end_date),
                "person": clash.person.name,
                "role": clash.get_role_display(),
            },
            code="overlap",
        )


@transaction.atomic
def role_assign(
    *,
    person: Person,
    organization: Organization,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    portfolio: str = "",
    actor=None,
) -> RoleAssignment:
    """Record that `person` holds `role` in `organization` from `start_date` (to `end_date`, inclusive)."""
    if role not in RoleAssignment.Role.values:
        raise ValidationError(_("未知的角色：%(role)s") % {"role": role}, code="role")
    if end_date is not None and end_date < start_date:
        raise ValidationError(_("结束日期不能早于起始日期。"), code="dates")
    # Serialize assignments to one organization so the overlap check below is reliable;
    # PostgreSQL's exclusion constraint backs it up.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _check_single_holder(organization=organization, role=role, start_date=start_date, end_date=end_date)
    if (
        RoleAssignment.objects.filter(person=person, organization=organization, role=role)
        .overlapping(start_date, end_date)
        .exists()
    ):
        raise ValidationError(
            _("%(person)s 在该期间已担任%(org)s的这一角色，请勿重复登记。") % {"person": person.name, "org": organization.name},
            code="duplicate",
        )
    assignment = RoleAssignment(
        person=person,
        organization=organization,
        role=role,
        start_date=start_date,
        end_date=end_date,
        portfolio=portfolio.strip(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        if SINGLE_HOLDER_CONSTRAINT in str(exc):
            raise ValidationError(
                _("同一时间只能有一人担任%(role)s。") % {"role": assignment.get_role_display()},
                code="overlap",
            ) from exc
        raise
    return assignment


@transaction.atomic
def role_end(*, assignment: RoleAssignment, end_date: datetime.date, actor=None) -> RoleAssignment:
    """End an assignment on `end_date` (the last day the role was held)."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if end_date < assignment.start_date:
        raise ValidationError(
            _("结束日期不能早于起始日期（%(start)s）。") % {"start": f"{assignment.start_date:%Y-%m-%d}"},
            code="dates",
        )
    if assignment.end_date is not None and end_date > assignment.end_date:
        raise ValidationError(
            _("该任职已于 %(end)s 结束，只能提前结束日期。") % {"end": f"{assignment.end_date:%Y-%m-%d}"},
            code="ended",
        )
    assignment.end_date = end_date
    assignment.ended_by = actor
    assignment.save(update_fields=["end_date", "ended_by"])
    return assignment


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str,
    parent: Organization | None = None,
    short_name: str = "",
    sort_order: int = 0,
) -> Organization:
    name = name.strip()
    if not name:
        raise ValidationError(_("组织名称不能为空。"), code="name")
    if kind not in Organization.Kind.values:
        raise ValidationError(_("未知的组织类型：%(kind)s") % {"kind": kind}, code="kind")
    fields = {"name": name, "kind": kind, "short_name": short_name.strip(), "sort_order": sort_order}
    if parent is None:
        return Organization.objects.add_root(fields)
    parent = Organization.objects.select_for_update().get(pk=parent.pk)
    return Organization.objects.add_child(parent, fields)


@transaction.atomic
def organization_move(*, organization: Organization, new_parent: Organization) -> Organization:
    """Move an organization with its whole subtree under `new_parent`."""
    organization = Organization.objects.get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("不能把组织移动到它自己或它的下级组织之下。"), code="cycle")
    Organization.objects.move(organization, new_parent, pos="last-child")
    return Organization.objects.get(pk=organization.pk)


def department_ensure(*, organization: Organization, kind: str, name: str = "") -> Department:
    department, _created = Department.objects.get_or_create(
        organization=organization,
        kind=kind,
        defaults={"name": name or f"{organization.name}{Department.Kind(kind).label}"},
    )
    return department


def person_create(
    *, name: str, organization: Organization, title: str = "", department: Department | None = None, user=None
) -> Person:
    name = name.strip()
    if not name:
        raise ValidationError(_("姓名不能为空。"), code="name")
    person = Person(name=name, title=title.strip(), organization=organization, department=department, user=user)
    person.full_clean()
    person.save()
    return person


# ---------------------------------------------------------------------------------
# Obligations: completing with evidence, re-opening, waiving
# ---------------------------------------------------------------------------------


def _locked(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().select_related("work_system", "organization").get(pk=obligation.pk)


def _record(obligation: Obligation, kind: str, actor, reason: str = "", **data) -> ObligationEvent:
    return ObligationEvent.objects.create(obligation=obligation, kind=kind, actor=actor, reason=reason, data=data)


def _finish(obligation: Obligation, actor, now: datetime.datetime, **data) -> None:
    late = obligation.due_at is not None and now >= obligation.due_at
    obligation.status = Obligation.Status.DONE_LATE if late else Obligation.Status.DONE
    obligation.completed_at = now
    obligation.completed_by = actor
    obligation.next_reminder_at = None
    obligation.save(update_fields=["status", "completed_at", "completed_by", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.COMPLETED, actor, status=obligation.status, **data)


@transaction.atomic
def obligation_add_meeting(
    *,
    obligation: Obligation,
    actor,
    held_on: datetime.date,
    place: str,
    chair: Person,
    attendees: list[Person],
    topic: str,
    discussion: str,
    decisions: str = "",
    other_attendees: str = "",
) -> MeetingRecord:
    """Record a meeting or study; the obligation is completed once the required number is recorded."""
    obligation = _locked(obligation)
    if obligation.work_system.evidence != EvidenceKind.MEETING:
        raise ValidationError(_("该项工作需要上传文件材料，不能以会议记录作为佐证。"))
    if not obligation.is_open:
        raise ValidationError(_("该任务已%(status)s，如需补充请先重新打开。") % {"status": obligation.get_status_display()})
    if held_on > timezone.localdate():
        raise ValidationError(_("会议日期不能晚于今天。"))
    if held_on < obligation.period_start - datetime.timedelta(days=31):
        raise ValidationError(_("会议日期早于本期（%(label)s）开始太久，请核对。") % {"label": obligation.period})
    for text, label in ((place, _("地点")), (topic, _("议题")), (discussion, _("讨论情况"))):
        if not text.strip():
            raise ValidationError(_("%(field)s不能为空。") % {"field": label})
    if not attendees and not other_attendees.strip():
        raise ValidationError(_("请至少选择一名参会人员。"))
    if obligation.meetings.filter(held_on=held_on, topic=topic.strip()).exists():
        raise ValidationError(_("该会议（%(date)s，%(topic)s）已登记，请勿重复提交。") % {
            "date": f"{held_on:%Y-%m-%d}", "topic": topic.strip()})
    meeting = MeetingRecord.objects.create(
        obligation=obligation, held_on=held_on, place=place.strip(), chair=chair, topic=topic.strip(),
        discussion=discussion.strip(), decisions=decisions.strip(), other_attendees=other_attendees.strip(),
        created_by=actor,
    )
    meeting.attendees.set(attendees)
    _record(obligation, ObligationEvent.Kind.EVIDENCE_ADDED, actor, meeting=meeting.pk, topic=meeting.topic)
    if obligation.meetings.count() >= obligation.required_count:
        _finish(obligation, actor, timezone.now(), meetings=obligation.meetings.count())
    return meeting


@transaction.atomic
def obligation_add_files(*, obligation: Obligation, actor, uploads: list, complete: bool = True) -> list[EvidenceFile]:
    """Attach files (validated, stored outside the web root); optionally complete the obligation."""
    from responsibilities.uploads import store_upload

    obligation = _locked(obligation)
    if not obligation.is_open:
        raise ValidationError(_("该任务已%(status)s，如需补充请先重新打开。") % {"status": obligation.get_status_display()})
    if not uploads:
        raise ValidationError(_("请选择要上传的文件。"))
    if obligation.work_system.evidence == EvidenceKind.MEETING and complete:
        raise ValidationError(_("该项工作以会议记录为佐证，请填写会议记录；文件可作为附件补充。"))
    if obligation.work_system.evidence == EvidenceKind.REPORT and complete:
        # Only a report signed by the 第一责任人 and submitted upward completes it (reporting.services).
        raise ValidationError(_("该项工作须以第一责任人签发并报送上级的报告完成，不能以上传文件代替。"))
    stored = [store_upload(upload) for upload in uploads]
    files = [
        EvidenceFile.objects.create(
            obligation=obligation, original_name=s.original_name, stored_name=s.stored_name,
            content_type=s.content_type, size=s.size, sha256=s.sha256, uploaded_by=actor,
        )
        for s in stored
    ]
    _record(obligation, ObligationEvent.Kind.EVIDENCE_ADDED, actor, files=[f.pk for f in files],
            sha256=[f.sha256 for f in files])
    if complete:
        _finish(obligation, actor, timezone.now(), files=[f.pk for f in files])
    return files


@transaction.atomic
def obligation_reopen(*, obligation: Obligation, actor, reason: str) -> Obligation:
    obligation = _locked(obligation)
    if obligation.is_open:
        raise ValidationError(_("该任务尚未完成或免除，无需重新打开。"))
    if not reason.strip():
        raise ValidationError(_("重新打开必须填写理由。"))
    late = obligation.due_at is not None and timezone.now() >= obligation.due_at
    previous = obligation.status
    obligation.status = Obligation.Status.OVERDUE if late else Obligation.Status.OPEN
    obligation.completed_at = None
    obligation.completed_by = None
    obligation.waived_reason = ""
    # Still before the deadline: the remaining reminders go out again.
    obligation.next_reminder_at = None if late else scheduling.next_reminder(obligation.due_date)
    obligation.save(update_fields=["status", "completed_at", "completed_by", "waived_reason", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.REOPENED, actor, reason.strip(), previous=previous)
    return obligation


@transaction.atomic
def obligation_waive(*, obligation: Obligation, actor, reason: str) -> Obligation:
    obligation = _locked(obligation)
    if not obligation.is_open:
        raise ValidationError(_("只有待办或逾期的任务可以免除。"))
    if not reason.strip():
        raise ValidationError(_("免除必须填写理由。"))
    obligation.status = Obligation.Status.WAIVED
    obligation.waived_reason = reason.strip()
    obligation.completed_at = timezone.now()
    obligation.completed_by = actor
    obligation.next_reminder_at = None
    obligation.save(update_fields=["status", "waived_reason", "completed_at", "completed_by", "next_reminder_at"])
    _record(obligation, ObligationEvent.Kind.WAIVED, actor, reason.strip())
    return obligation


def notification_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


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
    actor=None,
) -> DutyItem:
    """Add a line to `organization`'s responsibility list; without `sort_order` it goes last."""
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
    return item


@transaction.atomic
def duty_item_update(*, item: DutyItem, actor=None, **changes) -> DutyItem:
    """Change a duty item. A real change bumps `version`, which tells the cascade that copies are behind."""
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
    return item


@transaction.atomic
def duty_item_retire(*, item: DutyItem, actor=None) -> DutyItem:
    """Retire a duty item. The row stays: obligations, copies and old lists refer to it."""
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
    return item


@transaction.atomic
def duty_items_cascade(
    *, source_org: Organization, items, targets, actor=None
) -> list[selectors.CascadeTarget]:
    """Push `items` of `source_org`'s list down to `targets` (subordinate organizations).

    Each target gets its own copy bound to its own role holders; copies behind their source are
    updated, missing ones created, and copies of retired items retired. Returns the plan it applied
    (the same `duty_cascade_preview` the page showed), so pushing twice changes nothing the second time.
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
    for entry in plan:
        for change in entry.changes:
            source = change.source
            if change.action == selectors.CascadeAction.NEW:
                created.append(DutyItem(
                    organization=entry.organization, source=source, source_version=source.version,
                    responsible_person=change.responsible_person,
                    **{attname: getattr(source, attname) for attname in copied.values()},
                ))
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
            elif change.action == selectors.CascadeAction.RETIRED:
                retired.append(change.copy.pk)
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
    return plan
