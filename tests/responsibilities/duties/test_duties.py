"""The responsibility list (责任清单): duty items, their cascade to subordinate organizations, the pages."""

from __future__ import annotations

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibilities.duties import selectors, services
from responsibilities.models import DutyItem, DutyItemEvent, Organization, WorkSystem
from tests.factories import make_assignment, make_person, make_user

D = datetime.date


def make_duty(organization: Organization, content: str = "每半年向上级党委专题报告意识形态工作", **fields) -> DutyItem:
    fields.setdefault("responsible", "secretary")
    fields.setdefault("verification", "专题报告正文及报送记录")
    fields.setdefault("actor", None)
    return services.duty_item_create(organization=organization, content=content, **fields)


def push(source_org: Organization, items, targets):
    return services.duty_items_cascade(source_org=source_org, items=items, targets=targets, actor=None)


def preview(source_org: Organization, items, targets):
    return {t.organization.pk: t for t in selectors.duty_cascade_preview(source_org=source_org, items=items, targets=targets)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretaries(tree):
    """A secretary in the city and in each county; county A also has a direct-responsible leader."""
    people = {}
    for key, org in (("city", tree.city), ("county_a", tree.county_a), ("county_b", tree.county_b)):
        people[key] = make_person(f"{org.name}书记", organization=org)
        make_assignment(person=people[key], role="secretary", start=D(2024, 1, 1))
    people["county_a_direct"] = make_person("A县分管领导", organization=tree.county_a)
    make_assignment(person=people["county_a_direct"], role="direct", start=D(2024, 1, 1))
    return people


@pytest.fixture
def city_viewer(tree):
    return make_user("city_viewer", grants=[("view", tree.city)])


@pytest.fixture
def outsider(tree):
    return make_user("y_staff", grants=[("view", tree.other_city), ("manage", tree.other_city)])


# --- create, update, retire ---------------------------------------------------------------------


def test_created_items_go_last_in_the_list(tree):
    first = make_duty(tree.city, "第一条")
    second = make_duty(tree.city, "第二条")

    assert second.sort_order > first.sort_order
    assert [i.content for i in selectors.duty_list(tree.city)] == ["第一条", "第二条"]


def test_update_bumps_the_version_only_when_something_changes(tree):
    item = make_duty(tree.city)

    item = services.duty_item_update(item=item, actor=None, content="  每半年专题报告  ")
    assert (item.version, item.content) == (2, "每半年专题报告")

    item = services.duty_item_update(item=item, actor=None, content="每半年专题报告", sort_order=None)
    assert (item.version, item.sort_order) == (2, 10)


def test_create_refuses_an_item_that_cannot_be_verified(tree):
    with pytest.raises(ValidationError) as excinfo:
        make_duty(tree.city, verification="   ")
    assert "认定标准" in excinfo.value.messages[0]

    with pytest.raises(ValidationError, match="责任内容不能为空"):
        make_duty(tree.city, content=" ")
    assert not DutyItem.objects.exists()


def test_responsible_person_must_belong_to_the_organization(tree, secretaries):
    with pytest.raises(ValidationError, match="不是 X市委 的人员"):
        make_duty(tree.city, responsible_person=secretaries["county_a"])


def test_retire_keeps_the_row_and_drops_it_from_the_list(tree):
    item = make_duty(tree.city)

    services.duty_item_retire(item=item, actor=None)

    item.refresh_from_db()
    assert item.retired_at is not None
    assert DutyItem.objects.filter(pk=item.pk).exists()
    assert selectors.duty_list(tree.city) == []
    with pytest.raises(ValidationError, match="已停用"):
        services.duty_item_update(item=item, actor=None, content="改")
    with pytest.raises(ValidationError, match="已于"):
        services.duty_item_retire(item=item, actor=None)


def test_each_change_to_the_list_records_its_author_kind_and_time(tree, city_viewer):
    author = make_user("duty_author", grants=[("manage", tree.city)])

    item = make_duty(tree.city, actor=author)
    services.duty_item_update(item=item, actor=author, content="每季度专题研究一次")
    services.duty_item_update(item=item, actor=author, content="每季度专题研究一次")  # no change, no event
    services.duty_item_retire(item=item, actor=city_viewer)

    events = list(DutyItemEvent.objects.filter(item=item).order_by("at", "pk"))
    assert [(e.kind, e.actor) for e in events] == [
        ("created", author), ("updated", author), ("retired", city_viewer),
    ]
    assert events[1].data == {"fields": ["content"], "version": 2}
    assert all(e.at is not None for e in events)


def test_a_push_records_its_author_on_every_copy_it_creates_updates_or_retires(tree):
    author = make_user("duty_pusher", grants=[("manage", tree.city)])
    item = make_duty(tree.city)

    services.duty_items_cascade(source_org=tree.city, items=[item], targets=[tree.county_a, tree.county_b],
                                actor=author)
    services.duty_item_update(item=item, actor=None, content="改后的内容")
    item.refresh_from_db()
    services.duty_items_cascade(source_org=tree.city, items=[item], targets=[tree.county_a], actor=author)
    services.duty_item_retire(item=item, actor=None)
    item.refresh_from_db()
    services.duty_items_cascade(source_org=tree.city, items=[item], targets=[tree.county_b], actor=author)

    pushed = DutyItemEvent.objects.filter(item__source=item, kind="pushed").order_by("pk")
    assert [(e.item.organization, e.data["action"], e.actor) for e in pushed] == [
        (tree.county_a, "new", author), (tree.county_b, "new", author),
        (tree.county_a, "updated", author), (tree.county_b, "retired", author),
    ]
    assert {e.data["source"] for e in pushed} == {item.pk}


# --- cascade ------------------------------------------------------------------------------------


def test_cascade_gives_each_target_one_copy_bound_to_its_own_secretary(tree, secretaries):
    item = make_duty(tree.city, lead_unit="市委宣传部", recurrence="每半年",
                     work_system=WorkSystem.objects.get(code="party_report"))

    plan = push(tree.city, [item], [tree.county_a, tree.county_b, tree.town_a1])

    assert [len(t.new) for t in plan] == [1, 1, 1]
    copies = {c.organization_id: c for c in DutyItem.objects.filter(source=item)}
    assert set(copies) == {tree.county_a.pk, tree.county_b.pk, tree.town_a1.pk}
    assert copies[tree.county_a.pk].responsible_person == secretaries["county_a"]
    assert copies[tree.county_b.pk].responsible_person == secretaries["county_b"]
    assert copies[tree.town_a1.pk].responsible_person is None  # the town has no secretary recorded
    for copy in copies.values():
        assert (copy.content, copy.lead_unit, copy.recurrence, copy.work_system_id) == (
            item.content, "市委宣传部", "每半年", item.work_system_id
        )
        assert copy.source_version == item.version == 1
    assert DutyItem.objects.filter(organization=tree.city).count() == 1


def test_a_role_held_by_several_people_binds_no_single_person(tree):
    for name in ("委员甲", "委员乙"):
        make_assignment(person=make_person(name, organization=tree.county_a), role="member")
    item = make_duty(tree.city, responsible="members")

    push(tree.city, [item], [tree.county_a])

    copy = DutyItem.objects.get(source=item)
    assert copy.responsible_person is None
    assert [p.name for p in selectors.duty_list(tree.county_a)[0].holders] == ["委员甲", "委员乙"]


def test_repush_after_an_edit_updates_copies_and_preview_names_exactly_the_changed_fields(tree, secretaries):
    item = make_duty(tree.city)
    untouched = make_duty(tree.city, "第二条")
    targets = [tree.county_a, tree.county_b]
    push(tree.city, [item, untouched], targets)
    services.duty_item_update(item=item, actor=None, content="每半年报告，6月和12月底前", verification="报告及签收单")
    item.refresh_from_db()

    seen = preview(tree.city, [item, untouched], targets)

    for target in targets:
        entry = seen[target.pk]
        assert [c.source for c in entry.updated] == [item]
        assert entry.updated[0].fields == ("content", "verification")
        assert entry.updated[0].field_labels == ["责任内容", "认定标准（佐证）"]
        assert [c.source for c in entry.unchanged] == [untouched]
        assert entry.new == entry.retired == []

    push(tree.city, [item, untouched], targets)

    for copy in DutyItem.objects.filter(source=item):
        assert (copy.content, copy.verification) == ("每半年报告，6月和12月底前", "报告及签收单")
        assert (copy.source_version, copy.version) == (2, 2)
    assert DutyItem.objects.filter(source=item).count() == 2


def test_a_second_push_changes_nothing(tree, secretaries):
    items = [make_duty(tree.city, f"第{n}条") for n in range(3)]
    targets = [tree.county_a, tree.county_b, tree.town_a1, tree.town_b1]
    push(tree.city, items, targets)
    before = sorted(DutyItem.objects.values_list("pk", "version", "updated_at"))

    plan = push(tree.city, items, targets)

    assert all(not t.has_changes and len(t.unchanged) == 3 for t in plan)
    assert sorted(DutyItem.objects.values_list("pk", "version", "updated_at")) == before


def test_repush_creates_only_the_missing_copies(tree):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a])

    plan = push(tree.city, [item], [tree.county_a, tree.county_b])

    assert [(t.organization, len(t.new), len(t.unchanged)) for t in plan] == [
        (tree.county_a, 0, 1), (tree.county_b, 1, 0)
    ]
    assert DutyItem.objects.filter(source=item).count() == 2


