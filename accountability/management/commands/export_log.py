"""`python manage.py export_log --out FILE.jsonl [--org ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accountability.log import services
from responsibilities.models import Organization


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期应写作 YYYY-MM-DD：{text}") from error


class Command(BaseCommand):
    help = ("把问责日志导出为 JSON Lines，供离线验证（python -m accountability.verifier FILE.jsonl）。"
            "可按组织（含下级）和日期筛选：筛选以外的条目只留序号和哈希，链条仍可完整验证。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="输出文件（.jsonl）")
        parser.add_argument("--org", type=int, help="组织 ID：只完整导出该组织及其下级的条目")
        parser.add_argument("--from", dest="date_from", help="起始日期（含），YYYY-MM-DD，北京时间")
        parser.add_argument("--to", dest="date_to", help="结束日期（含），YYYY-MM-DD，北京时间")

    def handle(self, *args, out: str, org: int | None = None, date_from: str | None = None,
               date_to: str | None = None, **options) -> None:
        organization = None
        if org is not None:
            organization = Organization.objects.filter(pk=org).first()
            if organization is None:
                raise CommandError(f"没有 ID 为 {org} 的组织。")
        only = services.ExportFilter(
            organization=organization, date_from=_day(date_from) if date_from else None,
            date_to=_day(date_to) if date_to else None,
        )
        if only.date_from and only.date_to and only.date_to < only.date_from:
            raise CommandError("结束日期不能早于起始日期。")
        with Path(out).open("w", encoding="utf-8") as handle:
            full, redacted = services.export_write(handle, only=only)
        self.stdout.write(f"{out}: {full + redacted} entries ({full} in full, {redacted} redacted)")
