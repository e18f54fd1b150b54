"""`inspect` is read-only outside case work: every route of the permission matrix, POSTed by the
inspect-only persona (the city's inspector) on every object, changes no row anywhere, except the
routes of case work (CASE_WORK: findings and accountability cases, which the lead extends).

"Rows" means every model's table (many-to-many tables included) except the user's own session and export jobs (an evidence bundle
or a ledger export is the inspector's own working copy of what they may read; building a bundle
appends its manifest's hash to the log only when the worker builds it, tested with the bundle).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from tests.responsibilities.permission_world import OBJECTS, World, client_for
from tests.responsibilities.test_permission_matrix import CASES, WRITES, ObjectCase

pytestmark = pytest.mark.django_db

INSPECTOR = "city_inspector"
# Case work, where `inspect` may write: route names starting with one of these (the lead extends it).
CASE_WORK = ("accountability:case_", "accountability:finding_", "accountability:subject_")
# Not the domain's data: sessions, job rows, and the security log (every refusal below is logged
# there, as #11 asks; that log is checked in tests/responsibilities/test_security_log.py).
NOT_DOMAIN_DATA = {"sessions.session", "responsibilities.exportjob", "responsibilities.securityevent",
                   "responsibilities.loginthrottle"}


def is_case_work(route: str) -> bool:
    return route.startswith(CASE_WORK)


def _every_row() -> dict[str, list]:
    """Every row of every table, as the database returns it (plain SQL: about twice as fast as the ORM
    over some fifty tables, and this runs twice per route)."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.label_lower in NOT_DOMAIN_DATA or not model._meta.managed:
                continue
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")
            rows[model._meta.label_lower] = cursor.fetchall()
    return rows


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# Valid data for the POST routes the matrix has no WRITES entry for (the others get WRITES' data).
EXTRA_DATA = {
    "reporting:report_sign": lambda w, obj: {"version": 1},
    "reporting:delegation_list": lambda w, obj: {"delegate": w.people[obj].pk, "start_date": "2099-07-01",
                                                 "end_date": "2099-07-31", "reason": "书记外出学习"},
    "accountability:bundle_create": lambda w, obj: {"organization": w.orgs[obj].pk, "year": 2026},
}


def _requests(world: World, route: str) -> list[tuple[str, dict]]:
    """(url, data) of every POST to make; preparing valid data may write (e.g. complete a task to
    reopen), so it runs before the snapshot."""
    case = CASES[route]
    if not isinstance(case, ObjectCase):
        return [(case.url(world) if case.url else reverse(route), case.data)]
    requests = []
    for obj in OBJECTS:
        if route in WRITES:
            data = WRITES[route][0](world, obj)
        elif route in EXTRA_DATA:
            data = EXTRA_DATA[route](world, obj)
        else:
            data = {}
        requests.append((case.url(world, obj), data))
    return requests


@pytest.mark.parametrize("route", sorted(r for r in CASES if not is_case_work(r)))
def test_an_inspect_only_user_writes_nothing_outside_case_work(world, route):
    requests = _requests(world, route)
    client = client_for(world, INSPECTOR)  # logging in writes last_login: before the snapshot
    before = _every_row()

    statuses = [(url, client.post(url, data).status_code) for url, data in requests]

    assert _changed(before, _every_row()) == [], statuses


def test_the_check_sees_a_write(world):
    """The same snapshot notices an allowed write (county A's staff adding a duty): the test can fail."""
    client = client_for(world, "county_a_staff")
    before = _every_row()
    url = reverse("responsibilities:duty_add", args=[world.orgs["own"].pk])

    response = client.post(url, WRITES["responsibilities:duty_add"][0](world, "own"))

    assert response.status_code == 302
    assert "responsibilities.dutyitem" in _changed(before, _every_row())
