"""The one place that answers "may user U do A on object O".

A grant is a guardian object permission on an organization. It reaches that
organization's whole subtree, so the question is answered by walking up from
the object's organization: does any ancestor (or the organization itself) carry
a grant that satisfies the capability? Querysets are scoped the same way, so a
list never shows what a detail page would refuse.

Every object the views deal in exposes `permission_organization`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from responsibilities import log, sessions
from responsibilities.forms import object_id
from responsibilities.models import (
    Capability,  # defined with the model whose permissions it names; imported from here everywhere
    Organization,
    OrganizationGroupPermission,
    OrganizationUserPermission,
)

# Which granted capabilities satisfy a requested one. Anyone with a grant may
# view its scope; `administer` satisfies everything.
SATISFIED_BY: dict[str, frozenset[str]] = {
    Capability.VIEW: frozenset(Capability.values),
    Capability.MANAGE: frozenset({Capability.MANAGE, Capability.ADMINISTER}),
    Capability.DRAFT_REPORT: frozenset({Capability.DRAFT_REPORT, Capability.ADMINISTER}),
    Capability.SIGN_REPORT: frozenset({Capability.SIGN_REPORT, Capability.ADMINISTER}),
    Capability.INSPECT: frozenset({Capability.INSPECT, Capability.ADMINISTER}),
    Capability.ADMINISTER: frozenset({Capability.ADMINISTER}),
}

_CACHE_ATTR = "_zeren_grants"
STAFFED_CACHE_ATTR = "_zeren_staffed"  # the organizations a user is staff of (org.selectors), per request


class HasOrganization(Protocol):
    @property
    def permission_organization(self) -> Organization: ...


def _grants(user) -> dict[str, list[str]]:
    """Granted organization paths per capability codename, loaded once per user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants: dict[str, list[str]] = {}
    rows = OrganizationUserPermission.objects.filter(user=user).values_list(
        "permission__codename", "content_object__path"
    )
    group_rows = OrganizationGroupPermission.objects.filter(group__user=user).values_list(
        "permission__codename", "content_object__path"
    )
    for codename, path in rows.union(group_rows, all=True):  # one query for both kinds of grant
        grants.setdefault(codename, []).append(path)
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user) -> None:
    """Drop the per-user caches (grants, and the organizations the user is staff of:
    org.selectors.staffed_organization_ids) after grants change within one request or test."""
    for attr in (_CACHE_ATTR, STAFFED_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the set: their subtree is already covered."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def scope_paths(user, capability: str) -> list[str] | None:
    """The roots of the subtrees where `user` holds `capability`.

    Returns None for "everywhere" (an active superuser), [] for "nowhere".
    """
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return []
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    grants = _grants(user)
    return _minimal(path for code in SATISFIED_BY[capability] for path in grants.get(code, []))


def _organization_of(obj: HasOrganization | Organization) -> Organization:
    if isinstance(obj, Organization):
        return obj
    return obj.permission_organization


def can(user, capability: str, obj: HasOrganization | Organization) -> bool:
    """May `user` exercise `capability` on `obj`? Walks up from the object's organization."""
    paths = scope_paths(user, capability)
    if paths is None:
        return True
    org_path = _organization_of(obj).path
    return any(org_path.startswith(p) for p in paths)


def visible(user, capability: str, queryset: models.QuerySet, *, via: str = "") -> models.QuerySet:
    """Restrict `queryset` to rows whose organization lies in the user's scope.

    `via` is the lookup from the queryset's model to its Organization
    ("" when the queryset is of organizations, "organization" for most models).
    """
    paths = scope_paths(user, capability)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    field = f"{via}__path__startswith" if via else "path__startswith"
    condition = Q()
    for path in paths:
        condition |= Q(**{field: path})
    return queryset.filter(condition)


def require(user, capability: str, obj: HasOrganization | Organization) -> None:
    """Refuse with 404 when the object is outside the user's view, 403 when only the capability is missing."""
    if can(user, capability, obj):
        return
    if capability != Capability.VIEW and can(user, Capability.VIEW, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    raise Http404(_("未找到该对象，或您无权查看。"))


def get_for(user, capability: str, queryset: models.QuerySet, **lookup):
    """Fetch one object and check `capability` on it; 404 if missing or invisible, 403 if view-only."""
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到该对象，或您无权查看。")) from exc
    require(user, capability, obj)
    return obj


def get_own(user, queryset: models.QuerySet, **lookup):
    """Fetch one object the user owns (its `user` is them), such as a background job; 404 for
    anyone else, as if it did not exist. No grant reaches another user's job."""
    try:
        return queryset.get(user=user, **lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到该对象，或您无权查看。")) from exc


def organization_from(user, raw: str | None, capability: str = Capability.VIEW) -> Organization | None:
    """The organization a request names (`?org=<id>`, or a posted organization), checked like its
    own page. The one resolver for that parameter: every view that reads it calls this.

    Returns None when `raw` is None or "" (the page then shows its documented default, usually the
    user's scope). Raises Http404 when `raw` is not an id spelt in 1–18 ASCII digits
    (`responsibilities.forms.object_id`), names no organization, or one outside the user's view;
    PermissionDenied (403) when the organization is visible but `capability` is not held there.
    """
    if not raw:
        return None
    pk = object_id(raw)
    if pk is None:
        raise Http404(_("未找到该对象，或您无权查看。"))
    return get_for(user, capability, Organization.objects.all(), pk=pk)


def is_staff(user, obj: HasOrganization | Organization) -> bool:
    """Is `user` staff of the object's organization itself: an active user with `manage` granted on that
    organization, directly or through a group (`responsibilities.org.selectors.staff_of`)?

    Unlike `can`, a grant on an ancestor does not reach down, and a superuser is not anyone's staff.
    The acts an organization performs as an addressee are its own staff's: 签收 / 退回 of a report
    submitted to it (issue #9 §1: "not by a grandparent level"); an ancestor's staff may still look.
    """
    # responsibilities.org.selectors imports this module: asked at call time.
    from responsibilities.org.selectors import staffed_organization_ids

    return _organization_of(obj).pk in staffed_organization_ids(user)


def staffed(user, queryset: models.QuerySet, *, via: str) -> models.QuerySet:
    """`queryset` restricted to rows whose organization (the lookup `via`) the user is staff of
    (`is_staff`, asked of every row at once)."""
    from responsibilities.org.selectors import staffed_organization_ids

    return queryset.filter(**{f"{via}__in": sorted(staffed_organization_ids(user))})


def is_system_admin(user) -> bool:
    """An administrator of the whole system: an active superuser. Only they may use the admin site
    (config/urls.py), read the security log and edit the national work calendar."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def may_edit_work_calendar(user) -> bool:
    """May `user` enter or change the holiday calendar? It is national and moves every organization's
    working-day deadlines, so only an administrator of the whole system."""
    return is_system_admin(user)


def has_any(user, capability: str) -> bool:
    """Does the user hold `capability` anywhere (used to show navigation entries)?"""
    paths = scope_paths(user, capability)
    return paths is None or bool(paths)


# -- grants: the one writer ------------------------------------------------------------------------


def _grant_rows(holder) -> tuple[type[models.Model], str]:
    """The grant table and its holder column for a user or a group."""
    if isinstance(holder, Group):
        return OrganizationGroupPermission, "group"
    return OrganizationUserPermission, "user"


def _grant_payload(holder, capability: str) -> dict:
    kind = "group" if isinstance(holder, Group) else "user"
    name = holder.name if kind == "group" else holder.get_username()
    return {kind: {"id": holder.pk, "name": name}, "capability": capability}


def _permission(capability: str) -> Permission:
    if capability not in Capability.values:
        raise ValueError(f"unknown capability {capability!r}")
    return Permission.objects.get(content_type__app_label="responsibilities", codename=capability)


@transaction.atomic
def grant(holder, capability: str, organization: Organization, *, actor) -> bool:
    """Give `holder` (a user or a group) `capability` on `organization` and its whole subtree.

    `actor` is the user making the change (None: the system, e.g. demo data). A new grant is
    appended to the accountability log ("organizationuserpermission.granted" or
    "organizationgrouppermission.granted", payload {"user"|"group": {"id", "name"}, "capability"}) in
    the same transaction. Returns False, writing nothing, if the grant is already held. Raises
    ValueError for an unknown capability. The one writer of grants: the admin, demo and tests come here.
    """
    model, column = _grant_rows(holder)
    row, created = model.objects.get_or_create(
        **{column: holder}, permission=_permission(capability), content_object=organization
    )
    if created:
        log.append(action=f"{model._meta.model_name}.granted", subject=row, actor=actor,
                   organization=organization, **_grant_payload(holder, capability))
    if column == "user":
        forget_grants(holder)
    return created


@transaction.atomic
def revoke(holder, capability: str, organization: Organization, *, actor) -> bool:
    """Take `capability` on `organization` away from `holder` (a user or a group); the reverse of
    `grant`, logged as "<grant table>.revoked" with the same payload. Returns False, writing nothing,
    if the grant was not held. Grants held higher up the tree are not touched."""
    model, column = _grant_rows(holder)
    row = (
        model.objects.select_for_update()
        .filter(**{column: holder}, permission=_permission(capability), content_object=organization)
        .first()
    )
    if row is None:
        return False
    log.append(action=f"{model._meta.model_name}.revoked", subject=row, actor=actor,
               organization=organization, **_grant_payload(holder, capability))
    row.delete()
    if column == "user":
        forget_grants(holder)
    for user in [holder] if column == "user" else holder.user_set.all():
        sessions.user_sessions_end_if_ungranted(user)  # their last grant: nothing left to do in Zeren
    return True
