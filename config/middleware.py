"""The interface language: Chinese unless the user chose English in the language menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, and office
machines often run English systems; the product is Chinese-first (DOMAIN.md §1),
so only the user's explicit choice (the language cookie) switches it.
"""

import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language goes back afterwards, so nothing that runs
        # later in this thread (a test, a task) inherits one user's choice.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class SessionLifetimeMiddleware:
    """The idle and absolute limits of a logged-in session (settings: SESSION_COOKIE_AGE, ZEREN_SESSION_MAX_AGE).

    Idle: the session expires SESSION_COOKIE_AGE after it was last saved; a request moves that forward
    by touching the session, at most once a minute (not a database write on every request). Absolute:
    a session older than ZEREN_SESSION_MAX_AGE since login is ended (logout flushes it) and the request
    goes on anonymous, so that LoginRequiredMiddleware sends it to log in again.
    """

    TOUCH_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import logout

        from responsibilities.sessions import LOGIN_AT, SEEN_AT

        if request.user.is_authenticated:
            session, now = request.session, int(time.time())
            logged_in_at = session.get(LOGIN_AT)
            if logged_in_at is None:  # a session from before this middleware: its 12 hours start now
                session[LOGIN_AT] = session[SEEN_AT] = now
            elif now - logged_in_at >= settings.ZEREN_SESSION_MAX_AGE:
                logout(request)
            elif now - session.get(SEEN_AT, logged_in_at) >= self.TOUCH_EVERY:
                session[SEEN_AT] = now
        return self.get_response(request)


class NoStoreForUsersMiddleware:
    """`Cache-Control: no-store` on every response to a logged-in user, pages and downloads alike
    (PDFs, workbooks, bundles): nothing a user saw stays in a shared or browser cache. Static files
    are answered by WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