def test_a_retired_item_retires_its_copies_when_pushed_again(tree):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a, tree.county_b])
    services.duty_item_retire(item=item, actor=None)
    item.refresh_from_db()

    assert [len(t.retired) for t in preview(tree.city, [item], [tree.county_a, tree.county_b]).values()] == [1, 1]
    push(tree.city, [item], [tree.county_a, tree.county_b])

    assert not DutyItem.objects.filter(source=item, retired_at__isnull=True).exists()
    assert DutyItem.objects.filter(source=item).count() == 2  # kept, not deleted
    assert not any(t.has_changes for t in push(tree.city, [item], [tree.county_a, tree.county_b]))


def test_a_pushed_copy_is_retired_by_its_source_not_locally(tree):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a])
    copy = DutyItem.objects.get(source=item)

    with pytest.raises(ValidationError, match="由X市委下发"):
        services.duty_item_retire(item=copy, actor=None)


def test_copies_pushed_further_down_follow_changes_from_the_top(tree, secretaries):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a])
    county_copy = DutyItem.objects.get(source=item)
    push(tree.county_a, [county_copy], [tree.town_a1])
    services.duty_item_update(item=item, actor=None, recurrence="每半年")
    item.refresh_from_db()
    push(tree.city, [item], [tree.county_a])
    county_copy.refresh_from_db()

    entry = preview(tree.county_a, [county_copy], [tree.town_a1])[tree.town_a1.pk]

    assert entry.updated[0].fields == ("recurrence",)
    push(tree.county_a, [county_copy], [tree.town_a1])
    assert DutyItem.objects.get(source=county_copy).recurrence == "每半年"


