from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("检查考核与问责")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accountability.demo import on_demo_city_seeded
        from responsibilities.demo.organizations import demo_city_seeded

        demo_city_seeded.connect(on_demo_city_seeded, dispatch_uid="accountability.demo")
        # The rectification and filing deadlines join the scheduler's sweeps (responsibilities.scheduling.chase).
        from accountability import deadlines

        deadlines.register()
