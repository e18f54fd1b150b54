"""Excel import of organizations and leadership teams: all-or-nothing, every problem located."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from responsibilities.importing import services as importing_services
from responsibilities.importing import workbook as importing_workbook
from responsibilities.models import Organization, OrganizationEvent, Person, RoleAssignment
from tests.factories import make_assignment, make_person, make_user

ORG_HEADERS = ["组织路径", "简称", "类型", "排序"]
TEAM_HEADERS = ["姓名", "职务", "组织路径", "角色", "起始日期", "结束日期", "分管领域"]
D = datetime.date


def make_xlsx(orgs=(), team=(), *, org_headers=ORG_HEADERS, team_headers=TEAM_HEADERS) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in (("组织", org_headers, orgs), ("班子成员", team_headers, team)):
        ws = wb.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=importing_workbook.XLSX_CONTENT_TYPE)


def run_import(user, data: bytes) -> importing_workbook.ImportOutcome:
    workbook = importing_workbook.upload_open(as_upload(data))
    return importing_services.workbook_import(workbook=workbook, actor=user)


def counts() -> tuple[int, int, int]:
    return Organization.objects.count(), Person.objects.count(), RoleAssignment.objects.count()


def parent_of(org: Organization) -> Organization:
    return Organization.objects.get_parent(org)


def messages_of(outcome: importing_workbook.ImportOutcome) -> list[str]:
    return [str(p) for p in outcome.problems]


@pytest.fixture
def county_a_admin(tree):
    return make_user("county_a_admin", grants=[("administer", tree.county_a)])


@pytest.fixture
def city_admin(tree):
    return make_user("city_admin", grants=[("administer", tree.city)])


GOOD_ORGS = [
    ("X市委/A县委/三镇党委", "三镇党委", "党委", 3),
    ("X市委/A县委/三镇党委/东村党支部", "", "党支部", None),  # parent created two lines above
    ("X市委/A县委/A县一镇党委/南村党支部", None, "党支部", 1),  # parent already in the database
]


def good_team(tree):
    return [
        ("李华", "镇党委书记", "X市委/A县委/三镇党委", "第一责任人（书记）", D(2026, 1, 1), None, "全面工作"),
        ("李华", "镇党委书记", "X市委/A县委/三镇党委", "领导小组组长", "2026-01-01", "", ""),
        ("赵平", "副书记", "X市委/A县委/三镇党委", "直接责任人", "2026/3/1", "2026/12/31", "宣传、网信"),
        ("钱进", "党支部书记", "X市委/A县委/三镇党委/东村党支部", "第一责任人", "2026年2月1日", None, None),
        ("孙敏", "", "X市委/A县委/A县一镇党委", "班子成员", D(2025, 6, 1), None, "包抓东村"),
    ]


# -- a good file -----------------------------------------------------------------------


def test_good_file_imports_organizations_people_and_roles(tree, county_a_admin):
    existing = make_person("孙敏", organization=tree.town_a1, title="组织委员")
    before = counts()

    outcome = run_import(county_a_admin, make_xlsx(GOOD_ORGS, good_team(tree)))

    assert outcome.ok, messages_of(outcome)
    assert (outcome.organizations, outcome.people, outcome.assignments) == (3, 3, 5)
    assert counts() == (before[0] + 3, before[1] + 3, before[2] + 5)

    town = Organization.objects.get(name="三镇党委")
    assert parent_of(town) == tree.county_a
    assert (town.short_name, town.kind, town.sort_order) == ("三镇党委", "committee", 3)
    village = Organization.objects.get(name="东村党支部")
    assert parent_of(village) == town and village.kind == "branch" and village.sort_order == 0
    assert parent_of(Organization.objects.get(name="南村党支部")) == tree.town_a1

    li = Person.objects.get(name="李华")
    assert li.organization == town and li.title == "镇党委书记"
    assert sorted(li.roles.values_list("role", flat=True)) == ["group_head", "secretary"]
    secretary = li.roles.get(role="secretary")
    assert (secretary.start_date, secretary.end_date, secretary.portfolio) == (D(2026, 1, 1), None, "全面工作")
    assert secretary.created_by == county_a_admin
    zhao = RoleAssignment.objects.get(person__name="赵平")
    assert (zhao.role, zhao.start_date, zhao.end_date) == ("direct", D(2026, 3, 1), D(2026, 12, 31))
    assert RoleAssignment.objects.get(person__name="钱进").start_date == D(2026, 2, 1)
    # An office-holder already recorded in the organization is matched by name, not duplicated.
    assert Person.objects.filter(name="孙敏").count() == 1
    assert existing.roles.get().portfolio == "包抓东村"


def test_an_import_records_its_author_on_every_organization_and_person_it_adds(tree, county_a_admin):
    run_import(county_a_admin, make_xlsx(GOOD_ORGS, good_team(tree)))

    town = Organization.objects.get(name="三镇党委")
    events = OrganizationEvent.objects.filter(organization__name__in=["三镇党委", "东村党支部", "南村党支部"])
    assert sorted((e.organization.name, e.kind, e.actor.username) for e in events) == [
        ("三镇党委", "created", county_a_admin.username),
        ("三镇党委", "person_added", county_a_admin.username),
        ("三镇党委", "person_added", county_a_admin.username),
        ("东村党支部", "created", county_a_admin.username),
        ("东村党支部", "person_added", county_a_admin.username),
        ("南村党支部", "created", county_a_admin.username),
    ]
    assert OrganizationEvent.objects.get(organization=town, kind="created").data == {
        "parent": {"id": tree.county_a.pk, "name": "A县委"}}


def test_upload_page_imports_and_reports_a_summary(client, tree, county_a_admin):
    client.force_login(county_a_admin)

    response = client.post(
        reverse("responsibilities:import"), {"file": as_upload(make_xlsx(GOOD_ORGS, good_team(tree)))}, follow=True
    )

    assert response.redirect_chain == [(reverse("responsibilities:import"), 302)]
    assert "导入成功：新建组织 3 个、人员 4 名、任职 5 条。" in response.content.decode()
    assert Organization.objects.filter(name="东村党支部").exists()


def test_only_one_sheet_may_be_filled(tree, county_a_admin):
    outcome = run_import(county_a_admin, make_xlsx(team=[("周强", "", "X市委/A县委", "宣传委员", "2026-01-01")]))

    assert outcome.ok, messages_of(outcome)
    assert RoleAssignment.objects.get(person__name="周强").role == "publicity"


# -- a bad file ------------------------------------------------------------------------


def test_bad_file_writes_nothing_and_lists_every_error_with_row_and_column(tree, county_a_admin):
    before = counts()
    orgs = [
        ("X市委/A县委/四镇党委", "", "党委", 1),  # fine on its own
        ("X市委/A县委/五镇党委", "", "党校", "第一"),  # C and D wrong
        ("X市委/A县委/不存在的镇/西村党支部", "", "党支部", None),  # parent missing
        ("X市委/A县委/A县二镇党委", "", "党委", None),  # already exists under that parent
        ("X市委/A县委/四镇党委", "", "党委", None),  # duplicate of row 2
        ("", "无路径", "党委", None),
    ]
    team = [
        ("王芳", "", "X市委/A县委/四镇党委", "第一责任人", "2026-01-01", None, ""),  # fine
        ("", "", "X市委/A县委", "班子成员", "2026-01-01", None, ""),  # name missing
        ("陈刚", "", "X市委/A县委", "书纪", "2026-13-01", None, ""),  # role and date wrong
        ("刘洋", "", "X市委/A县委", "班子成员", "2026-05-01", "2026-04-30", ""),  # end before start
        ("杨帆", "", "X市委/C县委", "班子成员", D(2026, 1, 1), None, ""),  # organization missing
    ]

    outcome = run_import(county_a_admin, make_xlsx(orgs, team))

    assert counts() == before
    assert messages_of(outcome) == [
        "组织 第3行 C列（类型）：无法识别的组织类型“党校”，应为：党委、党组、党工委、党总支、党支部",
        "组织 第3行 D列（排序）：排序应为非负整数，实际为“第一”",
        "组织 第4行 A列（组织路径）：找不到组织“X市委/A县委/不存在的镇”",
        "组织 第5行 A列（组织路径）：组织“X市委/A县委/A县二镇党委”已存在",
        "组织 第6行 A列（组织路径）：与第2行重复",
        "组织 第7行 A列（组织路径）：必填项为空",
        "班子成员 第3行 A列（姓名）：必填项为空",
        "班子成员 第4行 D列（角色）：无法识别的角色“书纪”",
        "班子成员 第4行 E列（起始日期）：无法识别的日期“2026-13-01”，请填写 Excel 日期或 2026-03-01 格式",
        "班子成员 第5行 F列（结束日期）：结束日期 2026-04-30 早于起始日期 2026-05-01",
        "班子成员 第6行 C列（组织路径）：找不到组织“X市委/C县委”",
    ]


def test_upload_page_shows_a_table_of_all_errors_and_writes_nothing(client, tree, county_a_admin):
    client.force_login(county_a_admin)
    before = counts()
    data = make_xlsx(
        [("X市委/A县委/六镇党委", "", "党委", None)],
        [("吴磊", "", "X市委/A县委", "书纪", "2026-01-01"), ("郑洁", "", "X市委/A县委", "班子成员", "昨天")],
    )

    response = client.post(reverse("responsibilities:import"), {"file": as_upload(data)})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="table errors-table"' in html
    assert "发现 2 个问题，未导入任何数据" in html
    assert "<td>班子成员</td><td>第2行 D列（角色）</td><td>无法识别的角色“书纪”</td>" in html
    assert "<td>班子成员</td><td>第3行 E列（起始日期）</td>" in html
    assert counts() == before


def test_wrong_headers_are_reported_instead_of_guessing_columns(tree, county_a_admin):
    headers = ["组织路径", "类型", "简称", "排序"]
    outcome = run_import(county_a_admin, make_xlsx([("X市委/A县委/七镇党委", "党委", "", 1)], org_headers=headers))

    assert messages_of(outcome) == [
        "组织 第1行 B列（简称）：表头应为“简称”，实际为“类型”；请使用下载的模板",
        "组织 第1行 C列（类型）：表头应为“类型”，实际为“简称”；请使用下载的模板",
    ]


def test_empty_file_is_reported(tree, county_a_admin):
    assert messages_of(run_import(county_a_admin, make_xlsx())) == ["文件：没有可导入的数据行"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.datetime(2026, 3, 1, 0, 0), D(2026, 3, 1)),
        (D(2026, 3, 1), D(2026, 3, 1)),
        ("2026-03-01", D(2026, 3, 1)),
        ("2026/3/1", D(2026, 3, 1)),
        (" 2026.3.1 ", D(2026, 3, 1)),
        ("2026年3月1日", D(2026, 3, 1)),
        (46082, D(2026, 3, 1)),  # an Excel serial day number whose cell lost its date format
    ],
)
def test_dates_are_read_from_excel_dates_and_common_text(value, expected):
    assert importing_workbook.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2026-02-30", "3/1/2026", "下周一", 20261301])
def test_unreadable_dates_are_refused(value):
    with pytest.raises(importing_workbook.CellError):
        importing_workbook.parse_date(value)


# -- single-holder roles ---------------------------------------------------------------


def test_overlapping_secretaries_within_the_file_are_refused(tree, county_a_admin):
    team = [
        ("甲", "", "X市委/A县委/A县一镇党委", "第一责任人", "2026-01-01", "2026-06-30"),
        ("乙", "", "X市委/A县委/A县一镇党委", "第一责任人（书记）", "2026-06-30", None),
        ("丙", "", "X市委/A县委/A县一镇党委", "领导小组组长", "2026-01-01", None),
        ("丁", "", "X市委/A县委/A县一镇党委", "领导小组组长", "2025-01-01", "2026-01-01"),
    ]

    outcome = run_import(county_a_admin, make_xlsx(team=team))

    assert messages_of(outcome) == [
        "班子成员 第3行 D列（角色）：与第2行（甲）的第一责任人（书记）任期重叠：同一组织同一时间只能有一人担任该角色",
        "班子成员 第5行 D列（角色）：与第4行（丙）的领导小组组长任期重叠：同一组织同一时间只能有一人担任该角色",
    ]
    assert RoleAssignment.objects.count() == 0


def test_secretary_replaced_mid_year_in_the_file_is_fine(tree, county_a_admin):
    team = [
        ("甲", "", "X市委/A县委/A县一镇党委", "第一责任人", "2026-01-01", "2026-06-30"),
        ("乙", "", "X市委/A县委/A县一镇党委", "第一责任人", "2026-07-01", None),
    ]

    assert run_import(county_a_admin, make_xlsx(team=team)).ok
    assert RoleAssignment.objects.filter(role="secretary", organization=tree.town_a1).count() == 2


def test_secretary_overlapping_one_in_the_database_is_refused(tree, county_a_admin):
    incumbent = make_person("周书记", organization=tree.town_a1)
    make_assignment(person=incumbent, role="secretary", start=D(2025, 1, 1))
    team = [("新书记", "", "X市委/A县委/A县一镇党委", "第一责任人", "2026-03-01")]

    outcome = run_import(county_a_admin, make_xlsx(team=team))

    assert messages_of(outcome) == [
        "班子成员 第2行 D列（角色）：与现有任职重叠：A县一镇党委 在 2025-01-01 起至今 已由 周书记 "
        "担任第一责任人（书记），同一时间只能有一人担任该角色",
    ]
    assert Person.objects.filter(name="新书记").count() == 0


def test_reimporting_the_same_members_is_refused_as_a_duplicate(tree, county_a_admin):
    data = make_xlsx(team=[("孙敏", "", "X市委/A县委/A县一镇党委", "班子成员", "2026-01-01")])
    assert run_import(county_a_admin, data).ok

    outcome = run_import(county_a_admin, data)

    assert messages_of(outcome) == [
        "班子成员 第2行 D列（角色）：与现有任职重复：孙敏 在 2026-01-01 起至今 已担任班子成员（一岗双责）",
    ]
    assert RoleAssignment.objects.count() == 1


# -- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["responsibilities:import", "responsibilities:import_template"])
def test_user_without_administer_anywhere_gets_403(client, county_a_staff, url_name):
    client.force_login(county_a_staff)

    assert client.get(reverse(url_name)).status_code == 403
    if url_name == "responsibilities:import":
        data = make_xlsx(GOOD_ORGS)
        assert client.post(reverse(url_name), {"file": as_upload(data)}).status_code == 403
        assert not Organization.objects.filter(name="三镇党委").exists()


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("responsibilities:import"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_nav_link_is_shown_only_to_administrators(client, county_a_admin, county_a_staff):
    client.force_login(county_a_admin)
    assert "Excel 导入" in client.get(reverse("responsibilities:organization_tree")).content.decode()
    client.force_login(county_a_staff)
    assert "Excel 导入" not in client.get(reverse("responsibilities:organization_tree")).content.decode()


def test_rows_outside_the_administered_subtree_are_refused(tree, county_a_admin):
    before = counts()
    orgs = [
        ("X市委/A县委/八镇党委", "", "党委", None),  # inside county A: fine
        ("X市委/B县委/九镇党委", "", "党委", None),
        ("X市委/B县委/九镇党委/北村党支部", "", "党支部", None),  # under an out-of-scope new org
        ("Z市委", "", "党委", None),  # only global administrators create roots
    ]
    team = [
        ("冯伟", "", "X市委/A县委/八镇党委", "班子成员", "2026-01-01"),
        ("褚亮", "", "X市委/B县委", "班子成员", "2026-01-01"),
        ("卫东", "", "X市委", "班子成员", "2026-01-01"),
    ]

    outcome = run_import(county_a_admin, make_xlsx(orgs, team))

    assert messages_of(outcome) == [
        "组织 第3行 A列（组织路径）：无权限：您没有“X市委/B县委”的系统管理权限",
        "组织 第4行 A列（组织路径）：无权限：您没有“X市委/B县委/九镇党委”的系统管理权限",
        "组织 第5行 A列（组织路径）：无权限：只有全局系统管理员可以新建顶级组织",
        "班子成员 第3行 C列（组织路径）：无权限：您没有“X市委/B县委”的系统管理权限",
        "班子成员 第4行 C列（组织路径）：无权限：您没有“X市委”的系统管理权限",
    ]
    assert counts() == before


def test_superuser_may_create_a_new_root(tree):
    admin = make_user("root_admin", superuser=True)

    outcome = run_import(admin, make_xlsx([("Z市委", "Z市委", "党委", 2), ("Z市委/Z县委", "", "党委", 1)]))

    assert outcome.ok, messages_of(outcome)
    assert parent_of(Organization.objects.get(name="Z县委")).name == "Z市委"


# -- the uploaded file itself ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("组织.xlsx", "组织路径,简称,类型\nX市委/A县委/十镇党委,,党委\n".encode(), "不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格"),
        ("组织.csv", make_xlsx(), "不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格"),
        ("组织.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "文件已损坏"),
        ("组织.xlsx", b"PK\x03\x04 not really a zip", "不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格"),
        ("空.xlsx", b"", "空的"),
    ],
)
def test_files_that_are_not_real_xlsx_workbooks_are_refused(name, data, reason):
    with pytest.raises(ValidationError) as excinfo:
        importing_workbook.upload_open(as_upload(data, name))

    assert reason in excinfo.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(ValidationError, match="无法读取该文件"):
        importing_workbook.upload_open(as_upload(buffer.getvalue(), "伪装.xlsx"))


def test_oversized_upload_is_refused(monkeypatch):
    monkeypatch.setattr(importing_workbook, "IMPORT_MAX_BYTES", 1024)

    with pytest.raises(ValidationError, match="文件过大"):
        importing_workbook.upload_open(as_upload(make_xlsx(GOOD_ORGS)))


def test_upload_page_explains_a_disguised_file(client, county_a_admin):
    client.force_login(county_a_admin)
    before = counts()

    response = client.post(
        reverse("responsibilities:import"), {"file": as_upload(b"just some text\n", "renamed.xlsx")}
    )

    assert response.status_code == 200
    assert "文件不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）" in response.content.decode()
    assert counts() == before


def test_posting_without_a_file_asks_for_one(client, county_a_admin):
    client.force_login(county_a_admin)

    response = client.post(reverse("responsibilities:import"), {})

    assert "请选择要上传的 Excel 文件。" in response.content.decode()


# -- the template ----------------------------------------------------------------------


def download_template(client) -> bytes:
    response = client.get(reverse("responsibilities:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == importing_workbook.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_template_download_is_a_valid_workbook_with_the_expected_sheets(client, county_a_admin):
    client.force_login(county_a_admin)

    wb = load_workbook(io.BytesIO(download_template(client)))

    assert wb.sheetnames == ["说明", "组织", "班子成员"]
    assert [c.value for c in wb["组织"][1]] == ORG_HEADERS
    assert [c.value for c in wb["班子成员"][1]] == TEAM_HEADERS
    assert wb["组织"]["A1"].font.bold and wb["组织"].column_dimensions["A"].width > 20
    help_text = " ".join(str(v) for row in wb["说明"].iter_rows(values_only=True) for v in row if v)
    for header in {*ORG_HEADERS, *TEAM_HEADERS}:
        assert header in help_text


def example_rows(template: bytes) -> dict[str, list]:
    """The example row that the 说明 sheet shows under each sheet's headers."""
    rows = list(load_workbook(io.BytesIO(template))["说明"].iter_rows(values_only=True))
    examples = {}
    for sheet, headers in (("组织", ORG_HEADERS), ("班子成员", TEAM_HEADERS)):
        at = next(i for i, row in enumerate(rows) if list(row[: len(headers)]) == headers)
        examples[sheet] = list(rows[at + 1][: len(headers)])
    return examples