def test_local_edits_of_a_copy_survive_until_the_source_changes(tree, secretaries):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a])
    copy = DutyItem.objects.get(source=item)
    services.duty_item_update(item=copy, actor=None, responsible_person=secretaries["county_a_direct"], lead_unit="A县委宣传部")

    assert not preview(tree.city, [item], [tree.county_a])[tree.county_a.pk].has_changes

    services.duty_item_update(item=item, actor=None, content="新内容")
    item.refresh_from_db()
    change = preview(tree.city, [item], [tree.county_a])[tree.county_a.pk].updated[0]
    # The lead unit is the city's again; the person the county chose stays while the role is unchanged.
    assert change.fields == ("content", "lead_unit")
    assert change.responsible_person == secretaries["county_a_direct"]


@pytest.mark.parametrize("target", ["other_city", "city", "county_b"])
def test_cascade_outside_the_subtree_is_refused(tree, target):
    source = tree.county_a
    item = make_duty(source)

    with pytest.raises(ValidationError, match="不是 A县委 的下级组织"):
        push(source, [item], [tree.town_a1, getattr(tree, target)])
    assert not DutyItem.objects.filter(source=item).exists()


def test_cascade_of_another_organizations_item_is_refused(tree):
    foreign = make_duty(tree.county_b)

    with pytest.raises(ValidationError, match="只能下发本组织"):
        push(tree.county_a, [foreign], [tree.town_a1])


def test_the_database_keeps_one_copy_per_organization_and_source(tree):
    item = make_duty(tree.city)
    push(tree.city, [item], [tree.county_a])

    with pytest.raises(IntegrityError), transaction.atomic():
        DutyItem.objects.create(organization=tree.county_a, source=item, content="x", responsible="secretary",
                                verification="x")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_pushes_of_the_same_items_make_one_copy_each(tree):
    items = [make_duty(tree.city, f"第{n}条") for n in range(3)]
    targets = [tree.county_a, tree.county_b, tree.town_a1, tree.town_a2, tree.town_b1]
    barrier, errors = threading.Barrier(4), []

    def run():
        try:
            barrier.wait()
            push(tree.city, items, targets)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert DutyItem.objects.filter(source__in=items).count() == len(items) * len(targets)


# --- pages --------------------------------------------------------------------------------------


