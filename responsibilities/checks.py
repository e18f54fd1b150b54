"""System checks: warn an administrator about what would silently degrade the product."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database)
def work_calendar_covers_next_year(app_configs, **kwargs):
    from responsibilities.scheduling.services import calendar_missing_for_next_year

    try:
        year = calendar_missing_for_next_year()
    except DatabaseError:  # not migrated yet
        return []
    if year is None:
        return []
    from django.urls import reverse

    return [
        Warning(
            f"工作日历缺少 {year} 年的节假日与调休安排：请在系统管理 › 工作日历 › 按国务院通知录入全年安排"
            f"（{reverse('admin:responsibilities_workcalendarday_load_year')}）中按国务院办公厅通知补录，"
            "否则按工作日计算的期限和提醒将只按周末推算（这些期限显示为“暂定”，录入后自动调整）。",
            id="zeren.W001",
        )
    ]
