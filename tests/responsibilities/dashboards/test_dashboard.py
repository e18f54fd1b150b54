"""Dashboards: the compliance matrix, its drill-down list and the charts.

Numbers are checked against a brute-force count in Python over every obligation; the
obligations come from the real scheduler (`obligations_generate` for 2026, and 2025 for
some organizations so that the period filter has something to leave out) with a
deterministic mix of statuses set by `.update()`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from responsibilities.dashboards import selectors
from responsibilities.dashboards.selectors import BUCKET_STATUSES, Counts
from responsibilities.models import Obligation, Organization, WorkSystem
from responsibilities.periods import Period
from responsibilities.scheduling import services as scheduling
from tests.factories import make_org, make_user

MAX_QUERIES = 12
STATUS_CYCLE = ("open", "done", "overdue", "done_late", "waived", "done", "open")

MATRIX = reverse("responsibilities:compliance_matrix")
ROWS = reverse("responsibilities:compliance_matrix_rows")
LIST = reverse("responsibilities:obligation_list")
CHARTS = reverse("responsibilities:charts")


def year_periods(year: int) -> list[Period]:
    return [p for kind in ("month", "quarter", "half", "year") for p in Period.all_in_year(kind, year)]


def generate(year: int, organizations=None) -> None:
    scheduling.obligations_generate(
        periods=year_periods(year), organizations=organizations,
        now=scheduling.local_moment(dt.date(year, 1, 1)),
    )


def mix_statuses() -> None:
    """A deterministic mix of every status, set with .update() as the brief asks."""
    ids = list(Obligation.objects.order_by("pk").values_list("pk", flat=True))
    for offset, status in enumerate(STATUS_CYCLE):
        Obligation.objects.filter(pk__in=ids[offset :: len(STATUS_CYCLE)]).update(status=status)


def state(status: str, due: dt.date | None) -> str:
    """How the dashboards count an obligation today: open before its deadline day is pending (进行中)."""
    return "pending" if status == "open" and (due is None or due > timezone.localdate()) else status


def snapshot() -> list[tuple]:
    return [(*rest, state(status, due)) for *rest, status, due in Obligation.objects.values_list(
        "organization__path", "organization__kind", "work_system_id", "period_start", "period_end", "status",
        "due_date",
    )]


def brute(row: Organization | None, system: WorkSystem | None, period: Period, *, own: bool = False,
          kind: str = "", status: str = "", rows: list[tuple] | None = None) -> Counts:
    """Count by walking every obligation in Python: the yardstick for the grouped query."""
    counts = Counts()
    for path, org_kind, system_id, start, end, state in snapshot() if rows is None else rows:
        if row is not None and not (path == row.path if own else path.startswith(row.path)):
            continue
        if system is not None and system_id != system.pk:
            continue
        if not (start >= period.start and end <= period.end):
            continue
        if kind and org_kind != kind:
            continue
        if status and state not in BUCKET_STATUSES[status]:
            continue
        counts.add(state, 1)
    return counts


def systems() -> list[WorkSystem]:
    return list(WorkSystem.objects.exclude(frequency="as_needed").order_by("sort_order", "code"))


def assert_row_matches(row, period: Period, **filters) -> None:
    org, rows = row.organization, snapshot()
    for system, counts in row.cells:
        assert counts == brute(org, system, period, own=row.own, rows=rows, **filters), (org, system.code)
    assert row.total == brute(org, None, period, own=row.own, rows=rows, **filters), org


@pytest.fixture
def data(tree):
    """The tree with a branch under a town, obligations for 2026 (and 2025 for county A)."""
    branch = make_org("A县一镇东村党支部", parent=tree.town_a1, kind="branch")
    generate(2026)
    generate(2025, organizations=[tree.county_a, tree.town_a1])
    mix_statuses()
    tree.branch = branch
    return tree


def login(client, user):
    client.force_login(user)
    return client


def row_names(matrix) -> list[str]:
    return [row.organization.name + ("·本级" if row.own else "") for row in matrix.rows]


# -- the numbers --------------------------------------------------------------------------------


def test_every_matrix_row_equals_a_brute_force_count(client, data, city_staff):
    response = login(client, city_staff).get(MATRIX, {"period": "2026"})
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [s.code for s in matrix.systems] == [s.code for s in systems()]
    assert "major_report" not in [s.code for s in matrix.systems]  # as needed: never scheduled
    assert row_names(matrix) == ["X市委·本级", "A县委", "B县委"]
    period = Period.parse("2026")
    for row in matrix.all_rows:
        assert_row_matches(row, period)
    # The mix really is a mix: every bucket shows up in the city's total.
    total = matrix.summary.total
    assert total.done and total.open and total.overdue and total.waived
    assert total.rate == round(100 * total.done / (total.done + total.open + total.overdue), 1)


def test_a_county_row_summarises_its_towns_and_their_branches(client, data, city_staff):
    matrix = login(client, city_staff).get(MATRIX, {"period": "2026"}).context["matrix"]
    county_a = next(row for row in matrix.rows if row.organization == data.county_a)
    parts = [data.county_a, data.town_a1, data.town_a2, data.branch]
    expected = Counts()
    for org in parts:
        expected += brute(org, None, Period.parse("2026"), own=True)
    assert county_a.total == expected
    assert county_a.total.total > brute(data.county_a, None, Period.parse("2026"), own=True).total
    assert county_a.expandable


def test_summary_row_is_the_own_row_plus_every_child(client, data, city_staff):
    matrix = login(client, city_staff).get(MATRIX, {"period": "2026"}).context["matrix"]
    added = Counts()
    for row in matrix.rows:
        added += row.total
    assert matrix.summary.total == added == brute(data.city, None, Period.parse("2026"))


def test_expanding_a_row_loads_only_its_children(client, data, city_staff):
    response = login(client, city_staff).get(ROWS, {"org": data.county_a.pk, "period": "2026", "level": 1})
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert row_names(matrix) == ["A县委·本级", "A县一镇党委", "A县二镇党委"]
    assert all(row.level == 2 for row in matrix.rows)
    for row in matrix.rows:
        assert_row_matches(row, Period.parse("2026"))
    html = response.content.decode()
    assert "<html" not in html and "B县一镇党委" not in html
    assert f'data-parent="{data.county_a.path}"' in html
    # The town with a branch can be expanded in turn; the one without cannot.
    assert f"org={data.town_a1.pk}&amp;level=2" in html
    assert f"org={data.town_a2.pk}&amp;level=2" not in html


def test_period_filter_counts_only_obligations_inside_the_period(client, data, city_staff):
    login(client, city_staff)
    for code in ("2026Q3", "2026H1", "2026-07", "2025"):
        matrix = client.get(MATRIX, {"period": code, "org": data.city.pk}).context["matrix"]
        for row in matrix.all_rows:
            assert_row_matches(row, Period.parse(code))
    q3 = client.get(MATRIX, {"period": "2026Q3"}).context["matrix"].summary.total
    # Q3 holds three months and the quarter itself, never a half-year or the year.
    assert q3 == brute(data.city, None, Period.parse("2026Q3"))
    assert Obligation.objects.filter(period="2026H2").exists()
    assert q3.total < brute(data.city, None, Period.parse("2026")).total


def test_kind_and_status_filters(client, data, city_staff):
    login(client, city_staff)
    period = Period.parse("2026")
    matrix = client.get(MATRIX, {"period": "2026", "kind": "branch"}).context["matrix"]
    for row in matrix.all_rows:
        assert_row_matches(row, period, kind="branch")
    county_a = next(row for row in matrix.rows if row.organization == data.county_a)
    assert county_a.total.total > 0  # the village branch under town A1
    county_b = next(row for row in matrix.rows if row.organization == data.county_b)
    assert county_b.total == Counts()

    response = client.get(MATRIX, {"period": "2026", "status": "overdue"})
    matrix = response.context["matrix"]
    assert response.context["status_filter"] == "overdue"
    html = response.content.decode().split('data-testid="compliance-matrix"')[1]
    assert 'class="n overdue"' in html
    assert 'class="n done"' not in html and 'class="n open"' not in html
    for row in matrix.all_rows:
        assert_row_matches(row, period, status="overdue")
        assert row.total.done == row.total.open == row.total.waived == 0


def test_default_period_is_the_current_year(client, data, city_staff):
    login(client, city_staff)
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        response = client.get(MATRIX)
        expected = brute(data.city, None, Period.parse("2026"))  # on that day: what was not yet due is pending
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["period"] == Period.parse("2026")
    assert response.context["matrix"].summary.total == expected


def test_raw_sql_and_orm_aggregates_agree(data):
    cases = itertools.product(
        [data.city, data.county_a, data.town_a1, data.other_city],
        ["2026", "2026Q2", "2026H2", "2026-12", "2025"],
        ["", "committee", "branch"],
        ["", "done", "pending", "open", "overdue", "waived"],
    )
    seen_numbers = False
    for root, code, kind, status in cases:
        period = Period.parse(code)
        orm = selectors.compliance_counts(root, period, kind=kind, status=status)
        raw = selectors.compliance_counts_raw_sql(root, period, kind=kind, status=status)
        assert orm == raw, (root, code, kind, status)
        seen_numbers = seen_numbers or bool(orm)
    assert seen_numbers
    counts = selectors.compliance_counts(data.city, Period.parse("2026"))
    assert set(counts) == {data.city.path, data.county_a.path, data.county_b.path}


# -- scope ------------------------------------------------------------------------------------


def test_county_staff_sees_their_county_and_never_the_neighbour(client, data, county_a_staff):
    login(client, county_a_staff)
    matrix = client.get(MATRIX, {"period": "2026"}).context["matrix"]
    assert matrix.summary.organization == data.county_a  # the only scope root is the default
    assert row_names(matrix) == ["A县委·本级", "A县一镇党委", "A县二镇党委"]
    html = client.get(MATRIX, {"period": "2026"}).content.decode()
    assert "B县" not in html and "X市委" not in html


@pytest.mark.parametrize("url", [MATRIX, ROWS, LIST, CHARTS])
def test_an_organization_outside_the_scope_is_not_found(client, data, county_a_staff, url):
    login(client, county_a_staff)
    for org in (data.county_b, data.city, data.other_city):
        assert client.get(url, {"org": org.pk, "period": "2026"}).status_code == 404
    assert client.get(url, {"org": "abc"}).status_code == 404
    assert client.get(url, {"org": 999999}).status_code == 404


def test_a_user_without_grants_sees_an_empty_page(client, data):
    login(client, make_user("nobody"))
    response = client.get(MATRIX)
    assert response.status_code == 200
    assert "matrix" not in response.context
    assert "您目前没有任何组织的访问权限" in response.content.decode()
    assert client.get(LIST).context["page"].paginator.count == 0
    assert client.get(CHARTS).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, data):
    for url in (MATRIX, ROWS, LIST, CHARTS):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_with_separate_subtrees_gets_them_side_by_side(client, data):
    both = make_user("two_towns", grants=[("view", data.town_a2), ("view", data.county_b)])
    response = login(client, both).get(MATRIX, {"period": "2026"})
    matrix = response.context["matrix"]
    assert matrix.summary.organization is None
    assert [row.organization for row in matrix.rows] == [data.town_a2, data.county_b]
    period = Period.parse("2026")
    for row in matrix.rows:
        assert_row_matches(row, period)
    assert matrix.summary.total == brute(data.town_a2, None, period) + brute(data.county_b, None, period)


def test_superuser_sees_every_tree(client, data):
    admin = make_user("admin", superuser=True)
    matrix = login(client, admin).get(MATRIX, {"period": "2026"}).context["matrix"]
    assert [row.organization for row in matrix.rows] == [data.city, data.other_city]
    assert matrix.summary.total == brute(None, None, Period.parse("2026"))


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["2026Q5", "2026-13", "abc", "26", "0000", "2026H3"])
def test_a_bad_period_is_a_chinese_form_error(client, data, city_staff, code):
    login(client, city_staff)
    response = client.get(MATRIX, {"period": code})
    assert response.status_code == 400
    assert "无法识别的期间" in response.content.decode()
    assert "matrix" not in response.context
    rows = client.get(ROWS, {"org": data.county_a.pk, "period": code})
    assert rows.status_code == 400 and "无法识别的期间" in rows.content.decode()
    listing = client.get(LIST, {"period": code})
    assert listing.status_code == 400 and "无法识别的期间" in listing.content.decode()


def test_bad_filters_are_form_errors_not_crashes(client, data, city_staff):
    login(client, city_staff)
    assert client.get(MATRIX, {"kind": "nonsense"}).status_code == 400
    assert client.get(MATRIX, {"status": "done_late"}).status_code == 400
    assert client.get(LIST, {"system": "no_such_system"}).status_code == 400
    assert client.get(ROWS, {"period": "2026"}).status_code == 400  # which organization?
    response = client.get(CHARTS, {"year": "二〇二六"})
    assert response.status_code == 400 and "整数" in response.content.decode()
    assert client.get(CHARTS, {"year": "1999"}).status_code == 400
    assert client.get(ROWS, {"org": data.county_a.pk, "level": "x"}).status_code == 200


# -- drill-down -------------------------------------------------------------------------------


def test_a_cell_links_to_its_obligations(client, data, city_staff):
    login(client, city_staff)
    html = client.get(MATRIX, {"period": "2026"}).content.decode()
    study = WorkSystem.objects.get(code="theory_study")
    link = re.search(
        rf'href="({re.escape(LIST)}\?org={data.county_a.pk}&amp;system=theory_study&amp;status=done&amp;period=2026)"', html
    )
    assert link, "the county's theory-study cell links to its done obligations"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    expected = {
        ob.pk for ob in Obligation.objects.filter(
            organization__path__startswith=data.county_a.path, work_system=study,
            period_start__gte=dt.date(2026, 1, 1), period_end__lte=dt.date(2026, 12, 31),
            status__in=("done", "done_late"),
        )
    }
    page = response.context["page"]
    assert page.paginator.count == len(expected) == brute(data.county_a, study, Period.parse("2026")).done
    assert {ob.pk for ob in page.object_list} == expected
    body = response.content.decode()
    for ob in page.object_list:
        assert reverse("responsibilities:obligation_detail", args=[ob.pk]) in body


def test_the_list_filters_own_kind_and_period(client, data, city_staff):
    login(client, city_staff)
    own = client.get(LIST, {"org": data.county_a.pk, "own": "1", "period": "2026"}).context["page"]
    assert own.paginator.count == brute(data.county_a, None, Period.parse("2026"), own=True).total
    assert {ob.organization_id for ob in own.object_list} == {data.county_a.pk}
    branches = client.get(LIST, {"org": data.city.pk, "kind": "branch", "period": "2026"}).context["page"]
    assert branches.paginator.count == brute(data.city, None, Period.parse("2026"), kind="branch").total > 0
    old = client.get(LIST, {"org": data.county_a.pk, "period": "2025"}).context["page"]
    assert old.paginator.count == brute(data.county_a, None, Period.parse("2025")).total > 0
    assert {ob.period[:4] for ob in old.object_list} == {"2025"}


def test_the_list_is_paginated_by_fifty_and_keeps_its_filters(client, data, city_staff):
    login(client, city_staff)
    response = client.get(LIST, {"org": data.city.pk, "period": "2026"})
    page = response.context["page"]
    assert page.paginator.per_page == 50 and page.paginator.num_pages > 1
    assert len(page.object_list) == 50
    html = response.content.decode()
    assert f"?org={data.city.pk}&amp;period=2026&amp;page=2" in html
    second = client.get(LIST, {"org": data.city.pk, "period": "2026", "page": 2}).context["page"]
    assert not {ob.pk for ob in page.object_list} & {ob.pk for ob in second.object_list}


def test_the_list_without_organization_covers_exactly_the_users_scope(client, data, county_a_staff):
    page = login(client, county_a_staff).get(LIST, {"period": "2026"}).context["page"]
    assert page.paginator.count == brute(data.county_a, None, Period.parse("2026")).total
    assert Obligation.objects.filter(organization=data.county_b).exists()


# -- query counts -----------------------------------------------------------------------------


_names = itertools.count(1)


def _grow(parent: Organization, total: int, fanout: int) -> list[Organization]:
    """Add organizations breadth first under `parent` until the database holds `total`."""
    queue, added = [parent], []
    while Organization.objects.count() < total:
        node = queue.pop(0)
        for _ in range(min(fanout, total - Organization.objects.count())):
            kind = "committee" if node.depth < 3 else "branch"
            child = make_org(f"组织{next(_names)}", parent=node, kind=kind)
            queue.append(child)
            added.append(child)
    return added


def _matrix_queries(client, url: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


def test_matrix_query_count_is_flat_between_40_and_400_organizations(client, tree):
    staff = make_user("city_xcb", grants=[("view", tree.city), ("manage", tree.city)])
    login(client, staff)
    _grow(tree.county_a, 40, fanout=4)
    generate(2026)
    mix_statuses()
    pages = [(MATRIX, {"period": "2026"}), (MATRIX, {"org": tree.county_a.pk, "period": "2026Q2"}),
             (ROWS, {"org": tree.county_a.pk, "period": "2026"}), (CHARTS, {"year": "2026"}),
             (LIST, {"org": tree.county_a.pk, "period": "2026"})]
    small = [_matrix_queries(client, url, params) for url, params in pages]
    _grow(tree.county_a, 400, fanout=6)
    generate(2026)
    mix_statuses()
    large = [_matrix_queries(client, url, params) for url, params in pages]
    assert Organization.objects.count() == 400
    for (url, _params), (n_small, _), (n_large, response) in zip(pages, small, large, strict=True):
        assert n_small == n_large, url
        assert n_large <= MAX_QUERIES, url
    # The root page still shows only the city, its own row and its two counties.
    assert len(large[0][1].context["matrix"].rows) == 3


def test_the_matrix_aggregate_is_one_query(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.compliance_counts(data.city, Period.parse("2026"))


# -- charts -----------------------------------------------------------------------------------


def test_charts_page_and_its_data(client, data, city_staff):
    response = login(client, city_staff).get(CHARTS, {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "//cdn" not in html
    embedded = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    data_json = json.loads(embedded.group(1))
    assert data_json == json.loads(json.dumps(response.context["chart_data"]))

    quarters = data_json["quarters"]
    for q in range(4):
        start = dt.date(2026, 3 * q + 1, 1)
        end = Period.parse(f"2026Q{q + 1}").end
        counts = Counts()
        for ob in Obligation.objects.filter(organization__path__startswith=data.city.path,
                                            period_start__year=2026, period_end__gte=start, period_end__lte=end):
            counts.add(state(ob.status, ob.due_date), 1)
        assert (quarters["done"][q], quarters["open"][q], quarters["overdue"][q], quarters["waived"][q],
                quarters["pending"][q]) == (counts.done, counts.open, counts.overdue, counts.waived, counts.pending)
        assert quarters["rate"][q] == counts.rate
    assert sum(quarters["done"]) + sum(quarters["open"]) + sum(quarters["overdue"]) + sum(quarters["waived"]) + \
        sum(quarters["pending"]) == brute(data.city, None, Period.parse("2026")).total

    subordinates = data_json["subordinates"]
    assert subordinates["labels"] == ["A县委", "B县委"]
    for i, org in enumerate([data.county_a, data.county_b]):
        mine = Obligation.objects.filter(organization__path__startswith=org.path, period__startswith="2026")
        assert subordinates["overdue"][i] == mine.filter(status="overdue").count() > 0
        assert subordinates["done_late"][i] == mine.filter(status="done_late").count() > 0


def test_chart_data_for_another_year_and_scope(client, data, county_a_staff):
    response = login(client, county_a_staff).get(CHARTS, {"year": "2025"})
    data_json = response.context["chart_data"]
    assert data_json["year"] == 2025
    assert data_json["subordinates"]["labels"] == ["A县一镇党委", "A县二镇党委"]
    total = sum(sum(data_json["quarters"][k]) for k in ("done", "open", "overdue", "waived", "pending"))
    assert total == brute(data.county_a, None, Period.parse("2025")).total > 0
    assert data_json["subordinates"]["overdue"][1] == 0  # town A2 had no 2025 obligations


def test_user_data_in_charts_stays_out_of_javascript(client, tree, city_staff):
    make_org("</script><script>alert(1)</script>", parent=tree.city)
    html = login(client, city_staff).get(CHARTS).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_navigation_links_to_the_dashboards(client, data, city_staff):
    html = login(client, city_staff).get(reverse("responsibilities:my_work")).content.decode()
    assert MATRIX in html and CHARTS in html
    assert "合规矩阵" in html and "统计图表" in html


def test_breadcrumbs_show_only_visible_ancestors(client, data, county_a_staff):
    response = login(client, county_a_staff).get(MATRIX, {"org": data.branch.pk, "period": "2026"})
    assert response.context["ancestors"] == [data.county_a, data.town_a1]
    assert response.context["matrix"].summary.organization == data.branch
    assert "X市委" not in response.content.decode()
