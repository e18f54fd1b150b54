"""What the base layout shows about the signed-in user: name, organization and role."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from responsibilities.models import Person
from responsibilities.permissions import Capability, has_any
from responsibilities.work.selectors import unread_count


def _describe(user) -> dict:
    person = Person.objects.select_related("organization", "department").filter(user=user).first()
    roles = []
    if person is not None:
        roles = [
            f"{a.organization.name} · {a.get_role_display()}"
            for a in person.roles.active_on(timezone.localdate()).select_related("organization")
        ]
    return {
        "person": person,
        "organization": person.organization if person else None,
        "department": person.department if person else None,
        "roles": roles,
        "can_manage": has_any(user, Capability.MANAGE),
        "can_administer": has_any(user, Capability.ADMINISTER),
        "unread": unread_count(user),
    }


def current_user(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"me": SimpleLazyObject(lambda: _describe(user))}
