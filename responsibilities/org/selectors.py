"""Reads about organizations and people: the tree in scope, role holders on a day, leadership teams.

Every selector that lists things takes the user and returns a scoped queryset."""

from __future__ import annotations

import datetime

# ---------------------------------------------------------------------------------
# Dashboards: the compliance matrix (合规矩阵) and the charts (统计图表)
# ---------------------------------------------------------------------------------
# Kept together and self-contained (own imports) so the section can move into its own
# module when this file grows past ~800 lines.
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, Q, QuerySet  # noqa: E402
from django.utils import timezone

from responsibilities.models import (  # noqa: E402
    RESPONSIBLE_ROLES,
    Department,
    Organization,
    OrganizationGroupPermission,
    OrganizationUserPermission,
    Person,
    RoleAssignment,
)
from responsibilities.permissions import STAFFED_CACHE_ATTR, Capability, scope_paths, visible

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


# -- who: the staff of an organization, and its leadership team on a day --------------------------
#
# Every feature that asks "who works for X" or "who was in X's team on D" asks here, so that
# reminders, escalations, submission notices, board reminders, 我的工作, meeting attendees,
# delegates and the sign-off all agree.

STAFF_CAPABILITY = Capability.MANAGE


def _staff_grants(*, organization_ids: Iterable[int] | None = None, user=None) -> QuerySet:
    """(organization id, user id) rows of the staff grants, user grants and group grants in one query.

    Each relation's conditions go into one filter() call so that the group's user is one join.
    """
    direct = {"permission__codename": STAFF_CAPABILITY, "user__is_active": True}
    via_group = {"permission__codename": STAFF_CAPABILITY, "group__user__is_active": True}
    if organization_ids is not None:
        direct["content_object_id__in"] = via_group["content_object_id__in"] = list(organization_ids)
    if user is not None:
        direct["user"], via_group["group__user"] = user, user
    return (
        OrganizationUserPermission.objects.filter(**direct)
        .values_list("content_object_id", "user_id")
        .union(OrganizationGroupPermission.objects.filter(**via_group).values_list("content_object_id", "group__user"))
    )


def staff_of(organizations: Iterable[Organization | int]) -> dict[int, set[int]]:
    """The working staff of each organization: {organization id: {user id, …}}, in one query.

    Staff are the *active* users granted `manage` on the organization itself, directly or through
    a group. A `manage` grant on an ancestor reaches this organization's pages (permissions.py),
    but does not make its holder this organization's staff: the city's staff are told about a
    county through escalation (the upper organization's staff), not as the county's own staff.
    This is what 我的工作 shows a user (`staffed_organization_ids`). Organizations without staff
    are left out of the result.
    """
    ids = {org if isinstance(org, int) else org.pk for org in organizations}
    result: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return {}
    for org_id, user_id in _staff_grants(organization_ids=ids):
        result[org_id].add(user_id)
    return dict(result)


def staffed_organization_ids(user) -> set[int]:
    """The organizations `user` is staff of (see `staff_of`): the same question asked the other way.

    Loaded once per user object, like the grants in permissions.py (and dropped with them by
    `permissions.forget_grants`): the home page's panels and the pages they link to ask it several
    times per request. A copy is returned, so a caller may change it freely.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, STAFFED_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(org_id for org_id, _user_id in _staff_grants(user=user))
        setattr(user, STAFFED_CACHE_ATTR, cached)
    return set(cached)


def holds_staff_grant(*, organization, user) -> Q:
    """A query condition: `user` holds the staff grant on `organization` itself (`manage`, directly or
    through a group), for filtering rows by who acted for which organization.

    `organization` and `user` are expressions on the outer query, e.g.
    OuterRef("obligation__organization") and OuterRef("created_by"). The grants of `staff_of`
    without its "active today" condition: someone who was staff when they acted still is after
    their account is deactivated. Grants keep no history, so a grant revoked since no longer counts.
    """
    direct = OrganizationUserPermission.objects.filter(
        permission__codename=STAFF_CAPABILITY, content_object=organization, user=user
    )
    via_group = OrganizationGroupPermission.objects.filter(
        permission__codename=STAFF_CAPABILITY, content_object=organization, group__user=user
    )
    return Q(Exists(direct)) | Q(Exists(via_group))


def team_assignments_on(organization: Organization | int, day: datetime.date) -> QuerySet[RoleAssignment]:
    """The leadership team (班子) and leading group of `organization` on `day`, as role assignments.

    An assignment counts when its role has begun and not ended that day:
    start_date <= day and (end_date is null or end_date >= day). Oldest first.
    """
    return _assignments_on(day).filter(organization=organization)


def _assignments_on(day: datetime.date) -> QuerySet[RoleAssignment]:
    """Every role held on `day`, with its person, oldest first: the one definition of "on a day"."""
    return RoleAssignment.objects.active_on(day).select_related("person").order_by("start_date", "pk")


def team_on(
    organization: Organization | int, day: datetime.date, *, roles: Iterable[str] | None = None
) -> QuerySet[Person]:
    """The people in `organization`'s leadership team on `day` (see `team_assignments_on`), by name;
    only those holding one of `roles` when given (e.g. RoleAssignment.TEAM_ROLES, the 班子 proper)."""
    assignments = team_assignments_on(organization, day)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    return Person.objects.filter(pk__in=assignments.values("person_id")).order_by("name", "pk")


def in_team_on(
    person: Person, organization: Organization | int, day: datetime.date, *, roles: Iterable[str] | None = None
) -> bool:
    """Does `person` hold a role (one of `roles`, when given) in `organization`'s team on `day`?"""
    return team_on(organization, day, roles=roles).filter(pk=person.pk).exists()


