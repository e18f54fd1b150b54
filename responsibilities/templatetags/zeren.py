"""Template filters: formatting only."""

from django import template

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A user's name the Chinese way, family name first (王晓燕, not 晓燕 王); the username otherwise."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.username
