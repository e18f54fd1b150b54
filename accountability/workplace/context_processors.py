"""What the base layout may show about the inspector's workplace (the lead wires the menu entry).

`inspector_nav.show`: the user holds `inspect` somewhere (an administrator does); `inspector_nav.url`:
the workplace (settings.ZEREN_INSPECTOR_HOME); `inspector_nav.only`: an inspector and nothing else
(their home link leads there, config/home.py). Evaluated only when a template reads it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accountability.workplace.selectors import is_inspector, is_inspector_only


def _describe(user) -> dict:
    show = is_inspector(user)
    return {"show": show, "only": show and is_inspector_only(user), "url": reverse(settings.ZEREN_INSPECTOR_HOME)}


def inspector(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inspector_nav": SimpleLazyObject(lambda: _describe(user))}
