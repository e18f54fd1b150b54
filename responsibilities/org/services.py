"""Writes: organizations, people and role assignments. Views, commands, the admin and tests all come here."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from responsibilities import log
from responsibilities.models import (
    Department,
    Organization,
    OrganizationEvent,
    Person,
    RoleAssignment,
)
from responsibilities.text import date_range

SINGLE_HOLDER_CONSTRAINT = "role_assignment_single_holder_no_overlap"



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
                "range": date_range(clash.start_date, clash.end_date),
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
    log.append(action="roleassignment.created", subject=assignment, actor=actor, **_assignment_payload(assignment))
    return assignment


def _assignment_payload(assignment: RoleAssignment) -> dict:
    return {
        "person": _named(assignment.person), "role": assignment.role, "start_date": assignment.start_date,
        "end_date": assignment.end_date, "portfolio": assignment.portfolio,
    }


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
    log.append(action="roleassignment.ended", subject=assignment, actor=actor, **_assignment_payload(assignment))
    return assignment


def _named(row: Organization | Person | None) -> dict | None:
    return None if row is None else {"id": row.pk, "name": row.name}


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str,
    parent: Organization | None = None,
    short_name: str = "",
    sort_order: int = 0,
    actor,
) -> Organization:
    """Add an organization under `parent` (a new root without one), as its last child.

    `actor` (a user, or None for the system: demo data, tests) is recorded on a `created`
    OrganizationEvent with data {"parent": {"id", "name"} or None}. Raises ValidationError
    (Chinese) when the name is blank or the kind unknown.
    """
    name = name.strip()
    if not name:
        raise ValidationError(_("组织名称不能为空。"), code="name")
    if kind not in Organization.Kind.values:
        raise ValidationError(_("未知的组织类型：%(kind)s") % {"kind": kind}, code="kind")
    fields = {"name": name, "kind": kind, "short_name": short_name.strip(), "sort_order": sort_order}
    if parent is None:
        organization = Organization.objects.add_root(fields)
    else:
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
        organization = Organization.objects.add_child(parent, fields)
    OrganizationEvent.record(organization, OrganizationEvent.Kind.CREATED, actor, parent=_named(parent))
    return organization


@transaction.atomic
def organization_move(*, organization: Organization, new_parent: Organization, actor) -> Organization:
    """Move an organization with its whole subtree under `new_parent` (as its last child); grants,
    duties and tasks follow the subtree.

    `actor` (a user, or None for the system) is recorded on a `moved` OrganizationEvent with data
    {"from_parent": {"id", "name"} or None, "to_parent": {"id", "name"}}. Raises ValidationError
    (Chinese) when `new_parent` is the organization itself or one of its descendants.
    """
    organization = Organization.objects.get(pk=organization.pk)
    new_parent = Organization.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("不能把组织移动到它自己或它的下级组织之下。"), code="cycle")
    old_parent = Organization.objects.get_parent(organization)
    Organization.objects.move(organization, new_parent, pos="last-child")
    moved = Organization.objects.get(pk=organization.pk)
    OrganizationEvent.record(moved, OrganizationEvent.Kind.MOVED, actor, from_parent=_named(old_parent), to_parent=_named(new_parent))
    return moved


def department_ensure(*, organization: Organization, kind: str, name: str = "") -> Department:
    department, _created = Department.objects.get_or_create(
        organization=organization,
        kind=kind,
        defaults={"name": name or f"{organization.name}{Department.Kind(kind).label}"},
    )
    return department


@transaction.atomic
def person_create(
    *, name: str, organization: Organization, title: str = "", department: Department | None = None, user=None,
    actor,
) -> Person:
    """Register an office-holder in `organization` (optionally in one of its departments, linked to
    a user account).

    `actor` (a user, or None for the system) is recorded on a `person_added` OrganizationEvent of
    the organization with data {"person": {"id", "name"}}. Raises ValidationError (Chinese) when the
    name is blank or the row is invalid (e.g. the account already belongs to another person).
    """
    name = name.strip()
    if not name:
        raise ValidationError(_("姓名不能为空。"), code="name")
    person = Person(name=name, title=title.strip(), organization=organization, department=department, user=user)
    person.full_clean()
    person.save()
    OrganizationEvent.record(organization, OrganizationEvent.Kind.PERSON_ADDED, actor, person=_named(person))
    return person
