"""Reads. Every selector that lists things takes the user and returns a scoped queryset."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from responsibilities.models import Department, Organization, Person, RoleAssignment
from responsibilities.permissions import Capability, scope_paths, visible

Role = RoleAssignment.Role


def organizations_visible(user, capability: str = Capability.VIEW) -> QuerySet[Organization]:
    return visible(user, capability, Organization.objects.all())


def organization_roots(user) -> QuerySet[Organization]:
    """The top of each subtree the user may see: the first level of the tree page."""
    paths = scope_paths(user, Capability.VIEW)
    qs = Organization.objects.all()
    if paths is None:
        return qs.filter(depth=1).order_by("sort_order", "name", "path")
    return qs.filter(path__in=paths).order_by("sort_order", "name", "path")


def organization_children(user, parent: Organization) -> QuerySet[Organization]:
    children = Organization.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1
    ).order_by("sort_order", "name", "path")
    return visible(user, Capability.VIEW, children)


def organization_search(user, query: str, *, limit: int = 50) -> QuerySet[Organization]:
    qs = organizations_visible(user).filter(name__icontains=query.strip())
    return qs.order_by("depth", "sort_order", "name")[:limit]


def organization_ancestors(organization: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__in=organization.ancestor_paths[:-1]).order_by("depth")


def holders_on(organization: Organization, role: str, day: datetime.date) -> QuerySet[RoleAssignment]:
    """Who held `role` in `organization` on `day` (accountability attaches to them)."""
    return (
        RoleAssignment.objects.filter(organization=organization, role=role)
        .active_on(day)
        .select_related("person")
        .order_by("start_date", "pk")
    )


def holder_on(organization: Organization, role: str, day: datetime.date) -> Person | None:
    assignment = holders_on(organization, role, day).first()
    return assignment.person if assignment else None


def roles_of_person_on(person: Person, day: datetime.date) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(person=person)
        .active_on(day)
        .select_related("organization")
        .order_by("organization__path", "role")
    )


@dataclass
class LeadershipTeam:
    """An organization's leadership team and leading group on one date, grouped by role."""

    day: datetime.date
    secretary: list[RoleAssignment] = field(default_factory=list)
    direct: list[RoleAssignment] = field(default_factory=list)
    members: list[RoleAssignment] = field(default_factory=list)
    publicity: list[RoleAssignment] = field(default_factory=list)
    group_head: list[RoleAssignment] = field(default_factory=list)
    group_deputies: list[RoleAssignment] = field(default_factory=list)
    group_members: list[RoleAssignment] = field(default_factory=list)
    group_office_director: list[RoleAssignment] = field(default_factory=list)
    liaisons: list[RoleAssignment] = field(default_factory=list)

    _BUCKETS = {
        Role.SECRETARY: "secretary",
        Role.DIRECT: "direct",
        Role.MEMBER: "members",
        Role.PUBLICITY: "publicity",
        Role.GROUP_HEAD: "group_head",
        Role.GROUP_DEPUTY: "group_deputies",
        Role.GROUP_MEMBER: "group_members",
        Role.GROUP_OFFICE_DIRECTOR: "group_office_director",
        Role.LIAISON: "liaisons",
    }

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, bucket) for bucket in self._BUCKETS.values())

    @property
    def has_leading_group(self) -> bool:
        return any(
            (self.group_head, self.group_deputies, self.group_members, self.group_office_director)
        )


def leadership_team(organization: Organization, day: datetime.date | None = None) -> LeadershipTeam:
    day = day or timezone.localdate()
    team = LeadershipTeam(day=day)
    assignments = (
        RoleAssignment.objects.filter(organization=organization)
        .active_on(day)
        .select_related("person")
        .order_by("start_date", "pk")
    )
    for assignment in assignments:
        getattr(team, LeadershipTeam._BUCKETS[assignment.role]).append(assignment)
    return team


def role_history(organization: Organization) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(organization=organization)
        .select_related("person")
        .order_by("role", "-start_date", "-pk")
    )


def organization_departments(organization: Organization) -> QuerySet[Department]:
    return organization.departments.order_by("kind")


def people_visible(user) -> QuerySet[Person]:
    return visible(user, Capability.VIEW, Person.objects.select_related("organization"), via="organization")


def person_roles(person: Person) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(person=person)
        .select_related("organization")
        .order_by("-start_date", "-pk")
    )


# -- obligations ----------------------------------------------------------------------

_STATUS_ORDER = {"overdue": 0, "open": 1, "done_late": 2, "done": 3, "waived": 4}


def obligations_visible(user, capability: str = Capability.VIEW):
    from responsibilities.models import Obligation

    return visible(
        user, capability,
        Obligation.objects.select_related("organization", "work_system"),
        via="organization",
    )


def my_open_obligations(user):
    """Open obligations where the user is responsible: a role holder for it, or staff of the organization.

    Overdue first, then by deadline.
    """
    from django.db.models import Case, IntegerField, Q, Value, When

    from responsibilities.models import RESPONSIBLE_ROLES, Obligation, OrganizationUserPermission

    today = timezone.localdate()
    condition = Q(pk__in=[])
    person = getattr(user, "person", None)
    if person is not None:
        for responsible, roles in RESPONSIBLE_ROLES.items():
            orgs = RoleAssignment.objects.filter(person=person, role__in=roles).active_on(today)
            condition |= Q(responsible=responsible, organization__in=orgs.values("organization_id"))
    staff_orgs = OrganizationUserPermission.objects.filter(
        user=user, permission__codename="manage"
    ).values("content_object_id")
    condition |= Q(organization__in=staff_orgs)
    return (
        obligations_visible(user)
        .open()
        .filter(condition)
        .annotate(
            overdue_first=Case(
                When(status=Obligation.Status.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("overdue_first", "due_date", "organization__path", "work_system__sort_order")
    )


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def inbox(user):
    return user.notifications.select_related("obligation").order_by("-created_at", "-pk")
