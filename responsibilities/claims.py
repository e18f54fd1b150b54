"""Claiming rows for a sweep: each row a periodic task works through is acted on exactly once,
however many sweeps run at the same time or again after an outage (STYLE.md §7)."""

from __future__ import annotations

from django.db import DatabaseError, connections, models


class ClaimQuerySet(models.QuerySet):
    """Rows a sweep works through (obligations, the e-mail outbox), claimed so that each is acted on once."""

    def claim(self, *fields: str, limit: int, **changes) -> list[tuple]:
        """Claim up to `limit` rows of this queryset: apply `changes` to them and return (pk, *fields) of each.

        The rows are locked first, skipping rows another sweep holds where the database can
        (PostgreSQL: FOR UPDATE SKIP LOCKED), so concurrent sweeps take disjoint rows instead of
        waiting on each other; then a conditional UPDATE that repeats this queryset's filter changes
        only rows still matching it. On SQLite the IMMEDIATE transactions (config/settings.py)
        serialize the sweeps instead. Must run inside a transaction. Raises DatabaseError (and so rolls
        the caller's batch back) should the update not win every row it locked, which neither database
        allows: a sweep acts only on the rows it won.
        """
        features = connections[self.db].features
        candidates = self if self.query.order_by else self.order_by()  # no sort unless asked for
        if features.has_select_for_update_skip_locked:
            of = ("self",) if features.has_select_for_update_of else ()
            candidates = candidates.select_for_update(skip_locked=True, of=of)
        rows = list(candidates.values_list("pk", *fields)[:limit])
        if not rows:
            return []
        won = self.filter(pk__in=[row[0] for row in rows]).update(**changes)
        if won != len(rows):
            raise DatabaseError(f"claimed {won} of {len(rows)} locked {self.model._meta.label} rows")
        return rows
