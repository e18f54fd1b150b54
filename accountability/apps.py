from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("检查考核与问责")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The rectification and filing deadlines join the scheduler's sweeps (responsibilities.scheduling.chase).
        from accountability import deadlines

        deadlines.register()
