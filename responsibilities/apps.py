from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("组织与责任")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from responsibilities import (
            checks,  # noqa: F401  (registers the system checks)
            sessions,  # noqa: F401  (login time; disabled users' sessions end)
        )
        from responsibilities.work.workbench import register_panels

        register_panels()
