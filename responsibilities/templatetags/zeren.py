"""Template filters: formatting only."""

from django import template

from responsibilities import text

register = template.Library()

register.filter("display_name", text.display_name)
register.filter("due_phrase", text.due_phrase)
