from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import healthz as config_healthz
from config import home as config_home
from config import totp as config_totp
from config.auth import (
    ThrottledAdminAuthenticationForm,
    ThrottledAuthenticationForm,
    ThrottledLoginView,
    throttled_status,
)
from responsibilities.permissions import is_system_admin
from responsibilities.ratelimit import rate_limited


def _superuser_only(request) -> bool:
    # The admin's lists are not scoped to an organization subtree: only superusers may use it.
    return is_system_admin(request.user)


admin.site.has_permission = _superuser_only
admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = _("责任制台账 · 系统管理")
admin.site.site_title = _("责任制台账")
admin.site.index_title = _("系统管理")
_admin_login = admin.site.login


@login_not_required
@rate_limited("login")
def _throttled_admin_login(request, extra_context=None):
    # A locked login answers 429 with Retry-After on the admin's login page as on the app's.
    return throttled_status(request, _admin_login(request, extra_context))


admin.site.login = _throttled_admin_login
# django-otp's device admin speaks English; a lost phone is reset with `manage.py totp_reset <用户名>`.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

urlpatterns = [
    path("", config_home.home, name="home"),
    path("healthz", config_healthz.healthz, name="healthz"),
    path("readyz", config_healthz.readyz, name="readyz"),
    path(
        "accounts/login/",
        rate_limited("login")(ThrottledLoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True,
            authentication_form=ThrottledAuthenticationForm,
        )),
        name="login",
    ),
    path("accounts/totp/setup/", config_totp.totp_setup, name="totp_setup"),
    path("accounts/totp/verify/", config_totp.totp_verify, name="totp_verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("responsibilities.urls")),
    path("", include("reporting.urls")),
    path("", include("accountability.urls")),
]

# A database that cannot be reached answers 503 with a page saying so, not 500 (config/errors.py).
handler500 = "config.errors.server_error"