def role_holder_users(organization_ids: Iterable[int], day: datetime.date) -> dict[tuple[int, str], set[int]]:
    """The active user accounts of the role holders on `day`: {(organization id, role): {user id, …}}."""
    result: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = (
        RoleAssignment.objects.filter(
            organization_id__in=list(organization_ids), person__user__isnull=False, person__user__is_active=True
        )
        .active_on(day)
        .values_list("organization_id", "role", "person__user_id")
    )
    for org_id, role, user_id in rows:
        result[(org_id, role)].add(user_id)
    return dict(result)


def holders_on(organization: Organization, role: str, day: datetime.date) -> QuerySet[RoleAssignment]:
    """Who held `role` in `organization` on `day` (accountability attaches to them)."""
    return team_assignments_on(organization, day).filter(role=role)


def holder_on(organization: Organization, role: str, day: datetime.date) -> Person | None:
    assignment = holders_on(organization, role, day).first()
    return assignment.person if assignment else None


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
    def has_leading_group(self) -> bool:
        return any(
            (self.group_head, self.group_deputies, self.group_members, self.group_office_director)
        )


def leadership_team(organization: Organization, day: datetime.date | None = None) -> LeadershipTeam:
    day = day or timezone.localdate()
    team = LeadershipTeam(day=day)
    for assignment in team_assignments_on(organization, day):
        getattr(team, LeadershipTeam._BUCKETS[assignment.role]).append(assignment)
    return team


def _role_rank():
    """Roles in the order they are declared (第一责任人 first), not alphabetically by code."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *(When(role=code, then=Value(rank)) for rank, code in enumerate(Role.values)),
        output_field=IntegerField(),
    )


def role_history(organization: Organization) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(organization=organization)
        .select_related("person")
        .order_by(_role_rank(), "-start_date", "-pk")
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


# ---------------------------------------------------------------------------------
# Responsibility list (责任清单): an organization's duty items and the cascade preview
# ---------------------------------------------------------------------------------


def role_holders_by_org(
    organization_ids: list[int], day: datetime.date | None = None
) -> dict[int, dict[str, list[Person]]]:
    """Who holds each role on `day`, per organization, in one query (same order as `holders_on`)."""
    day = day or timezone.localdate()
    holders: dict[int, dict[str, list[Person]]] = {}
    for assignment in _assignments_on(day).filter(organization_id__in=organization_ids):
        people = holders.setdefault(assignment.organization_id, {}).setdefault(assignment.role, [])
        if assignment.person not in people:
            people.append(assignment.person)
    return holders


def responsible_holders(holders: dict[str, list[Person]], responsible: str) -> list[Person]:
    """The people answering for `responsible` (a `Responsible` value), given one organization's holders."""
    people: list[Person] = []
    for role in RESPONSIBLE_ROLES.get(responsible, ()):
        people.extend(p for p in holders.get(role, []) if p not in people)
    return people


def responsible_person_for(holders: dict[str, list[Person]], responsible: str) -> Person | None:
    """The one person a copied duty item is bound to: the holder of the first responsible role held.

    A role held by several people at once (班子成员) binds no single person: the duty is on all of them,
    and the list shows every current holder.
    """
    for role in RESPONSIBLE_ROLES.get(responsible, ()):
        people = holders.get(role, [])
        if people:
            return people[0] if len(people) == 1 else None
    return None


def organization_lineage(pk) -> list[Organization]:
    """The organization `pk` and its ancestors, root first, in one query (empty if it does not exist).

    Saves the matrix page a query for its breadcrumbs: ancestors are the organizations whose
    path is a prefix of the chosen one's.
    """
    from django.db.models import F, Subquery

    chosen_path = Organization.objects.filter(pk=pk).values("path")[:1]
    return list(
        Organization.objects.annotate(chosen_path=Subquery(chosen_path))
        .filter(chosen_path__startswith=F("path"))
        .order_by("depth")
    )


# -- organization selects ----------------------------------------------------------------------

CHOICE_LEVELS = 2  # a scope root and two levels below it in a select; others come via ?org=<pk>
CHOICE_LIMIT = 300


def organization_choices(
    user, capability: str = Capability.VIEW, *, include: Organization | None = None
) -> list[tuple[int, str]]:
    """Organizations for a form's select: where `user` holds `capability`, each scope root and
    two levels below it, indented. A scope may hold thousands of organizations; any other one
    is reached from its own page (`?org=<pk>`), which adds it here as `include`."""

    paths = scope_paths(user, capability)
    step = Organization.steplen
    if paths is None:
        condition = Q(depth__lte=1 + CHOICE_LEVELS)
    else:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(path__startswith=path, depth__lte=len(path) // step + CHOICE_LEVELS)
    orgs = list(
        Organization.objects.filter(condition).order_by("path").values_list("pk", "path", "depth", "name")[
            :CHOICE_LIMIT
        ]
    )
    if include is not None and include.pk not in {pk for pk, *_rest in orgs}:
        orgs.append((include.pk, include.path, include.depth, include.name))
        orgs.sort(key=lambda row: row[1])
    top = min((depth for _pk, _path, depth, _name in orgs), default=1)
    return [(pk, "\u3000" * (depth - top) + name) for pk, _path, depth, name in orgs]
