"""The interface language: Chinese unless the user chose English in the language menu.

Django's LocaleMiddleware would follow the browser's Accept-Language, and office
machines often run English systems; the product is Chinese-first (DOMAIN.md §1),
so only the user's explicit choice (the language cookie) switches it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
