"""Small deterministic factories. Each takes what a test cares about and defaults the rest."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth import get_user_model

from responsibilities import permissions
from responsibilities.models import Organization, Person, RoleAssignment
from responsibilities.org import services

_seq = itertools.count(1)


def make_org(name: str | None = None, *, parent: Organization | None = None, kind: str = "committee",
             short_name: str = "", actor=None) -> Organization:
    return services.organization_create(
        name=name or f"组织{next(_seq)}", kind=kind, parent=parent, short_name=short_name, actor=actor
    )


def make_user(username: str | None = None, *, grants: list[tuple[str, Organization]] = (),
              superuser: bool = False, password: str = "pw-zeren-test"):
    User = get_user_model()
    username = username or f"user{next(_seq)}"
    if superuser:
        user = User.objects.create_superuser(username=username, password=password)
    else:
        user = User.objects.create_user(username=username, password=password)
    for capability, org in grants:
        permissions.grant(user, capability, org, actor=None)
    return user


def make_person(name: str | None = None, *, organization: Organization, title: str = "", user=None,
                actor=None) -> Person:
    return services.person_create(
        name=name or f"人员{next(_seq)}", organization=organization, title=title, user=user, actor=actor
    )


def make_assignment(*, person: Person, organization: Organization | None = None, role: str = "member",
                    start: datetime.date = datetime.date(2025, 1, 1), end: datetime.date | None = None,
                    portfolio: str = "") -> RoleAssignment:
    return services.role_assign(
        person=person, organization=organization or person.organization, role=role,
        start_date=start, end_date=end, portfolio=portfolio,
    )


def make_members(organization: Organization, spans: dict[str, tuple[datetime.date, datetime.date | None]],
                 *, role: str = "member") -> list[Person]:
    """People of `organization` holding `role` from start to end (None: still in office), by name."""
    people = []
    for name, (start, end) in spans.items():
        person = make_person(name, organization=organization)
        make_assignment(person=person, role=role, start=start, end=end)
        people.append(person)
    return people


def ensure_seed_data() -> None:
    """The rows the migrations make: content types and permissions (post_migrate), the work
    systems, the holiday calendar and the accountability catalogue.

    A transactional test (live server, threads) may end with a flush that empties every table
    without post_migrate, so the transactional tests after it load these again themselves,
    through the same loaders the migrations use.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes

    from accountability.cases.seed import load_catalogue
    from responsibilities.defaults import load_work_calendar, load_work_systems
    from responsibilities.models import WorkCalendarDay, WorkSystem

    if not Permission.objects.filter(codename="manage", content_type__app_label="responsibilities").exists():
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)

    if not WorkSystem.objects.exists():
        load_work_systems(WorkSystem)
    if not WorkCalendarDay.objects.exists():
        load_work_calendar(WorkCalendarDay)
    load_catalogue()  # the 追责情形 and 问责措施 (accountability/migrations/0002_catalogue); adds only what is missing


def make_group(name: str, *, grants: list[tuple[str, Organization]] = (), members: list = ()):
    """A user group holding `grants` on organizations (guardian group permissions), with `members`."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name=name)
    for capability, org in grants:
        permissions.grant(group, capability, org, actor=None)
    for user in members:
        user.groups.add(group)
        permissions.forget_grants(user)
    return group


def make_group_staff(username: str, organization: Organization):
    """A user who is staff of `organization` only through its propaganda department's group grant."""
    user = make_user(username)
    make_group(f"{organization.name}宣传部", grants=[("manage", organization)], members=[user])
    return user