def test_round_trip_the_templates_example_rows_import_cleanly(client, tree, county_a_admin):
    client.force_login(county_a_admin)
    template = download_template(client)
    examples = example_rows(template)
    wb = load_workbook(io.BytesIO(template))
    wb["组织"].append(examples["组织"])
    wb["班子成员"].append(examples["班子成员"])
    filled = io.BytesIO()
    wb.save(filled)

    response = client.post(reverse("responsibilities:import"), {"file": as_upload(filled.getvalue())}, follow=True)

    assert "导入成功：新建组织 1 个、人员 1 名、任职 1 条。" in response.content.decode()
    org = Organization.objects.get(name=examples["组织"][0].rsplit("/", 1)[-1])
    assert parent_of(org) == tree.county_a
    assert RoleAssignment.objects.get(organization=org).role == "secretary"


def test_uploading_the_untouched_template_reports_no_data(client, county_a_admin):
    client.force_login(county_a_admin)

    response = client.post(reverse("responsibilities:import"), {"file": as_upload(download_template(client))})

    assert "没有可导入的数据行" in response.content.decode()


def test_upload_page_explains_the_steps_and_links_the_template(client, county_a_admin):
    client.force_login(county_a_admin)

    html = client.get(reverse("responsibilities:import")).content.decode()

    assert reverse("responsibilities:import_template") in html
    assert 'enctype="multipart/form-data"' in html
    assert 'class="active"' in html and "Excel 导入" in html


