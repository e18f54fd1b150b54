"""Remove a user's TOTP devices (a lost phone): at the next login they enrol again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "删除某用户的动态验证码设备（如手机丢失）；该用户下次登录时重新启用。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"用户 {username} 不存在。") from exc
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"已删除 {user.username} 的 {count} 个动态验证码设备。")
