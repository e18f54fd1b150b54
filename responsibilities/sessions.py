"""Logged-in sessions: when each began, and ending all of a user's sessions at once.

The login time is kept in the session (LOGIN_AT) for the absolute limit, ZEREN_SESSION_MAX_AGE, that
config/middleware.py SessionLifetimeMiddleware enforces; SEEN_AT is when the idle expiry last moved.
`user_sessions_end` is called when an account is disabled (is_active set to False, wherever that
happens: the admin, a script) and when a user loses their last grant (permissions.revoke, or leaving
the last group that held one).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.utils import timezone

from responsibilities.models import OrganizationGroupPermission, OrganizationUserPermission

LOGIN_AT = "zeren_login_at"
SEEN_AT = "zeren_seen_at"


@receiver(user_logged_in, dispatch_uid="zeren-session-login-at")
def _stamp_login(sender, request, user, **kwargs) -> None:
    # Django has already given the session a new key (login() cycles it): no fixation.
    request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())


def user_sessions_end(user) -> int:
    """Delete every unexpired server session of `user` (the database session store): their next
    request is anonymous and sent to log in. Returns how many were ended.

    The session table holds no user column, so each live session is decoded; it is read only when an
    account is disabled or loses its last grant, and holds one row per browser logged in recently."""
    user_id = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@receiver(post_save, sender=get_user_model(), dispatch_uid="zeren-session-end-disabled")
def _end_sessions_of_disabled(sender, instance, created, **kwargs) -> None:
    if not created and not instance.is_active:
        user_sessions_end(instance)


def user_sessions_end_if_ungranted(user) -> None:
    """End the sessions of a user left without any grant (their own or a group's): nothing in Zeren is
    theirs to see any more. Superusers hold no grants and are left alone."""
    has_grant = (OrganizationUserPermission.objects.filter(user=user).exists()
                 or OrganizationGroupPermission.objects.filter(group__user=user).exists())
    if not user.is_superuser and not has_grant:
        user_sessions_end(user)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="zeren-session-end-left-group")
def _end_sessions_of_those_leaving_a_group(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    # group.user_set.remove(...) names the users in pk_set; group.user_set.clear() names none, so its
    # members are noted before the clear; user.groups.remove/clear(...) is about one user.
    if reverse and action == "pre_clear":
        instance._zeren_members_before_clear = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in {"post_remove", "post_clear"}:
        return
    if not reverse:
        users = [instance]
    else:
        left = pk_set if action == "post_remove" else getattr(instance, "_zeren_members_before_clear", ())
        users = get_user_model().objects.filter(pk__in=left or ())
    for user in users:
        user_sessions_end_if_ungranted(user)