# -- hostile and damaged files ---------------------------------------------------------


@pytest.mark.parametrize("value", [1e20, 3000000000, "99999999999999999999", -1])
def test_a_sort_order_the_database_cannot_hold_is_a_cell_problem(tree, county_a_admin, value):
    """Past 2³¹−1 the 排序 overflows the column (OverflowError on SQLite, DataError on PostgreSQL)."""
    before = counts()

    outcome = run_import(county_a_admin, make_xlsx([("X市委/A县委/八镇党委", "", "党委", value)]))

    assert counts() == before
    (message,) = messages_of(outcome)
    assert message.startswith("组织 第2行 D列（排序）：排序应为 0 至 2147483647 之间的整数，实际为“")


def test_the_largest_sort_order_the_database_holds_is_imported(tree, county_a_admin):
    outcome = run_import(county_a_admin, make_xlsx([("X市委/A县委/八镇党委", "", "党委", 2147483647)]))

    assert outcome.ok, messages_of(outcome)
    assert Organization.objects.get(name="八镇党委").sort_order == 2147483647


def patch_central_directory(data: bytes, patch) -> bytes:
    """Apply `patch(buffer, offset)` to every central directory header of a zip archive."""
    buffer = bytearray(data)
    offset = buffer.find(b"PK\x01\x02")
    while offset >= 0:
        patch(buffer, offset)
        offset = buffer.find(b"PK\x01\x02", offset + 4)
    return bytes(buffer)


