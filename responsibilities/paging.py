"""A page of a queryset without COUNT(*): one query for per_page + 1 rows tells whether a next page exists."""

from __future__ import annotations

from django.db.models import QuerySet

MAX_PAGE = 100_000  # beyond any real list; larger numbers would overflow the database's OFFSET
PER_PAGE = 30  # rows on a page of a paginated list
MAX_LEVEL = 20  # deepest indentation of a tree row expanded in place (the matrix, the board)


def level_from(request) -> int:
    """`?level=` of a tree row being expanded: only presentation, so any bad value falls back to 0."""
    raw = request.GET.get("level", "0")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:  # int() refuses over 4,300 digits
        return 0
    return min(int(raw), MAX_LEVEL)


class CheapPage:
    """Quacks like django.core.paginator.Page for _pagination.html, minus the total page count."""

    paginator = None

    def __init__(self, queryset: QuerySet, number: str | int | None, *, per_page: int):
        try:
            self.number = min(max(1, int(number or 1)), MAX_PAGE)
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list) or self.number > 1

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
