"""`python manage.py seed_demo [--orgs N]`: load the fictional demo city (idempotent).

The data and the logic live in responsibilities/demo.py; this command only
refuses production and prints what happened.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from responsibilities.demo import organizations as demo


class Command(BaseCommand):
    help = "加载演示数据（虚构的江川市组织树、领导班子和演示账号）；重复运行不做更改。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--orgs",
            type=int,
            default=0,
            metavar="N",
            help="压测用：把演示组织树批量扩充到共 N 个组织（已达到则不做更改）",
        )

    def handle(self, *args, orgs: int, **options):
        # The demo accounts share a published password; they must never reach a real deployment.
        if settings.PRODUCTION:
            raise CommandError("生产环境（DJANGO_ENV=production）禁止加载演示数据：演示账号使用公开密码。")
        if orgs < 0:
            raise CommandError("--orgs 必须是非负整数。")
        report = demo.seed_bulk(orgs) if orgs else demo.seed_demo()
        if not report.changed:
            self.stdout.write("演示数据已存在，未做更改")
            return
        for line in report.lines:
            self.stdout.write(line)
