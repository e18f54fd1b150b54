"""The main pages cost the same number of queries (≤ 12) with 40 and with 2,000 organizations.

The organization tree and page, 我的工作, the compliance matrix and its drill-down list,
the charts and the responsibility list; with a year of obligations for every organization.

One database grows from 40 to 2,000 organizations between two measurements: the county on
the detail page gains subordinate organizations and descendants, the city gains counties,
everything else stays as it was. Building 2,000 organizations through the service takes a
few seconds, so it happens once per module inside a transaction that is rolled back, and
each persona × page gets its own small test over the recorded queries.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibilities.duties import services as duties_services
from responsibilities.models import Department, Organization, RoleAssignment
from responsibilities.org import services as org_services
from responsibilities.periods import Period, PeriodKind
from responsibilities.scheduling import services as scheduling
from tests.factories import make_assignment, make_org, make_person, make_user

MAX_QUERIES = 12
SMALL, LARGE = 40, 2000
Role = RoleAssignment.Role

PERSONAS = ("admin", "city_staff", "county_staff", "county_secretary")
PAGES = ("tree", "detail", "work", "matrix", "obligations", "charts", "duties")

_names = itertools.count(1)

# The marker makes pytest-django create the test database even when only this module runs;
# without it the module fixture below would reach the configured (development) database.
pytestmark = pytest.mark.django_db


def _add_children(parent: Organization, count: int) -> list[Organization]:
    kind = "committee" if parent.depth < 3 else "branch"
    return [make_org(f"组织{next(_names)}", parent=parent, kind=kind) for _ in range(count)]


def _grow_tree_to(total: int, *, frontier: list[Organization], fanout: int) -> None:
    """Give each organization of `frontier` (then each new one, breadth first) `fanout`
    subordinate organizations until the database holds `total` organizations."""
    queue = list(frontier)
    count = Organization.objects.count()
    while count < total:
        children = _add_children(queue.pop(0), min(fanout, total - count))
        queue.extend(children)
        count += len(children)


def _build_county() -> tuple[Organization, Organization, dict]:
    """The city and a county with departments, a full leadership team, a leading group and history."""
    city = make_org("X市委")
    county = make_org("A县委", parent=city)
    make_org("B县委", parent=city)
    for kind in Department.Kind.values:
        org_services.department_ensure(organization=county, kind=kind)
    start = datetime.date(2024, 1, 1)
    secretary_user = make_user("county_secretary", grants=[("view", county), ("sign_report", county)])
    secretary = make_person("周书记", organization=county, user=secretary_user, title="县委书记")
    make_assignment(person=secretary, organization=county, role=Role.SECRETARY, start=start)
    make_assignment(person=secretary, organization=county, role=Role.GROUP_HEAD, start=start)
    make_assignment(person=make_person("吴前任", organization=county), organization=county,
                    role=Role.SECRETARY, start=datetime.date(2020, 1, 1), end=datetime.date(2023, 12, 31))
    for role in (Role.DIRECT, Role.MEMBER, Role.MEMBER, Role.MEMBER, Role.PUBLICITY,
                 Role.GROUP_DEPUTY, Role.GROUP_MEMBER, Role.GROUP_MEMBER,
                 Role.GROUP_OFFICE_DIRECTOR, Role.LIAISON):
        make_assignment(person=make_person(organization=county), organization=county, role=role,
                        start=start, portfolio="宣传部、东村")
    users = {
        "admin": make_user("admin", superuser=True),
        "city_staff": make_user("city_staff", grants=[("view", city), ("manage", city)]),
        "county_staff": make_user("county_staff", grants=[("view", county), ("manage", county)]),
        "county_secretary": secretary_user,
    }
    return city, county, users


def _url(page: str, county: Organization) -> str:
    return {
        "tree": reverse("responsibilities:organization_tree"),
        "detail": reverse("responsibilities:organization_detail", args=[county.pk]),
        "work": reverse("responsibilities:my_work"),
        "matrix": f"{reverse('responsibilities:compliance_matrix')}?org={county.pk}&period=2026",
        "obligations": f"{reverse('responsibilities:obligation_list')}?org={county.pk}&period=2026",
        "charts": f"{reverse('responsibilities:charts')}?org={county.pk}&year=2026",
        "duties": reverse("responsibilities:duty_list", args=[county.pk]),
    }[page]


def _generate_year() -> None:
    scheduling.obligations_generate(
        periods=[p for kind in PeriodKind for p in Period.all_in_year(kind, 2026)],
        now=scheduling.local_moment(datetime.date(2026, 1, 1)),
    )


def _duties(county: Organization) -> None:
    for n in range(5):
        duties_services.duty_item_create(organization=county, content=f"责任事项{n}", responsible="secretary",
                                  verification="会议记录", actor=None)


def _capture(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


@dataclass
class Measurements:
    small: dict[tuple[str, str], list[str]]
    large: dict[tuple[str, str], list[str]]
    organizations: tuple[int, int]
    county_children: tuple[int, int]
    clients: dict[str, Client]  # logged in, one per persona
    urls: dict[str, str]

    def counts(self) -> dict[tuple[str, str], tuple[int, int]]:
        return {key: (len(self.small[key]), len(self.large[key])) for key in self.small}


@pytest.fixture(scope="module")
def measurements(django_db_setup, django_db_blocker):
    """Measure every persona × page at 40 organizations, grow to 2,000, measure again.

    The 2,000-organization database stays (inside a transaction rolled back after the module)
    so the budget tests can request the pages again themselves. The session's once-a-minute touch
    (config.middleware.SessionLifetimeMiddleware) is held off: on a loaded machine a minute can pass
    between two measurements, and its one UPDATE would count against whichever page came next.
    """
    from config.middleware import SessionLifetimeMiddleware

    touch_every, SessionLifetimeMiddleware.TOUCH_EVERY = SessionLifetimeMiddleware.TOUCH_EVERY, 10**9
    with django_db_blocker.unblock(), transaction.atomic():
        city, county, users = _build_county()
        county_b = Organization.objects.get(name="B县委")
        _grow_tree_to(SMALL, frontier=[county, county_b], fanout=4)
        _generate_year()
        _duties(county)
        urls = {page: _url(page, county) for page in PAGES}
        clients = {}
        for persona, user in users.items():
            clients[persona] = Client()
            clients[persona].force_login(user)
            clients[persona].get(urls["detail"])  # warm process-wide caches once

        def measure():
            return {(p, page): _capture(clients[p], urls[page]) for p in PERSONAS for page in PAGES}

        small_orgs, small_children = Organization.objects.count(), Organization.objects.get(pk=county.pk).numchild
        small = measure()
        # The county gains many direct subordinates, the city more counties, everyone descendants.
        _add_children(county, 150)
        _grow_tree_to(LARGE, frontier=[city, *Organization.objects.filter(depth__gte=3)], fanout=8)
        _generate_year()  # the new organizations' obligations too
        large_orgs, large_children = Organization.objects.count(), Organization.objects.get(pk=county.pk).numchild
        large = measure()
        result = Measurements(small, large, (small_orgs, large_orgs), (small_children, large_children),
                              clients, urls)
        print(f"\nqueries per page ({SMALL} orgs, {LARGE} orgs): {result.counts()}")
        yield result
        transaction.set_rollback(True)
    SessionLifetimeMiddleware.TOUCH_EVERY = touch_every


def test_the_database_really_grew(measurements):
    assert measurements.organizations == (SMALL, LARGE)
    small_children, large_children = measurements.county_children
    assert large_children > small_children


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_query_count_does_not_grow_with_the_tree(measurements, persona, page):
    small, large = measurements.small[persona, page], measurements.large[persona, page]

    assert len(small) == len(large), "\n".join(
        ["queries with 2,000 organizations:", *large, "", "with 40:", *small]
    )


def _budget_params():
    for persona in PERSONAS:
        for page in PAGES:
            yield pytest.param(persona, page, id=f"{persona}-{page}")


@pytest.mark.parametrize(("persona", "page"), list(_budget_params()))
def test_query_count_is_within_budget(measurements, persona, page, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = measurements.clients[persona].get(measurements.urls[page])

    assert response.status_code == 200