def test_list_and_print_show_items_with_current_holders(tree, secretaries, city_viewer):
    make_duty(tree.county_a, lead_unit="县委宣传部", responsible_units="各乡镇党委", recurrence="每半年")
    client = client_for(city_viewer)

    for route in ("responsibilities:duty_list", "responsibilities:duty_print"):
        response = client.get(reverse(route, args=[tree.county_a.pk]))
        text = response.content.decode()
        assert response.status_code == 200, route
        assert "每半年向上级党委专题报告意识形态工作" in text
        assert "第一责任人：A县委书记" in text
        for value in ("县委宣传部", "各乡镇党委", "专题报告正文及报送记录", "每半年", "A县委"):
            assert value in text
    assert "css/duty_print.css" in text
    assert "@media print" in (Path(settings.BASE_DIR) / "static" / "css" / "duty_print.css").read_text()


def test_list_of_a_new_organization_says_it_is_empty(tree, city_staff):
    text = client_for(city_staff).get(reverse("responsibilities:duty_list", args=[tree.town_a1.pk])).content.decode()
    assert "尚未建立责任清单" in text
    assert reverse("responsibilities:duty_add", args=[tree.town_a1.pk]) in text


def test_organization_page_links_to_its_list(tree, city_viewer):
    text = client_for(city_viewer).get(reverse("responsibilities:organization_detail", args=[tree.county_a.pk])).content.decode()
    assert reverse("responsibilities:duty_list", args=[tree.county_a.pk]) in text


def _urls(tree, item: DutyItem) -> dict[str, str]:
    org = item.organization_id
    return {
        "duty_list": reverse("responsibilities:duty_list", args=[org]),
        "duty_print": reverse("responsibilities:duty_print", args=[org]),
        "duty_add": reverse("responsibilities:duty_add", args=[org]),
        "duty_cascade": reverse("responsibilities:duty_cascade", args=[org]),
        "duty_edit": reverse("responsibilities:duty_edit", args=[item.pk]),
        "duty_retire": reverse("responsibilities:duty_retire", args=[item.pk]),
    }


def test_pages_outside_the_users_scope_are_not_found(tree, outsider):
    item = make_duty(tree.county_a)
    client = client_for(outsider)

    for name, url in _urls(tree, item).items():
        assert client.get(url).status_code == 404, name
        if name not in ("duty_list", "duty_print"):
            assert client.post(url, {"confirm": "1"}).status_code == 404, name
    item.refresh_from_db()
    assert item.retired_at is None


def test_view_only_users_see_the_list_but_may_not_change_it(tree, city_viewer):
    item = make_duty(tree.county_a)
    client = client_for(city_viewer)
    urls = _urls(tree, item)
    before = sorted(DutyItem.objects.values_list("pk", "version", "retired_at"))

    assert client.get(urls["duty_list"]).status_code == 200
    assert client.get(urls["duty_print"]).status_code == 200
    assert urls["duty_add"] not in client.get(urls["duty_list"]).content.decode()
    for name in ("duty_add", "duty_edit", "duty_retire", "duty_cascade"):
        assert client.get(urls[name]).status_code == 403, name
    posts = {
        "duty_add": {"content": "新", "responsible": "secretary", "verification": "记录"},
        "duty_edit": {"content": "改", "responsible": "secretary", "verification": "记录"},
        "duty_retire": {},
        "duty_cascade": {"items": [item.pk], "all_targets": "on", "confirm": "1"},
    }
    for name, data in posts.items():
        assert client.post(urls[name], data).status_code == 403, name
    assert sorted(DutyItem.objects.values_list("pk", "version", "retired_at")) == before


def test_add_form_explains_its_errors_in_chinese(tree, city_staff):
    url = reverse("responsibilities:duty_add", args=[tree.county_a.pk])

    response = client_for(city_staff).post(url, {"content": "  ", "responsible": "", "verification": "", "sort_order": "-1"})

    text = response.content.decode()
    assert response.status_code == 400
    for message in ("请填写责任内容。", "请选择责任主体。", "请填写认定标准：以什么材料证明已落实。", "排序不能为负数。"):
        assert message in text
    assert not DutyItem.objects.exists()


