"""Delete security-log lines older than ZEREN_SECURITY_LOG_DAYS (180) and spent login counts."""

from django.core.management.base import BaseCommand

from responsibilities.securitylog.services import security_events_prune


class Command(BaseCommand):
    help = "删除超过保留期（默认 180 天）的安全日志和已过期的登录失败计数。"

    def handle(self, *args, **options):
        events, throttles = security_events_prune()
        self.stdout.write(f"已删除 {events} 条安全日志、{throttles} 条登录失败计数。")