def unsupported_version(buffer: bytearray, offset: int) -> None:
    struct.pack_into("<H", buffer, offset + 6, 99)  # "version needed to extract": 9.9


def name_not_utf8(buffer: bytearray, offset: int) -> None:
    flags = struct.unpack_from("<H", buffer, offset + 8)[0]
    struct.pack_into("<H", buffer, offset + 8, flags | 0x800)  # the name claims to be UTF-8 …
    buffer[offset + 46] = 0xFF  # … and is not


@pytest.mark.parametrize("patch", [unsupported_version, name_not_utf8], ids=["version", "utf8-name"])
def test_a_zip_with_a_hostile_central_directory_is_not_a_workbook(client, tree, county_a_admin, patch):
    data = patch_central_directory(make_xlsx(GOOD_ORGS), patch)

    with pytest.raises(ValidationError, match="文件不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）"):
        importing_workbook.upload_open(as_upload(data))

    client.force_login(county_a_admin)
    before = counts()
    response = client.post(reverse("responsibilities:import"), {"file": as_upload(data)})
    assert response.status_code == 200
    assert "文件不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）" in response.content.decode()
    assert counts() == before


def truncated_sheet(data: bytes) -> bytes:
    """The same workbook with the XML of its 组织 sheet cut in half (a well-formed zip around it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet_path = "xl/worksheets/sheet1.xml"  # make_xlsx writes 组织 first
    assert sheet_path in source.namelist()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == sheet_path:
                member = member[: len(member) // 2]
            archive.writestr(info, member)
    return output.getvalue()


def test_a_truncated_sheet_is_reported_as_an_unreadable_file(client, tree, county_a_admin):
    rows = [(f"X市委/A县委/镇{i}", "", "党委", i) for i in range(200)]
    data = truncated_sheet(make_xlsx(rows))
    before = counts()

    outcome = run_import(county_a_admin, data)  # opens: read-only mode parses the sheet only while planning

    assert messages_of(outcome) == ["文件：无法读取该文件：文件已损坏，或不是 Excel 工作簿（.xlsx、.xls）或 ODS 表格（.ods）。"]
    assert counts() == before
    client.force_login(county_a_admin)
    response = client.post(reverse("responsibilities:import"), {"file": as_upload(data)})
    assert response.status_code == 200
    assert "无法读取该文件" in response.content.decode()
    assert counts() == before


def test_an_upload_past_the_site_limit_is_cut_off_with_a_chinese_explanation(client, tree, county_a_admin, settings):
    settings.FILE_UPLOAD_HANDLERS = [  # as config/settings.py registers them
        "responsibilities.work.uploads.LimitedUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(county_a_admin)
    before = counts()
    data = make_xlsx(GOOD_ORGS)
    assert len(data) > 1024

    response = client.post(reverse("responsibilities:import"), {"file": as_upload(data)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "上传的文件过大，已停止接收（单个文件不超过 1.0\xa0KB）。" in html
    assert "请选择要上传的 Excel 文件。" in html
    assert counts() == before
