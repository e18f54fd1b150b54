"""How people and dates are written in Chinese text: one function for each, used by services,
documents and templates alike (the template filters only wrap these). No database access."""

from __future__ import annotations


def display_name(user) -> str:
    """A user's name the Chinese way, family name first (王晓燕, not 晓燕 王); the username otherwise;
    "" for no user."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.username
