from __future__ import annotations

import pytest
from django.db import connection

from responsibilities import log
from tests.factories import make_org


def tamper(sql: str, params=()) -> None:
    """Change the log table behind the application's back, as someone with the database would:
    on PostgreSQL with the append-only triggers switched off for the rest of this test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


@pytest.fixture
def chain(tree):
    """The tree's seven organizations (one entry each) and five more entries: twelve in all."""
    for index in range(5):
        make_org(f"Z{index}镇党委", parent=tree.town_a1)
    assert log.head()[0] == 12
    return tree
