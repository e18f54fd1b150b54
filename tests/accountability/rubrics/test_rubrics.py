"""The rubric: the default, editing with validation, the lock once used, Excel round trip and bad files."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accountability.models import Indicator, Rubric
from accountability.rubrics import services
from accountability.rubrics.excel import (
    HEADERS,
    RubricImportError,
    parse_workbook,
    rubric_import,
    rubric_workbook,
)
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_org("江川市委")


@pytest.fixture
def staff(city):
    return make_user(grants=[("view", city), ("manage", city)])


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_default_rubric_covers_the_eight_areas_sums_to_100_and_has_veto_items(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)

    groups = list(rubric.indicators.filter(parent=None).order_by("sort_order").values_list("name", flat=True))
    assert groups == ["落实主体责任", "加强组织领导", "贯彻上级决策部署", "分析研判", "阵地管理", "网络意识形态安全",
                      "思想舆论宣传", "责任追究", "一票否决"]
    assert services.rubric_problems(rubric) == []
    assert rubric.indicators.filter(method="veto").count() == 4


def test_changing_points_is_checked_against_the_total(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)
    leaf = rubric.indicators.filter(method="award").order_by("pk").first()

    services.indicator_save(rubric=rubric, actor=staff, indicator=leaf, parent=leaf.parent, name="书记履职",
                            method="award", points=D("7"))

    assert services.rubric_problems(rubric) == ["各项二级指标分值合计应为 100 分，当前为 102 分。"]


@pytest.mark.parametrize(("method", "points", "per", "cap", "message"), [
    ("deduct", D("5"), None, None, "按扣分方式计分的指标，须填写每次扣分（大于 0）。"),
    ("deduct", D("5"), D("1"), D("6"), "扣分上限应大于 0 且不超过该指标分值。"),
    ("veto", D("2"), None, None, "一票否决事项不计分，分值应为 0。"),
    ("award", D("0"), None, None, "按评分方式计分的指标，分值应大于 0。"),
])
def test_bad_leaves_are_refused_in_chinese(city, staff, method, points, per, cap, message):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)
    group = rubric.indicators.filter(parent=None).first()

    with pytest.raises(ValidationError) as exc:
        services.indicator_save(rubric=rubric, actor=staff, parent=group, name="新指标", method=method,
                                points=points, per_occurrence=per, cap=cap)
    assert exc.value.messages == [message]


def test_removing_a_group_removes_its_leaves(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)
    group = rubric.indicators.get(name="阵地管理")

    services.indicator_remove(indicator=group, actor=staff)

    assert services.rubric_problems(rubric) == ["各项二级指标分值合计应为 100 分，当前为 88 分。"]


def test_excel_round_trip_keeps_every_field(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)

    tree = parse_workbook(rubric_workbook(rubric))

    assert tree == services.rubric_tree(rubric)


def test_import_creates_the_years_rubric(city, staff):
    data = _sheet([["主体责任", "书记亲自部署", 60, "评分", "", None, None, "否", ""],
                   ["分析研判", "季度研判", 40, "扣分", "每缺一次扣10分", 10, 30, "否", "quarterly_analysis"],
                   ["一票否决", "阵地失控", None, "一票否决", "", None, None, "是", ""]])

    rubric = rubric_import(organization=city, year=2027, data=data, actor=staff)

    leaf = rubric.indicators.get(code="quarterly_analysis")
    assert (leaf.method, leaf.points, leaf.per_occurrence, leaf.cap) == ("deduct", D("40"), D("10"), D("30"))
    assert rubric.indicators.filter(method="veto").count() == 1


def test_import_reads_through_invisible_characters_like_the_other_imports(city, staff):
    book = Workbook()
    sheet = book.active
    sheet.append(["\ufeff一级指标", *HEADERS[1:]])  # a BOM before the first header, as some tools write
    sheet.append(["主体责任\u200b", "书记亲自\u3000部署", "６０", "评分", "", None, None, "否", ""])
    sheet.append(["分析研判", "季度研判", 40, "评分", "", None, None, "否", ""])
    buffer = io.BytesIO()
    book.save(buffer)

    rubric = rubric_import(organization=city, year=2027, data=buffer.getvalue(), actor=staff)

    leaf = rubric.indicators.get(name__startswith="书记")
    assert (leaf.parent.name, leaf.name, leaf.points) == ("主体责任", "书记亲自 部署", D("60"))


def test_import_reports_each_bad_row_and_writes_nothing(city, staff):
    data = _sheet([["主体责任", "书记亲自部署", "六十", "评分", "", None, None, "否", ""],
                   ["分析研判", "", 40, "扣分", "", None, None, "否", ""],
                   ["阵地", "阵地管理", 10, "打分", "", None, None, "否", ""]])

    with pytest.raises(RubricImportError) as exc:
        rubric_import(organization=city, year=2027, data=data, actor=staff)

    assert exc.value.messages == [
        "第 2 行：“分值”应为数字，现为“六十”。",
        "第 3 行：“二级指标”不能为空。",
        "第 3 行：“每次扣分”不能为空。",
        "第 4 行：“评分方式”应为“评分”“扣分”或“一票否决”，现为“打分”。",
    ]
    assert not Rubric.objects.filter(year=2027).exists()


def test_a_file_that_is_not_a_workbook_is_refused(city, staff):
    with pytest.raises(RubricImportError, match="无法读取该文件"):
        rubric_import(organization=city, year=2027, data=b"%PDF-1.4 not a sheet", actor=staff)


def test_export_quotes_cells_a_spreadsheet_would_run_as_formulas(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)
    group = rubric.indicators.filter(parent=None).first()
    services.indicator_save(rubric=rubric, actor=staff, indicator=group, name="=HYPERLINK(\"http://x\")")

    sheet = load_workbook(io.BytesIO(rubric_workbook(rubric))).active

    cell = sheet["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")"
    assert cell.data_type == "s" and cell.quotePrefix


def test_import_page_lists_row_errors(city, staff):
    client = Client()
    client.force_login(staff)
    upload = SimpleUploadedFile("指标.xlsx", _sheet([["主体责任", "书记亲自部署", 99, "评分", "", None, None, "否", ""]]))

    response = client.post(f"{reverse('accountability:rubric_import')}?org={city.pk}", {"year": 2027, "file": upload})

    assert response.status_code == 400
    assert "各项二级指标分值合计应为 100 分，当前为 99 分。" in response.content.decode()


def test_indicator_fields_survive_the_editor_page(city, staff):
    rubric = services.rubric_create(organization=city, year=2026, actor=staff)
    client = Client()
    client.force_login(staff)

    response = client.get(reverse("accountability:rubric_detail", args=[rubric.pk]))

    assert response.status_code == 200
    assert "各项指标合计 100.0 分，可用于考核。" in response.content.decode()
    assert Indicator.objects.filter(rubric=rubric).count() == 32
