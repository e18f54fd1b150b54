from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("报告与台账")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reporting import checks  # noqa: F401  (registers the PDF font and subsetter checks)
        from reporting.demo import on_demo_city_seeded
        from reporting.workbench import register_panels
        from responsibilities.demo.organizations import demo_city_seeded

        demo_city_seeded.connect(on_demo_city_seeded, dispatch_uid="reporting.demo")
        register_panels()
