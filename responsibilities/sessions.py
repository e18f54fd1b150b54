"""Logged-in sessions: when each began, and ending all of a user's sessions at once.

The login time is kept in the session (LOGIN_AT) for the absolute limit, ZEREN_SESSION_MAX_AGE, that
config/middleware.py SessionLifetimeMiddleware enforces; SEEN_AT is when the idle expiry last moved.
`user_sessions_end` is called when an account is disabled (is_active set to False, wherever that
happens: the admin, a script) and when a user loses their last grant (permissions.revoke).
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

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
