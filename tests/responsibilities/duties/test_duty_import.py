"""The responsibility list in the menu, imported from Excel all or nothing, and the units a cascaded
item went to (issue #9 §3)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from responsibilities.duties import services
from responsibilities.duties.importing import DUTY_SHEET
from responsibilities.importing.workbook import XLSX_CONTENT_TYPE
from responsibilities.models import DutyItem, DutyItemEvent
from tests.factories import make_user

HEADERS = ["责任内容", "责任主体", "牵头单位", "责任单位", "认定标准（佐证）", "关联工作制度", "频次", "排序"]


def xlsx(rows, *, headers=HEADERS, sheet=DUTY_SHEET) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("责任清单.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def problems_of(response) -> list[tuple[str, str, str]]:
    return [(p.sheet, p.location, p.message) for p in response.context["problems"]]


def test_the_menu_leads_to_the_users_own_responsibility_list(client, tree, county_a_staff):
    client.force_login(county_a_staff)
    home = client.get(reverse("home")).content.decode()
    assert reverse("responsibilities:duty_home") in home
    response = client.get(reverse("responsibilities:duty_home"))
    assert response.status_code == 302 and response["Location"] == reverse("responsibilities:duty_list",
                                                                           args=[tree.county_a.pk])


def test_someone_seeing_two_organizations_chooses_one(client, tree):
    client.force_login(make_user("two", grants=[("view", tree.county_a), ("view", tree.county_b)]))
    page = client.get(reverse("responsibilities:duty_home"))
    assert page.status_code == 200
    assert [o.name for o in page.context["roots"]] == ["A县委", "B县委"]


def test_the_template_downloads_with_the_duty_sheet_and_its_headers(client, county_a_staff):
    client.force_login(county_a_staff)
    response = client.get(reverse("responsibilities:duty_import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["说明", "责任清单"]
    assert [c.value for c in wb["责任清单"][1]] == HEADERS


def test_a_clean_file_is_imported_in_order_with_events(client, tree, county_a_staff):
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]), {"file": xlsx([
        ("每季度专题研判意识形态领域情况", "第一责任人", "党委办公室", "宣传办", "研判会议记录", "", "每季度", None),
        ("落实一岗双责", "班子成员", "", "", "述职报告", "", "每年", None),
    ])})
    assert response.status_code == 302
    assert response["Location"] == reverse("responsibilities:duty_list", args=[tree.county_a.pk])
    items = list(DutyItem.objects.filter(organization=tree.county_a).order_by("sort_order"))
    assert [(i.content, i.responsible, i.lead_unit, i.recurrence, i.sort_order) for i in items] == [
        ("每季度专题研判意识形态领域情况", "secretary", "党委办公室", "每季度", 10),
        ("落实一岗双责", "members", "", "每年", 20),
    ]
    assert DutyItemEvent.objects.filter(item__in=items, kind="created", actor=county_a_staff).count() == 2


def test_one_bad_row_refuses_the_whole_file_and_names_every_problem(client, tree, county_a_staff):
    services.duty_item_create(organization=tree.county_a, content="已有条目", responsible="secretary",
                              verification="记录", actor=None)
    client.force_login(county_a_staff)
    response = client.post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]), {"file": xlsx([
        ("好的一行", "第一责任人", "", "", "会议记录", "", "", None),
        ("", "书记大人", "", "", "", "不存在的制度", "", "前面"),
        ("已有条目", "宣传委员", "", "", "记录", "", "", None),
        ("好的一行", "宣传部门", "", "", "记录", "", "", -1),
    ])})
    assert response.status_code == 400
    assert problems_of(response) == [
        ("责任清单", "第3行 A列（责任内容）", "责任内容不能为空"),
        ("责任清单", "第3行 B列（责任主体）", "无法识别的责任主体“书记大人”"),
        ("责任清单", "第3行 E列（认定标准（佐证））", "认定标准（佐证）不能为空"),
        ("责任清单", "第3行 F列（关联工作制度）", "系统中没有名称或代码为“不存在的制度”的工作制度"),
        ("责任清单", "第3行 H列（排序）", "排序请填写整数"),
        ("责任清单", "第4行 A列（责任内容）", "责任清单中已有内容相同的条目"),
        ("责任清单", "第5行 A列（责任内容）", "与第2行的责任内容重复"),
        ("责任清单", "第5行 H列（排序）", "排序须为 0 到 2147483647 之间的整数"),
    ]
    assert "未导入任何数据" in response.content.decode()
    assert list(DutyItem.objects.filter(organization=tree.county_a).values_list("content", flat=True)) == ["已有条目"]


def test_a_file_with_wrong_headers_or_no_sheet_is_refused(client, tree, county_a_staff):
    client.force_login(county_a_staff)
    url = reverse("responsibilities:duty_import", args=[tree.county_a.pk])
    wrong = client.post(url, {"file": xlsx([("x", "第一责任人", "", "", "y")], headers=["内容", *HEADERS[1:]])})
    assert problems_of(wrong) == [("责任清单", "第1行 A列（责任内容）", "表头应为“责任内容”，实际为“内容”；请使用下载的模板")]
    other = client.post(url, {"file": xlsx([], sheet="Sheet1")})
    assert problems_of(other) == [("文件", "", "没有找到“责任清单”工作表，请使用下载的模板")]
    assert not DutyItem.objects.filter(organization=tree.county_a).exists()


def test_importing_needs_manage_on_the_organization(client, tree):
    client.force_login(make_user("viewer", grants=[("view", tree.county_a)]))
    assert client.get(reverse("responsibilities:duty_import", args=[tree.county_a.pk])).status_code == 403
    client.force_login(make_user("other", grants=[("manage", tree.county_b), ("view", tree.county_b)]))
    assert client.post(reverse("responsibilities:duty_import", args=[tree.county_a.pk]),
                       {"file": xlsx([])}).status_code == 404


def test_the_source_item_shows_the_units_that_received_copies_and_their_versions(client, tree, city_staff):
    item = services.duty_item_create(organization=tree.city, content="每半年专题报告", responsible="secretary",
                                     verification="专题报告", actor=None)
    services.duty_items_cascade(source_org=tree.city, items=[item], targets=[tree.county_a, tree.county_b],
                                actor=None)
    item = services.duty_item_update(item=item, actor=None, verification="专题报告及报送记录")
    services.duty_items_cascade(source_org=tree.city, items=[item], targets=[tree.county_a], actor=None)
    client.force_login(city_staff)
    response = client.get(reverse("responsibilities:duty_list", args=[tree.city.pk]))
    listed = response.context["items"][0]
    assert [(c.organization.name, c.source_version) for c in listed.copies_sent] == [("A县委", 2), ("B县委", 1)]
    page = response.content.decode()
    assert 'data-testid="duty-copies"' in page and "已下发 2 个单位" in page
    assert "未更新到第2版，需再次下发" in page


def test_the_list_offers_the_import_to_managers_only(client, tree, county_a_staff):
    client.force_login(county_a_staff)
    page = client.get(reverse("responsibilities:duty_list", args=[tree.county_a.pk])).content.decode()
    assert reverse("responsibilities:duty_import", args=[tree.county_a.pk]) in page
    client.force_login(make_user("viewer", grants=[("view", tree.county_a)]))
    page = client.get(reverse("responsibilities:duty_list", args=[tree.county_a.pk])).content.decode()
    assert reverse("responsibilities:duty_import", args=[tree.county_a.pk]) not in page