def test_add_and_edit_through_the_pages(tree, city_staff, secretaries):
    client = client_for(city_staff)
    response = client.post(reverse("responsibilities:duty_add", args=[tree.county_a.pk]), {
        "content": "每季度开展意识形态分析研判", "responsible": "direct", "verification": "研判会议记录",
        "recurrence": "每季度",
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("responsibilities:duty_list", args=[tree.county_a.pk])
    item = DutyItem.objects.get()
    assert (item.organization, item.responsible, item.recurrence) == (tree.county_a, "direct", "每季度")

    edit = reverse("responsibilities:duty_edit", args=[item.pk])
    assert "每季度开展意识形态分析研判" in client.get(edit).content.decode()
    response = client.post(edit, {
        "content": "每季度开展分析研判", "responsible": "direct", "verification": "研判会议记录",
        "responsible_person": secretaries["county_a_direct"].pk, "sort_order": "5",
    })
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.content, item.responsible_person, item.sort_order, item.version) == (
        "每季度开展分析研判", secretaries["county_a_direct"], 5, 2
    )


def test_retire_asks_for_confirmation_before_retiring(tree, city_staff):
    item = make_duty(tree.county_a)
    client = client_for(city_staff)
    url = reverse("responsibilities:duty_retire", args=[item.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "确认停用" in page.content.decode()
    item.refresh_from_db()
    assert item.retired_at is None

    assert client.post(url).status_code == 302
    item.refresh_from_db()
    assert item.retired_at is not None
    assert client.post(url).status_code == 400  # already retired: said so, nothing changes


def test_cascade_page_previews_then_pushes(tree, city_staff, secretaries):
    item = make_duty(tree.city)
    client = client_for(city_staff)
    url = reverse("responsibilities:duty_cascade", args=[tree.city.pk])

    page = client.get(url).content.decode()
    assert "全部下级" in page
    for org in (tree.county_a, tree.county_b, tree.town_a1, tree.town_a2, tree.town_b1):
        assert org.name in page
    assert tree.other_city.name not in page

    response = client.post(url, {"items": [item.pk], "targets": [tree.county_a.pk, tree.county_b.pk], "preview": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "新增 2 条" in text and "确认下发" in text
    assert not DutyItem.objects.filter(source=item).exists()

    response = client.post(url, {"items": [item.pk], "all_targets": "on", "confirm": "1"})
    assert response.status_code == 302
    assert DutyItem.objects.filter(source=item).count() == 5

    again = client.post(url, {"items": [item.pk], "all_targets": "on", "preview": "1"}).content.decode()
    assert "无变化 5 条" in again and "确认下发" not in again


def test_cascade_page_requires_a_choice_and_refuses_foreign_targets(tree, city_staff):
    item = make_duty(tree.county_a)
    client = client_for(city_staff)
    url = reverse("responsibilities:duty_cascade", args=[tree.county_a.pk])

    response = client.post(url, {"preview": "1"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "请选择要下发的条目。" in text and "请选择接收下发的下级组织" in text

    response = client.post(url, {"items": [item.pk], "targets": [tree.town_b1.pk], "confirm": "1"})
    assert response.status_code == 400
    assert "所选组织不是您可管理的下级组织。" in response.content.decode()
    assert not DutyItem.objects.filter(source=item).exists()


def test_list_page_queries_do_not_grow_with_the_number_of_items(tree, secretaries, city_staff):
    client = client_for(city_staff)
    url = reverse("responsibilities:duty_list", args=[tree.county_a.pk])
    kinds = ("secretary", "direct", "members", "publicity", "propaganda", "group_office")
    ws = WorkSystem.objects.first()

    def add(count: int) -> None:
        for n in range(count):
            make_duty(tree.county_a, f"条目{n}", responsible=kinds[n % len(kinds)], work_system=ws,
                      responsible_person=secretaries["county_a"] if n % 2 else None)

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(3)
    push(tree.city, [make_duty(tree.city)], [tree.county_a])  # a copy, showing where it came from
    client.get(url)  # warm the session
    few = measure()
    add(27)
    many = measure()

    assert many == few
    assert few <= 10


@pytest.mark.parametrize("sort_order", ["99999999999999999999", "3000000000", "2147483648"])
def test_a_sort_order_beyond_the_database_column_is_refused_in_chinese(tree, city_staff, sort_order):
    """Past 2³¹−1 the value overflows the column (OverflowError on SQLite, DataError on PostgreSQL)."""
    client = client_for(city_staff)
    data = {"content": "每季度开展分析研判", "responsible": "direct", "verification": "研判会议记录"}

    response = client.post(reverse("responsibilities:duty_add", args=[tree.county_a.pk]),
                           {**data, "sort_order": sort_order})

    assert response.status_code == 400
    assert "排序不能大于 2147483647。" in response.content.decode()
    assert not DutyItem.objects.exists()

    response = client.post(reverse("responsibilities:duty_add", args=[tree.county_a.pk]),
                           {**data, "sort_order": "2147483647"})
    assert response.status_code == 302
    assert DutyItem.objects.get().sort_order == 2147483647
