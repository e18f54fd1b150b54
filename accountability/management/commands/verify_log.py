"""`python manage.py verify_log [--anchor SEQ:HASH]`: is the accountability log's chain intact?"""

from django.core.management.base import BaseCommand, CommandError

from accountability.log import services
from responsibilities import chain


class Command(BaseCommand):
    help = ("验证问责日志的哈希链：完好时输出 “OK <条目数> entries, head <哈希>” 并以 0 退出；"
            "否则指出第一个异常条目的序号和原因，以 1 退出。结果记入链条状态。")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--anchor", metavar="SEQ:HASH",
                            help="签发文件上印的存证锚点（日志序号:完整哈希），检查该条目存在且哈希一致")

    def handle(self, *args, anchor: str | None = None, **options) -> None:
        try:
            point = chain.parse_anchor(anchor) if anchor else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        check = services.chain_check(anchor=point)
        if check.ok:
            self.stdout.write(f"OK {check.count} entries, head {check.head_hash}")
            if point:
                self.stdout.write(f"anchor #{point[0]} matches")
            return
        self.stderr.write(f"BROKEN at #{check.bad_seq}: {check.reason}")
        raise SystemExit(1)
