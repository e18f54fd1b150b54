"""The compliance matrix's grouped query counts rows with COUNT(*): with COUNT(id) PostgreSQL sorted
every obligation of the subtree to group them (spilling to disk at 10,000 organizations) instead of
hashing the groups, and the matrix took twice as long as the hand-written aggregate."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsibilities.dashboards.selectors import compliance_counts
from responsibilities.periods import Period


def test_the_matrix_aggregate_is_one_query_counting_rows_with_count_star(tree):
    with CaptureQueriesContext(connection) as queries:
        compliance_counts(tree.city, Period.parse("2026"))

    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT(*)" in sql
    assert 'COUNT("responsibilities_obligation"."id")' not in sql
